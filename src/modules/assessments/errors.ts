import { defineErrors } from '../../lib/errors.js';

/** Codes the assessments module (考评打分) answers with. */
export const assessmentsErrors = defineErrors({
  scorecard_not_editable: { status: 409, title: 'Scorecard Not Editable', description: 'only a draft scorecard can be changed' },
  criteria_set_missing: { status: 409, title: 'Criteria Set Missing', description: 'the cycle has no criteria set for the unit\'s category' },
  cycle_not_in_assessment: { status: 409, title: 'Cycle Not In Assessment', description: 'scorecards change only while the cycle is in assessment' },
  unknown_criteria_key: { status: 422, title: 'Unknown Criteria Key', description: 'an item or bonus key is not in the scorecard\'s criteria set' },
});
