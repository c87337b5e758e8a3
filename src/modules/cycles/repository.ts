import { and, asc, eq, gt, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { updateVersioned } from '../../db/versioned.js';
import { cycles } from './tables.js';

export type CycleRow = typeof cycles.$inferSelect;

export interface CycleFilter {
  year?: number;
  phase?: CycleRow['phase'];
}

export const cyclesRepository = {
  /** `lock`: 'update' for a phase move, 'share' for writes that depend on the phase (enrollment). */
  async byId(db: Db, id: string, lock?: 'update' | 'share'): Promise<CycleRow | undefined> {
    const q = db.select().from(cycles).where(eq(cycles.id, id));
    const rows = lock === 'update' ? await q.for('update') : lock === 'share' ? await q.for('share') : await q;
    return rows[0];
  },
  byIds(db: Db, ids: readonly string[]): Promise<CycleRow[]> {
    return db.select().from(cycles).where(inArray(cycles.id, [...ids]));
  },
  async insert(db: Db, row: typeof cycles.$inferInsert): Promise<CycleRow> {
    const [r] = await db.insert(cycles).values(row).returning();
    return r;
  },
  update(db: Db, id: string, expectedVersion: number, patch: Partial<typeof cycles.$inferInsert>): Promise<CycleRow | undefined> {
    return updateVersioned(db, cycles, id, expectedVersion, patch);
  },
  list(db: Db, f: CycleFilter & { afterId?: string; limit: number }): Promise<CycleRow[]> {
    return db
      .select()
      .from(cycles)
      .where(and(f.year ? eq(cycles.year, f.year) : undefined, f.phase ? eq(cycles.phase, f.phase) : undefined, f.afterId ? gt(cycles.id, f.afterId) : undefined))
      .orderBy(asc(cycles.id))
      .limit(f.limit);
  },

};
