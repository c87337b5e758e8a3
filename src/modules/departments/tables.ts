import { sql } from 'drizzle-orm';
import { boolean, index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps, version } from '../../db/columns.js';
import { regions, regionLevel } from '../regions/tables.js';
/** 部门/行业: a department or sector. */
export const departments = pgTable(
  'departments',
  {
    id: id(),
    name: text('name').notNull(),
    nameEn: text('name_en'),
    /** Sector code, e.g. power_supply, state_tax, health, forestry. */
    sector: text('sector').notNull(),
    level: regionLevel('level').notNull(),
    regionId: uuid('region_id').notNull().references(() => regions.id),
    /** 统一社会信用代码 (18) or 组织机构代码 (9), check character verified; unique when present. */
    orgCode: text('org_code'),
    active: boolean('active').notNull().default(true),
    version: version(),
    ...timestamps(),
  },
  (t) => [
    index('departments_region_idx').on(t.regionId),
    index('departments_sector_idx').on(t.sector),
    uniqueIndex('departments_name_region_key').on(t.name, t.regionId),
    uniqueIndex('departments_org_code_key').on(t.orgCode).where(sql`${t.orgCode} is not null`),
  ],
);
