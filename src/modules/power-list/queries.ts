import type { Db } from '../../db/client.js';
import { powerListCleanups } from './tables.js';

/** What other modules may read of the power-list cleanup (行政权力清理): joinable facts. */
export const powerListQueries = {
  cleanupFacts(db: Db, alias = 'power_list_facts') {
    const c = powerListCleanups;
    return db
      .select({ id: c.id, departmentId: c.departmentId, cycleId: c.cycleId, itemKind: c.itemKind, level: c.level, registered: c.registered, kept: c.kept, merged: c.merged, abolished: c.abolished, createdAt: c.createdAt })
      .from(c)
      .as(alias);
  },
};
