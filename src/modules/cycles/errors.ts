import { defineErrors } from '../../lib/errors.js';

/** Codes the cycles module (评比周期) answers with. */
export const cyclesErrors = defineErrors({
  cycle_settings_frozen: { status: 409, title: 'Cycle Settings Frozen', description: 'settings change only in draft or enrollment', zh: { title: '周期设置已冻结', description: '周期设置只能在草稿或报名阶段修改' } },
  preconditions_failed: { status: 409, title: 'Preconditions Failed', description: 'the phase move is legal but its preconditions do not hold (see `failed`)', zh: { title: '前置条件不满足', description: '阶段变更本身允许，但其前置条件不成立（见 failed）' } },
});
