import { and, asc, eq, gt, ilike, inArray } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { updateVersioned } from '../../db/versioned.js';
import { containsPattern } from '../../db/like.js';
import { departments } from './tables.js';
import { regionQueries } from '../regions/queries.js';
import type { ListDepartmentsFilter } from './schemas.js';

export type DepartmentRow = typeof departments.$inferSelect;

export const departmentsRepository = {
  async byId(db: Db, id: string): Promise<DepartmentRow | undefined> {
    const rows = await db.select().from(departments).where(eq(departments.id, id));
    return rows[0];
  },
  byIds(db: Db, ids: readonly string[]): Promise<DepartmentRow[]> {
    return db.select().from(departments).where(inArray(departments.id, [...ids]));
  },
  async byOrgCode(db: Db, orgCode: string): Promise<DepartmentRow | undefined> {
    const rows = await db.select().from(departments).where(eq(departments.orgCode, orgCode));
    return rows[0];
  },
  async insert(db: Db, row: typeof departments.$inferInsert): Promise<DepartmentRow> {
    const [r] = await db.insert(departments).values(row).returning();
    return r;
  },
  update(db: Db, id: string, expectedVersion: number, patch: Partial<typeof departments.$inferInsert>): Promise<DepartmentRow | undefined> {
    return updateVersioned(db, departments, id, expectedVersion, patch);
  },
  list(db: Db, f: Omit<ListDepartmentsFilter, 'regionId'> & { regionPath?: string; onlyId?: string; afterId?: string; limit: number }): Promise<DepartmentRow[]> {
    const where: (SQL | undefined)[] = [];
    if (f.sector) where.push(eq(departments.sector, f.sector));
    if (f.orgCode) where.push(eq(departments.orgCode, f.orgCode));
    if (f.active !== undefined) where.push(eq(departments.active, f.active));
    if (f.q) where.push(ilike(departments.name, containsPattern(f.q)));
    if (f.onlyId) where.push(eq(departments.id, f.onlyId));
    if (f.regionPath) {
      where.push(regionQueries.within(db, departments.regionId, f.regionPath));
    }
    if (f.afterId) where.push(gt(departments.id, f.afterId));
    return db.select().from(departments).where(and(...where)).orderBy(asc(departments.id)).limit(f.limit);
  },
};
