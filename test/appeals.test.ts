import t from 'tap';
import { systemContext } from '../src/lib/principal.js';
import { cycleInPhase } from './fixtures-cycles.js';
import { referenceWorld } from './fixtures.js';
import { scoreRows } from './fixtures-scores.js';
import { gql, setup } from './helper.js';

const h = await setup(t);
const w = await referenceWorld(h);
const ctx = systemContext('test');
const { forestStation: A, forestPolice: B, taxHallA: C, taxHallB: D } = w.units;

// A and B compete in law_enforcement: A is better by 2 points (scorecards 85 vs 80) until a serious substantiated
// complaint (−10) puts it below B. C (public_service) carries the finding; D is disqualified.
const cycle = await cycleInPhase(h, 'assessment', [A.id, B.id, C.id, D.id], '2025年度创建');
const rows = scoreRows(h, cycle.id);
await rows.scorecards(A.id, [85]);
await rows.scorecards(B.id, [80]);
await rows.scorecards(C.id, [70]);
await rows.report(A.id, 4);
await rows.report(B.id, 4);
await rows.report(C.id, 3, [{ severity: 'major' }, { severity: 'minor', status: 'dismissed' }]);
await rows.ratings(A.id, 4, 40);
await rows.ratings(B.id, 4, 40);
await rows.ratings(C.id, 3, 40);
await rows.complaint(A.id, { substantiated: true, severity: 'serious' });

const one = async <T = { id: string }>(text: string, params: unknown[] = []) => (await h.sql<T>(text, params))[0];

const badRating = (await one(
  `insert into ratings (id, unit_id, cycle_id, channel, level, collected_at, source, submitted_by) values (gen_random_uuid(), $1, $2, 'hotline', 1, now(), 'hotline-sync', 'admin:li') returning id`,
  [A.id, cycle.id],
))!.id;
const goodRating = (await one(
  `insert into ratings (id, unit_id, cycle_id, channel, level, collected_at, source, submitted_by) values (gen_random_uuid(), $1, $2, 'hotline', 5, now(), 'hotline-sync', 'admin:li') returning id`,
  [A.id, cycle.id],
))!.id;
// The criteria set gives the rule 1.5 points per occurrence: a deduction of 2 occurrences took 3 points off.
await h.sql(`update criteria_sets set document = $2 where cycle_id = $1 and category = 'law_enforcement'`, [
  cycle.id,
  JSON.stringify({
    sections: [{ key: 's1', title: { zhCN: '窗口服务' }, items: [{ key: 'i1', title: { zhCN: '服务态度' }, maxPoints: 20, checkMethod: 'on_site', deductionRules: [{ key: 'r1', description: '态度生硬', pointsPerOccurrence: 1.5, cap: null }] }] }],
    bonusItems: [],
    bonusCap: 0,
  }),
]);
const deduction = (await one(
  `insert into scorecard_deductions (id, scorecard_id, position, item_key, rule_key, occurrences)
   select gen_random_uuid(), id, 0, 'i1', 'r1', 2 from scorecards where unit_id = $1 and cycle_id = $2 returning id`,
  [A.id, cycle.id],
))!.id;
const finding = (await one(`select id from inspection_findings where unit_id = $1 and status = 'accepted'`, [C.id]))!.id;
const dismissedFinding = (await one(`select id from inspection_findings where unit_id = $1 and status = 'dismissed'`, [C.id]))!.id;
const complaint = (await one(`select id from complaints where unit_id = $1 and substantiated`, [A.id]))!.id;

const wang = { role: 'admin' as const, subject: 'admin:wang' };
const li = { role: 'admin' as const, subject: 'admin:li' };
const zhao = { role: 'admin' as const, subject: 'admin:zhao' };
const inspector1 = { role: 'inspector' as const, subject: 'inspector-1' };
const inspector2 = { role: 'inspector' as const, subject: 'inspector-2' };
const unitOf = (u: { id: string }) => ({ role: 'unit' as const, unitId: u.id, subject: `unit:${u.id}` });
const forestry = { role: 'department' as const, departmentId: w.departments.forestry.id, subject: 'dept:forestry' };
const tax = { role: 'department' as const, departmentId: w.departments.tax.id, subject: 'dept:tax' };

// D disqualified by admin:wang through the API (the audit log records who).
const dEnrollment = (await one(`select id from enrollments where cycle_id = $1 and unit_id = $2`, [cycle.id, D.id]))!.id;
const disq = await h.as(wang, { method: 'POST', url: `/api/v1/enrollments/${dEnrollment}/disqualify`, payload: { reason: '弄虚作假', version: 1 } });
if (disq.statusCode !== 200) throw new Error(disq.body);

// An award of C in another cycle, moved to a yellow card by admin:wang.
const other = await h.app.services.cycles.create(ctx, { name: '2024年度', year: 2024 });
const draft = (await one(`insert into rankings (id, cycle_id, formula_version, parameters, input_counts, computed_by) values (gen_random_uuid(), $1, 'S1', '{}', '{}', 'fixtures') returning id`, [other.id]))!.id;
const nomination = (await one(`insert into nominations (id, cycle_id, ranking_id, quotas, created_by) values (gen_random_uuid(), $1, $2, '{"top10":1,"top100":1,"perCategory":null}', 'fixtures') returning id`, [other.id, draft]))!.id;
const award = (await one(
  `insert into awards (id, cycle_id, unit_id, tier, category, certificate_no, status, nomination_id, ranking_id, named_at) values (gen_random_uuid(), $1, $2, 'top100', 'public_service', 'MY2024-T100-0001', 'yellow_card', $3, $4, now()) returning id`,
  [other.id, C.id, nomination, draft],
))!.id;
const transition = (await one(`insert into award_transitions (id, award_id, from_status, to_status, reason, actor, role) values (gen_random_uuid(), $1, 'active', 'yellow_card', '群众投诉', 'admin:wang', 'admin') returning id`, [award]))!.id;

type Appeal = { id: string; status: string; version: number; deadline: string; filedAt: string; overdue: boolean; remedy: string | null; kind: string };
const file = (who: Parameters<typeof h.as>[0], kind: string, subjectId: string, extra: Record<string, unknown> = {}) =>
  h.as(who, { method: 'POST', url: '/api/v1/appeals', payload: { kind, subjectId, grounds: '该记录有误，申请复核', ...extra } });
const post = (who: Parameters<typeof h.as>[0], id: string, verb: string, payload: Record<string, unknown> = {}) => h.as(who, { method: 'POST', url: `/api/v1/appeals/${id}/${verb}`, payload });

/** kind → [subject, its unit's principal, its department's principal, an outsider unit, an outsider department] */
const cases = [
  { kind: 'rating', subject: badRating, owner: unitOf(A), dept: forestry, outsiderUnit: unitOf(B), outsiderDept: tax },
  { kind: 'scorecard_deduction', subject: deduction, owner: unitOf(A), dept: forestry, outsiderUnit: unitOf(C), outsiderDept: tax },
  { kind: 'inspection_finding', subject: finding, owner: unitOf(C), dept: tax, outsiderUnit: unitOf(A), outsiderDept: forestry },
  { kind: 'disqualification', subject: dEnrollment, owner: tax, dept: tax, outsiderUnit: unitOf(C), outsiderDept: forestry },
  { kind: 'award_transition', subject: transition, owner: unitOf(C), dept: tax, outsiderUnit: unitOf(D), outsiderDept: forestry },
  { kind: 'complaint', subject: complaint, owner: unitOf(A), dept: forestry, outsiderUnit: unitOf(B), outsiderDept: tax },
] as const;
const filed = new Map<string, Appeal>();

t.test('each kind of appeal is filed by the unit or department it concerns, and refused to everyone else', async (t) => {
  for (const c of cases) {
    const outsider = await file(c.outsiderUnit, c.kind, c.subject);
    t.equal(outsider.statusCode, 403, `${c.kind}: another unit`);
    t.equal(outsider.json().code, 'appeal_subject_out_of_scope');
    const otherDept = await file(c.outsiderDept, c.kind, c.subject);
    t.equal(otherDept.statusCode, 403, `${c.kind}: another department`);
    t.equal(otherDept.json().code, 'appeal_subject_out_of_scope');
    const staff = await file('inspector', c.kind, c.subject);
    t.equal(staff.statusCode, 403, `${c.kind}: inspectors decide appeals, they do not file them`);
    const before = new Date();
    const res = await file(c.owner, c.kind, c.subject, { evidence: c.kind === 'complaint' ? [{ type: 'complaint', id: complaint }] : [], links: ['https://files.example.org/appeal.pdf'] });
    t.equal(res.statusCode, 201, `${c.kind}: ${res.body}`);
    const a = res.json() as Appeal;
    t.equal(a.status, 'filed');
    t.equal(a.kind, c.kind);
    t.equal(a.overdue, false);
    const deadline = new Date(a.deadline).getTime();
    t.ok(deadline >= h.app.services.calendar.addWorkingDays(before, 10).getTime() - 1000 && deadline <= h.app.services.calendar.addWorkingDays(new Date(), 10).getTime(), `${c.kind}: decided within 10 working days`);
    filed.set(c.kind, a);
    const twice = await file(c.dept, c.kind, c.subject);
    t.equal(twice.statusCode, 409, `${c.kind}: one open appeal per subject`);
    t.equal(twice.json().code, 'appeal_already_open');
  }
});

t.test('a subject that does not exist or is not appealable is refused naming subjectId', async (t) => {
  for (const [kind, subjectId] of [
    ['rating', goodRating],
    ['inspection_finding', dismissedFinding],
    ['complaint', '0190a000-0000-7000-8000-00000000dead'],
  ] as const) {
    const res = await file(kind === 'inspection_finding' ? unitOf(C) : unitOf(A), kind, subjectId);
    t.equal(res.statusCode, 422, `${kind} ${subjectId}`);
    t.equal(res.json().errors[0].field, 'subjectId');
  }
  const missingEvidence = await file(unitOf(A), 'rating', goodRating, { evidence: [{ type: 'problem', id: '0190a000-0000-7000-8000-00000000beef' }] });
  t.equal(missingEvidence.statusCode, 422);
});

t.test('whoever recorded the contested input may not review or decide its appeal', async (t) => {
  const refused: [string, Parameters<typeof h.as>[0]][] = [
    ['rating', li],
    ['scorecard_deduction', inspector1],
    ['disqualification', wang],
    ['award_transition', wang],
  ];
  for (const [kind, who] of refused) {
    const res = await post(who, filed.get(kind)!.id, 'review');
    t.equal(res.statusCode, 403, kind);
    t.equal(res.json().code, 'appeal_decider_is_original_actor', kind);
  }
  const unit = await post(unitOf(A), filed.get('rating')!.id, 'review');
  t.equal(unit.statusCode, 403, 'a unit does not decide');
  for (const c of cases) {
    const res = await post(c.kind === 'scorecard_deduction' ? inspector2 : zhao, filed.get(c.kind)!.id, 'review');
    t.equal(res.statusCode, 200, `${c.kind}: ${res.body}`);
    t.equal(res.json().status, 'under_review');
    filed.set(c.kind, res.json());
  }
  // The same holds at the decision, whoever took the review up.
  const decided = await post(li, filed.get('rating')!.id, 'decide', { outcome: 'upheld', reason: '系统误录' });
  t.equal(decided.statusCode, 403);
  t.equal(decided.json().code, 'appeal_decider_is_original_actor');
});

t.test('a decision needs an outcome and a reason', async (t) => {
  const res = await post(zhao, filed.get('rating')!.id, 'decide', { outcome: 'upheld' });
  t.equal(res.statusCode, 400);
  t.match(res.body, /reason/);
});

const computeAndExplain = async (unitId: string) => {
  const r = await h.as('admin', { method: 'POST', url: `/api/v1/cycles/${cycle.id}/rankings` });
  if (r.statusCode !== 201) throw new Error(r.body);
  const e = await h.as('admin', { method: 'GET', url: `/api/v1/rankings/${r.json().id}/entries/${unitId}/explanation` });
  return { ranking: r.json(), explanation: e.json() };
};

t.test('an upheld rating appeal excludes the rating from the next computation, listed with its appeal', async (t) => {
  const before = await computeAndExplain(A.id);
  t.equal(before.explanation.publicSatisfaction.ratings, 42, '40 + the bad one + the good one');
  t.same(before.explanation.exclusions, []);
  const a = filed.get('rating')!;
  const res = await post(zhao, a.id, 'decide', { outcome: 'upheld', reason: '系统误录：该差评属于其他单位' });
  t.equal(res.statusCode, 200, res.body);
  t.equal(res.json().status, 'upheld');
  t.equal(res.json().decisionReason, '系统误录：该差评属于其他单位');
  t.match(res.json().remedy, /excluded/);
  const after = await computeAndExplain(A.id);
  t.equal(after.explanation.publicSatisfaction.ratings, 41, 'the bad rating is out of P');
  t.same(after.explanation.exclusions, [{ appealId: a.id, kind: 'rating', subjectId: badRating }]);
  t.equal(after.ranking.inputCounts.excluded, 1);
  t.ok(after.explanation.publicSatisfaction.rawMean > before.explanation.publicSatisfaction.rawMean, 'P rises');
});

t.test('an upheld deduction appeal gives the points back; an upheld finding appeal takes the finding out of M', async (t) => {
  const before = await computeAndExplain(A.id);
  const beforeC = await computeAndExplain(C.id);
  t.equal((await post(inspector2, filed.get('scorecard_deduction')!.id, 'decide', { outcome: 'upheld', reason: '扣分依据不足' })).statusCode, 200);
  t.equal((await post(zhao, filed.get('inspection_finding')!.id, 'decide', { outcome: 'upheld', reason: '暗访记录有误' })).statusCode, 200);
  const after = await computeAndExplain(A.id);
  t.equal(after.explanation.assessment.meanTotal, before.explanation.assessment.meanTotal + 3, '2 occurrences × 1.5 points given back');
  t.ok(after.explanation.exclusions.some((x: { kind: string; subjectId: string }) => x.kind === 'scorecard_deduction' && x.subjectId === deduction));
  const afterC = await computeAndExplain(C.id);
  t.equal(beforeC.explanation.inspection.findings.find((l: { key: string }) => l.key === 'major').count, 1);
  t.equal(afterC.explanation.inspection.findings.find((l: { key: string }) => l.key === 'major').count, 0, 'the finding is out of M');
  t.same(afterC.explanation.exclusions.map((x: { kind: string }) => x.kind), ['inspection_finding']);
});

const entryOf = async (rankingId: string, unitId: string, who: 'admin' | 'anonymous' = 'admin') => {
  const res = await h.as(who, { method: 'GET', url: `/api/v1/public/rankings/${rankingId}?category=law_enforcement` });
  return (res.json().entries as { unitId: string; rank: number | null; score: number }[]).find((e) => e.unitId === unitId)!;
};

t.test('an upheld complaint appeal moves the unit up in a corrected published version, whose diff names the appeal', async (t) => {
  const first = await computeAndExplain(A.id);
  const v1 = await h.as('admin', { method: 'POST', url: `/api/v1/rankings/${first.ranking.id}/publish` });
  t.equal(v1.statusCode, 200, v1.body);
  t.equal(v1.json().supersedes, null, 'the first publication corrects nothing');
  t.equal((await entryOf(first.ranking.id, A.id)).rank, 2, 'the complaint puts A below B');
  t.equal((await entryOf(first.ranking.id, B.id)).rank, 1);

  const appeal = filed.get('complaint')!;
  const upheld = await post(zhao, appeal.id, 'decide', { outcome: 'upheld', reason: '经复核投诉不属实' });
  t.equal(upheld.statusCode, 200, upheld.body);

  const second = await computeAndExplain(A.id);
  t.same(
    second.explanation.exclusions.find((x: { kind: string }) => x.kind === 'complaint'),
    { appealId: appeal.id, kind: 'complaint', subjectId: complaint },
  );
  t.equal(second.explanation.deductions.total, 0, 'the complaint is out of D');
  const preview = await h.as('admin', { method: 'GET', url: `/api/v1/rankings/${second.ranking.id}/diff` });
  t.equal(preview.statusCode, 200, 'a draft is compared with the current published version');
  t.equal(preview.json().previousId, first.ranking.id);

  const noReason = await h.as('admin', { method: 'POST', url: `/api/v1/rankings/${second.ranking.id}/publish` });
  t.equal(noReason.statusCode, 422, 'a correction needs its reason');
  t.equal(noReason.json().errors[0].field, 'reason');
  const v2 = await h.as('admin', { method: 'POST', url: `/api/v1/rankings/${second.ranking.id}/publish`, payload: { reason: '申诉成立，更正排名' } });
  t.equal(v2.statusCode, 200, v2.body);
  t.equal(v2.json().supersedes, first.ranking.id);
  t.equal(v2.json().correctionReason, '申诉成立，更正排名');
  t.equal(v2.json().publicationVersion, 2);

  for (const url of [`/api/v1/public/rankings/${second.ranking.id}/diff`, `/api/v1/rankings/${second.ranking.id}/diff`]) {
    const diff = await h.as(url.includes('public') ? 'anonymous' : forestry, { method: 'GET', url });
    t.equal(diff.statusCode, 200, `${url}: ${diff.body}`);
    const body = diff.json();
    t.equal(body.previousId, first.ranking.id);
    t.equal(body.correctionReason, '申诉成立，更正排名');
    const a = body.entries.find((e: { unitId: string }) => e.unitId === A.id);
    t.same(a.before.rank, 2);
    t.same(a.after.rank, 1);
    t.ok(a.changed.includes('rank'));
    t.equal(a.why, 'appeal');
    t.same(a.appeals, [{ appealId: appeal.id, kind: 'complaint', subjectId: complaint }], 'only the appeal upheld since v1');
    const b = body.entries.find((e: { unitId: string }) => e.unitId === B.id);
    t.same([b.before.rank, b.after.rank, b.why], [1, 2, 'recomputed']);
  }

  const old = await h.as('anonymous', { method: 'GET', url: `/api/v1/public/rankings/${first.ranking.id}` });
  t.equal(old.statusCode, 200, 'the superseded version stays readable');
  t.equal((await entryOf(first.ranking.id, A.id, 'anonymous')).rank, 2, 'as it was published');
  const current = await h.as('anonymous', { method: 'GET', url: `/api/v1/public/cycles/${cycle.id}/rankings/current` });
  t.equal(current.statusCode, 200);
  t.equal(current.json().id, second.ranking.id, 'the correction is current');
  const tampered = await h.sql(`update rankings set correction_reason = 'x' where id = $1`, [second.ranking.id]).then(
    () => 'changed',
    () => 'refused',
  );
  t.equal(tampered, 'refused', 'the published correction is immutable');

  const gq = await gql(h, 'anonymous', `query($id: ID!) { rankingDiff(id: $id) { previousId entries { unitId why appeals { appealId kind } } } }`, { id: second.ranking.id });
  t.notOk(gq.errors, JSON.stringify(gq.errors));
  t.equal((gq.data!.rankingDiff as { previousId: string }).previousId, first.ranking.id);

  const firstDiff = await h.as('admin', { method: 'GET', url: `/api/v1/rankings/${first.ranking.id}/diff` });
  t.equal(firstDiff.statusCode, 409, 'the first publication has nothing to compare with');
  t.equal(firstDiff.json().code, 'ranking_not_a_correction');
});

t.test('an upheld disqualification appeal reinstates the unit; an upheld award transition appeal moves the award back', async (t) => {
  const res = await post(zhao, filed.get('disqualification')!.id, 'decide', { outcome: 'upheld', reason: '取消资格证据不足' });
  t.equal(res.statusCode, 200, res.body);
  t.match(res.json().remedy, /reinstated/);
  const [e] = await h.sql<{ status: string }>(`select status from enrollments where id = $1`, [dEnrollment]);
  t.equal(e.status, 'enrolled');
  const [entry] = await h.sql(`select actor from audit_log where action = 'enrollment.reinstated' and entity_id = $1`, [dEnrollment]);
  t.equal(entry?.actor, 'admin:zhao');
  const lifted = await post(zhao, filed.get('award_transition')!.id, 'decide', { outcome: 'upheld', reason: '黄牌依据不足' });
  t.equal(lifted.statusCode, 200, lifted.body);
  t.match(lifted.json().remedy, /moved back to active/);
  const [aw] = await h.sql<{ status: string }>(`select status from awards where id = $1`, [award]);
  t.equal(aw.status, 'active', 'the yellow card is lifted');
  const moves = await h.sql<{ from_status: string; to_status: string; actor: string }>(`select from_status, to_status, actor from award_transitions where award_id = $1 order by at`, [award]);
  t.same(moves.at(-1), { from_status: 'yellow_card', to_status: 'active', actor: 'admin:zhao' }, 'as a transition of its own');
  const again = await post(zhao, filed.get('award_transition')!.id, 'decide', { outcome: 'upheld', reason: '改判' });
  t.equal(again.statusCode, 409, 'a decided appeal is final');
  t.equal(again.json().code, 'illegal_transition');
});

t.test('only the appellant withdraws, while undecided; a new appeal may then be filed', async (t) => {
  const res = await file(unitOf(A), 'rating', (await one(`insert into ratings (id, unit_id, cycle_id, channel, level, collected_at, source, submitted_by) values (gen_random_uuid(), $1, $2, 'hotline', 2, now(), 'hotline-sync', 'integration') returning id`, [A.id, cycle.id]))!.id);
  t.equal(res.statusCode, 201);
  const a = res.json() as Appeal & { subjectId: string };
  const byDept = await post(forestry, a.id, 'withdraw');
  t.equal(byDept.statusCode, 403);
  t.equal(byDept.json().code, 'appeal_not_appellant');
  const byOther = await post(unitOf(B), a.id, 'withdraw');
  t.equal(byOther.statusCode, 404, 'another unit does not see it');
  const ok = await post(unitOf(A), a.id, 'withdraw', { note: '已与群众沟通' });
  t.equal(ok.statusCode, 200, ok.body);
  t.equal(ok.json().status, 'withdrawn');
  t.equal((await file(forestry, 'rating', a.subjectId)).statusCode, 201, 'the subject is open to a new appeal');
});

t.test('overdue appeals (deadline passed, undecided) are listed and flagged', async (t) => {
  const res = await file(forestry, 'scorecard_deduction', deduction);
  t.equal(res.statusCode, 201, 'a decided subject may be appealed again');
  await h.sql(`update appeals set deadline = now() - interval '1 day' where id = $1`, [res.json().id]);
  const list = await h.as('admin', { method: 'GET', url: `/api/v1/appeals?overdue=true` });
  t.equal(list.statusCode, 200);
  t.same(list.json().items.map((a: Appeal) => [a.id, a.overdue]), [[res.json().id, true]]);
  const decidedOverdue = await h.sql(`update appeals set deadline = now() - interval '1 day' where id = $1`, [filed.get('rating')!.id]);
  t.ok(decidedOverdue);
  const still = await h.as('admin', { method: 'GET', url: `/api/v1/appeals?overdue=true` });
  t.equal(still.json().items.length, 1, 'a decided appeal is never overdue');
  const mine = await h.as(unitOf(C), { method: 'GET', url: `/api/v1/appeals?limit=1` });
  t.equal(mine.statusCode, 200);
  t.ok(mine.json().items.every((a: { unitId: string }) => a.unitId === C.id), 'a unit sees its own');
  t.ok(mine.json().nextCursor, 'paged');
  const page2 = await h.as(unitOf(C), { method: 'GET', url: `/api/v1/appeals?limit=1&cursor=${mine.json().nextCursor}` });
  t.equal(page2.json().items.length, 1);
});

t.test('statistics: appeals by kind and outcome, open, overdue and the median time to decision', async (t) => {
  const res = await h.as('inspector', { method: 'GET', url: `/api/v1/appeals/statistics?cycleId=${cycle.id}` });
  t.equal(res.statusCode, 200, res.body);
  const s = res.json();
  const byKind = Object.fromEntries(s.byKind.map((k: { kind: string }) => [k.kind, k]));
  t.same([byKind.rating.filed, byKind.rating.upheld, byKind.rating.withdrawn, byKind.rating.open], [3, 1, 1, 1]);
  t.same([byKind.complaint.upheld, byKind.disqualification.upheld], [1, 1]);
  t.notOk(byKind.award_transition, 'the award is of another cycle');
  t.equal(s.overdue, 1);
  t.ok(s.medianHoursToDecision !== null && s.medianHoursToDecision >= 0);
  t.equal((await h.as(unitOf(A), { method: 'GET', url: '/api/v1/appeals/statistics' })).statusCode, 403);
});

t.test('every step is in the audit log', async (t) => {
  const a = filed.get('complaint')!;
  const entries = await h.sql<{ action: string; actor: string }>(`select action, actor from audit_log where entity_type = 'appeal' and entity_id = $1 order by seq`, [a.id]);
  t.same(entries, [
    { action: 'appeal.filed', actor: `unit:${A.id}` },
    { action: 'appeal.review_started', actor: 'admin:zhao' },
    { action: 'appeal.upheld', actor: 'admin:zhao' },
  ]);
});

t.test('GraphQL files, lists and decides appeals under the same rules', async (t) => {
  const q = `mutation($input: FileAppealInput!) { fileAppeal(input: $input) { id status kindLabel { zhCN } } }`;
  const denied = await gql(h, 'inspector', q, { input: { kind: 'complaint', subjectId: complaint, grounds: '复核' } });
  t.equal(denied.errors?.[0]?.extensions?.code, 'forbidden');
  const outsider = await gql(h, unitOf(B), q, { input: { kind: 'complaint', subjectId: complaint, grounds: '复核' } });
  t.equal(outsider.errors?.[0]?.extensions?.code, 'appeal_subject_out_of_scope');
  const ok = await gql(h, unitOf(A), q, { input: { kind: 'complaint', subjectId: complaint, grounds: '再次申诉' } });
  t.notOk(ok.errors, JSON.stringify(ok.errors));
  const id = (ok.data!.fileAppeal as { id: string }).id;
  const list = await gql(h, forestry, `{ appeals(kind: complaint, status: filed) { items { id unit { id } } } }`);
  t.same((list.data!.appeals as { items: { id: string; unit: { id: string } }[] }).items, [{ id, unit: { id: A.id } }]);
  const review = await gql(h, zhao, `mutation($id: ID!) { startAppealReview(id: $id) { status } }`, { id });
  t.notOk(review.errors, JSON.stringify(review.errors));
  const decide = await gql(h, zhao, `mutation($id: ID!) { decideAppeal(id: $id, outcome: rejected, reason: "维持原认定") { status decisionReason } }`, { id });
  t.same(decide.data!.decideAppeal, { status: 'rejected', decisionReason: '维持原认定' });
});
