import { and, asc, eq, gt, gte, lt, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { updateVersioned } from '../../db/versioned.js';
import { unitQueries } from '../units/queries.js';
import { cases } from './tables.js';
import type { CaseState } from './schemas.js';

export type CaseRow = typeof cases.$inferSelect;
export type ScopedCaseRow = CaseRow & { unitDepartmentId: string };

export interface CaseFilter {
  itemId?: string;
  state?: CaseState;
  source?: string;
  caseNumber?: string;
  onTime?: boolean;
  from?: Date;
  to?: Date;
  /** Each given id narrows further (a caller's scope and its own filter combine). */
  unitIds?: string[];
  departmentIds?: string[];
}

function caseWhere(db: Db, f: CaseFilter): SQL | undefined {
  const where: (SQL | undefined)[] = [];
  if (f.itemId) where.push(eq(cases.itemId, f.itemId));
  if (f.state) where.push(eq(cases.state, f.state));
  if (f.source) where.push(eq(cases.source, f.source));
  if (f.caseNumber) where.push(eq(cases.caseNumber, f.caseNumber));
  if (f.onTime !== undefined) where.push(eq(cases.onTime, f.onTime));
  if (f.from) where.push(gte(cases.receivedAt, f.from));
  if (f.to) where.push(lt(cases.receivedAt, f.to));
  for (const u of f.unitIds ?? []) where.push(eq(cases.unitId, u));
  for (const d of f.departmentIds ?? []) where.push(unitQueries.ofDepartment(db, cases.unitId, d));
  return and(...where);
}

export const casesRepository = {
  /** With its unit's department, for scope checks; `lock` holds the row for a move. */
  async byId(db: Db, id: string, lock = false): Promise<ScopedCaseRow | undefined> {
    const rows = await (lock ? db.select().from(cases).where(eq(cases.id, id)).for('update') : db.select().from(cases).where(eq(cases.id, id)));
    const r = rows[0];
    if (!r) return undefined;
    const unit = await unitQueries.byId(db, r.unitId);
    return { ...r, unitDepartmentId: unit!.departmentId };
  },
  async bySourceNumber(db: Db, source: string, caseNumber: string): Promise<CaseRow | undefined> {
    const rows = await db.select().from(cases).where(and(eq(cases.source, source), eq(cases.caseNumber, caseNumber)));
    return rows[0];
  },
  /** Undefined when (source, caseNumber) is taken (a concurrent insert included). */
  async insertUnlessTaken(db: Db, row: typeof cases.$inferInsert): Promise<CaseRow | undefined> {
    const [r] = await db.insert(cases).values(row).onConflictDoNothing({ target: [cases.source, cases.caseNumber] }).returning();
    return r;
  },
  update(db: Db, id: string, expectedVersion: number, patch: Partial<typeof cases.$inferInsert>): Promise<CaseRow | undefined> {
    return updateVersioned(db, cases, id, expectedVersion, patch);
  },
  list(db: Db, f: CaseFilter & { afterId?: string; limit: number }): Promise<CaseRow[]> {
    return db
      .select()
      .from(cases)
      .where(and(caseWhere(db, f), f.afterId ? gt(cases.id, f.afterId) : undefined))
      .orderBy(asc(cases.id))
      .limit(f.limit);
  },
};

export interface CaseStatsRow {
  key: string;
  total: number;
  received: number;
  accepted: number;
  completed: number;
  returned: number;
  refused: number;
  onTime: number;
  oneWeek: number;
}

/** Cases received in [from, to), counted by state and completion facts, per unit, department or region. */
export async function caseStatistics(
  db: Db,
  f: { groupBy: 'unit' | 'department' | 'region'; from?: Date; to?: Date; unitId?: string; departmentId?: string },
): Promise<CaseStatsRow[]> {
  const u = unitQueries.facts(db, 'case_stat_units');
  const key = f.groupBy === 'unit' ? u.id : f.groupBy === 'department' ? u.departmentId : u.regionId;
  const n = (cond: SQL) => sql<number>`(count(*) filter (where ${cond}))::int`;
  const rows = await db
    .select({
      key: sql<string>`${key}`,
      total: sql<number>`count(*)::int`,
      received: n(eq(cases.state, 'received')),
      accepted: n(eq(cases.state, 'accepted')),
      completed: n(eq(cases.state, 'completed')),
      returned: n(eq(cases.state, 'returned')),
      refused: n(eq(cases.state, 'refused')),
      onTime: n(eq(cases.onTime, true)),
      oneWeek: n(eq(cases.oneWeek, true)),
    })
    .from(cases)
    .innerJoin(u, eq(u.id, cases.unitId))
    .where(
      and(
        f.from ? gte(cases.receivedAt, f.from) : undefined,
        f.to ? lt(cases.receivedAt, f.to) : undefined,
        f.unitId ? eq(cases.unitId, f.unitId) : undefined,
        f.departmentId ? eq(u.departmentId, f.departmentId) : undefined,
      ),
    )
    .groupBy(key)
    .orderBy(key);
  return rows.map((r) => ({ ...r, total: Number(r.total) }));
}
