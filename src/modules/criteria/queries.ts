import { inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { criteriaSets } from './tables.js';

export type CriteriaSetRow = typeof criteriaSets.$inferSelect;

/** What other modules may read of criteria sets (创建标准): the revisions scorecards were opened against. */
export const criteriaQueries = {
  byIds(db: Db, ids: readonly string[]): Promise<CriteriaSetRow[]> {
    return ids.length ? db.select().from(criteriaSets).where(inArray(criteriaSets.id, [...ids])) : Promise.resolve([]);
  },
};
