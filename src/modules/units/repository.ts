import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { containsPattern } from '../../db/like.js';
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

type ListQuery = UnitFilter & { afterId?: string; limit: number };
/** The filters a prepared list takes as parameters (every one of UnitFilter but the region path). */
const LIST_PARAMS = ['category', 'departmentId', 'unitId', 'orgCode', 'unitIds', 'regionIds', 'active', 'q', 'afterId'] as const satisfies readonly (keyof ListQuery)[];
type ListParam = (typeof LIST_PARAMS)[number];

/** The same conditions as unitWhere, on placeholders; `regionIds` empty matches nothing, as there. */
const listCondition: Record<ListParam, SQL> = {
  category: sql`${units.category} = ${sql.placeholder('category')}`,
  departmentId: sql`${units.departmentId} = ${sql.placeholder('departmentId')}`,
  unitId: sql`${units.id} = ${sql.placeholder('unitId')}`,
  orgCode: sql`${units.orgCode} = ${sql.placeholder('orgCode')}`,
  unitIds: sql`${units.id} = any(${sql.placeholder('unitIds')}::uuid[])`,
  regionIds: sql`${units.regionId} = any(${sql.placeholder('regionIds')}::uuid[])`,
  active: sql`${units.active} = ${sql.placeholder('active')}`,
  q: sql`${units.name} ilike ${sql.placeholder('q')}`,
  afterId: sql`${units.id} > ${sql.placeholder('afterId')}`,
};
const prepareList = (db: Db, given: readonly ListParam[]) =>
  db
    .select()
    .from(units)
    .where(and(...given.map((k) => listCondition[k])))
    .orderBy(asc(units.id))
    .limit(sql.placeholder('limit'))
    .prepare(`units_list_${given.map((k) => LIST_PARAMS.indexOf(k).toString(36)).join('')}`);
const listStatements = new WeakMap<Db, Map<string, ReturnType<typeof prepareList>>>();

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
  /**
   * A page of units by id. Without a region path (the lists that matter for speed: by category, department, a
   * county's subtree) it is one named prepared statement per combination of the filters given, built once per
   * database handle; the region path's subquery is the regions module's, built per call.
   */
  list(db: Db, f: ListQuery): Promise<UnitRow[]> {
    if (f.regionPath) {
      return db
        .select()
        .from(units)
        .where(and(unitWhere(db, f), f.afterId ? gt(units.id, f.afterId) : undefined))
        .orderBy(asc(units.id))
        .limit(f.limit);
    }
    const given = LIST_PARAMS.filter((k) => f[k] !== undefined);
    const shape = given.join(',');
    let statements = listStatements.get(db);
    if (!statements) listStatements.set(db, (statements = new Map()));
    let statement = statements.get(shape);
    if (!statement) statements.set(shape, (statement = prepareList(db, given)));
    const values: Record<string, unknown> = { limit: f.limit };
    for (const k of given) values[k] = k === 'q' ? containsPattern(f.q!) : k === 'regionIds' || k === 'unitIds' ? [...f[k]!] : f[k];
    return statement.execute(values);
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
