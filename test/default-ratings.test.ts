import t from 'tap';
import { systemContext } from '../src/lib/principal.js';
import { DEFAULT_RATING_SOURCE } from '../src/modules/ratings/defaults.js';
import { referenceWorld } from './fixtures.js';
import { insertCriteriaSet } from './fixtures-cycles.js';
import { gql, setup } from './helper.js';

// 默认评价 after 15 calendar days, at level 4 (满意), through the window's rating device.
const h = await setup(t, { config: { DEFAULT_RATING_DAYS: 15, DEFAULT_RATING_LEVEL: 4, DEFAULT_RATING_CHANNEL: 'window_device' } });
const w = await referenceWorld(h);
const s = h.app.services;
const ctx = systemContext('test');
const { forestStation, forestPolice } = w.units;
const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY);

// A cycle in assessment since 60 days ago, P the only component, no prior and no minimum sample: P decides the rank.
const cycle = await s.cycles.create(ctx, {
  name: '好差评周期',
  year: 2026,
  settings: { minimumSamples: { ratings: 0, scorecards: 0, inspectionReports: 0 }, scoring: { priorWeight: 0 } } as never,
});
for (const u of [forestStation, forestPolice]) await s.enrollments.enroll(ctx, cycle.id, u.id);
const c = await s.cycles.transition(ctx, cycle.id, cycle.version, 'enrollment');
await insertCriteriaSet(h, cycle.id, 'law_enforcement');
await s.cycles.transition(ctx, cycle.id, c.version, 'assessment');
await h.sql(`update cycles set phase_entered_at = jsonb_set(phase_entered_at, '{assessment}', to_jsonb($2::text)) where id = $1`, [cycle.id, daysAgo(60).toISOString()]);

const item = await s.serviceItems.create(ctx, { departmentId: w.departments.forestry.id, code: 'LY-DR', name: '林木采伐许可证核发', promisedDays: 5, modes: ['time_limited'] });
await s.serviceItems.setUnits(ctx, item.id, [forestStation.id, forestPolice.id]);
let n = 0;
/** A case received `received` days ago, completed `completed` days ago (or left accepted when null). */
async function caseOf(unitId: string, received: number, completed: number | null) {
  const k = await s.cases.create(ctx, { source: 'zwfw_dr', caseNumber: `DR-${++n}`, itemId: item.id, unitId, receivedAt: daysAgo(received).toISOString() });
  const a = await s.cases.move(ctx, k.id, 'accepted', { at: daysAgo(received - 0.5).toISOString() });
  return completed === null ? a : s.cases.move(ctx, k.id, 'completed', { at: daysAgo(completed).toISOString() });
}
const ratingsOf = (caseId: string) => h.sql<{ level: number; is_default: boolean; channel: string; source: string; cycle_id: string | null }>('select level, is_default, channel, source, cycle_id from ratings where case_id = $1', [caseId]);

// Station: 4 cases due (completed 20–30 days ago), one completed 5 days ago (not yet due), one still open, one rated.
const due = [await caseOf(forestStation.id, 31, 30), await caseOf(forestStation.id, 26, 25), await caseOf(forestStation.id, 23, 22), await caseOf(forestStation.id, 21, 20)];
const recent = await caseOf(forestStation.id, 6, 5);
const open = await caseOf(forestStation.id, 3, null);
const rated = await caseOf(forestStation.id, 29, 28);
await s.ratings.submit(ctx, { source: 'zwfw_dr', externalId: 'r-rated', unitId: forestStation.id, channel: 'window_device', level: 3, caseId: rated.id, collectedAt: daysAgo(27).toISOString() });
// Two more real ratings of the station at 3 (50 points), not case-bound; the police: 4, 3 and 3 (58.33).
for (const [i, level] of [3, 3].entries()) await s.ratings.submit(ctx, { source: 'zwfw_dr', externalId: `st-${i}`, unitId: forestStation.id, channel: 'window_device', level, cycleId: cycle.id });
for (const [i, level] of [4, 3, 3].entries()) await s.ratings.submit(ctx, { source: 'zwfw_dr', externalId: `po-${i}`, unitId: forestPolice.id, channel: 'window_device', level, cycleId: cycle.id });

t.test('a completed case left unrated past DEFAULT_RATING_DAYS gets one default rating, in one statement per batch', async (t) => {
  const { result: run, queries } = await h.countQueries(() => s.defaultRatings.run(ctx));
  t.match(run, { given: 4, days: 15, level: 4, channel: 'window_device', batches: 1 });
  t.ok(queries <= 3, `${queries} statements for the batch: read the due cases, insert the ratings with their audit entries`);
  for (const k of due) {
    const rows = await ratingsOf(k.id);
    t.equal(rows.length, 1);
    t.match(rows[0], { level: 4, is_default: true, channel: 'window_device', source: DEFAULT_RATING_SOURCE, cycle_id: cycle.id }, 'attributed to the cycle its completion fell in');
  }
  t.same(await ratingsOf(recent.id), [], 'completed 5 days ago: the applicant may still rate');
  t.same(await ratingsOf(open.id), [], 'not completed: nothing to rate');
  t.same((await ratingsOf(rated.id)).map((r) => [r.level, r.is_default]), [[3, false]], 'a rated case keeps its one rating');
  const audit = await h.sql<{ actor: string; entity_id: string; after: { default: boolean; caseId: string } }>(`select actor, entity_id, after from audit_log where action = 'rating.defaulted' order by entity_id`);
  t.equal(audit.length, 4, 'one audit entry per default rating');
  t.ok(audit.every((a) => a.actor === 'system' && a.after.default === true));
  const listed = await h.as('admin', { method: 'GET', url: `/api/v1/ratings?unitId=${forestStation.id}&limit=100` });
  t.equal(listed.json().items.filter((r: { default: boolean }) => r.default).length, 4, 'the rating shows `default: true`');
});

t.test('the job is idempotent: a second run gives nothing, and the audit chain still verifies', async (t) => {
  t.match(await s.defaultRatings.run(ctx), { given: 0 });
  t.equal((await h.sql(`select 1 from ratings where is_default`)).length, 4);
  const v = await s.audit.verify();
  t.equal(v.valid, true, JSON.stringify(v.firstBroken));
});

t.test('only the office runs it by hand, over REST and GraphQL', async (t) => {
  const url = '/api/v1/cases/default-ratings/runs';
  const ok = await h.as('admin', { method: 'POST', url });
  t.equal(ok.statusCode, 200, ok.body);
  t.match(ok.json(), { given: 0, days: 15, level: 4 });
  const others = ['inspector', 'integration', { role: 'department' as const, departmentId: w.departments.forestry.id }, { role: 'unit' as const, unitId: forestStation.id }] as const;
  for (const who of others) t.equal((await h.as(who, { method: 'POST', url })).statusCode, 403, JSON.stringify(who));
  t.equal((await h.as('anonymous', { method: 'POST', url })).statusCode, 401);
  const g = await gql(h, 'admin', 'mutation { runDefaultRatings { given days level channel batches } }');
  t.same(g.data, { runDefaultRatings: { given: 0, days: 15, level: 4, channel: 'window_device', batches: 0 } });
  const denied = await gql(h, 'inspector', 'mutation { runDefaultRatings { given } }');
  t.equal(denied.errors?.[0].extensions?.code, 'forbidden');
});

t.test('a real rating given after the default replaces it; the case still has one rating', async (t) => {
  const k = due[0];
  const r = await h.as('integration', {
    method: 'POST',
    url: '/api/v1/ratings',
    payload: { source: 'zwfw_dr', externalId: 'late-1', unitId: forestStation.id, channel: 'window_device', level: 3, caseId: k.id },
  });
  t.equal(r.statusCode, 201, r.body);
  t.same((await ratingsOf(k.id)).map((x) => [x.level, x.is_default]), [[3, false]]);
  t.equal((await h.sql(`select 1 from audit_log where action = 'rating.default_replaced'`)).length, 1, 'the removal of the default is audited');
  const again = await h.as('integration', {
    method: 'POST',
    url: '/api/v1/ratings',
    payload: { source: 'zwfw_dr', externalId: 'late-2', unitId: forestStation.id, channel: 'window_device', level: 1, caseId: k.id },
  });
  t.equal(again.statusCode, 409);
  t.equal(again.json().code, 'case_already_rated', 'a real rating is never replaced');
  t.match(await s.defaultRatings.run(ctx), { given: 0 }, 'the replaced default does not come back');
});

t.test('defaultsCountTowardP decides whether defaults enter P, and the explanation says how many', async (t) => {
  // The station now has four real ratings at 3 (50 points; two case-bound) and 3 defaults at 4 (75 points); the police
  // 4, 3, 3 → 58.33. Without the defaults the police leads; with them the station does: (4·50 + 3·75) / 7 = 60.71.
  const off = await s.rankings.compute(ctx, cycle.id);
  const offStation = await s.rankings.explanation(ctx, off.id, forestStation.id);
  t.match(offStation, { rank: 2, publicSatisfaction: { ratings: 4, rawMean: 50, value: 50, defaultRatings: { counted: false, included: 0, excluded: 3 } } });
  t.match(await s.rankings.explanation(ctx, off.id, forestPolice.id), { rank: 1, publicSatisfaction: { ratings: 3, rawMean: 58.33 } });
  t.ok(offStation.notes.some((x) => x.includes('默认评价') && x.includes('3 left out')));

  await h.sql(`update cycles set settings = jsonb_set(settings, '{scoring}', coalesce(settings -> 'scoring', '{}') || '{"defaultsCountTowardP": true}') where id = $1`, [cycle.id]);
  const on = await s.rankings.compute(ctx, cycle.id);
  const onStation = await s.rankings.explanation(ctx, on.id, forestStation.id);
  t.match(onStation.publicSatisfaction, { ratings: 7, rawMean: 60.71, value: 60.71, defaultRatings: { counted: true, included: 3, excluded: 0 } });
  t.ok(onStation.notes.some((x) => x.includes('默认评价') && x.includes('3 included')));
  t.equal(onStation.rank, 1, 'with its defaults counted the station ranks first');
  const police = await s.rankings.explanation(ctx, on.id, forestPolice.id);
  t.match(police, { rank: 2, publicSatisfaction: { ratings: 3, rawMean: 58.33, defaultRatings: { counted: true, included: 0, excluded: 0 } } });
});
