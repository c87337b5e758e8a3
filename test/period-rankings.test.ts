import t from 'tap';
import type { RankingDto } from '../src/modules/rankings/schemas.js';
import { systemContext } from '../src/lib/principal.js';
import { rankingQueries } from '../src/modules/rankings/queries.js';
import { cycleInPhase } from './fixtures-cycles.js';
import { referenceWorld } from './fixtures.js';
import { gql, setup } from './helper.js';

/*
 * 分期排名 and the N-for-K rule. A cycle ranked monthly, with ratings collected month by month (Asia/Shanghai):
 *
 * | unit (category) | 2024-01 | 2024-02 | 2024-03 | 2024-04 |
 * |---|---|---|---|---|
 * | forestStation (law_enforcement) | 5×5 | 5×5 | 5×5 | 5×5 |
 * | forestPolice (law_enforcement) | 5×2 | 5×2 | 5×2 | 10×5 |
 * | taxHallA (public_service) | 5×1 | 2×1 (under 3: insufficient) | — | — |
 * | taxHallB (public_service) | 5×4 | 5×4 | — | — |
 *
 * Rule: bottom 1 in 3 consecutive period rankings → 约谈. forestPolice is at the bottom in January, February and March.
 */
const h = await setup(t);
const w = await referenceWorld(h);
const u = w.units;
const cycle = await cycleInPhase(h, 'assessment', [u.forestStation.id, u.forestPolice.id, u.taxHallA.id, u.taxHallB.id], '2024年度创建（按月排名）');
const settings = {
  periods: 'monthly',
  minimumSamples: { ratings: 3, scorecards: 0, inspectionReports: 0 },
  accountability: { dueRule: { bottomN: 1, consecutivePeriods: 3, actionType: 'interview' } },
};
// Settings are frozen after enrollment; the fixture sets them in the row (the cycles module's rules are not under test).
await h.sql(`update cycles set settings = settings || $2::jsonb where id = $1`, [cycle.id, JSON.stringify(settings)]);

async function ratings(unitId: string, level: number, count: number, at: string) {
  await h.sql(
    `insert into ratings (id, unit_id, cycle_id, channel, level, collected_at, source, submitted_by)
     select gen_random_uuid(), $1, $2, 'questionnaire', $3, $5::timestamptz + make_interval(mins => n), 'fixtures', 'fixtures' from generate_series(1, $4) n`,
    [unitId, cycle.id, level, count, at],
  );
}
for (const month of ['01', '02', '03', '04']) await ratings(u.forestStation.id, 5, 5, `2024-${month}-10T09:00:00+08:00`);
for (const month of ['01', '02', '03']) await ratings(u.forestPolice.id, 2, 5, `2024-${month}-10T09:00:00+08:00`);
await ratings(u.forestPolice.id, 5, 10, '2024-04-10T09:00:00+08:00');
await ratings(u.taxHallA.id, 1, 5, '2024-01-10T09:00:00+08:00');
await ratings(u.taxHallA.id, 1, 2, '2024-02-10T09:00:00+08:00');
await ratings(u.taxHallB.id, 4, 5, '2024-01-10T09:00:00+08:00');
await ratings(u.taxHallB.id, 4, 5, '2024-02-10T09:00:00+08:00');
// On the boundary: 2024-04-01 00:00 local belongs to April, 23:59 on 31 March to March.
await ratings(u.forestStation.id, 5, 1, '2024-03-31T23:58:00+08:00');

// 随机暗访: a reviewed walk-in in a round of the cycle (March), one not reviewed, and one outside any round (now).
const [{ id: supervisorId }] = await h.sql<{ id: string }>(
  `insert into supervisors (id, name, affiliation, sector, term_start) values (gen_random_uuid(), '监督员', '州政协', 'citizen', '2020-01-01') returning id`,
);
const [{ id: roundId }] = await h.sql<{ id: string }>(
  `insert into inspection_rounds (id, name, cycle_id, kind, starts_at, ends_at, seed, status)
   values (gen_random_uuid(), '三月暗访', $1, 'sweep', '2024-03-01T00:00:00+08:00', '2024-03-31T00:00:00+08:00', 1, 'generated') returning id`,
  [cycle.id],
);
const walkIn = (round: string | null, visitedAt: string, reviewed: boolean) =>
  h.sql(
    `insert into inspection_reports (id, origin, task_id, supervisor_id, round_id, unit_id, visited_at, attitude, efficiency, quality, environment, discipline, reviewed_at)
     values (gen_random_uuid(), 'walk_in', null, $1, $2, $3, $4::timestamptz, 4, 4, 4, 4, 4, $5::timestamptz)`,
    [supervisorId, round, u.forestStation.id, visitedAt, reviewed ? visitedAt : null],
  );
await walkIn(roundId, '2024-03-12T10:00:00+08:00', true);
await walkIn(roundId, '2024-03-13T10:00:00+08:00', false);
await walkIn(null, new Date().toISOString(), true);

const api = (path: string) => `/api/v1${path}`;
async function computePeriod(period: string): Promise<RankingDto> {
  const r = await h.as('admin', { method: 'POST', url: api(`/cycles/${cycle.id}/period-rankings`), payload: { period } });
  if (r.statusCode !== 201) throw new Error(r.body);
  return r.json();
}
async function publish(id: string, reason?: string): Promise<RankingDto> {
  const r = await h.as('admin', { method: 'POST', url: api(`/rankings/${id}/publish`), payload: reason ? { reason } : {} });
  if (r.statusCode !== 200) throw new Error(r.body);
  return r.json();
}
const entriesOf = async (id: string) => (await h.as('admin', { method: 'GET', url: api(`/rankings/${id}/entries?limit=200`) })).json().items as { unitId: string; rank: number | null; flags: string[]; samples: { ratings: number; inspectionReports: number } }[];
const due = async () => {
  const r = await h.as('admin', { method: 'GET', url: api(`/accountability/due?cycleId=${cycle.id}`) });
  t.equal(r.statusCode, 200, r.body);
  return r.json() as { rule: unknown; periodRankings: number; items: { unitId: string; rankings: { rankingId: string; period: string; rank: number; rankedUnits: number }[]; action: Record<string, unknown> }[] };
};

const march = await computePeriod('2024-03');

t.test('a period ranking counts the ratings collected in its month (TIME_ZONE days) and says which period it is', async (t) => {
  t.same(march.period, {
    kind: 'month',
    key: '2024-03',
    label: { zhCN: '2024年3月', en: 'March 2024' },
    startsAt: '2024-02-29T16:00:00.000Z',
    endsAt: '2024-03-31T16:00:00.000Z',
  });
  t.equal(march.inputCounts.ratings, 11, '5 + 1 on the boundary for the station, 5 for the police; none of other months');
  const e = Object.fromEntries((await entriesOf(march.id)).map((x) => [x.unitId, x]));
  t.equal(e[u.forestStation.id].samples.ratings, 6);
  t.equal(e[u.forestPolice.id].rank, 2);
  t.same(e[u.taxHallA.id].flags, ['insufficient_sample'], 'no ratings in March');
});

t.test('walk-in visits (随机暗访) count in the mystery-shopper input once reviewed, by when they were made', async (t) => {
  t.equal(march.inputCounts.reports, 1, 'the reviewed walk-in of March; the unreviewed one is not counted');
  const station = (await entriesOf(march.id)).find((x) => x.unitId === u.forestStation.id)!;
  t.equal(station.samples.inspectionReports, 1);
  const whole = await h.as('admin', { method: 'POST', url: api(`/cycles/${cycle.id}/rankings`) });
  t.equal(whole.statusCode, 201, whole.body);
  t.equal(whole.json().inputCounts.reports, 2, 'the whole cycle: the round’s walk-in and the one outside any round made in the assessment window');
  t.equal(whole.json().period, null);
  const april = await computePeriod('2024-04');
  t.equal(april.inputCounts.reports, 0);
  t.equal(april.inputCounts.ratings, 15);
});

t.test('the period must fit the cycle’s setting and have begun; only the office computes', async (t) => {
  const field = async (payload: Record<string, unknown>, status = 422) => {
    const r = await h.as('admin', { method: 'POST', url: api(`/cycles/${cycle.id}/period-rankings`), payload });
    t.equal(r.statusCode, status, r.body);
    return r.json().errors?.[0]?.field;
  };
  t.equal(await field({ period: '2024-Q1' }), 'period', 'a quarter on a monthly cycle');
  t.equal(await field({ period: '2999-01' }), 'period', 'not begun');
  await field({ period: '2024-13' }, 400);
  await field({}, 400);
  const plain = await cycleInPhase(h, 'assessment', [u.taxAudit.id], '不分期');
  const r = await h.as('admin', { method: 'POST', url: api(`/cycles/${plain.id}/period-rankings`), payload: { period: '2024-01' } });
  t.equal(r.statusCode, 422);
  t.equal(r.json().errors[0].field, 'period', 'a cycle with periods none');
  for (const who of ['inspector', 'integration'] as const) {
    t.equal((await h.as(who, { method: 'POST', url: api(`/cycles/${cycle.id}/period-rankings`), payload: { period: '2024-01' } })).statusCode, 403, who);
  }
  t.equal((await h.as('anonymous', { method: 'POST', url: api(`/cycles/${cycle.id}/period-rankings`), payload: { period: '2024-01' } })).statusCode, 401);
});

t.test('the bottom list marks units with too few ratings apart instead of naming them worst', async (t) => {
  const feb = await computePeriod('2024-02');
  const r = await h.as('admin', { method: 'GET', url: api(`/rankings/${feb.id}/bottom?category=public_service`) });
  t.equal(r.statusCode, 200, r.body);
  const [band] = r.json().categories;
  t.same(band.entries.map((e: { unitId: string }) => e.unitId), [u.taxHallB.id], 'the only ranked unit');
  t.same(band.insufficientSample.map((e: { unitId: string }) => e.unitId), [u.taxHallA.id], '2 ratings: marked, not worst');
});

t.test('N-for-K: bottom 1 in 3 consecutive published months makes a unit due an interview; a gap breaks the streak', async (t) => {
  t.same((await due()).items, [], 'nothing published yet');
  const jan = await publish((await computePeriod('2024-01')).id);
  const mar = await publish(march.id);
  await publish((await computePeriod('2024-04')).id);
  t.equal(jan.publicationVersion, 1);
  t.equal(mar.publicationVersion, 1, 'each period has its own versions');
  const gap = await due();
  t.equal(gap.periodRankings, 3);
  t.same(gap.items, [], 'February is not published: January and March are not consecutive');

  const feb1 = await publish((await computePeriod('2024-02')).id);
  const feb2 = await publish((await computePeriod('2024-02')).id, '复核更正');
  t.equal(feb2.publicationVersion, 2, 'a correction of February');
  t.equal(feb2.supersedes, feb1.id);

  const list = await due();
  t.same(list.rule, { bottomN: 1, consecutivePeriods: 3, actionType: 'interview' });
  t.equal(list.items.length, 1, JSON.stringify(list.items));
  const [item] = list.items;
  t.equal(item.unitId, u.forestPolice.id);
  t.same(item.rankings.map((r) => [r.period, r.rankingId, r.rank, r.rankedUnits]), [
    ['2024-01', jan.id, 2, 2],
    ['2024-02', feb2.id, 2, 2],
    ['2024-03', mar.id, 2, 2],
  ]);
  t.same(item.action, {
    type: 'interview',
    target: { kind: 'unit', unitId: u.forestPolice.id },
    cause: { type: 'ranking_entry', id: mar.id, unitId: u.forestPolice.id },
    relatedCauses: [
      { type: 'ranking_entry', id: jan.id, unitId: u.forestPolice.id },
      { type: 'ranking_entry', id: feb2.id, unitId: u.forestPolice.id },
    ],
  });

  // 两级办公室: the same prefecture-wide streaks, the due units of the county office's region only.
  const countyDue = async (regionId: string) => {
    const r = await h.as({ role: 'admin', subject: 'county-office', regionId }, { method: 'GET', url: api(`/accountability/due?cycleId=${cycle.id}`) });
    t.equal(r.statusCode, 200, r.body);
    return (r.json().items as { unitId: string }[]).map((i) => i.unitId);
  };
  t.same(await countyDue(w.regions.countyA.id), [u.forestPolice.id], 'the county of the police station sees it due');
  t.same(await countyDue(w.regions.countyB.id), [], 'another county does not');
  t.same(await countyDue(w.regions.townA.id), [], 'nor a township of the same county that is not the unit’s');
  const gq = `{ accountabilityDue(cycleId: "${cycle.id}") { periodRankings items { unitId } } }`;
  const inA = await gql(h, { role: 'admin', regionId: w.regions.countyA.id }, gq);
  t.same(inA.data?.accountabilityDue, { periodRankings: 4, items: [{ unitId: u.forestPolice.id }] }, 'GraphQL: the same for the county');
  const inB = await gql(h, { role: 'admin', regionId: w.regions.countyB.id }, gq);
  t.same(inB.data?.accountabilityDue, { periodRankings: 4, items: [] });
  const countyInspector = await h.as({ role: 'inspector', regionId: w.regions.countyA.id }, { method: 'GET', url: api(`/accountability/due?cycleId=${cycle.id}`) });
  t.equal(countyInspector.statusCode, 403, 'an inspector, county or not, is refused');

  // The office opens the action with one call citing them; the unit is then no longer due.
  const opened = await h.as('admin', { method: 'POST', url: api('/accountability-actions'), payload: { ...item.action, reason: '连续三个月排名靠后，约谈负责人', decidedAt: '2024-04-15T09:00:00+08:00' } });
  t.equal(opened.statusCode, 201, opened.body);
  t.same(opened.json().cause, item.action.cause);
  t.same(opened.json().relatedCauses, item.action.relatedCauses);
  t.same((await due()).items, []);
});

t.test('period rankings are listed apart from the whole-cycle ones and never used for naming', async (t) => {
  const list = async (q: string) => (await h.as('admin', { method: 'GET', url: api(`/cycles/${cycle.id}/rankings?limit=100&${q}`) })).json().items as RankingDto[];
  t.ok((await list('scope=cycle')).every((r) => r.period === null));
  t.ok((await list('scope=periods')).every((r) => r.period !== null));
  t.same(new Set((await list('period=2024-02')).map((r) => r.period?.key)), new Set(['2024-02']));
  const current = await h.as('anonymous', { method: 'GET', url: api(`/public/cycles/${cycle.id}/rankings/current`) });
  t.equal(current.statusCode, 404, 'only period rankings are published: the cycle has no current (whole-cycle) ranking');
  const nominate = await h.app.services.rankings.list(systemContext('t'), cycle.id, { limit: 100 }, { scope: 'periods' });
  const published = nominate.items.find((r) => r.status === 'published')!;
  t.equal((await h.app.services.db.transaction(async (tx) => rankingQueries.hasPublished(tx, cycle.id))), false, 'naming’s precondition ignores period rankings');
  t.ok(published);
});

t.test('GraphQL computes a period ranking and lists the due units as REST does; only the office', async (t) => {
  const m = await gql(h, 'admin', `mutation { computePeriodRanking(cycleId: "${cycle.id}", period: "2024-01") { id period { kind key label { zhCN } } inputCounts { ratings } } }`);
  t.same(m.errors, undefined);
  t.match(m.data!.computePeriodRanking, { period: { kind: 'month', key: '2024-01', label: { zhCN: '2024年1月' } }, inputCounts: { ratings: 20 } });
  const bad = await gql(h, 'admin', `mutation { computePeriodRanking(cycleId: "${cycle.id}", period: "2024-Q1") { id } }`);
  t.equal(bad.errors?.[0].extensions?.errors?.[0].field, 'period');
  const q = `{ accountabilityDue(cycleId: "${cycle.id}") { rule { bottomN consecutivePeriods actionType } periodRankings items { unitId } } }`;
  const g = await gql(h, 'admin', q);
  t.same(g.errors, undefined);
  t.same(g.data!.accountabilityDue, { rule: { bottomN: 1, consecutivePeriods: 3, actionType: 'interview' }, periodRankings: 4, items: [] });
  const denied = await gql(h, { role: 'department', departmentId: w.departments.forestry.id }, q);
  t.equal(denied.errors?.[0].extensions?.code, 'forbidden');
  t.equal((await h.as('inspector', { method: 'GET', url: api(`/accountability/due?cycleId=${cycle.id}`) })).statusCode, 403);
  const missing = await h.as('admin', { method: 'GET', url: api('/accountability/due?cycleId=0190a000-0000-7000-8000-000000000000') });
  t.equal(missing.statusCode, 404);
});
