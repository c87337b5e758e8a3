import { stateMachine } from '../../lib/state-machine.js';
import { addWorkingDays } from '../../lib/working-days.js';
import type { CaseState } from './schemas.js';

/**
 * 办件 states: a received case is accepted, returned for correction or refused; an accepted one is completed or
 * refused (不予许可). Completed, returned and refused are final (a corrected application is a new case).
 */
export const caseMachine = stateMachine<CaseState>({
  received: ['accepted', 'returned', 'refused'],
  accepted: ['completed', 'refused'],
  completed: [],
  returned: [],
  refused: [],
});

/** The moves that need a reason. */
export const REASON_REQUIRED: readonly CaseState[] = ['returned', 'refused'];

/** The promised deadline: the item's working days from acceptance, or from receipt while not yet accepted. */
export const caseDeadline = (start: Date, promisedDays: number): Date => addWorkingDays(start, promisedDays);

const WEEK_MS = 7 * 24 * 3600_000;

/**
 * What a completion tells: 按时办结 (by the promised deadline) and 一周办结. The source document names the
 * "一周办结制" (seed 000_b458a48aecf1ae83.txt, line 16: 以“一周办结制”为抓手，完善公开承诺、限时办结、首问负责…)
 * without defining it further; we read it as completed within 7 calendar days of receipt, the applicant's clock.
 */
export function completionFacts(c: { receivedAt: Date; deadline: Date }, completedAt: Date): { onTime: boolean; oneWeek: boolean } {
  return { onTime: completedAt.getTime() <= c.deadline.getTime(), oneWeek: completedAt.getTime() - c.receivedAt.getTime() <= WEEK_MS };
}
