import { bigint, date, index, integer, pgEnum, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { id, version } from '../../db/columns.js';
import { regions } from '../regions/tables.js';

/** A day that breaks the weekend rule: a public holiday (法定节假日, also on a weekend) or a 调休 make-up working day. */
export const calendarDayKind = pgEnum('calendar_day_kind', ['holiday', 'workday']);

/**
 * One year's holiday schedule (节假日安排): national when region_id is null, else an override for that region and
 * everything below it (e.g. 民族自治地方 holidays). At most one per (year, region); a PUT replaces it whole.
 */
export const calendarSchedules = pgTable(
  'calendar_schedules',
  {
    id: id(),
    year: integer('year').notNull(),
    regionId: uuid('region_id').references(() => regions.id),
    /** Who loaded it: a subject, or `chinese-days@<version>` for the shipped official schedules. */
    loadedBy: text('loaded_by').notNull(),
    loadedAt: timestamp('loaded_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    version: version(),
  },
  (t) => [unique('calendar_schedules_year_region_key').on(t.year, t.regionId).nullsNotDistinct(), index('calendar_schedules_region_idx').on(t.regionId)],
);

export const calendarDays = pgTable(
  'calendar_days',
  {
    scheduleId: uuid('schedule_id')
      .notNull()
      .references(() => calendarSchedules.id, { onDelete: 'cascade' }),
    date: date('date', { mode: 'string' }).notNull(),
    kind: calendarDayKind('kind').notNull(),
    /** The holiday's name (春节, 国庆节) or, for a make-up day, the holiday it makes up for. */
    name: text('name').notNull(),
    nameEn: text('name_en'),
  },
  (t) => [primaryKey({ columns: [t.scheduleId, t.date] })],
);

/**
 * One row (id 1): bumped by every write to the calendar, in the same transaction. Each copy of the service polls it
 * and reloads its in-memory calendar when it moved; the row lock also serialises concurrent writes.
 */
export const calendarRevision = pgTable('calendar_revision', {
  id: integer('id').primaryKey(),
  revision: bigint('revision', { mode: 'number' }).notNull(),
});
