import { z } from 'zod';
import { isoDate } from '../../lib/http.js';
import { importFormatQuery, importFormats, importPolicies, importPolicyQuery, importStatuses, POLICY_DESCRIPTION } from '../../lib/bulk-import.js';
import { caseNumber, caseStateSchema, source, staffCode } from './schemas.js';

export const caseImportQuery = z.object({
  format: importFormatQuery,
  source: source.describe('the platform the cases come from; caseNumber is unique per source (re-imports are recognised)'),
  policy: importPolicyQuery,
});
export type CaseImportOptions = z.infer<typeof caseImportQuery>;

export const caseImport = z
  .object({
    id: z.uuid(),
    status: z.enum(importStatuses),
    format: z.enum(importFormats),
    source: z.string(),
    policy: z.enum(importPolicies),
    rowsRead: z.number().int(),
    accepted: z.number().int().describe('rows committed as new cases'),
    duplicates: z.number().int().describe('valid rows whose (source, caseNumber) was already stored: skipped'),
    rejected: z.number().int().describe('rows with errors (see /errors)'),
    failureReason: z.string().nullable(),
    startedAt: isoDate,
    finishedAt: isoDate.nullable(),
    createdBy: z.string(),
  })
  .meta({ id: 'CaseImport', description: `A bulk case import and its progress. Commit policy: ${POLICY_DESCRIPTION}` });
export type CaseImportDto = z.infer<typeof caseImport>;

/** The columns (CSV header) / keys (NDJSON) of a case import row. */
export const caseImportColumns = ['caseNumber', 'itemId', 'unitId', 'state', 'receivedAt', 'acceptedAt', 'closedAt', 'reason', 'firstResponder'] as const;
export const requiredCaseImportColumns = ['caseNumber', 'itemId', 'unitId', 'receivedAt'] as const;

/** One case as the source platform reports it: where it stands now and the times of the steps it took. */
export const caseImportRow = z.object({
  caseNumber,
  itemId: z.uuid(),
  unitId: z.uuid(),
  state: caseStateSchema.default('received'),
  receivedAt: isoDate,
  acceptedAt: isoDate.optional(),
  closedAt: isoDate.optional().describe('completed, returned or refused at'),
  reason: z.string().trim().min(1).max(2000).optional(),
  firstResponder: staffCode.optional(),
});
export type CaseImportRowInput = z.infer<typeof caseImportRow>;
