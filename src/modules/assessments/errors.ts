import { defineErrors } from '../../lib/errors.js';

/** Codes the assessments module (考评打分) answers with. */
export const assessmentsErrors = defineErrors({
  scorecard_not_editable: { status: 409, title: 'Scorecard Not Editable', description: 'only a draft scorecard can be changed', zh: { title: '考评表不可修改', description: '只有草稿状态的考评表可以修改' } },
  criteria_set_missing: { status: 409, title: 'Criteria Set Missing', description: 'the cycle has no criteria set for the unit\'s category', zh: { title: '缺少考核标准', description: '本周期没有该单位类别的考核标准' } },
  cycle_not_in_assessment: { status: 409, title: 'Cycle Not In Assessment', description: 'scorecards change only while the cycle is in assessment', zh: { title: '周期不在考评阶段', description: '考评表只能在周期的考评阶段修改' } },
  unknown_criteria_key: { status: 422, title: 'Unknown Criteria Key', description: 'an item or bonus key is not in the scorecard\'s criteria set', zh: { title: '考核项不存在', description: '某个考核项或加分项的键不在该考评表所依据的考核标准中' } },
});
