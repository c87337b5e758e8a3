import { and, asc, eq, gt, inArray, lt, max, ne, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { updateVersioned } from '../../db/versioned.js';
import { awardTransitions, awards, commendations, nominationCandidates, nominations } from './tables.js';
import { cycles } from '../cycles/tables.js';
import { departments } from '../departments/tables.js';
import { enrollments } from '../enrollments/tables.js';
import { rankingEntries, rankings } from '../rankings/tables.js';
import { units } from '../units/tables.js';
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

const awardView = { award: awards, unitName: units.name, departmentId: units.departmentId };

function awardWhere(f: AwardFilter): SQL | undefined {
  return and(
    eq(awards.cycleId, f.cycleId),
    f.status ? eq(awards.status, f.status) : undefined,
    f.tier ? eq(awards.tier, f.tier) : undefined,
    f.unitId ? eq(awards.unitId, f.unitId) : undefined,
    f.scopeUnitId ? eq(awards.unitId, f.scopeUnitId) : undefined,
    f.departmentId ? eq(units.departmentId, f.departmentId) : undefined,
    f.scopeDepartmentId ? eq(units.departmentId, f.scopeDepartmentId) : undefined,
    f.dueBefore ? and(eq(awards.status, 'rectification_ordered'), lt(awards.rectificationDeadline, f.dueBefore)) : undefined,
  );
}

export const awardsRepository = {
  // ---- the ranking a nomination is made from ----

  async ranking(db: Db, id: string) {
    const rows = await db.select({ id: rankings.id, cycleId: rankings.cycleId, status: rankings.status }).from(rankings).where(eq(rankings.id, id));
    return rows[0];
  },

  async hasPublishedRanking(db: Db, cycleId: string): Promise<boolean> {
    const rows = await db.select({ id: rankings.id }).from(rankings).where(and(eq(rankings.cycleId, cycleId), eq(rankings.status, 'published'))).limit(1);
    return rows.length > 0;
  },

  /** The ranking's entries (raw score, so cross-category ordering is exact) with each unit's enrollment status. */
  rankedUnits(db: Db, rankingId: string, cycleId: string) {
    return db
      .select({
        unitId: rankingEntries.unitId,
        category: rankingEntries.category,
        rank: rankingEntries.rank,
        score: rankingEntries.score,
        ratings: rankingEntries.ratings,
        flags: rankingEntries.flags,
        enrollmentStatus: enrollments.status,
      })
      .from(rankingEntries)
      .leftJoin(enrollments, and(eq(enrollments.cycleId, cycleId), eq(enrollments.unitId, rankingEntries.unitId)))
      .where(eq(rankingEntries.rankingId, rankingId))
      .orderBy(asc(rankingEntries.category), asc(rankingEntries.rank));
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
    return db
      .select({
        candidate: nominationCandidates,
        unitName: units.name,
        departmentId: units.departmentId,
        departmentName: departments.name,
      })
      .from(nominationCandidates)
      .innerJoin(units, eq(units.id, nominationCandidates.unitId))
      .innerJoin(departments, eq(departments.id, units.departmentId))
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
    const q = db.select(awardView).from(awards).innerJoin(units, eq(units.id, awards.unitId)).where(eq(awards.id, id));
    return (lock ? await q.for('update', { of: awards }) : await q)[0];
  },

  awardsByIds(db: Db, ids: readonly string[]): Promise<AwardView[]> {
    return db.select(awardView).from(awards).innerJoin(units, eq(units.id, awards.unitId)).where(inArray(awards.id, [...ids]));
  },

  listAwards(db: Db, f: AwardFilter & { afterId?: string; limit: number }): Promise<AwardView[]> {
    return db
      .select(awardView)
      .from(awards)
      .innerJoin(units, eq(units.id, awards.unitId))
      .where(and(awardWhere(f), f.afterId ? gt(awards.id, f.afterId) : undefined))
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

  /** Ids (of awards ordered to rectify and past their deadline) of a cycle, oldest first. */
  async dueForYellowCard(db: Db, cycleId: string, now: Date): Promise<string[]> {
    const rows = await db
      .select({ id: awards.id })
      .from(awards)
      .where(and(eq(awards.cycleId, cycleId), eq(awards.status, 'rectification_ordered'), lt(awards.rectificationDeadline, now)))
      .orderBy(asc(awards.id));
    return rows.map((r) => r.id);
  },

  /** Cycles whose settings ask for automatic escalation and that have an overdue rectification now. */
  async cyclesToEscalate(db: Db, now: Date): Promise<string[]> {
    const rows = await db
      .selectDistinct({ id: awards.cycleId })
      .from(awards)
      .innerJoin(cycles, eq(cycles.id, awards.cycleId))
      .where(
        and(
          eq(awards.status, 'rectification_ordered'),
          lt(awards.rectificationDeadline, now),
          sql`coalesce((${cycles.settings} -> 'awards' ->> 'autoEscalateOverdue')::boolean, false)`,
        ),
      );
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
    return db
      .select({ award: awards, unitName: units.name, departmentName: departments.name })
      .from(awards)
      .innerJoin(units, eq(units.id, awards.unitId))
      .innerJoin(departments, eq(departments.id, units.departmentId))
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
    const rows = await db.select({ id: units.id, departmentId: units.departmentId }).from(units).where(eq(units.id, id));
    return rows[0];
  },

  async cycleExists(db: Db, id: string): Promise<boolean> {
    return (await db.select({ id: cycles.id }).from(cycles).where(eq(cycles.id, id))).length > 0;
  },
};
