import { and, eq, sql } from 'drizzle-orm';
import type { AnyColumn, SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { enrollments } from './tables.js';
import { cycleQueries } from '../cycles/queries.js';
import type { CycleWindow } from '../cycles/queries.js';
import type { Category } from '../units/schemas.js';

/**
 * 参评单位 — the one rule of participation: a unit takes part in a cycle while its enrollment's status is
 * `enrolled`. A withdrawn unit (退出) and a disqualified one (取消评比资格) do not: they are not ranked, not
 * named, do not count as "units taking part" in statistics or the scoreboard, and records about them get no
 * cycle. Disqualifications are counted on their own.
 */
export const PARTICIPATING = 'enrolled' as const;

export const enrollmentQueries = {
  /** What an appeal (申诉) against a disqualification needs: the enrollment's unit, cycle and status. */
  async appealSubject(db: Db, enrollmentId: string): Promise<{ unitId: string; cycleId: string; status: string } | undefined> {
    return (await db.select({ unitId: enrollments.unitId, cycleId: enrollments.cycleId, status: enrollments.status }).from(enrollments).where(eq(enrollments.id, enrollmentId)))[0];
  },
  /** The units taking part in a cycle, as a subquery of unit ids. */
  participantIds(db: Db, cycleId: string) {
    return db
      .select({ id: enrollments.unitId })
      .from(enrollments)
      .where(and(eq(enrollments.cycleId, cycleId), eq(enrollments.status, PARTICIPATING)));
  },
  /** The units taking part in a cycle with the category they enrolled in, as a subquery the caller joins on `unitId`. */
  participantsOf(db: Db, cycleId: string, alias = 'participants') {
    return db
      .select({ unitId: enrollments.unitId, category: enrollments.category })
      .from(enrollments)
      .where(and(eq(enrollments.cycleId, cycleId), eq(enrollments.status, PARTICIPATING)))
      .as(alias);
  },
  /** Every enrollment's (id, cycleId, unitId), any status, as a subquery to join on (cycleId, unitId). */
  keys(db: Db, alias = 'enrollment_keys') {
    return db.select({ id: enrollments.id, cycleId: enrollments.cycleId, unitId: enrollments.unitId }).from(enrollments).as(alias);
  },
  /** The unit's enrollment if it takes part, else null. */
  async activeEnrollment(db: Db, cycleId: string, unitId: string) {
    const rows = await db
      .select()
      .from(enrollments)
      .where(and(eq(enrollments.cycleId, cycleId), eq(enrollments.unitId, unitId), eq(enrollments.status, PARTICIPATING)));
    return rows[0] ?? null;
  },
  /** Enrollment status of each unit in the cycle (any status), for decisions that explain exclusions. */
  statusesOf(db: Db, cycleId: string) {
    return db.select({ unitId: enrollments.unitId, status: enrollments.status, category: enrollments.category }).from(enrollments).where(eq(enrollments.cycleId, cycleId));
  },
  /** Categories with at least one unit taking part. */
  async participatingCategories(db: Db, cycleId: string): Promise<Category[]> {
    const rows = await db
      .selectDistinct({ category: enrollments.category })
      .from(enrollments)
      .where(and(eq(enrollments.cycleId, cycleId), eq(enrollments.status, PARTICIPATING)));
    return rows.map((r) => r.category);
  },
  /**
   * Every enrollment as a joinable subquery (cycleId, unitId, status), with `participating`: the enrollment
   * takes part under the rule above (status `enrolled`).
   */
  facts(db: Db, alias = 'enrollment_facts') {
    return db
      .select({ cycleId: enrollments.cycleId, unitId: enrollments.unitId, status: enrollments.status, participating: sql<boolean>`${enrollments.status} = ${PARTICIPATING}`.as('participating') })
      .from(enrollments)
      .as(alias);
  },
};

/**
 * 归属周期 — which cycle a record about a unit counts toward: the newest cycle the unit takes part in whose
 * window (see cycles/queries.ts) contains the moment the record happened; none when there is no such cycle.
 * `participationWindows` is the set the single writes and the bulk imports both join, so they attribute alike.
 */
export function participationWindows(window: CycleWindow): SQL {
  return sql`(select e.unit_id, e.cycle_id, w.starts_at, w.ends_at from ${enrollments} e join ${cycleQueries.windowsSql(window)} w on w.id = e.cycle_id where e.status = ${PARTICIPATING})`;
}

/** The same rule as a scalar subquery on the caller's unit id (a column or a value), for a caller's own statement. */
export function cycleForSql(unitId: SQL | AnyColumn, at: Date | SQL, window: CycleWindow): SQL {
  // An SQL `at` (a prepared statement's placeholder) stands for the ISO text.
  const iso = at instanceof Date ? at.toISOString() : at;
  return sql`(select pw.cycle_id from ${participationWindows(window)} pw where pw.unit_id = ${unitId} and pw.starts_at <= ${iso}::timestamptz and ${iso}::timestamptz < pw.ends_at order by pw.cycle_id desc limit 1)`;
}

/** The cycle a record about `unitId` that happened at `at` counts toward, or null. */
export async function cycleFor(db: Db, unitId: string, at: Date, window: CycleWindow): Promise<string | null> {
  const res = await db.execute(sql`select ${cycleForSql(sql`${unitId}::uuid`, at, window)} as id`);
  return ((res as unknown as { rows: { id: string | null }[] }).rows[0]?.id as string | null | undefined) ?? null;
}
