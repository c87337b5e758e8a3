import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import type { Services } from '../modules/services.js';

/** A periodic job a module declares (src/modules/<noun>/schedule.ts); the schedules plugin runs it. */
export interface ScheduledJob {
  /** Names the job in logs. */
  name: string;
  /** Pause between the end of one run and the start of the next, from its own config switch; 0 = off in this process. */
  intervalMs(config: Config): number;
  /** Also run once as soon as the app is ready (recovery after a restart) rather than one interval later; only when switched on. */
  atReady?: boolean;
  run(services: Services): Promise<unknown>;
}

/**
 * Runs each switched-on job in this process once the app is ready. A job never overlaps itself (the next run is
 * timed from the end of the last), never keeps the process alive, and a failed run is logged and retried on the
 * next tick. Closing the app stops every job and waits for a run in progress, before the database closes.
 */
export default fp<{ jobs: readonly ScheduledJob[] }>(
  async (app, { jobs }) => {
    const stops: (() => Promise<void>)[] = [];

    const start = (job: ScheduledJob, intervalMs: number) => {
      let stopped = false;
      let timer: NodeJS.Timeout | undefined;
      let running: Promise<void> = Promise.resolve();
      const tick = () => {
        running = Promise.resolve()
          .then(() => job.run(app.services))
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

    app.addHook('onReady', async () => {
      for (const job of jobs) {
        const intervalMs = job.intervalMs(app.config);
        if (intervalMs > 0) stops.push(start(job, intervalMs));
      }
    });
    app.addHook('onClose', async () => {
      await Promise.all(stops.map((stop) => stop()));
    });
  },
  { name: 'schedules', dependencies: ['config', 'services'] },
);
