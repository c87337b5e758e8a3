import { bigint, date, index, integer, pgEnum, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps, version } from '../../db/columns.js';
import { cycles } from '../cycles/tables.js';
import { departments } from '../departments/tables.js';
import { regions } from '../regions/tables.js';
import { units } from '../units/tables.js';

/** 资金来源: 财政 / 自筹 / 企业 / 多方筹资. */
export const fundSource = pgEnum('fund_source', ['fiscal', 'self_raised', 'enterprise', 'mixed']);

/**
 * 硬件建设投入: money spent on a unit's, department's or region's facilities, in fen (分, integer: never floats).
 * Exactly one of unit, department or region is its subject (a CHECK in a custom migration); `projectName` names the
 * project when there is one.
 */
export const investments = pgTable(
  'investments',
  {
    id: id(),
    unitId: uuid('unit_id').references(() => units.id),
    departmentId: uuid('department_id').references(() => departments.id),
    regionId: uuid('region_id').references(() => regions.id),
    projectName: text('project_name'),
    cycleId: uuid('cycle_id').references(() => cycles.id),
    investedOn: date('invested_on', { mode: 'string' }).notNull(),
    amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
    currency: text('currency').notNull().default('CNY'),
    fundSource: fundSource('fund_source').notNull(),
    purpose: text('purpose').notNull(),
    builtQuantity: integer('built_quantity'),
    builtWhat: text('built_what'),
    recordedBy: text('recorded_by').notNull(),
    version: version(),
    ...timestamps(),
  },
  (t) => [
    index('investments_unit_idx').on(t.unitId, t.id),
    index('investments_department_idx').on(t.departmentId, t.id),
    index('investments_region_idx').on(t.regionId, t.id),
    index('investments_cycle_idx').on(t.cycleId, t.id),
    index('investments_source_idx').on(t.fundSource, t.id),
    index('investments_invested_idx').on(t.investedOn),
  ],
);
