import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { updateVersioned } from '../../db/versioned.js';
import { departmentQueries } from '../departments/queries.js';
import { regionQueries } from '../regions/queries.js';
import { unitWhere } from './queries.js';
import { units } from './tables.js';

export type UnitRow = typeof units.$inferSelect;

import type { UnitFilter } from './queries.js';
export type { UnitFilter };

/**
 * The hot read (GET /units/:id, and every visibility check of one unit): built once per database handle and sent
 * as a named prepared statement, parsed and planned once per connection instead of on every request.
 */
const prepareById = (db: Db) =>
  db
    .select()
    .from(units)
    .where(eq(units.id, sql.placeholder('id')))
    .prepare('units_by_id');
const byIdStatements = new WeakMap<Db, ReturnType<typeof prepareById>>();

export const unitsRepository = {
  async byId(db: Db, id: string): Promise<UnitRow | undefined> {
    let statement = byIdStatements.get(db);
    if (!statement) byIdStatements.set(db, (statement = prepareById(db)));
    const rows = await statement.execute({ id });
    return rows[0];
  },
  byIds(db: Db, ids: readonly string[]): Promise<UnitRow[]> {
    return db.select().from(units).where(inArray(units.id, [...ids]));
  },
  async byOrgCode(db: Db, orgCode: string): Promise<UnitRow | undefined> {
    const rows = await db.select().from(units).where(eq(units.orgCode, orgCode));
    return rows[0];
  },
  async insert(db: Db, row: typeof units.$inferInsert): Promise<UnitRow> {
    const [r] = await db.insert(units).values(row).returning();
    return r;
  },
  update(db: Db, id: string, expectedVersion: number, patch: Partial<typeof units.$inferInsert>): Promise<UnitRow | undefined> {
    return updateVersioned(db, units, id, expectedVersion, patch);
  },
  list(db: Db, f: UnitFilter & { afterId?: string; limit: number }): Promise<UnitRow[]> {
    return db
      .select()
      .from(units)
      .where(and(unitWhere(db, f), f.afterId ? gt(units.id, f.afterId) : undefined))
      .orderBy(asc(units.id))
      .limit(f.limit);
  },
  async publicProfile(db: Db, id: string) {
    const departments = departmentQueries.names(db);
    const regions = regionQueries.names(db);
    const rows = await db
      .select({ unit: units, departmentName: departments.name, regionName: regions.nameZh })
      .from(units)
      .innerJoin(departments, eq(departments.id, units.departmentId))
      .innerJoin(regions, eq(regions.id, units.regionId))
      .where(eq(units.id, id));
    return rows[0];
  },
};
