import { gunzipSync } from 'node:zlib';
import t from 'tap';
import { systemContext } from '../src/lib/principal.js';
import { scoredWorld } from './fixtures-scores.js';
import { gql, setup } from './helper.js';

/**
 * Anonymous answers made only of pure fields (a published snapshot's page) are remembered (src/plugins/graphql-cache.ts);
 * anything that reads live data, an error, or a caller with a token runs as usual.
 */
const h = await setup(t);
const w = await scoredWorld(h);
const ctx = systemContext('tests');
const ranking = await h.app.services.rankings.compute(ctx, w.cycle.id);
await h.app.services.rankings.publish(ctx, ranking.id);

const PAGE = `query($id: ID!, $n: Int) { publicRankingPage(id: $id, limit: $n) { total nextCursor ranking { id publishedAt parameters { categoryMeans { category mean } scoring { levelPoints { level points } } } }
  entries { unitId unitName rank position score flags } auditCheckpoint { hash } } }`;

/** Counts the calls of the service behind publicRankingPage while fn runs. */
async function pageReads<T>(fn: () => Promise<T>): Promise<{ result: T; reads: number }> {
  const svc = h.app.services.rankings;
  const original = svc.publicPage;
  let reads = 0;
  svc.publicPage = (...a) => {
    reads++;
    return original(...a);
  };
  try {
    return { result: await fn(), reads };
  } finally {
    svc.publicPage = original;
  }
}

t.test('an anonymous published page is answered from memory after its first answer, the same bytes', async (t) => {
  const first = await pageReads(() => h.as('anonymous', { method: 'POST', url: '/graphql', payload: { query: PAGE, variables: { id: ranking.id, n: 3 } } }));
  t.equal(first.result.statusCode, 200);
  t.equal(first.reads, 1);
  const again = await pageReads(() => h.as('anonymous', { method: 'POST', url: '/graphql', payload: { query: PAGE, variables: { id: ranking.id, n: 3 } } }));
  t.equal(again.reads, 0, 'not executed again');
  t.equal(again.result.body, first.result.body);
  t.match(again.result.headers['content-type'], /^application\/json/);
  const other = await pageReads(() => h.as('anonymous', { method: 'POST', url: '/graphql', payload: { query: PAGE, variables: { id: ranking.id, n: 4 } } }));
  t.equal(other.reads, 1, 'other variables are another answer');
  t.equal((other.result.json() as { data: { publicRankingPage: { entries: unknown[] } } }).data.publicRankingPage.entries.length, 4);
  const gz = await h.as('anonymous', { method: 'POST', url: '/graphql', headers: { 'accept-encoding': 'gzip' }, payload: { query: PAGE, variables: { id: ranking.id, n: 3 } } });
  t.equal(gz.headers['content-encoding'], 'gzip');
  t.equal(gunzipSync(gz.rawPayload).toString(), first.result.body, 'compressed when the client asks');
});

t.test('a caller with a token runs the operation', async (t) => {
  for (const who of ['admin', 'integration'] as const) {
    const { result, reads } = await pageReads(() => gql(h, who, PAGE, { id: ranking.id, n: 3 }));
    t.same(result.errors, undefined);
    t.equal(reads, 1, `${who}: executed`);
  }
  const noScope = await gql(h, { role: 'integration', scope: 'units:read' }, PAGE, { id: ranking.id, n: 3 });
  t.ok(noScope.errors?.length, 'a token without the scope is still refused, though the same query is remembered for the public');
});

t.test('live data is never remembered: a unit renamed shows at once', async (t) => {
  const q = `query($id: ID!) { publicRankingPage(id: $id, limit: 5) { entries { unitId unit { name } } } }`;
  const unitId = w.units.taxAudit.id;
  const name = async () =>
    (await gql(h, 'anonymous', q, { id: ranking.id })).data!.publicRankingPage as { entries: { unitId: string; unit: { name: string } | null }[] };
  const before = (await name()).entries.find((e) => e.unitId === unitId)!;
  const current = await h.app.services.units.get(ctx, unitId);
  await h.app.services.units.update(ctx, unitId, current.version, { name: '建始国税稽查局（更名）' });
  const after = (await name()).entries.find((e) => e.unitId === unitId)!;
  t.equal(before.unit!.name, '建始国税稽查局');
  t.equal(after.unit!.name, '建始国税稽查局（更名）');
});

t.test('errors are not remembered: a draft is not found, then found once published', async (t) => {
  const draft = await h.app.services.rankings.compute(ctx, w.cycle.id);
  const q = `query($id: ID!) { publicRankingPage(id: $id, limit: 2) { total } }`;
  const hidden = await gql(h, 'anonymous', q, { id: draft.id });
  t.equal(hidden.errors?.[0].extensions?.code, 'not_found');
  await h.app.services.rankings.publish(ctx, draft.id, { reason: '更正' });
  const shown = await gql(h, 'anonymous', q, { id: draft.id });
  t.same(shown.errors, undefined);
  t.equal((shown.data!.publicRankingPage as { total: number }).total, 5);
});

t.test('mutations and bad queries are never answered from memory', async (t) => {
  const bad = `{ publicRankingPage(id: "${ranking.id}") { nope } }`;
  for (let i = 0; i < 2; i++) {
    const r = await h.as('anonymous', { method: 'POST', url: '/graphql', payload: { query: bad } });
    t.equal(r.statusCode, 400);
  }
  const m = `mutation { computeRanking(cycleId: "${w.cycle.id}") { id } }`;
  for (let i = 0; i < 2; i++) t.equal((await gql(h, 'anonymous', m)).errors?.[0].extensions?.code, 'unauthorized');
});
