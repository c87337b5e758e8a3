import { and, count, eq, inArray, notInArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { inspectionFindings, inspectionReports, inspectionRounds, inspectionTasks, supervisors } from './tables.js';

/**
 * What other modules may read of supervision (明察暗访). A visit counts toward its round's cycle once the
 * office has reviewed the task; only accepted findings count.
 */
export const supervisionQueries = {
  /**
   * What an appeal (申诉) needs of a finding: its unit, its round's cycle, and the entity whose audit trail names who
   * reported and reviewed it (they may not decide): its task, or for a walk-in's item (随机暗访) its report.
   */
  async findingSubject(
    db: Db,
    findingId: string,
  ): Promise<{ unitId: string; cycleId: string | null; trail: { entityType: 'inspection_task' | 'inspection_report'; entityId: string }; status: string } | undefined> {
    const [r] = await db
      .select({ unitId: inspectionFindings.unitId, cycleId: inspectionRounds.cycleId, taskId: inspectionFindings.taskId, reportId: inspectionFindings.reportId, status: inspectionFindings.status })
      .from(inspectionFindings)
      .innerJoin(inspectionReports, eq(inspectionReports.id, inspectionFindings.reportId))
      .leftJoin(inspectionTasks, eq(inspectionTasks.id, inspectionFindings.taskId))
      .leftJoin(inspectionRounds, eq(inspectionRounds.id, sql`coalesce(${inspectionTasks.roundId}, ${inspectionReports.roundId})`))
      .where(eq(inspectionFindings.id, findingId));
    if (!r) return undefined;
    const trail = r.taskId ? { entityType: 'inspection_task' as const, entityId: r.taskId } : { entityType: 'inspection_report' as const, entityId: r.reportId };
    return { unitId: r.unitId, cycleId: r.cycleId, trail, status: r.status };
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
  /**
   * Every feedback item (反馈暗访信息) with its report's origin and its round's cycle, as a joinable subquery;
   * `at` is the round's start, or the visit for a walk-in outside any round.
   */
  findingFacts(db: Db, alias = 'finding_facts') {
    return db
      .select({
        unitId: inspectionFindings.unitId,
        severity: inspectionFindings.severity,
        status: inspectionFindings.status,
        origin: inspectionReports.origin,
        roundCycleId: inspectionRounds.cycleId,
        at: sql<Date>`coalesce(${inspectionRounds.startsAt}, ${inspectionReports.visitedAt})`.as('at'),
      })
      .from(inspectionFindings)
      .innerJoin(inspectionReports, eq(inspectionReports.id, inspectionFindings.reportId))
      .leftJoin(inspectionTasks, eq(inspectionTasks.id, inspectionFindings.taskId))
      .leftJoin(inspectionRounds, eq(inspectionRounds.id, sql`coalesce(${inspectionTasks.roundId}, ${inspectionReports.roundId})`))
      .as(alias);
  },
  /** Every report (of a task or a walk-in) with its origin and round's cycle, as a joinable subquery; `at` as for findings. */
  reportFacts(db: Db, alias = 'report_facts') {
    return db
      .select({
        reportId: sql<string>`${inspectionReports.id}`.as('report_id'),
        unitId: inspectionReports.unitId,
        origin: inspectionReports.origin,
        roundCycleId: inspectionRounds.cycleId,
        at: sql<Date>`coalesce(${inspectionRounds.startsAt}, ${inspectionReports.visitedAt})`.as('at'),
      })
      .from(inspectionReports)
      .leftJoin(inspectionRounds, eq(inspectionRounds.id, inspectionReports.roundId))
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
