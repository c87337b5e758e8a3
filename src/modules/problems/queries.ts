import { and, count, eq, inArray, lt, not, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { problemMeasures, problems } from './tables.js';

/**
 * 逾期 — the one rule of an overdue problem: at time `at`, a problem is overdue when its rectification
 * deadline has passed without the rectification being verified by then: still unverified, or verified only
 * after the deadline (逾期整改). A problem verified late stays overdue; one verified on time never is.
 * A verified problem whose verification time is not recorded counts as verified on time.
 * Lists, the problem's `overdue` flag, statistics, the ranking's overdue penalty and the scoreboard all use
 * this predicate. (The overdue notice additionally needs the problem to be still unverified: see
 * `claimNewlyOverdue`.)
 */
export function isOverdue(at: Date): SQL {
  return and(lt(problems.deadline, at), not(verifiedOnTime))!;
}

/** Verified by its deadline (a verified problem whose verification time is not recorded counts as on time). */
const verifiedOnTime = sql`(${problems.status} = 'verified' and coalesce(${problems.verifiedAt} <= ${problems.deadline}, true))`;

/** The same rule on a loaded row. */
export function rowIsOverdue(r: { deadline: Date; status: string; verifiedAt: Date | null }, at: Date): boolean {
  const onTime = r.status === 'verified' && (r.verifiedAt === null || r.verifiedAt.getTime() <= r.deadline.getTime());
  return r.deadline.getTime() < at.getTime() && !onTime;
}

export const notOverdue = (at: Date): SQL => not(isOverdue(at));

export const problemQueries = {
  /** Overdue problems of the cycle per unit, as of `at`. */
  overdueCountsByUnit(db: Db, cycleId: string, at: Date) {
    return db
      .select({ unitId: problems.unitId, n: count() })
      .from(problems)
      .where(and(eq(problems.cycleId, cycleId), isOverdue(at)))
      .groupBy(problems.unitId);
  },
  /** Which of these problem ids exist (evidence checks). */
  async existingIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows = await db.select({ id: problems.id }).from(problems).where(inArray(problems.id, [...ids]));
    return new Set(rows.map((r) => r.id));
  },
  /**
   * Every problem as a joinable subquery (id, unitId, cycleId, status, isHot 热点难点, createdAt), with `overdue`: overdue at
   * `at` under the one rule (`isOverdue`: deadline passed and not verified by it; verified late stays overdue).
   */
  facts(db: Db, at: Date, alias = 'problem_facts') {
    return db
      .select({ id: problems.id, unitId: problems.unitId, cycleId: problems.cycleId, status: problems.status, isHot: problems.isHot, createdAt: problems.createdAt, overdue: sql<boolean>`${isOverdue(at)}`.as('overdue') })
      .from(problems)
      .as(alias);
  },
  /**
   * Every 整改措施 as a joinable subquery: a problem's measure takes the problem's unit and cycle (and the problem's
   * date when it has no cycle); an improvement-plan measure its own unit or department, cycle and date.
   */
  measureFacts(db: Db, alias = 'measure_facts') {
    return db
      .select({
        status: problemMeasures.status,
        ofProblem: sql<boolean>`${problemMeasures.problemId} is not null`.as('of_problem'),
        unitId: sql<string | null>`coalesce(${problems.unitId}, ${problemMeasures.unitId})`.as('unit_id'),
        departmentId: problemMeasures.departmentId,
        cycleId: sql<string | null>`coalesce(${problems.cycleId}, ${problemMeasures.cycleId})`.as('cycle_id'),
        createdAt: sql<Date>`coalesce(${problems.createdAt}, ${problemMeasures.createdAt})`.as('created_at'),
      })
      .from(problemMeasures)
      .leftJoin(problems, eq(problems.id, problemMeasures.problemId))
      .as(alias);
  },
};
