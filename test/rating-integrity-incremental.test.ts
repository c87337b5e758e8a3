import t from 'tap';
import { systemContext } from '../src/lib/principal.js';
import { cycleInPhase } from './fixtures-cycles.js';
import { referenceWorld } from './fixtures.js';
import { scoreRows } from './fixtures-scores.js';
import { gql, setup } from './helper.js';

// 评价防刷, incremental: ratings arrive in three batches, a ranking is computed after each (its scan examines only the
// ratings not yet examined, with each signal's look-back); the ratings held at the end are exactly those one full scan
// of the same ratings holds. Every signal is split across batches so that no batch alone trips it.
// The watermark overlap is 0 so that every batch is examined only by the scan after it (the look-back does the rest).
const h = await setup(t, { config: { RATING_INTEGRITY_SCAN_OVERLAP_SECONDS: 0 } });
const w = await referenceWorld(h);
const { forestStation: A, forestPolice: B, taxHallA: C } = w.units;
const ctx = systemContext('fixtures');
// One respondent across 12 units in a day (respondent_spread needs more than 10).
const spreadUnits = [B, C, w.units.taxHallB, w.units.taxAudit];
for (let i = 0; spreadUnits.length < 12; i++) spreadUnits.push(await h.app.services.units.create(ctx, { name: `分布测试单位${i}`, departmentId: w.departments.tax.id, regionId: w.regions.countyB.id, category: 'public_service' }));
const cycle = await cycleInPhase(h, 'assessment', [A.id, B.id, C.id], '2025年度创建');
const rows = scoreRows(h, cycle.id);
for (const [u, s] of [[A, 85], [B, 80], [C, 75]] as const) {
  await rows.scorecards(u.id, [s]);
  await rows.report(u.id, 4);
}

/**
 * `n` ratings collected `minutesAgo` (+ i seconds) and received now (a batch arrives now; `minutesAgo` only for the
 * baseline before the first scan) — every column a signal reads given explicitly.
 */
async function put(o: { unit: string; n: number; level: number; minutesAgo: number; receivedEarlier?: boolean; respondent?: string; ip?: string; source?: string; collectedSecond?: string; tag: string }) {
  await h.sql(
    `insert into ratings (id, unit_id, cycle_id, channel, level, collected_at, received_at, source, external_id, respondent_hash, source_ip_hash, submitted_by)
     select gen_random_uuid(), $1, $2, 'portal', $3,
            coalesce($8::timestamptz, now() - make_interval(mins => $4::int) + make_interval(secs => g)),
            case when $11::boolean then now() - make_interval(mins => $4::int) else clock_timestamp() end,
            $5, $9 || '-' || g, $6, $7, 'fixtures'
     from generate_series(1, $10::int) g`,
    [o.unit, cycle.id, o.level, o.minutesAgo, o.source ?? 'fixtures', o.respondent ?? null, o.ip ?? null, o.collectedSecond ?? null, o.tag, o.n, o.receivedEarlier ?? false],
  );
}

const compute = async () => {
  const r = await h.as('admin', { method: 'POST', url: `/api/v1/cycles/${cycle.id}/rankings` });
  if (r.statusCode !== 201) throw new Error(r.body);
  return r.json() as { id: string; inputCounts: { heldRatings: number } };
};
const explain = async (rankingId: string, unitId: string) => (await h.as('admin', { method: 'GET', url: `/api/v1/rankings/${rankingId}/entries/${unitId}/explanation` })).json();
const held = async () => (await h.sql<{ id: string; s: string[] }>(`select id, hold_signals as s from ratings where hold_status = 'held' order by id`)).map((r) => r.id);
/** The cycle's watermark lies past every rating received so far: the next scan starts after them. */
const watermarkCovers = async () =>
  (await h.sql<{ ok: boolean }>(`select (select scanned_through from rating_integrity_scans where cycle_id = $1) > (select max(received_at) from ratings where cycle_id = $1) as ok`, [cycle.id]))[0].ok;
const sameSecond = new Date(Date.now() - 50 * 60_000).toISOString().replace(/\.\d+Z$/, '.000Z');

let before: { rank: number };

t.test('three batches, a computation after each: holds grow only as the look-back completes a signal', async (t) => {
  // Batch 1: ordinary ratings; B's baseline three days ago; the first halves of the spread and same-second patterns.
  await rows.ratings(A.id, 4, 40);
  await rows.ratings(C.id, 4, 40);
  await put({ unit: B.id, n: 40, level: 5, minutesAgo: 3 * 24 * 60, receivedEarlier: true, tag: 'b-base' });
  for (const u of spreadUnits.slice(0, 6)) await put({ unit: u.id, n: 1, level: 3, minutesAgo: 30, respondent: 'spreader', tag: `s1-${u.id}` });
  await put({ unit: C.id, n: 6, level: 3, minutesAgo: 50, source: 'public', collectedSecond: sameSecond, tag: 'sec1' });
  const first = await compute();
  const e1 = await explain(first.id, A.id);
  before = { rank: e1.rank };
  t.equal(e1.publicSatisfaction.ratings, 40);
  t.same(await held(), [], 'nothing trips on batch 1 alone');
  t.ok(await watermarkCovers(), 'the computation examined every rating and moved the watermark past them');

  // Batch 2: the first 250 of 500 bad ratings from one source address aimed at A; 15 from one respondent key (under 20);
  // 6 more collected in the same second at C (12 > 10 with batch 1); B's bad ratings begin (15, under shiftMinRecent 20).
  await put({ unit: A.id, n: 250, level: 1, minutesAgo: 20, source: 'public', ip: 'one-address', tag: 'ip-a' });
  await put({ unit: C.id, n: 15, level: 1, minutesAgo: 40, respondent: 'hotline-key', tag: 'key-a' });
  await put({ unit: C.id, n: 6, level: 3, minutesAgo: 45, source: 'public', collectedSecond: sameSecond, tag: 'sec2' });
  await put({ unit: B.id, n: 15, level: 1, minutesAgo: 60, tag: 'b-bad1' });
  const second = await compute();
  t.equal(second.inputCounts.heldRatings, 262, 'the 250 of the burst and the 12 of the same second');
  t.equal((await explain(second.id, A.id)).publicSatisfaction.ratings, 40, "A's P counts none of the burst");

  // Batch 3: the other 250 of the burst; 10 more from the key (25 > 20 within the hour: batch 2's 15 are held now too);
  // the spreader's other 6 units; B's bad ratings reach 25 recent (a level shift: all 25 held, batch 2's too).
  await put({ unit: A.id, n: 250, level: 1, minutesAgo: 10, source: 'public', ip: 'one-address', tag: 'ip-b' });
  await put({ unit: C.id, n: 10, level: 1, minutesAgo: 35, respondent: 'hotline-key', tag: 'key-b' });
  for (const u of spreadUnits.slice(6)) await put({ unit: u.id, n: 1, level: 3, minutesAgo: 5, respondent: 'spreader', tag: `s2-${u.id}` });
  await put({ unit: B.id, n: 10, level: 1, minutesAgo: 55, tag: 'b-bad2' });
  const third = await compute();
  const e3 = await explain(third.id, A.id);
  t.equal(e3.rank, before.rank, 'a burst of 500 bad ratings from one source aimed at one unit does not move its rank');
  t.equal(e3.publicSatisfaction.ratings, 40, 'its P counts none of it');
  t.same(e3.heldRatings, { held: 500, rejected: 0 });
  t.equal((await held()).length, 500 + 12 + 25 + 12 + 25);

  const idle = await h.as('admin', { method: 'POST', url: '/api/v1/rating-holds/scan', payload: { cycleId: cycle.id } });
  t.equal(idle.statusCode, 200, idle.body);
  t.same(idle.json(), { held: 0, full: false, bySignal: [] }, 'nothing new: an incremental scan holds nothing');
});

t.test('the incremental holds are exactly those of one full scan of the same ratings', async (t) => {
  const incremental = await held();
  // Forget every scan: the same ratings, never examined, then one full scan.
  await h.sql(`update ratings set hold_status = 'none', hold_signals = '{}', held_at = null`);
  await h.sql(`delete from rating_integrity_scans`);
  const full = await h.as('admin', { method: 'POST', url: '/api/v1/rating-holds/scan', payload: { cycleId: cycle.id, full: true } });
  t.equal(full.statusCode, 200, full.body);
  t.equal(full.json().full, true);
  t.same(await held(), incremental, 'the same ratings held');
  const signals = Object.fromEntries((full.json().bySignal as { signal: string; held: number }[]).map((s) => [s.signal, s.held]));
  t.same(signals, { ip_burst: 500, level_shift: 25, respondent_burst: 25, respondent_spread: 12, same_second: 12 }, 'every signal took part');
  t.ok(await watermarkCovers());
});

t.test('a change of thresholds makes the next scan full; only the office may ask for a full re-scan', async (t) => {
  await h.sql(`update rating_integrity_scans set thresholds = thresholds || '{"burstMax": 5}'`);
  const again = await gql(h, 'admin', `mutation($c: ID) { scanRatingIntegrity(cycleId: $c) { held full } }`, { c: cycle.id });
  t.notOk(again.errors, JSON.stringify(again.errors));
  t.same(again.data!.scanRatingIntegrity, { held: 0, full: true }, 'full again, and a rating is held once');
  const [{ thresholds }] = await h.sql<{ thresholds: { burstMax: number } }>(`select thresholds from rating_integrity_scans where cycle_id = $1`, [cycle.id]);
  t.equal(thresholds.burstMax, 20, 'the thresholds in force are recorded');
  const inspector = await h.as('inspector', { method: 'POST', url: '/api/v1/rating-holds/scan', payload: { cycleId: cycle.id, full: true } });
  t.equal(inspector.statusCode, 403);
  const bad = await h.as('admin', { method: 'POST', url: '/api/v1/rating-holds/scan', payload: { cycleId: cycle.id, full: 'yes' } });
  t.equal(bad.statusCode, 400, bad.body);
  t.equal(bad.json().errors[0].field, 'body.full');
  const missing = '00000000-0000-7000-8000-000000000000';
  const none = await h.as('admin', { method: 'POST', url: '/api/v1/rating-holds/scan', payload: { cycleId: missing } });
  t.equal(none.statusCode, 404, none.body);
  t.match(none.headers['content-type'], /application\/problem\+json/);
  t.match(none.json().detail, missing, 'the problem names the cycle');
  t.same(await h.sql(`select cycle_id from rating_integrity_scans where cycle_id = $1`, [missing]), [], 'no watermark for a cycle that does not exist');
});
