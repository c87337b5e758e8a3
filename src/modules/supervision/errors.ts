import { defineErrors } from '../../lib/errors.js';

/** Codes the supervision module (明察暗访) answers with. */
export const supervisionErrors = defineErrors({
  already_reported: { status: 409, title: 'Already Reported', description: 'the inspection task already has its report', zh: { title: '已提交报告', description: '该暗访任务已有报告' } },
  problems_unavailable: { status: 409, title: 'Problems Unavailable', description: 'the problems module is not available to open problems from findings', zh: { title: '问题整改不可用', description: '问题整改模块不可用，无法根据发现的问题立项' } },
  report_of_task: { status: 409, title: 'Report Of Task', description: 'the report belongs to a task: review it through the task', zh: { title: '任务报告', description: '该报告属于暗访任务，请通过任务审核' } },
  already_reviewed: { status: 409, title: 'Already Reviewed', description: 'the inspection report was already reviewed', zh: { title: '已审核', description: '该暗访报告已审核' } },
  round_not_draft: { status: 409, title: 'Round Not Draft', description: 'only a draft inspection round can be edited', zh: { title: '轮次不是草稿', description: '只有草稿状态的暗访轮次可以编辑' } },
  round_has_open_tasks: { status: 409, title: 'Round Has Open Tasks', description: 'the round still has assigned or accepted tasks (see `openTasks`)', zh: { title: '轮次仍有未完成任务', description: '该轮次仍有已派发或已接受的任务（见 openTasks）' } },
});
