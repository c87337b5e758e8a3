import { date, index, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps, version } from '../../db/columns.js';
import { units } from '../units/tables.js';
import { cycles } from '../cycles/tables.js';
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
    version: version(),
    ...timestamps(),
  },
  (t) => [index('deeds_unit_done_idx').on(t.unitId, t.doneOn), index('deeds_cycle_idx').on(t.cycleId, t.id), index('deeds_done_idx').on(t.doneOn)],
);
