import { defineErrors } from '../../lib/errors.js';

/** Codes the webhooks module answers with. */
export const webhooksErrors = defineErrors({
  webhook_target_refused: { status: 422, title: 'Webhook Target Refused', description: 'the webhook URL is not one the service may call', zh: { title: '回调地址被拒绝', description: '该 Webhook 地址不是本服务可以调用的地址' } },
  delivery_not_failed: { status: 409, title: 'Delivery Not Failed', description: 'only failed deliveries are queued again', zh: { title: '投递未失败', description: '只有投递失败的记录可以重新排队' } },
});
