import { and, count, eq, gte, inArray, isNotNull, isNull, lt, notInArray, or, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { PeriodWindow } from '../../lib/period-window.js';
import { cycleQueries } from '../cycles/queries.js';
import { inspectionFindings, inspectionReports, inspectionRounds, inspectionTasks, supervisors } from './tables.js';

/**
 * Which reports count toward a cycle's mystery-shopper component (M), over reports joined to their task (if any) and
 * round (the task's, or the walk-in's own): reviewed, and of the cycle (see reviewedReportStatsByUnit).
 */
function countedVisit(cycleId: string, window?: PeriodWindow): SQL | undefined {
  const r = inspectionReports;
  const windows = cycleQueries.windowsSql('assessment');
  return and(
    or(and(eq(r.origin, 'task'), eq(inspectionTasks.status, 'reviewed')), and(eq(r.origin, 'walk_in'), isNotNull(r.reviewedAt))),
    or(
      eq(inspectionRounds.cycleId, cycleId),
      and(isNull(inspectionRounds.id), eq(r.origin, 'walk_in'), sql`exists (select 1 from ${windows} w where w.id = ${cycleId} and ${r.visitedAt} >= w.starts_at and ${r.visitedAt} < w.ends_at)`),
    ),
    window ? and(gte(r.visitedAt, window.start), lt(r.visitedAt, window.end)) : undefined,
  );
}

/**
 * What other modules may read of supervision (明察暗访). A visit — a task's or a walk-in's — counts toward its
 * cycle once the office has reviewed it; only accepted findings count.
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
  /** The unit of each finding (problem sources), in one query; findings that do not exist are absent. */
  async findingUnits(db: Db, findingIds: readonly string[]): Promise<Map<string, { unitId: string }>> {
    if (findingIds.length === 0) return new Map();
    const rows = await db.select({ id: inspectionFindings.id, unitId: inspectionFindings.unitId }).from(inspectionFindings).where(inArray(inspectionFindings.id, [...findingIds]));
    return new Map(rows.map((r) => [r.id, { unitId: r.unitId }]));
  },
  /**
   * 暗访 (M): reviewed reports of the cycle per unit, with the mean of each report's mean rating. A task's report counts
   * once its task is reviewed; a walk-in (随机暗访) once the office has reviewed it, toward its round's cycle — or, outside
   * any round, toward the cycle whose assessment window (考评期, the window ratings count in) holds the visit. `window`:
   * a period ranking counts the visits made in it.
   */
  reviewedReportStatsByUnit(db: Db, cycleId: string, window?: PeriodWindow) {
    const r = inspectionReports;
    return db
      .select({
        unitId: r.unitId,
        n: count(),
        meanRating: sql<number>`avg((${r.attitude} + ${r.efficiency} + ${r.quality} + ${r.environment} + ${r.discipline})::float8 / 5)`.mapWith(Number),
      })
      .from(r)
      .leftJoin(inspectionTasks, eq(inspectionTasks.id, r.taskId))
      .leftJoin(inspectionRounds, eq(inspectionRounds.id, sql`coalesce(${inspectionTasks.roundId}, ${r.roundId})`))
      .where(countedVisit(cycleId, window))
      .groupBy(r.unitId);
  },
  /** Accepted findings of the reports M counts (reviewedReportStatsByUnit), per unit and severity; `excludedIds`: findings an upheld appeal took out. */
  acceptedFindingCountsByUnit(db: Db, cycleId: string, excludedIds: readonly string[] = [], window?: PeriodWindow) {
    return db
      .select({ unitId: inspectionFindings.unitId, severity: inspectionFindings.severity, n: count() })
      .from(inspectionFindings)
      .innerJoin(inspectionReports, eq(inspectionReports.id, inspectionFindings.reportId))
      .leftJoin(inspectionTasks, eq(inspectionTasks.id, inspectionReports.taskId))
      .leftJoin(inspectionRounds, eq(inspectionRounds.id, sql`coalesce(${inspectionTasks.roundId}, ${inspectionReports.roundId})`))
      .where(and(countedVisit(cycleId, window), eq(inspectionFindings.status, 'accepted'), excludedIds.length ? notInArray(inspectionFindings.id, [...excludedIds]) : undefined))
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
        supervisorId: inspectionTasks.supervisorId,
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
        supervisorId: inspectionReports.supervisorId,
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
