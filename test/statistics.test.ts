import t from 'tap';
import { systemContext } from '../src/lib/principal.js';
import type { StatisticsDto } from '../src/modules/statistics/schemas.js';
import { referenceWorld } from './fixtures.js';
import { gql, setup } from './helper.js';
import type { TestApp } from './helper.js';

const h = await setup(t);
const w = await referenceWorld(h);
const { forestStation, forestPolice, taxHallA, taxHallB, taxAudit } = w.units;
const ctx = systemContext('statistics-test');
const c2023 = await h.app.services.cycles.create(ctx, { name: '2023 年度创建', year: 2023 });
const c2024 = await h.app.services.cycles.create(ctx, { name: '2024 年度创建', year: 2024 });

const PAST = '2020-01-01T00:00:00Z';
const FUTURE = '2099-01-01T00:00:00Z';

async function one(h: TestApp, text: string, params: unknown[]): Promise<string> {
  const [r] = await h.sql<{ id: string }>(`${text} returning id`, params);
  return r.id;
}
const enroll = (cycleId: string, unitId: string, status = 'enrolled') =>
  h.sql(`insert into enrollments (id, cycle_id, unit_id, category, status) select gen_random_uuid(), $1, u.id, u.category, $3 from units u where u.id = $2`, [cycleId, unitId, status]);
const problem = (unitId: string, cycleId: string | null, status: string, deadline: string, createdAt = '2024-06-01T00:00:00Z') =>
  h.sql(
    `insert into problems (id, unit_id, cycle_id, source_type, severity, description, deadline, status, created_at)
     values (gen_random_uuid(), $1, $2, 'manual', 'minor', '问题', $3, $4, $5)`,
    [unitId, cycleId, deadline, status, createdAt],
  );
const deed = (unitId: string, cycleId: string | null, doneOn = '2024-05-01') =>
  h.sql(`insert into deeds (id, unit_id, cycle_id, title, description, done_on, recorded_by, recorded_by_role) values (gen_random_uuid(), $1, $2, '办实事', '为群众办实事', $3, 'x', 'admin')`, [
    unitId,
    cycleId,
    doneOn,
  ]);
const supervisor = (name: string, termStart: string, termEnd: string | null, active: boolean) =>
  one(h, `insert into supervisors (id, name, affiliation, sector, term_start, term_end, active) values (gen_random_uuid(), $1, '某单位', 'media', $2, $3, $4)`, [
    name,
    termStart,
    termEnd,
    active,
  ]);
const round = (kind: string, cycleId: string | null, startsAt: string) =>
  one(h, `insert into inspection_rounds (id, name, cycle_id, kind, starts_at, ends_at, seed, status) values (gen_random_uuid(), '暗访', $1, $2, $3, $3::timestamptz + interval '30 days', 1, 'generated')`, [
    cycleId,
    kind,
    startsAt,
  ]);
const task = (roundId: string, supervisorId: string, unitId: string, status: string) =>
  one(h, `insert into inspection_tasks (id, round_id, supervisor_id, unit_id, starts_at, ends_at, status) values (gen_random_uuid(), $1, $2, $3, now(), now(), $4)`, [
    roundId,
    supervisorId,
    unitId,
    status,
  ]);
const report = (taskId: string, unitId: string) =>
  one(
    h,
    `insert into inspection_reports (id, task_id, supervisor_id, round_id, unit_id, visited_at, attitude, efficiency, quality, environment, discipline)
     select gen_random_uuid(), t.id, t.supervisor_id, t.round_id, $2, now(), 4, 4, 4, 4, 4 from inspection_tasks t where t.id = $1`,
    [taskId, unitId],
  );
const finding = (taskId: string, reportId: string, unitId: string, position: number, severity: string, status: string) =>
  h.sql(`insert into inspection_findings (id, task_id, report_id, unit_id, position, description, severity, status) values (gen_random_uuid(), $1, $2, $3, $4, '发现', $5, $6)`, [
    taskId,
    reportId,
    unitId,
    position,
    severity,
    status,
  ]);
const action = (type: string, targetKind: string, unitId: string | null, departmentId: string | null, decidedAt: string) =>
  h.sql(
    `insert into accountability_actions (id, type, target_kind, unit_id, department_id, person_name, reason, decided_at, cause_type, cause_id, created_by)
     values (gen_random_uuid(), $1, $2, $3, $4, $6, '原因', $5, 'problem', gen_random_uuid(), 'x')`,
    [type, targetKind, unitId, departmentId, decidedAt, targetKind === 'person' ? '张三' : null],
  );
const rating = (unitId: string, cycleId: string | null, channel: string, level: number, collectedAt = '2024-06-01T00:00:00Z') =>
  one(h, `insert into ratings (id, unit_id, cycle_id, channel, level, collected_at, source, submitted_by) values (gen_random_uuid(), $1, $2, $3, $4, $5, 'test', 'x')`, [
    unitId,
    cycleId,
    channel,
    level,
    collectedAt,
  ]);
const followUp = (ratingId: string, unitId: string, status: string, deadline: string) =>
  h.sql(`insert into rating_follow_ups (id, rating_id, unit_id, verify_by, deadline, state) values (gen_random_uuid(), $1, $2, $3, $3, $4)`, [ratingId, unitId, deadline, status]);
let complaintNo = 0;
const complaint = (unitId: string | null, cycleId: string | null, status: string, source: string, deadline: string | null, substantiated: boolean | null, receivedAt = '2024-06-01T00:00:00Z') =>
  h.sql(
    `insert into complaints (id, tracking_code, source, category, subject, description, unit_id, cycle_id, status, stage_deadline, substantiated, received_at)
     values (gen_random_uuid(), $1, $2, 'service_attitude', '投诉', '态度差', $3, $4, $5, $6, $7, $8)`,
    [`T-${++complaintNo}`, source, unitId, cycleId, status, deadline, substantiated, receivedAt],
  );

// ── The world: two cycles (2023, 2024) over the five units of referenceWorld ─────────────────────────────────
await enroll(c2024.id, forestStation.id);
await enroll(c2024.id, forestPolice.id, 'disqualified');
await enroll(c2024.id, taxHallA.id);
await enroll(c2024.id, taxHallB.id, 'withdrawn');
await enroll(c2024.id, taxAudit.id);
await enroll(c2023.id, forestStation.id);
await enroll(c2023.id, taxHallB.id);

await problem(forestStation.id, c2024.id, 'verified', PAST);
await problem(forestStation.id, c2024.id, 'open', PAST); // overdue
await problem(taxHallA.id, c2024.id, 'rectifying', FUTURE);
await problem(taxAudit.id, c2024.id, 'submitted', PAST); // overdue
await problem(forestPolice.id, null, 'open', FUTURE, '2024-06-01T00:00:00Z'); // no cycle, found in 2024
await problem(taxHallA.id, null, 'open', FUTURE, '2022-05-01T00:00:00Z'); // no cycle, 2022: never counted
await problem(taxHallB.id, c2023.id, 'verified', PAST);

await deed(forestStation.id, c2024.id);
await deed(forestStation.id, c2024.id);
await deed(forestPolice.id, c2024.id);
await deed(taxHallA.id, null, '2024-12-31');
await deed(taxHallA.id, null, '2025-01-01');
await deed(taxHallB.id, c2023.id);
await deed(taxHallB.id, c2023.id);

const supA = await supervisor('监督员甲', '2023-01-01', null, true);
const supB = await supervisor('监督员乙', '2024-03-01', '2024-12-31', false);
await supervisor('监督员丙', '2021-01-01', '2022-12-31', true);

const sweep2024 = await round('sweep', c2024.id, '2024-04-01T00:00:00Z');
const targeted2024 = await round('targeted', null, '2024-09-01T00:00:00Z');
const sweep2023 = await round('sweep', c2023.id, '2023-04-01T00:00:00Z');
const t1 = await task(sweep2024, supA, forestStation.id, 'reviewed');
const r1 = await report(t1, forestStation.id);
await finding(t1, r1, forestStation.id, 1, 'minor', 'accepted');
await finding(t1, r1, forestStation.id, 2, 'serious', 'pending');
const t2 = await task(sweep2024, supA, taxHallA.id, 'reported');
const r2 = await report(t2, taxHallA.id);
await finding(t2, r2, taxHallA.id, 1, 'major', 'dismissed');
await task(sweep2024, supB, taxAudit.id, 'assigned');
await task(sweep2024, supB, forestPolice.id, 'cancelled');
await task(targeted2024, supA, taxHallB.id, 'expired');
const t6 = await task(sweep2023, supA, taxHallB.id, 'reviewed');
const r6 = await report(t6, taxHallB.id);
await finding(t6, r6, taxHallB.id, 1, 'minor', 'accepted');

await action('interview', 'unit', forestStation.id, null, '2024-05-01T00:00:00Z');
await action('interview', 'person', taxHallA.id, null, '2024-07-01T00:00:00Z');
await action('notice_of_criticism', 'department', null, w.departments.tax.id, '2024-08-01T00:00:00Z');
await action('demotion', 'person', taxAudit.id, null, '2023-03-01T00:00:00Z');
await action('disciplinary_action', 'person', null, null, '2023-12-31T17:00:00Z'); // 2024-01-01 01:00 in China

const bad1 = await rating(forestStation.id, c2024.id, 'hotline', 1);
await rating(forestStation.id, c2024.id, 'hotline', 5);
await rating(forestStation.id, c2024.id, 'sms', 4);
const bad2 = await rating(taxHallA.id, c2024.id, 'portal', 2);
await rating(taxHallA.id, c2024.id, 'questionnaire', 5);
await rating(taxAudit.id, c2024.id, 'hotline', 3);
const bad3 = await rating(forestPolice.id, null, 'sms', 1, '2024-03-01T00:00:00Z');
await rating(taxHallB.id, c2023.id, 'portal', 4, '2023-06-01T00:00:00Z');
await followUp(bad1, forestStation.id, 'open', PAST); // overdue
await followUp(bad2, taxHallA.id, 'closed', PAST);
await followUp(bad3, forestPolice.id, 'verified', FUTURE);

await complaint(forestStation.id, c2024.id, 'substantiated', 'hotline', PAST, true); // overdue
await complaint(taxHallA.id, c2024.id, 'closed', 'portal', null, false);
await complaint(taxAudit.id, c2024.id, 'investigating', 'portal', FUTURE, null);
await complaint(null, null, 'received', 'mailbox', PAST, null, '2024-10-01T00:00:00Z'); // not triaged yet, overdue
await complaint(taxHallB.id, c2023.id, 'closed', 'hotline', null, true, '2023-05-01T00:00:00Z');

/** Awards hang off a nomination of a ranking; a bare draft ranking and proposal per cycle are enough here. */
async function namingOf(cycleId: string) {
  const rankingId = await one(h, `insert into rankings (id, cycle_id, formula_version, parameters, input_counts, computed_by) values (gen_random_uuid(), $1, 'v1', '{}', '{}', 'x')`, [cycleId]);
  const nominationId = await one(h, `insert into nominations (id, cycle_id, ranking_id, quotas, created_by) values (gen_random_uuid(), $1, $2, '{"top100":100,"top10":10,"perCategory":null}', 'x')`, [
    cycleId,
    rankingId,
  ]);
  return { rankingId, nominationId };
}
let certificateNo = 0;
const award = (n: { rankingId: string; nominationId: string }, cycleId: string, unitId: string, tier: string, status: string) =>
  h.sql(
    `insert into awards (id, cycle_id, unit_id, tier, category, certificate_no, status, nomination_id, ranking_id, named_at)
     select gen_random_uuid(), $1, u.id, $3, u.category, $4, $5, $6, $7, now() from units u where u.id = $2`,
    [cycleId, unitId, tier, `C-${++certificateNo}`, status, n.nominationId, n.rankingId],
  );
const commendation = (unitId: string, cycleId: string | null, level: string, conferredOn = '2024-11-01') =>
  h.sql(`insert into commendations (id, unit_id, cycle_id, level, title, conferred_by, conferred_on, created_by) values (gen_random_uuid(), $1, $2, $3, '表彰', '省纠风办', $4, 'x')`, [
    unitId,
    cycleId,
    level,
    conferredOn,
  ]);

const naming2024 = await namingOf(c2024.id);
const naming2023 = await namingOf(c2023.id);
await award(naming2024, c2024.id, forestStation.id, 'top10', 'active');
await award(naming2024, c2024.id, taxHallA.id, 'top100', 'yellow_card');
await award(naming2024, c2024.id, taxAudit.id, 'top100', 'revoked');
await award(naming2023, c2023.id, taxHallB.id, 'top100', 'rectification_ordered');
await commendation(forestStation.id, c2024.id, 'provincial_leading_group');
await commendation(taxHallA.id, c2024.id, 'provincial_department');
await commendation(taxAudit.id, null, 'provincial_department', '2024-03-01'); // no cycle: by the day conferred
await commendation(taxHallB.id, c2023.id, 'other', '2023-11-01');

async function stats(query: string, who: Parameters<TestApp['as']>[0] = 'admin') {
  const res = await h.as(who, { method: 'GET', url: `/api/v1/statistics?${query}` });
  return { res, body: res.json() as StatisticsDto };
}

t.test('the office sees every figure of a cycle', async (t) => {
  const { res, body } = await stats(`cycleId=${c2024.id}`);
  t.equal(res.statusCode, 200);
  t.same(body.scope, { cycles: [{ id: c2024.id, name: '2024 年度创建', year: 2024 }], years: [2024], regionId: null, departmentId: null, category: null });
  const f = body.figures;
  t.equal(f.unitsTakingPart, 3, 'withdrawn and disqualified units do not take part');
  t.equal(f.departmentsCovered, 2);
  t.equal(f.disqualifications, 1);
  t.same(f.awards, { byTier: { top10: 1, top100: 2 }, byStatus: { active: 1, rectification_ordered: 0, yellow_card: 1, revoked: 1 } });
  t.same(f.commendations, { provincial_leading_group: 1, provincial_department: 2, other: 0 });
  t.match(f.problems, { found: 5, rectified: 1, open: 4, overdue: 2, hot: 0, hotSolved: 0, byStatus: { open: 2, rectifying: 1, submitted: 1, verified: 1 } });
  t.equal(f.deeds, 4, 'a deed without a cycle counts by the year it was done');
  t.same(f.supervisors, { active: 1, total: 2 });
  t.same(f.inspectionRounds, { sweep: 1, targeted: 1 });
  t.match(f.inspectionTasks, { dispatched: 4, reported: 2, reviewed: 1, byRoundKind: { sweep: 3, targeted: 1 } }, 'cancelled tasks were never dispatched');
  t.equal(f.inspectionReports, 2);
  t.same(f.findings, { total: 3, bySeverity: { minor: 1, major: 1, serious: 1 }, byStatus: { pending: 1, accepted: 1, dismissed: 1 }, accepted: 1 });
  t.same(f.accountabilityActions, { interview: 2, notice_of_criticism: 1, disciplinary_action: 1, demotion: 0 }, 'decided on 1 January in China time counts in that year');
  t.equal(f.ratings.total, 6, 'a rating left with no cycle (outside every window) counts toward none');
  t.equal(f.ratings.bad, 2);
  t.same(f.ratings.byLevel, { 1: 1, 2: 1, 3: 1, 4: 1, 5: 2 });
  t.same(f.ratings.byChannel.hotline, { total: 3, byLevel: { 1: 1, 2: 0, 3: 1, 4: 0, 5: 1 } });
  t.same(f.ratings.byChannel.sms, { total: 1, byLevel: { 1: 0, 2: 0, 3: 0, 4: 1, 5: 0 } });
  t.same(f.ratings.byChannel.forum, { total: 0, byLevel: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 } });
  t.same(f.complaints, { // the untriaged complaint has no unit, so no cycle yet
    total: 3,
    byStatus: { received: 0, triaged: 0, investigating: 1, substantiated: 1, unsubstantiated: 0, closed: 1 },
    bySource: { portal: 2, hotline: 1, mailbox: 0, sms: 0, media: 0, integration: 0, walk_in: 0 },
    substantiated: 1,
    overdue: 1,
  });
  // 差评核实 states (the loop replaced 回访's open/contacted/resolved); the rates are null with nothing substantiated.
  t.same(f.followUps, {
    total: 2,
    byStatus: { open: 1, verified: 0, rectifying: 0, called_back: 0, closed: 1 },
    overdue: 1,
    awaitingVerification: 1,
    substantiated: 0,
    notSubstantiated: 0,
    malicious: 0,
    rectified: 0,
    rectificationRate: null,
    callBackDue: 0,
    calledBack: 0,
    calledBackByRater: 0,
    calledBackByPhone: 0,
    callBackRate: null,
  });
});

t.test('the figures export as CSV and XLSX, one row per figure with its label', async (t) => {
  const { sheetRows } = await import('./xlsx-reader.js');
  const csv = await h.as('admin', { method: 'GET', url: `/api/v1/statistics/export.csv?cycleId=${c2024.id}` });
  t.equal(csv.statusCode, 200);
  t.match(csv.headers['content-type'], /^text\/csv; charset=utf-8/);
  const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
  t.equal(lines[0], '指标 Figure,名称 Label,数值 Value,范围 Scope,截至 As of');
  t.ok(lines.some((l) => l.startsWith('unitsTakingPart,,3,2024 年度创建,')));
  t.ok(lines.some((l) => /^ratings\.byChannel\.hotline\.total,[^,]+,3,/.test(l)), 'a coded figure carries its Chinese label');
  const xlsx = await h.as('inspector', { method: 'GET', url: `/api/v1/statistics/export.xlsx?cycleId=${c2024.id}` });
  t.equal(xlsx.statusCode, 200);
  const rows = sheetRows(xlsx.rawPayload);
  t.equal(rows.length, lines.length, 'the same rows in both formats');
  t.equal(rows.find((r) => r[0] === 'deeds')?.find((c) => typeof c === 'number'), 4, 'numbers stay numbers');
  t.equal((await h.as({ role: 'unit', unitId: forestStation.id }, { method: 'GET', url: `/api/v1/statistics/export.xlsx?cycleId=${c2024.id}` })).statusCode, 403);
  t.equal((await h.as('admin', { method: 'GET', url: '/api/v1/statistics/export.csv' })).statusCode, 422, 'the same arguments as the figures');
});

t.test('every code in the figures carries a bilingual label', async (t) => {
  const { body } = await stats(`cycleId=${c2024.id}`);
  t.same(body.labels.accountabilityTypes.interview, { zhCN: '约谈', en: 'Admonitory interview' });
  t.equal(body.labels.ratingChannels.ten_thousand_review.zhCN, '万人评机关');
  t.equal(body.labels.ratingLevels['1'].zhCN, '非常不满意');
  t.equal(body.labels.awardTiers.top10.zhCN, '十佳');
  t.equal(body.labels.awardStatuses.yellow_card.zhCN, '黄牌警告');
  t.equal(body.labels.commendationLevels.provincial_leading_group.zhCN, '省纠风领导小组命名表彰');
  t.equal(body.labels.inspectionRoundKinds.sweep.zhCN.length > 0, true);
  t.same(Object.keys(body.labels.complaintStatuses), Object.keys(body.figures.complaints.byStatus));
});

t.test('a region filter covers the region and every region below it', async (t) => {
  const { res, body } = await stats(`cycleId=${c2024.id}&regionId=${w.regions.countyA.id}`);
  t.equal(res.statusCode, 200);
  const f = body.figures;
  t.equal(f.unitsTakingPart, 2, 'the township station is inside the county');
  t.equal(f.departmentsCovered, 2);
  t.same(f.awards.byTier, { top10: 1, top100: 1 });
  t.same(f.commendations, { provincial_leading_group: 1, provincial_department: 1, other: 0 });
  t.equal(f.problems.found, 4);
  t.equal(f.problems.overdue, 1);
  t.equal(f.deeds, 4);
  t.same(f.accountabilityActions, { interview: 2, notice_of_criticism: 0, disciplinary_action: 0, demotion: 0 }, 'a prefecture department is not inside the county');
  t.equal(f.complaints.total, 2, 'a complaint not yet triaged to a unit is outside any unit filter');
  t.same(f.supervisors, { active: 1, total: 1 }, 'supervisors who inspected the region’s units: B’s only task there was cancelled');
  t.equal(body.scope.regionId, w.regions.countyA.id);
});

t.test('a department filter keeps that department’s units and actions against the department', async (t) => {
  const { body } = await stats(`cycleId=${c2024.id}&departmentId=${w.departments.tax.id}`);
  const f = body.figures;
  t.equal(f.unitsTakingPart, 2);
  t.equal(f.departmentsCovered, 1);
  t.equal(f.disqualifications, 0);
  t.same(f.accountabilityActions, { interview: 1, notice_of_criticism: 1, disciplinary_action: 0, demotion: 0 });
  t.equal(f.ratings.total, 3);
  t.match(f.inspectionTasks, { dispatched: 3, reported: 1, reviewed: 0 });
});

t.test('a category filter keeps the units of that category', async (t) => {
  const { body } = await stats(`cycleId=${c2024.id}&category=law_enforcement`);
  const f = body.figures;
  t.equal(f.unitsTakingPart, 1);
  t.equal(f.departmentsCovered, 1);
  t.equal(f.disqualifications, 1);
  t.same(f.accountabilityActions, { interview: 1, notice_of_criticism: 0, disciplinary_action: 0, demotion: 0 }, 'a department has no category');
  t.equal(f.followUps.total, 1);
});

t.test('a range of two cycles adds them up, counting each unit once', async (t) => {
  const byYears = await stats('fromYear=2023&toYear=2024');
  t.equal(byYears.res.statusCode, 200);
  t.same(
    byYears.body.scope.cycles.map((c) => c.year),
    [2023, 2024],
  );
  const f = byYears.body.figures;
  t.equal(f.unitsTakingPart, 4);
  t.equal(f.disqualifications, 1);
  t.same(f.awards.byStatus, { active: 1, rectification_ordered: 1, yellow_card: 1, revoked: 1 });
  t.same(f.commendations, { provincial_leading_group: 1, provincial_department: 2, other: 1 });
  t.match(f.problems, { found: 6, rectified: 2, open: 4, overdue: 2, byStatus: { open: 2, rectifying: 1, submitted: 1, verified: 2 } });
  t.equal(f.deeds, 6);
  t.same(f.inspectionRounds, { sweep: 2, targeted: 1 });
  t.match(f.inspectionTasks, { dispatched: 5, reported: 3, reviewed: 2 });
  t.equal(f.findings.total, 4);
  t.equal(f.accountabilityActions.demotion, 1);
  t.equal(f.ratings.total, 7);
  t.equal(f.complaints.total, 4);
  t.same(f.supervisors, { active: 1, total: 2 });

  const byIds = await stats(`cycleIds=${c2023.id},${c2024.id}`);
  t.same(byIds.body.figures, f, 'the same as naming both cycles');
});

t.test('a single earlier cycle sees only its own records', async (t) => {
  const { body } = await stats(`cycleId=${c2023.id}`);
  const f = body.figures;
  t.equal(f.unitsTakingPart, 2);
  t.equal(f.deeds, 2);
  t.same(f.supervisors, { active: 1, total: 1 }, 'the second supervisor’s term starts in 2024');
  t.match(f.inspectionTasks, { dispatched: 1, reported: 1, reviewed: 1 });
  t.same(f.accountabilityActions, { interview: 0, notice_of_criticism: 0, disciplinary_action: 0, demotion: 1 });
});

t.test('a department manager gets its own department’s figures', async (t) => {
  const who = { role: 'department' as const, departmentId: w.departments.forestry.id };
  const { res, body } = await stats(`cycleId=${c2024.id}`, who);
  t.equal(res.statusCode, 200);
  t.equal(body.scope.departmentId, w.departments.forestry.id);
  t.equal(body.figures.unitsTakingPart, 1);
  t.equal(body.figures.complaints.total, 1);

  const other = await stats(`cycleId=${c2024.id}&departmentId=${w.departments.tax.id}`, who);
  t.equal(other.res.statusCode, 403);
  t.equal(other.res.json().errors[0].field, 'departmentId');
});

t.test('inspectors and integrations read the published figures', async (t) => {
  for (const role of ['inspector', 'integration'] as const) {
    t.equal((await stats(`cycleId=${c2024.id}`, role)).res.statusCode, 200, role);
  }
});

t.test('units, supervisors and the public are refused', async (t) => {
  t.equal((await stats(`cycleId=${c2024.id}`, { role: 'unit', unitId: forestStation.id })).res.statusCode, 403);
  t.equal((await stats(`cycleId=${c2024.id}`, { role: 'supervisor', supervisorId: supA })).res.statusCode, 403);
  t.equal((await stats(`cycleId=${c2024.id}`, 'anonymous')).res.statusCode, 401);
  for (const who of [{ role: 'unit' as const, unitId: forestStation.id }, { role: 'supervisor' as const, supervisorId: supA }]) {
    const g = await gql(h, who, `{ statistics(cycleId: "${c2024.id}") { figures { deeds } } }`);
    t.equal(g.errors?.[0].extensions?.code, 'forbidden');
  }
  t.equal((await gql(h, 'anonymous', `{ statistics(cycleId: "${c2024.id}") { figures { deeds } } }`)).errors?.[0].extensions?.code, 'unauthorized');
});

t.test('a cycle or a year range is required', async (t) => {
  const res = await h.as('admin', { method: 'GET', url: '/api/v1/statistics' });
  t.equal(res.statusCode, 422);
  t.equal(res.json().errors[0].field, 'cycleId');
});

t.test('an unknown cycle names cycleId', async (t) => {
  const res = await h.as('admin', { method: 'GET', url: '/api/v1/statistics?cycleId=0190a000-0000-7000-8000-000000000000' });
  t.equal(res.statusCode, 422);
  t.equal(res.json().errors[0].field, 'cycleId');
  const list = await h.as('admin', { method: 'GET', url: `/api/v1/statistics?cycleIds=${c2023.id},0190a000-0000-7000-8000-000000000000` });
  t.equal(list.statusCode, 422);
  t.equal(list.json().errors[0].field, 'cycleIds');
});

t.test('malformed arguments are refused with the field named', async (t) => {
  const cases: [string, number, string][] = [
    ['cycleId=nope', 400, 'querystring.cycleId'],
    ['cycleIds=a,b', 400, 'querystring.cycleIds'],
    ['fromYear=2025&toYear=2024', 422, 'toYear'],
    [`cycleId=${c2024.id}&fromYear=2024`, 422, 'fromYear'],
    [`cycleId=${c2024.id}&regionId=0190a000-0000-7000-8000-000000000000`, 422, 'regionId'],
    [`cycleId=${c2024.id}&category=other`, 400, 'querystring.category'],
  ];
  for (const [query, status, field] of cases) {
    const res = await h.as('admin', { method: 'GET', url: `/api/v1/statistics?${query}` });
    t.equal(res.statusCode, status, query);
    t.equal(res.json().errors?.[0]?.field, field, query);
  }
});

t.test('a year range without cycles still counts records dated in it', async (t) => {
  const { res, body } = await stats('fromYear=2025');
  t.equal(res.statusCode, 200);
  t.same(body.scope.cycles, []);
  t.same(body.scope.years, [2025]);
  t.equal(body.figures.unitsTakingPart, 0);
  t.equal(body.figures.deeds, 1, 'the deed done on 1 January 2025 without a cycle');
});

const GQL = `query S($cycleId: ID, $regionId: ID) {
  statistics(cycleId: $cycleId, regionId: $regionId) {
    scope { cycles { id year } years regionId departmentId category }
    figures {
      unitsTakingPart departmentsCovered disqualifications deeds inspectionReports
      awards { byTier { code label { zhCN } count } byStatus { code count } }
      commendations { code label { zhCN } count }
      problems { found rectified open overdue byStatus { code label { zhCN } count } }
      supervisors { active total }
      inspectionRounds { code count }
      inspectionTasks { dispatched reported reviewed }
      findings { total accepted bySeverity { code count } }
      accountabilityActions { code label { zhCN en } count }
      ratings { total bad byLevel { level count } byChannel { channel label { zhCN } total byLevel { level label { zhCN } count } } }
      complaints { total substantiated overdue byStatus { code count } bySource { code count } }
      followUps { total overdue byStatus { code count } }
    }
  }
}`;

t.test('GraphQL returns the same figures as REST', async (t) => {
  const { body } = await stats(`cycleId=${c2024.id}&regionId=${w.regions.countyA.id}`);
  const g = await gql(h, 'admin', GQL, { cycleId: c2024.id, regionId: w.regions.countyA.id });
  t.same(g.errors, undefined);
  const s = g.data!.statistics as {
    scope: { regionId: string; years: number[] };
    figures: Record<string, unknown> & {
      awards: { byTier: { code: string; count: number }[]; byStatus: { code: string; count: number }[] };
      commendations: { code: string; count: number }[];
      problems: { found: number; byStatus: { code: string; count: number }[] };
      accountabilityActions: { code: string; label: { zhCN: string }; count: number }[];
      ratings: { byChannel: { channel: string; total: number; byLevel: { level: number; count: number }[] }[] };
      complaints: { total: number; bySource: { code: string; count: number }[] };
    };
  };
  const f = body.figures;
  t.equal(s.scope.regionId, w.regions.countyA.id);
  t.same(s.scope.years, [2024]);
  for (const k of ['unitsTakingPart', 'departmentsCovered', 'disqualifications', 'deeds', 'inspectionReports'] as const) t.equal(s.figures[k], f[k], k);
  t.same(s.figures.supervisors, f.supervisors);
  t.match(f.inspectionTasks, s.figures.inspectionTasks);
  t.same(Object.fromEntries(s.figures.awards.byTier.map((x) => [x.code, x.count])), f.awards.byTier);
  t.same(Object.fromEntries(s.figures.awards.byStatus.map((x) => [x.code, x.count])), f.awards.byStatus);
  t.same(Object.fromEntries(s.figures.commendations.map((x) => [x.code, x.count])), f.commendations);
  t.equal(s.figures.problems.found, f.problems.found);
  t.same(Object.fromEntries(s.figures.problems.byStatus.map((x) => [x.code, x.count])), f.problems.byStatus);
  t.same(Object.fromEntries(s.figures.accountabilityActions.map((x) => [x.code, x.count])), f.accountabilityActions);
  t.equal(s.figures.accountabilityActions.find((x) => x.code === 'interview')?.label.zhCN, '约谈');
  for (const c of s.figures.ratings.byChannel) {
    t.equal(c.total, f.ratings.byChannel[c.channel as keyof typeof f.ratings.byChannel].total, c.channel);
    t.same(Object.fromEntries(c.byLevel.map((x) => [String(x.level), x.count])), f.ratings.byChannel[c.channel as keyof typeof f.ratings.byChannel].byLevel);
  }
  t.same(Object.fromEntries(s.figures.complaints.bySource.map((x) => [x.code, x.count])), f.complaints.bySource);
});

t.test('GraphQL validates its arguments like REST', async (t) => {
  const none = await gql(h, 'admin', `{ statistics { figures { deeds } } }`);
  t.equal(none.errors?.[0].extensions?.code, 'validation_failed');
  t.equal(none.errors?.[0].extensions?.errors?.[0].field, 'cycleId');
  const range = await gql(h, 'admin', `{ statistics(cycleIds: ["${c2023.id}", "${c2024.id}"]) { figures { unitsTakingPart } } }`);
  t.same(range.errors, undefined);
  t.equal((range.data!.statistics as { figures: { unitsTakingPart: number } }).figures.unitsTakingPart, 4);
});

t.test('the number of SQL statements does not grow with the number of units', async (t) => {
  const before = await h.countQueries(() => stats(`cycleId=${c2024.id}&regionId=${w.regions.prefecture.id}`));
  t.equal(before.result.res.statusCode, 200);
  const s = h.app.services;
  for (let i = 0; i < 20; i++) {
    const u = await s.units.create(ctx, { name: `新站所 ${i}`, departmentId: w.departments.forestry.id, regionId: w.regions.countyB.id, category: 'public_service' });
    await enroll(c2024.id, u.id);
    await rating(u.id, c2024.id, 'forum', 4);
    await deed(u.id, c2024.id);
  }
  const after = await h.countQueries(() => stats(`cycleId=${c2024.id}&regionId=${w.regions.prefecture.id}`));
  t.equal(after.result.body.figures.unitsTakingPart, 23);
  t.equal(after.result.body.figures.ratings.byChannel.forum.total, 20);
  t.equal(after.queries, before.queries, `${before.queries} statements either way`);
  t.ok(before.queries <= 25, `at most one statement per figure group, outreach, suggestions, media, power list and investments, measures, reports by origin and 好差评 (cases, appeals, decision times, holds) included (${before.queries})`);
});
