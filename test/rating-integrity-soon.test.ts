import t from 'tap';
import { cycleInPhase } from './fixtures-cycles.js';
import { referenceWorld } from './fixtures.js';
import { systemContext } from '../src/lib/principal.js';
import { gql, setup } from './helper.js';
import type { TestApp } from './helper.js';

// 评价防刷 soon after intake (ratings/integrity.ts): the intake marks its cycle, a background run scans it; no test calls a scan.
const DELAY_MS = 200;
const h = await setup(t, { config: { RATING_INTEGRITY_SCAN_DELAY_MS: DELAY_MS, RATE_LIMIT_PUBLIC_RATINGS_PER_MINUTE: 100_000 } });
const w = await referenceWorld(h);
const { forestStation: A, forestPolice: B, taxHallA: C } = w.units;
const cycle = await cycleInPhase(h, 'assessment', [A.id, B.id, C.id], '防刷-即时');

/** `n` ratings through the public intake (a front end's integration relaying them), all from one respondent key. */
async function burst(app: TestApp, unitId: string, n: number, key: string) {
  for (let i = 0; i < n; i += 50) {
    const batch = Array.from({ length: Math.min(50, n - i) }, () =>
      app.as('integration', { method: 'POST', url: '/api/v1/public/ratings', payload: { unitId, channel: 'hotline', level: 1, respondentKey: key } }),
    );
    for (const res of await Promise.all(batch)) {
      if (res.statusCode !== 201) throw new Error(res.body);
      if (res.json().cycleId !== cycle.id) throw new Error(`attributed to ${res.json().cycleId}`);
    }
  }
}
/** The unit's held ratings as the office lists them. */
const heldOf = async (unitId: string): Promise<string[]> => {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const r = await h.as('admin', { method: 'GET', url: `/api/v1/rating-holds?unitId=${unitId}&limit=200${cursor ? `&cursor=${cursor}` : ''}` });
    const page = r.json() as { items: { ratingId: string }[]; nextCursor: string | null };
    ids.push(...page.items.map((i) => i.ratingId));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
};
/** Polls the list until it shows `n` held ratings of the unit (at most about 10 s), no fixed sleep. */
async function untilHeld(unitId: string, n: number): Promise<string[]> {
  for (let i = 0; i < 200; i++) {
    const ids = await heldOf(unitId);
    if (ids.length >= n) return ids;
    await new Promise((r) => setTimeout(r, 50));
  }
  return heldOf(unitId);
}
const heldAudits = async (unitId: string) =>
  (await h.sql<{ n: number }>(`select count(*)::int as n from audit_log where action = 'rating.held' and entity_id in (select id::text from ratings where unit_id = $1)`, [unitId]))[0].n;

t.test('with the delay 0 a copy marks its cycle but holds nothing until a scan is asked for', async (t) => {
  const off = await h.copy({ RATING_INTEGRITY_SCAN_DELAY_MS: 0 });
  await burst(off, B.id, 30, 'soon-off');
  t.ok(off.app.services.ratingIntegrity.hasDirty(), 'marked in memory');
  t.same(await heldOf(B.id), [], 'nothing held: no background scan runs in that copy');
  const scan = await off.as('admin', { method: 'POST', url: '/api/v1/rating-holds/scan', payload: { cycleId: cycle.id } });
  t.equal(scan.statusCode, 200, scan.body);
  t.equal((await heldOf(B.id)).length, 30, 'the asked-for scan holds the burst');

  // Every other path that stores ratings marks its cycle too (in the service, not the route).
  const integrity = off.app.services.ratingIntegrity;
  const marks = async (what: string, store: () => Promise<unknown>) => {
    await integrity.scanDirty(systemContext('test'));
    t.notOk(integrity.hasDirty(), `${what}: nothing marked before`);
    await store();
    t.ok(integrity.hasDirty(), `${what}: its cycle is marked`);
  };
  await marks('an integration rating', () => off.as('integration', { method: 'POST', url: '/api/v1/ratings', payload: { unitId: B.id, channel: 'hotline', level: 4, source: 'soon', externalId: 'rest-1' } }));
  await marks('a GraphQL rating', () => gql(off, 'integration', `mutation { submitRating(input: { unitId: "${B.id}", channel: hotline, level: 4, source: "soon", externalId: "gql-1" }) { id } }`));
  await marks('an import', () =>
    off.as('integration', {
      method: 'POST',
      url: '/api/v1/rating-imports?format=ndjson&source=soon-file',
      headers: { 'content-type': 'application/x-ndjson' },
      payload: JSON.stringify({ unitId: B.id, channel: 'questionnaire', level: 4, collectedAt: new Date().toISOString(), externalId: 'file-1' }) + '\n',
    }),
  );
  // A cycle gone since it was marked has nothing to scan: it is dropped, not retried on every run.
  await integrity.scanDirty(systemContext('test'));
  integrity.markDirty(['01a23000-0000-7000-8000-0000000000ff']);
  t.match(await integrity.scanDirty(systemContext('test')), { cycles: 1, held: 0 });
  t.notOk(integrity.hasDirty());
});

// 120 is six times the burst limit (RATING_BURST_MAX 20); the 500-rating burst that must not move a rank is rating-integrity.test.ts's.
t.test('a burst of 120 ratings from one key through the public intake is held within seconds, no scan asked for', async (t) => {
  await burst(h, A.id, 120, 'soon-burst');
  const held = await untilHeld(A.id, 120);
  t.equal(held.length, 120, 'every rating of the burst is held');
  const [signals] = await h.sql<{ s: string[] }>(`select array_agg(distinct s) as s from ratings, unnest(hold_signals) s where unit_id = $1`, [A.id]);
  t.ok(signals.s.includes('respondent_burst'));
  t.equal(await heldAudits(A.id), 120, 'each hold audited');
});

t.test('two copies over one database, both marked dirty, hold each rating once', async (t) => {
  const other = await h.copy();
  await Promise.all([burst(h, C.id, 30, 'soon-two'), burst(other, C.id, 30, 'soon-two')]);
  const held = await untilHeld(C.id, 60);
  t.equal(new Set(held).size, 60, 'all 60 held');
  // A hold and its audit entry commit together: whichever copy scanned, each rating was held and audited once.
  t.equal(await heldAudits(C.id), 60, 'one hold, one audit entry per rating');
});
