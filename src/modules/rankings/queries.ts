import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { rankingEntries, rankings } from './tables.js';

/** What other modules may read of rankings (排名). Naming (命名) is made from a cycle's published ranking only. */
export const rankingQueries = {
  /** A ranking's cycle and status, or undefined. */
  async byId(db: Db, id: string): Promise<{ id: string; cycleId: string; status: (typeof rankings.$inferSelect)['status'] } | undefined> {
    return (await db.select({ id: rankings.id, cycleId: rankings.cycleId, status: rankings.status }).from(rankings).where(eq(rankings.id, id)))[0];
  },
  /** The cycle has a published ranking (the precondition of naming). */
  async hasPublished(db: Db, cycleId: string): Promise<boolean> {
    const rows = await db.select({ id: rankings.id }).from(rankings).where(and(eq(rankings.cycleId, cycleId), eq(rankings.status, 'published'))).limit(1);
    return rows.length > 0;
  },
  /**
   * A ranking's entries as a joinable subquery (unitId, category, rank within the category — null when not earned —,
   * position in the category's list, raw score, ratings sample, flags) — what naming reads; the raw score keeps
   * cross-category ordering exact.
   */
  entriesForNaming(db: Db, rankingId: string, alias = 'naming_entries') {
    return db
      .select({
        unitId: rankingEntries.unitId,
        category: rankingEntries.category,
        rank: rankingEntries.rank,
        position: rankingEntries.position,
        score: rankingEntries.score,
        ratings: rankingEntries.ratings,
        flags: rankingEntries.flags,
      })
      .from(rankingEntries)
      .where(eq(rankingEntries.rankingId, rankingId))
      .as(alias);
  },
};
