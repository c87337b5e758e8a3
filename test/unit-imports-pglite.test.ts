import t from 'tap';
import { referenceWorld } from './fixtures.js';
import { setup } from './helper.js';

// The embedded database has no COPY: a unit import takes the multi-row INSERT path, with the same statement after it.
const h = await setup(t, { pglite: true });
const w = await referenceWorld(h);

t.test('on PGlite a unit import creates and updates units, lists included', async (t) => {
  t.equal(h.database.kind, 'pglite');
  const rows = [
    { departmentId: w.departments.forestry.id, regionId: w.regions.countyA.id, category: 'public_service', name: '嵌入-新\t窗口', commitments: ['当日办结'] },
    { id: w.units.taxHallB.id, version: 1, phone: '0718-5555', serviceItems: [{ name: '发票领用', timeLimitDays: null, modes: [] }] },
  ];
  const r = await h.as('admin', { method: 'POST', url: '/api/v1/unit-imports?format=ndjson', headers: { 'content-type': 'application/x-ndjson' }, payload: rows.map((x) => JSON.stringify(x)).join('\n') });
  t.equal(r.statusCode, 201, r.body);
  t.match(r.json(), { status: 'completed', created: 1, updated: 1, rejected: 0 });
  const [created] = await h.sql<{ name: string; commitments: string[] }>(`select name, commitments from units where name like '嵌入-%'`);
  t.same(created, { name: '嵌入-新\t窗口', commitments: ['当日办结'] });
  const hall = (await h.as('admin', { method: 'GET', url: `/api/v1/units/${w.units.taxHallB.id}` })).json();
  t.match(hall, { name: '建始国税办税服务厅', phone: '0718-5555', version: 2, serviceItems: [{ name: '发票领用', timeLimitDays: null, modes: [] }] });
});
