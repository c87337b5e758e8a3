import type { ScheduledJob } from '../../plugins/schedules.js';

/**
 * The sealer: links committed audit entries into the hash chain. Every copy of the service runs it; the one holding the
 * sealer's advisory lock seals, the others skip their turn.
 */
export const auditSealer: ScheduledJob = {
  name: 'audit-sealer',
  intervalMs: (config) => config.AUDIT_SEAL_INTERVAL_MS,
  run: (services) => services.audit.seal({ wait: false }),
};

/** Signs the chain head at intervals (ranking publications take their own); a head already signed is not signed again. */
export const auditCheckpoints: ScheduledJob = {
  name: 'audit-checkpoints',
  intervalMs: (config) => config.AUDIT_CHECKPOINT_INTERVAL_MS,
  run: (services) => services.audit.checkpointIfDue(services.config.AUDIT_CHECKPOINT_INTERVAL_MS),
};
