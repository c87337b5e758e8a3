import { and, asc, count, desc, eq, gt, inArray, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { calendarDays, calendarRevision, calendarSchedules } from './tables.js';

export type ScheduleRow = typeof calendarSchedules.$inferSelect;
export type DayRow = typeof calendarDays.$inferSelect;
export type ScheduleSummaryRow = ScheduleRow & { dayCount: number };

const sameRegion = (regionId: string | null): SQL => (regionId === null ? isNull(calendarSchedules.regionId) : eq(calendarSchedules.regionId, regionId));

export const calendarRepository = {
  /** The revision every copy polls; 0 before the first write. */
  async revision(db: Db): Promise<number> {
    const [r] = await db.select({ revision: calendarRevision.revision }).from(calendarRevision).where(eq(calendarRevision.id, 1));
    return r?.revision ?? 0;
  },
  /** Bumps the revision; the row lock it takes serialises writers until their transaction ends. */
  async bumpRevision(tx: Db): Promise<number> {
    const [r] = await tx
      .insert(calendarRevision)
      .values({ id: 1, revision: 1 })
      .onConflictDoUpdate({ target: calendarRevision.id, set: { revision: sql`${calendarRevision.revision} + 1` } })
      .returning({ revision: calendarRevision.revision });
    return r.revision;
  },
  /** Every schedule with its days, for the in-memory calendar (a schedule without days comes back once, date null). */
  everything(db: Db) {
    return db
      .select({ scheduleId: calendarSchedules.id, year: calendarSchedules.year, regionId: calendarSchedules.regionId, date: calendarDays.date, kind: calendarDays.kind })
      .from(calendarSchedules)
      .leftJoin(calendarDays, eq(calendarDays.scheduleId, calendarSchedules.id));
  },
  async find(db: Db, year: number, regionId: string | null): Promise<ScheduleRow | undefined> {
    const [r] = await db.select().from(calendarSchedules).where(and(eq(calendarSchedules.year, year), sameRegion(regionId)));
    return r;
  },
  daysOf(db: Db, scheduleIds: readonly string[]): Promise<DayRow[]> {
    if (!scheduleIds.length) return Promise.resolve([]);
    return db.select().from(calendarDays).where(inArray(calendarDays.scheduleId, [...scheduleIds])).orderBy(asc(calendarDays.scheduleId), asc(calendarDays.date));
  },
  /** Newest year first; national before overrides within a year. */
  list(db: Db, f: { regionId?: string; national?: boolean; after?: { year: number; id: string }; limit: number }): Promise<ScheduleSummaryRow[]> {
    const where: (SQL | undefined)[] = [];
    if (f.regionId) where.push(eq(calendarSchedules.regionId, f.regionId));
    if (f.national === true) where.push(isNull(calendarSchedules.regionId));
    if (f.national === false) where.push(isNotNull(calendarSchedules.regionId));
    if (f.after) where.push(or(lt(calendarSchedules.year, f.after.year), and(eq(calendarSchedules.year, f.after.year), gt(calendarSchedules.id, f.after.id))));
    const dayCounts = db.select({ scheduleId: calendarDays.scheduleId, n: count().as('n') }).from(calendarDays).groupBy(calendarDays.scheduleId).as('day_counts');
    return db
      .select({
        id: calendarSchedules.id,
        year: calendarSchedules.year,
        regionId: calendarSchedules.regionId,
        loadedBy: calendarSchedules.loadedBy,
        loadedAt: calendarSchedules.loadedAt,
        version: calendarSchedules.version,
        dayCount: sql<number>`coalesce(${dayCounts.n}, 0)`.mapWith(Number),
      })
      .from(calendarSchedules)
      .leftJoin(dayCounts, eq(dayCounts.scheduleId, calendarSchedules.id))
      .where(and(...where))
      .orderBy(desc(calendarSchedules.year), asc(calendarSchedules.id))
      .limit(f.limit);
  },
  async insert(tx: Db, row: typeof calendarSchedules.$inferInsert): Promise<ScheduleRow> {
    const [r] = await tx.insert(calendarSchedules).values(row).returning();
    return r;
  },
  async reload(tx: Db, id: string, loadedBy: string): Promise<ScheduleRow> {
    const [r] = await tx
      .update(calendarSchedules)
      .set({ loadedBy, loadedAt: new Date(), version: sql`${calendarSchedules.version} + 1` })
      .where(eq(calendarSchedules.id, id))
      .returning();
    return r;
  },
  async replaceDays(tx: Db, scheduleId: string, days: Omit<DayRow, 'scheduleId'>[]): Promise<DayRow[]> {
    await tx.delete(calendarDays).where(eq(calendarDays.scheduleId, scheduleId));
    if (!days.length) return [];
    return tx
      .insert(calendarDays)
      .values(days.map((d) => ({ ...d, scheduleId })))
      .returning();
  },
  async delete(tx: Db, id: string): Promise<void> {
    await tx.delete(calendarSchedules).where(eq(calendarSchedules.id, id));
  },
};
