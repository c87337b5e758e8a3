import t from 'tap';
import { systemContext } from '../src/lib/principal.js';
import { addWorkingDays } from '../src/lib/working-days.js';
import { referenceWorld } from './fixtures.js';
import { gql, setup } from './helper.js';

const h = await setup(t);
const w = await referenceWorld(h);
const s = h.app.services;
const ctx = systemContext('test');
const { forestStation, forestPolice, taxHallA } = w.units;
const forestryDept = { role: 'department' as const, departmentId: w.departments.forestry.id };
const stationStaff = { role: 'unit' as const, unitId: forestStation.id };
const policeStaff = { role: 'unit' as const, unitId: forestPolice.id };

const permit = await s.serviceItems.create(ctx, { departmentId: w.departments.forestry.id, code: 'LY-CUT', name: '林木采伐许可证核发', promisedDays: 5, modes: ['time_limited'] });
await s.serviceItems.setUnits(ctx, permit.id, [forestStation.id, forestPolice.id]);
const taxItem = await s.serviceItems.create(ctx, { departmentId: w.departments.tax.id, code: 'SW-FP', name: '发票领用', promisedDays: 0, modes: [] });
await s.serviceItems.setUnits(ctx, taxItem.id, [taxHallA.id]);

type Case = Record<string, unknown> & { id: string; version: number; deadline: string };
let n = 0;
const caseBody = (body: Record<string, unknown> = {}) => ({
  source: 'zwfw_test',
  caseNumber: `BJ2026-${++n}`,
  itemId: permit.id,
  unitId: forestStation.id,
  receivedAt: '2026-11-02T01:00:00.000Z',
  firstResponder: 'LY-0231',
  ...body,
});
const file = (who: Parameters<typeof h.as>[0], body: Record<string, unknown> = {}) => h.as(who, { method: 'POST', url: '/api/v1/cases', payload: caseBody(body) });
const move = (who: Parameters<typeof h.as>[0], id: string, action: string, payload: Record<string, unknown> = {}) =>
  h.as(who, { method: 'POST', url: `/api/v1/cases/${id}/${action}`, payload });

t.test('an integration files a case: the deadline is the item’s working days from receipt; the first responder is pseudonymous', async (t) => {
  const r = await file('integration');
  t.equal(r.statusCode, 201, r.body);
  const c = r.json() as Case;
  t.match(c, { state: 'received', stateLabel: { zhCN: '已收件' }, promisedDays: 5, onTime: null, oneWeek: null, itemId: permit.id, unitId: forestStation.id });
  t.equal(c.deadline, addWorkingDays(new Date('2026-11-02T01:00:00.000Z'), 5).toISOString());
  t.match(c.firstResponderRef, /^[0-9a-f]{64}$/);
  t.notOk(JSON.stringify(c).includes('LY-0231'), 'the staff code is never stored or shown');
  const again = await file('integration', { caseNumber: c.caseNumber });
  t.equal(again.statusCode, 409);
  t.equal(again.json().code, 'duplicate_case');
  t.equal((await file('integration', { caseNumber: c.caseNumber, source: 'other_platform' })).statusCode, 201, 'numbers are unique per source');
});

t.test('a case names an item its unit offers, active, received in the past', async (t) => {
  const notOffered = await file('integration', { unitId: taxHallA.id });
  t.equal(notOffered.statusCode, 422);
  t.equal(notOffered.json().errors[0].field, 'itemId');
  const future = await file('integration', { receivedAt: '2999-01-01T00:00:00.000Z' });
  t.equal(future.statusCode, 422);
  t.equal(future.json().errors[0].field, 'receivedAt');
  t.equal((await file('integration', { unitId: '0190a000-0000-7000-8000-000000000000' })).json().errors[0].field, 'unitId');
  t.equal((await file('integration', { source: 'Bad Source!' })).statusCode, 400);
  const retired = await s.serviceItems.create(ctx, { departmentId: w.departments.forestry.id, code: 'LY-OLD', name: '旧事项', promisedDays: 3, modes: [] });
  await s.serviceItems.setUnits(ctx, retired.id, [forestStation.id]);
  await s.serviceItems.update(ctx, retired.id, 1, { status: 'retired' });
  t.equal((await file('integration', { itemId: retired.id })).json().errors[0].field, 'itemId');
});

t.test('received → accepted → completed on time and within a week; the deadline restarts at acceptance', async (t) => {
  const c = (await file('integration')).json() as Case;
  const acc = await move('integration', c.id, 'accept', { at: '2026-11-03T02:00:00.000Z' });
  t.equal(acc.statusCode, 200, acc.body);
  t.equal(acc.json().deadline, addWorkingDays(new Date('2026-11-03T02:00:00.000Z'), 5).toISOString());
  const done = await move('integration', c.id, 'complete', { at: '2026-11-06T08:00:00.000Z' });
  t.equal(done.statusCode, 200, done.body);
  t.match(done.json(), { state: 'completed', onTime: true, oneWeek: true, closedAt: '2026-11-06T08:00:00.000Z' });
});

t.test('a case completed after its deadline is late, and past 7 days not 一周办结', async (t) => {
  const c = (await file('integration')).json() as Case;
  await move('integration', c.id, 'accept', { at: '2026-11-02T03:00:00.000Z' });
  const late = await move('integration', c.id, 'complete', { at: '2026-11-20T03:00:00.000Z' });
  t.match(late.json(), { onTime: false, oneWeek: false });
  const listed = await h.as('admin', { method: 'GET', url: `/api/v1/cases?onTime=false&state=completed&limit=200` });
  t.ok(listed.json().items.some((i: Case) => i.id === c.id));
});

t.test('return and refusal need a reason; final states allow no move; times run forward', async (t) => {
  const c = (await file('integration')).json() as Case;
  const noReason = await move('integration', c.id, 'return', {});
  t.equal(noReason.statusCode, 400);
  t.equal(noReason.json().errors[0].field, 'body.reason');
  const blank = await move('integration', c.id, 'refuse', { reason: '   ' });
  t.equal(blank.statusCode, 400);
  const early = await move('integration', c.id, 'accept', { at: '2026-11-01T00:00:00.000Z' });
  t.equal(early.statusCode, 422);
  t.equal(early.json().errors[0].field, 'at');
  const notAccepted = await move('integration', c.id, 'complete');
  t.equal(notAccepted.statusCode, 409);
  t.match(notAccepted.json(), { code: 'illegal_transition', from: 'received', to: 'completed' });
  const ret = await move('integration', c.id, 'return', { reason: '缺少林权证复印件' });
  t.match(ret.json(), { state: 'returned', reason: '缺少林权证复印件', onTime: null });
  t.equal((await move('integration', c.id, 'accept')).statusCode, 409);

  const d = (await file('integration')).json() as Case;
  await move('integration', d.id, 'accept');
  const refused = await move('integration', d.id, 'refuse', { reason: '不符合采伐限额' });
  t.match(refused.json(), { state: 'refused', reason: '不符合采伐限额' });
  const stale = await move('integration', d.id, 'complete', { version: 1 });
  t.equal(stale.statusCode, 412);
});

t.test('units and departments read their own cases; roles that may not write are refused', async (t) => {
  const mine = (await file('integration')).json() as Case;
  const police = (await file('admin', { unitId: forestPolice.id })).json() as Case;
  const tax = (await file('integration', { itemId: taxItem.id, unitId: taxHallA.id })).json() as Case;
  t.equal((await h.as(stationStaff, { method: 'GET', url: `/api/v1/cases/${mine.id}` })).statusCode, 200);
  t.equal((await h.as(stationStaff, { method: 'GET', url: `/api/v1/cases/${police.id}` })).statusCode, 404);
  t.equal((await h.as(policeStaff, { method: 'GET', url: `/api/v1/cases/${police.id}` })).statusCode, 200);
  t.equal((await h.as(forestryDept, { method: 'GET', url: `/api/v1/cases/${police.id}` })).statusCode, 200);
  t.equal((await h.as(forestryDept, { method: 'GET', url: `/api/v1/cases/${tax.id}` })).statusCode, 404);
  t.equal((await h.as('inspector', { method: 'GET', url: `/api/v1/cases/${tax.id}` })).statusCode, 200);
  const deptItems = (await h.as(forestryDept, { method: 'GET', url: '/api/v1/cases?limit=200' })).json().items as Case[];
  t.ok(deptItems.length > 0 && deptItems.every((c) => c.unitId === forestStation.id || c.unitId === forestPolice.id));
  const unitItems = (await h.as(stationStaff, { method: 'GET', url: `/api/v1/cases?limit=200&unitId=${forestPolice.id}` })).json().items;
  t.same(unitItems, []);
  for (const who of ['inspector', 'supervisor', stationStaff, forestryDept] as const) {
    const claims = who === 'supervisor' ? { role: 'supervisor' as const, supervisorId: '0190a000-0000-7000-8000-0000000005e1' } : who;
    t.equal((await file(claims)).statusCode, 403);
    t.equal((await move(claims, mine.id, 'accept')).statusCode, 403);
  }
  t.equal((await file('anonymous')).statusCode, 401);
  t.equal((await h.as('anonymous', { method: 'GET', url: '/api/v1/cases' })).statusCode, 401);
  t.equal((await move(stationStaff, mine.id, 'accept')).statusCode, 403);
  // The case itself is untouched by the refused moves.
  t.equal((await h.as('admin', { method: 'GET', url: `/api/v1/cases/${mine.id}` })).json().state, 'received');
});

t.test('every move is audited with the state before and after', async (t) => {
  const c = (await file('integration')).json() as Case;
  await move('integration', c.id, 'accept');
  await move('integration', c.id, 'complete');
  const log = await h.as('admin', { method: 'GET', url: `/api/v1/audit-log?entityType=case&entityId=${c.id}` });
  t.same(log.json().items.map((e: { action: string; role: string }) => [e.action, e.role]), [['case.received', 'integration'], ['case.accepted', 'integration'], ['case.completed', 'integration']]);
  t.equal(log.json().items[2].before.state, 'accepted');
  t.equal(log.json().items[2].after.state, 'completed');
});

t.test('GraphQL files and moves cases like REST, loading units and items in one query each', async (t) => {
  const created = await gql(h, 'integration', `mutation { createCase(input: { source: "zwfw_gql", caseNumber: "G-1", itemId: "${permit.id}", unitId: "${forestStation.id}", receivedAt: "2026-11-02T01:00:00Z" }) { id state deadline item { code } } }`);
  t.same(created.errors, undefined);
  const id = (created.data!.createCase as { id: string }).id;
  const refused = await gql(h, 'integration', `mutation { refuseCase(id: "${id}", reason: "材料不全") { state reason } }`);
  t.same(refused.data!.refuseCase, { state: 'refused', reason: '材料不全' });
  const noReason = await gql(h, 'integration', `mutation { returnCase(id: "${id}", reason: "") { state } }`);
  t.equal(noReason.errors?.[0].extensions?.code, 'validation_failed');
  const denied = await gql(h, stationStaff, `mutation { acceptCase(id: "${id}") { state } }`);
  t.equal(denied.errors?.[0].extensions?.code, 'forbidden');
  const g = await h.countQueries(() => gql(h, forestryDept, `{ cases(limit: 200) { items { id unit { name } item { code department { name } } } } }`));
  t.same(g.result.errors, undefined);
  const items = (g.result.data!.cases as { items: { unit: { name: string }; item: { code: string } }[] }).items;
  t.ok(items.length > 3 && items.every((i) => i.unit.name && i.item.code));
  if (g.queries >= 0) t.ok(g.queries <= 4, `${g.queries} queries`);
});
