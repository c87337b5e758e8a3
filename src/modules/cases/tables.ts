import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { boolean, index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps, version } from '../../db/columns.js';
import { serviceItems } from '../service-items/tables.js';
import { units } from '../units/tables.js';
import { importFormats, importPolicies, importStatuses } from '../../lib/bulk-import.js';
import { importErrorColumns, importErrorIndexes, importJobColumns, importJobIndexes } from '../../db/import-jobs.js';

/** received (已收件) → accepted (已受理) → completed (已办结) | returned (退回补正) | refused (不予受理/不予许可). */
export const caseState = pgEnum('case_state', ['received', 'accepted', 'completed', 'returned', 'refused']);

/**
 * 办件: one application handled under a service item at a unit. No applicant data is kept: the case carries its
 * number in the source system, its item, unit, times and the pseudonymous first responder (首问负责人).
 */
export const cases = pgTable(
  'cases',
  {
    id: id(),
    /** The system that filed it (an integration's name, e.g. a 政务服务 platform); case numbers are unique per source. */
    source: text('source').notNull(),
    /** 办件编号 in the source system. */
    caseNumber: text('case_number').notNull(),
    itemId: uuid('item_id')
      .notNull()
      .references(() => serviceItems.id),
    unitId: uuid('unit_id')
      .notNull()
      .references(() => units.id),
    state: caseState('state').notNull().default('received'),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true, mode: 'date' }),
    /** When it was completed, returned or refused. */
    closedAt: timestamp('closed_at', { withTimezone: true, mode: 'date' }),
    /** Why it was returned or refused. */
    reason: text('reason'),
    /** 承诺时限 of the item when the case arrived (working days). */
    promisedDays: integer('promised_days').notNull(),
    /** addWorkingDays(accepted-or-received, promisedDays). */
    deadline: timestamp('deadline', { withTimezone: true, mode: 'date' }).notNull(),
    /** 按时办结: completed by the deadline; null until completed. */
    onTime: boolean('on_time'),
    /** 一周办结: completed within 7 calendar days of receipt; null until completed. */
    oneWeek: boolean('one_week'),
    /** 首问负责人 as HMAC of the staff code (never the code, never shown to the public). */
    firstResponderHash: text('first_responder_hash'),
    /** The bulk import that brought it, if any. */
    importId: uuid('import_id').references((): AnyPgColumn => caseImports.id),
    createdBy: text('created_by').notNull(),
    version: version(),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('cases_source_number_key').on(t.source, t.caseNumber),
    index('cases_unit_idx').on(t.unitId, t.id),
    index('cases_item_idx').on(t.itemId, t.id),
    index('cases_state_idx').on(t.state, t.id),
    index('cases_received_idx').on(t.receivedAt),
    index('cases_number_idx').on(t.caseNumber),
    index('cases_on_time_idx').on(t.onTime, t.id),
    index('cases_unit_closed_idx').on(t.unitId, t.closedAt),
  ],
);

export const caseImportStatus = pgEnum('case_import_status', importStatuses);
export const caseImportFormat = pgEnum('case_import_format', importFormats);
export const caseImportPolicy = pgEnum('case_import_policy', importPolicies);

/**
 * A bulk import of cases (CSV/NDJSON from a 政务服务 platform), with its progress and lease: the same job shape
 * (db/import-jobs.ts), runner (lib/bulk-import.ts) and statuses, formats and policies as rating imports.
 */
export const caseImports = pgTable('case_imports', importJobColumns({ status: caseImportStatus, format: caseImportFormat, policy: caseImportPolicy }), (t) => [
  ...importJobIndexes('case_imports', t),
  index('case_imports_status_idx').on(t.status, t.id),
]);

/** Per-row errors of a case import; the raw row is kept without the first responder's staff code. */
export const caseImportErrors = pgTable('case_import_errors', importErrorColumns((): AnyPgColumn => caseImports.id), (t) => importErrorIndexes('case_import_errors', t));
