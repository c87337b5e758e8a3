import { defineErrors } from '../../lib/errors.js';

/** Codes the problems module (问题整改) answers with. */
export const problemsErrors = defineErrors({
  problem_closed: { status: 409, title: 'Problem Closed', description: 'the problem is verified and closed (已整改销号)' },
  letter_already_signed: { status: 409, title: 'Letter Already Signed', description: 'the responsibility letter (整改责任书) is already signed' },
});
