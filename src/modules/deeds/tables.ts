import { boolean, date, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps, version } from '../../db/columns.js';
import { units } from '../units/tables.js';
import { cycles } from '../cycles/tables.js';
/** reported (self-reported by the unit) → verified (核实) | rejected, by the office; only verified deeds earn bonus points. */
export const deedStatus = pgEnum('deed_status', ['reported', 'verified', 'rejected']);

/** 为群众办实事: a practical thing a unit did for the public. */
export const deeds = pgTable(
  'deeds',
  {
    id: id(),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    cycleId: uuid('cycle_id').references(() => cycles.id),
    title: text('title').notNull(),
    description: text('description').notNull(),
    doneOn: date('done_on', { mode: 'string' }).notNull(),
    beneficiaries: integer('beneficiaries'),
    evidence: jsonb('evidence').$type<string[]>().notNull().default([]),
    recordedBy: text('recorded_by').notNull(),
    recordedByRole: text('recorded_by_role').notNull(),
    /** 热点难点: the deed solves a hot or difficult issue of the public. */
    isHot: boolean('is_hot').notNull().default(false),
    status: deedStatus('status').notNull().default('reported'),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true, mode: 'date' }),
    rejectionReason: text('rejection_reason'),
    version: version(),
    ...timestamps(),
  },
  (t) => [index('deeds_unit_done_idx').on(t.unitId, t.doneOn), index('deeds_cycle_idx').on(t.cycleId, t.id), index('deeds_done_idx').on(t.doneOn), index('deeds_status_idx').on(t.status, t.id), index('deeds_hot_idx').on(t.isHot, t.id)],
);
