import t from 'tap';
import { systemContext } from '../src/lib/principal.js';
import { cycleInPhase } from './fixtures-cycles.js';
import { referenceWorld } from './fixtures.js';
import { gql, setup } from './helper.js';
import type { TestApp } from './helper.js';

const h: TestApp = await setup(t);
const w = await referenceWorld(h);
const { forestry, tax } = w.departments;
const { forestStation, forestPolice } = w.units;
const cycle = await cycleInPhase(h, 'assessment', [forestStation.id, forestPolice.id], '评价对象周期');
const api = (p: string) => `/api/v1${p}`;
const hotline = { role: 'integration' as const, subject: 'hotline-12345', scope: 'ratings:write ratings:read statistics:read' };
const forestryManager = { role: 'department' as const, departmentId: forestry.id, subject: 'dept:forestry' };
const taxManager = { role: 'department' as const, departmentId: tax.id, subject: 'dept:tax' };
const stationStaff = { role: 'unit' as const, unitId: forestStation.id, subject: 'unit:station' };

let seq = 0;
const submit = (payload: Record<string, unknown>, who: Parameters<TestApp['as']>[0] = hotline) =>
  h.as(who, { method: 'POST', url: api('/ratings'), payload: { source: 'tv-wenzheng', channel: 'tv_inquiry', externalId: `x${++seq}`, ...payload } });
const deptRating = (kind: 'department' | 'leadership', departmentId: string, level: number) => submit({ subject: { kind, departmentId }, level });

t.test('a rating without a subject rates its unit, as before', async (t) => {
  const res = await submit({ unitId: forestStation.id, level: 5 });
  t.equal(res.statusCode, 201, res.body);
  const [row] = await h.sql<{ subject_kind: string; unit_id: string; department_id: string | null }>('select subject_kind, unit_id, department_id from ratings where id = $1', [res.json().id]);
  t.same(row, { subject_kind: 'unit', unit_id: forestStation.id, department_id: null });
});

t.test('a department and its leadership team can be rated, attributed to the cycle whose assessment window is open', async (t) => {
  const d = await deptRating('department', forestry.id, 4);
  t.equal(d.statusCode, 201, d.body);
  t.equal(d.json().cycleId, cycle.id);
  t.equal(d.json().followUpId, null, 'no 差评核实 loop: that loop is a unit\'s');
  const l = await deptRating('leadership', forestry.id, 2);
  t.equal(l.statusCode, 201, l.body);
  const list = await h.as('admin', { method: 'GET', url: api(`/ratings?subjectKind=leadership`) });
  t.equal(list.statusCode, 200);
  t.match(list.json().items, [{ id: l.json().id, unitId: null, departmentId: forestry.id, subjectKind: 'leadership', subjectKindLabel: { zhCN: '部门领导班子' }, bad: true }]);
  const [audit] = await h.sql<{ n: number }>(`select count(*)::int as n from audit_log where entity_id = $1 and action = 'rating.submitted'`, [l.json().id]);
  t.equal(audit.n, 1, 'audited');
});

t.test('a subject is validated: a department rating has no unit, and names an existing department', async (t) => {
  const both = await submit({ unitId: forestStation.id, subject: { kind: 'department', departmentId: forestry.id }, level: 3 });
  t.equal(both.statusCode, 422);
  t.match(both.json().errors, [{ field: 'unitId' }]);
  const none = await submit({ subject: { kind: 'leadership' }, level: 3 });
  t.equal(none.statusCode, 422);
  t.match(none.json().errors, [{ field: 'subject.departmentId' }]);
  const unitWithDept = await submit({ unitId: forestStation.id, subject: { kind: 'unit', departmentId: forestry.id }, level: 3 });
  t.match(unitWithDept.json().errors, [{ field: 'subject.departmentId' }]);
  const noUnit = await submit({ level: 3 });
  t.equal(noUnit.statusCode, 422);
  t.match(noUnit.json().errors, [{ field: 'unitId' }]);
  const unknown = await submit({ subject: { kind: 'department', departmentId: '0190a6f0-0000-7000-8000-0000000000ff' }, level: 3 });
  t.equal(unknown.statusCode, 422);
  t.match(unknown.json().errors, [{ field: 'subject.departmentId' }]);
  const badKind = await submit({ subject: { kind: 'bureau', departmentId: forestry.id }, level: 3 });
  t.equal(badKind.statusCode, 400, 'an unknown kind fails the schema');
  const [check] = await h.sql<{ ok: boolean }>(
    `select exists (select 1 from pg_constraint where conname = 'ratings_subject_check') as ok`,
  );
  t.ok(check.ok, 'the table enforces it too');
});

t.test('an idempotent repeat of a department rating is recognised', async (t) => {
  const first = await submit({ subject: { kind: 'department', departmentId: tax.id }, level: 5, externalId: 'same-1' });
  const again = await submit({ subject: { kind: 'department', departmentId: tax.id }, level: 5, externalId: 'same-1' });
  t.equal(first.statusCode, 201);
  t.equal(again.statusCode, 200);
  t.equal(again.json().id, first.json().id);
  t.equal(again.json().duplicate, true);
});

t.test('the public rates a department through the public route, limited per respondent, department and day', async (t) => {
  const body = { subject: { kind: 'department', departmentId: tax.id }, channel: 'portal', level: 4, respondentKey: '13800990001' };
  const first = await h.as('anonymous', { method: 'POST', url: api('/public/ratings'), payload: body });
  t.equal(first.statusCode, 201, first.body);
  const second = await h.as('anonymous', { method: 'POST', url: api('/public/ratings'), payload: body });
  t.equal(second.statusCode, 409);
  t.equal(second.json().code, 'rating_limit_reached');
  const leadership = await h.as('anonymous', { method: 'POST', url: api('/public/ratings'), payload: { ...body, subject: { kind: 'leadership', departmentId: tax.id } } });
  t.equal(leadership.statusCode, 201, 'the leadership team is another subject');
  const unitRating = await h.as('anonymous', { method: 'POST', url: api('/public/ratings'), payload: { unitId: forestStation.id, channel: 'portal', level: 5, respondentKey: '13800990001' } });
  t.equal(unitRating.statusCode, 201, 'existing clients are unchanged');
});

t.test('department ratings are seen by the office and that department, never by a unit or another department', async (t) => {
  const mine = await h.as(forestryManager, { method: 'GET', url: api('/ratings?limit=100') });
  const kinds = mine.json().items.map((r: { subjectKind: string; departmentId: string | null }) => `${r.subjectKind}:${r.departmentId ?? '-'}`);
  t.ok(kinds.includes(`department:${forestry.id}`), 'its own department rating');
  t.ok(kinds.includes('unit:-'), 'and its units\' ratings');
  t.notOk(kinds.includes(`department:${tax.id}`));
  const other = await h.as(taxManager, { method: 'GET', url: api('/ratings?subjectKind=leadership&limit=100') });
  t.notOk(other.json().items.some((r: { departmentId: string }) => r.departmentId === forestry.id));
  const unit = await h.as(stationStaff, { method: 'GET', url: api('/ratings?limit=100') });
  t.ok(unit.json().items.every((r: { subjectKind: string }) => r.subjectKind === 'unit'));
});

t.test('the unit ranking counts only unit ratings toward P', async (t) => {
  const ranking = await h.app.services.rankings.compute(systemContext('test'), cycle.id);
  const [unitRatings] = await h.sql<{ n: number }>(`select count(*)::int as n from ratings where cycle_id = $1 and subject_kind = 'unit'`, [cycle.id]);
  const [all] = await h.sql<{ n: number }>(`select count(*)::int as n from ratings where cycle_id = $1`, [cycle.id]);
  t.ok(all.n > unitRatings.n, 'the cycle has department ratings too');
  t.equal(ranking.inputCounts.ratings, unitRatings.n, 'P counted the unit ratings and nothing else');
});

t.test("the department scoreboard shows the department's own satisfaction on its own line, points unchanged", async (t) => {
  const res = await h.as('admin', { method: 'GET', url: api(`/cycles/${cycle.id}/department-scoreboard`) });
  t.equal(res.statusCode, 200, res.body);
  const f = res.json().items.find((d: { departmentId: string }) => d.departmentId === forestry.id);
  t.same(f.ownSatisfaction.department, { count: 1, bad: 0, meanLevel: 4, meanPoints: 75, satisfiedShare: 1 });
  t.same(f.ownSatisfaction.leadership, { count: 1, bad: 1, meanLevel: 2, meanPoints: 25, satisfiedShare: 0 });
  t.same(f.ownSatisfaction.all, { count: 2, bad: 1, meanLevel: 3, meanPoints: 50, satisfiedShare: 0.5 });
  t.equal(f.netPoints, 0, 'no honours, no points: its own ratings do not move them');
  const csv = await h.as('admin', { method: 'GET', url: api(`/cycles/${cycle.id}/department-scoreboard.csv`) });
  t.match(csv.body, /部门满意率 Department satisfied share/);
  const g = await gql(h, forestryManager, `query($c: ID!) { departmentScoreboard(cycleId: $c) { items { departmentId ownSatisfaction { leadership { count satisfiedShare } } } } }`, { c: cycle.id });
  t.same(g.data?.departmentScoreboard, { items: [{ departmentId: forestry.id, ownSatisfaction: { leadership: { count: 1, satisfiedShare: 0 } } }] });
});

t.test('statistics give the results per subject kind', async (t) => {
  const res = await h.as('admin', { method: 'GET', url: api(`/statistics/rating-subjects?cycleId=${cycle.id}`) });
  t.equal(res.statusCode, 200, res.body);
  const by = Object.fromEntries(res.json().items.map((i: { subjectKind: string; satisfaction: { count: number } }) => [i.subjectKind, i.satisfaction.count]));
  const counts = await h.sql<{ k: string; n: number }>(`select subject_kind as k, count(*)::int as n from ratings where cycle_id = $1 group by 1`, [cycle.id]);
  t.same(by, { unit: 0, department: 0, leadership: 0, ...Object.fromEntries(counts.map((c) => [c.k, c.n])) });
  const forestryOnly = await h.as(forestryManager, { method: 'GET', url: api(`/statistics/rating-subjects?cycleId=${cycle.id}`) });
  t.match(forestryOnly.json().items, [{ subjectKind: 'unit' }, { subjectKind: 'department', satisfaction: { count: 1 } }, { subjectKind: 'leadership', satisfaction: { count: 1 } }]);
  const denied = await h.as(forestryManager, { method: 'GET', url: api(`/statistics/rating-subjects?cycleId=${cycle.id}&departmentId=${tax.id}`) });
  t.equal(denied.statusCode, 403);
  const unitDenied = await h.as(stationStaff, { method: 'GET', url: api(`/statistics/rating-subjects?cycleId=${cycle.id}`) });
  t.equal(unitDenied.statusCode, 403);
  const g = await gql(h, 'admin', `query($c: ID!) { ratingSubjectStatistics(cycleId: $c) { items { subjectKind satisfaction { count } } } }`, { c: cycle.id });
  t.equal((g.data?.ratingSubjectStatistics as { items: unknown[] }).items.length, 3);
});

t.test('GraphQL submits a department rating with a subject', async (t) => {
  const g = await gql(
    h,
    hotline,
    `mutation($i: SubmitRatingInput!) { submitRating(input: $i) { id duplicate } }`,
    { i: { subject: { kind: 'department', departmentId: tax.id }, channel: 'ten_thousand_review', level: 5, source: 'wanren', externalId: 'g1' } },
  );
  t.equal(g.errors, undefined, JSON.stringify(g.errors));
  const r = await gql(h, 'admin', `query($id: ID!) { ratings(subjectKind: department, departmentId: $id) { items { subjectKind department { name } unit { id } } } }`, { id: tax.id });
  t.match((r.data?.ratings as { items: unknown[] }).items, [{ subjectKind: 'department', department: { name: '州国税局' }, unit: null }]);
});
