import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParams, pageOf, problems, queryOf } from '../../lib/http.js';
import { IMPORT_FILE_TYPES, MAX_IMPORT_BYTES, importUpload } from '../../lib/import-rows.js';
import { POLICY_DESCRIPTION, importListQuery } from '../../lib/bulk-import.js';
import { unitImport, unitImportColumns, unitImportQuery } from './import.schemas.js';

const tags = ['units'];
/**
 * The prefecture office only: a county office (token with region_id) is refused with 403 (no `regionScoped`), since the
 * job reads show every admin's jobs and their per-row errors. County offices create and edit their units one by one.
 */
const access = ['admin'] as const;

/** Bulk unit import routes, their own plugin so the pass-through CSV/NDJSON parsers apply to these routes only. */
export const unitImportRoutes: FastifyPluginAsyncZod = async (app) => {
  const svc = app.services.unitImports;

  app.addContentTypeParser(IMPORT_FILE_TYPES, { bodyLimit: MAX_IMPORT_BYTES }, (_req, payload, done) => done(null, payload));

  app.post('/unit-imports', {
    config: { access },
    bodyLimit: MAX_IMPORT_BYTES,
    schema: {
      operationId: 'importUnits',
      summary: 'Create or update units (基层站所/窗口) in bulk from a file: CSV or NDJSON, streamed',
      description:
        `Send the file itself as the request body (Content-Type text/csv or application/x-ndjson, UTF-8, at most ${MAX_IMPORT_BYTES / 1024 / 1024} MiB). ` +
        `Columns (CSV header) / keys (NDJSON): ${unitImportColumns.join(', ')}. ` +
        'A row with `id` updates that unit; a row without `id` whose orgCode (统一社会信用代码/组织机构代码) belongs to a unit updates it; any other row ' +
        'creates a unit and needs departmentId (or departmentOrgCode), regionId (or regionCode), category and name. An update changes only the fields the row gives (an empty CSV cell keeps the value); ' +
        'with `version` the row is rejected if the unit changed since. The field rules are those of POST /units. commitments and serviceItems are JSON arrays ' +
        '(in CSV: JSON text in the cell). A unit may appear once per file. Each unit created or updated is audited (unit.created / unit.updated). ' +
        `Commit policy: ${POLICY_DESCRIPTION} Progress is visible at GET /unit-imports/{id} while the upload runs; the response is the finished job (201). ` +
        'Per-row errors: GET /unit-imports/{id}/errors (CSV; rowNumber is the line of the file, the CSV header being line 1). Prefecture office only (a county token gets 403).',
      tags,
      querystring: queryOf(unitImportQuery),
      response: { 201: unitImport, ...problems(413, 415, 422) },
    },
    handler: async (req, reply) => {
      const job = await svc.run(req.ctx, req.query, importUpload(req.body));
      return reply.status(201).header('location', `/api/v1/unit-imports/${job.id}`).send(job);
    },
  });

  app.get('/unit-imports', {
    config: { access },
    schema: {
      operationId: 'listUnitImports',
      summary: 'Unit imports',
      tags,
      querystring: queryOf(importListQuery),
      response: { 200: pageOf(unitImport), ...problems() },
    },
    handler: async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return svc.list(req.ctx, filter, { limit, cursor });
    },
  });

  app.get('/unit-imports/:id', {
    config: { access },
    schema: { operationId: 'getUnitImport', summary: 'A unit import and its progress', tags, params: idParams, response: { 200: unitImport, ...problems(404) } },
    handler: async (req) => svc.get(req.ctx, req.params.id),
  });

  app.get('/unit-imports/:id/errors', {
    config: { access },
    schema: {
      operationId: 'getUnitImportErrors',
      summary: 'Per-row errors of a unit import, as CSV (rowNumber, field, message, raw)',
      tags,
      params: idParams,
      produces: ['text/csv'],
      response: { 200: z.string().describe('text/csv; charset=utf-8, with BOM'), ...problems(404) },
    },
    handler: async (req, reply) => {
      const stream = await svc.errorsCsv(req.ctx, req.params.id);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="unit-import-${req.params.id}-errors.csv"`)
        .send(stream as unknown as string);
    },
  });
};
