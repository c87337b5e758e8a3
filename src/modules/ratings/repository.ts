import { and, asc, count, desc, eq, gt, gte, inArray, lt, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { ratings } from './tables.js';
import type { RatingChannel } from './tables.js';
import { unitQueries } from '../units/queries.js';
import type { UnitFilter } from '../units/queries.js';

export type RatingRow = typeof ratings.$inferSelect;

export interface RatingFilter {
  unitId?: string;
  /** Scope and filters on the rated unit (department, region, …). */
  units?: UnitFilter;
  cycleId?: string;
  channel?: RatingChannel;
  level?: number;
  from?: Date;
  to?: Date;
}

function ratingWhere(db: Db, f: RatingFilter): SQL | undefined {
  return and(
    f.unitId ? eq(ratings.unitId, f.unitId) : undefined,
    unitQueries.unitIn(db, ratings.unitId, f.units),
    f.cycleId ? eq(ratings.cycleId, f.cycleId) : undefined,
    f.channel ? eq(ratings.channel, f.channel) : undefined,
    f.level ? eq(ratings.level, f.level) : undefined,
    f.from ? gte(ratings.collectedAt, f.from) : undefined,
    f.to ? lt(ratings.collectedAt, f.to) : undefined,
  );
}

export const ratingsRepository = {
  async byId(db: Db, id: string): Promise<RatingRow | undefined> {
    const rows = await db.select().from(ratings).where(eq(ratings.id, id));
    return rows[0];
  },
  byIds(db: Db, ids: readonly string[]): Promise<RatingRow[]> {
    return db.select().from(ratings).where(inArray(ratings.id, [...ids]));
  },
  async bySourceExternalId(db: Db, source: string, externalId: string): Promise<RatingRow | undefined> {
    const rows = await db
      .select()
      .from(ratings)
      .where(and(eq(ratings.source, source), eq(ratings.externalId, externalId)));
    return rows[0];
  },
  /** Inserts unless (source, external_id) exists; undefined means a concurrent writer stored it first. */
  async insert(db: Db, row: typeof ratings.$inferInsert): Promise<RatingRow | undefined> {
    const [r] = await db
      .insert(ratings)
      .values(row)
      .onConflictDoNothing({ target: [ratings.source, ratings.externalId] })
      .returning();
    return r;
  },
  async countOnDay(db: Db, respondentHash: string, unitId: string, day: string): Promise<number> {
    const [r] = await db
      .select({ n: count() })
      .from(ratings)
      .where(and(eq(ratings.respondentHash, respondentHash), eq(ratings.unitId, unitId), eq(ratings.limitedDay, day)));
    return r.n;
  },
  list(db: Db, f: RatingFilter & { afterId?: string; limit: number }): Promise<RatingRow[]> {
    return db
      .select()
      .from(ratings)
      .where(and(ratingWhere(db, f), f.afterId ? gt(ratings.id, f.afterId) : undefined))
      .orderBy(asc(ratings.id))
      .limit(f.limit);
  },
  /** A page of the units that have ratings matching the filter, in id order. */
  async ratedUnitIds(db: Db, f: RatingFilter & { afterUnitId?: string; limit: number }): Promise<string[]> {
    const rows = await db
      .selectDistinct({ unitId: ratings.unitId })
      .from(ratings)
      .where(and(ratingWhere(db, f), f.afterUnitId ? gt(ratings.unitId, f.afterUnitId) : undefined))
      .orderBy(asc(ratings.unitId))
      .limit(f.limit);
    return rows.map((r) => r.unitId);
  },
  /** Counts by unit × channel × level, for the given units (one grouped query; uses ratings_counts_idx). */
  counts(db: Db, f: RatingFilter, unitIds: string[]) {
    return db
      .select({ unitId: ratings.unitId, channel: ratings.channel, level: ratings.level, count: sql<number>`count(*)::int` })
      .from(ratings)
      .where(and(ratingWhere(db, f), inArray(ratings.unitId, unitIds)))
      .groupBy(ratings.unitId, ratings.channel, ratings.level)
      .orderBy(asc(ratings.unitId), asc(ratings.channel), desc(ratings.level));
  },
};
