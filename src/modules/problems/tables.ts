import { sql } from 'drizzle-orm';
import { boolean, check, date, index, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps, version } from '../../db/columns.js';
import { units } from '../units/tables.js';
import { cycles } from '../cycles/tables.js';
import { departments } from '../departments/tables.js';
/** Where a problem (问题) was found. */
export const problemSourceType = pgEnum('problem_source_type', ['assessment_deduction', 'inspection_finding', 'complaint', 'rating', 'media', 'manual']);
export const problemSeverity = pgEnum('problem_severity', ['minor', 'major', 'serious']);
/** open → rectifying (整改中) → submitted (整改措施 + evidence) → verified (closed); a rejection goes back to rectifying. */
export const problemStatus = pgEnum('problem_status', ['open', 'rectifying', 'submitted', 'verified']);

/**
 * 问题整改: a problem found by any evaluation channel, with its deadline, responsible person, rectification
 * responsibility letter (整改责任书) and the unit's rectification. "Overdue" is derived (deadline passed, not verified).
 */
export const problems = pgTable(
  'problems',
  {
    id: id(),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    cycleId: uuid('cycle_id').references(() => cycles.id),
    sourceType: problemSourceType('source_type').notNull(),
    /** The deduction, finding, complaint or rating behind it; one problem per source. */
    sourceId: uuid('source_id'),
    severity: problemSeverity('severity').notNull(),
    description: text('description').notNull(),
    deadline: timestamp('deadline', { withTimezone: true, mode: 'date' }).notNull(),
    /** When the lapse of this deadline was announced (problem.overdue); cleared when the deadline moves. */
    overdueNotifiedAt: timestamp('overdue_notified_at', { withTimezone: true, mode: 'date' }),
    responsiblePerson: text('responsible_person'),
    /** 整改责任书 signed */
    responsibilityLetterSigned: boolean('responsibility_letter_signed').notNull().default(false),
    signedAt: timestamp('signed_at', { withTimezone: true, mode: 'date' }),
    status: problemStatus('status').notNull().default('open'),
    /** 热点难点问题: a hot or difficult issue of the public; "solved" (解决) = verified. */
    isHot: boolean('is_hot').notNull().default(false),
    /** 整改措施 as free text: rows submitted before measures became records (problem_measures) keep theirs here. */
    measures: text('measures'),
    evidence: jsonb('evidence').$type<string[]>().notNull().default([]),
    rejectionReason: text('rejection_reason'),
    /** The office submitted the rectification on the department's behalf (代为提交): who did. */
    submittedOnBehalfBy: text('submitted_on_behalf_by'),
    submittedAt: timestamp('submitted_at', { withTimezone: true, mode: 'date' }),
    verifiedAt: timestamp('verified_at', { withTimezone: true, mode: 'date' }),
    version: version(),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('problems_source_key').on(t.sourceType, t.sourceId).where(sql`${t.sourceId} is not null`),
    index('problems_status_deadline_idx').on(t.status, t.deadline),
    index('problems_unit_idx').on(t.unitId, t.id),
    index('problems_cycle_unit_idx').on(t.cycleId, t.unitId),
    index('problems_severity_idx').on(t.severity, t.id),
    index('problems_source_type_idx').on(t.sourceType, t.id),
    index('problems_hot_status_idx').on(t.isHot, t.status, t.id),
  ],
);

/** planned → in_progress → done. */
export const measureStatus = pgEnum('measure_status', ['planned', 'in_progress', 'done']);

/**
 * 整改措施: one rectification measure, either of a problem (`problemId`), or of a unit's or department's own
 * improvement plan (no problem; `unitId` or `departmentId`). A problem's measure carries the problem's unit.
 */
export const problemMeasures = pgTable(
  'problem_measures',
  {
    id: id(),
    problemId: uuid('problem_id').references(() => problems.id),
    unitId: uuid('unit_id').references(() => units.id),
    departmentId: uuid('department_id').references(() => departments.id),
    cycleId: uuid('cycle_id').references(() => cycles.id),
    text: text('text').notNull(),
    responsibleParty: text('responsible_party'),
    dueOn: date('due_on', { mode: 'string' }),
    status: measureStatus('status').notNull().default('planned'),
    evidence: jsonb('evidence').$type<string[]>().notNull().default([]),
    createdBy: text('created_by').notNull(),
    version: version(),
    ...timestamps(),
  },
  (t) => [
    index('problem_measures_problem_idx').on(t.problemId, t.id),
    index('problem_measures_unit_idx').on(t.unitId, t.id),
    index('problem_measures_department_idx').on(t.departmentId, t.id),
    index('problem_measures_status_idx').on(t.status, t.id),
    check('problem_measures_owner_check', sql`${t.problemId} is not null or ${t.unitId} is not null or ${t.departmentId} is not null`),
  ],
);

/** The history of a problem: every move, who (by role) and why. */
export const problemEvents = pgTable(
  'problem_events',
  {
    id: id(),
    problemId: uuid('problem_id')
      .notNull()
      .references(() => problems.id),
    action: text('action').notNull(),
    fromStatus: problemStatus('from_status'),
    toStatus: problemStatus('to_status').notNull(),
    actor: text('actor').notNull(),
    actorRole: text('actor_role').notNull(),
    note: text('note'),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('problem_events_problem_idx').on(t.problemId, t.id)],
);
