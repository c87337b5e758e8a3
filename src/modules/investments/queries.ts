import type { Db } from '../../db/client.js';
import { investments } from './tables.js';

/** What other modules may read of investments (硬件建设投入): joinable facts, amounts in fen. */
export const investmentQueries = {
  facts(db: Db, alias = 'investment_facts') {
    const i = investments;
    return db
      .select({ id: i.id, amountFen: i.amountFen, fundSource: i.fundSource, investedOn: i.investedOn, cycleId: i.cycleId, unitId: i.unitId, departmentId: i.departmentId, regionId: i.regionId, builtQuantity: i.builtQuantity })
      .from(i)
      .as(alias);
  },
};
