import { defineErrors } from '../../lib/errors.js';

/** Codes the ratings module (满意度评价) and its follow-ups (回访) answer with. */
export const ratingsErrors = defineErrors({
  rating_limit_reached: { status: 409, title: 'Rating Limit Reached', description: 'this respondent has already rated this unit today on a public channel' },
  follow_up_not_open: { status: 409, title: 'Follow-up Not Open', description: 'only an open follow-up can be contacted' },
  follow_up_not_contacted: { status: 409, title: 'Follow-up Not Contacted', description: 'a follow-up is contacted before it is resolved' },
  follow_up_resolved: { status: 409, title: 'Follow-up Resolved', description: 'the follow-up is already resolved' },
});
