import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { BAD_LEVEL_MAX } from './rules.js';
import { ratingIntegrityScans, ratings } from './tables.js';

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
  /** Null for a department's own (department, leadership) rating: then departmentId names the rated department. */
  unitId: string | null;
  departmentId: string | null;
  cycleId: string | null;
  holdSignals: string[];
}

export interface HoldFilter {
  status: HoldStatus;
  unitId?: string;
  departmentId?: string;
  cycleId?: string;
  signal?: IntegritySignal;
}

function holdWhere(f: HoldFilter): SQL | undefined {
  return and(
    eq(ratings.holdStatus, f.status),
    f.unitId ? eq(ratings.unitId, f.unitId) : undefined,
    f.departmentId ? and(eq(ratings.departmentId, f.departmentId), sql`${ratings.unitId} is null`) : undefined,
    f.cycleId ? eq(ratings.cycleId, f.cycleId) : undefined,
    f.signal ? sql`${ratings.holdSignals} @> array[${f.signal}]::text[]` : undefined,
  );
}

export const integrityRepository = {
  /**
   * Evaluates every signal set-based in ONE statement (window functions and grouped subqueries, no row at a time) and
   * holds the suspects never reviewed before (hold_status none): a cleared rating is not held again. Returns what it held,
   * with the signals. Every step is MATERIALIZED: each signal is computed once, whatever join order the planner picks.
   *
   * Scopes: `since` — the ratings received since then; a cycle `full` — all its ratings; a cycle `incremental` — only
   * its ratings received since `from` (the last scan's watermark), each signal with the look-back it needs,
   * so the outcome is the one a full scan would give (every signal but level_shift only grows with more ratings):
   * - bursts: the ratings of the new ones' keys within 2 windows of them (a rating within one window of a new one is
   *   counted exactly; any other is counted on a subset, so it is held only if a full scan would hold it too);
   * - respondent_spread / same_second: the whole (key, day) / (unit, second) groups the new ratings fall in;
   * - level_shift depends on `now`, not on what is new: it is evaluated over the cycle's ratings received in the recent
   *   window (the only ones it can hold); a unit is aggregated only when it has enough recent ratings, and incrementally
   *   only when its mix can have changed since the last scan: a rating of it received since the watermark (any cycle),
   *   one that left the recent window since the last scan, or one held or reviewed since.
   */
  async holdSuspects(db: Db, scope: { cycleId: string; from?: { receivedFrom: Date; scannedAt: Date } } | { since: Date }, t: IntegrityThresholds, now: Date): Promise<HeldRow[]> {
    // Every subject is in scope: the bursts (one key or address) hold department and leadership ratings too; the per-unit
    // signals (spread over units, same second, level shift) read unit ratings only (unit_id is not null).
    const inCycle = 'cycleId' in scope ? sql`r.cycle_id = ${scope.cycleId}::uuid` : undefined;
    const inScope = inCycle ?? sql`r.received_at >= ${(scope as { since: Date }).since.toISOString()}::timestamptz`;
    const from = 'cycleId' in scope ? scope.from : undefined;
    const incremental = from !== undefined;
    const w = sql`make_interval(mins => ${t.burstWindowMinutes}::int)`;
    const at = sql`${now.toISOString()}::timestamptz`;
    const recentFrom = sql`(${at} - make_interval(hours => ${t.shiftWindowHours}::int))`;
    const burst = (signal: string, key: SQL) =>
      incremental
        ? sql`select id, ${signal} as signal from (
            select r.id, count(*) over (partition by r.${key} order by r.received_at range between ${w} preceding and ${w} following) as n
            from ${ratings} r join (select ${key} as k, min(received_at) as lo, max(received_at) as hi from fresh where ${key} is not null group by 1) k
              on r.${key} = k.k and r.received_at between k.lo - 2 * ${w} and k.hi + 2 * ${w}
            where ${inScope}
          ) x where n > ${t.burstMax}`
        : sql`select id, ${signal} as signal from (
            select id, count(*) over (partition by ${key} order by received_at range between ${w} preceding and ${w} following) as n
            from fresh where ${key} is not null
          ) x where n > ${t.burstMax}`;
    // The ratings a grouped signal looks at: in a full scope all of them, incrementally the groups the new ones fall in.
    const spreadBase = incremental
      ? sql`select r.id, r.respondent_hash, r.unit_id, date_trunc('day', r.received_at) as d from ${ratings} r
          join (select distinct respondent_hash, date_trunc('day', received_at) as d from fresh where respondent_hash is not null) g
            on r.respondent_hash = g.respondent_hash and r.received_at >= g.d - interval '1 day' and r.received_at < g.d + interval '2 days'
              and date_trunc('day', r.received_at) = g.d
          where ${inScope} and r.unit_id is not null`
      : sql`select id, respondent_hash, unit_id, date_trunc('day', received_at) as d from fresh where respondent_hash is not null and unit_id is not null`;
    const secondBase = incremental
      ? sql`select r.id, r.unit_id, date_trunc('second', r.collected_at) as sec from ${ratings} r
          join (select distinct unit_id, date_trunc('second', collected_at) as sec from fresh where source = 'public' and unit_id is not null) g
            on r.unit_id = g.unit_id and r.collected_at >= g.sec and r.collected_at < g.sec + interval '1 second'
          where ${inScope} and r.source = 'public'`
      : sql`select id, unit_id, date_trunc('second', collected_at) as sec from fresh where source = 'public' and unit_id is not null`;
    const levelUnits = from
      ? sql`level_units as materialized (
          select r.unit_id from ${ratings} r where r.received_at >= ${from.receivedFrom.toISOString()}::timestamptz and r.subject_kind = 'unit'
          union
          select r.unit_id from ${ratings} r
          where r.received_at >= ${from.scannedAt.toISOString()}::timestamptz - make_interval(hours => ${t.shiftWindowHours}::int) and r.received_at < ${recentFrom} and r.subject_kind = 'unit'
          union
          select r.unit_id from ${ratings} r
          where r.hold_status <> 'none' and r.unit_id is not null and (r.held_at >= ${from.scannedAt.toISOString()}::timestamptz or r.hold_reviewed_at >= ${from.scannedAt.toISOString()}::timestamptz)
        ),`
      : sql``;
    const res = await db.execute(sql`
      with fresh as materialized (
        select r.id, r.unit_id, r.respondent_hash, r.source_ip_hash, r.received_at, r.collected_at, r.source
        from ${ratings} r where ${inScope} ${from ? sql`and r.received_at >= ${from.receivedFrom.toISOString()}::timestamptz` : sql``}
      ),
      ${levelUnits}
      respondent_burst as materialized (${burst('respondent_burst', sql`respondent_hash`)}),
      ip_burst as materialized (${burst('ip_burst', sql`source_ip_hash`)}),
      spread_base as materialized (${spreadBase}),
      spread as materialized (
        select s.id, 'respondent_spread' as signal from spread_base s
        join (select respondent_hash, d from spread_base group by 1, 2 having count(distinct unit_id) > ${t.spreadMaxUnits}) g
          on g.respondent_hash = s.respondent_hash and g.d = s.d
      ),
      second_base as materialized (${secondBase}),
      same_second as materialized (
        select s.id, 'same_second' as signal from second_base s
        join (select unit_id, sec from second_base group by 1, 2 having count(*) > ${t.sameSecondMax}) g on g.unit_id = s.unit_id and g.sec = s.sec
      ),
      recent as materialized (
        select r.id, r.unit_id, r.level from ${ratings} r
        where ${inScope} and r.unit_id is not null and r.received_at >= ${recentFrom} ${from ? sql`and r.unit_id in (select unit_id from level_units)` : sql``}
      ),
      busy as materialized (
        select u.unit_id from (select distinct unit_id from recent) u
        where (select count(*) from ${ratings} r where r.unit_id = u.unit_id and r.received_at >= ${recentFrom} and r.hold_status in ('none', 'cleared')) >= ${t.shiftMinRecent}
      ),
      shifted as materialized (
        select unit_id from ${ratings} r
        where r.unit_id in (select unit_id from busy) and r.hold_status in ('none', 'cleared')
        group by unit_id
        having count(*) filter (where r.received_at >= ${recentFrom}) >= ${t.shiftMinRecent}
          and count(*) filter (where r.received_at < ${recentFrom}) >= ${t.shiftMinBaseline}
          and avg((r.level <= ${BAD_LEVEL_MAX})::int) filter (where r.received_at >= ${recentFrom})
            - avg((r.level <= ${BAD_LEVEL_MAX})::int) filter (where r.received_at < ${recentFrom}) > ${t.shiftMaxIncrease}
      ),
      level_shift as materialized (
        select s.id, 'level_shift' as signal from recent s join shifted u on u.unit_id = s.unit_id where s.level <= ${BAD_LEVEL_MAX}
      ),
      flagged as materialized (
        select f.id, array_agg(distinct f.signal order by f.signal) as signals
        from (select * from respondent_burst union all select * from ip_burst union all select * from spread
              union all select * from same_second union all select * from level_shift) f
        group by f.id
      )
      update ${ratings} r set hold_status = 'held', hold_signals = f.signals, held_at = ${at}
      from flagged f where r.id = f.id and r.hold_status = 'none'
      returning r.id, r.unit_id, r.department_id, r.cycle_id, r.hold_signals`);
    return rowsOf<{ id: string; unit_id: string | null; department_id: string | null; cycle_id: string | null; hold_signals: string[] }>(res).map((r) => ({
      id: r.id,
      unitId: r.unit_id,
      departmentId: r.unit_id ? null : r.department_id,
      cycleId: r.cycle_id,
      holdSignals: r.hold_signals,
    }));
  },

  /** The scan state of a cycle (locked for this transaction), or undefined before its first scan. */
  async scanState(db: Db, cycleId: string) {
    const [row] = await db.select().from(ratingIntegrityScans).where(eq(ratingIntegrityScans.cycleId, cycleId)).for('update');
    return row;
  },

  async saveScanState(db: Db, row: { cycleId: string; scannedThrough: Date; thresholds: IntegrityThresholds; fullScannedAt: Date; scannedAt: Date }) {
    const { cycleId: _c, ...set } = row;
    await db.insert(ratingIntegrityScans).values(row).onConflictDoUpdate({ target: ratingIntegrityScans.cycleId, set });
  },

  /**
   * The watermark a scan starting now may record: every rating received before it is visible to the statements that
   * follow. received_at is the inserting transaction's time (or the app's clock just before it), so it is the database
   * clock, or the start of the oldest transaction still open on this database if earlier (its ratings are not visible
   * yet), less `overlapSeconds` for the app's clock and the moment between taking the time and beginning the transaction.
   */
  async scanHorizon(db: Db, overlapSeconds: number): Promise<Date> {
    const res = await db.execute(sql`
      select least(clock_timestamp(), (select min(xact_start) from pg_stat_activity
                                       where datname = current_database() and pid <> pg_backend_pid() and xact_start is not null))
             - make_interval(secs => ${overlapSeconds}::int) as h`);
    return new Date(rowsOf<{ h: string | Date }>(res)[0].h);
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
  async review(db: Db, target: { ids: string[] } | { signal: IntegritySignal; unitId?: string; departmentId?: string }, to: 'cleared' | 'rejected', by: string, at: Date) {
    const which =
      'ids' in target
        ? inArray(ratings.id, target.ids)
        : and(holdWhere({ status: 'held', unitId: target.unitId, departmentId: target.unitId ? undefined : target.departmentId }), sql`${ratings.holdSignals} @> array[${target.signal}]::text[]`);
    return db
      .update(ratings)
      .set({ holdStatus: to, holdReviewedBy: by, holdReviewedAt: at })
      .where(and(eq(ratings.holdStatus, 'held'), which))
      .returning({ id: ratings.id, unitId: ratings.unitId, departmentId: ratings.departmentId, cycleId: ratings.cycleId, holdSignals: ratings.holdSignals });
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
