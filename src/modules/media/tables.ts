import { date, index, integer, numeric, pgEnum, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps, version } from '../../db/columns.js';
import { cycles } from '../cycles/tables.js';
import { departments } from '../departments/tables.js';
import { units } from '../units/tables.js';

/** 媒体参与: 专版 / 消息 / 专题 / 电视问政 / 编发短信. */
export const mediaKind = pgEnum('media_kind', ['newspaper_column', 'news_item', 'tv_special', 'tv_inquiry', 'sms_publicity']);
export const inquiryResultKind = pgEnum('inquiry_result_kind', ['satisfaction_percent', 'score']);

/**
 * One media item, or an aggregate of `quantity` alike items (e.g. a year's columns in one newspaper).
 * `wordCount` for news items, `episodes` for TV specials, `messages` for publicity texts.
 */
export const mediaItems = pgTable(
  'media_items',
  {
    id: id(),
    kind: mediaKind('kind').notNull(),
    outlet: text('outlet').notNull(),
    title: text('title').notNull(),
    publishedOn: date('published_on', { mode: 'string' }).notNull(),
    cycleId: uuid('cycle_id').references(() => cycles.id),
    quantity: integer('quantity').notNull().default(1),
    wordCount: integer('word_count'),
    episodes: integer('episodes'),
    messages: integer('messages'),
    recordedBy: text('recorded_by').notNull(),
    version: version(),
    ...timestamps(),
  },
  (t) => [
    index('media_items_kind_published_idx').on(t.kind, t.publishedOn),
    index('media_items_published_idx').on(t.publishedOn),
    index('media_items_cycle_idx').on(t.cycleId, t.id),
    index('media_items_outlet_idx').on(t.outlet),
  ],
);

/** The departments a media item covered (涉及部门). */
export const mediaItemDepartments = pgTable(
  'media_item_departments',
  {
    mediaItemId: uuid('media_item_id').notNull().references(() => mediaItems.id),
    departmentId: uuid('department_id').notNull().references(() => departments.id),
  },
  (t) => [primaryKey({ columns: [t.mediaItemId, t.departmentId] }), index('media_item_departments_department_idx').on(t.departmentId, t.mediaItemId)],
);

/** The units (基层站所、窗口) a media item covered. */
export const mediaItemUnits = pgTable(
  'media_item_units',
  {
    mediaItemId: uuid('media_item_id').notNull().references(() => mediaItems.id),
    unitId: uuid('unit_id').notNull().references(() => units.id),
  },
  (t) => [primaryKey({ columns: [t.mediaItemId, t.unitId] }), index('media_item_units_unit_idx').on(t.unitId, t.mediaItemId)],
);

/**
 * 电视问政: a department head who faced the public in a session, and their 测评 result. The name is personal
 * data: the office and assessors only, never public.
 */
export const mediaInquiryAppearances = pgTable(
  'media_inquiry_appearances',
  {
    id: id(),
    mediaItemId: uuid('media_item_id').notNull().references(() => mediaItems.id),
    position: integer('position').notNull(),
    personName: text('person_name').notNull(),
    personTitle: text('person_title'),
    departmentId: uuid('department_id').notNull().references(() => departments.id),
    resultKind: inquiryResultKind('result_kind'),
    result: numeric('result', { precision: 6, scale: 2, mode: 'number' }),
  },
  (t) => [index('media_inquiry_appearances_item_idx').on(t.mediaItemId, t.position), index('media_inquiry_appearances_department_idx').on(t.departmentId)],
);
