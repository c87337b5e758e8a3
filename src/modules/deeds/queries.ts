import { count, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { deeds } from './tables.js';

/** What other modules may read of deeds (为群众办实事). */
export const deedQueries = {
  countsByUnit(db: Db, cycleId: string) {
    return db.select({ unitId: deeds.unitId, n: count() }).from(deeds).where(eq(deeds.cycleId, cycleId)).groupBy(deeds.unitId);
  },
  /** Every deed as a joinable subquery (unitId, cycleId, doneOn). */
  facts(db: Db, alias = 'deed_facts') {
    return db.select({ id: deeds.id, unitId: deeds.unitId, cycleId: deeds.cycleId, doneOn: deeds.doneOn }).from(deeds).as(alias);
  },
};
