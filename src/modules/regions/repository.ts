import { and, asc, eq, gt, ilike, inArray, like, or } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { updateVersioned } from '../../db/versioned.js';
import { regions } from './tables.js';
import { containsPattern, prefixPattern } from '../../db/like.js';
import type { ListRegionsFilter } from './schemas.js';

export type RegionRow = typeof regions.$inferSelect;

export const regionsRepository = {
  async byId(db: Db, id: string): Promise<RegionRow | undefined> {
    const rows = await db.select().from(regions).where(eq(regions.id, id));
    return rows[0];
  },
  byIds(db: Db, ids: readonly string[]): Promise<RegionRow[]> {
    return db.select().from(regions).where(inArray(regions.id, [...ids]));
  },
  async byCode(db: Db, code: string): Promise<RegionRow | undefined> {
    const rows = await db.select().from(regions).where(eq(regions.code, code));
    return rows[0];
  },
  async byDivisionCode(db: Db, code: string): Promise<RegionRow | undefined> {
    const rows = await db.select().from(regions).where(eq(regions.divisionCode, code));
    return rows[0];
  },
  async insert(db: Db, row: typeof regions.$inferInsert): Promise<RegionRow> {
    const [r] = await db.insert(regions).values(row).returning();
    return r;
  },
  /** Compare-and-set on version: undefined when someone else changed the row first. */
  update(db: Db, id: string, expectedVersion: number, patch: Partial<typeof regions.$inferInsert>): Promise<RegionRow | undefined> {
    return updateVersioned(db, regions, id, expectedVersion, patch);
  },
  list(db: Db, f: ListRegionsFilter & { withinPath?: string; afterId?: string; limit: number }): Promise<RegionRow[]> {
    const where: (SQL | undefined)[] = [];
    if (f.parentId) where.push(eq(regions.parentId, f.parentId));
    if (f.level) where.push(eq(regions.level, f.level));
    if (f.divisionCode) where.push(eq(regions.divisionCode, f.divisionCode));
    if (f.withinPath) where.push(like(regions.path, prefixPattern(f.withinPath)));
    if (f.q) where.push(or(ilike(regions.nameZh, containsPattern(f.q)), ilike(regions.nameEn, containsPattern(f.q))));
    if (f.afterId) where.push(gt(regions.id, f.afterId));
    return db.select().from(regions).where(and(...where)).orderBy(asc(regions.id)).limit(f.limit);
  },
};
