import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { BAD_LEVEL_MAX } from './rules.js';
import { ratings } from './tables.js';

export type HoldStatus = 'held' | 'cleared' | 'rejected';
export const integritySignals = ['respondent_burst', 'ip_burst', 'respondent_spread', 'same_second', 'level_shift'] as const;
export type IntegritySignal = (typeof integritySignals)[number];

/** Thresholds of the signals (config or defaults in integrity.ts). */
export interface IntegrityThresholds {
  /** More ratings than this from one respondent key, or one client IP, within ± the window: a burst. */
  burstMax: number;
  burstWindowMinutes: number;
  /** One respondent key rating more units than this within a day. */
  spreadMaxUnits: number;
  /** More public ratings of one unit than this collected in the same second. */
  sameSecondMax: number;
  /** Level mix: the unit's bad share in the last `shiftWindowHours` exceeds its earlier share by more than this. */
  shiftMaxIncrease: number;
  shiftMinRecent: number;
  shiftMinBaseline: number;
  shiftWindowHours: number;
}

const rowsOf = <T>(res: unknown) => (res as { rows: T[] }).rows;

export interface HeldRow {
  id: string;
  unitId: string;
  cycleId: string | null;
  holdSignals: string[];
}

export interface HoldFilter {
  status: HoldStatus;
  unitId?: string;
  cycleId?: string;
  signal?: IntegritySignal;
}

function holdWhere(f: HoldFilter): SQL | undefined {
  return and(
    eq(ratings.holdStatus, f.status),
    f.unitId ? eq(ratings.unitId, f.unitId) : undefined,
    f.cycleId ? eq(ratings.cycleId, f.cycleId) : undefined,
    f.signal ? sql`${ratings.holdSignals} @> array[${f.signal}]::text[]` : undefined,
  );
}

export const integrityRepository = {
  /**
   * Evaluates every signal over the ratings in scope (a cycle, or those received since `since`) in ONE statement, set-based
   * (window functions and grouped subqueries, no row at a time), and holds the suspects never reviewed before (hold_status
   * none): a cleared rating is not held again. Returns what it held, with the signals. Every step is MATERIALIZED: each
   * signal is computed once, whatever join order the planner picks (fresh rows have no statistics yet).
   */
  async holdSuspects(db: Db, scope: { cycleId: string } | { since: Date }, t: IntegrityThresholds, now: Date): Promise<HeldRow[]> {
    const inScope = 'cycleId' in scope ? sql`r.cycle_id = ${scope.cycleId}::uuid` : sql`r.received_at >= ${scope.since.toISOString()}::timestamptz`;
    const w = sql`make_interval(mins => ${t.burstWindowMinutes}::int)`;
    const recentFrom = sql`(${now.toISOString()}::timestamptz - make_interval(hours => ${t.shiftWindowHours}::int))`;
    const res = await db.execute(sql`
      with scoped as materialized (
        select r.id, r.unit_id, r.respondent_hash, r.source_ip_hash, r.received_at, r.collected_at, r.level, r.source, r.hold_status
        from ${ratings} r where ${inScope} and r.subject_kind = 'unit'
      ),
      respondent_burst as materialized (
        select id, 'respondent_burst' as signal from (
          select id, count(*) over (partition by respondent_hash order by received_at range between ${w} preceding and ${w} following) as n
          from scoped where respondent_hash is not null
        ) x where n > ${t.burstMax}
      ),
      ip_burst as materialized (
        select id, 'ip_burst' as signal from (
          select id, count(*) over (partition by source_ip_hash order by received_at range between ${w} preceding and ${w} following) as n
          from scoped where source_ip_hash is not null
        ) x where n > ${t.burstMax}
      ),
      spread as materialized (
        select s.id, 'respondent_spread' as signal from scoped s
        join (
          select respondent_hash, date_trunc('day', received_at) as d from scoped where respondent_hash is not null
          group by 1, 2 having count(distinct unit_id) > ${t.spreadMaxUnits}
        ) g on g.respondent_hash = s.respondent_hash and g.d = date_trunc('day', s.received_at)
      ),
      same_second as materialized (
        select s.id, 'same_second' as signal from scoped s
        join (
          select unit_id, date_trunc('second', collected_at) as sec from scoped where source = 'public'
          group by 1, 2 having count(*) > ${t.sameSecondMax}
        ) g on g.unit_id = s.unit_id and g.sec = date_trunc('second', s.collected_at) and s.source = 'public'
      ),
      shifted as materialized (
        select unit_id from ${ratings} r
        where r.unit_id in (select unit_id from scoped) and r.hold_status in ('none', 'cleared')
        group by unit_id
        having count(*) filter (where r.received_at >= ${recentFrom}) >= ${t.shiftMinRecent}
          and count(*) filter (where r.received_at < ${recentFrom}) >= ${t.shiftMinBaseline}
          and avg((r.level <= ${BAD_LEVEL_MAX})::int) filter (where r.received_at >= ${recentFrom})
            - avg((r.level <= ${BAD_LEVEL_MAX})::int) filter (where r.received_at < ${recentFrom}) > ${t.shiftMaxIncrease}
      ),
      level_shift as materialized (
        select s.id, 'level_shift' as signal from scoped s join shifted u on u.unit_id = s.unit_id
        where s.received_at >= ${recentFrom} and s.level <= ${BAD_LEVEL_MAX}
      ),
      flagged as materialized (
        select f.id, array_agg(distinct f.signal order by f.signal) as signals
        from (select * from respondent_burst union all select * from ip_burst union all select * from spread
              union all select * from same_second union all select * from level_shift) f
        group by f.id
      )
      update ${ratings} r set hold_status = 'held', hold_signals = f.signals, held_at = ${now.toISOString()}::timestamptz
      from flagged f where r.id = f.id and r.hold_status = 'none'
      returning r.id, r.unit_id, r.cycle_id, r.hold_signals`);
    return rowsOf<{ id: string; unit_id: string; cycle_id: string | null; hold_signals: string[] }>(res).map((r) => ({ id: r.id, unitId: r.unit_id, cycleId: r.cycle_id, holdSignals: r.hold_signals }));
  },

  list(db: Db, f: HoldFilter & { afterId?: string; limit: number }) {
    return db
      .select()
      .from(ratings)
      .where(and(holdWhere(f), f.afterId ? gt(ratings.id, f.afterId) : undefined))
      .orderBy(asc(ratings.id))
      .limit(f.limit);
  },

  /** Moves held ratings (by ids, or by signal and unit) to cleared or rejected in one statement; returns what moved. */
  async review(db: Db, target: { ids: string[] } | { signal: IntegritySignal; unitId: string }, to: 'cleared' | 'rejected', by: string, at: Date) {
    const which = 'ids' in target ? inArray(ratings.id, target.ids) : and(eq(ratings.unitId, target.unitId), sql`${ratings.holdSignals} @> array[${target.signal}]::text[]`);
    return db
      .update(ratings)
      .set({ holdStatus: to, holdReviewedBy: by, holdReviewedAt: at })
      .where(and(eq(ratings.holdStatus, 'held'), which))
      .returning({ id: ratings.id, unitId: ratings.unitId, cycleId: ratings.cycleId, holdSignals: ratings.holdSignals });
  },

  /** Ratings per hold status (held, cleared, rejected), optionally of one cycle. */
  async statusCounts(db: Db, cycleId?: string) {
    return db
      .select({ status: ratings.holdStatus, n: sql<number>`count(*)`.mapWith(Number) })
      .from(ratings)
      .where(and(sql`${ratings.holdStatus} <> 'none'`, cycleId ? eq(ratings.cycleId, cycleId) : undefined))
      .groupBy(ratings.holdStatus);
  },
};
