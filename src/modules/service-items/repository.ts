import { and, asc, eq, gt, ilike, inArray, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { containsPattern } from '../../db/like.js';
import { updateVersioned } from '../../db/versioned.js';
import { serviceItems, unitServiceItems } from './tables.js';
import type { ListServiceItemsFilter } from './schemas.js';

export type ServiceItemRow = typeof serviceItems.$inferSelect;

export const serviceItemsRepository = {
  async byId(db: Db, id: string): Promise<ServiceItemRow | undefined> {
    const rows = await db.select().from(serviceItems).where(eq(serviceItems.id, id));
    return rows[0];
  },
  byIds(db: Db, ids: readonly string[]): Promise<ServiceItemRow[]> {
    return db.select().from(serviceItems).where(inArray(serviceItems.id, [...ids]));
  },
  async byCode(db: Db, code: string): Promise<ServiceItemRow | undefined> {
    const rows = await db.select().from(serviceItems).where(eq(serviceItems.code, code));
    return rows[0];
  },
  async insert(db: Db, row: typeof serviceItems.$inferInsert): Promise<ServiceItemRow> {
    const [r] = await db.insert(serviceItems).values(row).returning();
    return r;
  },
  update(db: Db, id: string, expectedVersion: number, patch: Partial<typeof serviceItems.$inferInsert>): Promise<ServiceItemRow | undefined> {
    return updateVersioned(db, serviceItems, id, expectedVersion, patch);
  },
  list(db: Db, f: ListServiceItemsFilter & { afterId?: string; limit: number }): Promise<ServiceItemRow[]> {
    const where: (SQL | undefined)[] = [];
    if (f.departmentId) where.push(eq(serviceItems.departmentId, f.departmentId));
    if (f.status) where.push(eq(serviceItems.status, f.status));
    if (f.code) where.push(eq(serviceItems.code, f.code));
    if (f.mode) where.push(sql`${serviceItems.modes} @> ${JSON.stringify([f.mode])}::jsonb`);
    if (f.q) where.push(ilike(serviceItems.name, containsPattern(f.q)));
    if (f.unitId) {
      where.push(inArray(serviceItems.id, db.select({ id: unitServiceItems.itemId }).from(unitServiceItems).where(eq(unitServiceItems.unitId, f.unitId))));
    }
    if (f.afterId) where.push(gt(serviceItems.id, f.afterId));
    return db.select().from(serviceItems).where(and(...where)).orderBy(asc(serviceItems.id)).limit(f.limit);
  },
  async unitIdsOf(db: Db, itemId: string): Promise<string[]> {
    const rows = await db.select({ unitId: unitServiceItems.unitId }).from(unitServiceItems).where(eq(unitServiceItems.itemId, itemId)).orderBy(asc(unitServiceItems.unitId));
    return rows.map((r) => r.unitId);
  },
  async replaceUnits(db: Db, itemId: string, unitIds: string[]): Promise<void> {
    await db.delete(unitServiceItems).where(eq(unitServiceItems.itemId, itemId));
    if (unitIds.length) await db.insert(unitServiceItems).values(unitIds.map((unitId) => ({ unitId, itemId })));
  },
};
