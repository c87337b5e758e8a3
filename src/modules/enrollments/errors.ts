import { defineErrors } from '../../lib/errors.js';

/** Codes the enrollments module (报名) answers with. */
export const enrollmentsErrors = defineErrors({
  already_enrolled: { status: 409, title: 'Already Enrolled', description: 'the unit is already enrolled in this cycle' },
  already_withdrawn: { status: 409, title: 'Already Withdrawn', description: 'the enrollment is already withdrawn' },
  already_disqualified: { status: 409, title: 'Already Disqualified', description: 'the enrollment is already disqualified (已取消评比资格)' },
  enrollment_disqualified: { status: 409, title: 'Enrollment Disqualified', description: 'the unit was disqualified from the cycle (取消评比资格) and cannot enroll or withdraw' },
  enrollment_withdrawn: { status: 409, title: 'Enrollment Withdrawn', description: 'the enrollment was withdrawn; there is nothing to disqualify' },
  enrollment_closed: { status: 409, title: 'Enrollment Closed', description: 'the cycle is not in its enrollment phase' },
  disqualification_closed: { status: 409, title: 'Disqualification Closed', description: 'the cycle is in a phase where enrollments can no longer be disqualified' },
});
