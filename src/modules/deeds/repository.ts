import { and, asc, eq, gt, gte, inArray, lte, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { unitQueries } from '../units/queries.js';
import { deeds } from './tables.js';
import type { DeedStatus } from './schemas.js';

export type DeedRow = typeof deeds.$inferSelect;
export type ScopedDeedRow = DeedRow & { unitDepartmentId: string };

export interface DeedFilter {
  cycleId?: string;
  from?: string;
  to?: string;
  /** Each given id narrows further (a caller's scope and its own filter combine). */
  unitIds?: string[];
  departmentIds?: string[];
  status?: DeedStatus;
  isHot?: boolean;
}

function deedWhere(db: Db, f: DeedFilter): SQL | undefined {
  const where: (SQL | undefined)[] = [];
  if (f.cycleId) where.push(eq(deeds.cycleId, f.cycleId));
  if (f.from) where.push(gte(deeds.doneOn, f.from));
  if (f.to) where.push(lte(deeds.doneOn, f.to));
  if (f.status) where.push(eq(deeds.status, f.status));
  if (f.isHot !== undefined) where.push(eq(deeds.isHot, f.isHot));
  for (const u of f.unitIds ?? []) where.push(eq(deeds.unitId, u));
  for (const d of f.departmentIds ?? []) where.push(unitQueries.ofDepartment(db, deeds.unitId, d));
  return and(...where);
}

export const deedsRepository = {
  async byId(db: Db, id: string): Promise<ScopedDeedRow | undefined> {
    const u = unitQueries.facts(db, 'deed_units');
    const rows = await db.select({ deed: deeds, unitDepartmentId: u.departmentId }).from(deeds).innerJoin(u, eq(u.id, deeds.unitId)).where(eq(deeds.id, id));
    return rows[0] && { ...rows[0].deed, unitDepartmentId: rows[0].unitDepartmentId };
  },
  async insert(db: Db, row: typeof deeds.$inferInsert): Promise<DeedRow> {
    const [r] = await db.insert(deeds).values(row).returning();
    return r;
  },
  /** 1,000 rows × 11 columns stay far below PostgreSQL's bind-parameter limit: one statement. */
  insertMany(db: Db, rows: (typeof deeds.$inferInsert)[]): Promise<DeedRow[]> {
    return db.insert(deeds).values(rows).returning();
  },
  /** Rows locked for a decision, in one statement. */
  byIdsForUpdate(db: Db, ids: readonly string[]): Promise<DeedRow[]> {
    return db.select().from(deeds).where(inArray(deeds.id, [...ids])).for('update');
  },
  /** Decides reported deeds only (the state guard); returns the rows changed. */
  decide(db: Db, ids: readonly string[], patch: { status: 'verified' | 'rejected'; decidedBy: string; decidedAt: Date; rejectionReason: string | null }): Promise<DeedRow[]> {
    return db
      .update(deeds)
      .set({ ...patch, version: sql`${deeds.version} + 1`, updatedAt: patch.decidedAt })
      .where(and(inArray(deeds.id, [...ids]), eq(deeds.status, 'reported')))
      .returning();
  },
  async unitsByIds(db: Db, ids: readonly string[]): Promise<Map<string, { id: string; departmentId: string }>> {
    return new Map((await unitQueries.byIds(db, [...new Set(ids)])).map((u) => [u.id, { id: u.id, departmentId: u.departmentId }]));
  },
  list(db: Db, f: DeedFilter & { afterId?: string; limit: number }): Promise<DeedRow[]> {
    return db
      .select()
      .from(deeds)
      .where(and(deedWhere(db, f), f.afterId ? gt(deeds.id, f.afterId) : undefined))
      .orderBy(asc(deeds.id))
      .limit(f.limit);
  },
  async unitById(db: Db, id: string): Promise<{ id: string; departmentId: string } | undefined> {
    const u = await unitQueries.byId(db, id);
    return u && { id: u.id, departmentId: u.departmentId };
  },
};
