import { importRoutes } from '../../lib/import-routes.js';
import { departmentImport, departmentImportColumns, departmentImportQuery } from './import.schemas.js';

/**
 * Bulk department import routes (the shared import routes of lib/import-routes.ts). The prefecture office only, like unit
 * imports: a county office (token with region_id) is refused with 403 (no `regionScoped`).
 */
export const departmentImportRoutes = importRoutes({
  kind: 'department',
  tags: ['departments'],
  config: { access: ['admin'] },
  service: (app) => app.services.departmentImports,
  query: departmentImportQuery,
  job: departmentImport,
  summaries: {
    import: 'Create or update departments (部门/行业) in bulk from a file: CSV or NDJSON, streamed',
    list: 'Department imports',
    errors: 'Per-row errors of a department import, as CSV (rowNumber, field, message, raw)',
  },
  rows:
    `Columns (CSV header) / keys (NDJSON): ${departmentImportColumns.join(', ')}. ` +
    'A row with `id` updates that department; a row without `id` whose orgCode (统一社会信用代码/组织机构代码) belongs to a department updates it; any other row ' +
    'creates a department and needs name, sector, level and regionId (or regionDivisionCode, the 行政区划代码). An update changes only the fields the row gives ' +
    '(an empty CSV cell keeps the value): name, nameEn, sector, orgCode, active (true/false); a department keeps its region and level. ' +
    'With `version` the row is rejected if the department changed since. The rules are those of POST /departments and PATCH /departments/{id}: the level is the region\'s, ' +
    'an org code names one department and a name one department per region. A department may appear once per file. Each department created or updated is audited ' +
    '(department.created / department.updated).',
  note: 'Prefecture office only (a county token gets 403).',
});
