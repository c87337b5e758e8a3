import { and, count, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { unitQueries } from '../units/queries.js';
import { complaints } from './tables.js';

/** What other modules may read of complaints (投诉). Only substantiated ones (投诉属实) weigh on a unit. */
export const complaintQueries = {
  async complaintUnit(db: Db, complaintId: string): Promise<{ unitId: string | null } | undefined> {
    return (await db.select({ unitId: complaints.unitId }).from(complaints).where(eq(complaints.id, complaintId)))[0];
  },
  /** Substantiated complaints of the cycle per unit and severity (null: not recorded). */
  substantiatedCountsByUnit(db: Db, cycleId: string) {
    return db
      .select({ unitId: complaints.unitId, severity: complaints.severity, n: count() })
      .from(complaints)
      .where(and(eq(complaints.cycleId, cycleId), eq(complaints.substantiated, true)))
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
