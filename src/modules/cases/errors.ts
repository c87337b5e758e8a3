import { defineErrors } from '../../lib/errors.js';

/** Codes the cases module (办件) answers with. */
export const casesErrors = defineErrors({
  duplicate_case: {
    status: 409,
    title: 'Duplicate Case',
    description: 'a case with this number already exists for this source',
    zh: { title: '办件编号重复', description: '该来源已存在此办件编号' },
  },
});
