import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { caseQueries } from '../cases/queries.js';
import { departmentQueries } from '../departments/queries.js';
import { ratingQueries } from '../ratings/queries.js';
import { regionQueries } from '../regions/queries.js';
import { serviceItemQueries } from '../service-items/queries.js';
import { unitQueries } from '../units/queries.js';

export interface ExchangeFilter {
  from?: Date;
  to?: Date;
  departmentId?: string;
  regionPath?: string;
}

/** The exchange owns no table: it reads the modules it maps through their queries. */
export const exchangeRepository = {
  /** Unit ratings of the department's / region's units, and ratings of the department itself (or of departments in the region). */
  ratingsPage(db: Db, f: ExchangeFilter, afterId: string | undefined, limit: number) {
    const filtered = f.departmentId || f.regionPath;
    const subjects = filtered
      ? {
          unitIds: sql`(${unitQueries.idsWhere(db, { departmentId: f.departmentId, regionPath: f.regionPath })})`,
          departmentIds: f.regionPath
            ? sql`(select id from (${departmentQueries.idsWithin(db, f.regionPath)}) d${f.departmentId ? sql` where d.id = ${f.departmentId}::uuid` : sql``})`
            : sql`(select ${f.departmentId}::uuid)`,
        }
      : undefined;
    return ratingQueries.exchangePage(db, { from: f.from, to: f.to, subjects, afterId, limit });
  },
  casesPage(db: Db, f: ExchangeFilter, afterId: string | undefined, limit: number) {
    const filtered = f.departmentId || f.regionPath;
    return caseQueries.page(db, {
      from: f.from,
      to: f.to,
      unitIds: filtered ? sql`(${unitQueries.idsWhere(db, { departmentId: f.departmentId, regionPath: f.regionPath })})` : undefined,
      afterId,
      limit,
    });
  },
  ratingsOfCases: ratingQueries.ofCases,
  caseNumbers: caseQueries.numbers,
  casesByNumber: caseQueries.byNumbers,
  unitCodes: unitQueries.codes,
  departmentCodes: departmentQueries.codes,
  divisionCodes: regionQueries.divisionCodes,
  itemCodes: serviceItemQueries.codes,
};
