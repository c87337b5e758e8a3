import { and, asc, eq, gt, gte, lte } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { unitQueries } from '../units/queries.js';
import { deeds } from './tables.js';

export type DeedRow = typeof deeds.$inferSelect;
export type ScopedDeedRow = DeedRow & { unitDepartmentId: string };

export interface DeedFilter {
  cycleId?: string;
  from?: string;
  to?: string;
  /** Each given id narrows further (a caller's scope and its own filter combine). */
  unitIds?: string[];
  departmentIds?: string[];
}

function deedWhere(db: Db, f: DeedFilter): SQL | undefined {
  const where: (SQL | undefined)[] = [];
  if (f.cycleId) where.push(eq(deeds.cycleId, f.cycleId));
  if (f.from) where.push(gte(deeds.doneOn, f.from));
  if (f.to) where.push(lte(deeds.doneOn, f.to));
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
