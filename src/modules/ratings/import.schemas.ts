import { z } from 'zod';
import { isoDate } from '../../lib/http.js';
import { channelSchema, noNul, sourceSchema } from './schemas.js';

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
  extra: { followUpsOpened: z.number().int().describe('回访 opened for bad ratings with comments') },
});
export type RatingImportDto = z.infer<typeof ratingImport>;

/** The columns (CSV header) / keys (NDJSON) of an import row. */
export const importColumns = ['unitId', 'channel', 'level', 'comment', 'collectedAt', 'externalId', 'respondentKey', 'cycleId'] as const;
export const requiredImportColumns = ['unitId', 'channel', 'level', 'collectedAt', 'externalId'] as const;

export const importRow = z.object({
  unitId: z.uuid(),
  // 扫码评价 is presence-bound: it arrives only through a unit's QR code, never in a file.
  channel: channelSchema.refine((c) => c !== 'qr_code', 'qr_code ratings come only through a QR code'),
  // CSV cells are strings; a missing level stays missing ("expected number, received undefined").
  level: z.preprocess((v) => (typeof v === 'string' ? Number(v) : v), z.number().int().min(1).max(5)),
  comment: z.string().trim().max(2000).refine(noNul, 'must not contain NUL characters').optional(),
  collectedAt: isoDate,
  externalId: z.string().trim().min(1).max(128).refine(noNul, 'must not contain NUL characters'),
  respondentKey: z.string().trim().min(3).max(200).optional(),
  cycleId: z.uuid().optional(),
});
export type ImportRow = z.infer<typeof importRow>;
