import { stateMachine } from '../../lib/state-machine.js';
import type { CalendarService } from '../calendar/service.js';
import type { CaseState } from './schemas.js';

/** A staff code (首问负责人, the staff who served a rating) is kept as HMAC only, domain-separated from respondent keys. */
export type StaffHasher = (staffCode: string) => string;
export const staffHasher =
  (hmac: (key: string) => string): StaffHasher =>
  (code) =>
    hmac(`staff:${code}`);

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
export const caseDeadline = (calendar: Pick<CalendarService, 'addWorkingDays'>, start: Date, promisedDays: number): Date =>
  calendar.addWorkingDays(start, promisedDays);

const WEEK_MS = 7 * 24 * 3600_000;

/**
 * What a completion tells: 按时办结 (by the promised deadline) and 一周办结. The source document names the
 * "一周办结制" (seed 000_b458a48aecf1ae83.txt, line 16: 以“一周办结制”为抓手，完善公开承诺、限时办结、首问负责…)
 * without defining it further; we read it as completed within 7 calendar days of receipt, the applicant's clock.
 */
export function completionFacts(c: { receivedAt: Date; deadline: Date }, completedAt: Date): { onTime: boolean; oneWeek: boolean } {
  return { onTime: completedAt.getTime() <= c.deadline.getTime(), oneWeek: completedAt.getTime() - c.receivedAt.getTime() <= WEEK_MS };
}

/**
 * Whether a case's reported history is one the state machine allows: accepted only if it was accepted, closed (with a
 * time, and a reason when returned or refused) only if it is in a final state, and the times in order. Null when fine.
 */
export function historyProblem(c: { state: CaseState; receivedAt: Date; acceptedAt?: Date; closedAt?: Date; reason?: string }): { field: string; message: string } | null {
  const path: CaseState[] = c.acceptedAt ? ['received', 'accepted'] : ['received'];
  if (c.state !== path[path.length - 1]) path.push(c.state);
  for (let i = 1; i < path.length; i++) {
    if (!caseMachine.can(path[i - 1], path[i])) return { field: c.acceptedAt ? 'acceptedAt' : 'state', message: `a case cannot go ${path.join(' → ')}` };
  }
  if (c.state === 'accepted' || c.state === 'completed') {
    if (!c.acceptedAt) return { field: 'acceptedAt', message: `a ${c.state} case has an acceptedAt` };
  }
  if (caseMachine.isFinal(c.state) !== !!c.closedAt) return { field: 'closedAt', message: caseMachine.isFinal(c.state) ? `a ${c.state} case has a closedAt` : `a ${c.state} case is not closed` };
  if (REASON_REQUIRED.includes(c.state) !== !!c.reason) return { field: 'reason', message: REASON_REQUIRED.includes(c.state) ? `a ${c.state} case has a reason` : `only a returned or refused case has a reason` };
  if (c.acceptedAt && c.acceptedAt < c.receivedAt) return { field: 'acceptedAt', message: 'is before receivedAt' };
  if (c.closedAt && c.closedAt < (c.acceptedAt ?? c.receivedAt)) return { field: 'closedAt', message: 'is before the step before it' };
  return null;
}
