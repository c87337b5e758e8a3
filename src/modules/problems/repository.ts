import { and, asc, eq, gt, inArray, isNotNull, isNull, ne, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { updateVersioned } from '../../db/versioned.js';
import { uuidv7 } from '../../lib/ids.js';
import { assessmentQueries } from '../assessments/queries.js';
import { complaintQueries } from '../complaints/queries.js';
import { ratingQueries } from '../ratings/queries.js';
import { supervisionQueries } from '../supervision/queries.js';
import { unitQueries } from '../units/queries.js';
import { isOverdue, notOverdue } from './queries.js';
import { problemEvents, problems } from './tables.js';
import type { ProblemSeverity, ProblemSourceType, ProblemStatus } from './schemas.js';

export type ProblemRow = typeof problems.$inferSelect;
export type ProblemEventRow = typeof problemEvents.$inferSelect;
/** A problem with its unit's department, which decides who may see it. */
export type ScopedProblemRow = ProblemRow & { unitDepartmentId: string; unitRegionId: string };

/** A source record a problem cites: its unit (null: a complaint not yet triaged) and, for a rating, its level. */
export interface SourceFacts {
  unitId: string | null;
  ratingLevel?: number;
}
/** How a (source type, source id) pair is keyed in the maps above. */
export const sourceKey = (sourceType: ProblemSourceType, sourceId: string): string => `${sourceType}:${sourceId}`;

export interface ProblemFilter {
  status?: ProblemStatus;
  severity?: ProblemSeverity;
  sourceType?: ProblemSourceType;
  cycleId?: string;
  /** Each given unit id / department id narrows further (a caller's scope and its own filter combine). */
  unitIds?: string[];
  departmentIds?: string[];
  /** Problems of units in these regions (a county office's subtree). */
  regionIds?: readonly string[];
  overdue?: boolean;
  isHot?: boolean;
  now: Date;
}

function problemWhere(db: Db, f: ProblemFilter): SQL | undefined {
  const where: (SQL | undefined)[] = [];
  if (f.status) where.push(eq(problems.status, f.status));
  if (f.severity) where.push(eq(problems.severity, f.severity));
  if (f.sourceType) where.push(eq(problems.sourceType, f.sourceType));
  if (f.cycleId) where.push(eq(problems.cycleId, f.cycleId));
  if (f.isHot !== undefined) where.push(eq(problems.isHot, f.isHot));
  for (const u of f.unitIds ?? []) where.push(eq(problems.unitId, u));
  for (const d of f.departmentIds ?? []) {
    where.push(unitQueries.ofDepartment(db, problems.unitId, d));
  }
  if (f.regionIds) where.push(unitQueries.unitIn(db, problems.unitId, { regionIds: f.regionIds }));
  if (f.overdue === true) where.push(isOverdue(f.now));
  if (f.overdue === false) where.push(notOverdue(f.now));
  return and(...where);
}

export const problemsRepository = {
  async byId(db: Db, id: string): Promise<ScopedProblemRow | undefined> {
    const units = unitQueries.facts(db);
    const rows = await db.select({ problem: problems, unitDepartmentId: units.departmentId, unitRegionId: units.regionId }).from(problems).innerJoin(units, eq(units.id, problems.unitId)).where(eq(problems.id, id));
    return rows[0] && { ...rows[0].problem, unitDepartmentId: rows[0].unitDepartmentId, unitRegionId: rows[0].unitRegionId };
  },

  /**
   * Many problems with their units' facts, locked (FOR UPDATE, in id order so concurrent batches queue rather than
   * deadlock) for a set-based move. Missing ids are simply absent.
   */
  async byIdsForUpdate(db: Db, ids: readonly string[]): Promise<ScopedProblemRow[]> {
    if (ids.length === 0) return [];
    const units = unitQueries.facts(db);
    const rows = await db
      .select({ problem: problems, unitDepartmentId: units.departmentId, unitRegionId: units.regionId })
      .from(problems)
      .innerJoin(units, eq(units.id, problems.unitId))
      .where(inArray(problems.id, [...ids]))
      .orderBy(asc(problems.id))
      .for('update', { of: problems });
    return rows.map((r) => ({ ...r.problem, unitDepartmentId: r.unitDepartmentId, unitRegionId: r.unitRegionId }));
  },

  /**
   * The problems already opened for these source records, in one query (the unique index on (source_type, source_id)),
   * keyed by `sourceKey`.
   */
  async bySources(db: Db, cited: readonly { sourceType: ProblemSourceType; sourceId: string }[]): Promise<Map<string, ProblemRow>> {
    if (cited.length === 0) return new Map();
    const rows = await db
      .select()
      .from(problems)
      .where(and(inArray(problems.sourceType, [...new Set(cited.map((c) => c.sourceType))]), inArray(problems.sourceId, [...new Set(cited.map((c) => c.sourceId))])));
    const wanted = new Set(cited.map((c) => sourceKey(c.sourceType, c.sourceId)));
    return new Map(rows.map((r) => [sourceKey(r.sourceType, r.sourceId!), r] as const).filter(([k]) => wanted.has(k)));
  },

  /**
   * Many new problems in one statement, returned in the order given; a row whose source record another transaction has
   * opened a problem for meanwhile (unique partial index) is not inserted and is undefined in the answer.
   */
  async insertManyUnlessSourceTaken(db: Db, rows: readonly Omit<typeof problems.$inferInsert, 'id'>[]): Promise<(ProblemRow | undefined)[]> {
    if (rows.length === 0) return [];
    const withIds = rows.map((r) => ({ ...r, id: uuidv7() }));
    const inserted = await db
      .insert(problems)
      .values(withIds)
      .onConflictDoNothing({ target: [problems.sourceType, problems.sourceId], where: isNotNull(problems.sourceId) })
      .returning();
    const byId = new Map(inserted.map((r) => [r.id, r]));
    return withIds.map((r) => byId.get(r.id));
  },

  update(db: Db, id: string, expectedVersion: number, patch: Partial<typeof problems.$inferInsert>): Promise<ProblemRow | undefined> {
    return updateVersioned(db, problems, id, expectedVersion, patch);
  },

  /**
   * The same patch on many problems in one statement, each a compare-and-set on its version (as `update`): returns the
   * rows changed, in no particular order; a row whose version moved on is left out.
   */
  async updateMany(db: Db, expected: readonly { id: string; version: number }[], patch: Partial<typeof problems.$inferInsert>): Promise<ProblemRow[]> {
    if (expected.length === 0) return [];
    const pairs = sql.join(expected.map((e) => sql`(${e.id}::uuid, ${e.version}::int)`), sql`, `);
    return db
      .update(problems)
      .set({ ...patch, version: sql`${problems.version} + 1`, updatedAt: new Date() })
      .where(sql`(${problems.id}, ${problems.version}) in (values ${pairs})`)
      .returning();
  },

  list(db: Db, f: ProblemFilter & { afterId?: string; limit: number }): Promise<ProblemRow[]> {
    return db
      .select()
      .from(problems)
      .where(and(problemWhere(db, f), f.afterId ? gt(problems.id, f.afterId) : undefined))
      .orderBy(asc(problems.id))
      .limit(f.limit);
  },

  async insertEvent(db: Db, row: typeof problemEvents.$inferInsert): Promise<void> {
    await db.insert(problemEvents).values(row);
  },

  /** Many history entries in one statement (a bulk move); ids are drawn in order, so each problem's history stays ordered. */
  async insertEvents(db: Db, rows: (typeof problemEvents.$inferInsert)[]): Promise<void> {
    if (rows.length) await db.insert(problemEvents).values(rows);
  },

  eventsFor(db: Db, problemIds: readonly string[]): Promise<ProblemEventRow[]> {
    return db
      .select()
      .from(problemEvents)
      .where(inArray(problemEvents.problemId, [...problemIds]))
      .orderBy(asc(problemEvents.problemId), asc(problemEvents.id));
  },

  /**
   * The source records of one type behind problems, in one query: each found record's unit (null for a complaint not
   * yet triaged to a unit) and, for a rating, its level; records that do not exist are absent. `null` for source
   * types that are not records here (media, manual).
   */
  async sources(db: Db, sourceType: ProblemSourceType, sourceIds: readonly string[]): Promise<Map<string, SourceFacts> | null> {
    if (sourceType === 'assessment_deduction') return assessmentQueries.deductionUnits(db, sourceIds);
    if (sourceType === 'inspection_finding') return supervisionQueries.findingUnits(db, sourceIds);
    if (sourceType === 'complaint') return complaintQueries.complaintUnits(db, sourceIds);
    if (sourceType === 'rating') return new Map([...(await ratingQueries.ratingUnits(db, sourceIds))].map(([id, r]) => [id, { unitId: r.unitId, ratingLevel: r.level }]));
    return null;
  },

  /** The same facts for many units, in one query. */
  async unitsByIds(db: Db, ids: readonly string[]): Promise<Map<string, { id: string; departmentId: string; regionId: string }>> {
    if (ids.length === 0) return new Map();
    return new Map((await unitQueries.byIds(db, ids)).map((u) => [u.id, { id: u.id, departmentId: u.departmentId, regionId: u.regionId }]));
  },

  /**
   * Marks problems whose deadline has newly lapsed as announced and returns them: each is announced once per
   * deadline. SKIP LOCKED lets several processes sweep without announcing one twice.
   */
  async claimNewlyOverdue(db: Db, now: Date, limit: number): Promise<ProblemRow[]> {
    const due = db
      .select({ id: problems.id })
      .from(problems)
      // Overdue and still unverified: a problem verified late needs no notice.
      .where(and(isOverdue(now), ne(problems.status, 'verified'), isNull(problems.overdueNotifiedAt)))
      .orderBy(asc(problems.deadline))
      .limit(limit)
      .for('update', { skipLocked: true });
    return db.update(problems).set({ overdueNotifiedAt: now }).where(inArray(problems.id, due)).returning();
  },

  /** Open / overdue / rectified per unit, in one grouped query. `cycleId` null: every cycle and none. */
  countsByUnit(db: Db, cycleId: string | null, unitIds: readonly string[], now: Date) {
    return db
      .select({
        unitId: problems.unitId,
        open: sql<number>`count(*) filter (where ${problems.status} <> 'verified')`.mapWith(Number),
        overdue: sql<number>`count(*) filter (where ${isOverdue(now)})`.mapWith(Number),
        rectified: sql<number>`count(*) filter (where ${problems.status} = 'verified')`.mapWith(Number),
      })
      .from(problems)
      .where(and(inArray(problems.unitId, [...unitIds]), cycleId ? eq(problems.cycleId, cycleId) : undefined))
      .groupBy(problems.unitId);
  },

  openSerious(db: Db, cycleId: string | null, unitIds: readonly string[]): Promise<ProblemRow[]> {
    return db
      .select()
      .from(problems)
      .where(
        and(
          inArray(problems.unitId, [...unitIds]),
          cycleId ? eq(problems.cycleId, cycleId) : undefined,
          eq(problems.severity, 'serious'),
          ne(problems.status, 'verified'),
        ),
      )
      .orderBy(asc(problems.unitId), asc(problems.id));
  },
};
