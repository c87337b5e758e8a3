import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { AnyColumn, SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { appealQueries } from '../appeals/queries.js';
import { caseQueries } from '../cases/queries.js';
import { participationWindows } from '../enrollments/queries.js';
import { ratingQueries } from '../ratings/queries.js';
import { num, ofCycles } from './repository.js';
import type { StatisticsScope } from './repository.js';

/**
 * The statements behind haocha-figures.ts (好差评 and the loop's figures): one aggregate per group, by code and month
 * (YYYY-MM, UTC+8), so totals and the monthly series come from the same rows.
 */
const monthCst = (col: AnyColumn | SQL) => sql<string>`to_char(${col} at time zone 'Asia/Shanghai', 'YYYY-MM')`;
const countIf = (cond: SQL) => num(sql`count(*) filter (where ${cond})`);
const DAY_S = 86_400;

interface Helpers {
  withScoped: () => ReturnType<Db['with']>;
  unitIn: (col: AnyColumn) => SQL | undefined;
}

export async function haochaFigureQueries(db: Db, s: StatisticsScope, { withScoped, unitIn }: Helpers) {
  const c = caseQueries.facts(db, 'haocha_cases');
  const r = ratingQueries.caseRatingFacts(db, 'haocha_case_ratings');
  const a = appealQueries.facts(db, 'haocha_appeals');
  const hd = ratingQueries.holdFacts(db, 'haocha_holds');

  // A case belongs to the cycles when it was completed inside its unit's assessment window of one of them (as T in
  // the ranking counts it); EXISTS, so a unit in two overlapping cycles counts its case once.
  const completedInCycles = s.cycleIds.length
    ? sql`exists (select 1 from ${participationWindows('assessment')} pw where pw.unit_id = ${c.unitId} and pw.cycle_id in (${sql.join(
        s.cycleIds.map((id) => sql`${id}::uuid`),
        sql`, `,
      )}) and ${c.closedAt} >= pw.starts_at and ${c.closedAt} < pw.ends_at)`
    : sql`false`;
  const decidedDays = sql`extract(epoch from (${a.decidedAt} - ${a.filedAt})) / ${DAY_S}`;
  const decided = and(isNotNull(a.decidedAt), inArray(a.status, ['upheld', 'rejected']))!;

  const [cases, appeals, decisions, holds] = await Promise.all([
    withScoped()
      .select({
        month: monthCst(c.closedAt),
        completed: num(sql`count(*)`),
        onTime: countIf(sql`${c.onTime}`),
        oneWeek: countIf(sql`${c.oneWeek}`),
        rated: countIf(isNotNull(r.caseId)),
        defaults: countIf(sql`${r.isDefault}`),
        active: countIf(sql`${r.caseId} is not null and not ${r.isDefault}`),
      })
      .from(c)
      .leftJoin(r, eq(r.caseId, c.id))
      .where(and(eq(c.state, 'completed'), completedInCycles, unitIn(c.unitId)))
      .groupBy(monthCst(c.closedAt)),
    withScoped()
      .select({ kind: a.kind, status: a.status, month: monthCst(a.filedAt), n: num(sql`count(*)`) })
      .from(a)
      .where(and(ofCycles(a.cycleId, a.filedAt, s), unitIn(a.unitId)))
      .groupBy(a.kind, a.status, monthCst(a.filedAt)),
    // Time to decision (复核用时) in calendar days, per kind and overall (grouping sets: kind null = every kind).
    withScoped()
      .select({
        kind: a.kind,
        overall: num(sql`grouping(${a.kind})`),
        decided: num(sql`count(*)`),
        meanDays: sql<number | null>`avg(${decidedDays})`.mapWith((v) => (v === null ? null : Number(v))),
        medianDays: sql<number | null>`percentile_cont(0.5) within group (order by ${decidedDays})`.mapWith((v) => (v === null ? null : Number(v))),
      })
      .from(a)
      .where(and(ofCycles(a.cycleId, a.filedAt, s), unitIn(a.unitId), decided))
      .groupBy(sql`grouping sets ((${a.kind}), ())`),
    withScoped()
      .select({ status: hd.holdStatus, month: monthCst(hd.collectedAt), n: num(sql`count(*)`) })
      .from(hd)
      .where(and(s.cycleIds.length ? inArray(hd.cycleId, s.cycleIds) : sql`false`, unitIn(hd.unitId)))
      .groupBy(hd.holdStatus, monthCst(hd.collectedAt)),
  ]);
  return { cases, appeals, decisions, holds };
}
