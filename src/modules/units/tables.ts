import { sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { boolean, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { importErrorColumns, importErrorIndexes, importJobColumns, importJobIndexes } from '../../db/import-jobs.js';
import { importFormats, importPolicies, importStatuses } from '../../lib/bulk-import.js';
import { id, timestamps, version } from '../../db/columns.js';
import { regions } from '../regions/tables.js';
import { departments } from '../departments/tables.js';
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
    /** 统一社会信用代码 (18) or 组织机构代码 (9), check character verified; unique when present. */
    orgCode: text('org_code'),
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
    uniqueIndex('units_org_code_key').on(t.orgCode).where(sql`${t.orgCode} is not null`),
    index('units_name_trgm_idx').using('gin', sql`${t.name} gin_trgm_ops`),
  ],
);

export const unitImportStatus = pgEnum('unit_import_status', importStatuses);
export const unitImportFormat = pgEnum('unit_import_format', importFormats);
export const unitImportPolicy = pgEnum('unit_import_policy', importPolicies);

/**
 * A bulk create/update of units (CSV/NDJSON), with its progress and lease: the job shape of db/import-jobs.ts, run by
 * lib/bulk-import.ts like the rating and case imports; `created` and `updated` split the accepted rows.
 */
export const unitImports = pgTable(
  'unit_imports',
  {
    ...importJobColumns({ status: unitImportStatus, format: unitImportFormat, policy: unitImportPolicy }),
    created: integer('created').notNull().default(0),
    updated: integer('updated').notNull().default(0),
  },
  (t) => importJobIndexes('unit_imports', t),
);

/** Per-row errors of a unit import. */
export const unitImportErrors = pgTable('unit_import_errors', importErrorColumns((): AnyPgColumn => unitImports.id), (t) => importErrorIndexes('unit_import_errors', t));
