import { systemContext } from '../../lib/principal.js';
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

/**
 * 评价防刷: evaluates the integrity signals over the ratings of the last 7 days and holds the suspects (computing a
 * ranking also scans its cycle first). Concurrent copies cannot hold a rating twice: the update re-checks its status.
 */
export const ratingIntegrityScan: ScheduledJob = {
  name: 'rating-integrity-scan',
  intervalMs: (config) => config.RATING_INTEGRITY_SCAN_INTERVAL_MS,
  run: (services) => services.ratingIntegrity.scan(systemContext('rating-integrity')),
};

/**
 * 评价防刷 soon after intake: the incremental scan of the cycles this process took ratings for since its last run
 * (integrity.ts explains the design). Idle, it costs nothing: no lock, no statement. Once across copies by the job lock;
 * a copy that finds it taken keeps its marks for the next tick.
 */
export const ratingIntegritySoon: ScheduledJob = {
  name: 'rating-integrity-soon',
  intervalMs: (config) => config.RATING_INTEGRITY_SCAN_DELAY_MS,
  idle: (services) => !services.ratingIntegrity.hasDirty(),
  run: (services) => services.ratingIntegrity.scanDirty(systemContext('rating-integrity')),
};
