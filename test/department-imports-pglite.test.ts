import t from 'tap';
import { referenceWorld } from './fixtures.js';
import { setup } from './helper.js';

// The embedded database has no COPY: a department import takes the multi-row INSERT path, with the same statement after it.
const h = await setup(t, { pglite: true });
const w = await referenceWorld(h);

t.test('on PGlite a department import creates and updates departments', async (t) => {
  t.equal(h.database.kind, 'pglite');
  const rows = [
    { name: '嵌入-利川市\t卫健局', sector: 'health', level: 'county', regionId: w.regions.countyA.id },
    { id: w.departments.tax.id, version: 1, nameEn: 'Prefecture Taxation Bureau', active: false },
    { name: '嵌入-级别不符', sector: 'health', level: 'county', regionId: w.regions.prefecture.id },
  ];
  const r = await h.as('admin', { method: 'POST', url: '/api/v1/department-imports?format=ndjson', headers: { 'content-type': 'application/x-ndjson' }, payload: rows.map((x) => JSON.stringify(x)).join('\n') });
  t.equal(r.statusCode, 201, r.body);
  t.match(r.json(), { status: 'completed', created: 1, updated: 1, rejected: 1 });
  const [created] = await h.sql<{ name: string; level: string; active: boolean }>(`select name, level, active from departments where name like '嵌入-%'`);
  t.same(created, { name: '嵌入-利川市\t卫健局', level: 'county', active: true });
  const tax = (await h.as('admin', { method: 'GET', url: `/api/v1/departments/${w.departments.tax.id}` })).json();
  t.match(tax, { name: '州国税局', nameEn: 'Prefecture Taxation Bureau', active: false, version: 2 });
});
