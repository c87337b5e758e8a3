import type { ScheduledJob } from '../../plugins/schedules.js';

/**
 * 逾期未整改自动黄牌: cycles with settings.awards.autoEscalateOverdue yellow-card overdue rectifications, as the
 * system. Each award moves under its row lock, so N copies never yellow-card twice.
 */
export const awardEscalation: ScheduledJob = {
  name: 'award-escalation',
  intervalMs: (config) => config.AWARD_ESCALATION_INTERVAL_MS,
  run: (services) => services.awards.escalateAutomatically(),
};
