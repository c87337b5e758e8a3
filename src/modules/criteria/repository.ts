import { and, desc, eq, inArray, lt } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { criteriaSets } from './tables.js';
import { cycles } from '../cycles/tables.js';
import type { Category } from '../units/schemas.js';

export type CriteriaSetRow = typeof criteriaSets.$inferSelect;
export type CyclePhase = (typeof cycles.$inferSelect)['phase'];
/** What this module needs of a cycle: whether its standards may still change, and what to call it. */
export interface CycleSummary {
  id: string;
  name: string;
  year: number;
  phase: CyclePhase;
}

const cycleSummary = { id: cycles.id, name: cycles.name, year: cycles.year, phase: cycles.phase };

export const criteriaRepository = {
  async cycle(db: Db, id: string): Promise<CycleSummary | undefined> {
    const rows = await db.select(cycleSummary).from(cycles).where(eq(cycles.id, id));
    return rows[0];
  },

  /**
   * The cycle, share-locked until the transaction ends: a phase change (an UPDATE of this row) waits for
   * the save to commit, so no revision slips in after the cycle has left enrollment.
   */
  async lockCycle(db: Db, id: string): Promise<CycleSummary | undefined> {
    const rows = await db.select(cycleSummary).from(cycles).where(eq(cycles.id, id)).for('share');
    return rows[0];
  },

  cyclesByIds(db: Db, ids: readonly string[]): Promise<CycleSummary[]> {
    return db.select(cycleSummary).from(cycles).where(inArray(cycles.id, [...ids]));
  },

  async byId(db: Db, id: string): Promise<CriteriaSetRow | undefined> {
    const rows = await db.select().from(criteriaSets).where(eq(criteriaSets.id, id));
    return rows[0];
  },

  async current(db: Db, cycleId: string, category: Category): Promise<CriteriaSetRow | undefined> {
    const rows = await db
      .select()
      .from(criteriaSets)
      .where(and(eq(criteriaSets.cycleId, cycleId), eq(criteriaSets.category, category)))
      .orderBy(desc(criteriaSets.revision))
      .limit(1);
    return rows[0];
  },

  /** The newest revision of every category of a cycle (at most three rows). */
  currentOfCycle(db: Db, cycleId: string): Promise<CriteriaSetRow[]> {
    return db
      .selectDistinctOn([criteriaSets.category])
      .from(criteriaSets)
      .where(eq(criteriaSets.cycleId, cycleId))
      .orderBy(criteriaSets.category, desc(criteriaSets.revision));
  },

  async revision(db: Db, cycleId: string, category: Category, revision: number): Promise<CriteriaSetRow | undefined> {
    const rows = await db
      .select()
      .from(criteriaSets)
      .where(and(eq(criteriaSets.cycleId, cycleId), eq(criteriaSets.category, category), eq(criteriaSets.revision, revision)));
    return rows[0];
  },

  /** Newest first; `beforeRevision` continues a page. */
  revisions(db: Db, f: { cycleId: string; category: Category; beforeRevision?: number; limit: number }): Promise<CriteriaSetRow[]> {
    return db
      .select()
      .from(criteriaSets)
      .where(
        and(
          eq(criteriaSets.cycleId, f.cycleId),
          eq(criteriaSets.category, f.category),
          f.beforeRevision !== undefined ? lt(criteriaSets.revision, f.beforeRevision) : undefined,
        ),
      )
      .orderBy(desc(criteriaSets.revision))
      .limit(f.limit);
  },

  async insert(db: Db, row: typeof criteriaSets.$inferInsert): Promise<CriteriaSetRow> {
    const [r] = await db.insert(criteriaSets).values(row).returning();
    return r;
  },
};

/** The unique index that makes two saves on the same revision impossible. */
export const REVISION_KEY = 'criteria_sets_cycle_category_revision_key';
