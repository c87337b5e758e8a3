import { defineErrors } from '../../lib/errors.js';

/** Codes the enrollments module (报名) answers with. */
export const enrollmentsErrors = defineErrors({
  already_enrolled: { status: 409, title: 'Already Enrolled', description: 'the unit is already enrolled in this cycle', zh: { title: '已经报名', description: '该单位已报名参加本周期' } },
  already_withdrawn: { status: 409, title: 'Already Withdrawn', description: 'the enrollment is already withdrawn', zh: { title: '已经退出', description: '该报名已经退出' } },
  already_disqualified: { status: 409, title: 'Already Disqualified', description: 'the enrollment is already disqualified (已取消评比资格)', zh: { title: '已取消资格', description: '该报名已被取消评比资格' } },
  enrollment_disqualified: { status: 409, title: 'Enrollment Disqualified', description: 'the unit was disqualified from the cycle (取消评比资格) and cannot enroll or withdraw', zh: { title: '已取消评比资格', description: '该单位已被取消本周期评比资格，不能报名或退出' } },
  enrollment_withdrawn: { status: 409, title: 'Enrollment Withdrawn', description: 'the enrollment was withdrawn; there is nothing to disqualify', zh: { title: '报名已退出', description: '该报名已退出，无资格可取消' } },
  enrollment_closed: { status: 409, title: 'Enrollment Closed', description: 'the cycle is not in its enrollment phase', zh: { title: '报名未开放', description: '周期不在报名阶段' } },
  disqualification_closed: { status: 409, title: 'Disqualification Closed', description: 'the cycle is in a phase where enrollments can no longer be disqualified', zh: { title: '不能取消资格', description: '周期所处阶段已不能取消报名单位的评比资格' } },
});
