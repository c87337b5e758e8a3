import { defineErrors } from '../../lib/errors.js';

/** Codes the complaints module (投诉) answers with. */
export const complaintsErrors = defineErrors({
  not_investigating: { status: 409, title: 'Not Investigating', description: 'responses are taken only while the complaint is investigating', zh: { title: '投诉不在调查中', description: '只有在调查阶段的投诉才能接收答复' } },
});
