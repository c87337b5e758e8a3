import t from 'tap';
import { gql, setup } from './helper.js';
import { referenceWorld } from './fixtures.js';

// The embedded default (PGlite) runs the same migrations and services as PostgreSQL.
const h = await setup(t, { pglite: true });

t.test('on PGlite: migrations apply and the service is ready', async (t) => {
  const res = await h.as('anonymous', { method: 'GET', url: '/readyz' });
  t.equal(res.statusCode, 200);
  t.equal(res.json().database, 'pglite');
});

t.test('on PGlite: reference data, scoped reads, trigram search, GraphQL and the audit chain all work', async (t) => {
  const w = await referenceWorld(h);
  const list = await h.as({ role: 'department', departmentId: w.departments.forestry.id }, { method: 'GET', url: '/api/v1/units' });
  t.equal(list.json().items.length, 2);
  const search = await h.as('admin', { method: 'GET', url: `/api/v1/units?q=${encodeURIComponent('办税')}&regionId=${w.regions.prefecture.id}` });
  t.equal(search.json().items.length, 2);
  const g = await gql(h, 'admin', '{ units(limit: 3) { items { name department { name } } nextCursor } }');
  t.equal((g.data!.units as { items: unknown[] }).items.length, 3);
  const verify = (await h.as('admin', { method: 'GET', url: '/api/v1/audit-log/verify' })).json();
  t.equal(verify.valid, true);
  t.ok(verify.checked >= 9);
  await t.rejects(h.sql('delete from audit_log'), /append-only/);
});
