import { and, asc, count, eq, gt, gte, ilike, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client.js';
import { updateVersioned } from '../../db/versioned.js';
import { containsPattern } from '../../db/like.js';
import { enrollmentQueries } from '../enrollments/queries.js';
import { inspectionFindings, inspectionReports, inspectionRounds, inspectionTasks, supervisors } from './tables.js';
import { unitQueries } from '../units/queries.js';
import type { UnitFilter } from '../units/queries.js';
import type { ListFindingsFilter, ListReportsFilter, ListRoundsFilter, ListSupervisorsFilter, ListTasksFilter, TaskStatus } from './schemas.js';

export type SupervisorRow = typeof supervisors.$inferSelect;
export type RoundRow = typeof inspectionRounds.$inferSelect;
export type TaskRow = typeof inspectionTasks.$inferSelect;
export type ReportRow = typeof inspectionReports.$inferSelect;
export type FindingRow = typeof inspectionFindings.$inferSelect & { enrollmentId: string | null };

const TASK_INSERT_CHUNK = 5000;

type Paged = { afterId?: string; limit: number };
const after = (column: AnyPgColumn, afterId?: string) => (afterId ? gt(column, afterId) : undefined);

/** Findings with the unit's enrollment in the round's cycle, which a disqualification refers to. */
function findingsQuery(db: Db, where: SQL | undefined) {
  const enrollments = enrollmentQueries.keys(db);
  return db
    .select({ finding: inspectionFindings, enrollmentId: enrollments.id })
    .from(inspectionFindings)
    .innerJoin(inspectionReports, eq(inspectionReports.id, inspectionFindings.reportId))
    .leftJoin(inspectionRounds, eq(inspectionRounds.id, inspectionReports.roundId))
    .leftJoin(enrollments, and(eq(enrollments.cycleId, inspectionRounds.cycleId), eq(enrollments.unitId, inspectionFindings.unitId)))
    .where(where);
}
const flattenFinding = (r: { finding: typeof inspectionFindings.$inferSelect; enrollmentId: string | null }): FindingRow => ({ ...r.finding, enrollmentId: r.enrollmentId });

export const supervisorsRepository = {
  async byId(db: Db, id: string): Promise<SupervisorRow | undefined> {
    return (await db.select().from(supervisors).where(eq(supervisors.id, id)))[0];
  },
  byIds(db: Db, ids: readonly string[]): Promise<SupervisorRow[]> {
    return db.select().from(supervisors).where(inArray(supervisors.id, [...ids]));
  },
  async insert(db: Db, row: typeof supervisors.$inferInsert): Promise<SupervisorRow> {
    return (await db.insert(supervisors).values(row).returning())[0];
  },
  update(db: Db, id: string, expectedVersion: number, patch: Partial<typeof supervisors.$inferInsert>): Promise<SupervisorRow | undefined> {
    return updateVersioned(db, supervisors, id, expectedVersion, patch);
  },
  list(db: Db, f: ListSupervisorsFilter & Paged): Promise<SupervisorRow[]> {
    return db
      .select()
      .from(supervisors)
      .where(
        and(
          f.active === undefined ? undefined : eq(supervisors.active, f.active),
          f.departmentId ? eq(supervisors.departmentId, f.departmentId) : undefined,
          f.sector ? eq(supervisors.sector, f.sector) : undefined,
          f.q ? ilike(supervisors.name, containsPattern(f.q)) : undefined,
          after(supervisors.id, f.afterId),
        ),
      )
      .orderBy(asc(supervisors.id))
      .limit(f.limit);
  },
  /** Active supervisors whose term covers at least part of the window (dates compared as YYYY-MM-DD). */
  eligible(db: Db, window: { startDay: string; endDay: string }): Promise<{ id: string; departmentId: string | null }[]> {
    return db
      .select({ id: supervisors.id, departmentId: supervisors.departmentId })
      .from(supervisors)
      .where(
        and(
          eq(supervisors.active, true),
          lte(supervisors.termStart, window.endDay),
          or(isNull(supervisors.termEnd), gte(supervisors.termEnd, window.startDay)),
        ),
      )
      .orderBy(asc(supervisors.id));
  },
};

export const roundsRepository = {
  async byId(db: Db, id: string, opts: { forUpdate?: boolean } = {}): Promise<RoundRow | undefined> {
    const q = db.select().from(inspectionRounds).where(eq(inspectionRounds.id, id));
    return (opts.forUpdate ? await q.for('update') : await q)[0];
  },
  byIds(db: Db, ids: readonly string[]): Promise<RoundRow[]> {
    return db.select().from(inspectionRounds).where(inArray(inspectionRounds.id, [...ids]));
  },
  async insert(db: Db, row: typeof inspectionRounds.$inferInsert): Promise<RoundRow> {
    return (await db.insert(inspectionRounds).values(row).returning())[0];
  },
  update(db: Db, id: string, expectedVersion: number, patch: Partial<typeof inspectionRounds.$inferInsert>): Promise<RoundRow | undefined> {
    return updateVersioned(db, inspectionRounds, id, expectedVersion, patch);
  },
  list(db: Db, f: ListRoundsFilter & Paged): Promise<RoundRow[]> {
    return db
      .select()
      .from(inspectionRounds)
      .where(
        and(
          f.cycleId ? eq(inspectionRounds.cycleId, f.cycleId) : undefined,
          f.status ? eq(inspectionRounds.status, f.status) : undefined,
          f.kind ? eq(inspectionRounds.kind, f.kind) : undefined,
          after(inspectionRounds.id, f.afterId),
        ),
      )
      .orderBy(asc(inspectionRounds.id))
      .limit(f.limit);
  },
  /** The units matching a filter, restricted to those enrolled in the cycle when one is given. */
  unitsInScope(db: Db, f: UnitFilter, cycleId: string | null): Promise<{ id: string; departmentId: string; active: boolean }[]> {
    const units = unitQueries.facts(db);
    const enrolled = cycleId ? inArray(units.id, enrollmentQueries.participantIds(db, cycleId)) : undefined;
    return db
      .select({ id: units.id, departmentId: units.departmentId, active: units.active })
      .from(units)
      .where(and(unitQueries.unitIn(db, units.id, f), enrolled))
      .orderBy(asc(units.id));
  },
  async existingUnitIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
    return new Set((await unitQueries.byIds(db, ids)).map((u) => u.id));
  },
  async openTaskCount(db: Db, roundId: string): Promise<number> {
    const [r] = await db
      .select({ n: count() })
      .from(inspectionTasks)
      .where(and(eq(inspectionTasks.roundId, roundId), inArray(inspectionTasks.status, ['assigned', 'accepted'])));
    return Number(r.n);
  },
};

export const tasksRepository = {
  async byId(db: Db, id: string): Promise<TaskRow | undefined> {
    return (await db.select().from(inspectionTasks).where(eq(inspectionTasks.id, id)))[0];
  },
  byIds(db: Db, ids: readonly string[]): Promise<TaskRow[]> {
    return db.select().from(inspectionTasks).where(inArray(inspectionTasks.id, [...ids]));
  },
  /**
   * A whole generation in as few statements as PostgreSQL's 65,535 bind parameters allow (8 per row): one
   * statement for any realistic round, a few for a sweep over thousands of units. The caller's transaction
   * makes it all or nothing.
   */
  async insertMany(db: Db, rows: (typeof inspectionTasks.$inferInsert)[]): Promise<{ id: string }[]> {
    const out: { id: string }[] = [];
    for (let i = 0; i < rows.length; i += TASK_INSERT_CHUNK) {
      out.push(...(await db.insert(inspectionTasks).values(rows.slice(i, i + TASK_INSERT_CHUNK)).returning({ id: inspectionTasks.id })));
    }
    return out;
  },
  list(db: Db, f: ListTasksFilter & Paged): Promise<TaskRow[]> {
    return db
      .select()
      .from(inspectionTasks)
      .where(
        and(
          f.roundId ? eq(inspectionTasks.roundId, f.roundId) : undefined,
          f.supervisorId ? eq(inspectionTasks.supervisorId, f.supervisorId) : undefined,
          f.unitId ? eq(inspectionTasks.unitId, f.unitId) : undefined,
          f.status ? eq(inspectionTasks.status, f.status) : undefined,
          after(inspectionTasks.id, f.afterId),
        ),
      )
      .orderBy(asc(inspectionTasks.id))
      .limit(f.limit);
  },
  /** A state move that only happens if the task is still in one of `from` (the state machine's guard against races). */
  async move(db: Db, id: string, from: readonly TaskStatus[], patch: Partial<typeof inspectionTasks.$inferInsert>): Promise<TaskRow | undefined> {
    const rows = await db
      .update(inspectionTasks)
      .set({ ...patch, version: sql`${inspectionTasks.version} + 1`, updatedAt: new Date() })
      .where(and(eq(inspectionTasks.id, id), inArray(inspectionTasks.status, [...from])))
      .returning();
    return rows[0];
  },
  expireOverdue(db: Db, roundId: string, now: Date): Promise<TaskRow[]> {
    return db
      .update(inspectionTasks)
      .set({ status: 'expired', statusReason: 'window ended without a report', closedAt: now, version: sql`${inspectionTasks.version} + 1`, updatedAt: now })
      .where(and(eq(inspectionTasks.roundId, roundId), inArray(inspectionTasks.status, ['assigned', 'accepted']), lt(inspectionTasks.endsAt, now)))
      .returning();
  },
};

export const reportsRepository = {
  async insert(db: Db, row: typeof inspectionReports.$inferInsert): Promise<ReportRow> {
    return (await db.insert(inspectionReports).values(row).returning())[0];
  },
  byTaskIds(db: Db, taskIds: readonly string[]): Promise<ReportRow[]> {
    if (taskIds.length === 0) return Promise.resolve([]);
    return db.select().from(inspectionReports).where(inArray(inspectionReports.taskId, [...taskIds]));
  },
  async insertFindings(db: Db, rows: (typeof inspectionFindings.$inferInsert)[]): Promise<void> {
    if (rows.length > 0) await db.insert(inspectionFindings).values(rows);
  },
  async findingsByReportIds(db: Db, reportIds: readonly string[]): Promise<FindingRow[]> {
    if (reportIds.length === 0) return [];
    const rows = await findingsQuery(db, inArray(inspectionFindings.reportId, [...reportIds])).orderBy(asc(inspectionFindings.reportId), asc(inspectionFindings.position));
    return rows.map(flattenFinding);
  },
  async listFindings(db: Db, f: ListFindingsFilter & Paged): Promise<FindingRow[]> {
    const rows = await findingsQuery(
      db,
      and(
        f.roundId ? eq(inspectionReports.roundId, f.roundId) : undefined,
        f.unitId ? eq(inspectionFindings.unitId, f.unitId) : undefined,
        f.status ? eq(inspectionFindings.status, f.status) : undefined,
        f.severity ? eq(inspectionFindings.severity, f.severity) : undefined,
        f.afterId ? gt(inspectionFindings.id, f.afterId) : undefined,
      ),
    )
      .orderBy(asc(inspectionFindings.id))
      .limit(f.limit);
    return rows.map(flattenFinding);
  },
  async reviewFinding(db: Db, id: string, patch: { status: 'accepted' | 'dismissed'; reviewNote: string | null; reviewedAt: Date }): Promise<void> {
    await db.update(inspectionFindings).set(patch).where(eq(inspectionFindings.id, id));
  },
  async setProblem(db: Db, id: string, problemId: string): Promise<void> {
    await db.update(inspectionFindings).set({ problemId }).where(eq(inspectionFindings.id, id));
  },

  /**
   * Reports a unit may see: of reported or reviewed tasks (a task's report exists only once it is reported), and
   * walk-ins, with the round's cycle. Never the supervisor.
   */
  feedbackForUnit(db: Db, unitId: string, p: Paged) {
    return db
      .select({ report: inspectionReports, cycleId: inspectionRounds.cycleId })
      .from(inspectionReports)
      .leftJoin(inspectionRounds, eq(inspectionRounds.id, inspectionReports.roundId))
      .where(and(eq(inspectionReports.unitId, unitId), p.afterId ? gt(inspectionReports.id, p.afterId) : undefined))
      .orderBy(asc(inspectionReports.id))
      .limit(p.limit);
  },

  async byId(db: Db, id: string): Promise<ReportRow | undefined> {
    return (await db.select().from(inspectionReports).where(eq(inspectionReports.id, id)))[0];
  },

  list(db: Db, f: ListReportsFilter & Paged): Promise<ReportRow[]> {
    return db
      .select()
      .from(inspectionReports)
      .where(
        and(
          f.origin ? eq(inspectionReports.origin, f.origin) : undefined,
          f.supervisorId ? eq(inspectionReports.supervisorId, f.supervisorId) : undefined,
          f.roundId ? eq(inspectionReports.roundId, f.roundId) : undefined,
          f.unitId ? eq(inspectionReports.unitId, f.unitId) : undefined,
          after(inspectionReports.id, f.afterId),
        ),
      )
      .orderBy(asc(inspectionReports.id))
      .limit(f.limit);
  },

  async markReviewed(db: Db, id: string, at: Date): Promise<ReportRow | undefined> {
    return (await db.update(inspectionReports).set({ reviewedAt: at }).where(and(eq(inspectionReports.id, id), isNull(inspectionReports.reviewedAt))).returning())[0];
  },

};
