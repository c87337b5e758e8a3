import { and, asc, count, eq, gt, gte, inArray, isNotNull, lt, lte, ne, notInArray, or, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { PeriodWindow } from '../../lib/period-window.js';
import { AWAITING_CALL_BACK_STATES, BAD_LEVEL_MAX } from './rules.js';
import { ratingFollowUps, ratings } from './tables.js';

/** The loop's overdue rule (rules.ts `loopIsOverdue`) as SQL: open past verify_by, or awaiting call-back past deadline. */
export function loopOverdueSql(at: Date): SQL {
  return or(
    and(eq(ratingFollowUps.state, 'open'), lt(ratingFollowUps.verifyBy, at)),
    and(inArray(ratingFollowUps.state, [...AWAITING_CALL_BACK_STATES]), lt(ratingFollowUps.deadline, at)),
  )!;
}

/**
 * A rating of a unit (subject_kind 'unit'): the only ones that have a unit_id (ratings_subject_check), so every per-unit
 * reading below filters on it — department and leadership ratings (万人评机关, 领导班子) never reach a unit's figures or P.
 */
export const isUnitRating = (): SQL => eq(ratings.subjectKind, 'unit');
/** unit_id of a unit rating: never null under isUnitRating(). */
const ratedUnitId = sql<string>`${ratings.unitId}`;

/** What other modules may read of ratings (群众评价). */
/** A period ranking counts the ratings collected (collectedAt) in its window; no window: the whole cycle. */
const collectedWithin = (w?: PeriodWindow) => (w ? and(gte(ratings.collectedAt, w.start), lt(ratings.collectedAt, w.end)) : undefined);

export const ratingQueries = {
  /** 差评: the one rule of a bad rating (rules.ts `isBad`), as SQL on the ratings table. */
  isBad(): SQL {
    return lte(ratings.level, BAD_LEVEL_MAX);
  },
  /**
   * What an appeal (申诉) needs of a rating: its subject — the unit, or (万人评机关, 领导班子) the rated department — and
   * cycle, and who recorded or cleared it (they may not decide).
   */
  async appealSubject(
    db: Db,
    ratingId: string,
  ): Promise<{ unitId: string | null; departmentId: string | null; cycleId: string | null; level: number; actors: string[] } | undefined> {
    const [r] = await db
      .select({ unitId: ratings.unitId, departmentId: ratings.departmentId, cycleId: ratings.cycleId, level: ratings.level, submittedBy: ratings.submittedBy, reviewedBy: ratings.holdReviewedBy })
      .from(ratings)
      .where(eq(ratings.id, ratingId));
    return r && { unitId: r.unitId, departmentId: r.unitId ? null : r.departmentId, cycleId: r.cycleId, level: r.level, actors: [r.submittedBy, r.reviewedBy].filter((a): a is string => !!a) };
  },
  /** The unit and level of each unit rating (problem sources), in one query; unknown ids and department ratings are absent. */
  async ratingUnits(db: Db, ratingIds: readonly string[]): Promise<Map<string, { unitId: string; level: number }>> {
    if (ratingIds.length === 0) return new Map();
    const rows = await db.select({ id: ratings.id, unitId: ratedUnitId, level: ratings.level }).from(ratings).where(and(inArray(ratings.id, [...ratingIds]), isUnitRating()));
    return new Map(rows.map((r) => [r.id, { unitId: r.unitId, level: r.level }]));
  },
  /**
   * 群众评价: ratings of the cycle per unit and level that count toward P — not held or rejected by the integrity review
   * (integrity.ts), and not among `excludedIds` (ratings an upheld appeal took out).
   */
  levelCountsByUnit(db: Db, cycleId: string, excludedIds: readonly string[] = [], window?: PeriodWindow) {
    return db
      // isDefault: 默认评价 are counted apart, so the cycle's `defaultsCountTowardP` decides whether they join P.
      .select({ unitId: ratedUnitId, level: ratings.level, isDefault: ratings.isDefault, n: count() })
      .from(ratings)
      .where(and(eq(ratings.cycleId, cycleId), isUnitRating(), inArray(ratings.holdStatus, ['none', 'cleared']), excludedIds.length ? notInArray(ratings.id, [...excludedIds]) : undefined, collectedWithin(window)))
      .groupBy(ratings.unitId, ratings.level, ratings.isDefault);
  },
  /** Ratings of the cycle held for review and rejected by it, per unit (only units that have any). */
  holdCountsByUnit(db: Db, cycleId: string, window?: PeriodWindow) {
    return db
      .select({
        unitId: ratedUnitId,
        held: sql<number>`count(*) filter (where ${ratings.holdStatus} = 'held')`.mapWith(Number),
        rejected: sql<number>`count(*) filter (where ${ratings.holdStatus} = 'rejected')`.mapWith(Number),
      })
      .from(ratings)
      .where(and(eq(ratings.cycleId, cycleId), isUnitRating(), inArray(ratings.holdStatus, ['held', 'rejected']), collectedWithin(window)))
      .groupBy(ratings.unitId);
  },
  /**
   * Every rating of a unit as a joinable subquery (unitId, cycleId, channel, level, collectedAt, presenceBound); 差评 is
   * `isBad(level)` (rules.ts). Department and leadership ratings are read through `subjectFacts`.
   */
  facts(db: Db, alias = 'rating_facts') {
    return db
      .select({ id: ratings.id, unitId: ratedUnitId.as('unit_id'), cycleId: ratings.cycleId, channel: ratings.channel, level: ratings.level, collectedAt: ratings.collectedAt, presenceBound: ratings.presenceBound })
      .from(ratings)
      .where(isUnitRating())
      .as(alias);
  },
  /**
   * Every rating with its subject as a joinable subquery: the kind (unit, department, leadership), the unit (unit ratings)
   * or the department (the other two), cycle, channel, level, collectedAt and whether it counts (not held or rejected).
   */
  subjectFacts(db: Db, alias = 'rating_subject_facts') {
    return db
      .select({
        id: ratings.id,
        subjectKind: ratings.subjectKind,
        unitId: ratings.unitId,
        departmentId: ratings.departmentId,
        cycleId: ratings.cycleId,
        channel: ratings.channel,
        level: ratings.level,
        collectedAt: ratings.collectedAt,
        counts: sql<boolean>`${ratings.holdStatus} in ('none', 'cleared')`.as('counts'),
      })
      .from(ratings)
      .as(alias);
  },
  /**
   * A page of ratings in id order with the state of their 差评核实 loop (null without one), for the provincial exchange:
   * collected in [from, to); `subjects` selects unit ratings of those units and department ratings of those departments.
   */
  exchangePage(db: Db, f: { from?: Date; to?: Date; subjects?: { unitIds: SQL; departmentIds: SQL }; afterId?: string; limit: number }) {
    return db
      .select({ rating: ratings, loopState: ratingFollowUps.state })
      .from(ratings)
      .leftJoin(ratingFollowUps, eq(ratingFollowUps.ratingId, ratings.id))
      .where(
        and(
          f.from ? gte(ratings.collectedAt, f.from) : undefined,
          f.to ? lt(ratings.collectedAt, f.to) : undefined,
          f.subjects ? or(inArray(ratings.unitId, f.subjects.unitIds), inArray(ratings.departmentId, f.subjects.departmentIds)) : undefined,
          f.afterId ? gt(ratings.id, f.afterId) : undefined,
        ),
      )
      .orderBy(asc(ratings.id))
      .limit(f.limit);
  },
  /** The rating of some cases (一事一评) with its level and loop state (provincial exchange of cases). */
  ofCases(db: Db, caseIds: readonly string[]) {
    return db
      .select({ caseId: ratings.caseId, level: ratings.level, loopState: ratingFollowUps.state })
      .from(ratings)
      .leftJoin(ratingFollowUps, eq(ratingFollowUps.ratingId, ratings.id))
      .where(inArray(ratings.caseId, [...caseIds]));
  },
  /**
   * Every bad-rating loop (差评核实 → 整改 → 回访) as a joinable subquery, with the cycle and collection time of the rating
   * it answers, its verification outcome, problem, call-back channel and `overdue` at `at` (rules.ts `loopIsOverdue`).
   */
  followUpFacts(db: Db, at: Date, alias = 'follow_up_facts') {
    return db
      .select({
        unitId: ratingFollowUps.unitId,
        status: ratingFollowUps.state,
        overdue: sql<boolean>`${loopOverdueSql(at)}`.as('overdue'),
        verification: ratingFollowUps.verification,
        problemId: ratingFollowUps.problemId,
        callBackChannel: ratingFollowUps.callBackChannel,
        /** Call-back due: substantiated, and called back already or past its call-back deadline at `at`. */
        callBackDue: sql<boolean>`(${ratingFollowUps.verification} = 'substantiated' and (${ratingFollowUps.calledBackAt} is not null or ${ratingFollowUps.deadline} < ${at.toISOString()}::timestamptz))`.as('call_back_due'),
        ratingCycleId: ratings.cycleId,
        ratingCollectedAt: ratings.collectedAt,
      })
      .from(ratingFollowUps)
      .innerJoin(ratings, eq(ratings.id, ratingFollowUps.ratingId))
      .as(alias);
  },
  /** 一事一评 ratings with whether each is a default (默认评价); ratings rejected by the integrity review count nowhere. */
  caseRatingFacts(db: Db, alias = 'case_rating_facts') {
    return db
      .select({ caseId: ratings.caseId, isDefault: ratings.isDefault })
      .from(ratings)
      .where(and(isNotNull(ratings.caseId), ne(ratings.holdStatus, 'rejected')))
      .as(alias);
  },
  /** Ratings the integrity review (评价防刷) has held, with unit, cycle, status now (held, cleared, rejected) and collection time. */
  holdFacts(db: Db, alias = 'rating_hold_facts') {
    return db
      .select({ unitId: ratings.unitId, cycleId: ratings.cycleId, holdStatus: ratings.holdStatus, collectedAt: ratings.collectedAt })
      .from(ratings)
      .where(ne(ratings.holdStatus, 'none'))
      .as(alias);
  },
};
