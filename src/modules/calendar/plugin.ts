import fp from 'fastify-plugin';

/**
 * Loads the holiday calendar before the service answers, and keeps it current across copies: every
 * CALENDAR_REFRESH_INTERVAL_MS this copy compares the calendar revision with the one it loaded and reloads on a change
 * (src/modules/calendar/service.ts). A year without a national schedule is counted on weekends only; the current and
 * next year are named once in the log here and on every /readyz.
 */
export default fp(
  async (app) => {
    const calendar = app.services.calendar;
    await calendar.load();
    const missing = calendar.missingYears();
    if (missing.length) {
      app.log.warn({ years: missing }, `no holiday schedule (节假日安排) for ${missing.join(', ')}: deadlines in those years count weekends only until one is loaded (PUT /api/v1/calendar/years/{year})`);
    }
    const intervalMs = app.config.CALENDAR_REFRESH_INTERVAL_MS;
    if (intervalMs <= 0) return;
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> = Promise.resolve();
    let stopped = false;
    const tick = () => {
      running = calendar
        .refresh()
        .then(
          () => undefined,
          (err: unknown) => app.log.warn({ err }, 'holiday calendar not refreshed; keeping the one loaded, retrying next interval'),
        )
        .finally(() => {
          if (!stopped) schedule();
        });
    };
    const schedule = () => {
      timer = setTimeout(tick, intervalMs);
      timer.unref();
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
