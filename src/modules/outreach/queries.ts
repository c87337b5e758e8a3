import type { Db } from '../../db/client.js';
import { outreachActivities, suggestions } from './tables.js';

/**
 * What other modules may read of outreach (群众评价机制): joinable facts. `quantity` is the kind's main count
 * (forms distributed, households, sessions, messages), `secondary` its second (forms returned, participants).
 */
export const outreachQueries = {
  activityFacts(db: Db, alias = 'outreach_facts') {
    const a = outreachActivities;
    return db
      .select({ id: a.id, kind: a.kind, quantity: a.quantity, secondary: a.secondary, heldOn: a.heldOn, cycleId: a.cycleId, unitId: a.unitId, departmentId: a.departmentId, regionId: a.regionId })
      .from(a)
      .as(alias);
  },
  suggestionFacts(db: Db, alias = 'suggestion_facts') {
    const s = suggestions;
    return db.select({ id: s.id, status: s.status, receivedOn: s.receivedOn, cycleId: s.cycleId, unitId: s.unitId, departmentId: s.departmentId }).from(s).as(alias);
  },
};
