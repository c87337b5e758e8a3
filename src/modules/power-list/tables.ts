import { index, integer, pgEnum, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps, version } from '../../db/columns.js';
import { cycles } from '../cycles/tables.js';
import { departments } from '../departments/tables.js';
import { regionLevel } from '../regions/tables.js';

/** 行政权力 (administrative powers) or 政务服务事项 (government service items). */
export const powerItemKind = pgEnum('power_item_kind', ['administrative_power', 'service_item']);
/** The outcome of cleaning one item: 保留 kept, 合并 merged, 取消 abolished. */
export const powerCleanupOutcome = pgEnum('power_cleanup_outcome', ['kept', 'merged', 'abolished']);

/**
 * 行政权力清理: one department's registered items of a kind (in a cycle) and how many were kept, merged and
 * abolished. `level` is the department's level when recorded (county 县市 or prefecture 州直), so the totals by
 * level do not move when a department is later reorganised.
 */
export const powerListCleanups = pgTable(
  'power_list_cleanups',
  {
    id: id(),
    departmentId: uuid('department_id').notNull().references(() => departments.id),
    cycleId: uuid('cycle_id').references(() => cycles.id),
    itemKind: powerItemKind('item_kind').notNull(),
    level: regionLevel('level').notNull(),
    registered: integer('registered').notNull(),
    kept: integer('kept').notNull(),
    merged: integer('merged').notNull(),
    abolished: integer('abolished').notNull(),
    notes: text('notes'),
    recordedBy: text('recorded_by').notNull(),
    version: version(),
    ...timestamps(),
  },
  (t) => [
    unique('power_list_cleanups_key').on(t.departmentId, t.cycleId, t.itemKind).nullsNotDistinct(),
    index('power_list_cleanups_cycle_idx').on(t.cycleId, t.id),
    index('power_list_cleanups_level_idx').on(t.level, t.id),
    index('power_list_cleanups_kind_idx').on(t.itemKind, t.id),
  ],
);

/**
 * The cleaned items one by one, when a department lists them. A kept item carries the code of its entry in the
 * service-item catalogue (政务服务事项目录) once that catalogue exists; until then the code is free text.
 */
export const powerListItems = pgTable(
  'power_list_items',
  {
    id: id(),
    cleanupId: uuid('cleanup_id').notNull().references(() => powerListCleanups.id),
    name: text('name').notNull(),
    outcome: powerCleanupOutcome('outcome').notNull(),
    serviceItemCode: text('service_item_code'),
  },
  (t) => [index('power_list_items_cleanup_idx').on(t.cleanupId, t.id), index('power_list_items_service_item_idx').on(t.serviceItemCode)],
);
