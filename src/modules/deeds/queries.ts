import { and, count, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { deeds } from './tables.js';

/** What other modules may read of deeds (为群众办实事). */
export const deedQueries = {
  /** Deeds that earn bonus points: verified by the office (核实), of the cycle, per unit. The one rule the rankings use. */
  countsByUnit(db: Db, cycleId: string) {
    return db
      .select({ unitId: deeds.unitId, n: count() })
      .from(deeds)
      .where(and(eq(deeds.cycleId, cycleId), eq(deeds.status, 'verified')))
      .groupBy(deeds.unitId);
  },
  /** Every deed as a joinable subquery (unitId, cycleId, doneOn, status, isHot 热点难点). */
  facts(db: Db, alias = 'deed_facts') {
    return db.select({ id: deeds.id, unitId: deeds.unitId, cycleId: deeds.cycleId, doneOn: deeds.doneOn, status: deeds.status, isHot: deeds.isHot }).from(deeds).as(alias);
  },
};
