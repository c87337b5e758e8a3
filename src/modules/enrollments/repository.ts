import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { updateVersioned } from '../../db/versioned.js';
import { enrollments } from './tables.js';
import { uuidv7 } from '../../lib/ids.js';
import { unitQueries } from '../units/queries.js';
import type { UnitFilter } from '../units/queries.js';
import type { Category } from '../units/schemas.js';
import type { EnrollmentStatus } from './schemas.js';

export type EnrollmentRow = typeof enrollments.$inferSelect;

export interface EnrollmentFilter {
  cycleId: string;
  status?: EnrollmentStatus;
  category?: Category;
  /** Conditions on the enrolled unit (region, department, name, caller's scope). */
  unit: UnitFilter;
}

/** A unit a bulk enrollment may touch, with its enrollment in the cycle if it has one. */
export interface Candidate {
  unitId: string;
  category: Category;
  status: EnrollmentStatus | null;
}

// 5 parameters per row; PostgreSQL allows 65,535 per statement.
const CHUNK = 5000;

export const enrollmentsRepository = {
  async byId(db: Db, id: string, lock = false): Promise<{ enrollment: EnrollmentRow; unitDepartmentId: string } | undefined> {
    const units = unitQueries.facts(db);
    const q = db.select({ enrollment: enrollments, unitDepartmentId: units.departmentId }).from(enrollments).innerJoin(units, eq(units.id, enrollments.unitId)).where(eq(enrollments.id, id));
    const rows = lock ? await q.for('update', { of: enrollments }) : await q;
    return rows[0];
  },

  async byCycleAndUnit(db: Db, cycleId: string, unitId: string, lock = false): Promise<EnrollmentRow | undefined> {
    const q = db.select().from(enrollments).where(and(eq(enrollments.cycleId, cycleId), eq(enrollments.unitId, unitId)));
    const rows = lock ? await q.for('update') : await q;
    return rows[0];
  },

  async insert(db: Db, row: typeof enrollments.$inferInsert): Promise<EnrollmentRow> {
    const [r] = await db.insert(enrollments).values(row).returning();
    return r;
  },

  update(db: Db, id: string, expectedVersion: number, patch: Partial<typeof enrollments.$inferInsert>): Promise<EnrollmentRow | undefined> {
    return updateVersioned(db, enrollments, id, expectedVersion, patch);
  },

  list(db: Db, f: EnrollmentFilter & { afterId?: string; limit: number }): Promise<EnrollmentRow[]> {
    return db
      .select({ enrollment: enrollments })
      .from(enrollments)
      .where(
        and(
          eq(enrollments.cycleId, f.cycleId),
          f.status ? eq(enrollments.status, f.status) : undefined,
          f.category ? eq(enrollments.category, f.category) : undefined,
          unitQueries.unitIn(db, enrollments.unitId, f.unit),
          f.afterId ? gt(enrollments.id, f.afterId) : undefined,
        ),
      )
      .orderBy(asc(enrollments.id))
      .limit(f.limit)
      .then((rows) => rows.map((r) => r.enrollment));
  },

  /** Active units matching the filter, each with its current enrollment status in the cycle (one query). */
  async candidates(db: Db, cycleId: string, filter: UnitFilter): Promise<Candidate[]> {
    const units = unitQueries.facts(db);
    return db
      .select({ unitId: units.id, category: units.category, status: enrollments.status })
      .from(units)
      .leftJoin(enrollments, and(eq(enrollments.unitId, units.id), eq(enrollments.cycleId, cycleId)))
      .where(unitQueries.unitIn(db, units.id, { ...filter, active: true }))
      .orderBy(asc(units.id));
  },

  /**
   * Enrolls the units in multi-row statements: new rows are inserted, withdrawn ones enrolled again
   * (ON CONFLICT … WHERE status = 'withdrawn'); enrolled and disqualified rows are left as they are.
   * Returns the rows written, each marked whether it was inserted (xmax = 0) or re-enrolled.
   */
  async enrollMany(db: Db, cycleId: string, list: { unitId: string; category: Category }[]): Promise<(EnrollmentRow & { inserted: boolean })[]> {
    const out: (EnrollmentRow & { inserted: boolean })[] = [];
    const now = new Date();
    for (let i = 0; i < list.length; i += CHUNK) {
      const rows = await db
        .insert(enrollments)
        .values(list.slice(i, i + CHUNK).map((u) => ({ id: uuidv7(), cycleId, unitId: u.unitId, category: u.category, statusChangedAt: now })))
        .onConflictDoUpdate({
          target: [enrollments.cycleId, enrollments.unitId],
          set: {
            status: 'enrolled',
            category: sql`excluded.category`,
            reason: null,
            evidence: [],
            statusChangedAt: now,
            version: sql`${enrollments.version} + 1`,
            updatedAt: now,
          },
          setWhere: eq(enrollments.status, 'withdrawn'),
        })
        .returning({
          id: enrollments.id,
          cycleId: enrollments.cycleId,
          unitId: enrollments.unitId,
          category: enrollments.category,
          status: enrollments.status,
          reason: enrollments.reason,
          evidence: enrollments.evidence,
          statusChangedAt: enrollments.statusChangedAt,
          version: enrollments.version,
          createdAt: enrollments.createdAt,
          updatedAt: enrollments.updatedAt,
          inserted: sql<boolean>`(xmax = 0)`,
        });
      out.push(...rows);
    }
    return out;
  },
};
