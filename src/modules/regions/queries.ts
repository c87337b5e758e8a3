import { eq, inArray, like } from 'drizzle-orm';
import type { AnyColumn, SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { prefixPattern } from '../../db/like.js';
import { regionsRepository } from './repository.js';
import { regions } from './tables.js';

/** The channel the regions trigger announces committed changes on (migration department_region_change_notice). */
export const REGIONS_CHANGED_CHANNEL = 'regions_changed';

/**
 * What other modules may read of regions (行政区). "Within a region" always means the region and its
 * descendants, by materialized path: one prefix scan.
 */
export const regionQueries = {
  byId: regionsRepository.byId,
  /** Some regions in one query (a bulk import's references). */
  byIds: regionsRepository.byIds,
  /** Region ids by code (regions.code), for a bulk import's rows that name regions by code. */
  byCodes(db: Db, codes: readonly string[]) {
    return db.select({ id: regions.id, code: regions.code }).from(regions).where(inArray(regions.code, [...codes]));
  },
  /** Regions by 行政区划代码 (GB/T 2260), for a bulk import's rows that name regions by division code. */
  byDivisionCodes(db: Db, codes: readonly string[]) {
    return db.select({ id: regions.id, divisionCode: regions.divisionCode, level: regions.level }).from(regions).where(inArray(regions.divisionCode, [...codes]));
  },
  /** `col` (a region id column of the caller's table) lies within the region whose path is `path`. */
  within(db: Db, col: AnyColumn, path: string): SQL {
    return inArray(col, db.select({ id: regions.id }).from(regions).where(like(regions.path, prefixPattern(path))));
  },
  /** Region names for joins (id, nameZh), as a subquery the caller joins on `id`. */
  /** 行政区划代码 (GB/T 2260) of some regions (provincial exchange). */
  divisionCodes(db: Db, ids: readonly string[]) {
    return db.select({ id: regions.id, divisionCode: regions.divisionCode }).from(regions).where(inArray(regions.id, [...ids]));
  },
  names(db: Db) {
    return db.select({ id: regions.id, nameZh: regions.nameZh }).from(regions).as('region_names');
  },
  /** Ids of the region whose path is `path` and of every region below it. */
  async idsWithin(db: Db, path: string): Promise<string[]> {
    return (await db.select({ id: regions.id }).from(regions).where(like(regions.path, prefixPattern(path)))).map((r) => r.id);
  },
  async exists(db: Db, id: string): Promise<boolean> {
    return (await db.select({ id: regions.id }).from(regions).where(eq(regions.id, id))).length > 0;
  },
};
