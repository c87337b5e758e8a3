import { defineErrors } from '../../lib/errors.js';

/** Codes the units module (基层站所) answers with. */
export const unitsErrors = defineErrors({
  unit_inactive: { status: 409, title: 'Unit Inactive', description: 'the unit is already deactivated' },
  unit_active: { status: 409, title: 'Unit Active', description: 'the unit is active' },
});
