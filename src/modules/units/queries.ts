import { and, eq, ilike, inArray, sql } from 'drizzle-orm';
import type { AnyColumn, SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { containsPattern } from '../../db/like.js';
import { regionQueries } from '../regions/queries.js';
import { units } from './tables.js';
import type { Category } from './schemas.js';

export interface UnitFilter {
  category?: Category;
  regionPath?: string;
  departmentId?: string;
  unitId?: string;
  unitIds?: string[];
  /** Units whose region is one of these (a county office's subtree, regions/scope.ts). */
  regionIds?: readonly string[];
  q?: string;
  active?: boolean;
  orgCode?: string;
}

/** The WHERE of a unit filter over the units table (this module's lists and the fragments below). */
export function unitWhere(db: Db, f: UnitFilter): SQL | undefined {
  const where: (SQL | undefined)[] = [];
  if (f.category) where.push(eq(units.category, f.category));
  if (f.departmentId) where.push(eq(units.departmentId, f.departmentId));
  if (f.unitId) where.push(eq(units.id, f.unitId));
  if (f.orgCode) where.push(eq(units.orgCode, f.orgCode));
  if (f.unitIds) where.push(inArray(units.id, f.unitIds));
  if (f.regionIds) where.push(f.regionIds.length ? inArray(units.regionId, [...f.regionIds]) : sql`false`);
  if (f.active !== undefined) where.push(eq(units.active, f.active));
  if (f.q) where.push(ilike(units.name, containsPattern(f.q)));
  if (f.regionPath) where.push(regionQueries.within(db, units.regionId, f.regionPath));
  return and(...where);
}

/**
 * What other modules may read of units (基层站所/窗口): a unit filter as a predicate on the caller's own unit
 * column, unit facts as a joinable subquery, and batched readers. Scoping by region always includes the
 * region's descendants.
 */
export const unitQueries = {
  /** Ids of the units a filter selects, as a subquery. */
  idsWhere(db: Db, f: UnitFilter) {
    return db.select({ id: units.id }).from(units).where(unitWhere(db, f));
  },
  /** `col` (a unit id column of the caller's table) is one of the units the filter selects. */
  unitIn(db: Db, col: AnyColumn, f: UnitFilter | undefined): SQL | undefined {
    if (!f || Object.values(f).every((v) => v === undefined)) return undefined;
    return inArray(col, unitQueries.idsWhere(db, f));
  },
  /** The facts other modules join on (department, region, category, name, active), as a subquery on `id`. */
  facts(db: Db, alias = 'unit_facts') {
    return db
      .select({ id: units.id, departmentId: units.departmentId, regionId: units.regionId, category: units.category, name: units.name, active: units.active })
      .from(units)
      .as(alias);
  },
  /** The same facts for some units, in one query. */
  byIds(db: Db, ids: readonly string[]) {
    return db
      .select({ id: units.id, departmentId: units.departmentId, regionId: units.regionId, category: units.category, name: units.name, active: units.active })
      .from(units)
      .where(inArray(units.id, [...ids]));
  },
  /** Official codes (组织机构代码/统一社会信用代码) with department and region, by ids or by codes (provincial exchange). */
  codes(db: Db, by: { ids: readonly string[] } | { orgCodes: readonly string[] }) {
    const where = 'ids' in by ? inArray(units.id, [...by.ids]) : inArray(units.orgCode, [...by.orgCodes]);
    return db.select({ id: units.id, orgCode: units.orgCode, departmentId: units.departmentId, regionId: units.regionId }).from(units).where(where);
  },
  async byId(db: Db, id: string) {
    return (await unitQueries.byIds(db, [id]))[0];
  },
  /** The department of each of a column's units, as a predicate: units of that department only. */
  ofDepartment(db: Db, col: AnyColumn, departmentId: string): SQL {
    return inArray(col, db.select({ id: units.id }).from(units).where(eq(units.departmentId, departmentId)));
  },
};
