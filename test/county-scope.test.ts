import t from 'tap';
import { systemContext } from '../src/lib/principal.js';
import { referenceWorld } from './fixtures.js';
import { gql, setup } from './helper.js';

// 两级办公室: a county office (admin or inspector token with region_id) sees and manages only the units in its region's
// subtree and what hangs off them; the prefecture office (no region_id) everything; prefecture-wide work is refused.
const h = await setup(t);
const w = await referenceWorld(h);
const { countyA, countyB, townA, prefecture } = w.regions;
const countyAdmin = { role: 'admin' as const, subject: 'lichuan-office', regionId: countyA.id };
const countyInspector = { role: 'inspector' as const, subject: 'lichuan-inspector', regionId: countyA.id };
const inA = [w.units.forestStation.id, w.units.forestPolice.id, w.units.taxHallA.id].sort();
const ctx = systemContext('county-test');
const problemFor = (unitId: string, description: string) =>
  h.app.services.problems.create(ctx, { unitId, sourceType: 'manual', severity: 'minor', description }).then((r) => r.problem);
const pA = await problemFor(w.units.taxHallA.id, 'queue too long (A)');
const pTown = await problemFor(w.units.forestStation.id, 'no notice board (township in A)');
const pB = await problemFor(w.units.taxHallB.id, 'queue too long (B)');

t.test('a county office lists and reads only its region subtree’s units (the township below included)', async (t) => {
  for (const who of [countyAdmin, countyInspector]) {
    const res = await h.as(who, { method: 'GET', url: '/api/v1/units?limit=100' });
    t.equal(res.statusCode, 200);
    t.same((res.json().items as { id: string }[]).map((u) => u.id).sort(), inA, `${who.role}: the county's three units`);
    t.equal((await h.as(who, { method: 'GET', url: `/api/v1/units/${w.units.taxHallB.id}` })).statusCode, 404, `${who.role}: another county's unit does not exist for it`);
    t.equal((await h.as(who, { method: 'GET', url: `/api/v1/units/${w.units.forestStation.id}` })).statusCode, 200);
  }
  const all = await h.as('admin', { method: 'GET', url: '/api/v1/units?limit=100' });
  t.equal(all.json().items.length, 5, 'the prefecture office sees every unit');
  const other = await h.as(countyAdmin, { method: 'GET', url: `/api/v1/units?regionId=${countyB.id}` });
  t.same(other.json().items, [], 'filtering by another county gives nothing');
});

t.test('a county admin creates and moves units only inside its region', async (t) => {
  const body = { name: '汪营便民服务中心', departmentId: w.departments.tax.id, category: 'public_service' };
  const out = await h.as(countyAdmin, { method: 'POST', url: '/api/v1/units', payload: { ...body, regionId: countyB.id } });
  t.equal(out.statusCode, 403);
  t.equal(out.json().errors?.[0]?.field, 'regionId', 'names the field');
  const ok = await h.as(countyAdmin, { method: 'POST', url: '/api/v1/units', payload: { ...body, regionId: townA.id } });
  t.equal(ok.statusCode, 201);
  const moved = await h.as(countyAdmin, { method: 'PATCH', url: `/api/v1/units/${ok.json().id}`, headers: { 'if-match': `"${ok.json().version}"` }, payload: { regionId: countyB.id } });
  t.equal(moved.statusCode, 403, 'cannot move a unit out of its region');
  const foreign = await h.as(countyAdmin, { method: 'PATCH', url: `/api/v1/units/${w.units.taxHallB.id}`, headers: { 'if-match': '"1"' }, payload: { name: 'x' } });
  t.equal(foreign.statusCode, 404, "another county's unit cannot be changed (and is not revealed)");
  const audit = await h.sql<{ actor: string }>(`select actor from audit_log where entity_id = '${ok.json().id}' and action = 'unit.created'`);
  t.equal(audit[0]?.actor, 'lichuan-office', 'audited with the county office as actor');
});

t.test('problems: a county office reads, opens and moves only its units’ problems', async (t) => {
  const list = await h.as(countyInspector, { method: 'GET', url: '/api/v1/problems?limit=100' });
  t.equal(list.statusCode, 200);
  t.same((list.json().items as { id: string }[]).map((p) => p.id).sort(), [pA.id, pTown.id].sort());
  t.equal((await h.as(countyInspector, { method: 'GET', url: `/api/v1/problems/${pB.id}` })).statusCode, 404);
  const open = await h.as(countyAdmin, { method: 'POST', url: '/api/v1/problems', payload: { unitId: w.units.taxAudit.id, sourceType: 'manual', severity: 'minor', description: 'x' } });
  t.equal(open.statusCode, 422, 'cannot open a problem for a unit outside its region');
  t.equal(open.json().errors?.[0]?.field, 'unitId');
  const bulk = await h.as(countyAdmin, { method: 'POST', url: '/api/v1/problems/bulk-transition', payload: { ids: [pA.id, pB.id], action: 'start' } });
  t.equal(bulk.statusCode, 404, "a batch with another county's problem is refused whole");
  t.equal((await h.app.services.problems.get(ctx, pA.id)).status, 'open', 'nothing was written');
  const ok = await h.as(countyAdmin, { method: 'POST', url: '/api/v1/problems/bulk-transition', payload: { ids: [pA.id, pTown.id], action: 'start' } });
  t.equal(ok.statusCode, 200);
});

t.test('statistics are the county’s own; another region is refused', async (t) => {
  const q = 'fromYear=2020&toYear=2030';
  const mine = await h.as(countyAdmin, { method: 'GET', url: `/api/v1/statistics?${q}` });
  t.equal(mine.statusCode, 200);
  t.equal(mine.json().figures.problems.found, 2, 'the county’s two problems');
  const all = await h.as('admin', { method: 'GET', url: `/api/v1/statistics?${q}` });
  t.equal(all.json().figures.problems.found, 3, 'the prefecture sees all three');
  t.equal((await h.as(countyAdmin, { method: 'GET', url: `/api/v1/statistics?${q}&regionId=${countyB.id}` })).statusCode, 403);
  t.equal((await h.as(countyAdmin, { method: 'GET', url: `/api/v1/statistics?${q}&regionId=${prefecture.id}` })).statusCode, 403, 'not the prefecture either');
  t.equal((await h.as(countyAdmin, { method: 'GET', url: `/api/v1/statistics?${q}&regionId=${townA.id}` })).statusCode, 200, 'a township below it is fine');
});

t.test('prefecture-wide work refuses a county token', async (t) => {
  for (const [method, url] of [
    ['POST', '/api/v1/cycles'],
    ['GET', '/api/v1/audit-log'],
    ['POST', '/api/v1/regions'],
    ['POST', '/api/v1/departments'],
    ['POST', `/api/v1/complaints/${pA.id}/triage`],
  ] as const) {
    const res = await h.as(countyAdmin, { method, url, payload: method === 'GET' ? undefined : {} });
    t.equal(res.statusCode, 403, `${method} ${url}`);
    t.match(res.json().detail, /prefecture office/);
  }
  t.equal((await h.as(countyAdmin, { method: 'GET', url: '/api/v1/categories' })).statusCode, 200, 'public reference data stays readable');
});

t.test('GraphQL: the same scope, and prefecture-only fields refuse', async (t) => {
  const r = await gql(h, countyInspector, '{ units(limit: 100) { items { id } } }');
  const rest = await h.as(countyInspector, { method: 'GET', url: '/api/v1/units?limit=100' });
  const ids = (r.data?.units as { items: { id: string }[] }).items.map((u) => u.id).sort();
  t.same(ids, (rest.json().items as { id: string }[]).map((u) => u.id).sort(), 'the same units as REST');
  t.notOk(ids.includes(w.units.taxHallB.id), 'none of another county');
  for (const id of inA) t.ok(ids.includes(id));
  const denied = await gql(h, countyAdmin, '{ integrationClients { items { id } } }');
  t.match(denied.errors?.[0]?.message ?? '', /prefecture office|forbidden|Forbidden/i);
});

t.test('the region_id claim: admin and inspector only, and the region must exist', async (t) => {
  for (const [who, why] of [
    [{ role: 'department' as const, departmentId: w.departments.tax.id, regionId: countyA.id }, 'department'],
    [{ role: 'unit' as const, unitId: w.units.taxHallA.id, regionId: countyA.id }, 'unit'],
    [{ role: 'integration' as const, regionId: countyA.id }, 'integration'],
    [{ role: 'admin' as const, regionId: '01900000-0000-7000-8000-0000000000aa' }, 'unknown region'],
  ] as const) {
    const res = await h.as(who, { method: 'GET', url: '/api/v1/units' });
    t.equal(res.statusCode, 401, why);
  }
});
