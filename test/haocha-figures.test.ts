import t from 'tap';
import { systemContext } from '../src/lib/principal.js';
import { referenceWorld } from './fixtures.js';
import { gql, setup } from './helper.js';

// 好差评 figures on a small fixture seeded in SQL (the seeding is not under test), every value computed by hand below.
const h = await setup(t);
const w = await referenceWorld(h);
const s = h.app.services;
const ctx = systemContext('haocha-test');
const { forestStation, forestPolice, taxHallA } = w.units;

const cycle = await s.cycles.create(ctx, { name: '2026 年度创建', year: 2026 });
// In assessment since 2026-01-01: cases completed from then on fall in the cycle.
await h.sql(`update cycles set phase = 'assessment', phase_entered_at = '{"assessment": "2026-01-01T00:00:00Z"}'::jsonb where id = $1`, [cycle.id]);
for (const u of [forestStation, forestPolice, taxHallA]) {
  await h.sql(`insert into enrollments (id, cycle_id, unit_id, category, status) select gen_random_uuid(), $1, u.id, u.category, 'enrolled' from units u where u.id = $2`, [cycle.id, u.id]);
}
const item = await s.serviceItems.create(ctx, { departmentId: w.departments.forestry.id, code: 'HC-1', name: '好差评事项', promisedDays: 5, modes: [] });

let n = 0;
async function kase(unitId: string, state: string, closedAt: string | null, onTime: boolean | null, oneWeek: boolean | null): Promise<string> {
  const [r] = await h.sql<{ id: string }>(
    `insert into cases (id, source, case_number, item_id, unit_id, state, received_at, accepted_at, closed_at, promised_days, deadline, on_time, one_week, created_by)
     values (gen_random_uuid(), 'hc', $1, $2, $3, $4, '2025-11-01T00:00:00Z', '2025-11-01T01:00:00Z', $5, 5, '2025-11-08T00:00:00Z', $6, $7, 'test') returning id`,
    [`HC-${++n}`, item.id, unitId, state, closedAt, onTime, oneWeek],
  );
  return r.id;
}
async function rating(unitId: string, opts: { caseId?: string; isDefault?: boolean; hold?: string; at?: string } = {}) {
  await h.sql(
    `insert into ratings (id, unit_id, cycle_id, channel, level, collected_at, source, submitted_by, case_id, is_default, hold_status)
     values (gen_random_uuid(), $1, $2, 'window_device', 4, $3, 'hc', 'test', $4, $5, $6)`,
    [unitId, cycle.id, opts.at ?? '2026-10-20T00:00:00Z', opts.caseId ?? null, opts.isDefault ?? false, opts.hold ?? 'none'],
  );
}
async function appeal(kind: string, unitId: string, status: string, filedAt: string, decidedAt: string | null) {
  await h.sql(
    `insert into appeals (id, kind, subject_id, unit_id, cycle_id, appellant_role, appellant_subject, grounds, status, filed_at, deadline, decided_at)
     values (gen_random_uuid(), $1, gen_random_uuid(), $2, $3, 'unit', 'u', '理由', $4, $5, $5::timestamptz + interval '14 days', $6)`,
    [kind, unitId, cycle.id, status, filedAt, decidedAt],
  );
}

// Station (forestry): S1 on time, in a week, rated; S2 on time, default rating; S3 late, unrated; S4 on time, in a week,
// its rating rejected by the integrity review (so unrated). S1, S2 in October, S3, S4 in November.
const s1 = await kase(forestStation.id, 'completed', '2026-10-15T04:00:00Z', true, true);
const s2 = await kase(forestStation.id, 'completed', '2026-10-16T04:00:00Z', true, false);
await kase(forestStation.id, 'completed', '2026-11-10T04:00:00Z', false, false);
const s4 = await kase(forestStation.id, 'completed', '2026-11-11T04:00:00Z', true, true);
// Outside: completed before the cycle's window, and one not completed.
const before = await kase(forestStation.id, 'completed', '2025-12-01T04:00:00Z', true, true);
await kase(forestStation.id, 'accepted', null, null, null);
// Tax hall (tax): T1 on time, in a week, default rating; T2 late, rated. Both in November.
const t1 = await kase(taxHallA.id, 'completed', '2026-11-12T04:00:00Z', true, true);
const t2 = await kase(taxHallA.id, 'completed', '2026-11-13T04:00:00Z', false, false);
await rating(forestStation.id, { caseId: s1 });
await rating(forestStation.id, { caseId: s2, isDefault: true });
await rating(forestStation.id, { caseId: s4, hold: 'rejected', at: '2026-11-20T00:00:00Z' });
await rating(forestStation.id, { caseId: before });
await rating(taxHallA.id, { caseId: t1, isDefault: true, at: '2026-11-20T00:00:00Z' });
await rating(taxHallA.id, { caseId: t2, at: '2026-11-20T00:00:00Z' });
// Holds: besides S4's rejected rating, one held and two cleared (station, October).
await rating(forestStation.id, { hold: 'held' });
await rating(forestStation.id, { hold: 'cleared' });
await rating(forestStation.id, { hold: 'cleared' });
// Appeals: decided after 2, 6 and 1.5 days; one open, one withdrawn.
await appeal('rating', forestStation.id, 'upheld', '2026-10-01T00:00:00Z', '2026-10-03T00:00:00Z');
await appeal('rating', forestStation.id, 'rejected', '2026-10-05T00:00:00Z', '2026-10-11T00:00:00Z');
await appeal('complaint', taxHallA.id, 'upheld', '2026-11-01T00:00:00Z', '2026-11-02T12:00:00Z');
await appeal('scorecard_deduction', forestPolice.id, 'filed', '2026-11-03T00:00:00Z', null);
await appeal('rating', forestStation.id, 'withdrawn', '2026-11-04T00:00:00Z', null);

const figures = async (query = '') => {
  const r = await h.as('admin', { method: 'GET', url: `/api/v1/statistics?cycleId=${cycle.id}${query}` });
  t.equal(r.statusCode, 200, r.body);
  return r.json().figures.haocha;
};

t.test('主动评价率, default ratings, 限时办结率 and 一周办结率 over the cases completed in the cycle', async (t) => {
  const f = await figures();
  t.same(f.cases, {
    completed: 6,
    rated: 4,
    activeRatings: 2,
    defaultRatings: 2,
    unrated: 2,
    activeRatingRate: 0.3333,
    defaultRatingRate: 0.3333,
    onTime: 4,
    oneWeek: 3,
    onTimeRate: 0.6667,
    oneWeekRate: 0.5,
  });
  const forestry = await figures(`&departmentId=${w.departments.forestry.id}`);
  t.match(forestry.cases, { completed: 4, activeRatings: 1, defaultRatings: 1, unrated: 2, activeRatingRate: 0.25, onTimeRate: 0.75, oneWeekRate: 0.5 }, 'by department');
  const service = await figures('&category=public_service');
  t.match(service.cases, { completed: 2, activeRatings: 1, defaultRatings: 1, activeRatingRate: 0.5, onTimeRate: 0.5 }, 'by category');
});

t.test('appeals by kind and outcome, with the mean and median days to a decision', async (t) => {
  const a = (await figures()).appeals;
  t.equal(a.total, 5);
  t.match(a.byKind, { rating: 3, complaint: 1, scorecard_deduction: 1, inspection_finding: 0 });
  t.same(a.byStatus, { filed: 1, under_review: 0, upheld: 2, rejected: 1, withdrawn: 1 });
  t.match(a.byKindAndStatus.rating, { upheld: 1, rejected: 1, withdrawn: 1, filed: 0 });
  t.equal(a.upheldRate, 0.6667, '2 upheld of 3 decided');
  t.same(a.decisionTime, { decided: 3, meanDays: 3.17, medianDays: 2 }, '(2 + 6 + 1.5) / 3; the middle of 1.5, 2, 6');
  t.same(a.decisionTimeByKind.rating, { decided: 2, meanDays: 4, medianDays: 4 });
  t.same(a.decisionTimeByKind.complaint, { decided: 1, meanDays: 1.5, medianDays: 1.5 });
  t.same(a.decisionTimeByKind.disqualification, { decided: 0, meanDays: null, medianDays: null });
  const tax = (await figures(`&departmentId=${w.departments.tax.id}`)).appeals;
  t.match(tax, { total: 1, byKind: { complaint: 1 }, decisionTime: { decided: 1, meanDays: 1.5 } });
});

t.test('integrity holds by what became of them', async (t) => {
  t.same((await figures()).holds, { held: 1, cleared: 2, rejected: 1, total: 4 });
  t.same((await figures('&category=public_service')).holds, { held: 0, cleared: 0, rejected: 0, total: 0 });
});

t.test('the monthly series adds up to the totals', async (t) => {
  const m = (await figures()).monthly;
  t.same(Object.keys(m), ['2026-10', '2026-11']);
  t.same(m['2026-10'], { completedCases: 2, activeRatings: 1, defaultRatings: 1, onTime: 2, oneWeek: 1, appealsFiled: 2, appealsDecided: 2, ratingsHeld: 3 });
  t.same(m['2026-11'], { completedCases: 4, activeRatings: 1, defaultRatings: 1, onTime: 2, oneWeek: 2, appealsFiled: 3, appealsDecided: 1, ratingsHeld: 1 });
});

t.test('the same figures in GraphQL and in the CSV export', async (t) => {
  const g = await gql(
    h,
    'admin',
    `query ($c: ID!) { statistics(cycleId: $c) { figures { haocha {
      cases { completed activeRatingRate onTimeRate oneWeekRate }
      appeals { total upheldRate byStatus { code count } byKind { code label { zhCN } total decisionTime { decided meanDays medianDays } } decisionTime { medianDays } }
      holds { held cleared rejected total }
      monthly { month completedCases appealsFiled }
    } } } }`,
    { c: cycle.id },
  );
  t.notOk(g.errors, JSON.stringify(g.errors));
  const hc = (g.data as { statistics: { figures: { haocha: Record<string, unknown> } } }).statistics.figures.haocha as {
    cases: unknown;
    appeals: { byKind: { code: string; label: { zhCN: string }; total: number; decisionTime: unknown }[]; decisionTime: unknown; total: number };
    holds: unknown;
    monthly: unknown;
  };
  t.same(hc.cases, { completed: 6, activeRatingRate: 0.3333, onTimeRate: 0.6667, oneWeekRate: 0.5 });
  t.same(hc.appeals.byKind.find((k) => k.code === 'rating'), { code: 'rating', label: { zhCN: '群众差评' }, total: 3, decisionTime: { decided: 2, meanDays: 4, medianDays: 4 } });
  t.same(hc.appeals.decisionTime, { medianDays: 2 });
  t.same(hc.holds, { held: 1, cleared: 2, rejected: 1, total: 4 });
  t.same(hc.monthly, [{ month: '2026-10', completedCases: 2, appealsFiled: 2 }, { month: '2026-11', completedCases: 4, appealsFiled: 3 }]);

  const csv = await h.as('inspector', { method: 'GET', url: `/api/v1/statistics/export.csv?cycleId=${cycle.id}` });
  t.equal(csv.statusCode, 200);
  const lines = csv.body.replace(/^\uFEFF/, '').split('\r\n');
  t.ok(lines.some((l) => l.startsWith('haocha.cases.activeRatingRate,,0.3333,')));
  t.ok(lines.some((l) => l.startsWith('haocha.appeals.byKind.complaint,投诉属实认定,1,')), 'a coded figure carries its Chinese label');
  t.ok(lines.some((l) => l.startsWith('haocha.monthly.2026-11.completedCases,,4,')));
});

t.test('the public figures keep cases and appeals and suppress small counts of ratings', async (t) => {
  const r = await h.as('anonymous', { method: 'GET', url: `/api/v1/public/statistics?cycleId=${cycle.id}` });
  t.equal(r.statusCode, 200, r.body);
  const p = r.json().figures.haocha;
  t.match(p.cases, {
    completed: 6,
    onTimeRate: 0.6667,
    oneWeekRate: 0.5,
    activeRatings: { count: null, suppressed: true },
    defaultRatings: { count: null, suppressed: true },
    unrated: { count: null, suppressed: true },
    rated: { count: null, suppressed: true },
    activeRatingRate: null,
  });
  t.equal(p.appeals.total, 5, 'appeals are units’ acts: published as they are');
  t.same(p.holds.held, { count: null, suppressed: true });
  t.same(p.holds.total, { count: null, suppressed: true });
  t.same(Object.keys(p.monthly['2026-11']).sort(), ['appealsDecided', 'appealsFiled', 'completedCases', 'onTime', 'oneWeek'], 'no counts of ratings by month');
});

t.test('who reads the figures: the office, assessors, integrations, departments; not units or the public', async (t) => {
  t.equal((await h.as({ role: 'unit', unitId: forestStation.id }, { method: 'GET', url: `/api/v1/statistics?cycleId=${cycle.id}` })).statusCode, 403);
  t.equal((await h.as('anonymous', { method: 'GET', url: `/api/v1/statistics?cycleId=${cycle.id}` })).statusCode, 401);
  const dept = await h.as({ role: 'department', departmentId: w.departments.tax.id }, { method: 'GET', url: `/api/v1/statistics?cycleId=${cycle.id}` });
  t.equal(dept.statusCode, 200);
  t.match(dept.json().figures.haocha.cases, { completed: 2 }, 'a department sees its own units only');
});
