import { date, index, integer, jsonb, numeric, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps, version } from '../../db/columns.js';
import { units } from '../units/tables.js';
import { cycles } from '../cycles/tables.js';
import { enrollments } from '../enrollments/tables.js';
import { criteriaSets } from '../criteria/tables.js';
/** 考评打分 scorecard states: an inspector drafts and submits; the office confirms or returns it to draft. */
export const scorecardStatus = pgEnum('scorecard_status', ['draft', 'submitted', 'confirmed']);

/**
 * One inspector's scorecard of one enrolled unit against the criteria set that was current when it was
 * opened. Totals are computed by the server on every change and stored for lists and rankings.
 */
export const scorecards = pgTable(
  'scorecards',
  {
    id: id(),
    cycleId: uuid('cycle_id').notNull().references(() => cycles.id),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    enrollmentId: uuid('enrollment_id').notNull().references(() => enrollments.id),
    criteriaSetId: uuid('criteria_set_id').notNull().references(() => criteriaSets.id),
    /** Token subject of the inspector who opened it; never shown to the unit or its department. */
    inspectorSubject: text('inspector_subject').notNull(),
    status: scorecardStatus('status').notNull().default('draft'),
    /** Why the office returned it (退回); kept until the next return so the inspector sees it in draft. */
    returnedReason: text('returned_reason'),
    total: numeric('total', { precision: 7, scale: 2, mode: 'number' }).notNull().default(0),
    regularTotal: numeric('regular_total', { precision: 7, scale: 2, mode: 'number' }).notNull().default(0),
    bonusTotal: numeric('bonus_total', { precision: 7, scale: 2, mode: 'number' }).notNull().default(0),
    assessedOn: date('assessed_on', { mode: 'string' }).notNull(),
    summary: text('summary'),
    submittedAt: timestamp('submitted_at', { withTimezone: true, mode: 'date' }),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true, mode: 'date' }),
    version: version(),
    ...timestamps(),
  },
  (t) => [
    index('scorecards_cycle_unit_status_idx').on(t.cycleId, t.unitId, t.status),
    index('scorecards_unit_idx').on(t.unitId, t.id),
    index('scorecards_status_idx').on(t.status, t.id),
    index('scorecards_inspector_idx').on(t.inspectorSubject, t.id),
  ],
);

/** 扣分: one finding against a deduction rule of a criteria item, with its evidence. */
export const scorecardDeductions = pgTable(
  'scorecard_deductions',
  {
    id: id(),
    scorecardId: uuid('scorecard_id')
      .notNull()
      .references(() => scorecards.id, { onDelete: 'cascade' }),
    /** Order as the inspector sent the list (field names in errors refer to it). */
    position: integer('position').notNull(),
    itemKey: text('item_key').notNull(),
    ruleKey: text('rule_key').notNull(),
    occurrences: integer('occurrences').notNull(),
    note: text('note'),
    evidence: jsonb('evidence').$type<string[]>().notNull().default([]),
  },
  (t) => [index('scorecard_deductions_scorecard_idx').on(t.scorecardId, t.position)],
);

/** 加分: points claimed for a bonus item; capped per item and in total by the criteria set. */
export const scorecardBonuses = pgTable(
  'scorecard_bonuses',
  {
    id: id(),
    scorecardId: uuid('scorecard_id')
      .notNull()
      .references(() => scorecards.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    bonusKey: text('bonus_key').notNull(),
    points: numeric('points', { precision: 7, scale: 2, mode: 'number' }).notNull(),
    note: text('note'),
  },
  (t) => [index('scorecard_bonuses_scorecard_idx').on(t.scorecardId, t.position)],
);
