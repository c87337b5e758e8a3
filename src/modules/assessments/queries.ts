import { and, count, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { criteriaQueries } from '../criteria/queries.js';
import { scorecardDeductions, scorecards } from './tables.js';

/** What other modules may read of assessments (考评打分). Only confirmed scorecards count toward a ranking. */
export const assessmentQueries = {
  /** The unit each scorecard deduction was recorded against (problem sources), in one query; unknown ids are absent. */
  async deductionUnits(db: Db, deductionIds: readonly string[]): Promise<Map<string, { unitId: string }>> {
    if (deductionIds.length === 0) return new Map();
    const rows = await db
      .select({ id: scorecardDeductions.id, unitId: scorecards.unitId })
      .from(scorecardDeductions)
      .innerJoin(scorecards, eq(scorecards.id, scorecardDeductions.scorecardId))
      .where(inArray(scorecardDeductions.id, [...deductionIds]));
    return new Map(rows.map((r) => [r.id, { unitId: r.unitId }]));
  },
  /** What an appeal (申诉) needs of a deduction: its unit and cycle, and the inspector who recorded it. */
  async deductionSubject(db: Db, deductionId: string): Promise<{ unitId: string; cycleId: string; actors: string[] } | undefined> {
    const [r] = await db
      .select({ unitId: scorecards.unitId, cycleId: scorecards.cycleId, inspector: scorecards.inspectorSubject })
      .from(scorecardDeductions)
      .innerJoin(scorecards, eq(scorecards.id, scorecardDeductions.scorecardId))
      .where(eq(scorecardDeductions.id, deductionId));
    return r && { unitId: r.unitId, cycleId: r.cycleId, actors: [r.inspector] };
  },
  /**
   * The points each deduction took off its CONFIRMED scorecard (occurrences × points per occurrence, capped by the
   * rule), with the unit: what an upheld appeal gives back. Deductions of scorecards not confirmed are absent.
   */
  async deductionPoints(db: Db, deductionIds: readonly string[]): Promise<{ id: string; unitId: string; scorecardId: string; points: number }[]> {
    if (deductionIds.length === 0) return [];
    const rows = await db
      .select({ id: scorecardDeductions.id, unitId: scorecards.unitId, scorecardId: scorecards.id, criteriaSetId: scorecards.criteriaSetId, itemKey: scorecardDeductions.itemKey, ruleKey: scorecardDeductions.ruleKey, occurrences: scorecardDeductions.occurrences })
      .from(scorecardDeductions)
      .innerJoin(scorecards, eq(scorecards.id, scorecardDeductions.scorecardId))
      .where(and(inArray(scorecardDeductions.id, [...deductionIds]), eq(scorecards.status, 'confirmed')));
    const sets = new Map((await criteriaQueries.byIds(db, [...new Set(rows.map((r) => r.criteriaSetId))])).map((s) => [s.id, s.document]));
    return rows.map((r) => {
      const rule = sets.get(r.criteriaSetId)?.sections.flatMap((s) => s.items).find((i) => i.key === r.itemKey)?.deductionRules.find((d) => d.key === r.ruleKey);
      const raw = rule ? r.occurrences * rule.pointsPerOccurrence : 0;
      return { id: r.id, unitId: r.unitId, scorecardId: r.scorecardId, points: rule?.cap == null ? raw : Math.min(raw, rule.cap) };
    });
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
