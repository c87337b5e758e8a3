import t from 'tap';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { testConfig } from '../src/config.js';
import type { Config } from '../src/config.js';
import configPlugin from '../src/plugins/config.js';
import schedulesPlugin from '../src/plugins/schedules.js';
import type { ScheduledJob } from '../src/plugins/schedules.js';
import { referenceWorld } from './fixtures.js';
import { setup } from './helper.js';

// Periodic jobs as an operator sees them: each behind its own switch, stopped with the app, never overlapping,
// and a failure is a log line naming the job, not a crash.

const INTERVAL = 5;

/** Rejects when `p` has not settled in time, so no test can hang on a job that never runs. */
async function within<T>(p: Promise<T>, what: string, ms = 3000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)));
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Counts runs and lets a test wait until the n-th. */
function runs() {
  let count = 0;
  const waiting: { n: number; resolve: () => void }[] = [];
  return {
    get count() {
      return count;
    },
    hit() {
      count++;
      for (const w of waiting.filter((w) => w.n <= count)) w.resolve();
    },
    reached(n: number, what = `run ${n}`) {
      return within(count >= n ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ n, resolve })), what);
    },
  };
}

/** The schedules plugin alone, over a stand-in for the services, with its error log captured. */
async function scheduler(jobs: ScheduledJob[], config: Partial<Config> = {}) {
  const logs: { level: number; msg: string; job?: string; err?: { message: string } }[] = [];
  const app: FastifyInstance = Fastify({ logger: { level: 'error', stream: { write: (line: string) => void logs.push(JSON.parse(line)) } } });
  await app.register(configPlugin, { config: testConfig(config) });
  await app.register(
    fp(
      async (a) => {
        a.decorate('services', {} as never);
      },
      { name: 'services' },
    ),
  );
  await app.register(schedulesPlugin, { jobs });
  await app.ready();
  return { app, logs };
}

t.test('a job whose switch is above 0 runs every interval, and never again once the app has closed', async (t) => {
  const sweep = runs();
  const { app } = await scheduler([{ name: 'sweep', intervalMs: (c) => c.AWARD_ESCALATION_INTERVAL_MS, run: async () => sweep.hit() }], { AWARD_ESCALATION_INTERVAL_MS: INTERVAL });
  await sweep.reached(3);
  await app.close();
  const atClose = sweep.count;
  await sleep(INTERVAL * 10);
  t.equal(sweep.count, atClose, 'no run after close');
});

t.test('a job whose switch is 0 never starts', async (t) => {
  const on = runs();
  const off = runs();
  const { app } = await scheduler(
    [
      { name: 'on', intervalMs: (c) => c.WEBHOOK_DISPATCH_INTERVAL_MS, run: async () => on.hit() },
      { name: 'off', intervalMs: (c) => c.AWARD_ESCALATION_INTERVAL_MS, run: async () => off.hit() },
    ],
    { WEBHOOK_DISPATCH_INTERVAL_MS: INTERVAL, AWARD_ESCALATION_INTERVAL_MS: 0 },
  );
  t.teardown(() => app.close());
  await on.reached(5, 'five runs of the switched-on job');
  t.equal(off.count, 0, 'the switched-off job never ran meanwhile');
});

t.test('a run that throws is logged with the job name, and the next tick still runs', async (t) => {
  const attempts = runs();
  const { app, logs } = await scheduler([
    {
      name: 'flaky-sweep',
      intervalMs: () => INTERVAL,
      run: async () => {
        attempts.hit();
        if (attempts.count === 1) throw new Error('database hiccup');
      },
    },
  ]);
  t.teardown(() => app.close());
  await attempts.reached(2, 'the run after the failure');
  t.match(logs, [{ level: 50, job: 'flaky-sweep', msg: /flaky-sweep/, err: { message: 'database hiccup' } }]);
});

t.test('runs never overlap: the next starts only after the previous one has finished', async (t) => {
  const started = runs();
  let active = 0;
  let mostAtOnce = 0;
  let release: () => void = () => undefined;
  const { app } = await scheduler([
    {
      name: 'slow-sweep',
      intervalMs: () => INTERVAL,
      run: async () => {
        active++;
        mostAtOnce = Math.max(mostAtOnce, active);
        started.hit();
        if (started.count === 1) await new Promise<void>((r) => (release = r));
        active--;
      },
    },
  ]);
  t.teardown(() => app.close());
  await started.reached(1);
  await sleep(INTERVAL * 10);
  t.equal(started.count, 1, 'no second run while the first is still going');
  release();
  await started.reached(3, 'runs after the slow one finished');
  t.equal(mostAtOnce, 1);
});

t.test('closing the app waits for a run in progress', async (t) => {
  const started = runs();
  let release: () => void = () => undefined;
  let finished = false;
  const { app } = await scheduler([
    {
      name: 'slow-sweep',
      intervalMs: () => INTERVAL,
      run: async () => {
        started.hit();
        await new Promise<void>((r) => (release = r));
        finished = true;
      },
    },
  ]);
  await started.reached(1);
  let closed = false;
  const closing = app.close().then(() => (closed = true));
  await sleep(INTERVAL * 4);
  t.notOk(closed, 'still closing while the run is in progress');
  release();
  await within(closing, 'app.close()');
  t.ok(finished, 'the run finished before the app closed');
  t.equal(started.count, 1);
});

t.test('the service sweeps on its own switch: overdue rectifications are announced without anyone asking', async (t) => {
  const h = await setup(t, { config: { PROBLEM_OVERDUE_NOTICE_INTERVAL_MS: 20 } });
  const s = h.app.services;
  const calls = { dispatch: 0, escalate: 0, overdue: runs() };
  const { dispatchDue } = s.webhooks;
  const { escalateAutomatically } = s.awards;
  const { notifyOverdue } = s.problems;
  s.webhooks.dispatchDue = (...a) => (calls.dispatch++, dispatchDue(...a));
  s.awards.escalateAutomatically = (...a) => (calls.escalate++, escalateAutomatically(...a));
  s.problems.notifyOverdue = (...a) => notifyOverdue(...a).finally(() => calls.overdue.hit());

  const w = await referenceWorld(h);
  const created = await h.as('admin', {
    method: 'POST',
    url: '/api/v1/problems',
    payload: { unitId: w.units.taxHallA.id, sourceType: 'manual', severity: 'major', description: '办税指南未及时更新' },
  });
  t.equal(created.statusCode, 201, created.body);
  const p = created.json();
  await h.sql(`update problems set deadline = now() - interval '1 day' where id = $1`, [p.id]);
  const overdueEvents = () => h.sql(`select payload from outbox_events where type = 'problem.overdue' and payload->>'problemId' = $1`, [p.id]);
  // Two sweeps after the deadline was moved: the later one saw it.
  const seen = calls.overdue.count;
  await calls.overdue.reached(seen + 2, 'two overdue sweeps');
  t.equal((await overdueEvents()).length, 1, 'announced once by the sweep');

  await h.app.close();
  const atClose = calls.overdue.count;
  await sleep(100);
  t.equal(calls.overdue.count, atClose, 'no sweep after close');
  t.equal(calls.dispatch, 0, 'the webhook dispatcher stayed off (WEBHOOK_DISPATCH_INTERVAL_MS 0)');
  t.equal(calls.escalate, 0, 'award escalation stayed off (AWARD_ESCALATION_INTERVAL_MS 0)');
});
