import type { ScheduledJob } from '../../plugins/schedules.js';

/**
 * Outbox dispatcher: one copy at a time delivers (the schedules plugin's job lock); rows are claimed with SKIP LOCKED
 * and a lease, so even overlapping runs never send one delivery twice at once.
 */
export const webhookDispatch: ScheduledJob = {
  name: 'webhook-dispatch',
  intervalMs: (config) => config.WEBHOOK_DISPATCH_INTERVAL_MS,
  run: (services) => services.webhooks.dispatchDue(),
};
