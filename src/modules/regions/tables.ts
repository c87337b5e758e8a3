import { sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { index, pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps, version } from '../../db/columns.js';
/** 行政区 level: prefecture 州/市 → county/city 县/市 → township 乡镇. */
export const regionLevel = pgEnum('region_level', ['prefecture', 'county', 'township']);

export const regions = pgTable(
  'regions',
  {
    id: id(),
    parentId: uuid('parent_id').references((): AnyPgColumn => regions.id),
    level: regionLevel('level').notNull(),
    code: text('code').notNull(),
    /** 行政区划代码 (GB/T 2260, 6 digits): prefectures and counties; townships (GB/T 10114, 9 digits) leave it empty. */
    divisionCode: text('division_code'),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en'),
    /** Materialized path of ancestor ids ("/a/b/c/"), so "this region and its descendants" is one prefix scan. */
    path: text('path').notNull(),
    version: version(),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('regions_code_key').on(t.code),
    uniqueIndex('regions_division_code_key').on(t.divisionCode).where(sql`${t.divisionCode} is not null`),
    index('regions_parent_idx').on(t.parentId),
    index('regions_path_idx').on(t.path.op('text_pattern_ops')),
  ],
);
