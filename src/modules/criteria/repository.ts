import { and, desc, eq, lt } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { criteriaSets } from './tables.js';
import { cycleQueries } from '../cycles/queries.js';
import type { Phase } from '../cycles/schemas.js';
import type { Category } from '../units/schemas.js';

export type CriteriaSetRow = typeof criteriaSets.$inferSelect;
export type CyclePhase = Phase;
/** What this module needs of a cycle: whether its standards may still change, and what to call it. */
export interface CycleSummary {
  id: string;
  name: string;
  year: number;
  phase: CyclePhase;
}

export const criteriaRepository = {
  /** Categories that have a criteria set (any revision) in the cycle. */
  async categoriesWithCriteria(db: Db, cycleId: string): Promise<Category[]> {
    const rows = await db.selectDistinct({ category: criteriaSets.category }).from(criteriaSets).where(eq(criteriaSets.cycleId, cycleId));
    return rows.map((r) => r.category);
  },
  async cycle(db: Db, id: string): Promise<CycleSummary | undefined> {
    return cycleQueries.summary(db, id);
  },

  /**
   * The cycle, share-locked until the transaction ends: a phase change (an UPDATE of this row) waits for
   * the save to commit, so no revision slips in after the cycle has left enrollment.
   */
  async lockCycle(db: Db, id: string): Promise<CycleSummary | undefined> {
    return cycleQueries.summary(db, id, 'share');
  },

  cyclesByIds(db: Db, ids: readonly string[]): Promise<CycleSummary[]> {
    return cycleQueries.summaries(db, ids);
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
