import { and, count, eq, inArray, isNotNull, lt, lte, ne, notInArray, or, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { AWAITING_CALL_BACK_STATES, BAD_LEVEL_MAX } from './rules.js';
import { ratingFollowUps, ratings } from './tables.js';

/** The loop's overdue rule (rules.ts `loopIsOverdue`) as SQL: open past verify_by, or awaiting call-back past deadline. */
export function loopOverdueSql(at: Date): SQL {
  return or(
    and(eq(ratingFollowUps.state, 'open'), lt(ratingFollowUps.verifyBy, at)),
    and(inArray(ratingFollowUps.state, [...AWAITING_CALL_BACK_STATES]), lt(ratingFollowUps.deadline, at)),
  )!;
}

/** What other modules may read of ratings (群众评价). */
export const ratingQueries = {
  /** 差评: the one rule of a bad rating (rules.ts `isBad`), as SQL on the ratings table. */
  isBad(): SQL {
    return lte(ratings.level, BAD_LEVEL_MAX);
  },
  /** What an appeal (申诉) needs of a rating: its unit and cycle, and who recorded or cleared it (they may not decide). */
  async appealSubject(db: Db, ratingId: string): Promise<{ unitId: string; cycleId: string | null; level: number; actors: string[] } | undefined> {
    const [r] = await db
      .select({ unitId: ratings.unitId, cycleId: ratings.cycleId, level: ratings.level, submittedBy: ratings.submittedBy, reviewedBy: ratings.holdReviewedBy })
      .from(ratings)
      .where(eq(ratings.id, ratingId));
    return r && { unitId: r.unitId, cycleId: r.cycleId, level: r.level, actors: [r.submittedBy, r.reviewedBy].filter((a): a is string => !!a) };
  },
  async ratingUnit(db: Db, ratingId: string): Promise<{ unitId: string; level: number } | undefined> {
    return (await db.select({ unitId: ratings.unitId, level: ratings.level }).from(ratings).where(eq(ratings.id, ratingId)))[0];
  },
  /**
   * 群众评价: ratings of the cycle per unit and level that count toward P — not held or rejected by the integrity review
   * (integrity.ts), and not among `excludedIds` (ratings an upheld appeal took out).
   */
  levelCountsByUnit(db: Db, cycleId: string, excludedIds: readonly string[] = []) {
    return db
      // isDefault: 默认评价 are counted apart, so the cycle's `defaultsCountTowardP` decides whether they join P.
      .select({ unitId: ratings.unitId, level: ratings.level, isDefault: ratings.isDefault, n: count() })
      .from(ratings)
      .where(and(eq(ratings.cycleId, cycleId), inArray(ratings.holdStatus, ['none', 'cleared']), excludedIds.length ? notInArray(ratings.id, [...excludedIds]) : undefined))
      .groupBy(ratings.unitId, ratings.level, ratings.isDefault);
  },
  /** Ratings of the cycle held for review and rejected by it, per unit (only units that have any). */
  holdCountsByUnit(db: Db, cycleId: string) {
    return db
      .select({
        unitId: ratings.unitId,
        held: sql<number>`count(*) filter (where ${ratings.holdStatus} = 'held')`.mapWith(Number),
        rejected: sql<number>`count(*) filter (where ${ratings.holdStatus} = 'rejected')`.mapWith(Number),
      })
      .from(ratings)
      .where(and(eq(ratings.cycleId, cycleId), inArray(ratings.holdStatus, ['held', 'rejected'])))
      .groupBy(ratings.unitId);
  },
  /** Every rating as a joinable subquery (unitId, cycleId, channel, level, collectedAt, presenceBound); 差评 is `isBad(level)` (rules.ts). */
  facts(db: Db, alias = 'rating_facts') {
    return db
      .select({ id: ratings.id, unitId: ratings.unitId, cycleId: ratings.cycleId, channel: ratings.channel, level: ratings.level, collectedAt: ratings.collectedAt, presenceBound: ratings.presenceBound })
      .from(ratings)
      .as(alias);
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
