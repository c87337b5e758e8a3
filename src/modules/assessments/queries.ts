import { and, count, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { scorecardDeductions, scorecards } from './tables.js';

/** What other modules may read of assessments (考评打分). Only confirmed scorecards count toward a ranking. */
export const assessmentQueries = {
  /** The unit a scorecard deduction was recorded against (problem sources). */
  async deductionUnit(db: Db, deductionId: string): Promise<{ unitId: string } | undefined> {
    const rows = await db
      .select({ unitId: scorecards.unitId })
      .from(scorecardDeductions)
      .innerJoin(scorecards, eq(scorecards.id, scorecardDeductions.scorecardId))
      .where(eq(scorecardDeductions.id, deductionId));
    return rows[0];
  },
  /** 考评: confirmed scorecards of the cycle per unit, with their mean total. */
  confirmedStatsByUnit(db: Db, cycleId: string) {
    return db
      .select({ unitId: scorecards.unitId, n: count(), mean: sql<number>`avg(${scorecards.total})::float8`.mapWith(Number) })
      .from(scorecards)
      .where(and(eq(scorecards.cycleId, cycleId), eq(scorecards.status, 'confirmed')))
      .groupBy(scorecards.unitId);
  },
};
