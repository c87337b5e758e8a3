import { and, asc, eq, gt, gte, inArray, lte } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { cycles } from '../cycles/tables.js';
import { deeds } from './tables.js';
import { units } from '../units/tables.js';

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
  for (const d of f.departmentIds ?? []) where.push(inArray(deeds.unitId, db.select({ id: units.id }).from(units).where(eq(units.departmentId, d))));
  return and(...where);
}

export const deedsRepository = {
  async byId(db: Db, id: string): Promise<ScopedDeedRow | undefined> {
    const rows = await db.select({ deed: deeds, unitDepartmentId: units.departmentId }).from(deeds).innerJoin(units, eq(units.id, deeds.unitId)).where(eq(deeds.id, id));
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
    const rows = await db.select({ id: units.id, departmentId: units.departmentId }).from(units).where(eq(units.id, id));
    return rows[0];
  },
  async cycleExists(db: Db, id: string): Promise<boolean> {
    return (await db.select({ id: cycles.id }).from(cycles).where(eq(cycles.id, id))).length > 0;
  },
};
