import { and, asc, eq, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { updateVersioned } from '../../db/versioned.js';
import { unitQueries } from '../units/queries.js';
import { appeals } from './tables.js';
import type { AppealKind, AppealStatus } from './schemas.js';

export type AppealRow = typeof appeals.$inferSelect;
/** `unitDepartmentId`: the unit's department, or the appellant department itself (its own bad rating). */
export type ScopedAppealRow = AppealRow & { unitDepartmentId: string };

export interface AppealFilter {
  status?: AppealStatus;
  kind?: AppealKind;
  cycleId?: string;
  subjectId?: string;
  /** Each given id narrows further (a caller's scope and its own filter combine). */
  unitIds?: string[];
  departmentIds?: string[];
  overdue?: boolean;
  now: Date;
}

/** 逾期: the one rule of an overdue appeal — its decision deadline has passed while it is still filed or under review. */
export const appealIsOverdue = (at: Date): SQL => sql`(${appeals.status} in ('filed', 'under_review') and ${appeals.deadline} < ${at.toISOString()}::timestamptz)`;
export const rowIsOverdue = (r: { status: string; deadline: Date }, at: Date) => (r.status === 'filed' || r.status === 'under_review') && r.deadline.getTime() < at.getTime();

function appealWhere(db: Db, f: AppealFilter): SQL | undefined {
  const where: (SQL | undefined)[] = [];
  if (f.status) where.push(eq(appeals.status, f.status));
  if (f.kind) where.push(eq(appeals.kind, f.kind));
  if (f.cycleId) where.push(eq(appeals.cycleId, f.cycleId));
  if (f.subjectId) where.push(eq(appeals.subjectId, f.subjectId));
  for (const u of f.unitIds ?? []) where.push(eq(appeals.unitId, u));
  for (const d of f.departmentIds ?? []) where.push(or(eq(appeals.departmentId, d), unitQueries.ofDepartment(db, appeals.unitId, d))!);
  if (f.overdue === true) where.push(appealIsOverdue(f.now));
  if (f.overdue === false) where.push(sql`not ${appealIsOverdue(f.now)}`);
  return and(...where);
}

export const appealsRepository = {
  async byId(db: Db, id: string, { lock = false } = {}): Promise<ScopedAppealRow | undefined> {
    const units = unitQueries.facts(db);
    const q = db
      .select({ appeal: appeals, unitDepartmentId: sql<string>`coalesce(${units.departmentId}, ${appeals.departmentId})` })
      .from(appeals)
      .leftJoin(units, eq(units.id, appeals.unitId))
      .where(eq(appeals.id, id));
    const rows = lock ? await q.for('update', { of: appeals }) : await q;
    return rows[0] && { ...rows[0].appeal, unitDepartmentId: rows[0].unitDepartmentId };
  },

  byIds(db: Db, ids: readonly string[]): Promise<AppealRow[]> {
    return ids.length ? db.select().from(appeals).where(inArray(appeals.id, [...ids])) : Promise.resolve([]);
  },

  /** Insert unless the subject already has an open appeal (partial unique index); undefined then. */
  async insertUnlessOpen(db: Db, row: typeof appeals.$inferInsert): Promise<AppealRow | undefined> {
    const [r] = await db
      .insert(appeals)
      .values(row)
      .onConflictDoNothing({ target: [appeals.kind, appeals.subjectId], where: sql`${appeals.status} in ('filed', 'under_review')` })
      .returning();
    return r;
  },

  async openFor(db: Db, kind: AppealKind, subjectId: string): Promise<AppealRow | undefined> {
    const rows = await db
      .select()
      .from(appeals)
      .where(and(eq(appeals.kind, kind), eq(appeals.subjectId, subjectId), inArray(appeals.status, ['filed', 'under_review'])));
    return rows[0];
  },

  update(db: Db, id: string, expectedVersion: number, patch: Partial<typeof appeals.$inferInsert>): Promise<AppealRow | undefined> {
    return updateVersioned(db, appeals, id, expectedVersion, patch);
  },

  list(db: Db, f: AppealFilter & { afterId?: string; limit: number }): Promise<AppealRow[]> {
    return db
      .select()
      .from(appeals)
      .where(and(appealWhere(db, f), f.afterId ? gt(appeals.id, f.afterId) : undefined))
      .orderBy(asc(appeals.id))
      .limit(f.limit);
  },

  /** Upheld appeals whose subject counts toward the cycle (uses appeals_cycle_status_idx). */
  upheldOfCycle(db: Db, cycleId: string) {
    return db
      .select({ appealId: appeals.id, kind: appeals.kind, subjectId: appeals.subjectId, unitId: appeals.unitId, departmentId: appeals.departmentId })
      .from(appeals)
      .where(and(eq(appeals.cycleId, cycleId), eq(appeals.status, 'upheld')))
      .orderBy(asc(appeals.id));
  },

  /** Per kind: filed (all), upheld, rejected, withdrawn, open; plus overdue and the median hours to decision. */
  async statistics(db: Db, cycleId: string | undefined, now: Date) {
    const where = cycleId ? eq(appeals.cycleId, cycleId) : undefined;
    const byKind = await db
      .select({
        kind: appeals.kind,
        filed: sql<number>`count(*)`.mapWith(Number),
        upheld: sql<number>`count(*) filter (where ${appeals.status} = 'upheld')`.mapWith(Number),
        rejected: sql<number>`count(*) filter (where ${appeals.status} = 'rejected')`.mapWith(Number),
        withdrawn: sql<number>`count(*) filter (where ${appeals.status} = 'withdrawn')`.mapWith(Number),
        open: sql<number>`count(*) filter (where ${appeals.status} in ('filed', 'under_review'))`.mapWith(Number),
        overdue: sql<number>`count(*) filter (where ${appealIsOverdue(now)})`.mapWith(Number),
      })
      .from(appeals)
      .where(where)
      .groupBy(appeals.kind)
      .orderBy(asc(appeals.kind));
    const [m] = await db
      .select({ hours: sql<number | null>`percentile_cont(0.5) within group (order by extract(epoch from ${appeals.decidedAt} - ${appeals.filedAt}) / 3600)`.mapWith((v) => (v === null ? null : Number(v))) })
      .from(appeals)
      .where(and(where, sql`${appeals.decidedAt} is not null`));
    return { byKind, medianHours: m?.hours ?? null };
  },

  /** Undecided appeals past their deadline, oldest deadline first (for a sweep or a dashboard). */
  overdue(db: Db, now: Date, limit: number): Promise<AppealRow[]> {
    return db
      .select()
      .from(appeals)
      .where(and(inArray(appeals.status, ['filed', 'under_review']), lt(appeals.deadline, now), isNull(appeals.decidedAt)))
      .orderBy(asc(appeals.deadline))
      .limit(limit);
  },
};
