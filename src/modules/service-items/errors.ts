import { defineErrors } from '../../lib/errors.js';

/** Codes the service-item catalogue (政务服务事项) answers with. */
export const serviceItemsErrors = defineErrors({
  duplicate_item_code: {
    status: 409,
    title: 'Duplicate Item Code',
    description: 'a service item with this code (事项编码) already exists',
    zh: { title: '事项编码重复', description: '已存在该事项编码的服务事项' },
  },
});
