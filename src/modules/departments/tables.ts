import { sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { boolean, index, integer, pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps, version } from '../../db/columns.js';
import { importErrorColumns, importErrorIndexes, importJobColumns, importJobIndexes } from '../../db/import-jobs.js';
import { importFormats, importPolicies, importStatuses } from '../../lib/bulk-import.js';
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

export const departmentImportStatus = pgEnum('department_import_status', importStatuses);
export const departmentImportFormat = pgEnum('department_import_format', importFormats);
export const departmentImportPolicy = pgEnum('department_import_policy', importPolicies);

/**
 * A bulk create/update of departments (CSV/NDJSON), with its progress and lease: the job shape of db/import-jobs.ts, run
 * by lib/bulk-import.ts like the other imports; `created` and `updated` split the accepted rows.
 */
export const departmentImports = pgTable(
  'department_imports',
  {
    ...importJobColumns({ status: departmentImportStatus, format: departmentImportFormat, policy: departmentImportPolicy }),
    created: integer('created').notNull().default(0),
    updated: integer('updated').notNull().default(0),
  },
  (t) => importJobIndexes('department_imports', t),
);

/** Per-row errors of a department import. */
export const departmentImportErrors = pgTable('department_import_errors', importErrorColumns((): AnyPgColumn => departmentImports.id), (t) =>
  importErrorIndexes('department_import_errors', t),
);
