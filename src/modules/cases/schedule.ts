import { systemContext } from '../../lib/principal.js';
import type { ScheduledJob } from '../../plugins/schedules.js';

/**
 * Fails case imports orphaned by a stopped process (their lease expired), at ready and then every interval; the same
 * switch as the rating import sweep (RATING_IMPORT_LEASE_SWEEP_INTERVAL_MS), since both run on the same runner.
 */
export const caseImportLeaseSweep: ScheduledJob = {
  name: 'case-import-lease-sweep',
  intervalMs: (config) => config.RATING_IMPORT_LEASE_SWEEP_INTERVAL_MS,
  atReady: true,
  run: (services) => services.caseImports.failOrphaned(),
};

/** 默认评价: gives the default rating to completed cases left unrated past DEFAULT_RATING_DAYS (ratings/defaults.ts). */
export const defaultRatingJob: ScheduledJob = {
  name: 'case-default-ratings',
  intervalMs: (config) => config.DEFAULT_RATING_INTERVAL_MS,
  atReady: true,
  run: (services) => services.defaultRatings.run(systemContext('case-default-ratings')),
};
