import { z } from 'zod';
import { POLICY_DESCRIPTION, importPolicies } from '../../lib/bulk-import.js';
import { isoDate } from '../../lib/http.js';
import { sourceSchema } from '../ratings/schemas.js';

export const exchangeExportQuery = z.object({
  format: z.enum(['csv', 'ndjson']).default('csv').describe('csv (UTF-8 with BOM, header of the Chinese field names) or ndjson (one object per line keyed by them)'),
  from: isoDate.optional().describe('ratings collected (cases received) at or after'),
  to: isoDate.optional().describe('… before'),
  departmentId: z.uuid().optional().describe("the department's units (and, for ratings, the department's own and its leadership's ratings)"),
  regionId: z.uuid().optional().describe('units (and departments) in this region and every region below it'),
});
export type ExchangeExportQuery = z.infer<typeof exchangeExportQuery>;

export const exchangeImportQuery = z.object({
  source: sourceSchema.describe('the provincial platform as a source name, e.g. province-hcp: 评价编号 / 办件编号 are unique per source (re-imports are recognised)'),
  policy: z.enum(importPolicies).default('partial').describe(POLICY_DESCRIPTION),
});
export type ExchangeImportQuery = z.infer<typeof exchangeImportQuery>;
