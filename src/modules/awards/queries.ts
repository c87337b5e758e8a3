import { and, asc, count, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { unitQueries } from '../units/queries.js';
import { awardTransitions, awards, commendations } from './tables.js';

/**
 * What other modules may read of awards (命名表彰 十佳/百佳) and higher-level commendations. An award counts
 * toward the cycle it was named in, whatever its status now (dynamic management changes the status, not the
 * naming); a commendation without a cycle counts by the day it was conferred.
 */
export const awardQueries = {
  /** An award's unit (what an honour in a person's record checks), or undefined. */
  async unitOfAward(db: Db, id: string): Promise<{ unitId: string } | undefined> {
    return (await db.select({ unitId: awards.unitId }).from(awards).where(eq(awards.id, id)))[0];
  },
  /** What an appeal (申诉) needs of an award transition: the award's unit and cycle, the move, and who made it. */
  async transitionSubject(db: Db, transitionId: string) {
    const [r] = await db
      .select({ unitId: awards.unitId, cycleId: awards.cycleId, awardId: awards.id, fromStatus: awardTransitions.fromStatus, toStatus: awardTransitions.toStatus, actor: awardTransitions.actor })
      .from(awardTransitions)
      .innerJoin(awards, eq(awards.id, awardTransitions.awardId))
      .where(eq(awardTransitions.id, transitionId));
    return r && { ...r, actors: [r.actor] };
  },
  /** Every award as a joinable subquery (cycleId, unitId, tier, status now). */
  facts(db: Db, alias = 'award_facts') {
    return db.select({ id: awards.id, cycleId: awards.cycleId, unitId: awards.unitId, tier: awards.tier, status: awards.status }).from(awards).as(alias);
  },
  /** Every commendation as a joinable subquery (cycleId, unitId, level, conferredOn). */
  commendationFacts(db: Db, alias = 'commendation_facts') {
    return db
      .select({ id: commendations.id, cycleId: commendations.cycleId, unitId: commendations.unitId, level: commendations.level, conferredOn: commendations.conferredOn })
      .from(commendations)
      .as(alias);
  },
  /** The awards of a cycle with their unit's name and department, in certificate order; optionally one department's. */
  ofCycle(db: Db, cycleId: string, departmentId?: string) {
    const u = unitQueries.facts(db, 'award_units');
    return db
      .select({ unitId: awards.unitId, unitName: u.name, departmentId: u.departmentId, tier: awards.tier, status: awards.status, certificateNo: awards.certificateNo })
      .from(awards)
      .innerJoin(u, eq(u.id, awards.unitId))
      .where(and(eq(awards.cycleId, cycleId), departmentId ? eq(u.departmentId, departmentId) : undefined))
      .orderBy(asc(awards.certificateNo));
  },
  /** Higher-level commendations (省级表彰) recorded for the cycle, per unit (`{ unitId, n }`). */
  commendationCountsByUnit(db: Db, cycleId: string) {
    return db.select({ unitId: commendations.unitId, n: count() }).from(commendations).where(eq(commendations.cycleId, cycleId)).groupBy(commendations.unitId);
  },
};
