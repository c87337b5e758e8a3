import { and, count, eq, gte, inArray, lt, notInArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { PeriodWindow } from '../../lib/period-window.js';
import { unitQueries } from '../units/queries.js';
import { complaintEvents, complaints } from './tables.js';

/** What other modules may read of complaints (投诉). Only substantiated ones (投诉属实) weigh on a unit. */
export const complaintQueries = {
  /** What an appeal (申诉) needs of a complaint: unit, cycle, whether substantiated, and who moved it through its stages. */
  async appealSubject(db: Db, complaintId: string): Promise<{ unitId: string | null; cycleId: string | null; substantiated: boolean | null; actors: string[] } | undefined> {
    const [c] = await db.select({ unitId: complaints.unitId, cycleId: complaints.cycleId, substantiated: complaints.substantiated }).from(complaints).where(eq(complaints.id, complaintId));
    if (!c) return undefined;
    const actors = await db.selectDistinct({ actor: complaintEvents.actor }).from(complaintEvents).where(and(eq(complaintEvents.complaintId, complaintId), eq(complaintEvents.kind, 'status_changed')));
    return { ...c, actors: actors.map((a) => a.actor) };
  },
  /** The unit of each complaint (problem sources; null while not triaged to one), in one query; unknown ids are absent. */
  async complaintUnits(db: Db, complaintIds: readonly string[]): Promise<Map<string, { unitId: string | null }>> {
    if (complaintIds.length === 0) return new Map();
    const rows = await db.select({ id: complaints.id, unitId: complaints.unitId }).from(complaints).where(inArray(complaints.id, [...complaintIds]));
    return new Map(rows.map((r) => [r.id, { unitId: r.unitId }]));
  },
  /** Substantiated complaints of the cycle per unit and severity (null: not recorded); `excludedIds`: complaints an upheld appeal took out. */
  substantiatedCountsByUnit(db: Db, cycleId: string, excludedIds: readonly string[] = [], window?: PeriodWindow) {
    return db
      .select({ unitId: complaints.unitId, severity: complaints.severity, n: count() })
      .from(complaints)
      .where(
        and(
          eq(complaints.cycleId, cycleId),
          eq(complaints.substantiated, true),
          excludedIds.length ? notInArray(complaints.id, [...excludedIds]) : undefined,
          // a period ranking counts the complaints received in its window
          window ? and(gte(complaints.receivedAt, window.start), lt(complaints.receivedAt, window.end)) : undefined,
        ),
      )
      .groupBy(complaints.unitId, complaints.severity);
  },
  /**
   * Every complaint as a joinable subquery (unitId, cycleId, status, source, substantiated, receivedAt), with
   * `overdue`: at `at`, a complaint is overdue when it is not closed and the deadline of its current stage has passed.
   */
  facts(db: Db, at: Date, alias = 'complaint_facts') {
    return db
      .select({
        unitId: complaints.unitId,
        cycleId: complaints.cycleId,
        status: complaints.status,
        source: complaints.source,
        substantiated: complaints.substantiated,
        receivedAt: complaints.receivedAt,
        overdue: sql<boolean>`(${complaints.status} <> 'closed' and ${complaints.stageDeadline} < ${at.toISOString()}::timestamptz)`.as('overdue'),
      })
      .from(complaints)
      .as(alias);
  },
  /** Complaints of the cycle per department of the unit they are against (received, found substantiated): one GROUP BY. */
  countsByDepartment(db: Db, cycleId: string, departmentId?: string) {
    const u = unitQueries.facts(db, 'complaint_units');
    return db
      .select({
        departmentId: u.departmentId,
        received: sql<number>`count(*)`.mapWith(Number),
        substantiated: sql<number>`count(*) filter (where ${complaints.substantiated} is true)`.mapWith(Number),
      })
      .from(complaints)
      .innerJoin(u, eq(u.id, complaints.unitId))
      .where(and(eq(complaints.cycleId, cycleId), departmentId ? eq(u.departmentId, departmentId) : undefined))
      .groupBy(u.departmentId);
  },
  /** Which of these complaint ids exist (evidence checks). */
  async existingIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    return new Set((await db.select({ id: complaints.id }).from(complaints).where(inArray(complaints.id, [...ids]))).map((r) => r.id));
  },
};
