import { and, asc, eq, gt, gte, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { prefetchSubjects } from '../../lib/subject.js';
import type { SubjectLookup } from '../../lib/subject.js';
import { cycleQueries } from '../cycles/queries.js';
import { departmentQueries } from '../departments/queries.js';
import { regionQueries } from '../regions/queries.js';
import { unitQueries } from '../units/queries.js';
import { investments } from './tables.js';
import type { FundSource } from './schemas.js';

export type InvestmentRow = typeof investments.$inferSelect;

export interface InvestmentFilter {
  fundSource?: FundSource;
  cycleId?: string;
  regionId?: string;
  from?: string;
  to?: string;
  unitIds: string[];
  /** About the department or one of its units. */
  departmentIds: string[];
}

export const investmentsRepository = {
  cycleExists: cycleQueries.exists,
  subjectLookup(db: Db, ref: { unitIds: string[]; departmentIds: string[] }): Promise<SubjectLookup> {
    return prefetchSubjects(ref, { units: (ids) => unitQueries.byIds(db, ids), departments: (ids) => departmentQueries.byIds(db, ids), regionExists: (id) => regionQueries.exists(db, id) });
  },
  async insert(db: Db, row: typeof investments.$inferInsert): Promise<InvestmentRow> {
    const [r] = await db.insert(investments).values(row).returning();
    return r;
  },
  async byId(db: Db, id: string, lock = false) {
    const u = unitQueries.facts(db, 'investment_units');
    const q = db.select({ row: investments, unitDepartmentId: u.departmentId }).from(investments).leftJoin(u, eq(u.id, investments.unitId)).where(eq(investments.id, id));
    const [r] = lock ? await q.for('update', { of: investments }) : await q;
    return r && { ...r.row, unitDepartmentId: r.unitDepartmentId };
  },
  async update(db: Db, id: string, set: Partial<typeof investments.$inferInsert>): Promise<InvestmentRow> {
    const [r] = await db
      .update(investments)
      .set({ ...set, version: sql`${investments.version} + 1`, updatedAt: sql`now()` })
      .where(eq(investments.id, id))
      .returning();
    return r;
  },
  list(db: Db, f: InvestmentFilter & { afterId?: string; limit: number }): Promise<InvestmentRow[]> {
    const i = investments;
    return db
      .select()
      .from(i)
      .where(
        and(
          f.fundSource ? eq(i.fundSource, f.fundSource) : undefined,
          f.cycleId ? eq(i.cycleId, f.cycleId) : undefined,
          f.regionId ? eq(i.regionId, f.regionId) : undefined,
          f.from ? gte(i.investedOn, f.from) : undefined,
          f.to ? lte(i.investedOn, f.to) : undefined,
          ...f.unitIds.map((u) => eq(i.unitId, u)),
          ...f.departmentIds.map((d) => or(eq(i.departmentId, d), unitQueries.ofDepartment(db, i.unitId, d))),
          f.afterId ? gt(i.id, f.afterId) : undefined,
        ),
      )
      .orderBy(asc(i.id))
      .limit(f.limit);
  },
};
