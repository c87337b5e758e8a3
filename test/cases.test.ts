import t from 'tap';
import { systemContext } from '../src/lib/principal.js';
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
  t.equal(c.deadline, h.app.services.calendar.addWorkingDays(new Date('2026-11-02T01:00:00.000Z'), 5).toISOString());
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
  t.equal(acc.json().deadline, h.app.services.calendar.addWorkingDays(new Date('2026-11-03T02:00:00.000Z'), 5).toISOString());
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

const upload = (who: Parameters<typeof h.as>[0], query: string, body: string, type = 'text/csv') =>
  h.as(who, { method: 'POST', url: `/api/v1/case-imports?${query}`, headers: { 'content-type': type }, payload: body });
const csv = (rows: string[]) => ['caseNumber,itemId,unitId,state,receivedAt,acceptedAt,closedAt,reason,firstResponder', ...rows].join('\n');

t.test('a bulk case import commits the valid rows, derives deadlines and on time, and reports each bad row', async (t) => {
  const file = csv([
    `IMP-1,${permit.id},${forestStation.id},completed,2026-11-02T01:00:00Z,2026-11-02T02:00:00Z,2026-11-04T02:00:00Z,,LY-0007`,
    `IMP-2,${permit.id},${forestStation.id},received,2026-11-02T01:00:00Z,,,,`,
    `IMP-3,${permit.id},${taxHallA.id},received,2026-11-02T01:00:00Z,,,,`,
    `IMP-4,${permit.id},${forestStation.id},refused,2026-11-02T01:00:00Z,,2026-11-03T01:00:00Z,,SECRET-STAFF`,
    `IMP-5,${permit.id},${forestStation.id},completed,2026-11-02T01:00:00Z,,2026-11-03T01:00:00Z,,`,
    `IMP-6,not-a-uuid,${forestStation.id},received,2026-11-02T01:00:00Z,,,,`,
    `IMP-7,${permit.id},${forestPolice.id},returned,2026-11-02T01:00:00Z,,2026-11-03T01:00:00Z,材料不全,`,
  ]);
  const r = await upload('integration', 'format=csv&source=zwfw_bulk', file);
  t.equal(r.statusCode, 201, r.body);
  t.match(r.json(), { status: 'completed', rowsRead: 7, accepted: 3, rejected: 4, duplicates: 0 });
  const listed = (await h.as('admin', { method: 'GET', url: '/api/v1/cases?source=zwfw_bulk&limit=200' })).json().items as Case[];
  const byNumber = new Map(listed.map((c) => [c.caseNumber, c]));
  t.same([...byNumber.keys()].sort(), ['IMP-1', 'IMP-2', 'IMP-7']);
  t.match(byNumber.get('IMP-1'), { state: 'completed', onTime: true, oneWeek: true, importId: r.json().id });
  t.equal(byNumber.get('IMP-1')!.deadline, h.app.services.calendar.addWorkingDays(new Date('2026-11-02T02:00:00Z'), 5).toISOString());
  t.match(byNumber.get('IMP-7'), { state: 'returned', reason: '材料不全' });
  const errors = await h.as('integration', { method: 'GET', url: `/api/v1/case-imports/${r.json().id}/errors` });
  t.equal(errors.statusCode, 200);
  const lines = errors.body.replace(/^\uFEFF/, '').trim().split('\n');
  t.equal(lines[0].trim(), 'rowNumber,field,code,message,raw');
  t.same(lines.slice(1).map((l) => l.split(',').slice(0, 3).join(',')).sort(), ['4,itemId,item_not_offered', '5,reason,invalid_history', '6,state,invalid_history', '7,itemId,invalid_format'], 'each bad row by line, field and code');
  t.notOk(errors.body.includes('SECRET-STAFF'), 'the staff code never reaches the error report');

  const again = await upload('integration', 'format=csv&source=zwfw_bulk', file);
  t.match(again.json(), { accepted: 0, duplicates: 3, rejected: 4 }, 'a re-import is recognised by (source, caseNumber)');
});

t.test('all_or_nothing commits nothing when a row is rejected; NDJSON works the same', async (t) => {
  const good = JSON.stringify({ caseNumber: 'AON-1', itemId: permit.id, unitId: forestStation.id, receivedAt: '2026-11-02T01:00:00Z' });
  const bad = JSON.stringify({ caseNumber: 'AON-2', itemId: permit.id, unitId: forestStation.id, receivedAt: '2999-11-02T01:00:00Z' });
  const failed = await upload('integration', 'format=ndjson&source=zwfw_aon&policy=all_or_nothing', `${good}\n${bad}\n`, 'application/x-ndjson');
  t.match(failed.json(), { status: 'failed', accepted: 0, rejected: 1 });
  t.same((await h.as('admin', { method: 'GET', url: '/api/v1/cases?source=zwfw_aon' })).json().items, []);
  const ok = await upload('integration', 'format=ndjson&source=zwfw_aon&policy=all_or_nothing', `${good}\n`, 'application/x-ndjson');
  t.match(ok.json(), { status: 'completed', accepted: 1 });
  const log = await h.as('admin', { method: 'GET', url: `/api/v1/audit-log?entityType=case_import&entityId=${ok.json().id}` });
  t.same(log.json().items.map((e: { action: string }) => e.action), ['case_import.completed']);
});

t.test('a case import needs its header, a file and a writer’s role', async (t) => {
  const noHeader = await upload('integration', 'format=csv&source=zwfw_h', 'caseNumber,unitId\nX,Y\n');
  t.match(noHeader.json(), { status: 'failed', failureReason: /missing column\(s\) itemId, receivedAt/ });
  t.equal((await h.as('integration', { method: 'POST', url: '/api/v1/case-imports?format=csv&source=x', payload: { a: 1 } })).statusCode, 415);
  t.equal((await upload(stationStaff, 'format=csv&source=x', csv([]))).statusCode, 403);
  t.equal((await upload('inspector', 'format=csv&source=x', csv([]))).statusCode, 403);
  t.equal((await upload('anonymous', 'format=csv&source=x', csv([]))).statusCode, 401);
  const mine = (await h.as('integration', { method: 'GET', url: '/api/v1/case-imports' })).json().items;
  t.ok(mine.length >= 1);
  t.equal((await h.as('admin', { method: 'GET', url: `/api/v1/case-imports/${mine[0].id}` })).statusCode, 200);
});

t.test('the lease sweep fails a case import whose process stopped', async (t) => {
  const [job] = await h.sql<{ id: string }>(
    `insert into case_imports (id, format, source, policy, created_by, lease_expires_at) values (gen_random_uuid(), 'csv', 'zwfw_dead', 'partial', 'x', now() - interval '1 hour') returning id`,
  );
  t.equal(await h.app.services.caseImports.failOrphaned(), 1);
  const got = await h.as('admin', { method: 'GET', url: `/api/v1/case-imports/${job.id}` });
  t.match(got.json(), { status: 'failed', failureReason: /stopped/ });
});

t.test('case statistics count states and give the on-time and one-week rates, scoped to the caller', async (t) => {
  const q = 'from=2026-11-01T00:00:00Z&to=2026-11-03T00:00:00Z';
  const all = await h.as('admin', { method: 'GET', url: `/api/v1/case-statistics?groupBy=unit&${q}` });
  t.equal(all.statusCode, 200, all.body);
  const station = all.json().rows.find((r: { key: string }) => r.key === forestStation.id);
  t.ok(station.total >= station.byState.completed && station.byState.completed >= 3);
  t.equal(station.onTimeRate, Math.round((station.onTime / station.byState.completed) * 10000) / 100);
  const dept = await h.as(forestryDept, { method: 'GET', url: `/api/v1/case-statistics?groupBy=department&${q}` });
  t.same(dept.json().rows.map((r: { key: string }) => r.key), [w.departments.forestry.id], 'a department sees its own figures only');
  const unit = await h.as(stationStaff, { method: 'GET', url: `/api/v1/case-statistics?groupBy=unit&${q}` });
  t.same(unit.json().rows.map((r: { key: string }) => r.key), [forestStation.id]);
  t.equal((await h.as('integration', { method: 'GET', url: '/api/v1/case-statistics' })).statusCode, 403);
  t.equal((await h.as('admin', { method: 'GET', url: '/api/v1/case-statistics?groupBy=planet' })).statusCode, 400);
  const g = await gql(h, 'inspector', `{ caseStatistics(groupBy: region) { groupBy rows { key total byState { completed } onTimeRate oneWeekRate } } }`);
  t.same(g.errors, undefined);
  t.ok((g.data!.caseStatistics as { rows: unknown[] }).rows.length >= 1);
});

t.test('one case, one rating: a rating names a case of the rated unit, and a second rating of it is refused', async (t) => {
  const c = (await file('integration')).json() as Case;
  const rate = (body: Record<string, unknown>) =>
    h.as('integration', { method: 'POST', url: '/api/v1/ratings', payload: { unitId: forestStation.id, channel: 'window_device', level: 5, source: 'window_device_1', caseId: c.id, staffCode: 'LY-0231', ...body } });
  const wrongUnit = await rate({ unitId: forestPolice.id });
  t.equal(wrongUnit.statusCode, 422);
  t.equal(wrongUnit.json().errors[0].field, 'caseId');
  t.equal((await rate({ caseId: '0190a000-0000-7000-8000-000000000000' })).json().errors[0].field, 'caseId');
  const first = await rate({});
  t.equal(first.statusCode, 201, first.body);
  const second = await rate({ channel: 'kiosk', level: 1 });
  t.equal(second.statusCode, 409);
  t.equal(second.json().code, 'case_already_rated');
  const listed = (await h.as('admin', { method: 'GET', url: `/api/v1/ratings?unitId=${forestStation.id}&limit=200` })).json().items as { id: string; caseId: string | null; channelLabel: unknown }[];
  const mine = listed.find((r) => r.id === first.json().id)!;
  t.equal(mine.caseId, c.id);
  t.same(mine.channelLabel, { zhCN: '窗口评价器', en: 'Rating device at the window' });
  t.notOk(JSON.stringify(listed).includes('LY-0231'), 'the staff code is never shown');
  const [stored] = await h.sql<{ staff_hash: string }>('select staff_hash from ratings where id = $1', [first.json().id]);
  t.equal(stored.staff_hash, c.firstResponderRef, 'the staff who served is the same pseudonym as the first responder of the case');
});
