import t from 'tap';
import { systemContext } from '../src/lib/principal.js';
import { referenceWorld } from './fixtures.js';
import { gql, setup } from './helper.js';

const h = await setup(t);
const w = await referenceWorld(h);
const { forestStation, forestPolice, taxHallA } = w.units;
const forestryDept = { role: 'department' as const, departmentId: w.departments.forestry.id };
const stationStaff = { role: 'unit' as const, unitId: forestStation.id };
const supervisor = { role: 'supervisor' as const, supervisorId: '0190a000-0000-7000-8000-0000000005e1' };
const cycle = await h.app.services.cycles.create(systemContext('test'), { name: '2014 创建', year: 2014 });
type Who = Parameters<typeof h.as>[0];
type Row = Record<string, unknown> & { id: string };

const activity = (who: Who, body: Record<string, unknown>) =>
  h.as(who, { method: 'POST', url: '/api/v1/outreach-activities', payload: { heldOn: '2014-06-30', cycleId: cycle.id, ...body } });
const suggestion = (who: Who, body: Record<string, unknown> = {}) =>
  h.as(who, { method: 'POST', url: '/api/v1/suggestions', payload: { text: '希望延长周末办税时间', receivedOn: '2014-07-01', unitId: taxHallA.id, ...body } });

t.test('each kind of outreach is recorded with its own counts, about one unit, department or region', async (t) => {
  const forms = await activity('admin', { kind: 'opinion_forms', regionId: w.regions.countyA.id, distributed: 8000, returned: 7600 });
  t.equal(forms.statusCode, 201, forms.body);
  t.match(forms.json(), { kind: 'opinion_forms', kindLabel: { zhCN: '发放征求意见表' }, regionId: w.regions.countyA.id, unitId: null, distributed: 8000, returned: 7600, households: null });
  const forum = await activity(forestryDept, { kind: 'forums', departmentId: w.departments.forestry.id, sessions: 12, participants: 340 });
  t.equal(forum.statusCode, 201, forum.body);
  t.match(forum.json(), { sessions: 12, participants: 340, departmentId: w.departments.forestry.id });
  const visits = await activity(stationStaff, { kind: 'household_visits', unitId: forestStation.id, households: 150 });
  t.equal(visits.statusCode, 201, visits.body);
  const got = await h.as(forestryDept, { method: 'GET', url: `/api/v1/outreach-activities/${visits.json().id}` });
  t.same(got.json(), visits.json());
});

t.test('counts are validated: non-negative integers within bounds, only the kind’s own, returned ≤ distributed', async (t) => {
  const field = async (r: Promise<{ statusCode: number; json(): { errors?: { field: string }[] } }>) => {
    const res = await r;
    return [res.statusCode, res.json().errors?.[0]?.field];
  };
  t.same(await field(activity('admin', { kind: 'sms', unitId: taxHallA.id, messages: -1 })), [400, 'body.messages']);
  t.same(await field(activity('admin', { kind: 'sms', unitId: taxHallA.id, messages: 1.5 })), [400, 'body.messages']);
  t.same(await field(activity('admin', { kind: 'sms', unitId: taxHallA.id, messages: 100_000_000 })), [400, 'body.messages']);
  t.same(await field(activity('admin', { kind: 'sms', unitId: taxHallA.id, messages: 5, households: 3 })), [400, 'body']);
  t.same(await field(activity('admin', { kind: 'opinion_forms', unitId: taxHallA.id, distributed: 10, returned: 11 })), [422, 'returned']);
  t.same(await field(activity('admin', { kind: 'sms', messages: 5 })), [422, 'unitId']);
  t.same(await field(activity('admin', { kind: 'sms', messages: 5, unitId: taxHallA.id, departmentId: w.departments.tax.id })), [422, 'departmentId']);
  t.same(await field(activity('admin', { kind: 'sms', messages: 5, unitId: taxHallA.id, heldOn: '2999-01-01' })), [422, 'heldOn']);
  t.same(await field(activity('admin', { kind: 'sms', messages: 5, unitId: taxHallA.id, cycleId: '0190a000-0000-7000-8000-000000000000' })), [422, 'cycleId']);
});

t.test('a department and a unit record only about themselves; region-wide records are the office’s', async (t) => {
  t.equal((await activity(forestryDept, { kind: 'sms', messages: 5, unitId: taxHallA.id })).json().errors[0].field, 'unitId');
  t.equal((await activity(forestryDept, { kind: 'sms', messages: 5, departmentId: w.departments.tax.id })).json().errors[0].field, 'departmentId');
  t.equal((await activity(forestryDept, { kind: 'sms', messages: 5, unitId: forestPolice.id })).statusCode, 201);
  t.equal((await activity(stationStaff, { kind: 'sms', messages: 5, unitId: forestPolice.id })).statusCode, 422);
  t.equal((await activity(stationStaff, { kind: 'sms', messages: 5, departmentId: w.departments.forestry.id })).statusCode, 422);
  const region = await activity(forestryDept, { kind: 'sms', messages: 5, regionId: w.regions.countyA.id });
  t.equal(region.statusCode, 403);
  t.equal(region.json().errors[0].field, 'regionId');
  t.equal((await activity('inspector', { kind: 'sms', messages: 5, regionId: w.regions.countyA.id })).statusCode, 201);
});

t.test('lists filter by kind, subject and dates, scoped to the caller', async (t) => {
  const ids = async (who: Who, q = '') => ((await h.as(who, { method: 'GET', url: `/api/v1/outreach-activities?limit=200&${q}` })).json().items as Row[]);
  const unitItems = await ids(stationStaff);
  t.ok(unitItems.length > 0 && unitItems.every((a) => a.unitId === forestStation.id));
  const deptItems = await ids(forestryDept);
  t.ok(deptItems.some((a) => a.departmentId === w.departments.forestry.id) && deptItems.some((a) => a.unitId === forestPolice.id));
  t.ok(deptItems.every((a) => a.departmentId === w.departments.forestry.id || a.unitId === forestPolice.id || a.unitId === forestStation.id));
  t.ok((await ids('admin', 'kind=forums')).every((a) => a.kind === 'forums'));
  t.ok((await ids('admin', `departmentId=${w.departments.forestry.id}`)).length === deptItems.length);
  t.same(await ids('admin', 'from=2015-01-01'), []);
  t.equal((await h.as('admin', { method: 'GET', url: '/api/v1/outreach-activities?kind=parade' })).statusCode, 400);
  t.equal((await h.as('admin', { method: 'GET', url: '/api/v1/outreach-activities?from=2015-01-01&to=2014-01-01' })).statusCode, 422);
  const regionRow = (await ids('admin', `regionId=${w.regions.countyA.id}`))[0];
  t.equal((await h.as(forestryDept, { method: 'GET', url: `/api/v1/outreach-activities/${regionRow.id}` })).statusCode, 404);
});

t.test('a recorded activity is corrected with the version read: its own counts only, audited before and after', async (t) => {
  const a = (await activity(stationStaff, { kind: 'opinion_forms', unitId: forestStation.id, distributed: 100, returned: 80 })).json() as Row;
  const patch = (who: Who, body: Record<string, unknown>, headers: Record<string, string> = {}) => h.as(who, { method: 'PATCH', url: `/api/v1/outreach-activities/${a.id}`, headers, payload: body });
  t.equal((await patch(stationStaff, { distributed: 120 })).statusCode, 428);
  t.equal((await patch(stationStaff, { distributed: 120 }, { 'if-match': '"9"' })).statusCode, 412);
  t.equal((await patch(stationStaff, { households: 3, version: 1 })).json().errors[0].field, 'households');
  t.equal((await patch(stationStaff, { returned: 200, version: 1 })).json().errors[0].field, 'returned');
  t.equal((await patch(forestryDept, { distributed: 120, version: 1 })).statusCode, 200);
  t.equal((await patch({ role: 'unit', unitId: forestPolice.id }, { distributed: 1, version: 2 })).statusCode, 404);
  const fixed = await patch(stationStaff, { distributed: 130 }, { 'if-match': '"2"' });
  t.match(fixed.json(), { distributed: 130, returned: 80, version: 3 });
  const log = (await h.as('admin', { method: 'GET', url: `/api/v1/audit-log?entityType=outreach_activity&entityId=${a.id}` })).json().items;
  t.same(log.map((e: { action: string }) => e.action), ['outreach_activity.recorded', 'outreach_activity.corrected', 'outreach_activity.corrected']);
  t.equal(log[2].before.distributed, 120);
  t.equal(log[2].after.distributed, 130);
});

t.test('a suggestion is received, then answered or adopted with a reply; both are final', async (t) => {
  const s = await suggestion('admin');
  t.equal(s.statusCode, 201, s.body);
  t.match(s.json(), { status: 'received', statusLabel: { zhCN: '已收集' }, reply: null });
  const noReply = await h.as('admin', { method: 'POST', url: `/api/v1/suggestions/${s.json().id}/reply`, payload: { status: 'adopted' } });
  t.equal(noReply.statusCode, 400);
  t.equal(noReply.json().errors[0].field, 'body.reply');
  const taxDept = { role: 'department' as const, departmentId: w.departments.tax.id };
  const adopted = await h.as(taxDept, { method: 'POST', url: `/api/v1/suggestions/${s.json().id}/reply`, payload: { status: 'adopted', reply: '已自2014年8月起周六上午办税' } });
  t.equal(adopted.statusCode, 200, adopted.body);
  t.match(adopted.json(), { status: 'adopted', reply: '已自2014年8月起周六上午办税', version: 2 });
  t.ok(adopted.json().repliedAt && adopted.json().repliedBy);
  const again = await h.as('admin', { method: 'POST', url: `/api/v1/suggestions/${s.json().id}/reply`, payload: { status: 'answered', reply: 'x' } });
  t.equal(again.statusCode, 409);
  t.match(again.json(), { code: 'illegal_transition', from: 'adopted', to: 'answered', allowed: [] });
  t.equal((await h.as(forestryDept, { method: 'POST', url: `/api/v1/suggestions/${s.json().id}/reply`, payload: { status: 'answered', reply: 'x' } })).statusCode, 404);
  const stale = (await suggestion('admin')).json() as Row;
  const mismatch = await h.as('admin', { method: 'POST', url: `/api/v1/suggestions/${stale.id}/reply`, headers: { 'if-match': '"7"' }, payload: { status: 'answered', reply: '收到' } });
  t.equal(mismatch.statusCode, 412);
});

t.test('suggestions in bulk: one transaction, every error named by its index, none saved on any error', async (t) => {
  const before = (await h.as('admin', { method: 'GET', url: '/api/v1/suggestions?limit=200' })).json().items.length;
  const items = Array.from({ length: 300 }, (_, i) => ({ text: `意见 ${i}`, receivedOn: '2014-07-02', unitId: i % 2 ? forestStation.id : forestPolice.id, cycleId: cycle.id }));
  const bad = await h.as(forestryDept, { method: 'POST', url: '/api/v1/suggestions/bulk', payload: { items: [...items.slice(0, 5), { ...items[5], unitId: taxHallA.id }, ...items.slice(6, 8), { ...items[8], receivedOn: '2999-01-01' }] } });
  t.equal(bad.statusCode, 422);
  t.same(bad.json().errors.map((e: { field: string }) => e.field), ['items.5.unitId', 'items.8.receivedOn']);
  const malformed = await h.as(forestryDept, { method: 'POST', url: '/api/v1/suggestions/bulk', payload: { items: [items[0], { ...items[1], text: '' }] } });
  t.equal(malformed.statusCode, 400);
  t.equal(malformed.json().errors[0].field, 'body.items.1.text');
  t.equal((await h.as('admin', { method: 'GET', url: '/api/v1/suggestions?limit=200' })).json().items.length, before);

  const ok = await h.countQueries(() => h.as(forestryDept, { method: 'POST', url: '/api/v1/suggestions/bulk', payload: { items } }));
  t.equal(ok.result.statusCode, 201);
  t.equal(ok.result.json().items.length, 300);
  if (ok.queries >= 0) t.ok(ok.queries < 20, `300 suggestions in ${ok.queries} statements`);
  const page = (await h.as(stationStaff, { method: 'GET', url: `/api/v1/suggestions?limit=200&status=received&cycleId=${cycle.id}` })).json();
  t.equal(page.items.length, 150);
  t.ok(page.items.every((s: Row) => s.unitId === forestStation.id));
  t.equal(page.nextCursor, null);
});

t.test('outreach writes are audited', async (t) => {
  const a = (await activity(stationStaff, { kind: 'phone_inquiries', unitId: forestStation.id, households: 40 })).json() as Row;
  const log = await h.as('admin', { method: 'GET', url: `/api/v1/audit-log?entityType=outreach_activity&entityId=${a.id}` });
  t.same(log.json().items.map((e: { action: string; role: string }) => [e.action, e.role]), [['outreach_activity.recorded', 'unit']]);
  const s = (await suggestion('admin')).json() as Row;
  await h.as('admin', { method: 'POST', url: `/api/v1/suggestions/${s.id}/reply`, payload: { status: 'answered', reply: '已转交' } });
  const slog = await h.as('admin', { method: 'GET', url: `/api/v1/audit-log?entityType=suggestion&entityId=${s.id}` });
  t.same(slog.json().items.map((e: { action: string }) => e.action), ['suggestion.recorded', 'suggestion.answered']);
});

t.test('roles outside outreach are refused', async (t) => {
  t.equal((await activity('anonymous', { kind: 'sms', messages: 1, unitId: taxHallA.id })).statusCode, 401);
  t.equal((await activity(supervisor, { kind: 'sms', messages: 1, unitId: taxHallA.id })).statusCode, 403);
  t.equal((await activity('integration', { kind: 'sms', messages: 1, unitId: taxHallA.id })).statusCode, 403);
  t.equal((await suggestion('integration')).statusCode, 403);
  t.equal((await h.as(supervisor, { method: 'GET', url: '/api/v1/suggestions' })).statusCode, 403);
  t.equal((await h.as('anonymous', { method: 'GET', url: '/api/v1/outreach-activities' })).statusCode, 401);
});

t.test('GraphQL records and lists the same outreach as REST', async (t) => {
  const created = await gql(h, stationStaff, `mutation { recordOutreachActivity(input: { kind: questionnaires, heldOn: "2014-05-01", unitId: "${forestStation.id}", distributed: 300, returned: 280 }) { id kind kindLabel { zhCN } distributed returned } }`);
  t.same(created.errors, undefined);
  t.match(created.data!.recordOutreachActivity, { kind: 'questionnaires', kindLabel: { zhCN: '发放问卷测评表' }, distributed: 300, returned: 280 });
  const listed = await gql(h, stationStaff, '{ outreachActivities(kind: questionnaires) { items { id } } suggestions(limit: 5) { items { id status } nextCursor } }');
  t.same(listed.errors, undefined);
  t.ok((listed.data!.outreachActivities as { items: Row[] }).items.some((i) => i.id === (created.data!.recordOutreachActivity as Row).id));
  const bulk = await gql(h, stationStaff, `mutation { recordSuggestions(items: [{ text: "a", receivedOn: "2014-05-01", unitId: "${forestStation.id}" }, { text: "b", receivedOn: "2014-05-01", unitId: "${forestPolice.id}" }]) { id } }`);
  t.equal(bulk.errors?.[0].extensions?.errors?.[0].field, 'items.1.unitId');
  const denied = await gql(h, 'integration', '{ suggestions { items { id } } }');
  t.equal(denied.errors?.[0].extensions?.code, 'forbidden');
});
