import t from 'tap';
import { cycleInPhase } from './fixtures-cycles.js';
import { referenceWorld } from './fixtures.js';
import { gql, setup } from './helper.js';
import type { TestApp } from './helper.js';

// 万人评机关 and 领导班子 bad ratings through the 差评核实 loop, integrity holds and appeals (issue 10).
const h: TestApp = await setup(t, { config: { RATE_LIMIT_PUBLIC_RATINGS_PER_MINUTE: 1000 } });
const w = await referenceWorld(h);
const { forestry, tax } = w.departments;
const { forestStation } = w.units;
const cycle = await cycleInPhase(h, 'assessment', [forestStation.id], '部门差评周期');
const api = (p: string) => `/api/v1${p}`;
const hotline = { role: 'integration' as const, subject: 'hotline-12345', scope: 'ratings:write ratings:read' };
const forestryManager = { role: 'department' as const, departmentId: forestry.id, subject: 'dept:forestry' };
const taxManager = { role: 'department' as const, departmentId: tax.id, subject: 'dept:tax' };
const stationStaff = { role: 'unit' as const, unitId: forestStation.id, subject: 'unit:station' };
const wang = { role: 'admin' as const, subject: 'admin:wang' };
const li = { role: 'admin' as const, subject: 'admin:li' };

let seq = 0;
const rate = (kind: 'department' | 'leadership', departmentId: string, level: number, extra: Record<string, unknown> = {}) =>
  h.as(hotline, { method: 'POST', url: api('/ratings'), payload: { source: 'tv-wenzheng', channel: 'tv_inquiry', externalId: `d${++seq}`, subject: { kind, departmentId }, level, ...extra } });
const step = (who: Parameters<TestApp['as']>[0], id: string, verb: string, payload: Record<string, unknown>) => h.as(who, { method: 'POST', url: api(`/follow-ups/${id}/${verb}`), payload });
const auditActions = async (entityId: string) =>
  (await h.sql<{ action: string; actor: string }>(`select action, actor from audit_log where entity_id = $1 order by seq`, [entityId])).map((r) => r.action);

t.test("a department's bad rating goes through verify → rectify → the rater's call-back → close, the office judging it", async (t) => {
  // The public rates the forestry bureau's leadership team through the public route and is handed the call-back link.
  const pub = await h.as('anonymous', {
    method: 'POST',
    url: api('/public/ratings'),
    payload: { subject: { kind: 'leadership', departmentId: forestry.id }, channel: 'portal', level: 1, comment: '领导班子作风漂浮', respondentKey: '13900001111' },
  });
  t.equal(pub.statusCode, 201, pub.body);
  const receipt = pub.json();
  t.ok(receipt.followUpId, 'a bad leadership rating opens its 差评核实 loop');
  t.ok(receipt.callBackToken, 'and the rater gets the call-back link');
  const id = receipt.followUpId as string;
  const [row] = await h.sql<{ unit_id: string | null; department_id: string }>('select unit_id, department_id from rating_follow_ups where id = $1', [id]);
  t.same(row, { unit_id: null, department_id: forestry.id });

  const got = await h.as(forestryManager, { method: 'GET', url: api(`/follow-ups/${id}`) });
  t.equal(got.statusCode, 200, 'the department sees the loop of its own bad rating');
  t.match(got.json(), { unitId: null, departmentId: forestry.id, status: 'open', rating: { subjectKind: 'leadership' } });
  t.equal((await h.as(taxManager, { method: 'GET', url: api(`/follow-ups/${id}`) })).statusCode, 404, 'another department does not');
  t.equal((await h.as(stationStaff, { method: 'GET', url: api(`/follow-ups/${id}`) })).statusCode, 404, 'nor a unit of the department');
  const listed = await h.as(forestryManager, { method: 'GET', url: api('/follow-ups?limit=100') });
  t.ok(listed.json().items.some((f: { id: string }) => f.id === id), "listed among the department's loops");
  t.notOk((await h.as(taxManager, { method: 'GET', url: api('/follow-ups?limit=100') })).json().items.some((f: { id: string }) => f.id === id));
  t.notOk((await h.as(stationStaff, { method: 'GET', url: api('/follow-ups?limit=100') })).json().items.some((f: { id: string }) => f.id === id));
  const byDept = await h.as('admin', { method: 'GET', url: api(`/follow-ups?departmentId=${forestry.id}&limit=100`) });
  t.ok(byDept.json().items.some((f: { id: string }) => f.id === id), 'the office filters by department');

  const selfVerify = await step(forestryManager, id, 'verify', { outcome: 'not_substantiated', reason: '我们觉得没问题', version: 1 });
  t.equal(selfVerify.statusCode, 403, 'the department never verifies its own bad rating');
  const verified = await step(wang, id, 'verify', { outcome: 'substantiated', reason: '经核实属实', version: 1 });
  t.equal(verified.statusCode, 200, verified.body);
  t.equal(verified.json().status, 'verified');

  const withProblem = await step(forestryManager, id, 'rectify', { problemId: '00000000-0000-7000-8000-000000000001', version: 2 });
  t.equal(withProblem.statusCode, 422);
  t.match(withProblem.json().errors, [{ field: 'problemId' }]);
  const bare = await step(forestryManager, id, 'rectify', { version: 2 });
  t.equal(bare.statusCode, 422);
  t.match(bare.json().errors, [{ field: 'description' }], 'the measures are required');
  const rectified = await step(forestryManager, id, 'rectify', { description: '班子成员下沉一线接待群众，每周公开接访', version: 2 });
  t.equal(rectified.statusCode, 200, rectified.body);
  t.match(rectified.json(), { status: 'rectifying', problemId: null, rectification: '班子成员下沉一线接待群众，每周公开接访', rectifyingBy: 'dept:forestry' });
  t.equal(Number((await h.sql<{ n: string }>('select count(*) as n from problems where source_id = $1', [receipt.id]))[0].n), 0, 'no unit problem is opened');

  const called = await h.as('anonymous', { method: 'POST', url: api(`/public/call-backs/${receipt.callBackToken}`), payload: { level: 4, comment: '有改进' } });
  t.equal(called.statusCode, 200, called.body);
  t.match(called.json(), { status: 'called_back', reRatingLevel: 4 });

  t.equal((await step(forestryManager, id, 'close', { version: 4 })).statusCode, 403, 'nor does it close its own loop');
  const closed = await step(wang, id, 'close', { note: '回访满意', version: 4 });
  t.equal(closed.statusCode, 200, closed.body);
  t.equal(closed.json().status, 'closed');
  t.same(await auditActions(id), ['follow_up.opened', 'follow_up.verified', 'follow_up.rectifying', 'follow_up.called_back', 'follow_up.closed'], 'every step audited');
});

t.test('a department rating from an integration opens the loop too; the office records a phone call-back; GraphQL shows the department', async (t) => {
  const res = await rate('department', tax.id, 2);
  t.equal(res.statusCode, 201, res.body);
  const id = res.json().followUpId as string;
  t.ok(id);
  t.equal(res.json().callBackToken, null, "an integration's rater is called back by phone");
  t.equal((await rate('department', tax.id, 4)).json().followUpId, null, 'a good rating opens none');
  const repeat = await h.as(hotline, { method: 'POST', url: api('/ratings'), payload: { source: 'tv-wenzheng', channel: 'tv_inquiry', externalId: `d${seq - 1}`, subject: { kind: 'department', departmentId: tax.id }, level: 2 } });
  t.equal(repeat.json().duplicate, true);
  t.equal(repeat.json().followUpId, id, 'an idempotent repeat names the same loop');

  t.equal((await step(wang, id, 'verify', { outcome: 'substantiated', reason: '属实', version: 1 })).statusCode, 200);
  const early = await step(wang, id, 'phone-call-back', { level: 3, version: 2 });
  t.equal(early.statusCode, 409, 'not before the rectification');
  t.equal((await step(taxManager, id, 'rectify', { description: '优化办事流程', version: 2 })).statusCode, 200);
  const phoned = await step(wang, id, 'phone-call-back', { level: 3, version: 3 });
  t.equal(phoned.statusCode, 200, phoned.body);
  t.match(phoned.json(), { status: 'called_back', callBackChannel: 'phone', reRatingLevel: 3 });

  const q = await gql(h, 'admin', `query($d: ID!) { followUps(departmentId: $d, limit: 100) { items { id unitId departmentId rectification department { id } unit { id } } } }`, { d: tax.id });
  t.same(q.errors, undefined, JSON.stringify(q.errors));
  t.same((q.data?.followUps as { items: { id: string }[] }).items.find((f) => f.id === id), { id, unitId: null, departmentId: tax.id, rectification: '优化办事流程', department: { id: tax.id }, unit: null });
});

t.test("a unit's bad rating still goes through a problem of its unit", async (t) => {
  const res = await h.as(hotline, { method: 'POST', url: api('/ratings'), payload: { source: 'hotline', channel: 'hotline', externalId: 'u1', unitId: forestStation.id, level: 1 } });
  const id = res.json().followUpId as string;
  t.equal((await step(forestryManager, id, 'verify', { outcome: 'substantiated', reason: '属实', version: 1 })).statusCode, 200, "the unit's department verifies a unit's bad rating, as before");
  const rectified = await step(forestryManager, id, 'rectify', { version: 2 });
  t.equal(rectified.statusCode, 200, rectified.body);
  t.ok(rectified.json().problemId);
  t.equal(rectified.json().rectification, null);
});

t.test("a burst of department ratings from one respondent is held, listed and reviewed by department", async (t) => {
  const burstMax = h.app.services.config.RATING_BURST_MAX;
  for (let i = 0; i <= burstMax; i++) {
    const r = await rate('leadership', tax.id, 1, { respondentKey: '13700009999', cycleId: cycle.id });
    t.equal(r.statusCode, 201);
  }
  const scan = await h.as('admin', { method: 'POST', url: api('/rating-holds/scan'), payload: { cycleId: cycle.id } });
  t.equal(scan.statusCode, 200, scan.body);
  t.equal(scan.json().held, burstMax + 1);
  const page = await h.as('admin', { method: 'GET', url: api(`/rating-holds?departmentId=${tax.id}&limit=100`) });
  t.equal(page.statusCode, 200, page.body);
  t.equal(page.json().items.length, burstMax + 1);
  t.match(page.json().items[0], { unitId: null, subjectKind: 'leadership', departmentId: tax.id, signals: ['respondent_burst'] });
  const missing = await h.as('admin', { method: 'POST', url: api('/rating-holds/review'), payload: { decision: 'reject', signal: 'respondent_burst' } });
  t.equal(missing.statusCode, 422);
  const both = await h.as('admin', { method: 'POST', url: api('/rating-holds/review'), payload: { decision: 'reject', signal: 'respondent_burst', unitId: forestStation.id, departmentId: tax.id } });
  t.equal(both.statusCode, 422);
  t.match(both.json().errors, [{ field: 'departmentId' }]);
  const review = await h.as('admin', { method: 'POST', url: api('/rating-holds/review'), payload: { decision: 'reject', signal: 'respondent_burst', departmentId: tax.id } });
  t.equal(review.statusCode, 200, review.body);
  t.equal(review.json().reviewed, burstMax + 1);
  t.equal((await h.as(forestryManager, { method: 'POST', url: api('/rating-holds/review'), payload: { decision: 'clear', signal: 'respondent_burst', departmentId: tax.id } })).statusCode, 403, 'only the office reviews');
  // The department scoreboard's own satisfaction counts none of them.
  const [counted] = await h.sql<{ n: string }>(`select count(*) as n from ratings where department_id = $1 and hold_status in ('none', 'cleared') and respondent_hash is not null`, [tax.id]);
  t.equal(Number(counted.n), 0);
});

t.test('a department appeals its own bad rating; nobody else may; the office decides', async (t) => {
  const bad = await rate('department', forestry.id, 1);
  const good = await rate('department', forestry.id, 5);
  const file = (who: Parameters<TestApp['as']>[0], subjectId: string) =>
    h.as(who, { method: 'POST', url: api('/appeals'), payload: { kind: 'rating', subjectId, grounds: '评价人误将他单位问题归于本局' } });
  t.equal((await file(taxManager, bad.json().id)).statusCode, 403, 'another department may not');
  t.equal((await file(stationStaff, bad.json().id)).statusCode, 403, 'nor a unit of the department');
  const notBad = await file(forestryManager, good.json().id);
  t.equal(notBad.statusCode, 422, 'a good rating is not appealable');
  const filed = await file(forestryManager, bad.json().id);
  t.equal(filed.statusCode, 201, filed.body);
  const appeal = filed.json();
  t.match(appeal, { kind: 'rating', unitId: null, departmentId: forestry.id, status: 'filed' });

  t.equal((await h.as(forestryManager, { method: 'GET', url: api(`/appeals/${appeal.id}`) })).statusCode, 200);
  t.equal((await h.as(taxManager, { method: 'GET', url: api(`/appeals/${appeal.id}`) })).statusCode, 404);
  t.equal((await h.as(stationStaff, { method: 'GET', url: api(`/appeals/${appeal.id}`) })).statusCode, 404);
  const mine = await h.as(forestryManager, { method: 'GET', url: api('/appeals?limit=100') });
  t.ok(mine.json().items.some((a: { id: string }) => a.id === appeal.id), "listed among the department's appeals");
  t.notOk((await h.as(taxManager, { method: 'GET', url: api('/appeals?limit=100') })).json().items.some((a: { id: string }) => a.id === appeal.id));

  t.equal((await h.as(li, { method: 'POST', url: api(`/appeals/${appeal.id}/review`), payload: {} })).statusCode, 200);
  const decided = await h.as(li, { method: 'POST', url: api(`/appeals/${appeal.id}/decide`), payload: { outcome: 'upheld', reason: '经查评价对象错误' } });
  t.equal(decided.statusCode, 200, decided.body);
  t.equal(decided.json().status, 'upheld');
  t.same(await auditActions(appeal.id), ['appeal.filed', 'appeal.review_started', 'appeal.upheld']);
  const exclusions = await h.app.services.appeals.exclusionsForCycle(cycle.id);
  t.notOk(exclusions.some((e) => e.appealId === appeal.id), "a department's own rating is no input of the unit ranking");

  const q = await gql(h, forestryManager, `query($id: ID!) { appeal(id: $id) { unitId departmentId department { id } } }`, { id: appeal.id });
  t.same(q.errors, undefined, JSON.stringify(q.errors));
  t.same(q.data?.appeal, { unitId: null, departmentId: forestry.id, department: { id: forestry.id } });
});

t.test("an upheld appeal of a department's own rating takes it out of its scoreboard satisfaction and lists it; a rejected one changes nothing", async (t) => {
  const board = async (who: Parameters<TestApp['as']>[0] = 'admin') => {
    const r = await h.as(who, { method: 'GET', url: api(`/cycles/${cycle.id}/department-scoreboard`) });
    t.equal(r.statusCode, 200, r.body);
    return (r.json().items as { departmentId: string; ownSatisfaction: { department: { count: number; bad: number }; leadership: { count: number; bad: number }; exclusions: unknown[] } }[]).find(
      (d) => d.departmentId === forestry.id,
    )!.ownSatisfaction;
  };
  const appealAndDecide = async (ratingId: string, outcome: 'upheld' | 'rejected') => {
    const filed = await h.as(forestryManager, { method: 'POST', url: api('/appeals'), payload: { kind: 'rating', subjectId: ratingId, grounds: '该评价针对的是他局窗口' } });
    t.equal(filed.statusCode, 201, filed.body);
    t.equal((await h.as(li, { method: 'POST', url: api(`/appeals/${filed.json().id}/review`), payload: {} })).statusCode, 200);
    const decided = await h.as(li, { method: 'POST', url: api(`/appeals/${filed.json().id}/decide`), payload: { outcome, reason: outcome === 'upheld' ? '评价对象错误' : '评价属实' } });
    t.equal(decided.statusCode, 200, decided.body);
    return filed.json().id as string;
  };
  const bad = await rate('department', forestry.id, 1, { cycleId: cycle.id });
  const alsoBad = await rate('leadership', forestry.id, 2, { cycleId: cycle.id });
  const before = await board();

  const rejected = await appealAndDecide(alsoBad.json().id, 'rejected');
  t.same(await board(), before, 'a rejected appeal changes nothing');

  const upheld = await appealAndDecide(bad.json().id, 'upheld');
  const after = await board();
  t.equal(after.department.count, before.department.count - 1, 'the excluded rating no longer counts');
  t.equal(after.department.bad, before.department.bad - 1, 'nor its 差评');
  t.same(after.leadership, before.leadership, 'the leadership line keeps the rating whose appeal was rejected');
  t.same(after.exclusions, [...before.exclusions, { appealId: upheld, ratingId: bad.json().id }], 'the exclusion is listed with its appeal');
  t.notOk(JSON.stringify(after.exclusions).includes(rejected));
  t.same((await board(forestryManager)).exclusions, after.exclusions, 'the department sees it on its own row');

  const g = await gql(h, 'admin', `query($c: ID!) { departmentScoreboard(cycleId: $c) { items { departmentId ownSatisfaction { department { count } exclusions { appealId ratingId } } } } }`, { c: cycle.id });
  t.same(g.errors, undefined, JSON.stringify(g.errors));
  const row = (g.data!.departmentScoreboard as { items: { departmentId: string; ownSatisfaction: { department: { count: number }; exclusions: unknown[] } }[] }).items.find((d) => d.departmentId === forestry.id)!;
  t.same(row.ownSatisfaction, { department: { count: after.department.count }, exclusions: after.exclusions });
  const csv = await h.as('admin', { method: 'GET', url: api(`/cycles/${cycle.id}/department-scoreboard.csv`) });
  t.equal(csv.statusCode, 200);
  t.match(csv.body, '申诉排除的评价 Ratings excluded by appeals');
  t.match(csv.body, `${bad.json().id} (申诉 appeal ${upheld})`);
});
