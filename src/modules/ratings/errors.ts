import { defineErrors } from '../../lib/errors.js';

/** Codes the ratings module (满意度评价) and its bad-rating loop (差评核实 → 整改 → 回访) answer with. */
export const ratingsErrors = defineErrors({
  case_already_rated: { status: 409, title: 'Case Already Rated', description: 'one case, one rating: this case (办件) already has its rating', zh: { title: '该办件已评价', description: '一事一评：该办件已有评价' } },
  rating_limit_reached: { status: 409, title: 'Rating Limit Reached', description: 'this respondent has already rated this unit today on a public channel', zh: { title: '评价次数已达上限', description: '该评价人今天已在公众渠道评价过这个单位' } },
  call_back_link_invalid: { status: 404, title: 'Call-back Link Invalid', description: 'the call-back link is not one this service issued', zh: { title: '回访链接无效', description: '该回访链接不是本系统签发的' } },
  call_back_link_expired: { status: 410, title: 'Call-back Link Expired', description: 'the call-back link has expired (CALL_BACK_LINK_DAYS)', zh: { title: '回访链接已过期', description: '该回访链接已超过有效期' } },
  call_back_already_given: { status: 409, title: 'Call-back Already Given', description: 'this bad rating has already been called back; a call-back is accepted once', zh: { title: '已回访', description: '该差评已完成回访，回访评价只能提交一次' } },
  call_back_not_ready: { status: 409, title: 'Call-back Not Ready', description: 'the call-back is accepted only after the rectification has been submitted', zh: { title: '尚未整改', description: '整改提交后才能回访评价' } },
});
