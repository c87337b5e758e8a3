import { defineErrors } from '../../lib/errors.js';

/** Codes the webhooks module answers with. */
export const webhooksErrors = defineErrors({
  webhook_target_refused: { status: 422, title: 'Webhook Target Refused', description: 'the webhook URL is not one the service may call' },
  delivery_not_failed: { status: 409, title: 'Delivery Not Failed', description: 'only failed deliveries are queued again' },
});
