import { defineErrors } from '../../lib/errors.js';

/** Codes the units module (基层站所) answers with. */
export const unitsErrors = defineErrors({
  unit_inactive: { status: 409, title: 'Unit Inactive', description: 'the unit is already deactivated', zh: { title: '单位已停用', description: '该单位已经停用' } },
  unit_active: { status: 409, title: 'Unit Active', description: 'the unit is active', zh: { title: '单位在用', description: '该单位处于在用状态' } },
});

/** An org code (统一社会信用代码/组织机构代码) names one unit: what a create, an update or an import row is told when another unit holds it. */
export const orgCodeTaken = (code: string | null | undefined) => `a unit with org code ${code} already exists`;
