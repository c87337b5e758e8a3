import { randomBytes } from 'node:crypto';
import t from 'tap';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/config.js';
import { jobLockKey, openJobLocks } from '../src/db/job-locks.js';
import { systemContext } from '../src/lib/principal.js';
import { namedCycle } from './fixtures-awards.js';
import { referenceWorld } from './fixtures.js';
import { onPglite, setup } from './helper.js';
import type { TestApp } from './helper.js';

// N copies of the service behind a load balancer, over one PostgreSQL and (optionally) one Redis: what is shared, and
// what happens once however many copies there are. Copies are two apps in this process, each with its own pool.

if (onPglite) {
  t.pass('scale-out needs a PostgreSQL server shared by the copies; PGlite is one process');
  process.exit(0);
}

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** This run's own keys and channels, so parallel runs (and other deployments) sharing the Redis never meet. */
const REDIS_KEY_PREFIX = `manyi-test:${process.pid}-${randomBytes(4).toString('hex')}:`;
const LIMIT = 4;
const ctx = systemContext('test');
const inFuture = (days = 10) => new Date(Date.now() + days * 86400_000).toISOString();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Rejects when `p` has not settled in time, so no test can hang on a message that never comes. */
async function within<T>(p: Promise<T>, what: string, ms = 5000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)));
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const redis = new Redis(REDIS_URL, { lazyConnect: true });
await redis.connect();
t.teardown(async () => {
  // Rate-limit counters would expire within a minute anyway; a test run leaves nothing behind.
  for (let cursor = '0'; ; ) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${REDIS_KEY_PREFIX}*`, 'COUNT', 1000);
    if (keys.length) await redis.del(...keys);
    cursor = next;
    if (cursor === '0') break;
  }
  await redis.quit();
});

// Copy A (the helper's app) and B share the database; with REDIS_URL they also share Redis.
const shared = { REDIS_URL, REDIS_KEY_PREFIX, RATE_LIMIT_ANONYMOUS_PER_MINUTE: LIMIT };
const a: TestApp = await setup(t, { config: shared });
const b: TestApp = await a.copy();
const w = await referenceWorld(a);

interface WsClient {
  send(data: string): void;
  on(event: 'message', cb: (data: Buffer) => void): void;
  once(event: 'open' | 'error', cb: (err?: Error) => void): void;
  terminate(): void;
}
type WsConstructor = new (url: string, protocol: string, opts: { headers: Record<string, string> }) => WsClient;

/** A graphql-transport-ws subscriber connected to one copy, listening on its own loopback port. */
async function subscriber(copy: TestApp, query: string, variables: Record<string, unknown>) {
  const address = copy.app.server.listening ? `http://127.0.0.1:${(copy.app.server.address() as { port: number }).port}` : await copy.app.listen({ port: 0, host: '127.0.0.1' });
  const wsModule = 'ws';
  const { WebSocket } = (await import(wsModule)) as { WebSocket: WsConstructor };
  const ws = new WebSocket(`${address.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws', { headers: { authorization: `Bearer ${await copy.token('inspector')}` } });
  await within(
    new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    }),
    'the WebSocket to open',
  );
  const messages: { type: string; payload?: unknown }[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (data) => {
    messages.push(JSON.parse(data.toString()));
    waiters.splice(0).forEach((wake) => wake());
  });
  const next = (type: string) =>
    within(
      (async () => {
        for (;;) {
          const i = messages.findIndex((m) => m.type === type);
          if (i >= 0) return messages.splice(i, 1)[0];
          await new Promise<void>((r) => waiters.push(r));
        }
      })(),
      `a ${type} message`,
    );
  ws.send(JSON.stringify({ type: 'connection_init', payload: {} }));
  await next('connection_ack');
  ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables } }));
  return { ws, next, count: (type: string) => messages.filter((m) => m.type === type).length };
}

/** Awards whose rectification deadline has lapsed, in a cycle that asks for automatic yellow cards. */
async function overdueAwards(h: TestApp, year: number, count: number) {
  const settings = { awards: { autoEscalateOverdue: true, departmentBonus: { top10: 3, top100: 1 }, departmentPenalty: { yellowCard: 1, revoked: 2 } } };
  const x = await namedCycle(h, { year, top10: 1, top100: count, lawCount: count, pubCount: 0, world: w, settings });
  const awards = x.awards.slice(0, count);
  for (const award of awards) {
    await h.app.services.awards.transition(ctx, award.id, undefined, { to: 'rectification_ordered', reason: '整改', deadline: inFuture(), evidence: [] });
  }
  await h.sql(`update awards set rectification_deadline = now() - interval '1 hour' where id = any($1)`, [awards.map((x) => x.id)]);
  return awards.map((x) => x.id);
}

/** Per award: its yellow-card audit entries and outbox events (webhooks), as counts. */
async function yellowCards(h: TestApp, ids: string[]) {
  const audit = await h.sql<{ id: string; n: number }>(
    `select entity_id as id, count(*)::int as n from audit_log where action = 'award.status_changed' and after->>'status' = 'yellow_card' and entity_id = any($1) group by entity_id`,
    [ids],
  );
  const events = await h.sql<{ id: string; n: number }>(
    `select payload->>'awardId' as id, count(*)::int as n from outbox_events where type = 'award.status_changed' and payload->>'to' = 'yellow_card' and payload->>'awardId' = any($1) group by 1`,
    [ids],
  );
  const status = await h.sql<{ id: string; status: string }>(`select id, status from awards where id = any($1)`, [ids]);
  const byId = (rows: { id: string; n: number }[]) => Object.fromEntries(ids.map((id) => [id, rows.find((r) => r.id === id)?.n ?? 0]));
  return { audit: byId(audit), events: byId(events), statuses: [...new Set(status.map((s) => s.status))] };
}
const once = (ids: string[]) => Object.fromEntries(ids.map((id) => [id, 1]));

t.test('an award moved on one copy reaches a subscriber connected to the other, once; and one on the moving copy, once', async (t) => {
  const x = await namedCycle(a, { year: 2050, top10: 1, top100: 1, lawCount: 1, pubCount: 0, world: w });
  const award = x.awards[0];
  const query = `subscription($c: ID!) { awardStatusChanged(cycleId: $c) { awardId cycleId from to reason } }`;
  const onB = await subscriber(b, query, { c: x.cycleId });
  const onA = await subscriber(a, query, { c: x.cycleId });
  t.teardown(() => {
    onB.ws.terminate();
    onA.ws.terminate();
  });
  // The subscribe message is answered by nothing until an event comes: give both copies a moment to subscribe in Redis.
  await sleep(200);

  const moved = await a.as('admin', { method: 'POST', url: `/api/v1/awards/${award.id}/transitions`, payload: { to: 'rectification_ordered', reason: '跨副本', deadline: inFuture() } });
  t.equal(moved.statusCode, 200, moved.body);

  const heardOnB = (await onB.next('next')) as { payload: { data: { awardStatusChanged: Record<string, unknown> } } };
  t.match(heardOnB.payload.data.awardStatusChanged, { awardId: award.id, cycleId: x.cycleId, from: 'active', to: 'rectification_ordered', reason: '跨副本' });
  const heardOnA = (await onA.next('next')) as { payload: { data: { awardStatusChanged: Record<string, unknown> } } };
  t.match(heardOnA.payload.data.awardStatusChanged, { awardId: award.id, to: 'rectification_ordered' });
  // A duplicate (the publishing copy delivering locally AND through Redis) would arrive right behind the first.
  await sleep(200);
  t.equal(onB.count('next'), 0, 'no second delivery on the other copy');
  t.equal(onA.count('next'), 0, 'no second delivery on the moving copy');
});

t.test('the anonymous limit is shared: N requests spread over both copies pass, the next one on either copy is 429', async (t) => {
  const get = (copy: TestApp) => copy.as('anonymous', { method: 'GET', url: '/api/v1/categories' });
  const statuses: number[] = [];
  for (let i = 0; i < LIMIT; i++) statuses.push((await get(i % 2 === 0 ? a : b)).statusCode);
  t.same(statuses, Array(LIMIT).fill(200), `${LIMIT} requests, alternating copies`);
  const overA = await get(a);
  const overB = await get(b);
  t.equal(overA.statusCode, 429);
  t.equal(overB.statusCode, 429);
  t.equal(overB.headers['x-ratelimit-limit'], String(LIMIT));
  t.ok((await redis.keys(`${REDIS_KEY_PREFIX}rate-limit:*`)).length >= 1, 'the counter lives in Redis under the prefix');
  const admin = await b.as('admin', { method: 'GET', url: '/api/v1/categories' });
  t.equal(admin.statusCode, 200, 'authenticated callers are not limited');
});

t.test('/readyz shows whether the copy reaches Redis', async (t) => {
  for (const copy of [a, b]) {
    const res = await copy.app.inject({ method: 'GET', url: '/readyz' });
    t.equal(res.statusCode, 200, res.body);
    t.match(res.json(), { status: 'ready', database: 'postgres', redis: 'connected' });
  }
});

t.test('when Redis goes away at runtime the limit fails open and readiness says so; subscriptions resume after the reconnect', async (t) => {
  // A copy of its own, allowed one request: the counter in Redis, shared with A and B, is already past that.
  const e = await a.copy({ RATE_LIMIT_ANONYMOUS_PER_MINUTE: 1 });
  const get = () => e.as('anonymous', { method: 'GET', url: '/api/v1/categories' });
  t.equal((await get()).statusCode, 429, 'counted in Redis');
  const client = e.app.redis!.client;
  const gone = new Promise((r) => client.once('end', r));
  client.disconnect();
  await within(gone, 'the command connection to close');
  t.equal((await get()).statusCode, 200, 'fail-open: without Redis the public is not turned away');
  const ready = await e.app.inject({ method: 'GET', url: '/readyz' });
  t.equal(ready.statusCode, 200, 'still in rotation');
  t.equal(ready.json().redis, 'reconnecting');
  await client.connect();
  t.equal((await get()).statusCode, 429, 'counted again once Redis is back');

  const x = await namedCycle(a, { year: 2054, top10: 1, top100: 1, lawCount: 1, pubCount: 0, world: w });
  const sub = await subscriber(e, `subscription($c: ID!) { awardStatusChanged(cycleId: $c) { awardId to } }`, { c: x.cycleId });
  t.teardown(() => sub.ws.terminate());
  const channel = `${REDIS_KEY_PREFIX}pubsub:award.status_changed`;
  const subscribed = async () => Number(((await redis.call('PUBSUB', 'NUMSUB', channel)) as [string, number])[1]);
  for (let i = 0; i < 100 && (await subscribed()) === 0; i++) await sleep(20);
  // Drop the copy's subscribe connection, as a Redis restart or a network cut would.
  const clients = String(await redis.call('CLIENT', 'LIST', 'TYPE', 'pubsub'));
  const victim = clients.split('\n').find((l) => l.includes(`name=${REDIS_KEY_PREFIX}subscribe `) && !/ sub=0 /.test(l));
  t.ok(victim, 'the subscribe connection is found');
  await redis.call('CLIENT', 'KILL', 'ID', /id=(\d+)/.exec(victim!)![1]);
  for (let i = 0; i < 100 && (await subscribed()) === 0; i++) await sleep(20);
  for (let i = 0; i < 100 && e.app.redis!.state() !== 'connected'; i++) await sleep(20);
  t.equal(e.app.redis!.state(), 'connected', 'reconnected by itself');
  t.equal(await subscribed(), 1, 'and subscribed again');
  const moved = await a.as('admin', { method: 'POST', url: `/api/v1/awards/${x.awards[0].id}/transitions`, payload: { to: 'rectification_ordered', reason: '重连后', deadline: inFuture() } });
  t.equal(moved.statusCode, 200);
  const heard = (await sub.next('next')) as { payload: { data: { awardStatusChanged: { awardId: string } } } };
  t.equal(heard.payload.data.awardStatusChanged.awardId, x.awards[0].id, 'the open subscription hears changes again');
});

t.test('REDIS_URL is optional, must be a redis URL; the key prefix defaults to manyi:', async (t) => {
  t.equal(loadConfig({}).REDIS_URL, undefined);
  t.equal(loadConfig({}).REDIS_KEY_PREFIX, 'manyi:');
  t.equal(loadConfig({ REDIS_URL: 'rediss://:pw@cache.internal:6380/2' }).REDIS_URL, 'rediss://:pw@cache.internal:6380/2');
  t.throws(() => loadConfig({ REDIS_URL: 'http://127.0.0.1:6379' }), /REDIS_URL/);
  t.throws(() => loadConfig({ REDIS_KEY_PREFIX: 'two words' }), /REDIS_KEY_PREFIX/);
});

t.test('with REDIS_URL pointing at nothing, the start fails with a message naming REDIS_URL', async (t) => {
  await t.rejects(a.copy({ REDIS_URL: 'redis://127.0.0.1:1' }), { message: /^REDIS_URL: cannot connect to Redis at redis:\/\/127\.0\.0\.1:1.*ECONNREFUSED/ });
});

t.test('jobs run once across copies, without Redis', async (t) => {
  // Two more copies over the same database and no Redis: the job lock is PostgreSQL's alone.
  const c = await a.copy({ REDIS_URL: undefined });
  const d = await a.copy({ REDIS_URL: undefined });
  t.equal(c.app.redis, null);

  t.test('the escalation sweep started on both copies at the same moment escalates each overdue award once', async (t) => {
    const ids = await overdueAwards(c, 2051, 3);
    const ran = await Promise.all([c.app.schedules.runNow('award-escalation'), d.app.schedules.runNow('award-escalation')]);
    t.ok(ran.includes(true), 'at least one copy ran it (the other skipped it, or found nothing left)');
    const after = await yellowCards(c, ids);
    t.same(after.statuses, ['yellow_card']);
    t.same(after.audit, once(ids), 'one audit entry per award');
    t.same(after.events, once(ids), 'one event (webhook) per award');
    t.equal(await c.app.services.awards.escalateAutomatically(), 0, 'nothing is left to escalate');
  });

  t.test('even when two sweeps overlap (a lock lost mid-run), each overdue award is escalated once', async (t) => {
    const ids = await overdueAwards(c, 2052, 4);
    // Straight to the service on both copies: no job lock at all, only the awards' own row locks and versions.
    const [byC, byD] = await Promise.all([c.app.services.awards.escalateAutomatically(), d.app.services.awards.escalateAutomatically()]);
    t.equal(byC + byD, ids.length, `${byC} + ${byD} escalations between them`);
    const after = await yellowCards(c, ids);
    t.same(after.audit, once(ids));
    t.same(after.events, once(ids));
  });

  t.test('an award moved between the sweep reading it overdue and locking it is skipped, not yellow-carded', async (t) => {
    const x = await namedCycle(c, { year: 2056, top10: 1, top100: 1, lawCount: 1, pubCount: 0, world: w });
    const id = x.awards[0].id;
    await c.app.services.awards.transition(ctx, id, undefined, { to: 'rectification_ordered', reason: '整改', deadline: inFuture(), evidence: [] });
    await c.sql(`update awards set rectification_deadline = now() - interval '1 hour' where id = $1`, [id]);
    // The office holds the award (another copy moving it): the sweep lists it as overdue, then waits for its row lock.
    const office = await d.database.pool!.connect();
    t.teardown(() => office.release());
    await office.query('begin');
    await office.query('select 1 from awards where id = $1 for update', [id]);
    const sweep = c.app.services.awards.escalateOverdue(ctx, x.cycleId);
    const waiting = async () => (await c.sql(`select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query ilike '%from "awards"%'`)).length > 0;
    for (let i = 0; i < 250 && !(await waiting()); i++) await sleep(20);
    t.ok(await waiting(), 'the sweep waits for the row lock');
    // Meanwhile the rectification is verified and a new one ordered, with a deadline that has not lapsed.
    await office.query(`update awards set rectification_deadline = now() + interval '10 days', version = version + 2 where id = $1`, [id]);
    await office.query('commit');
    const result = await within(sweep, 'the sweep');
    t.same(result.escalated, []);
    t.match(result.skipped, [{ awardId: id, code: 'version_mismatch' }]);
    t.equal((await c.sql<{ status: string }>(`select status from awards where id = $1`, [id]))[0].status, 'rectification_ordered');
  });

  t.test('overdue notices and webhook dispatch overlapping on both copies act once', async (t) => {
    const problems = await Promise.all(
      [1, 2, 3].map(async (i) => (await c.as('admin', { method: 'POST', url: '/api/v1/problems', payload: { unitId: w.units.taxHallA.id, sourceType: 'manual', severity: 'minor', description: `逾期${i}` } })).json().id as string),
    );
    await c.sql(`update problems set deadline = now() - interval '1 day' where id = any($1)`, [problems]);
    const [n1, n2] = await Promise.all([c.app.services.problems.notifyOverdue(ctx), d.app.services.problems.notifyOverdue(ctx)]);
    t.equal(n1 + n2, 3);
    const notices = await c.sql<{ n: number }>(`select count(*)::int as n from outbox_events where type = 'problem.overdue' and payload->>'problemId' = any($1)`, [problems]);
    t.equal(notices[0].n, 3, 'one problem.overdue per problem');

    // Deliveries are claimed with SKIP LOCKED: the due ones are claimed by one copy or the other, never both.
    await c.sql(`insert into webhook_subscriptions (id, url, events, signing, secret, created_by) values (gen_random_uuid(), 'http://127.0.0.1:1/hook', '{problem.overdue}', 'hmac', 'x', 'test')`);
    await c.sql(
      `insert into webhook_deliveries (id, subscription_id, event_id, status, next_attempt_at, attempts)
       select gen_random_uuid(), s.id, e.id, 'pending', now() - interval '1 second', 0 from webhook_subscriptions s, outbox_events e
       where s.url = 'http://127.0.0.1:1/hook' and e.type = 'problem.overdue' and e.payload->>'problemId' = any($1)`,
      [problems],
    );
    const [claimedC, claimedD] = await Promise.all([c.app.services.webhooks.dispatchDue(), d.app.services.webhooks.dispatchDue()]);
    t.equal(claimedC + claimedD, 3, 'each due delivery attempted by one copy');
    const attempts = await c.sql<{ attempts: number }>(`select attempts from webhook_deliveries d join webhook_subscriptions s on s.id = d.subscription_id where s.url = 'http://127.0.0.1:1/hook'`);
    t.same(attempts.map((r) => r.attempts), [1, 1, 1], 'one attempt each, not two');

  });

  t.test('the job lock: a second holder skips while the first runs; a lost lock connection frees it; other advisory locks are apart', async (t) => {
    const lockC = openJobLocks(c.database, { holders: 2 });
    const lockD = openJobLocks(d.database, { holders: 2 });
    t.teardown(async () => {
      await lockC.close();
      await lockD.close();
    });
    let release: () => void = () => undefined;
    let entered: () => void = () => undefined;
    const inside = new Promise<void>((r) => (entered = r));
    let ownLock: boolean | undefined;
    const first = lockC.tryRun('scale-test-job', async () => {
      // A job may take its own advisory lock (one bigint key) while it runs: it never meets the job lock.
      const [{ locked }] = await c.sql<{ locked: boolean }>(`select pg_try_advisory_xact_lock($1::bigint) as locked`, [jobLockKey('scale-test-job')]);
      ownLock = locked;
      entered();
      await new Promise<void>((r) => (release = r));
    });
    await within(inside, 'the first run to start');
    t.equal(ownLock, true, "the job's own advisory lock is granted");
    t.equal(await lockD.tryRun('scale-test-job', async () => t.fail('must not run')), false, 'the other copy skips');
    t.equal(await lockC.tryRun('scale-test-job', async () => t.fail('must not run')), false, 'and so does this copy');
    t.equal(await lockD.tryRun('another-job', async () => undefined), true, 'another job runs meanwhile');

    // The lock's connection dies (failover, restart): the server drops the lock, another copy may run.
    await c.sql(`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = 'manyi job lock' and query like '%pg_try_advisory_lock%' and state = 'idle'`);
    let ranAfterLoss = false;
    for (let i = 0; i < 50 && !ranAfterLoss; i++) {
      ranAfterLoss = await lockD.tryRun('scale-test-job', async () => undefined);
      if (!ranAfterLoss) await sleep(20);
    }
    t.ok(ranAfterLoss, 'runs elsewhere once the holder lost its connection');
    release();
    t.equal(await first, true, 'the first run finished');
    t.equal(await lockC.tryRun('scale-test-job', async () => undefined), true, 'the job runs again where the connection was lost');
  });

  // Last in this group: these two copies keep sweeping until the end of the file.
  t.test('on their own timers, two copies sweeping every few milliseconds still escalate each overdue award once', async (t) => {
    const ids = await overdueAwards(c, 2055, 3);
    const timed = { REDIS_URL: undefined, AWARD_ESCALATION_INTERVAL_MS: 10 };
    const f = await a.copy(timed);
    await a.copy(timed);
    const escalated = async () => (await yellowCards(f, ids)).statuses.join() === 'yellow_card';
    for (let i = 0; i < 250 && !(await escalated()); i++) await sleep(20);
    t.ok(await escalated(), 'all escalated by the timers');
    await sleep(100); // a few more sweeps on both copies, finding nothing
    const after = await yellowCards(f, ids);
    t.same(after.audit, once(ids), 'one audit entry per award');
    t.same(after.events, once(ids), 'one event (webhook) per award');
  });
});

t.test("without REDIS_URL each copy keeps today's single-process behaviour", async (t) => {
  const lone = await a.copy({ REDIS_URL: undefined, RATE_LIMIT_ANONYMOUS_PER_MINUTE: 2 });
  t.equal(lone.app.redis, null);
  const ready = (await lone.app.inject({ method: 'GET', url: '/readyz' })).json();
  t.same(Object.keys(ready).sort(), ['calendar', 'database', 'migrations', 'status'], 'no Redis in readiness');

  const statuses = [];
  for (let i = 0; i < 3; i++) statuses.push((await lone.as('anonymous', { method: 'GET', url: '/api/v1/categories' })).statusCode);
  t.same(statuses, [200, 200, 429], 'the limit is counted in this process');

  // Subscriptions are in-process: a subscriber hears the changes made by the copy it is connected to, only.
  const x = await namedCycle(a, { year: 2053, top10: 1, top100: 2, lawCount: 2, pubCount: 0, world: w });
  const sub = await subscriber(lone, `subscription($c: ID!) { awardStatusChanged(cycleId: $c) { awardId to } }`, { c: x.cycleId });
  t.teardown(() => sub.ws.terminate());
  await sleep(100);
  const elsewhere = await a.as('admin', { method: 'POST', url: `/api/v1/awards/${x.awards[0].id}/transitions`, payload: { to: 'rectification_ordered', reason: '别处', deadline: inFuture() } });
  t.equal(elsewhere.statusCode, 200);
  const here = await lone.as('admin', { method: 'POST', url: `/api/v1/awards/${x.awards[1].id}/transitions`, payload: { to: 'rectification_ordered', reason: '本副本', deadline: inFuture() } });
  t.equal(here.statusCode, 200);
  const heard = (await sub.next('next')) as { payload: { data: { awardStatusChanged: { awardId: string } } } };
  t.equal(heard.payload.data.awardStatusChanged.awardId, x.awards[1].id, "this copy's change");
  await sleep(200);
  t.equal(sub.count('next'), 0, "the other copy's change is not heard here");
});
