import { systemContext } from '../../lib/principal.js';
import type { ScheduledJob } from '../../plugins/schedules.js';

/** Announces newly overdue rectifications (problem.overdue), once per deadline however many copies sweep. */
export const problemOverdueNotices: ScheduledJob = {
  name: 'problem-overdue-notices',
  intervalMs: (config) => config.PROBLEM_OVERDUE_NOTICE_INTERVAL_MS,
  run: (services) => services.problems.notifyOverdue(systemContext('problem-overdue')),
};
