import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { jobLockKey, openJobLocks } from '../db/job-locks.js';
import type { Services } from '../modules/services.js';

/** A periodic job a module declares (src/modules/<noun>/schedule.ts); the schedules plugin runs it. */
export interface ScheduledJob {
  /** Names the job in logs. */
  name: string;
  /** Pause between the end of one run and the start of the next, from its own config switch; 0 = off in this process. */
  intervalMs(config: Config): number;
  /** Also run once as soon as the app is ready (recovery after a restart) rather than one interval later; only when switched on. */
  atReady?: boolean;
  /** Nothing to do in this process (checked in memory at each tick): the tick is skipped, without its lock. */
  idle?(services: Services): boolean;
  run(services: Services): Promise<unknown>;
}

declare module 'fastify' {
  interface FastifyInstance {
    schedules: {
      /**
       * Runs the named job once now, under the same lock as its timed runs (operators' tools, tests). False when a run
       * of it is already going on here or in another copy (nothing was done).
       */
      runNow(name: string): Promise<boolean>;
    };
  }
}

/**
 * Runs each switched-on job in this process once the app is ready. A job never overlaps itself (the next run is
 * timed from the end of the last), never keeps the process alive, and a failed run is logged and retried on the
 * next tick. Closing the app stops every job and waits for a run in progress, before the database closes.
 *
 * Once across copies: given the database, each run first takes the job's PostgreSQL session advisory lock, keyed by
 * the job's name (src/db/job-locks.ts: `pg_try_advisory_lock` on a connection of its own, released after the run; a
 * lost connection releases it); a copy that finds it taken skips that run and tries again one interval later. So N
 * copies run each job about once per interval between them, and a deployment without Redis is just as safe. The lock
 * is generic — any job in the list gets it, whatever the job does inside. Jobs stay safe if two runs overlap anyway (a
 * lock lost mid-run): each claims its rows under row locks or SKIP LOCKED. On PGlite (one process) the lock is this
 * process's only.
 */
export default fp<{ jobs: readonly ScheduledJob[]; database?: Database }>(
  async (app, { jobs, database }) => {
    const keys = new Map<number, string>();
    for (const job of jobs) {
      const clash = keys.get(jobLockKey(job.name));
      if (clash !== undefined) throw new Error(`scheduled jobs ${clash} and ${job.name} have the same name or lock key: rename one`);
      keys.set(jobLockKey(job.name), job.name);
    }
    const locks = openJobLocks(database, {
      holders: Math.max(1, jobs.length),
      onLockLost: (name, err) => app.log.warn({ err, job: name }, `scheduled job ${name} lost its lock connection; the run goes on, another copy may start one`),
    });
    const stops: (() => Promise<void>)[] = [];

    const runOnce = async (job: ScheduledJob): Promise<boolean> => {
      const ran = await locks.tryRun(job.name, () => job.run(app.services));
      if (!ran) app.log.debug({ job: job.name }, `scheduled job ${job.name} skipped: a run is going on elsewhere`);
      return ran;
    };

    const start = (job: ScheduledJob, intervalMs: number) => {
      let stopped = false;
      let timer: NodeJS.Timeout | undefined;
      let running: Promise<void> = Promise.resolve();
      const tick = () => {
        running = Promise.resolve()
          .then(() => (job.idle?.(app.services) ? undefined : runOnce(job)))
          .then(
            () => undefined,
            (err: unknown) => app.log.error({ err, job: job.name }, `scheduled job ${job.name} failed`),
          )
          .finally(() => {
            if (!stopped) next();
          });
      };
      const next = (delayMs = intervalMs) => {
        timer = setTimeout(tick, delayMs);
        timer.unref();
      };
      next(job.atReady ? 0 : intervalMs);
      return async () => {
        stopped = true;
        clearTimeout(timer);
        await running;
      };
    };

    const manual = new Set<Promise<unknown>>();
    app.decorate('schedules', {
      async runNow(name: string) {
        const job = jobs.find((j) => j.name === name);
        if (!job) throw new Error(`no scheduled job named ${name}`);
        const run = runOnce(job);
        manual.add(run);
        try {
          return await run;
        } finally {
          manual.delete(run);
        }
      },
    });

    app.addHook('onReady', async () => {
      for (const job of jobs) {
        const intervalMs = job.intervalMs(app.config);
        if (intervalMs > 0) stops.push(start(job, intervalMs));
      }
    });
    app.addHook('onClose', async () => {
      await Promise.all(stops.map((stop) => stop()));
      await Promise.allSettled([...manual]);
      await locks.close();
    });
  },
  { name: 'schedules', dependencies: ['config', 'services'] },
);
