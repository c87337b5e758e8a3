import { and, asc, count, desc, eq, gt, gte, inArray, lt, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { ratingFollowUps, ratings } from './tables.js';
import type { RatingChannel } from './tables.js';
import { auditQueries } from '../audit/queries.js';
import type { PreparedAuditEntry } from '../audit/queries.js';
import { cycleForSql } from '../enrollments/queries.js';
import { unitQueries } from '../units/queries.js';
import type { UnitFilter } from '../units/queries.js';

export type RatingRow = typeof ratings.$inferSelect;
type FollowUpRow = typeof ratingFollowUps.$inferSelect;

/** What the intake needs to know before it stores a rating, read in one statement. */
export interface IntakeFacts {
  unitId: string;
  active: boolean;
  /** 归属周期 by the enrollments rule; null when not asked for or there is none. */
  attributedCycleId: string | null;
  /** Ratings this respondent already gave the unit on the limited day (0 when not limited). */
  taken: number;
}

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
  /**
   * The unit (undefined when it does not exist), the cycle the rating counts toward (when `attributeAt` is given) and
   * the respondent's ratings of the unit on `limit.day`, in one query.
   */
  async intakeFacts(db: Db, unitId: string, opts: { attributeAt?: Date; limit?: { respondentHash: string; day: string } }): Promise<IntakeFacts | undefined> {
    const u = unitQueries.facts(db, 'intake_unit');
    const { attributeAt, limit } = opts;
    const [r] = await db
      .select({
        unitId: u.id,
        active: u.active,
        attributedCycleId: attributeAt ? sql<string | null>`${cycleForSql(u.id, attributeAt, 'assessment')}` : sql<null>`null::uuid`,
        taken: limit
          ? sql<number>`(select count(*)::int from ${ratings} where ${ratings.respondentHash} = ${limit.respondentHash} and ${ratings.unitId} = ${u.id} and ${ratings.limitedDay} = ${limit.day})`
          : sql<number>`0`,
      })
      .from(u)
      .where(eq(u.id, unitId));
    return r;
  },
  /**
   * Stores a rating, its follow-up (if any) and their audit entries in ONE statement — atomic without a transaction's
   * extra round trips. Returns false (and writes nothing) when (source, external_id) exists: a concurrent writer won.
   */
  async insertAudited(db: Db, row: RatingRow, followUp: FollowUpRow | null, entries: PreparedAuditEntry[]): Promise<boolean> {
    const insert = db.insert(ratings).values(row).onConflictDoNothing({ target: [ratings.source, ratings.externalId] }).returning({ id: ratings.id });
    const followUpSql = followUp
      ? sql`, opened as (insert into ${ratingFollowUps} (id, rating_id, unit_id, deadline, status, version, created_at, updated_at)
          select ${followUp.id}::uuid, inserted.id, ${followUp.unitId}::uuid, ${followUp.deadline.toISOString()}::timestamptz, ${followUp.status}, ${followUp.version},
            ${followUp.createdAt.toISOString()}::timestamptz, ${followUp.updatedAt.toISOString()}::timestamptz from inserted)`
      : sql``;
    const res = await db.execute(sql`with inserted as ${insert}${followUpSql},
      audited as (${auditQueries.insertSql(entries, sql`exists (select 1 from inserted)`)})
      select count(*)::int as n from inserted`);
    return (res as unknown as { rows: { n: number }[] }).rows[0].n > 0;
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
