import type { ScheduledJob } from '../../plugins/schedules.js';

/**
 * 逾期未整改自动黄牌: cycles with settings.awards.autoEscalateOverdue yellow-card overdue rectifications, as the
 * system. One copy at a time runs it (the schedules plugin's job lock); should two runs overlap anyway, each award
 * moves under its row lock and against the version that was overdue, so it is never yellow-carded twice.
 */
export const awardEscalation: ScheduledJob = {
  name: 'award-escalation',
  intervalMs: (config) => config.AWARD_ESCALATION_INTERVAL_MS,
  run: (services) => services.awards.escalateAutomatically(),
};
