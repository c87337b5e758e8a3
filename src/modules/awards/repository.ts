import { and, asc, eq, gt, inArray, lt, max, ne, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { updateVersioned } from '../../db/versioned.js';
import { awardTransitions, awards, commendations, nominationCandidates, nominations } from './tables.js';
import { cycleQueries } from '../cycles/queries.js';
import { departmentQueries } from '../departments/queries.js';
import { enrollmentQueries } from '../enrollments/queries.js';
import { rankingQueries } from '../rankings/queries.js';
import { unitQueries } from '../units/queries.js';
import type { AwardStatus, CommendationLevel, Tier } from './schemas.js';

export type NominationRow = typeof nominations.$inferSelect;
export type CandidateInsert = typeof nominationCandidates.$inferInsert;
export type AwardRow = typeof awards.$inferSelect;
export type AwardTransitionRow = typeof awardTransitions.$inferSelect;
export type CommendationRow = typeof commendations.$inferSelect;

/** An award with the unit facts every read shows (name, department). */
export interface AwardView {
  award: AwardRow;
  unitName: string;
  departmentId: string;
}

export interface AwardFilter {
  cycleId: string;
  status?: AwardStatus;
  tier?: Tier;
  unitId?: string;
  departmentId?: string;
  /** Scope of the caller (a department's units, a unit's own). */
  scopeDepartmentId?: string;
  scopeUnitId?: string;
  dueBefore?: Date;
}

/** The unit facts an award read joins (name, department), under one alias for its select and its WHERE. */
const awardUnits = (db: Db) => unitQueries.facts(db, 'award_units');
type AwardUnits = ReturnType<typeof awardUnits>;
const awardView = (u: AwardUnits) => ({ award: awards, unitName: u.name, departmentId: u.departmentId });

function awardWhere(u: AwardUnits, f: AwardFilter): SQL | undefined {
  return and(
    eq(awards.cycleId, f.cycleId),
    f.status ? eq(awards.status, f.status) : undefined,
    f.tier ? eq(awards.tier, f.tier) : undefined,
    f.unitId ? eq(awards.unitId, f.unitId) : undefined,
    f.scopeUnitId ? eq(awards.unitId, f.scopeUnitId) : undefined,
    f.departmentId ? eq(u.departmentId, f.departmentId) : undefined,
    f.scopeDepartmentId ? eq(u.departmentId, f.scopeDepartmentId) : undefined,
    f.dueBefore ? and(eq(awards.status, 'rectification_ordered'), lt(awards.rectificationDeadline, f.dueBefore)) : undefined,
  );
}

export const awardsRepository = {
  // ---- the ranking a nomination is made from ----

  ranking: rankingQueries.byId,

  hasPublishedRanking: rankingQueries.hasPublished,

  /** The ranking's entries (raw score, so cross-category ordering is exact) with each unit's enrollment status. */
  rankedUnits(db: Db, rankingId: string, cycleId: string) {
    const e = rankingQueries.entriesForNaming(db, rankingId);
    const s = enrollmentQueries.statusesOf(db, cycleId).as('enrollment_statuses');
    return db
      .select({ unitId: e.unitId, category: e.category, rank: e.rank, score: e.score, ratings: e.ratings, flags: e.flags, enrollmentStatus: s.status })
      .from(e)
      .leftJoin(s, eq(s.unitId, e.unitId))
      .orderBy(asc(e.category), asc(e.position));
  },

  // ---- nominations ----

  async nominationById(db: Db, id: string, lock = false): Promise<NominationRow | undefined> {
    const q = db.select().from(nominations).where(eq(nominations.id, id));
    return (lock ? await q.for('update') : await q)[0];
  },

  /** The cycle's proposal that is not superseded (proposed or confirmed), if any. */
  async currentNomination(db: Db, cycleId: string, lock = false): Promise<NominationRow | undefined> {
    const q = db.select().from(nominations).where(and(eq(nominations.cycleId, cycleId), ne(nominations.status, 'superseded')));
    return (lock ? await q.for('update') : await q)[0];
  },

  async insertNomination(db: Db, row: typeof nominations.$inferInsert): Promise<NominationRow> {
    const [r] = await db.insert(nominations).values(row).returning();
    return r;
  },

  updateNomination(db: Db, id: string, expectedVersion: number, patch: Partial<typeof nominations.$inferInsert>): Promise<NominationRow | undefined> {
    return updateVersioned(db, nominations, id, expectedVersion, patch);
  },

  async replaceCandidates(db: Db, nominationId: string, rows: CandidateInsert[]): Promise<void> {
    await db.delete(nominationCandidates).where(eq(nominationCandidates.nominationId, nominationId));
    if (rows.length) await db.insert(nominationCandidates).values(rows);
  },

  /** Candidates with their unit's current name and department, in proposal order. */
  candidates(db: Db, nominationId: string) {
    const u = unitQueries.facts(db, 'candidate_units');
    const d = departmentQueries.names(db);
    return db
      .select({
        candidate: nominationCandidates,
        unitName: u.name,
        departmentId: u.departmentId,
        departmentName: d.name,
      })
      .from(nominationCandidates)
      .innerJoin(u, eq(u.id, nominationCandidates.unitId))
      .innerJoin(d, eq(d.id, u.departmentId))
      .where(eq(nominationCandidates.nominationId, nominationId))
      .orderBy(asc(nominationCandidates.category), asc(nominationCandidates.position));
  },

  // ---- awards ----

  /**
   * A transaction-scoped lock on a name: serializes proposals of one cycle (no row to lock before the first) and
   * certificate numbering of one prefix (two cycles of the same year may confirm at once).
   */
  async lock(db: Db, name: string): Promise<void> {
    await db.execute(sql`select pg_advisory_xact_lock(hashtext(${`awards:${name}`}))`);
  },

  /** The highest serial already used under a prefix such as MY2026-T10- (0 when none). */
  async lastCertificateSerial(db: Db, prefix: string): Promise<number> {
    const [r] = await db
      .select({ n: max(sql<number>`cast(split_part(${awards.certificateNo}, '-', 3) as integer)`) })
      .from(awards)
      .where(sql`${awards.certificateNo} like ${`${prefix}%`}`);
    return Number(r?.n ?? 0);
  },

  insertAwards(db: Db, rows: (typeof awards.$inferInsert)[]): Promise<AwardRow[]> {
    return rows.length ? db.insert(awards).values(rows).returning() : Promise.resolve([]);
  },

  async awardById(db: Db, id: string, lock = false): Promise<AwardView | undefined> {
    const u = awardUnits(db);
    const q = db.select(awardView(u)).from(awards).innerJoin(u, eq(u.id, awards.unitId)).where(eq(awards.id, id));
    return (lock ? await q.for('update', { of: awards }) : await q)[0];
  },

  awardsByIds(db: Db, ids: readonly string[]): Promise<AwardView[]> {
    const u = awardUnits(db);
    return db.select(awardView(u)).from(awards).innerJoin(u, eq(u.id, awards.unitId)).where(inArray(awards.id, [...ids]));
  },

  listAwards(db: Db, f: AwardFilter & { afterId?: string; limit: number }): Promise<AwardView[]> {
    const u = awardUnits(db);
    return db
      .select(awardView(u))
      .from(awards)
      .innerJoin(u, eq(u.id, awards.unitId))
      .where(and(awardWhere(u, f), f.afterId ? gt(awards.id, f.afterId) : undefined))
      .orderBy(asc(awards.id))
      .limit(f.limit);
  },

  updateAward(db: Db, id: string, expectedVersion: number, patch: Partial<typeof awards.$inferInsert>): Promise<AwardRow | undefined> {
    return updateVersioned(db, awards, id, expectedVersion, patch);
  },

  async insertTransition(db: Db, row: typeof awardTransitions.$inferInsert): Promise<AwardTransitionRow> {
    const [r] = await db.insert(awardTransitions).values(row).returning();
    return r;
  },

  /** Transitions of many awards in one query, oldest first. */
  transitionsOf(db: Db, awardIds: readonly string[]): Promise<AwardTransitionRow[]> {
    if (awardIds.length === 0) return Promise.resolve([]);
    return db.select().from(awardTransitions).where(inArray(awardTransitions.awardId, [...awardIds])).orderBy(asc(awardTransitions.id));
  },

  /** Awards of a cycle ordered to rectify and past their deadline, with the version that was overdue, oldest first. */
  dueForYellowCard(db: Db, cycleId: string, now: Date): Promise<{ id: string; version: number }[]> {
    return db
      .select({ id: awards.id, version: awards.version })
      .from(awards)
      .where(and(eq(awards.cycleId, cycleId), eq(awards.status, 'rectification_ordered'), lt(awards.rectificationDeadline, now)))
      .orderBy(asc(awards.id));
  },

  /** Cycles whose settings ask for automatic escalation and that have an overdue rectification now. */
  async cyclesToEscalate(db: Db, now: Date): Promise<string[]> {
    const rows = await db
      .selectDistinct({ id: awards.cycleId })
      .from(awards)
      .where(and(eq(awards.status, 'rectification_ordered'), lt(awards.rectificationDeadline, now), inArray(awards.cycleId, cycleQueries.autoEscalatingIds(db))));
    return rows.map((r) => r.id);
  },

  // ---- public award roll ----

  /** What changes whenever the roll changes: newest award update and the number of awards. */
  async rollStamp(db: Db, cycleId: string): Promise<{ latest: Date | null; count: number }> {
    const [r] = await db
      .select({ latest: max(awards.updatedAt), count: sql<number>`count(*)`.mapWith(Number) })
      .from(awards)
      .where(eq(awards.cycleId, cycleId));
    return { latest: r?.latest ? new Date(r.latest) : null, count: r?.count ?? 0 };
  },

  roll(db: Db, cycleId: string) {
    const u = unitQueries.facts(db, 'roll_units');
    const d = departmentQueries.names(db);
    return db
      .select({ award: awards, unitName: u.name, departmentName: d.name })
      .from(awards)
      .innerJoin(u, eq(u.id, awards.unitId))
      .innerJoin(d, eq(d.id, u.departmentId))
      .where(eq(awards.cycleId, cycleId))
      .orderBy(asc(awards.tier), asc(awards.certificateNo));
  },

  // ---- commendations ----

  async insertCommendation(db: Db, row: typeof commendations.$inferInsert): Promise<CommendationRow> {
    const [r] = await db.insert(commendations).values(row).returning();
    return r;
  },

  listCommendations(
    db: Db,
    f: { unitId?: string; cycleId?: string; level?: CommendationLevel; afterId?: string; limit: number },
  ): Promise<CommendationRow[]> {
    return db
      .select()
      .from(commendations)
      .where(
        and(
          f.unitId ? eq(commendations.unitId, f.unitId) : undefined,
          f.cycleId ? eq(commendations.cycleId, f.cycleId) : undefined,
          f.level ? eq(commendations.level, f.level) : undefined,
          f.afterId ? gt(commendations.id, f.afterId) : undefined,
        ),
      )
      .orderBy(asc(commendations.id))
      .limit(f.limit);
  },

  async unitExists(db: Db, id: string): Promise<{ id: string; departmentId: string } | undefined> {
    const u = await unitQueries.byId(db, id);
    return u && { id: u.id, departmentId: u.departmentId };
  },

};
