import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps, version } from '../../db/columns.js';
import { departments } from '../departments/tables.js';
import { units } from '../units/tables.js';
import type { ServiceMode } from '../units/tables.js';

/** active: offered; retired (已取消): kept for the cases already filed under it, no new cases. */
export const serviceItemStatus = pgEnum('service_item_status', ['active', 'retired']);

/**
 * 政务服务事项: an item of a department's service catalogue, with its 事项编码, its promised time limit in working
 * days (承诺时限) and its service modes. The source of truth for case deadlines (办件); units.service_items stays
 * as the unit's free-text public list.
 */
export const serviceItems = pgTable(
  'service_items',
  {
    id: id(),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    /** 事项编码: unique across the catalogue (the national catalogue's codes are themselves national). */
    code: text('code').notNull(),
    name: text('name').notNull(),
    nameEn: text('name_en'),
    /** 承诺时限, working days; 0 = 即办 (done on the spot). */
    promisedDays: integer('promised_days').notNull(),
    modes: jsonb('modes').$type<ServiceMode[]>().notNull().default([]),
    status: serviceItemStatus('status').notNull().default('active'),
    retiredAt: timestamp('retired_at', { withTimezone: true, mode: 'date' }),
    version: version(),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('service_items_code_key').on(t.code),
    index('service_items_department_idx').on(t.departmentId, t.id),
    index('service_items_status_idx').on(t.status, t.id),
    index('service_items_modes_idx').using('gin', t.modes),
    index('service_items_name_trgm_idx').using('gin', sql`${t.name} gin_trgm_ops`),
  ],
);

/** Which units offer which items (a unit offers items of its own department). */
export const unitServiceItems = pgTable(
  'unit_service_items',
  {
    unitId: uuid('unit_id')
      .notNull()
      .references(() => units.id),
    itemId: uuid('item_id')
      .notNull()
      .references(() => serviceItems.id),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.unitId, t.itemId] }), index('unit_service_items_item_idx').on(t.itemId, t.unitId)],
);
