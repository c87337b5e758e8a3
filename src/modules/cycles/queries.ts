import { asc, between, eq, inArray, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { cycles } from './tables.js';

/**
 * A cycle's windows, from the time it entered each phase (`phase_entered_at`; phases only move forward):
 * - `assessment` — 考评期: from entering assessment until entering ranking. 群众评价 (ratings) collected in it
 *   count toward the cycle.
 * - `evaluation` — from entering assessment until the cycle closes, i.e. assessment, ranking and naming
 *   (公示). Complaints received in it count toward the cycle: a substantiated complaint received while the
 *   names are on public notice still bars naming.
 * What counts is when the thing happened (collected / received at), never which phase is active when the
 * request arrives: a survey collected during assessment and imported a week later counts; one collected
 * after assessment ended does not. A cycle whose entry into a phase predates this record (rows created before
 * the column existed and not recoverable from the audit log) is treated as having been in it since always.
 */
export type CycleWindow = 'assessment' | 'evaluation';

const entered = (phase: string) => sql`(${cycles.phaseEnteredAt} ->> ${phase})::timestamptz`;
const ORDER = `array['draft','enrollment','assessment','ranking','naming','closed']::cycle_phase[]`;
const reached = (phase: string) => sql`array_position(${sql.raw(ORDER)}, ${cycles.phase}) >= array_position(${sql.raw(ORDER)}, ${phase}::cycle_phase)`;

/** The end of a window: the entry into the phase that closes it; open while the cycle has not reached it. */
function windowEnd(closingPhase: string): SQL {
  return sql`case when ${reached(closingPhase)} then coalesce(${entered(closingPhase)}, ${cycles.phaseChangedAt}) else 'infinity'::timestamptz end`;
}

const summary = { id: cycles.id, name: cycles.name, year: cycles.year, phase: cycles.phase };

export const cycleQueries = {
  /** id, name, year and phase of a cycle; `lock: 'share'` holds a concurrent phase move until the caller commits. */
  async summary(db: Db, id: string, lock?: 'share') {
    const q = db.select(summary).from(cycles).where(eq(cycles.id, id));
    return (lock ? await q.for('share') : await q)[0];
  },
  summaries(db: Db, ids: readonly string[]) {
    return db.select(summary).from(cycles).where(inArray(cycles.id, [...ids]));
  },
  async exists(db: Db, id: string): Promise<boolean> {
    return (await db.select({ id: cycles.id }).from(cycles).where(eq(cycles.id, id))).length > 0;
  },
  /** Which of these cycle ids exist (one query). */
  async existing(db: Db, ids: readonly string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    return new Set((await db.select({ id: cycles.id }).from(cycles).where(inArray(cycles.id, [...ids]))).map((r) => r.id));
  },
  /**
   * The windows of every cycle that has reached assessment, as SQL text the caller joins on `id`
   * (columns `id`, `starts_at`, `ends_at`; a half-open range [starts_at, ends_at)).
   */
  windowsSql(window: CycleWindow): SQL {
    const end = windowEnd(window === 'assessment' ? 'ranking' : 'closed');
    return sql`(select ${cycles.id} as id, coalesce(${entered('assessment')}, '-infinity'::timestamptz) as starts_at, ${end} as ends_at from ${cycles} where ${reached('assessment')})`;
  },
  /** Id, name and year of some cycles, oldest year first. */
  summariesByIds(db: Db, ids: readonly string[]) {
    return db.select({ id: cycles.id, name: cycles.name, year: cycles.year }).from(cycles).where(inArray(cycles.id, [...ids])).orderBy(asc(cycles.year), asc(cycles.id));
  },
  /** Id, name and year of the cycles of the years from..to (inclusive), oldest year first. */
  summariesInYears(db: Db, from: number, to: number) {
    return db.select({ id: cycles.id, name: cycles.name, year: cycles.year }).from(cycles).where(between(cycles.year, from, to)).orderBy(asc(cycles.year), asc(cycles.id));
  },
  /**
   * One settings group of every cycle (`settings -> group`, null when the cycle leaves it out), as a joinable
   * subquery on `id`: the module that registered the group reads its own fields (e.g. ratings' `defaultRating`).
   */
  settingsGroup(db: Db, group: string, alias = 'cycle_settings_group') {
    return db
      .select({ id: cycles.id, group: sql<Record<string, unknown> | null>`${cycles.settings} -> ${group}`.as('settings_group') })
      .from(cycles)
      .as(alias);
  },
  /** Ids of the cycles whose award settings ask for automatic escalation of overdue rectifications, as a subquery. */
  autoEscalatingIds(db: Db) {
    return db
      .select({ id: cycles.id })
      .from(cycles)
      .where(sql`coalesce((${cycles.settings} -> 'awards' ->> 'autoEscalateOverdue')::boolean, false)`);
  },
};
