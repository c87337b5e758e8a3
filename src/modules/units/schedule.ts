import type { ScheduledJob } from '../../plugins/schedules.js';

/** Fails unit imports orphaned by a stopped process (their lease expired); the same switch as the rating and case import sweeps. */
export const unitImportLeaseSweep: ScheduledJob = {
  name: 'unit-import-lease-sweep',
  intervalMs: (config) => config.RATING_IMPORT_LEASE_SWEEP_INTERVAL_MS,
  atReady: true,
  run: (services) => services.unitImports.failOrphaned(),
};
