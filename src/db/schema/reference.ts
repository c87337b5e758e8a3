import { sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { boolean, index, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps, version } from './common.js';

/** 行政区 level: prefecture 州/市 → county/city 县/市 → township 乡镇. */
export const regionLevel = pgEnum('region_level', ['prefecture', 'county', 'township']);

export const regions = pgTable(
  'regions',
  {
    id: id(),
    parentId: uuid('parent_id').references((): AnyPgColumn => regions.id),
    level: regionLevel('level').notNull(),
    code: text('code').notNull(),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en'),
    /** Materialized path of ancestor ids ("/a/b/c/"), so "this region and its descendants" is one prefix scan. */
    path: text('path').notNull(),
    version: version(),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('regions_code_key').on(t.code),
    index('regions_parent_idx').on(t.parentId),
    index('regions_path_idx').on(t.path.op('text_pattern_ops')),
  ],
);

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
    active: boolean('active').notNull().default(true),
    version: version(),
    ...timestamps(),
  },
  (t) => [
    index('departments_region_idx').on(t.regionId),
    index('departments_sector_idx').on(t.sector),
    uniqueIndex('departments_name_region_key').on(t.name, t.regionId),
  ],
);

/** The three fixed categories (行政执法 / 公共服务 / 经济和社会管理). */
export const unitCategory = pgEnum('unit_category', ['law_enforcement', 'public_service', 'economic_social_management']);

/** Service modes of the source document (全程服务、首问负责、承诺服务、限时服务、预约服务). */
export const serviceModes = ['full_process', 'first_contact_responsibility', 'committed', 'time_limited', 'by_appointment'] as const;
export type ServiceMode = (typeof serviceModes)[number];

/** 基层站所/窗口: a grassroots service station or window. */
export const units = pgTable(
  'units',
  {
    id: id(),
    departmentId: uuid('department_id').notNull().references(() => departments.id),
    regionId: uuid('region_id').notNull().references(() => regions.id),
    category: unitCategory('category').notNull(),
    name: text('name').notNull(),
    nameEn: text('name_en'),
    /** 负责人 */
    headName: text('head_name'),
    headTitle: text('head_title'),
    address: text('address'),
    phone: text('phone'),
    /** 公开服务承诺: public service commitments, in order. */
    commitments: jsonb('commitments').$type<string[]>().notNull().default([]),
    /** Service items with promised time limits (限时办结) and service modes. */
    serviceItems: jsonb('service_items')
      .$type<{ name: string; timeLimitDays: number | null; modes: ServiceMode[] }[]>()
      .notNull()
      .default([]),
    active: boolean('active').notNull().default(true),
    deactivatedAt: timestamp('deactivated_at', { withTimezone: true, mode: 'date' }),
    deactivationReason: text('deactivation_reason'),
    version: version(),
    ...timestamps(),
  },
  (t) => [
    index('units_department_idx').on(t.departmentId, t.id),
    index('units_region_idx').on(t.regionId, t.id),
    index('units_category_idx').on(t.category, t.id),
    index('units_name_trgm_idx').using('gin', sql`${t.name} gin_trgm_ops`),
  ],
);

