import type { ScheduledJob } from '../../plugins/schedules.js';

/** Fails department imports orphaned by a stopped process (their lease expired); the same switch as the other import sweeps. */
export const departmentImportLeaseSweep: ScheduledJob = {
  name: 'department-import-lease-sweep',
  intervalMs: (config) => config.RATING_IMPORT_LEASE_SWEEP_INTERVAL_MS,
  atReady: true,
  run: (services) => services.departmentImports.failOrphaned(),
};
