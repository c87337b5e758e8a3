/**
 * The award state machine of docs/product.md (动态管理), pure:
 *
 *   active ──► rectification_ordered (限期整改, with a deadline) ──► active (整改验收) | yellow_card | revoked
 *   yellow_card (黄牌警告) ──► active (review period passed) | revoked
 *   active ──► revoked at once for a serious violation (严重违规)
 *   revoked (撤销荣誉/摘牌) is final for the cycle.
 */
import { invalid } from '../../lib/errors.js';
import { stateMachine } from '../../lib/state-machine.js';
import type { AwardStatus, TransitionInput } from './schemas.js';

export const legalMoves: Record<AwardStatus, readonly AwardStatus[]> = {
  active: ['rectification_ordered', 'revoked'],
  rectification_ordered: ['active', 'yellow_card', 'revoked'],
  yellow_card: ['active', 'revoked'],
  revoked: [],
};

export const awardMachine = stateMachine(legalMoves);

/** Checks that depend only on the request (before any row is read): the deadline rule. */
export function checkRequest(input: Pick<TransitionInput, 'to' | 'deadline'>, now: Date): void {
  if (input.to === 'rectification_ordered') {
    if (!input.deadline) throw invalid('deadline', 'a rectification order needs a deadline');
    if (Date.parse(input.deadline) <= now.getTime()) throw invalid('deadline', 'the rectification deadline must be in the future');
  } else if (input.deadline !== undefined) {
    throw invalid('deadline', `a deadline belongs to rectification_ordered only, not to ${input.to}`);
  }
}

/** Checks against the award's CURRENT state (read under lock). */
export function checkMove(awardId: string, from: AwardStatus, input: Pick<TransitionInput, 'to' | 'seriousViolation'>): void {
  const allowed = awardMachine.allowed(from);
  const can = allowed.length ? `it can move to ${allowed.join(' or ')}` : 'a revoked award is final';
  awardMachine.assert('award', awardId, from, input.to, { detail: `award ${awardId} cannot move from ${from} to ${input.to}: ${can}` });
  if (from === 'active' && input.to === 'revoked' && input.seriousViolation !== true) {
    throw invalid('seriousViolation', 'revoking an active award at once needs seriousViolation: true (严重违规); otherwise order a rectification first');
  }
}
