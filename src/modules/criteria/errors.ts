import { defineErrors } from '../../lib/errors.js';

/** Codes the criteria module (考评标准) answers with. */
export const criteriaErrors = defineErrors({
  criteria_frozen: { status: 409, title: 'Criteria Frozen', description: 'the cycle left enrollment: its criteria sets no longer change' },
  criteria_total_invalid: { status: 422, title: 'Criteria Total Invalid', description: 'the regular items\' maxPoints do not add up to the required total' },
  criteria_source_missing: { status: 422, title: 'Criteria Source Missing', description: 'the cycle copied from has no criteria set for the category' },
});
