import type { Db } from '../../db/client.js';
import { accountabilityActions } from './tables.js';

/**
 * What other modules may read of accountability (问责). An action carries no cycle: it counts by when it was
 * decided. It is against a unit, a department, or a person named with either (or with neither).
 */
export const accountabilityQueries = {
  /** Every action as a joinable subquery (type, unitId, departmentId, decidedAt). */
  facts(db: Db, alias = 'accountability_facts') {
    const a = accountabilityActions;
    return db.select({ id: a.id, type: a.type, unitId: a.unitId, departmentId: a.departmentId, decidedAt: a.decidedAt }).from(a).as(alias);
  },
};
