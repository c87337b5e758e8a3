import { and, asc, desc, eq, inArray, isNotNull, isNull, or, sql } from 'drizzle-orm';
import { INSUFFICIENT_SAMPLE } from './scoring.js';
import type { Db } from '../../db/client.js';
import { rankingEntries, rankings } from './tables.js';

/** What other modules may read of rankings (排名). Naming (命名) is made from a cycle's published ranking only. */
export const rankingQueries = {
  /** A ranking's cycle and status, or undefined. */
  /** A ranking's cycle, status and period (null: a whole-cycle ranking), or undefined. */
  async byId(db: Db, id: string): Promise<{ id: string; cycleId: string; status: (typeof rankings.$inferSelect)['status']; period: string | null } | undefined> {
    return (await db.select({ id: rankings.id, cycleId: rankings.cycleId, status: rankings.status, period: rankings.period }).from(rankings).where(eq(rankings.id, id)))[0];
  },
  /**
   * The entries of these (ranking, unit) pairs that exist in a published ranking, with the unit's department and the
   * ranking's cycle and period: what an accountability action citing a ranking entry (排名靠后) must point at.
   */
  async publishedEntries(db: Db, pairs: readonly { rankingId: string; unitId: string }[]) {
    if (!pairs.length) return [];
    return db
      .select({ rankingId: rankingEntries.rankingId, unitId: rankingEntries.unitId, departmentId: rankingEntries.departmentId, cycleId: rankings.cycleId, period: rankings.period })
      .from(rankingEntries)
      .innerJoin(rankings, eq(rankings.id, rankingEntries.rankingId))
      .where(and(eq(rankings.status, 'published'), or(...pairs.map((p) => and(eq(rankingEntries.rankingId, p.rankingId), eq(rankingEntries.unitId, p.unitId))))));
  },
  /**
   * The current published ranking of each period of the cycle (the highest publication version: a correction replaces
   * what it supersedes), oldest period first.
   */
  currentPeriodRankings(db: Db, cycleId: string) {
    return db
      .selectDistinctOn([rankings.period], { id: rankings.id, period: sql<string>`${rankings.period}`, periodKind: rankings.periodKind, periodStart: rankings.periodStart, periodEnd: rankings.periodEnd, publicationVersion: rankings.publicationVersion })
      .from(rankings)
      .where(and(eq(rankings.cycleId, cycleId), eq(rankings.status, 'published'), isNotNull(rankings.period)))
      .orderBy(asc(rankings.period), desc(rankings.publicationVersion));
  },
  /**
   * 排名靠后 by count: the entries of these rankings among the bottom `n` of their category's ranked units (an earned
   * rank; an entry flagged insufficient_sample is never among them), with the category's ranked size. One statement.
   */
  async bottomEntries(db: Db, rankingIds: readonly string[], n: number) {
    if (!rankingIds.length || n < 1) return [];
    const e = rankingEntries;
    const eligible = sql`(${e.rank} is not null and not (${e.flags} @> array[${INSUFFICIENT_SAMPLE}]::text[]))`;
    const sized = db
      .select({
        rankingId: e.rankingId,
        unitId: e.unitId,
        unitName: e.unitName,
        departmentId: e.departmentId,
        category: e.category,
        rank: e.rank,
        score: e.score,
        rankedUnits: sql<number>`count(*) over (partition by ${e.rankingId}, ${e.category})`.mapWith(Number).as('ranked_units'),
      })
      .from(e)
      .where(and(inArray(e.rankingId, [...rankingIds]), eligible))
      .as('sized');
    return db.select().from(sized).where(sql`${sized.rank} > ${sized.rankedUnits} - ${n}`);
  },
  /** The cycle has a published whole-cycle ranking (the precondition of naming; period rankings do not count). */
  async hasPublished(db: Db, cycleId: string): Promise<boolean> {
    const rows = await db.select({ id: rankings.id }).from(rankings).where(and(eq(rankings.cycleId, cycleId), eq(rankings.status, 'published'), isNull(rankings.period))).limit(1);
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
