import { sql } from 'drizzle-orm';
import { check, index, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps, version } from '../../db/columns.js';
import { units } from '../units/tables.js';
import { cycles } from '../cycles/tables.js';
import { departments } from '../departments/tables.js';

/** What an appeal (申诉) contests: a bad rating, a scorecard deduction, an inspection finding, a disqualification, an award transition, a substantiated complaint. */
export const appealKind = pgEnum('appeal_kind', ['rating', 'scorecard_deduction', 'inspection_finding', 'disqualification', 'award_transition', 'complaint']);
/** 申诉复核: filed → under_review → upheld | rejected; withdrawn by the appellant while undecided. */
export const appealStatus = pgEnum('appeal_status', ['filed', 'under_review', 'upheld', 'rejected', 'withdrawn']);

export interface AppealEvidence {
  type: string;
  id: string;
}

/** 申诉: a unit's (or its department's) appeal against one recorded input, decided by someone who did not record it. */
export const appeals = pgTable(
  'appeals',
  {
    id: id(),
    kind: appealKind('kind').notNull(),
    /** The contested record (rating, deduction, finding, enrollment, award transition or complaint id). */
    subjectId: uuid('subject_id').notNull(),
    /** The unit the subject concerns; with `cycleId` it places the exclusion in a ranking computation. Null for a department's own rating. */
    unitId: uuid('unit_id').references(() => units.id),
    /** The department whose own (万人评机关) or leadership (领导班子) bad rating is appealed; null when the subject concerns a unit. */
    departmentId: uuid('department_id').references(() => departments.id),
    cycleId: uuid('cycle_id').references(() => cycles.id),
    appellantRole: text('appellant_role').notNull(),
    appellantSubject: text('appellant_subject').notNull(),
    grounds: text('grounds').notNull(),
    evidence: jsonb('evidence').$type<AppealEvidence[]>().notNull().default([]),
    links: jsonb('links').$type<string[]>().notNull().default([]),
    /** Who recorded or decided the subject: none of them may decide the appeal. */
    originalActors: text('original_actors').array().notNull().default([]),
    status: appealStatus('status').notNull().default('filed'),
    filedAt: timestamp('filed_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** 复核期限: filed_at + the configured working days. */
    deadline: timestamp('deadline', { withTimezone: true, mode: 'date' }).notNull(),
    reviewStartedAt: timestamp('review_started_at', { withTimezone: true, mode: 'date' }),
    reviewer: text('reviewer'),
    decidedAt: timestamp('decided_at', { withTimezone: true, mode: 'date' }),
    decidedBy: text('decided_by'),
    deciderRole: text('decider_role'),
    decisionReason: text('decision_reason'),
    /** What the upheld decision did to the subject beyond excluding it from the next computation (e.g. reinstated). */
    remedy: text('remedy'),
    version: version(),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('appeals_open_subject_key').on(t.kind, t.subjectId).where(sql`${t.status} in ('filed', 'under_review')`),
    index('appeals_subject_idx').on(t.kind, t.subjectId),
    index('appeals_status_deadline_idx').on(t.status, t.deadline),
    index('appeals_unit_idx').on(t.unitId, t.id),
    index('appeals_cycle_status_idx').on(t.cycleId, t.status),
    index('appeals_kind_idx').on(t.kind, t.id),
    index('appeals_department_idx').on(t.departmentId, t.id).where(sql`department_id is not null`),
    check('appeals_subject_check', sql`(unit_id is null) <> (department_id is null)`),
  ],
);
