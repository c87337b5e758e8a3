import { z } from 'zod';
import { isoDate } from '../../lib/http.js';
import { importJobSchema, importQueryOf } from '../../lib/import-routes.js';
import { caseNumber, caseStateSchema, source, staffCode } from './schemas.js';

export const caseImportQuery = importQueryOf(source.describe('the platform the cases come from; caseNumber is unique per source (re-imports are recognised)'));
export type CaseImportOptions = z.infer<typeof caseImportQuery>;

export const caseImport = importJobSchema({
  id: 'CaseImport',
  description: 'A bulk case import and its progress.',
  accepted: 'rows committed as new cases',
  duplicates: 'valid rows whose (source, caseNumber) was already stored: skipped',
  extra: {},
});
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
