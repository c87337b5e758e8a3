import { and, asc, between, count, eq, gte, inArray, isNotNull, isNull, like, lt, lte, or, sql } from 'drizzle-orm';
import type { AnyColumn, SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { prefixPattern } from '../../db/like.js';
import { accountabilityActions } from '../accountability/tables.js';
import { awards, commendations } from '../awards/tables.js';
import { complaints } from '../complaints/tables.js';
import { cycles } from '../cycles/tables.js';
import { deeds } from '../deeds/tables.js';
import { departments } from '../departments/tables.js';
import { enrollments } from '../enrollments/tables.js';
import { inspectionFindings, inspectionReports, inspectionRounds, inspectionTasks, supervisors } from '../supervision/tables.js';
import { problems } from '../problems/tables.js';
import { ratingFollowUps, ratings } from '../ratings/tables.js';
import { regions } from '../regions/tables.js';
import { units } from '../units/tables.js';
import { unitWhere } from '../units/repository.js';
import type { Category } from '../units/schemas.js';

/**
 * What the figures cover. A record belongs to the cycles when it carries one of `cycleIds`; a record that
 * carries no cycle (a deed or problem entered outside a cycle, a rating outside the assessment phase) counts
 * when its own date falls in one of `years`, in China Standard Time.
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

function inYearsTimestamp(col: AnyColumn, years: number[]): SQL {
  const runs = yearRuns(years).map(([a, b]) => sql`(${col} >= ${yearStart(a)}::timestamptz and ${col} < ${yearStart(b + 1)}::timestamptz)`);
  return runs.length ? sql`(${sql.join(runs, sql` or `)})` : sql`false`;
}

function inYearsDate(col: AnyColumn, years: number[]): SQL {
  const runs = yearRuns(years).map(([a, b]) => sql`(${col} between ${`${a}-01-01`}::date and ${`${b}-12-31`}::date)`);
  return runs.length ? sql`(${sql.join(runs, sql` or `)})` : sql`false`;
}

/** "Belongs to the cycles": its cycle is one of them, or it has none and its date is in their years. */
function ofCycles(cycleCol: AnyColumn, dateCol: AnyColumn, s: StatisticsScope, dateKind: 'timestamp' | 'date' = 'timestamp'): SQL {
  const byDate = and(isNull(cycleCol), dateKind === 'date' ? inYearsDate(dateCol, s.years) : inYearsTimestamp(dateCol, s.years))!;
  return s.cycleIds.length ? or(inArray(cycleCol, s.cycleIds), byDate)! : byDate;
}

const unitFiltered = (s: StatisticsScope) => !!(s.regionPath || s.departmentId || s.category);
const nowIso = (s: StatisticsScope) => s.now.toISOString();
const num = (e: SQL) => sql<number>`${e}`.mapWith(Number);
const countIf = (cond: SQL | undefined) => num(sql`count(*) filter (where ${cond})`);

/**
 * Every figure group is ONE aggregate statement over the scoped units (a CTE of unit ids), whatever the number
 * of units; the service runs the statements in parallel.
 */
export function statisticsQueries(db: Db, s: StatisticsScope) {
  const scoped = db.$with('scoped_units').as(
    db.select({ id: units.id, departmentId: units.departmentId }).from(units).where(unitWhere(db, { regionPath: s.regionPath, departmentId: s.departmentId, category: s.category })),
  );
  /** The unit filter on a unit column; nothing when no filter is given (every unit, and records with none). */
  const unitIn = (col: AnyColumn) => (unitFiltered(s) ? inArray(col, db.select({ id: scoped.id }).from(scoped)) : undefined);

  return {
    async enrollments() {
      const [r] = await db
        .with(scoped)
        .select({
          unitsTakingPart: num(sql`count(distinct ${enrollments.unitId}) filter (where ${enrollments.status} <> 'withdrawn')`),
          departmentsCovered: num(sql`count(distinct ${scoped.departmentId}) filter (where ${enrollments.status} <> 'withdrawn')`),
          disqualifications: countIf(eq(enrollments.status, 'disqualified')),
        })
        .from(enrollments)
        .innerJoin(scoped, eq(scoped.id, enrollments.unitId))
        .where(s.cycleIds.length ? inArray(enrollments.cycleId, s.cycleIds) : sql`false`);
      return r;
    },

    /** 十佳/百佳 named in the cycles, by tier and by their status now (dynamic management). */
    awards() {
      return db
        .with(scoped)
        .select({ tier: awards.tier, status: awards.status, n: count() })
        .from(awards)
        .where(and(s.cycleIds.length ? inArray(awards.cycleId, s.cycleIds) : sql`false`, unitIn(awards.unitId)))
        .groupBy(awards.tier, awards.status);
    },

    /** Higher-level commendations (省纠风领导小组, 省主管部门, other); without a cycle, by the day conferred. */
    commendations() {
      return db
        .with(scoped)
        .select({ level: commendations.level, n: count() })
        .from(commendations)
        .where(and(ofCycles(commendations.cycleId, commendations.conferredOn, s, 'date'), unitIn(commendations.unitId)))
        .groupBy(commendations.level);
    },

    problems() {
      return db
        .with(scoped)
        .select({
          status: problems.status,
          n: count(),
          overdue: countIf(sql`${problems.deadline} < ${nowIso(s)}::timestamptz`),
        })
        .from(problems)
        .where(and(ofCycles(problems.cycleId, problems.createdAt, s), unitIn(problems.unitId)))
        .groupBy(problems.status);
    },

    async deeds() {
      const [r] = await db
        .with(scoped)
        .select({ n: count() })
        .from(deeds)
        .where(and(ofCycles(deeds.cycleId, deeds.doneOn, s, 'date'), unitIn(deeds.unitId)));
      return r.n;
    },

    /** Not unit-scoped: supervisors serve the whole campaign. Term overlapping the covered years. */
    async supervisors() {
      const from = Math.min(...s.years);
      const to = Math.max(...s.years);
      const [r] = await db
        .select({ total: count(), active: countIf(eq(supervisors.active, true)) })
        .from(supervisors)
        .where(and(lte(supervisors.termStart, `${to}-12-31`), or(isNull(supervisors.termEnd), gte(supervisors.termEnd, `${from}-01-01`))));
      return r;
    },

    /** Tasks with their reports (at most one per task) and their rounds, in one statement. */
    async inspections() {
      const [r] = await db
        .with(scoped)
        .select({
          dispatched: countIf(sql`${inspectionTasks.status} <> 'cancelled'`),
          reported: countIf(inArray(inspectionTasks.status, ['reported', 'reviewed'])),
          reviewed: countIf(eq(inspectionTasks.status, 'reviewed')),
          reports: num(sql`count(${inspectionReports.id})`),
          sweeps: num(sql`count(distinct ${inspectionRounds.id}) filter (where ${inspectionRounds.kind} = 'sweep' and ${inspectionTasks.status} <> 'cancelled')`),
          targeted: num(sql`count(distinct ${inspectionRounds.id}) filter (where ${inspectionRounds.kind} = 'targeted' and ${inspectionTasks.status} <> 'cancelled')`),
        })
        .from(inspectionTasks)
        .innerJoin(inspectionRounds, eq(inspectionRounds.id, inspectionTasks.roundId))
        .leftJoin(inspectionReports, eq(inspectionReports.taskId, inspectionTasks.id))
        .where(and(ofCycles(inspectionRounds.cycleId, inspectionRounds.startsAt, s), unitIn(inspectionTasks.unitId)));
      return r;
    },

    findings() {
      return db
        .with(scoped)
        .select({ severity: inspectionFindings.severity, status: inspectionFindings.status, n: count() })
        .from(inspectionFindings)
        .innerJoin(inspectionTasks, eq(inspectionTasks.id, inspectionFindings.taskId))
        .innerJoin(inspectionRounds, eq(inspectionRounds.id, inspectionTasks.roundId))
        .where(and(ofCycles(inspectionRounds.cycleId, inspectionRounds.startsAt, s), unitIn(inspectionFindings.unitId)))
        .groupBy(inspectionFindings.severity, inspectionFindings.status);
    },

    /**
     * Accountability actions carry no cycle: they count by the year they were decided. One against a unit follows
     * the unit filter; one against a department (or a person named only with a department) follows the
     * department and region filters through the department, and never matches a category filter.
     */
    accountability() {
      let scope: SQL | undefined;
      if (unitFiltered(s)) {
        const viaDepartment = s.category
          ? undefined
          : and(
              isNull(accountabilityActions.unitId),
              isNotNull(accountabilityActions.departmentId),
              s.departmentId ? eq(accountabilityActions.departmentId, s.departmentId) : undefined,
              s.regionPath
                ? inArray(
                    accountabilityActions.departmentId,
                    db
                      .select({ id: departments.id })
                      .from(departments)
                      .where(inArray(departments.regionId, db.select({ id: regions.id }).from(regions).where(like(regions.path, prefixPattern(s.regionPath))))),
                  )
                : undefined,
            );
        scope = or(unitIn(accountabilityActions.unitId), viaDepartment);
      }
      return db
        .with(scoped)
        .select({ type: accountabilityActions.type, n: count() })
        .from(accountabilityActions)
        .where(and(inYearsTimestamp(accountabilityActions.decidedAt, s.years), scope))
        .groupBy(accountabilityActions.type);
    },

    ratings() {
      return db
        .with(scoped)
        .select({ channel: ratings.channel, level: ratings.level, n: count() })
        .from(ratings)
        .where(and(ofCycles(ratings.cycleId, ratings.collectedAt, s), unitIn(ratings.unitId)))
        .groupBy(ratings.channel, ratings.level);
    },

    /** Complaints not yet triaged to a unit count only when no unit filter is given. */
    complaints() {
      return db
        .with(scoped)
        .select({
          status: complaints.status,
          source: complaints.source,
          n: count(),
          substantiated: countIf(eq(complaints.substantiated, true)),
          overdue: countIf(sql`${complaints.status} <> 'closed' and ${complaints.stageDeadline} < ${nowIso(s)}::timestamptz`),
        })
        .from(complaints)
        .where(and(ofCycles(complaints.cycleId, complaints.receivedAt, s), unitIn(complaints.unitId)))
        .groupBy(complaints.status, complaints.source);
    },

    /** 回访 follow the cycle of the rating they answer. */
    followUps() {
      return db
        .with(scoped)
        .select({ status: ratingFollowUps.status, n: count(), overdue: countIf(lt(ratingFollowUps.deadline, sql`${nowIso(s)}::timestamptz`)) })
        .from(ratingFollowUps)
        .innerJoin(ratings, eq(ratings.id, ratingFollowUps.ratingId))
        .where(and(ofCycles(ratings.cycleId, ratings.collectedAt, s), unitIn(ratingFollowUps.unitId)))
        .groupBy(ratingFollowUps.status);
    },
  };
}

export const statisticsRepository = {
  cyclesByIds(db: Db, ids: readonly string[]) {
    return db.select({ id: cycles.id, name: cycles.name, year: cycles.year }).from(cycles).where(inArray(cycles.id, [...ids])).orderBy(asc(cycles.year), asc(cycles.id));
  },
  cyclesInYears(db: Db, from: number, to: number) {
    return db.select({ id: cycles.id, name: cycles.name, year: cycles.year }).from(cycles).where(between(cycles.year, from, to)).orderBy(asc(cycles.year), asc(cycles.id));
  },
};
