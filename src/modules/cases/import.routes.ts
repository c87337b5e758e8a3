import { importRoutes } from '../../lib/import-routes.js';
import { caseImport, caseImportColumns, caseImportQuery, requiredCaseImportColumns } from './import.schemas.js';
import { CASE_WRITERS } from './schemas.js';

/** Bulk case import routes (the shared import routes of lib/import-routes.ts). */
export const caseImportRoutes = importRoutes({
  kind: 'case',
  tags: ['cases'],
  config: { access: CASE_WRITERS, scopes: ['cases:write'] },
  service: (app) => app.services.caseImports,
  query: caseImportQuery,
  job: caseImport,
  summaries: {
    import: 'Import a file of cases (办件) from a 政务服务 platform: CSV or NDJSON, streamed',
    list: 'Case imports (an integration sees its own)',
    errors: 'Per-row errors of a case import, as CSV (rowNumber, field, message, raw without the staff code)',
  },
  rows:
    `Columns (CSV header) / keys (NDJSON): ${caseImportColumns.join(', ')}; required: ${requiredCaseImportColumns.join(', ')}. ` +
    'state is where the case stands (default received); an accepted or completed case has acceptedAt, a completed, returned or refused one closedAt, ' +
    'a returned or refused one a reason; times are ISO 8601 with zone and in order. The unit must offer the item. Deadlines, on time and 一周办结 are derived. ' +
    'firstResponder (staff code) is stored only as a keyed hash. Rows are idempotent by (source, caseNumber).',
});
