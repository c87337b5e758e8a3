import { and, asc, eq, notExists, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { auditQueries } from '../audit/queries.js';
import type { PreparedAuditEntry } from '../audit/queries.js';
import { caseQueries } from '../cases/queries.js';
import { cycleQueries } from '../cycles/queries.js';
import { cycleForSql } from '../enrollments/queries.js';
import { unitQueries } from '../units/queries.js';
import { DEFAULT_RATING_BOUNDS } from './rules.js';
import { DEFAULT_RATING_GROUP } from './schemas.js';
import { ratingChannel, ratings } from './tables.js';
import type { RatingChannel } from './tables.js';

export interface DueCase {
  caseId: string;
  unitId: string;
  closedAt: Date;
  /** The cycle the default is attributed to (its window holds the completion), or null. */
  cycleId: string | null;
  /** Level and channel from that cycle's `settings.defaultRating`, else the env defaults. */
  level: number;
  channel: RatingChannel;
}

export interface DefaultRatingRow extends DueCase {
  id: string;
}

/** The env defaults (DEFAULT_RATING_*), taken where a cycle's `settings.defaultRating` leaves a field out. */
export interface DefaultRatingFallback {
  days: number;
  level: number;
  channel: RatingChannel;
}

const DAY_MS = 86_400_000;

/** 默认评价: the reads and the one-statement write behind ratings/defaults.ts. */
export const defaultRatingsRepository = {
  /**
   * Completed cases of active units that have no rating and whose rating days have passed, oldest first (uses
   * ratings_case_key). Each case is attributed to its cycle here (the window holding its completion, the rule every
   * rating write uses) and takes that cycle's days, level and channel, or the env's: one statement for all cycles.
   */
  async dueCases(db: Db, now: Date, fallback: DefaultRatingFallback, limit: number): Promise<DueCase[]> {
    // No cycle may set fewer days than the minimum: a case completed since then is never due.
    const c = caseQueries.completedBefore(db, new Date(now.getTime() - DEFAULT_RATING_BOUNDS.days.min * DAY_MS), 'due_cases');
    const u = unitQueries.facts(db, 'due_case_units');
    const unrated = db
      .select({ caseId: c.id, unitId: c.unitId, closedAt: c.closedAt, cycleId: sql<string | null>`${cycleForSql(c.unitId, sql`${c.closedAt}`, 'assessment')}`.as('cycle_id') })
      .from(c)
      .innerJoin(u, eq(u.id, c.unitId))
      .where(and(eq(u.active, true), notExists(db.select({ one: sql`1` }).from(ratings).where(eq(ratings.caseId, c.id)))))
      .as('unrated_cases');
    const s = cycleQueries.settingsGroup(db, DEFAULT_RATING_GROUP, 'default_rating_settings');
    const field = (key: keyof DefaultRatingFallback) => sql`${s.group} ->> ${key}`;
    const rows = await db
      .select({
        caseId: unrated.caseId,
        unitId: unrated.unitId,
        closedAt: unrated.closedAt,
        cycleId: unrated.cycleId,
        level: sql<number>`coalesce((${field('level')})::int, ${fallback.level}::int)`,
        channel: sql<RatingChannel>`coalesce(${field('channel')}, ${fallback.channel}::text)`,
      })
      .from(unrated)
      .leftJoin(s, eq(s.id, unrated.cycleId))
      .where(sql`${unrated.closedAt} < ${now.toISOString()}::timestamptz - make_interval(days => coalesce((${field('days')})::int, ${fallback.days}::int))`)
      .orderBy(asc(unrated.closedAt), asc(unrated.caseId))
      .limit(limit);
    return rows.map((r) => ({ ...r, closedAt: r.closedAt!, level: Number(r.level) }));
  },

  /**
   * One statement per batch: the default ratings (cycle, level and channel as `dueCases` read them) and one audit entry per rating actually inserted. A case rated meanwhile (by a rater or a
   * concurrent run) is skipped by the case's unique index: never two ratings per case.
   */
  async insertAudited(
    db: Db,
    rows: DefaultRatingRow[],
    common: { receivedAt: Date; source: string; submittedBy: string },
    entry: PreparedAuditEntry,
  ): Promise<{ id: string; caseId: string; cycleId: string | null }[]> {
    if (!rows.length) return [];
    const values = sql.join(
      rows.map(
        (r) =>
          sql`(${r.id}::uuid, ${r.caseId}::uuid, ${r.unitId}::uuid, ${r.closedAt.toISOString()}::timestamptz, ${r.cycleId}::uuid, ${r.level}::int, ${r.channel}::${sql.raw(ratingChannel.enumName)})`,
      ),
      sql`, `,
    );
    const received = sql`${common.receivedAt.toISOString()}::timestamptz`;
    const audited: PreparedAuditEntry = {
      ...entry,
      // Completed per inserted row; the digest is null, so the sealer digests what was stored.
      entityId: sql`inserted.id::text` as unknown as string,
      after: sql`jsonb_build_object('id', inserted.id, 'unitId', inserted.unit_id, 'cycleId', inserted.cycle_id, 'caseId', inserted.case_id,
        'level', inserted.level, 'channel', inserted.channel, 'collectedAt', inserted.collected_at, 'source', inserted.source, 'default', true)` as SQL,
      digest: null,
    };
    const res = await db.execute(sql`
      with v(id, case_id, unit_id, collected_at, cycle_id, level, channel) as (values ${values}),
      inserted as (
        insert into ${ratings} (id, unit_id, cycle_id, channel, level, collected_at, received_at, source, submitted_by, case_id, is_default)
        select v.id, v.unit_id, v.cycle_id, v.channel, v.level, v.collected_at, ${received}, ${common.source}, ${common.submittedBy}, v.case_id, true
        from v
        on conflict (case_id) where case_id is not null do nothing
        returning id, unit_id, cycle_id, case_id, level, channel, collected_at, source
      ),
      audited as (${auditQueries.insertSql([audited], { from: sql`inserted` })})
      select id, case_id, cycle_id from inserted`);
    return (res as unknown as { rows: { id: string; case_id: string; cycle_id: string | null }[] }).rows.map((r) => ({ id: r.id, caseId: r.case_id, cycleId: r.cycle_id }));
  },

  /** Removes a default rating a real rating of its case replaces (in the caller's transaction). */
  async deleteDefault(db: Db, id: string): Promise<boolean> {
    const rows = await db.delete(ratings).where(and(eq(ratings.id, id), eq(ratings.isDefault, true))).returning({ id: ratings.id });
    return rows.length > 0;
  },
};
