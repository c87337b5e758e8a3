import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { awards } from '../awards/tables.js';
import { complaints } from '../complaints/tables.js';
import { departments } from '../departments/tables.js';
import { enrollments } from '../enrollments/tables.js';
import { units } from '../units/tables.js';

export const scoreboardRepository = {
  /** The cycle's participating units (withdrawn ones left out) with their department. */
  enrolledUnits(db: Db, cycleId: string, departmentId?: string) {
    return db
      .select({ unitId: enrollments.unitId, departmentId: units.departmentId })
      .from(enrollments)
      .innerJoin(units, eq(units.id, enrollments.unitId))
      .where(and(eq(enrollments.cycleId, cycleId), ne(enrollments.status, 'withdrawn'), departmentId ? eq(units.departmentId, departmentId) : undefined));
  },

  /** Every award of the cycle with its unit, in certificate order. */
  awards(db: Db, cycleId: string, departmentId?: string) {
    return db
      .select({ unitId: awards.unitId, unitName: units.name, departmentId: units.departmentId, tier: awards.tier, status: awards.status, certificateNo: awards.certificateNo })
      .from(awards)
      .innerJoin(units, eq(units.id, awards.unitId))
      .where(and(eq(awards.cycleId, cycleId), departmentId ? eq(units.departmentId, departmentId) : undefined))
      .orderBy(asc(awards.certificateNo));
  },

  departmentNames(db: Db, ids: readonly string[]) {
    if (ids.length === 0) return Promise.resolve([]);
    return db.select({ id: departments.id, name: departments.name }).from(departments).where(inArray(departments.id, [...ids]));
  },

  /** Complaints of the cycle per department of the unit: one GROUP BY. */
  complaintCounts(db: Db, cycleId: string, departmentId?: string) {
    return db
      .select({
        departmentId: units.departmentId,
        received: sql<number>`count(*)`.mapWith(Number),
        substantiated: sql<number>`count(*) filter (where ${complaints.substantiated} is true)`.mapWith(Number),
      })
      .from(complaints)
      .innerJoin(units, eq(units.id, complaints.unitId))
      .where(and(eq(complaints.cycleId, cycleId), departmentId ? eq(units.departmentId, departmentId) : undefined))
      .groupBy(units.departmentId);
  },
};
