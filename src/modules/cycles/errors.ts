import { defineErrors } from '../../lib/errors.js';

/** Codes the cycles module (评比周期) answers with. */
export const cyclesErrors = defineErrors({
  cycle_settings_frozen: { status: 409, title: 'Cycle Settings Frozen', description: 'settings change only in draft or enrollment' },
  preconditions_failed: { status: 409, title: 'Preconditions Failed', description: 'the phase move is legal but its preconditions do not hold (see `failed`)' },
});
