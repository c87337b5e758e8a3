import { defineErrors } from '../../lib/errors.js';

/** Codes the problems module (问题整改) answers with. */
export const problemsErrors = defineErrors({
  problem_closed: { status: 409, title: 'Problem Closed', description: 'the problem is verified and closed (已整改销号)', zh: { title: '问题已销号', description: '该问题已验收并销号（已整改销号）' } },
  letter_already_signed: { status: 409, title: 'Letter Already Signed', description: 'the responsibility letter (整改责任书) is already signed', zh: { title: '责任书已签订', description: '整改责任书已经签订' } },
});
