import { date, index, integer, pgEnum, pgTable, text, uuid, timestamp } from 'drizzle-orm/pg-core';
import { id, timestamps, version } from '../../db/columns.js';
import { cycles } from '../cycles/tables.js';
import { departments } from '../departments/tables.js';
import { regions } from '../regions/tables.js';
import { units } from '../units/tables.js';

/** 群众评价机制 outreach kinds: 征求意见表 / 走访 / 座谈会 / 问卷测评表 / 电话询访 / 短信. */
export const outreachKind = pgEnum('outreach_kind', ['opinion_forms', 'household_visits', 'forums', 'questionnaires', 'phone_inquiries', 'sms']);
export const suggestionStatus = pgEnum('suggestion_status', ['received', 'answered', 'adopted']);

/**
 * One outreach activity (or an office's aggregate of many) with its counts. `quantity` is the kind's main count
 * (forms distributed, households, sessions, messages), `secondary` its second (forms returned, participants).
 * Exactly one of unit, department or region is its subject (a CHECK in a custom migration).
 */
export const outreachActivities = pgTable(
  'outreach_activities',
  {
    id: id(),
    kind: outreachKind('kind').notNull(),
    heldOn: date('held_on', { mode: 'string' }).notNull(),
    cycleId: uuid('cycle_id').references(() => cycles.id),
    unitId: uuid('unit_id').references(() => units.id),
    departmentId: uuid('department_id').references(() => departments.id),
    regionId: uuid('region_id').references(() => regions.id),
    quantity: integer('quantity').notNull(),
    secondary: integer('secondary'),
    notes: text('notes'),
    recordedBy: text('recorded_by').notNull(),
    version: version(),
    ...timestamps(),
  },
  (t) => [
    index('outreach_activities_kind_held_idx').on(t.kind, t.heldOn),
    index('outreach_activities_held_idx').on(t.heldOn),
    index('outreach_activities_cycle_idx').on(t.cycleId, t.id),
    index('outreach_activities_unit_idx').on(t.unitId, t.id),
    index('outreach_activities_department_idx').on(t.departmentId, t.id),
    index('outreach_activities_region_idx').on(t.regionId, t.id),
  ],
);

/** 意见建议: one suggestion from the public, received → answered | adopted with a reply. */
export const suggestions = pgTable(
  'suggestions',
  {
    id: id(),
    text: text('text').notNull(),
    activityId: uuid('activity_id').references(() => outreachActivities.id),
    cycleId: uuid('cycle_id').references(() => cycles.id),
    unitId: uuid('unit_id').references(() => units.id),
    departmentId: uuid('department_id').references(() => departments.id),
    receivedOn: date('received_on', { mode: 'string' }).notNull(),
    status: suggestionStatus('status').notNull().default('received'),
    reply: text('reply'),
    repliedBy: text('replied_by'),
    repliedAt: timestamp('replied_at', { withTimezone: true, mode: 'date' }),
    recordedBy: text('recorded_by').notNull(),
    version: version(),
    ...timestamps(),
  },
  (t) => [
    index('suggestions_status_idx').on(t.status, t.id),
    index('suggestions_unit_idx').on(t.unitId, t.id),
    index('suggestions_department_idx').on(t.departmentId, t.id),
    index('suggestions_cycle_idx').on(t.cycleId, t.id),
    index('suggestions_activity_idx').on(t.activityId),
    index('suggestions_received_idx').on(t.receivedOn),
  ],
);
