/**
 * One helper for every state machine (awards, problems, complaints, inspection tasks and rounds, scorecards,
 * rating follow-ups, cycle phases): the moves are declared once, and an illegal move is always 409
 * `illegal_transition` with `{ from, to, allowed }`.
 */
import { conflict, illegalTransition } from './errors.js';
import type { CodeWithStatus } from './errors.js';

/** How to word a refusal: a clearer detail, or (for machines whose clients know older codes) another 409 code. */
export interface Refusal {
  detail?: string;
  code?: CodeWithStatus<409>;
}

export interface StateMachine<S extends string> {
  readonly transitions: Readonly<Record<S, readonly S[]>>;
  /** The states `from` may move to. */
  allowed(from: S): readonly S[];
  can(from: S, to: S): boolean;
  /** The states a move to `to` may start from (for compare-and-set updates). */
  sources(to: S): S[];
  /** A final state allows no move. */
  isFinal(state: S): boolean;
  /** Throws 409 unless `from → to` is declared. */
  assert(entity: string, id: string, from: S, to: S, refusal?: Refusal): void;
  /** Throws 409 when `state` is final: for changes that keep the state but need the record still open. */
  assertOpen(entity: string, id: string, state: S, refusal?: Refusal): void;
}

export function stateMachine<S extends string>(transitions: Readonly<Record<S, readonly S[]>>): StateMachine<S> {
  const states = Object.keys(transitions) as S[];
  const refuse = (entity: string, id: string, from: S, to: S, refusal: Refusal = {}) => {
    const allowed = transitions[from];
    if (!refusal.code || refusal.code === 'illegal_transition') return illegalTransition(entity, id, from, to, allowed, refusal.detail);
    return conflict(refusal.code, refusal.detail ?? `${entity} ${id} is ${from}; it cannot move to ${to}`, { from, to, allowed: [...allowed] });
  };
  return {
    transitions,
    allowed: (from) => transitions[from],
    can: (from, to) => transitions[from].includes(to),
    sources: (to) => states.filter((s) => transitions[s].includes(to)),
    isFinal: (state) => transitions[state].length === 0,
    assert(entity, id, from, to, refusal) {
      if (!transitions[from].includes(to)) throw refuse(entity, id, from, to, refusal);
    },
    assertOpen(entity, id, state, refusal) {
      if (transitions[state].length === 0) throw refuse(entity, id, state, state, { detail: `${entity} ${id} is ${state}, which is final`, ...refusal });
    },
  };
}
