import t from 'tap';
import type { MercuriusContext } from 'mercurius';
import { batchedResolver } from '../src/lib/graphql.js';

/** Loaders as resolvers (lib/graphql.ts): one call per field, request and tick; answers in parent order; errors reach every parent. */
const request = () => ({ reply: {} }) as unknown as MercuriusContext;

t.test('the parents of one request and tick reach the loader in one call, answered in their order', async (t) => {
  const calls: unknown[][] = [];
  const resolve = batchedResolver('Unit.department', async (queries) => {
    calls.push(queries.map((q) => q.obj));
    return queries.map((q) => `dept of ${(q.obj as { id: string }).id}`);
  });
  const a = request();
  const b = request();
  const answers = await Promise.all([resolve({ id: 'u1' }, {}, a, null), resolve({ id: 'u2' }, {}, a, null), resolve({ id: 'u3' }, {}, b, null)]);
  t.same(answers, ['dept of u1', 'dept of u2', 'dept of u3']);
  t.same(calls, [[{ id: 'u1' }, { id: 'u2' }], [{ id: 'u3' }]], 'one call per request, never mixing two requests');
  t.same(await resolve({ id: 'u4' }, {}, a, null), 'dept of u4', 'a later tick is a new batch');
  t.equal(calls.length, 3);
});

t.test('a failed loader, or one answering the wrong number of results, fails every parent that asked', async (t) => {
  const broken = batchedResolver('Unit.region', async () => {
    throw new Error('database unavailable');
  });
  const ctx = request();
  const failed = await Promise.allSettled([broken({ id: 'u1' }, {}, ctx, null), broken({ id: 'u2' }, {}, ctx, null)]);
  t.same(failed.map((r) => r.status), ['rejected', 'rejected']);
  t.match((failed[0] as PromiseRejectedResult).reason, { message: 'database unavailable' });
  const short = batchedResolver('Unit.region', async () => ['only one']);
  const uneven = await Promise.allSettled([short({ id: 'u1' }, {}, ctx, null), short({ id: 'u2' }, {}, ctx, null)]);
  t.same(uneven.map((r) => r.status), ['rejected', 'rejected']);
  t.match((uneven[1] as PromiseRejectedResult).reason, { message: 'the loader of Unit.region answered 1 results for 2 parents' });
});

t.test('a subscription context (no reply) is its own batch', async (t) => {
  const seen: number[] = [];
  const resolve = batchedResolver('Rating.unit', async (queries) => {
    seen.push(queries.length);
    return queries.map(() => 'x');
  });
  const ctx = {} as MercuriusContext;
  await Promise.all([resolve({}, {}, ctx, null), resolve({}, {}, ctx, null)]);
  t.same(seen, [2]);
});
