import { and, count, eq, inArray, notInArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { inspectionFindings, inspectionReports, inspectionRounds, inspectionTasks, supervisors } from './tables.js';

/**
 * What other modules may read of supervision (明察暗访). A visit counts toward its round's cycle once the
 * office has reviewed the task; only accepted findings count.
 */
export const supervisionQueries = {
  /** What an appeal (申诉) needs of a finding: its unit, its round's cycle, its task (whose reporter and reviewer may not decide). */
  async findingSubject(db: Db, findingId: string): Promise<{ unitId: string; cycleId: string | null; taskId: string; status: string } | undefined> {
    return (
      await db
        .select({ unitId: inspectionFindings.unitId, cycleId: inspectionRounds.cycleId, taskId: inspectionFindings.taskId, status: inspectionFindings.status })
        .from(inspectionFindings)
        .innerJoin(inspectionTasks, eq(inspectionTasks.id, inspectionFindings.taskId))
        .innerJoin(inspectionRounds, eq(inspectionRounds.id, inspectionTasks.roundId))
        .where(eq(inspectionFindings.id, findingId))
    )[0];
  },
  async findingUnit(db: Db, findingId: string): Promise<{ unitId: string } | undefined> {
    return (await db.select({ unitId: inspectionFindings.unitId }).from(inspectionFindings).where(eq(inspectionFindings.id, findingId)))[0];
  },
  /** 暗访: reports of reviewed tasks of the cycle's rounds per unit, with the mean of each report's mean rating. */
  reviewedReportStatsByUnit(db: Db, cycleId: string) {
    const r = inspectionReports;
    return db
      .select({
        unitId: r.unitId,
        n: count(),
        meanRating: sql<number>`avg((${r.attitude} + ${r.efficiency} + ${r.quality} + ${r.environment} + ${r.discipline})::float8 / 5)`.mapWith(Number),
      })
      .from(r)
      .innerJoin(inspectionTasks, eq(inspectionTasks.id, r.taskId))
      .innerJoin(inspectionRounds, eq(inspectionRounds.id, inspectionTasks.roundId))
      .where(and(eq(inspectionRounds.cycleId, cycleId), eq(inspectionTasks.status, 'reviewed')))
      .groupBy(r.unitId);
  },
  /** Accepted findings of reviewed tasks of the cycle, per unit and severity; `excludedIds`: findings an upheld appeal took out. */
  acceptedFindingCountsByUnit(db: Db, cycleId: string, excludedIds: readonly string[] = []) {
    return db
      .select({ unitId: inspectionFindings.unitId, severity: inspectionFindings.severity, n: count() })
      .from(inspectionFindings)
      .innerJoin(inspectionTasks, eq(inspectionTasks.id, inspectionFindings.taskId))
      .innerJoin(inspectionRounds, eq(inspectionRounds.id, inspectionTasks.roundId))
      .where(and(eq(inspectionRounds.cycleId, cycleId), eq(inspectionTasks.status, 'reviewed'), eq(inspectionFindings.status, 'accepted'), excludedIds.length ? notInArray(inspectionFindings.id, [...excludedIds]) : undefined))
      .groupBy(inspectionFindings.unitId, inspectionFindings.severity);
  },
  /** Every supervisor (义务监督员) as a joinable subquery: whether active, and the term (dates, end open when null). */
  supervisorFacts(db: Db, alias = 'supervisor_facts') {
    return db.select({ id: supervisors.id, active: supervisors.active, termStart: supervisors.termStart, termEnd: supervisors.termEnd }).from(supervisors).as(alias);
  },
  /**
   * Every task with its round (kind, cycle, start) and its report if any (at most one per task), as a joinable
   * subquery; a cancelled task was never dispatched.
   */
  taskFacts(db: Db, alias = 'task_facts') {
    return db
      .select({
        // Three tables have an `id`: a subquery's columns must be named apart.
        taskId: sql<string>`${inspectionTasks.id}`.as('task_id'),
        unitId: inspectionTasks.unitId,
        status: inspectionTasks.status,
        roundId: sql<string>`${inspectionRounds.id}`.as('round_id'),
        roundKind: inspectionRounds.kind,
        roundCycleId: inspectionRounds.cycleId,
        roundStartsAt: inspectionRounds.startsAt,
        reportId: sql<string | null>`${inspectionReports.id}`.as('report_id'),
      })
      .from(inspectionTasks)
      .innerJoin(inspectionRounds, eq(inspectionRounds.id, inspectionTasks.roundId))
      .leftJoin(inspectionReports, eq(inspectionReports.taskId, inspectionTasks.id))
      .as(alias);
  },
  /** Every finding with its round's cycle and start, as a joinable subquery. */
  findingFacts(db: Db, alias = 'finding_facts') {
    return db
      .select({
        unitId: inspectionFindings.unitId,
        severity: inspectionFindings.severity,
        status: inspectionFindings.status,
        roundCycleId: inspectionRounds.cycleId,
        roundStartsAt: inspectionRounds.startsAt,
      })
      .from(inspectionFindings)
      .innerJoin(inspectionTasks, eq(inspectionTasks.id, inspectionFindings.taskId))
      .innerJoin(inspectionRounds, eq(inspectionRounds.id, inspectionTasks.roundId))
      .as(alias);
  },
  /** Which of these finding ids exist (evidence checks). */
  async existingFindingIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    return new Set((await db.select({ id: inspectionFindings.id }).from(inspectionFindings).where(inArray(inspectionFindings.id, [...ids]))).map((r) => r.id));
  },
  /** Which of these report ids exist (evidence checks). */
  async existingReportIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    return new Set((await db.select({ id: inspectionReports.id }).from(inspectionReports).where(inArray(inspectionReports.id, [...ids]))).map((r) => r.id));
  },
};
