import { z } from 'zod';
import { isoDate } from '../../lib/http.js';
import { channelSchema, noNul, sourceSchema, subjectKindSchema } from './schemas.js';

import { importFormats, importPolicies, POLICY_DESCRIPTION } from '../../lib/bulk-import.js';
import { importJobSchema, importQueryOf } from '../../lib/import-routes.js';
import type { ImportPolicy } from '../../lib/bulk-import.js';

export { POLICY_DESCRIPTION, importFormats, importPolicies };
export type { ImportPolicy };
export type ImportFormat = (typeof importFormats)[number];

export const importQuery = importQueryOf(sourceSchema.describe('the survey or sending system; externalId is unique per source (re-imports are recognised)'));
export type ImportOptions = z.infer<typeof importQuery>;

export const ratingImport = importJobSchema({
  id: 'RatingImport',
  description: 'A bulk rating import and its progress.',
  accepted: 'rows committed as new ratings',
  duplicates: "valid rows whose (source, externalId) was already stored: skipped",
  extra: { followUpsOpened: z.number().int().describe('差评核实 loops opened for bad ratings (unit, department and leadership)') },
});
export type RatingImportDto = z.infer<typeof ratingImport>;

/**
 * The columns (CSV header) / keys (NDJSON) of an import row. `caseId` (一事一评) and the subject (`subjectKind`,
 * `departmentId`: 万人评机关, 领导班子) follow the rules of a single rating (subjects.ts, rules.ts `caseRatingIssue`).
 */
export const importColumns = ['unitId', 'channel', 'level', 'comment', 'collectedAt', 'externalId', 'respondentKey', 'cycleId', 'caseId', 'subjectKind', 'departmentId'] as const;
/** unitId is optional as a column: a file of department / leadership ratings names departments only. */
export const requiredImportColumns = ['channel', 'level', 'collectedAt', 'externalId'] as const;

export const importRow = z.object({
  unitId: z.uuid().optional(),
  // 扫码评价 is presence-bound: it arrives only through a unit's QR code, never in a file.
  channel: channelSchema.refine((c) => c !== 'qr_code', 'qr_code ratings come only through a QR code'),
  // CSV cells are strings; a missing level stays missing ("expected number, received undefined").
  level: z.preprocess((v) => (typeof v === 'string' ? Number(v) : v), z.number().int().min(1).max(5)),
  comment: z.string().trim().max(2000).refine(noNul, 'must not contain NUL characters').optional(),
  collectedAt: isoDate,
  externalId: z.string().trim().min(1).max(128).refine(noNul, 'must not contain NUL characters'),
  respondentKey: z.string().trim().min(3).max(200).optional(),
  cycleId: z.uuid().optional(),
  caseId: z.uuid().optional().describe('一事一评: the case (办件) rated; at most one rating per case, of the rated unit'),
  subjectKind: subjectKindSchema.optional().describe('unit (default) / department / leadership'),
  departmentId: z.uuid().optional().describe('the rated department when subjectKind is department or leadership'),
});
export type ImportRow = z.infer<typeof importRow>;
