import type { ScheduledJob } from '../../plugins/schedules.js';

/** Outbox dispatcher: every process delivers; rows are claimed with SKIP LOCKED, so N copies never double-send. */
export const webhookDispatch: ScheduledJob = {
  name: 'webhook-dispatch',
  intervalMs: (config) => config.WEBHOOK_DISPATCH_INTERVAL_MS,
  run: (services) => services.webhooks.dispatchDue(),
};
