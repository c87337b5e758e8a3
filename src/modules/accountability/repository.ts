import { and, asc, desc, eq, gt, gte, inArray, lt, or } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accountabilityActions } from './tables.js';
import { complaintQueries } from '../complaints/queries.js';
import { departmentQueries } from '../departments/queries.js';
import { personQueries } from '../persons/queries.js';
import { problemQueries } from '../problems/queries.js';
import { rankingQueries } from '../rankings/queries.js';
import { supervisionQueries } from '../supervision/queries.js';
import { unitQueries } from '../units/queries.js';
import type { AccountabilityCauseType, AccountabilityType } from './schemas.js';

export type AccountabilityRow = typeof accountabilityActions.$inferSelect;

export interface AccountabilityFilter {
  type?: AccountabilityType;
  targetKind?: AccountabilityRow['targetKind'];
  causeType?: AccountabilityCauseType;
  causeId?: string;
  personId?: string;
  from?: Date;
  to?: Date;
  /** Each given id narrows further (a caller's scope and its own filter combine). */
  unitIds?: string[];
  /** Against the department itself, one of its units, or a person in either. */
  departmentIds?: string[];
}

const a = accountabilityActions;

/** "Against this department or its units", as one condition (also what a department manager may see). */
const againstDepartment = (db: Db, departmentId: string) =>
  or(eq(a.departmentId, departmentId), unitQueries.ofDepartment(db, a.unitId, departmentId));

function accountabilityWhere(db: Db, f: AccountabilityFilter): SQL | undefined {
  const where: (SQL | undefined)[] = [];
  if (f.type) where.push(eq(a.type, f.type));
  if (f.targetKind) where.push(eq(a.targetKind, f.targetKind));
  if (f.causeType) where.push(eq(a.causeType, f.causeType));
  if (f.causeId) where.push(eq(a.causeId, f.causeId));
  if (f.personId) where.push(eq(a.personId, f.personId));
  if (f.from) where.push(gte(a.decidedAt, f.from));
  if (f.to) where.push(lt(a.decidedAt, f.to));
  for (const u of f.unitIds ?? []) where.push(eq(a.unitId, u));
  for (const d of f.departmentIds ?? []) where.push(againstDepartment(db, d));
  return and(...where);
}

export const accountabilityRepository = {
  /** The row with the department of its target unit (if any), which decides who may see it. */
  async byId(db: Db, id: string): Promise<(AccountabilityRow & { unitDepartmentId: string | null }) | undefined> {
    const u = unitQueries.facts(db, 'target_units');
    const rows = await db.select({ action: a, unitDepartmentId: u.departmentId }).from(a).leftJoin(u, eq(u.id, a.unitId)).where(eq(a.id, id));
    return rows[0] && { ...rows[0].action, unitDepartmentId: rows[0].unitDepartmentId };
  },
  async insert(db: Db, row: typeof a.$inferInsert): Promise<AccountabilityRow> {
    const [r] = await db.insert(a).values(row).returning();
    return r;
  },
  list(db: Db, f: AccountabilityFilter & { afterId?: string; limit: number }): Promise<AccountabilityRow[]> {
    return db
      .select()
      .from(a)
      .where(and(accountabilityWhere(db, f), f.afterId ? gt(a.id, f.afterId) : undefined))
      .orderBy(asc(a.id))
      .limit(f.limit);
  },
  async unitById(db: Db, id: string): Promise<{ id: string; departmentId: string } | undefined> {
    const u = await unitQueries.byId(db, id);
    return u && { id: u.id, departmentId: u.departmentId };
  },
  /** Units' department and region (who may see a due item), in one query. */
  unitsByIds(db: Db, ids: readonly string[]) {
    return ids.length ? unitQueries.byIds(db, ids) : Promise.resolve([]);
  },
  departmentExists: departmentQueries.exists,
  /** The cause (a problem, an inspection finding or a complaint) exists, asked of the module that owns it. */
  async causeExists(db: Db, type: Exclude<AccountabilityCauseType, 'ranking_entry'>, id: string): Promise<boolean> {
    const existing = { problem: problemQueries.existingIds, inspection_finding: supervisionQueries.existingFindingIds, complaint: complaintQueries.existingIds }[type];
    return (await existing(db, [id])).has(id);
  },
  /** A ranking entry cause (排名靠后) must be an entry of a published ranking, asked of the rankings module. */
  async publishedEntry(db: Db, rankingId: string, unitId: string) {
    return (await rankingQueries.publishedEntries(db, [{ rankingId, unitId }]))[0];
  },
  personById: personQueries.byId,
  /** Actions against a registered person, newest first (their record). */
  againstPerson(db: Db, personId: string): Promise<AccountabilityRow[]> {
    return db.select().from(a).where(eq(a.personId, personId)).orderBy(desc(a.decidedAt), desc(a.id));
  },
  /** Which (ranking, unit) entries an action already cites as its cause: `rankingId/unitId`. */
  async citedEntries(db: Db, rankingIds: readonly string[]): Promise<Set<string>> {
    if (!rankingIds.length) return new Set();
    const rows = await db
      .select({ rankingId: a.causeId, unitId: a.causeUnitId })
      .from(a)
      .where(and(eq(a.causeType, 'ranking_entry'), inArray(a.causeId, [...rankingIds])));
    return new Set(rows.map((r) => `${r.rankingId}/${r.unitId}`));
  },
  currentPeriodRankings: rankingQueries.currentPeriodRankings,
  bottomEntries: rankingQueries.bottomEntries,
};
