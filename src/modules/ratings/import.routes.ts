import { importRoutes } from '../../lib/import-routes.js';
import { importColumns, importQuery, ratingImport, requiredImportColumns } from './import.schemas.js';

/** Bulk rating import routes (the shared import routes of lib/import-routes.ts). */
export const ratingImportRoutes = importRoutes({
  kind: 'rating',
  tags: ['ratings'],
  config: { access: ['admin', 'integration'], scopes: ['ratings:write'] },
  service: (app) => app.services.ratingImports,
  query: importQuery,
  job: ratingImport,
  summaries: {
    import: 'Import a file of ratings (survey campaigns): CSV or NDJSON, streamed',
    list: 'Rating imports (an integration sees its own)',
    errors: 'Per-row errors of an import, as CSV (rowNumber, field, message, raw without the respondent key)',
  },
  rows:
    `Columns (CSV header) / keys (NDJSON): ${importColumns.join(', ')}; required: ${requiredImportColumns.join(', ')}. level is 1–5, collectedAt ISO 8601 with zone. ` +
    'Rows are idempotent by (source, externalId): a re-import counts them as duplicates. Unknown or deactivated units are row errors. respondentKey is stored only as a keyed hash; the public daily limit does not apply to imports.',
  progress: ' (rowsRead, accepted, duplicates, rejected)',
});
