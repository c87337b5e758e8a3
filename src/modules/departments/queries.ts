import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { regionQueries } from '../regions/queries.js';
import { departmentsRepository } from './repository.js';
import { departments } from './tables.js';

/** The channel the departments trigger announces committed changes on (migration department_region_change_notice). */
export const DEPARTMENTS_CHANGED_CHANNEL = 'departments_changed';

/** What other modules may read of departments (部门/行业). */
export const departmentQueries = {
  byId: departmentsRepository.byId,
  async exists(db: Db, id: string): Promise<boolean> {
    return (await db.select({ id: departments.id }).from(departments).where(eq(departments.id, id))).length > 0;
  },
  /** Department names for joins (id, name), as a subquery the caller joins on `id`. */
  names(db: Db) {
    return db.select({ id: departments.id, name: departments.name }).from(departments).as('department_names');
  },
  byIds(db: Db, ids: readonly string[]) {
    return db.select({ id: departments.id, name: departments.name, regionId: departments.regionId, active: departments.active }).from(departments).where(inArray(departments.id, [...ids]));
  },
  /** Official codes (部门编码) with region, by ids or by codes (provincial exchange). */
  codes(db: Db, by: { ids: readonly string[] } | { orgCodes: readonly string[] }) {
    const where = 'ids' in by ? inArray(departments.id, [...by.ids]) : inArray(departments.orgCode, [...by.orgCodes]);
    return db.select({ id: departments.id, orgCode: departments.orgCode, regionId: departments.regionId }).from(departments).where(where);
  },
  /** Ids of the departments within a region (the region and its descendants, by path), as a subquery. */
  idsWithin(db: Db, regionPath: string) {
    return db.select({ id: departments.id }).from(departments).where(regionQueries.within(db, departments.regionId, regionPath));
  },
};
