import type { ScheduledJob } from '../../plugins/schedules.js';

/**
 * Fails rating imports orphaned by a stopped process (their lease expired), once as soon as the app is ready (the
 * restart after a crash) and then every interval. Jobs are claimed with SKIP LOCKED, so N copies never fail one twice.
 */
export const ratingImportLeaseSweep: ScheduledJob = {
  name: 'rating-import-lease-sweep',
  intervalMs: (config) => config.RATING_IMPORT_LEASE_SWEEP_INTERVAL_MS,
  atReady: true,
  run: (services) => services.ratingImports.failOrphaned(),
};
