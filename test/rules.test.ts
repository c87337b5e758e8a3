import t from 'tap';
import type { LightMyRequestResponse } from 'fastify';
import { systemContext } from '../src/lib/principal.js';
import type { StatisticsDto } from '../src/modules/statistics/schemas.js';
import type { DepartmentScoreboardDto } from '../src/modules/scoreboard/schemas.js';
import type { RankingDto, RankingEntryDto, ScoreExplanationDto } from '../src/modules/rankings/schemas.js';
import type { NominationDto } from '../src/modules/awards/schemas.js';
import type { UnitDto } from '../src/modules/units/schemas.js';
import { advance, awardsWorld, publishRanking } from './fixtures-awards.js';
import { cycleInPhase, insertCriteriaSet } from './fixtures-cycles.js';
import { scoreRows } from './fixtures-scores.js';
import { referenceWorld } from './fixtures.js';
import { setup } from './helper.js';
import type { TestApp } from './helper.js';

/**
 * The rules written once (problems/queries.ts 逾期, enrollments/queries.ts 参评单位 and 归属周期, cycles/queries.ts
 * windows, ratings/rules.ts 差评), each built at its edge and read back through every figure that counts it, as
 * a user sees it through the API.
 */
const h = await setup(t);
const w = await referenceWorld(h);
const ctx = systemContext('rules-test');
const { forestry, tax } = w.departments;

type Who = Parameters<TestApp['as']>[0];
const api = (p: string) => `/api/v1${p}`;
function body<T>(res: LightMyRequestResponse, status = 200): T {
  if (res.statusCode !== status) throw new Error(`${res.statusCode} (wanted ${status}): ${res.body}`);
  return res.json() as T;
}
const get = async <T>(url: string, who: Who = 'admin') => body<T>(await h.as(who, { method: 'GET', url: api(url) }));
const post = async <T>(url: string, payload: object, status = 200, who: Who = 'admin', headers: Record<string, string> = {}) =>
  body<T>(await h.as(who, { method: 'POST', url: api(url), payload, headers }), status);

const unit = (name: string, departmentId: string, category: UnitDto['category']) =>
  h.app.services.units.create(ctx, { name, departmentId, regionId: w.regions.countyA.id, category });

const statistics = async (cycleId: string) => (await get<StatisticsDto>(`/statistics?cycleId=${cycleId}`)).figures;
async function scoreboardRow(cycleId: string, departmentId: string) {
  const board = await get<DepartmentScoreboardDto>(`/cycles/${cycleId}/department-scoreboard`);
  return board.items.find((i) => i.departmentId === departmentId);
}
const computeRanking = (cycleId: string) => post<RankingDto>(`/cycles/${cycleId}/rankings`, {}, 201);
const entriesOf = async (rankingId: string) => (await get<{ items: RankingEntryDto[] }>(`/rankings/${rankingId}/entries?limit=100`)).items;
const explanation = (rankingId: string, unitId: string) => get<ScoreExplanationDto>(`/rankings/${rankingId}/entries/${unitId}/explanation`);
async function moveCycle(cycleId: string, to: string) {
  const c = await get<{ version: number }>(`/cycles/${cycleId}`);
  return post<{ phase: string }>(`/cycles/${cycleId}/transitions`, { to, version: c.version });
}

t.test('逾期: a problem verified after its deadline is overdue in every figure; one verified on time is overdue in none', async (t) => {
  const lateUnit = await unit('逾期整改站', forestry.id, 'law_enforcement');
  const onTimeUnit = await unit('按期整改厅', tax.id, 'public_service');
  const cycle = await cycleInPhase(h, 'assessment', [lateUnit.id, onTimeUnit.id], '逾期规则周期');
  const rows = scoreRows(h, cycle.id);
  await rows.scorecards(lateUnit.id, [80]);
  await rows.scorecards(onTimeUnit.id, [80]);

  const open = (unitId: string, description: string) =>
    post<{ id: string; overdue: boolean }>('/problems', { unitId, cycleId: cycle.id, sourceType: 'manual', severity: 'minor', description }, 201);
  const late = await open(lateUnit.id, '整改逾期');
  const onTime = await open(onTimeUnit.id, '按期整改');
  const unrecorded = await open(onTimeUnit.id, '已销号，未记录销号时间');
  // The deadline passed ten days ago; verified one day after it / one day before it / with no recorded time.
  const tamper = (id: string, verifiedAt: string) =>
    h.sql(`update problems set deadline = now() - interval '10 days', status = 'verified', verified_at = ${verifiedAt} where id = $1`, [id]);
  await tamper(late.id, `now() - interval '10 days' + interval '1 day'`);
  await tamper(onTime.id, `now() - interval '10 days' - interval '1 day'`);
  await tamper(unrecorded.id, 'null');

  const listed = async (overdue: boolean) =>
    (await get<{ items: { id: string }[] }>(`/problems?cycleId=${cycle.id}&overdue=${overdue}&limit=100`)).items.map((p) => p.id).sort();
  t.same(await listed(true), [late.id], 'the overdue list holds the late one only');
  t.same(await listed(false), [onTime.id, unrecorded.id].sort(), 'the not-overdue list holds the on-time ones');
  t.equal((await get<{ overdue: boolean; status: string }>(`/problems/${late.id}`)).overdue, true, 'the late problem’s DTO says overdue');
  t.equal((await get<{ overdue: boolean }>(`/problems/${onTime.id}`)).overdue, false, 'verified on time: not overdue');
  t.equal((await get<{ overdue: boolean }>(`/problems/${unrecorded.id}`)).overdue, false, 'verified without a recorded time counts as on time');

  const f = await statistics(cycle.id);
  t.equal(f.problems.overdue, 1, 'statistics: one overdue problem in the cycle');
  t.equal(f.problems.rectified, 3, 'statistics: all three are verified');

  t.equal((await scoreboardRow(cycle.id, forestry.id))?.problems.overdue, 1, 'scoreboard: the late unit’s department has one overdue');
  t.equal((await scoreboardRow(cycle.id, tax.id))?.problems.overdue, 0, 'scoreboard: the on-time unit’s department has none');

  const ranking = await computeRanking(cycle.id);
  t.equal(ranking.inputCounts.problems, 1, 'ranking input counts: one overdue problem');
  const lateEx = await explanation(ranking.id, lateUnit.id);
  t.equal(lateEx.deductions.overdueProblems.count, 1, 'ranking: the late unit carries one overdue problem');
  t.not(lateEx.deductions.overdueProblems.points, 0, 'ranking: and loses points for it');
  const onTimeEx = await explanation(ranking.id, onTimeUnit.id);
  t.equal(onTimeEx.deductions.overdueProblems.count, 0, 'ranking: the on-time unit carries no overdue problem');
  t.equal(onTimeEx.deductions.overdueProblems.points, 0, 'ranking: and loses nothing for it');
  const entries = await entriesOf(ranking.id);
  t.equal(entries.find((e) => e.unitId === lateUnit.id)?.deductions, Math.abs(lateEx.deductions.total), 'the entry’s D is the explanation’s deduction');
  t.equal(entries.find((e) => e.unitId === onTimeUnit.id)?.deductions, 0, 'the on-time unit’s entry has no deduction');
});

t.test('参评单位: a disqualified or withdrawn unit takes part nowhere — not counted, not ranked, not named', async (t) => {
  const stays = await unit('继续参评站', forestry.id, 'law_enforcement');
  const disqualified = await unit('取消资格站', forestry.id, 'law_enforcement');
  const withdrawn = await unit('中途退出厅', tax.id, 'public_service');
  const cycle = await cycleInPhase(h, 'enrollment', [stays.id, disqualified.id, withdrawn.id], '参评规则周期');
  const enrollments = (await get<{ items: { id: string; unitId: string; version: number }[] }>(`/cycles/${cycle.id}/enrollments?limit=200`)).items;
  const enrollmentOf = (unitId: string) => enrollments.find((e) => e.unitId === unitId)!;

  const w1 = enrollmentOf(withdrawn.id);
  t.match(await post(`/enrollments/${w1.id}/withdraw`, { reason: '单位撤并' }, 200, 'admin', { 'if-match': `"${w1.version}"` }), { status: 'withdrawn' }, 'withdrawn through the API');
  const evidence = await post<{ id: string }>(
    '/complaints',
    { source: 'hotline', category: 'discipline', subject: '弄虚作假', description: '考评材料弄虚作假', unitId: disqualified.id, receivedAt: '2020-01-01T00:00:00Z' },
    201,
  );
  const d1 = enrollmentOf(disqualified.id);
  t.match(
    await post(`/enrollments/${d1.id}/disqualify`, { reason: '考评材料弄虚作假', evidence: [{ type: 'complaint', id: evidence.id }] }, 200, 'admin', { 'if-match': `"${d1.version}"` }),
    { status: 'disqualified' },
    'disqualified through the API with a reason and evidence',
  );

  for (const category of ['law_enforcement', 'public_service']) await insertCriteriaSet(h, cycle.id, category);
  t.equal((await moveCycle(cycle.id, 'assessment')).phase, 'assessment', 'the cycle moves on to assessment');
  // Everyone has enough to be named, so only participation can keep a unit out.
  const rows = scoreRows(h, cycle.id);
  for (const u of [stays, disqualified, withdrawn]) {
    await rows.scorecards(u.id, [u.id === stays.id ? 70 : 99]);
    await rows.report(u.id, u.id === stays.id ? 3 : 5);
    await rows.ratings(u.id, 5, 30);
  }

  const f = await statistics(cycle.id);
  t.equal(f.unitsTakingPart, 1, 'statistics: only the unit still enrolled takes part');
  t.equal(f.disqualifications, 1, 'statistics: the disqualification is counted on its own');
  t.equal((await scoreboardRow(cycle.id, forestry.id))?.enrolledUnits ?? 0, 1, 'scoreboard: the disqualified unit is not an enrolled unit of its department');
  t.equal((await scoreboardRow(cycle.id, tax.id))?.enrolledUnits ?? 0, 0, 'scoreboard: the withdrawn unit is not an enrolled unit of its department');

  const ranking = await computeRanking(cycle.id);
  t.same((await entriesOf(ranking.id)).map((e) => e.unitId), [stays.id], 'the computed ranking has an entry for the enrolled unit only');
  t.equal(ranking.inputCounts.units, 1, 'ranking input counts: one unit');
  for (const u of [disqualified, withdrawn]) {
    const res = await h.as('admin', { method: 'GET', url: api(`/rankings/${ranking.id}/entries/${u.id}/explanation`) });
    t.equal(res.statusCode, 404, `no explanation for ${u.name}`);
  }

  await post(`/rankings/${ranking.id}/publish`, {});
  await moveCycle(cycle.id, 'ranking');
  await moveCycle(cycle.id, 'naming');
  const proposal = await post<NominationDto>(`/cycles/${cycle.id}/nominations`, { rankingId: ranking.id }, 201);
  t.same(proposal.candidates.map((c) => c.unitId), [stays.id], 'naming proposes the enrolled unit and neither of the others');

  // A published snapshot that still lists them (ranked before they left): naming passes over both, with why.
  const stale = await publishRanking(h, cycle.id, [
    { unit: disqualified, score: 99 },
    { unit: withdrawn, score: 98 },
    { unit: stays, score: 70 },
  ]);
  const again = await post<NominationDto>(`/cycles/${cycle.id}/nominations`, { rankingId: stale }, 201);
  t.same(again.candidates.map((c) => c.unitId), [stays.id], 'even from a ranking that lists them, neither is proposed');
  t.same(again.passedOver.find((p) => p.unitId === disqualified.id)?.reasons, ['disqualified'], 'passed over: disqualified');
  t.same(again.passedOver.find((p) => p.unitId === withdrawn.id)?.reasons, ['withdrawn'], 'passed over: withdrawn');
});

t.test('归属周期 (ratings): collected in the assessment window counts toward the cycle however late it arrives; collected after it, toward none; 差评 is level ≤ 2', async (t) => {
  const rated = await unit('评价归属厅', tax.id, 'public_service');
  const cycle = await cycleInPhase(h, 'ranking', [rated.id], '评价归属周期');
  await h.sql(`update cycles set phase_entered_at = coalesce(phase_entered_at, '{}'::jsonb) || $2::jsonb where id = $1`, [
    cycle.id,
    JSON.stringify({ assessment: '2024-03-01T00:00:00Z', ranking: '2024-09-01T00:00:00Z' }),
  ]);
  // [2024-03-01, 2024-09-01): the first instant counts, the closing one does not.
  const samples = [
    { key: 'start', collectedAt: '2024-03-01T00:00:00.000Z', level: 3, inside: true },
    { key: 'june', collectedAt: '2024-06-01T10:00:00.000Z', level: 2, inside: true },
    { key: 'end', collectedAt: '2024-09-01T00:00:00.000Z', level: 1, inside: false },
    { key: 'october', collectedAt: '2024-10-01T10:00:00.000Z', level: 5, inside: false },
  ];

  const hotline = { role: 'integration' as const, subject: 'hotline-12345' };
  const receipts = new Map<string, { cycleId: string | null }>();
  for (const s of samples) {
    receipts.set(
      s.key,
      await post<{ cycleId: string | null }>('/ratings', { source: 'hotline-12345', channel: 'hotline', unitId: rated.id, level: s.level, collectedAt: s.collectedAt, externalId: `single-${s.key}` }, 201, hotline),
    );
  }
  const ndjson = samples.map((s) => JSON.stringify({ unitId: rated.id, channel: 'questionnaire', level: s.level, collectedAt: s.collectedAt, externalId: `bulk-${s.key}` })).join('\n') + '\n';
  const job = body<{ status: string; accepted: number }>(
    await h.as({ role: 'integration', subject: 'survey-office' }, {
      method: 'POST',
      url: api('/rating-imports?format=ndjson&source=survey-rules'),
      headers: { 'content-type': 'application/x-ndjson' },
      payload: ndjson,
    }),
    201,
  );
  t.match(job, { status: 'completed', accepted: samples.length }, 'the bulk import accepts every row');

  const stored = (await get<{ items: { externalId: string; cycleId: string | null; bad: boolean; level: number }[] }>(`/ratings?unitId=${rated.id}&limit=100`)).items;
  const byExternal = new Map(stored.map((r) => [r.externalId, r]));
  for (const s of samples) {
    const want = s.inside ? cycle.id : null;
    t.equal(receipts.get(s.key)?.cycleId, want, `single submission collected ${s.collectedAt}: receipt cycleId`);
    t.equal(byExternal.get(`single-${s.key}`)?.cycleId, want, `single submission collected ${s.collectedAt}: stored cycleId`);
    t.equal(byExternal.get(`bulk-${s.key}`)?.cycleId, want, `bulk import collected ${s.collectedAt}: stored cycleId (as the single path)`);
    t.equal(byExternal.get(`single-${s.key}`)?.bad, s.level <= 2, `level ${s.level} is ${s.level <= 2 ? '' : 'not '}差评`);
  }

  const inside = samples.filter((s) => s.inside);
  const insideBad = inside.filter((s) => s.level <= 2).length;
  const inCycle = (await get<{ items: { externalId: string }[] }>(`/ratings?cycleId=${cycle.id}&limit=100`)).items.map((r) => r.externalId).sort();
  t.same(inCycle, inside.flatMap((s) => [`bulk-${s.key}`, `single-${s.key}`]).sort(), 'the ratings list of the cycle holds the inside ones, from both paths');

  const f = await statistics(cycle.id);
  t.equal(f.ratings.total, inside.length * 2, 'statistics: the cycle counts exactly the ratings collected inside its assessment window');
  t.equal(f.ratings.bad, insideBad * 2, 'statistics: 差评 among them (level 2 included)');

  const ranking = await computeRanking(cycle.id);
  t.equal(ranking.inputCounts.ratings, inside.length * 2, 'ranking input counts: the inside ratings');
  const [entry] = await entriesOf(ranking.id);
  t.equal(entry.samples.ratings, inside.length * 2, 'ranking: the unit’s rating sample is the inside ratings');
  const ex = await explanation(ranking.id, rated.id);
  t.equal(ex.publicSatisfaction.ratings, inside.length * 2, 'explanation: the same ratings');
});

t.test('归属周期 (complaints): one received during naming counts toward the cycle and bars naming; one received before assessment began counts toward none and bars nothing', async (t) => {
  const world = await awardsWorld(h, { year: 2026, lawCount: 3, pubCount: 1, world: w });
  const [top, second] = world.law;
  const rankingId = await publishRanking(
    h,
    world.cycleId,
    world.all.map((u, i) => ({ unit: u, score: 95 - i })),
  );
  await advance(h, world.cycleId, 'naming');
  // Known windows: in evaluation since 2026-03-01 (naming now, so the window is still open).
  await h.sql(`update cycles set phase_entered_at = coalesce(phase_entered_at, '{}'::jsonb) || $2::jsonb where id = $1`, [
    world.cycleId,
    JSON.stringify({ assessment: '2026-03-01T00:00:00Z', ranking: '2026-09-01T00:00:00Z', naming: '2026-11-01T00:00:00Z' }),
  ]);

  async function substantiatedSerious(unitId: string, receivedAt: string, subject: string) {
    const c = await post<{ id: string }>('/complaints', { source: 'hotline', category: 'discipline', subject, description: `${subject}，经群众举报`, unitId, receivedAt }, 201);
    await post(`/complaints/${c.id}/triage`, { unitId });
    await post(`/complaints/${c.id}/start-investigation`, {});
    await post(`/complaints/${c.id}/decide`, { substantiated: true, findings: '经调查属实', severity: 'serious' });
    return get<{ id: string; cycleId: string | null; status: string; severity: string }>(`/complaints/${c.id}`);
  }
  const during = await substantiatedSerious(top.id, new Date(Date.now() - 1000).toISOString(), '公示期间收到投诉');
  const before = await substantiatedSerious(second.id, '2026-02-28T00:00:00Z', '考评开始前收到投诉');

  t.match(during, { cycleId: world.cycleId, status: 'substantiated', severity: 'serious' }, 'received during naming: the cycle’s');
  t.equal(before.cycleId, null, 'received before the cycle entered assessment: no cycle');

  const f = await statistics(world.cycleId);
  t.equal(f.complaints.substantiated, 1, 'statistics: the cycle counts the substantiated complaint received during naming only');
  t.equal(f.complaints.total, 1, 'statistics: the complaint received before assessment is not counted');

  const row = await scoreboardRow(world.cycleId, forestry.id);
  t.same(row?.complaints, { received: 1, substantiated: 1 }, 'scoreboard: the same one complaint for the department');

  const proposal = await post<NominationDto>(`/cycles/${world.cycleId}/nominations`, { rankingId }, 201);
  const candidates = proposal.candidates.map((c) => c.unitId);
  t.notOk(candidates.includes(top.id), 'the top unit is not proposed');
  t.match(
    proposal.passedOver.find((p) => p.unitId === top.id),
    { reasons: ['substantiated_serious_complaint'], evidence: [{ type: 'complaint', id: during.id }] },
    'naming passes over the top unit citing the complaint',
  );
  t.ok(candidates.includes(second.id), 'a complaint outside the window bars nothing: the second unit is proposed');
  t.notOk(proposal.passedOver.some((p) => p.unitId === second.id), 'and is not passed over');
});
