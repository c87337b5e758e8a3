import { defineErrors } from '../../lib/errors.js';

/** Codes the supervision module (明察暗访) answers with. */
export const supervisionErrors = defineErrors({
  already_reported: { status: 409, title: 'Already Reported', description: 'the inspection task already has its report' },
  problems_unavailable: { status: 409, title: 'Problems Unavailable', description: 'the problems module is not available to open problems from findings' },
  round_not_draft: { status: 409, title: 'Round Not Draft', description: 'only a draft inspection round can be edited' },
  round_has_open_tasks: { status: 409, title: 'Round Has Open Tasks', description: 'the round still has assigned or accepted tasks (see `openTasks`)' },
});
