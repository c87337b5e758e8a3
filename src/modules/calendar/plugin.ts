import fp from 'fastify-plugin';

/** While the calendar could not be read at all (database away, migrations pending), retry this often. */
const RETRY_UNLOADED_MS = 5_000;

/**
 * Loads the holiday calendar before the service answers, and keeps it current across copies: every
 * CALENDAR_REFRESH_INTERVAL_MS this copy compares the calendar revision with the one it loaded and reloads on a change
 * (src/modules/calendar/service.ts). A year without a national schedule is counted on weekends only; the current and
 * next year are named once in the log here and on every /readyz. A calendar that cannot be read at start (database
 * away, migrations pending) does not stop the service: deadlines count weekends only until a retry loads it.
 */
export default fp(
  async (app) => {
    const calendar = app.services.calendar;
    const intervalMs = app.config.CALENDAR_REFRESH_INTERVAL_MS;
    let warned = false;
    const warnMissing = () => {
      const missing = calendar.missingYears();
      if (warned || !missing.length) return;
      warned = true;
      app.log.warn({ years: missing }, `no holiday schedule (节假日安排) for ${missing.join(', ')}: deadlines in those years count weekends only until one is loaded (PUT /api/v1/calendar/years/{year})`);
    };
    try {
      await calendar.load();
      warnMissing();
    } catch (err) {
      app.log.warn({ err }, `holiday calendar not loaded: deadlines count weekends only until it is (retrying every ${RETRY_UNLOADED_MS} ms)`);
    }

    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> = Promise.resolve();
    let stopped = false;
    const schedule = () => {
      const delay = calendar.loaded ? intervalMs : intervalMs > 0 ? Math.min(intervalMs, RETRY_UNLOADED_MS) : RETRY_UNLOADED_MS;
      if (stopped || delay <= 0) return;
      timer = setTimeout(tick, delay);
      timer.unref();
    };
    const tick = () => {
      running = calendar
        .refresh()
        .then(
          () => warnMissing(),
          (err: unknown) => app.log.warn({ err }, 'holiday calendar not refreshed; keeping the one loaded, retrying'),
        )
        .finally(schedule);
    };
    schedule();
    app.addHook('onClose', async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    });
  },
  { name: 'calendar', dependencies: ['config', 'services'] },
);
