import type { Db } from '../../db/client.js';
import { appeals } from './tables.js';

/** What other modules may read of appeals (申诉复核). */
export const appealQueries = {
  /** Every appeal as a joinable subquery: kind, status, unit, cycle, when filed and when decided (null until decided). */
  facts(db: Db, alias = 'appeal_facts') {
    return db
      .select({ id: appeals.id, kind: appeals.kind, status: appeals.status, unitId: appeals.unitId, cycleId: appeals.cycleId, filedAt: appeals.filedAt, decidedAt: appeals.decidedAt })
      .from(appeals)
      .as(alias);
  },
};
