import type { ScheduledJob } from '../../plugins/schedules.js';

/** Forgets expired Idempotency-Keys (IDEMPOTENCY_KEY_TTL_MS after first use); several copies may sweep at once harmlessly. */
export const idempotencyKeySweep: ScheduledJob = {
  name: 'idempotency-key-sweep',
  intervalMs: (config) => config.IDEMPOTENCY_KEY_SWEEP_INTERVAL_MS,
  run: (services) => services.idempotency.sweepExpired(),
};
