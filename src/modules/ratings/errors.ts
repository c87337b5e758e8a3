import { defineErrors } from '../../lib/errors.js';

/** Codes the ratings module (满意度评价) and its follow-ups (回访) answer with. */
export const ratingsErrors = defineErrors({
  case_already_rated: { status: 409, title: 'Case Already Rated', description: 'one case, one rating: this case (办件) already has its rating', zh: { title: '该办件已评价', description: '一事一评：该办件已有评价' } },
  rating_limit_reached: { status: 409, title: 'Rating Limit Reached', description: 'this respondent has already rated this unit today on a public channel', zh: { title: '评价次数已达上限', description: '该评价人今天已在公众渠道评价过这个单位' } },
  follow_up_not_open: { status: 409, title: 'Follow-up Not Open', description: 'only an open follow-up can be contacted', zh: { title: '回访未处于待办', description: '只有待办的回访可以联系' } },
  follow_up_not_contacted: { status: 409, title: 'Follow-up Not Contacted', description: 'a follow-up is contacted before it is resolved', zh: { title: '回访尚未联系', description: '回访须先联系，才能办结' } },
  follow_up_resolved: { status: 409, title: 'Follow-up Resolved', description: 'the follow-up is already resolved', zh: { title: '回访已办结', description: '该回访已经办结' } },
});
