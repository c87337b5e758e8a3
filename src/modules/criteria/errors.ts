import { defineErrors } from '../../lib/errors.js';

/** Codes the criteria module (考评标准) answers with. */
export const criteriaErrors = defineErrors({
  criteria_frozen: { status: 409, title: 'Criteria Frozen', description: 'the cycle left enrollment: its criteria sets no longer change', zh: { title: '考核标准已冻结', description: '周期已结束报名阶段，其考核标准不再变更' } },
  criteria_total_invalid: { status: 422, title: 'Criteria Total Invalid', description: 'the regular items\' maxPoints do not add up to the required total', zh: { title: '考核标准总分不符', description: '常规考核项的分值之和不等于规定总分' } },
  criteria_source_missing: { status: 422, title: 'Criteria Source Missing', description: 'the cycle copied from has no criteria set for the category', zh: { title: '来源考核标准缺失', description: '被复制的周期没有该类别的考核标准' } },
});
