import { and, asc, eq, gt, ilike, inArray, like } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { updateVersioned } from '../../db/versioned.js';
import { containsPattern, prefixPattern } from '../../db/like.js';
import { departments } from '../departments/tables.js';
import { regions } from '../regions/tables.js';
import { units } from './tables.js';
import type { Category } from './schemas.js';

export type UnitRow = typeof units.$inferSelect;

export interface UnitFilter {
  category?: Category;
  regionPath?: string;
  departmentId?: string;
  unitId?: string;
  unitIds?: string[];
  q?: string;
  active?: boolean;
}

/** The WHERE of a unit filter; also used by bulk operations elsewhere (enrollment by filter). */
export function unitWhere(db: Db, f: UnitFilter): SQL | undefined {
  const where: (SQL | undefined)[] = [];
  if (f.category) where.push(eq(units.category, f.category));
  if (f.departmentId) where.push(eq(units.departmentId, f.departmentId));
  if (f.unitId) where.push(eq(units.id, f.unitId));
  if (f.unitIds) where.push(inArray(units.id, f.unitIds));
  if (f.active !== undefined) where.push(eq(units.active, f.active));
  if (f.q) where.push(ilike(units.name, containsPattern(f.q)));
  if (f.regionPath) {
    where.push(inArray(units.regionId, db.select({ id: regions.id }).from(regions).where(like(regions.path, prefixPattern(f.regionPath)))));
  }
  return and(...where);
}

export const unitsRepository = {
  async byId(db: Db, id: string): Promise<UnitRow | undefined> {
    const rows = await db.select().from(units).where(eq(units.id, id));
    return rows[0];
  },
  byIds(db: Db, ids: readonly string[]): Promise<UnitRow[]> {
    return db.select().from(units).where(inArray(units.id, [...ids]));
  },
  async insert(db: Db, row: typeof units.$inferInsert): Promise<UnitRow> {
    const [r] = await db.insert(units).values(row).returning();
    return r;
  },
  update(db: Db, id: string, expectedVersion: number, patch: Partial<typeof units.$inferInsert>): Promise<UnitRow | undefined> {
    return updateVersioned(db, units, id, expectedVersion, patch);
  },
  list(db: Db, f: UnitFilter & { afterId?: string; limit: number }): Promise<UnitRow[]> {
    return db
      .select()
      .from(units)
      .where(and(unitWhere(db, f), f.afterId ? gt(units.id, f.afterId) : undefined))
      .orderBy(asc(units.id))
      .limit(f.limit);
  },
  async publicProfile(db: Db, id: string) {
    const rows = await db
      .select({ unit: units, departmentName: departments.name, regionName: regions.nameZh })
      .from(units)
      .innerJoin(departments, eq(departments.id, units.departmentId))
      .innerJoin(regions, eq(regions.id, units.regionId))
      .where(eq(units.id, id));
    return rows[0];
  },
};
