import { index, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps, version } from '../../db/columns.js';
import { units, unitCategory } from '../units/tables.js';
import { cycles } from '../cycles/tables.js';
export type EnrollmentEvidenceType = 'complaint' | 'inspection_finding' | 'problem' | 'other';
export interface EnrollmentEvidence {
  type: EnrollmentEvidenceType;
  id: string;
}

export const enrollmentStatus = pgEnum('enrollment_status', ['enrolled', 'withdrawn', 'disqualified']);

/** A unit taking part in a cycle; disqualification (取消评比资格) keeps the row with its reason. */
export const enrollments = pgTable(
  'enrollments',
  {
    id: id(),
    cycleId: uuid('cycle_id').notNull().references(() => cycles.id),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    /** The unit's category when it enrolled: the standard it is judged by for this cycle. */
    category: unitCategory('category').notNull(),
    status: enrollmentStatus('status').notNull().default('enrolled'),
    reason: text('reason'),
    /** What a disqualification rests on: complaints, inspection findings, problems. */
    evidence: jsonb('evidence').$type<EnrollmentEvidence[]>().notNull().default([]),
    statusChangedAt: timestamp('status_changed_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    version: version(),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('enrollments_cycle_unit_key').on(t.cycleId, t.unitId),
    index('enrollments_cycle_status_idx').on(t.cycleId, t.status, t.id),
    index('enrollments_cycle_category_idx').on(t.cycleId, t.category, t.id),
    index('enrollments_unit_idx').on(t.unitId),
  ],
);
