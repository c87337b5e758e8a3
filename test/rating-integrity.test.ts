import t from 'tap';
import { cycleInPhase } from './fixtures-cycles.js';
import { referenceWorld } from './fixtures.js';
import { scoreRows } from './fixtures-scores.js';
import { gql, setup } from './helper.js';

// Public ratings from one address: the route's own per-IP limit is raised so the integrity signal is what is tested.
const h = await setup(t, { config: { RATE_LIMIT_PUBLIC_RATINGS_PER_MINUTE: 1000 } });
const w = await referenceWorld(h);
const { forestStation: A, forestPolice: B, taxHallA: C } = w.units;
const cycle = await cycleInPhase(h, 'assessment', [A.id, B.id, C.id], '2025年度创建');
const rows = scoreRows(h, cycle.id);
await rows.scorecards(A.id, [85]);
await rows.scorecards(B.id, [80]);
await rows.scorecards(C.id, [75]);
await rows.report(A.id, 4);
await rows.report(B.id, 4);
await rows.report(C.id, 4);
await rows.ratings(A.id, 4, 40);
await rows.ratings(B.id, 4, 40);
// C's baseline: 40 very satisfied ratings three days ago.
await h.sql(
  `insert into ratings (id, unit_id, cycle_id, channel, level, collected_at, received_at, source, submitted_by)
   select gen_random_uuid(), $1, $2, 'questionnaire', 5, now() - interval '3 days', now() - interval '3 days', 'fixtures', 'fixtures' from generate_series(1, 40)`,
  [C.id, cycle.id],
);

const compute = async () => {
  const r = await h.as('admin', { method: 'POST', url: `/api/v1/cycles/${cycle.id}/rankings` });
  if (r.statusCode !== 201) throw new Error(r.body);
  return r.json() as { id: string; inputCounts: { ratings: number; heldRatings: number } };
};
const explain = async (rankingId: string, unitId: string) => (await h.as('admin', { method: 'GET', url: `/api/v1/rankings/${rankingId}/entries/${unitId}/explanation` })).json();
const heldOf = async (unitId: string, status = 'held') =>
  Number((await h.sql<{ n: string }>(`select count(*) as n from ratings where unit_id = $1 and hold_status = $2`, [unitId, status]))[0].n);

/** `n` ratings through the integration route, all from one respondent key (a hotline account), level 1. */
async function burst(unitId: string, n: number, key: string) {
  for (let i = 0; i < n; i += 25) {
    const batch = Array.from({ length: Math.min(25, n - i) }, (_, j) =>
      h.as('integration', {
        method: 'POST',
        url: '/api/v1/ratings',
        payload: { unitId, channel: 'hotline', level: 1, source: 'hotline-sync', externalId: `${key}-${i + j}`, respondentKey: key, cycleId: cycle.id },
      }),
    );
    for (const res of await Promise.all(batch)) if (res.statusCode !== 201) throw new Error(res.body);
  }
}

let before: { rank: number | null; score: number };
let afterBurst: string;

t.test('a burst of 500 bad ratings from one source aimed at one unit does not move its rank; the ratings are held, not dropped', async (t) => {
  const first = await compute();
  const e1 = await explain(first.id, A.id);
  before = { rank: e1.rank, score: e1.score };
  t.equal(e1.rank, 1);
  t.same(e1.heldRatings, { held: 0, rejected: 0 });

  await burst(A.id, 500, '13800138000');
  const second = await compute();
  afterBurst = second.id;
  const e2 = await explain(second.id, A.id);
  t.equal(e2.rank, before.rank, 'same rank');
  t.equal(e2.score, before.score, 'same score');
  t.equal(e2.publicSatisfaction.ratings, 40, 'P counts none of the burst');
  t.same(e2.heldRatings, { held: 500, rejected: 0 }, 'the explanation shows the held ratings');
  t.equal(second.inputCounts.heldRatings, 500);
  const stored = await h.sql<{ n: string }>(`select count(*) as n from ratings where unit_id = $1`, [A.id]);
  t.equal(Number(stored[0].n), 540, 'every rating is kept');
  t.equal(await heldOf(A.id), 500);
  const [signals] = await h.sql<{ s: string[] }>(`select array_agg(distinct s) as s from ratings, unnest(hold_signals) s where unit_id = $1`, [A.id]);
  t.ok(signals.s.includes('respondent_burst'));
  const audited = await h.sql<{ n: string }>(`select count(*) as n from audit_log where action = 'rating.held' and entity_id in (select id::text from ratings where unit_id = $1)`, [A.id]);
  t.equal(Number(audited[0].n), 500, 'each hold is audited');
});

t.test('the office lists held ratings by unit and signal, a page at a time', async (t) => {
  const page = await h.as('admin', { method: 'GET', url: `/api/v1/rating-holds?unitId=${A.id}&signal=respondent_burst&limit=200` });
  t.equal(page.statusCode, 200, page.body);
  t.equal(page.json().items.length, 200);
  t.ok(page.json().nextCursor);
  const item = page.json().items[0];
  t.equal(item.holdStatus, 'held');
  t.equal(item.unitId, A.id);
  t.ok(item.signals.includes('respondent_burst'));
  const none = await h.as('admin', { method: 'GET', url: `/api/v1/rating-holds?unitId=${B.id}` });
  t.same(none.json().items, []);
  for (const who of ['unit', 'department', 'integration', 'anonymous'] as const) {
    const res = await h.as(who === 'unit' ? { role: 'unit', unitId: A.id } : who === 'department' ? { role: 'department', departmentId: w.departments.forestry.id } : who, {
      method: 'GET',
      url: '/api/v1/rating-holds',
    });
    t.ok([401, 403].includes(res.statusCode), `${who}: ${res.statusCode}`);
  }
  const gq = await gql(h, 'inspector', `query($u: ID!) { ratingHolds(unitId: $u, limit: 2) { items { ratingId signals holdStatus } nextCursor } }`, { u: A.id });
  t.notOk(gq.errors, JSON.stringify(gq.errors));
  t.equal((gq.data!.ratingHolds as { items: unknown[] }).items.length, 2);
});

t.test('a burst from one client address through the public route is held (the address is kept only as an HMAC)', async (t) => {
  for (let i = 0; i < 25; i++) {
    const res = await h.as('anonymous', { method: 'POST', url: '/api/v1/public/ratings', payload: { unitId: B.id, channel: 'portal', level: 1, respondentKey: `1390000${String(i).padStart(4, '0')}` } });
    t.equal(res.statusCode, 201, res.body);
  }
  const scan = await h.as('admin', { method: 'POST', url: '/api/v1/rating-holds/scan', payload: {} });
  t.equal(scan.statusCode, 200, scan.body);
  t.equal(scan.json().held, 25);
  t.equal(scan.json().bySignal.find((s: { signal: string }) => s.signal === 'ip_burst')?.held, 25);
  const [r] = await h.sql<{ h: string }>(`select source_ip_hash as h from ratings where unit_id = $1 and source = 'public' limit 1`, [B.id]);
  t.match(r.h, /^[0-9a-f]{64}$/);
  t.notMatch(r.h, /127\.0\.0\.1/);
  const again = await h.as('admin', { method: 'POST', url: '/api/v1/rating-holds/scan', payload: {} });
  t.equal(again.json().held, 0, 'a rating is held once');
  const relayed = await h.as('integration', { method: 'POST', url: '/api/v1/public/ratings', payload: { unitId: C.id, channel: 'portal', level: 5, respondentKey: '13700000000' } });
  t.equal(relayed.statusCode, 201, relayed.body);
  const [k] = await h.sql<{ h: string | null }>(`select source_ip_hash as h from ratings where id = $1`, [relayed.json().id]);
  t.equal(k.h, null, "a front end's integration relays everyone from one address: its address is not kept");
});

t.test("a sudden shift in a unit's level mix holds the new bad ratings", async (t) => {
  await h.sql(
    `insert into ratings (id, unit_id, cycle_id, channel, level, collected_at, source, submitted_by)
     select gen_random_uuid(), $1, $2, 'questionnaire', 1, now(), 'fixtures', 'fixtures' from generate_series(1, 25)`,
    [C.id, cycle.id],
  );
  const scan = await h.as('admin', { method: 'POST', url: '/api/v1/rating-holds/scan', payload: { cycleId: cycle.id } });
  t.equal(scan.statusCode, 200, scan.body);
  t.same(scan.json().bySignal, [{ signal: 'level_shift', held: 25 }]);
  t.equal(await heldOf(C.id), 25);
});

t.test('bulk review: one transaction by signal and unit or by ids, audited; cleared ratings are back in P and not held again', async (t) => {
  const both = await h.as('admin', { method: 'POST', url: '/api/v1/rating-holds/review', payload: { decision: 'clear', ratingIds: [A.id], signal: 'respondent_burst', unitId: A.id } });
  t.equal(both.statusCode, 422);
  const neither = await h.as('admin', { method: 'POST', url: '/api/v1/rating-holds/review', payload: { decision: 'clear', signal: 'respondent_burst' } });
  t.equal(neither.statusCode, 422);
  t.equal(neither.json().errors[0].field, 'unitId');
  const inspector = await h.as('inspector', { method: 'POST', url: '/api/v1/rating-holds/review', payload: { decision: 'clear', signal: 'respondent_burst', unitId: A.id } });
  t.equal(inspector.statusCode, 403, 'the office decides');

  const cleared = await h.as('admin', { method: 'POST', url: '/api/v1/rating-holds/review', payload: { decision: 'clear', signal: 'respondent_burst', unitId: A.id, note: '核实为真实评价' } });
  t.equal(cleared.statusCode, 200, cleared.body);
  t.equal(cleared.json().reviewed, 500);
  t.equal(await heldOf(A.id, 'cleared'), 500);
  const audited = await h.sql<{ n: string }>(`select count(*) as n from audit_log where action = 'rating.hold_cleared'`);
  t.equal(Number(audited[0].n), 500);

  const next = await compute();
  const e = await explain(next.id, A.id);
  t.equal(e.publicSatisfaction.ratings, 540, 'the cleared ratings count in P again');
  t.same(e.heldRatings, { held: 0, rejected: 0 });
  t.ok(e.score < before.score, 'and now weigh on the score');
  t.equal(await heldOf(A.id), 0, 'computing again holds none of them again');

  const ids = (await h.sql<{ id: string }>(`select id from ratings where unit_id = $1 and hold_status = 'held' order by id limit 10`, [B.id])).map((r) => r.id);
  const rejected = await gql(h, 'admin', `mutation($ids: [ID!]) { reviewRatingHolds(decision: reject, ratingIds: $ids) { reviewed } }`, { ids });
  t.notOk(rejected.errors, JSON.stringify(rejected.errors));
  t.same(rejected.data!.reviewRatingHolds, { reviewed: 10 });
  const last = await compute();
  t.same((await explain(last.id, B.id)).heldRatings, { held: 15, rejected: 10 });

  const stats = await h.as('admin', { method: 'GET', url: `/api/v1/rating-holds/statistics` });
  t.same(stats.json(), { cycleId: null, held: 40, cleared: 500, rejected: 10 });
  t.ok(afterBurst);
});
