import { and, count, eq, inArray, notInArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { awardQueries } from '../awards/queries.js';
import { complaintQueries } from '../complaints/queries.js';
import { departmentQueries } from '../departments/queries.js';
import { enrollmentQueries } from '../enrollments/queries.js';
import { ratingQueries } from '../ratings/queries.js';
import { unitQueries } from '../units/queries.js';

/** The scoreboard reads other modules only through their queries. */
export const scoreboardRepository = {
  /** The cycle's participating units (enrollment `enrolled`: withdrawn and disqualified ones left out) with their department. */
  enrolledUnits(db: Db, cycleId: string, departmentId?: string) {
    const u = unitQueries.facts(db, 'enrolled_units');
    return db
      .select({ unitId: u.id, departmentId: u.departmentId })
      .from(u)
      .where(and(inArray(u.id, enrollmentQueries.participantIds(db, cycleId)), departmentId ? eq(u.departmentId, departmentId) : undefined));
  },

  /** Every award of the cycle with its unit, in certificate order. */
  awards: awardQueries.ofCycle,

  async departmentNames(db: Db, ids: readonly string[]): Promise<{ id: string; name: string }[]> {
    if (ids.length === 0) return [];
    return (await departmentQueries.byIds(db, ids)).map((d) => ({ id: d.id, name: d.name }));
  },

  /** Higher-level commendations (上级表彰) of the cycle, per department of the unit and level: one GROUP BY. */
  commendationCounts(db: Db, cycleId: string, departmentId?: string) {
    const c = awardQueries.commendationFacts(db);
    const u = unitQueries.facts(db, 'commended_units');
    return db
      .select({ departmentId: u.departmentId, level: c.level, n: count() })
      .from(c)
      .innerJoin(u, eq(u.id, c.unitId))
      .where(and(eq(c.cycleId, cycleId), departmentId ? eq(u.departmentId, departmentId) : undefined))
      .groupBy(u.departmentId, c.level);
  },

  /**
   * The departments' own ratings of the cycle (万人评机关 and 领导班子 ratings), per department, subject kind and level: one
   * GROUP BY; only ratings that count: not held or rejected (integrity review), nor among `excludedIds` (taken out by upheld appeals).
   */
  ownRatingCounts(db: Db, cycleId: string, departmentId?: string, excludedIds: readonly string[] = []) {
    const r = ratingQueries.subjectFacts(db, 'department_own_ratings');
    return db
      .select({ departmentId: r.departmentId, subjectKind: r.subjectKind, level: r.level, n: count() })
      .from(r)
      .where(
        and(
          eq(r.cycleId, cycleId),
          sql`${r.counts}`,
          sql`${r.subjectKind} <> 'unit'`,
          departmentId ? eq(r.departmentId, departmentId) : undefined,
          excludedIds.length ? notInArray(r.id, [...excludedIds]) : undefined,
        ),
      )
      .groupBy(r.departmentId, r.subjectKind, r.level);
  },

  /** Complaints of the cycle per department of the unit: one GROUP BY. */
  complaintCounts: complaintQueries.countsByDepartment,
};
