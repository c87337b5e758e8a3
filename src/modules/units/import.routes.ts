import { importRoutes } from '../../lib/import-routes.js';
import { unitImport, unitImportColumns, unitImportQuery } from './import.schemas.js';

/**
 * Bulk unit import routes (the shared import routes of lib/import-routes.ts). The prefecture office only: a county
 * office (token with region_id) is refused with 403 (no `regionScoped`), since the job reads show every admin's jobs and
 * their per-row errors. County offices create and edit their units one by one.
 */
export const unitImportRoutes = importRoutes({
  kind: 'unit',
  tags: ['units'],
  config: { access: ['admin'] },
  service: (app) => app.services.unitImports,
  query: unitImportQuery,
  job: unitImport,
  summaries: {
    import: 'Create or update units (基层站所/窗口) in bulk from a file: CSV or NDJSON, streamed',
    list: 'Unit imports',
    errors: 'Per-row errors of a unit import, as CSV (rowNumber, field, message, raw)',
  },
  rows:
    `Columns (CSV header) / keys (NDJSON): ${unitImportColumns.join(', ')}. ` +
    'A row with `id` updates that unit; a row without `id` whose orgCode (统一社会信用代码/组织机构代码) belongs to a unit updates it; any other row ' +
    'creates a unit and needs departmentId (or departmentOrgCode), regionId (or regionCode), category and name. An update changes only the fields the row gives (an empty CSV cell keeps the value); ' +
    'with `version` the row is rejected if the unit changed since. The field rules are those of POST /units. commitments and serviceItems are JSON arrays ' +
    '(in CSV: JSON text in the cell). A unit may appear once per file. Each unit created or updated is audited (unit.created / unit.updated).',
  note: 'Prefecture office only (a county token gets 403).',
});
