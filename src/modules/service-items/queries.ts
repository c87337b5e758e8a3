import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { serviceItems, unitServiceItems } from './tables.js';

/** What other modules (cases) may read of the catalogue: an item's rule facts and who offers it. */
export const serviceItemQueries = {
  async byId(db: Db, id: string) {
    const rows = await db
      .select({ id: serviceItems.id, departmentId: serviceItems.departmentId, promisedDays: serviceItems.promisedDays, status: serviceItems.status })
      .from(serviceItems)
      .where(eq(serviceItems.id, id));
    return rows[0];
  },
  /** Of the given items, their facts (one query per batch; bulk case imports). */
  byIds(db: Db, ids: readonly string[]) {
    return db
      .select({ id: serviceItems.id, departmentId: serviceItems.departmentId, promisedDays: serviceItems.promisedDays, status: serviceItems.status })
      .from(serviceItems)
      .where(inArray(serviceItems.id, [...ids]));
  },
  /** 事项编码 of items, by ids or by codes (provincial exchange). */
  codes(db: Db, by: { ids: readonly string[] } | { codes: readonly string[] }) {
    const where = 'ids' in by ? inArray(serviceItems.id, [...by.ids]) : inArray(serviceItems.code, [...by.codes]);
    return db.select({ id: serviceItems.id, code: serviceItems.code }).from(serviceItems).where(where);
  },
  async offers(db: Db, unitId: string, itemId: string): Promise<boolean> {
    const rows = await db.select({ unitId: unitServiceItems.unitId }).from(unitServiceItems).where(and(eq(unitServiceItems.unitId, unitId), eq(unitServiceItems.itemId, itemId)));
    return rows.length > 0;
  },
  /** The (unit, item) pairs among the given that are offered, as "unit:item" keys (one query per batch). */
  async offeredPairs(db: Db, unitIds: readonly string[], itemIds: readonly string[]): Promise<Set<string>> {
    if (!unitIds.length || !itemIds.length) return new Set();
    const rows = await db
      .select({ unitId: unitServiceItems.unitId, itemId: unitServiceItems.itemId })
      .from(unitServiceItems)
      .where(and(inArray(unitServiceItems.unitId, [...unitIds]), inArray(unitServiceItems.itemId, [...itemIds])));
    return new Set(rows.map((r) => `${r.unitId}:${r.itemId}`));
  },
};
