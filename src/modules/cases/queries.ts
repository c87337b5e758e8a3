import { and, asc, eq, gt, gte, inArray, lt, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { participationWindows } from '../enrollments/queries.js';
import { cases } from './tables.js';

/** What other modules may read of cases (办件). */
export const caseQueries = {
  /** The unit and state of a case (一事一评 checks), or undefined. */
  async unitOf(db: Db, caseId: string): Promise<{ unitId: string; state: string } | undefined> {
    return (await db.select({ unitId: cases.unitId, state: cases.state }).from(cases).where(eq(cases.id, caseId)))[0];
  },
  /** 办件编号 and item of some cases (provincial exchange of ratings). */
  numbers(db: Db, ids: readonly string[]) {
    return db.select({ id: cases.id, caseNumber: cases.caseNumber, itemId: cases.itemId }).from(cases).where(inArray(cases.id, [...ids]));
  },
  /** The cases bearing these 办件编号, with their source (numbers are unique per source only): provincial exchange import. */
  byNumbers(db: Db, caseNumbers: readonly string[]) {
    return db.select({ id: cases.id, source: cases.source, caseNumber: cases.caseNumber }).from(cases).where(inArray(cases.caseNumber, [...caseNumbers]));
  },
  /** A page of cases in id order, received in [from, to) and of the given units (provincial exchange export). */
  page(db: Db, f: { from?: Date; to?: Date; unitIds?: SQL; afterId?: string; limit: number }) {
    return db
      .select()
      .from(cases)
      .where(and(f.from ? gte(cases.receivedAt, f.from) : undefined, f.to ? lt(cases.receivedAt, f.to) : undefined, f.unitIds ? inArray(cases.unitId, f.unitIds) : undefined, f.afterId ? gt(cases.id, f.afterId) : undefined))
      .orderBy(asc(cases.id))
      .limit(f.limit);
  },
  /** Completed cases (办结) closed before `before`, as a joinable subquery (id, unitId, closedAt): those a default rating may be due for. */
  completedBefore(db: Db, before: Date, alias = 'completed_cases') {
    return db
      .select({ id: cases.id, unitId: cases.unitId, closedAt: cases.closedAt })
      .from(cases)
      .where(and(eq(cases.state, 'completed'), lt(cases.closedAt, before)))
      .as(alias);
  },
  /**
   * Every case as a joinable subquery for statistics: unit, state, when closed, and the completion facts
   * (按时办结, 一周办结; null until completed).
   */
  facts(db: Db, alias = 'case_facts') {
    return db
      .select({ id: cases.id, unitId: cases.unitId, state: cases.state, closedAt: cases.closedAt, onTime: cases.onTime, oneWeek: cases.oneWeek })
      .from(cases)
      .as(alias);
  },
  /**
   * 限时办结 per unit for a cycle: the unit's cases completed within its participation window of the cycle
   * (the assessment window, as ratings), with how many were on time and within a week.
   */
  async completionCountsByUnit(db: Db, cycleId: string): Promise<{ unitId: string; completed: number; onTime: number; oneWeek: number }[]> {
    const res = await db.execute(sql`
      select c.unit_id, count(*)::int as completed, (count(*) filter (where c.on_time))::int as on_time, (count(*) filter (where c.one_week))::int as one_week
      from ${cases} c
      join ${participationWindows('assessment')} pw on pw.unit_id = c.unit_id and pw.cycle_id = ${cycleId}
      where c.state = 'completed' and c.closed_at >= pw.starts_at and c.closed_at < pw.ends_at
      group by c.unit_id`);
    return (res as unknown as { rows: { unit_id: string; completed: number; on_time: number; one_week: number }[] }).rows.map((r) => ({
      unitId: r.unit_id,
      completed: Number(r.completed),
      onTime: Number(r.on_time),
      oneWeek: Number(r.one_week),
    }));
  },
};
