import { and, asc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { cycleQueries } from '../cycles/queries.js';
import { departmentQueries } from '../departments/queries.js';
import { powerListCleanups, powerListItems } from './tables.js';
import type { PowerItemKind, PowerLevel } from './schemas.js';

export type CleanupRow = typeof powerListCleanups.$inferSelect;
export type PowerItemRow = typeof powerListItems.$inferSelect;
export type CleanupWithItems = CleanupRow & { items: PowerItemRow[] };

export interface CleanupFilter {
  departmentIds: string[];
  cycleId?: string;
  itemKind?: PowerItemKind;
  level?: PowerLevel;
}

export const powerListRepository = {
  cycleExists: cycleQueries.exists,
  /** The department's level (县市 / 州直 …), or undefined when it does not exist. */
  async departmentLevel(db: Db, id: string): Promise<PowerLevel | undefined> {
    return (await departmentQueries.byId(db, id))?.level;
  },
  async exists(db: Db, k: { departmentId: string; cycleId: string | null; itemKind: PowerItemKind }): Promise<boolean> {
    const c = powerListCleanups;
    const rows = await db
      .select({ id: c.id })
      .from(c)
      .where(and(eq(c.departmentId, k.departmentId), k.cycleId ? eq(c.cycleId, k.cycleId) : isNull(c.cycleId), eq(c.itemKind, k.itemKind)));
    return rows.length > 0;
  },
  async insert(db: Db, row: typeof powerListCleanups.$inferInsert, items: Omit<typeof powerListItems.$inferInsert, 'cleanupId'>[]): Promise<CleanupWithItems> {
    const [r] = await db.insert(powerListCleanups).values(row).returning();
    const saved = items.length ? await db.insert(powerListItems).values(items.map((i) => ({ ...i, cleanupId: r.id }))).returning() : [];
    return { ...r, items: saved };
  },
  async byId(db: Db, id: string, lock = false): Promise<CleanupRow | undefined> {
    const q = db.select().from(powerListCleanups).where(eq(powerListCleanups.id, id));
    return (lock ? await q.for('update') : await q)[0];
  },
  async update(db: Db, id: string, set: Partial<Pick<CleanupRow, 'registered' | 'kept' | 'merged' | 'abolished' | 'notes'>>): Promise<CleanupRow> {
    const [r] = await db
      .update(powerListCleanups)
      .set({ ...set, version: sql`${powerListCleanups.version} + 1`, updatedAt: sql`now()` })
      .where(eq(powerListCleanups.id, id))
      .returning();
    return r;
  },
  /** The listed items of some cleanups, in one statement. */
  async withItems(db: Db, rows: CleanupRow[]): Promise<CleanupWithItems[]> {
    if (!rows.length) return [];
    const items = await db.select().from(powerListItems).where(inArray(powerListItems.cleanupId, rows.map((r) => r.id))).orderBy(asc(powerListItems.id));
    return rows.map((r) => ({ ...r, items: items.filter((i) => i.cleanupId === r.id) }));
  },
  list(db: Db, f: CleanupFilter & { afterId?: string; limit: number }): Promise<CleanupRow[]> {
    const c = powerListCleanups;
    return db
      .select()
      .from(c)
      .where(
        and(
          ...f.departmentIds.map((d) => eq(c.departmentId, d)),
          f.cycleId ? eq(c.cycleId, f.cycleId) : undefined,
          f.itemKind ? eq(c.itemKind, f.itemKind) : undefined,
          f.level ? eq(c.level, f.level) : undefined,
          f.afterId ? gt(c.id, f.afterId) : undefined,
        ),
      )
      .orderBy(asc(c.id))
      .limit(f.limit);
  },
};
