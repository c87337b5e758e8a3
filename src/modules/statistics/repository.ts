import { and, count, eq, gte, inArray, isNotNull, isNull, lte, or, sql } from 'drizzle-orm';
import type { AnyColumn, SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accountabilityQueries } from '../accountability/queries.js';
import { awardQueries } from '../awards/queries.js';
import { complaintQueries } from '../complaints/queries.js';
import { cycleQueries } from '../cycles/queries.js';
import { deedQueries } from '../deeds/queries.js';
import { departmentQueries } from '../departments/queries.js';
import { enrollmentQueries } from '../enrollments/queries.js';
import { problemQueries } from '../problems/queries.js';
import { ratingQueries } from '../ratings/queries.js';
import { supervisionQueries } from '../supervision/queries.js';
import { unitQueries } from '../units/queries.js';
import type { Category } from '../units/schemas.js';
import { activityFigureQueries } from './activity.repository.js';
import { haochaFigureQueries } from './haocha.repository.js';

/**
 * What the figures cover. A record belongs to the cycles when it carries one of `cycleIds`; a record that
 * carries no cycle because it was entered without one (a deed, problem or commendation) counts when its own date
 * falls in one of `years`, in China Standard Time. Ratings and complaints are attributed by when they happened
 * (see `attributedTo`), so theirs count only through their cycle.
 */
export interface StatisticsScope {
  cycleIds: string[];
  years: number[];
  regionPath?: string;
  departmentId?: string;
  category?: Category;
  now: Date;
}

const CST_OFFSET_MS = 8 * 3_600_000;

/** Consecutive years merged into [from, to] runs, so a range is one comparison. */
function yearRuns(years: number[]): [number, number][] {
  const sorted = [...new Set(years)].sort((a, b) => a - b);
  const runs: [number, number][] = [];
  for (const y of sorted) {
    const last = runs[runs.length - 1];
    if (last && last[1] === y - 1) last[1] = y;
    else runs.push([y, y]);
  }
  return runs;
}

const yearStart = (y: number) => new Date(Date.UTC(y, 0, 1) - CST_OFFSET_MS).toISOString();

function inYearsTimestamp(col: AnyColumn | SQL.Aliased, years: number[]): SQL {
  const runs = yearRuns(years).map(([a, b]) => sql`(${col} >= ${yearStart(a)}::timestamptz and ${col} < ${yearStart(b + 1)}::timestamptz)`);
  return runs.length ? sql`(${sql.join(runs, sql` or `)})` : sql`false`;
}

function inYearsDate(col: AnyColumn, years: number[]): SQL {
  const runs = yearRuns(years).map(([a, b]) => sql`(${col} between ${`${a}-01-01`}::date and ${`${b}-12-31`}::date)`);
  return runs.length ? sql`(${sql.join(runs, sql` or `)})` : sql`false`;
}

/** "Belongs to the cycles": its cycle is one of them, or it has none and its date is in their years. */
export function ofCycles(cycleCol: AnyColumn | SQL.Aliased, dateCol: AnyColumn | SQL.Aliased, s: StatisticsScope, dateKind: 'timestamp' | 'date' = 'timestamp'): SQL {
  const byDate = and(isNull(cycleCol), dateKind === 'date' ? inYearsDate(dateCol as AnyColumn, s.years) : inYearsTimestamp(dateCol, s.years))!;
  return s.cycleIds.length ? or(inArray(cycleCol as AnyColumn, s.cycleIds), byDate)! : byDate;
}

/**
 * Ratings and complaints (and the follow-ups of ratings) are attributed to a cycle by when they happened
 * (归属周期, enrollments/queries.ts): one with no cycle happened outside every cycle's window and counts toward
 * none, whatever the request, exactly as in rankings, the scoreboard and naming.
 */
function attributedTo(cycleCol: AnyColumn, s: StatisticsScope): SQL {
  return s.cycleIds.length ? inArray(cycleCol, s.cycleIds) : sql`false`;
}

export const unitFiltered = (s: StatisticsScope) => !!(s.regionPath || s.departmentId || s.category);

/**
 * A department column of a record held by a department itself (no unit) under the filters: that department under a
 * department filter, a department of the region (or below) under a region filter, never under a category filter
 * (a department has none). Only meaningful when `unitFiltered(s)`.
 */
export function departmentIn(db: Db, s: StatisticsScope, col: AnyColumn | SQL.Aliased): SQL {
  if (s.category) return sql`false`;
  const c = col as AnyColumn;
  return and(isNotNull(c), s.departmentId ? eq(c, s.departmentId) : undefined, s.regionPath ? inArray(c, departmentQueries.idsWithin(db, s.regionPath)) : undefined)!;
}
export const num = (e: SQL) => sql<number>`${e}`.mapWith(Number);
const countIf = (cond: SQL | undefined) => num(sql`count(*) filter (where ${cond})`);

/**
 * Every figure group is ONE aggregate statement over the scoped units (a CTE of unit ids), whatever the number
 * of units; the service runs the statements in parallel.
 */
export function statisticsQueries(db: Db, s: StatisticsScope) {
  const filter = { regionPath: s.regionPath, departmentId: s.departmentId, category: s.category };
  const unitFacts = unitQueries.facts(db);
  const scoped = db.$with('scoped_units').as(db.select({ id: unitFacts.id, departmentId: unitFacts.departmentId }).from(unitFacts).where(unitQueries.unitIn(db, unitFacts.id, filter)));
  /** The unit filter on a unit column; nothing when no filter is given (every unit, and records with none). */
  const unitIn = (col: AnyColumn | SQL.Aliased) => (unitFiltered(s) ? inArray(col as AnyColumn, db.select({ id: scoped.id }).from(scoped)) : undefined);

  return {
    /** Outreach, media, power-list and investment figures, with their monthly series (activity-figures.ts). */
    activities: () => activityFigureQueries(db, s, { withScoped: () => db.with(scoped), unitIn }),
    /** 好差评: case ratings and defaults, timeliness, appeals and integrity holds, with their monthly series (haocha-figures.ts). */
    haocha: () => haochaFigureQueries(db, s, { withScoped: () => db.with(scoped), unitIn }),

    /** Units taking part: enrollment status `enrolled` (enrollments' PARTICIPATING); disqualifications on their own. */
    async enrollments() {
      const e = enrollmentQueries.facts(db);
      const [r] = await db
        .with(scoped)
        .select({
          unitsTakingPart: num(sql`count(distinct ${e.unitId}) filter (where ${e.participating})`),
          departmentsCovered: num(sql`count(distinct ${scoped.departmentId}) filter (where ${e.participating})`),
          disqualifications: countIf(eq(e.status, 'disqualified')),
        })
        .from(e)
        .innerJoin(scoped, eq(scoped.id, e.unitId))
        .where(s.cycleIds.length ? inArray(e.cycleId, s.cycleIds) : sql`false`);
      return r;
    },

    /** 十佳/百佳 named in the cycles, by tier and by their status now (dynamic management). */
    awards() {
      const a = awardQueries.facts(db);
      return db
        .with(scoped)
        .select({ tier: a.tier, status: a.status, n: count() })
        .from(a)
        .where(and(s.cycleIds.length ? inArray(a.cycleId, s.cycleIds) : sql`false`, unitIn(a.unitId)))
        .groupBy(a.tier, a.status);
    },

    /** Higher-level commendations (省纠风领导小组, 省主管部门, other); without a cycle, by the day conferred. */
    commendations() {
      const c = awardQueries.commendationFacts(db);
      return db
        .with(scoped)
        .select({ level: c.level, n: count() })
        .from(c)
        .where(and(ofCycles(c.cycleId, c.conferredOn, s, 'date'), unitIn(c.unitId)))
        .groupBy(c.level);
    },

    /** Overdue as of `now` by the problems module's one rule (verified late stays overdue). */
    problems() {
      const p = problemQueries.facts(db, s.now);
      return db
        .with(scoped)
        .select({ status: p.status, n: count(), overdue: countIf(sql`${p.overdue}`), hot: countIf(eq(p.isHot, true)) })
        .from(p)
        .where(and(ofCycles(p.cycleId, p.createdAt, s), unitIn(p.unitId)))
        .groupBy(p.status);
    },

    /** 为群众办实事 by verification status, and the hot (热点难点) ones among them. */
    deeds() {
      const d = deedQueries.facts(db);
      return db
        .with(scoped)
        .select({ status: d.status, n: count(), hot: countIf(eq(d.isHot, true)) })
        .from(d)
        .where(and(ofCycles(d.cycleId, d.doneOn, s, 'date'), unitIn(d.unitId)))
        .groupBy(d.status);
    },

    /**
     * 整改措施 by status: of problems (the problem's cycle, or its date) and of improvement plans (their own cycle or date).
     * Under a filter, a unit's measures follow the unit; a department's own plan follows the department (departmentIn).
     */
    measures() {
      const m = problemQueries.measureFacts(db);
      return db
        .with(scoped)
        .select({ status: m.status, ofProblem: m.ofProblem, n: count() })
        .from(m)
        .where(and(ofCycles(m.cycleId, m.createdAt, s), unitFiltered(s) ? or(unitIn(m.unitId), and(isNull(m.unitId), departmentIn(db, s, m.departmentId))) : undefined))
        .groupBy(m.status, m.ofProblem);
    },

    /** Reports of tasks and walk-ins (随机暗访), by origin. */
    reports() {
      const r = supervisionQueries.reportFacts(db);
      return db
        .with(scoped)
        .select({ origin: r.origin, n: count() })
        .from(r)
        .where(and(ofCycles(r.roundCycleId, r.at, s), unitIn(r.unitId)))
        .groupBy(r.origin);
    },

    /**
     * Supervisors whose term overlaps the covered years. Without a filter: every one (they serve the whole campaign).
     * Under a filter (a county office's figures, a department's, a category's): those who inspected the scoped units
     * in the covered cycles — a task dispatched to them there (not cancelled) or a report (a walk-in included) there.
     */
    async supervisors() {
      const from = Math.min(...s.years);
      const to = Math.max(...s.years);
      const v = supervisionQueries.supervisorFacts(db);
      const k = supervisionQueries.taskFacts(db);
      const r = supervisionQueries.reportFacts(db);
      const inspectedHere = unitFiltered(s)
        ? or(
            inArray(v.id, db.select({ id: k.supervisorId }).from(k).where(and(sql`${k.status} <> 'cancelled'`, ofCycles(k.roundCycleId, k.roundStartsAt, s), unitIn(k.unitId)))),
            inArray(v.id, db.select({ id: r.supervisorId }).from(r).where(and(isNotNull(r.supervisorId), ofCycles(r.roundCycleId, r.at, s), unitIn(r.unitId)))),
          )
        : undefined;
      const [row] = await db
        .with(scoped)
        .select({ total: count(), active: countIf(eq(v.active, true)) })
        .from(v)
        .where(and(lte(v.termStart, `${to}-12-31`), or(isNull(v.termEnd), gte(v.termEnd, `${from}-01-01`)), inspectedHere));
      return row;
    },

    /** Tasks with their rounds, in one statement (reports, with walk-ins, are counted by `reports`). */
    async inspections() {
      const k = supervisionQueries.taskFacts(db);
      const [r] = await db
        .with(scoped)
        .select({
          dispatched: countIf(sql`${k.status} <> 'cancelled'`),
          reported: countIf(inArray(k.status, ['reported', 'reviewed'])),
          reviewed: countIf(eq(k.status, 'reviewed')),
          sweepTasks: countIf(sql`${k.roundKind} = 'sweep' and ${k.status} <> 'cancelled'`),
          targetedTasks: countIf(sql`${k.roundKind} = 'targeted' and ${k.status} <> 'cancelled'`),
          sweeps: num(sql`count(distinct ${k.roundId}) filter (where ${k.roundKind} = 'sweep' and ${k.status} <> 'cancelled')`),
          targeted: num(sql`count(distinct ${k.roundId}) filter (where ${k.roundKind} = 'targeted' and ${k.status} <> 'cancelled')`),
        })
        .from(k)
        .where(and(ofCycles(k.roundCycleId, k.roundStartsAt, s), unitIn(k.unitId)));
      return r;
    },

    findings() {
      const f = supervisionQueries.findingFacts(db);
      return db
        .with(scoped)
        .select({ severity: f.severity, status: f.status, n: count() })
        .from(f)
        .where(and(ofCycles(f.roundCycleId, f.at, s), unitIn(f.unitId)))
        .groupBy(f.severity, f.status);
    },

    /**
     * Accountability actions carry no cycle: they count by the year they were decided. One against a unit follows
     * the unit filter; one against a department (or a person named only with a department) follows the
     * department and region filters through the department, and never matches a category filter.
     */
    accountability() {
      const a = accountabilityQueries.facts(db);
      let scope: SQL | undefined;
      if (unitFiltered(s)) {
        scope = or(unitIn(a.unitId), and(isNull(a.unitId), departmentIn(db, s, a.departmentId)));
      }
      return db
        .with(scoped)
        .select({ type: a.type, n: count() })
        .from(a)
        .where(and(inYearsTimestamp(a.decidedAt, s.years), scope))
        .groupBy(a.type);
    },

    ratings() {
      const r = ratingQueries.facts(db);
      return db
        .with(scoped)
        .select({ channel: r.channel, level: r.level, n: count(), presenceBound: countIf(sql`${r.presenceBound}`) })
        .from(r)
        .where(and(attributedTo(r.cycleId, s), unitIn(r.unitId)))
        .groupBy(r.channel, r.level);
    },

    /** Complaints not yet triaged to a unit count only when no unit filter is given. Overdue by the complaints module's rule. */
    complaints() {
      const c = complaintQueries.facts(db, s.now);
      return db
        .with(scoped)
        .select({
          status: c.status,
          source: c.source,
          n: count(),
          substantiated: countIf(eq(c.substantiated, true)),
          overdue: countIf(sql`${c.overdue}`),
        })
        .from(c)
        .where(and(attributedTo(c.cycleId, s), unitIn(c.unitId)))
        .groupBy(c.status, c.source);
    },

    /**
     * 差评核实 loops follow the cycle of the rating they answer; overdue and call-back due by the ratings module's rules;
     * rectified: the linked problem is verified (整改销号), by the problems module's status.
     */
    followUps() {
      const f = ratingQueries.followUpFacts(db, s.now);
      // Only the problem's status: its own `overdue` would collide with the loop's in the outer query.
      const pf = problemQueries.facts(db, s.now, 'loop_problem_facts');
      const p = db.select({ id: pf.id, problemStatus: pf.status }).from(pf).as('loop_problems');
      return db
        .with(scoped)
        .select({
          status: f.status,
          verification: f.verification,
          callBackChannel: f.callBackChannel,
          n: count(),
          overdue: countIf(sql`${f.overdue}`),
          callBackDue: countIf(sql`${f.callBackDue}`),
          rectified: countIf(eq(p.problemStatus, 'verified')),
        })
        .from(f)
        .leftJoin(p, eq(p.id, f.problemId))
        .where(and(attributedTo(f.ratingCycleId, s), unitIn(f.unitId)))
        .groupBy(f.status, f.verification, f.callBackChannel);
    },
  };
}

export const statisticsRepository = {
  cyclesByIds: cycleQueries.summariesByIds,
  cyclesInYears: cycleQueries.summariesInYears,
};
