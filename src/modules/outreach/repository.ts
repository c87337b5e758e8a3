import { and, asc, eq, gt, gte, inArray, lte, or, sql } from 'drizzle-orm';
import type { AnyColumn, SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { prefetchSubjects } from '../../lib/subject.js';
import type { SubjectLookup } from '../../lib/subject.js';
import { cycleQueries } from '../cycles/queries.js';
import { departmentQueries } from '../departments/queries.js';
import { regionQueries } from '../regions/queries.js';
import { unitQueries } from '../units/queries.js';
import { outreachActivities, suggestions } from './tables.js';
import type { OutreachKind, SuggestionStatus } from './schemas.js';

export type OutreachActivityRow = typeof outreachActivities.$inferSelect;
export type SuggestionRow = typeof suggestions.$inferSelect;
export type NewSuggestionRow = typeof suggestions.$inferInsert;

/** Records about a department: about it, or about one of its units. */
function ofDepartment(db: Db, unitCol: AnyColumn, deptCol: AnyColumn, departmentId: string): SQL {
  return or(eq(deptCol, departmentId), unitQueries.ofDepartment(db, unitCol, departmentId))!;
}

export interface SubjectFilter {
  unitIds?: string[];
  departmentIds?: string[];
  regionId?: string;
}

function subjectWhere(db: Db, cols: { unitId: AnyColumn; departmentId: AnyColumn }, f: SubjectFilter): SQL[] {
  return [...(f.unitIds ?? []).map((u) => eq(cols.unitId, u)), ...(f.departmentIds ?? []).map((d) => ofDepartment(db, cols.unitId, cols.departmentId, d))];
}

export interface OutreachFilter extends SubjectFilter {
  kind?: OutreachKind;
  cycleId?: string;
  from?: string;
  to?: string;
}

export interface SuggestionFilter extends SubjectFilter {
  status?: SuggestionStatus;
  activityId?: string;
  cycleId?: string;
  from?: string;
  to?: string;
}

/** The subject checks of one request, with every unit and department of a bulk request read in one query each. */
export function subjectLookup(db: Db, ref: { unitIds: string[]; departmentIds: string[] }): Promise<SubjectLookup> {
  return prefetchSubjects(ref, { units: (ids) => unitQueries.byIds(db, ids), departments: (ids) => departmentQueries.byIds(db, ids), regionExists: (id) => regionQueries.exists(db, id) });
}

export const outreachRepository = {
  subjectLookup,
  cycleExists: cycleQueries.exists,

  async insertActivity(db: Db, row: typeof outreachActivities.$inferInsert): Promise<OutreachActivityRow> {
    const [r] = await db.insert(outreachActivities).values(row).returning();
    return r;
  },
  /** The activity with the department of its unit (for the caller's scope). */
  async activityById(db: Db, id: string, lock = false) {
    const u = unitQueries.facts(db, 'activity_units');
    const q = db
      .select({ row: outreachActivities, unitDepartmentId: u.departmentId })
      .from(outreachActivities)
      .leftJoin(u, eq(u.id, outreachActivities.unitId))
      .where(eq(outreachActivities.id, id));
    const [r] = lock ? await q.for('update', { of: outreachActivities }) : await q;
    return r && { ...r.row, unitDepartmentId: r.unitDepartmentId };
  },
  async updateActivity(db: Db, id: string, set: Partial<Pick<OutreachActivityRow, 'heldOn' | 'notes' | 'quantity' | 'secondary'>>): Promise<OutreachActivityRow> {
    const [r] = await db
      .update(outreachActivities)
      .set({ ...set, version: sql`${outreachActivities.version} + 1`, updatedAt: sql`now()` })
      .where(eq(outreachActivities.id, id))
      .returning();
    return r;
  },
  listActivities(db: Db, f: OutreachFilter & { afterId?: string; limit: number }): Promise<OutreachActivityRow[]> {
    const a = outreachActivities;
    return db
      .select()
      .from(a)
      .where(
        and(
          f.kind ? eq(a.kind, f.kind) : undefined,
          f.cycleId ? eq(a.cycleId, f.cycleId) : undefined,
          f.from ? gte(a.heldOn, f.from) : undefined,
          f.to ? lte(a.heldOn, f.to) : undefined,
          f.regionId ? eq(a.regionId, f.regionId) : undefined,
          ...subjectWhere(db, a, f),
          f.afterId ? gt(a.id, f.afterId) : undefined,
        ),
      )
      .orderBy(asc(a.id))
      .limit(f.limit);
  },

  async insertSuggestions(db: Db, rows: NewSuggestionRow[]): Promise<SuggestionRow[]> {
    return db.insert(suggestions).values(rows).returning();
  },
  async suggestionById(db: Db, id: string, lock = false) {
    const u = unitQueries.facts(db, 'suggestion_units');
    const q = db
      .select({ row: suggestions, unitDepartmentId: u.departmentId })
      .from(suggestions)
      .leftJoin(u, eq(u.id, suggestions.unitId))
      .where(eq(suggestions.id, id));
    const [r] = lock ? await q.for('update', { of: suggestions }) : await q;
    return r && { ...r.row, unitDepartmentId: r.unitDepartmentId };
  },
  /** Activities that exist, of the given ids (one query for a bulk request). */
  async activitySubjects(db: Db, ids: string[]) {
    if (!ids.length) return [];
    const a = outreachActivities;
    const u = unitQueries.facts(db, 'activity_units');
    return db
      .select({ id: a.id, unitId: a.unitId, departmentId: a.departmentId, regionId: a.regionId, unitDepartmentId: u.departmentId })
      .from(a)
      .leftJoin(u, eq(u.id, a.unitId))
      .where(inArray(a.id, ids));
  },
  async cyclesExisting(db: Db, ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    return new Set((await cycleQueries.summariesByIds(db, ids)).map((c) => c.id));
  },
  async reply(db: Db, id: string, fromVersion: number, set: { status: SuggestionStatus; reply: string; repliedBy: string }): Promise<SuggestionRow | undefined> {
    const [r] = await db
      .update(suggestions)
      .set({ ...set, repliedAt: sql`now()`, version: sql`${suggestions.version} + 1`, updatedAt: sql`now()` })
      .where(and(eq(suggestions.id, id), eq(suggestions.version, fromVersion)))
      .returning();
    return r;
  },
  listSuggestions(db: Db, f: SuggestionFilter & { afterId?: string; limit: number }): Promise<SuggestionRow[]> {
    const s = suggestions;
    return db
      .select()
      .from(s)
      .where(
        and(
          f.status ? eq(s.status, f.status) : undefined,
          f.activityId ? eq(s.activityId, f.activityId) : undefined,
          f.cycleId ? eq(s.cycleId, f.cycleId) : undefined,
          f.from ? gte(s.receivedOn, f.from) : undefined,
          f.to ? lte(s.receivedOn, f.to) : undefined,
          ...subjectWhere(db, s, f),
          f.afterId ? gt(s.id, f.afterId) : undefined,
        ),
      )
      .orderBy(asc(s.id))
      .limit(f.limit);
  },
};
