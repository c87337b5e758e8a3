import { defineErrors } from '../../lib/errors.js';

/** Codes the regions module (行政区划) answers with. */
export const regionsErrors = defineErrors({
  duplicate_code: { status: 409, title: 'Duplicate Code', description: 'a region with this code already exists', zh: { title: '区划代码重复', description: '已存在该代码的行政区' } },
});
