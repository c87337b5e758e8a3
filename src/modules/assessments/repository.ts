import { and, asc, eq, gt, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { updateVersioned } from '../../db/versioned.js';
import { criteriaQueries } from '../criteria/queries.js';
import type { CriteriaSetRow } from '../criteria/queries.js';
import { scorecardBonuses, scorecardDeductions, scorecards } from './tables.js';
import type { ScorecardStatus } from './schemas.js';

export type ScorecardRow = typeof scorecards.$inferSelect;
export type DeductionRow = typeof scorecardDeductions.$inferSelect;
export type BonusRow = typeof scorecardBonuses.$inferSelect;
export type { CriteriaSetRow };

export interface ScorecardFilter {
  cycleId?: string;
  unitId?: string;
  status?: ScorecardStatus;
  inspectorSubject?: string;
}

export const assessmentsRepository = {
  criteriaSetsByIds: (db: Db, ids: readonly string[]): Promise<CriteriaSetRow[]> => criteriaQueries.byIds(db, ids),

  async byId(db: Db, id: string, forUpdate = false): Promise<ScorecardRow | undefined> {
    const q = db.select().from(scorecards).where(eq(scorecards.id, id));
    const rows = forUpdate ? await q.for('update') : await q;
    return rows[0];
  },

  byIds(db: Db, ids: readonly string[]): Promise<ScorecardRow[]> {
    return ids.length ? db.select().from(scorecards).where(inArray(scorecards.id, [...ids])) : Promise.resolve([]);
  },

  list(db: Db, f: ScorecardFilter & { afterId?: string; limit: number }): Promise<ScorecardRow[]> {
    return db
      .select()
      .from(scorecards)
      .where(
        and(
          f.cycleId ? eq(scorecards.cycleId, f.cycleId) : undefined,
          f.unitId ? eq(scorecards.unitId, f.unitId) : undefined,
          f.status ? eq(scorecards.status, f.status) : undefined,
          f.inspectorSubject ? eq(scorecards.inspectorSubject, f.inspectorSubject) : undefined,
          f.afterId ? gt(scorecards.id, f.afterId) : undefined,
        ),
      )
      .orderBy(asc(scorecards.id))
      .limit(f.limit);
  },

  /** Confirmed scorecards of one unit in one cycle, oldest first. */
  confirmedFor(db: Db, cycleId: string, unitId: string): Promise<ScorecardRow[]> {
    return db
      .select()
      .from(scorecards)
      .where(and(eq(scorecards.cycleId, cycleId), eq(scorecards.unitId, unitId), eq(scorecards.status, 'confirmed')))
      .orderBy(asc(scorecards.id));
  },

  async insert(db: Db, row: typeof scorecards.$inferInsert): Promise<ScorecardRow> {
    const [r] = await db.insert(scorecards).values(row).returning();
    return r;
  },

  update(db: Db, id: string, expectedVersion: number, patch: Partial<typeof scorecards.$inferInsert>): Promise<ScorecardRow | undefined> {
    return updateVersioned(db, scorecards, id, expectedVersion, patch);
  },

  deductionsFor(db: Db, scorecardIds: readonly string[]): Promise<DeductionRow[]> {
    if (!scorecardIds.length) return Promise.resolve([]);
    return db
      .select()
      .from(scorecardDeductions)
      .where(inArray(scorecardDeductions.scorecardId, [...scorecardIds]))
      .orderBy(asc(scorecardDeductions.scorecardId), asc(scorecardDeductions.position));
  },

  bonusesFor(db: Db, scorecardIds: readonly string[]): Promise<BonusRow[]> {
    if (!scorecardIds.length) return Promise.resolve([]);
    return db
      .select()
      .from(scorecardBonuses)
      .where(inArray(scorecardBonuses.scorecardId, [...scorecardIds]))
      .orderBy(asc(scorecardBonuses.scorecardId), asc(scorecardBonuses.position));
  },

  async replaceDeductions(db: Db, scorecardId: string, rows: Omit<typeof scorecardDeductions.$inferInsert, 'scorecardId'>[]): Promise<void> {
    await db.delete(scorecardDeductions).where(eq(scorecardDeductions.scorecardId, scorecardId));
    if (rows.length) await db.insert(scorecardDeductions).values(rows.map((r) => ({ ...r, scorecardId })));
  },

  async replaceBonuses(db: Db, scorecardId: string, rows: Omit<typeof scorecardBonuses.$inferInsert, 'scorecardId'>[]): Promise<void> {
    await db.delete(scorecardBonuses).where(eq(scorecardBonuses.scorecardId, scorecardId));
    if (rows.length) await db.insert(scorecardBonuses).values(rows.map((r) => ({ ...r, scorecardId })));
  },

};
