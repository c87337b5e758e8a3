import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParams, pageOf, problems, queryOf } from '../../lib/http.js';
import { IMPORT_FILE_TYPES, MAX_IMPORT_BYTES, importUpload } from '../../lib/import-rows.js';
import { POLICY_DESCRIPTION, importListQuery } from '../../lib/bulk-import.js';
import { caseImport, caseImportColumns, caseImportQuery, requiredCaseImportColumns } from './import.schemas.js';
import { CASE_WRITERS } from './schemas.js';

const tags = ['cases'];

/** Bulk case import routes, their own plugin so the pass-through CSV/NDJSON parsers apply to these routes only. */
export const caseImportRoutes: FastifyPluginAsyncZod = async (app) => {
  const svc = app.services.caseImports;

  app.addContentTypeParser(IMPORT_FILE_TYPES, { bodyLimit: MAX_IMPORT_BYTES }, (_req, payload, done) => done(null, payload));

  app.post('/case-imports', {
    config: { access: CASE_WRITERS, scopes: ['cases:write'] },
    bodyLimit: MAX_IMPORT_BYTES,
    schema: {
      operationId: 'importCases',
      summary: 'Import a file of cases (办件) from a 政务服务 platform: CSV or NDJSON, streamed',
      description:
        `Send the file itself as the request body (Content-Type text/csv or application/x-ndjson, UTF-8, at most ${MAX_IMPORT_BYTES / 1024 / 1024} MiB). ` +
        `Columns (CSV header) / keys (NDJSON): ${caseImportColumns.join(', ')}; required: ${requiredCaseImportColumns.join(', ')}. ` +
        'state is where the case stands (default received); an accepted or completed case has acceptedAt, a completed, returned or refused one closedAt, ' +
        'a returned or refused one a reason; times are ISO 8601 with zone and in order. The unit must offer the item. Deadlines, on time and 一周办结 are derived. ' +
        'firstResponder (staff code) is stored only as a keyed hash. Rows are idempotent by (source, caseNumber). ' +
        `Commit policy: ${POLICY_DESCRIPTION} Progress is visible at GET /case-imports/{id} while the upload runs; the response is the finished job (201). ` +
        'Per-row errors: GET /case-imports/{id}/errors (CSV; rowNumber is the line of the file, the CSV header being line 1).',
      tags,
      querystring: queryOf(caseImportQuery),
      response: { 201: caseImport, ...problems(413, 415, 422) },
    },
    handler: async (req, reply) => {
      const job = await svc.run(req.ctx, req.query, importUpload(req.body));
      return reply.status(201).header('location', `/api/v1/case-imports/${job.id}`).send(job);
    },
  });

  app.get('/case-imports', {
    config: { access: CASE_WRITERS, scopes: ['cases:write'] },
    schema: {
      operationId: 'listCaseImports',
      summary: 'Case imports (an integration sees its own)',
      tags,
      querystring: queryOf(importListQuery),
      response: { 200: pageOf(caseImport), ...problems() },
    },
    handler: async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return svc.list(req.ctx, filter, { limit, cursor });
    },
  });

  app.get('/case-imports/:id', {
    config: { access: CASE_WRITERS, scopes: ['cases:write'] },
    schema: { operationId: 'getCaseImport', summary: 'A case import and its progress', tags, params: idParams, response: { 200: caseImport, ...problems(404) } },
    handler: async (req) => svc.get(req.ctx, req.params.id),
  });

  app.get('/case-imports/:id/errors', {
    config: { access: CASE_WRITERS, scopes: ['cases:write'] },
    schema: {
      operationId: 'getCaseImportErrors',
      summary: 'Per-row errors of a case import, as CSV (rowNumber, field, message, raw without the staff code)',
      tags,
      params: idParams,
      produces: ['text/csv'],
      response: { 200: z.string().describe('text/csv; charset=utf-8, with BOM'), ...problems(404) },
    },
    handler: async (req, reply) => {
      const stream = await svc.errorsCsv(req.ctx, req.params.id);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="case-import-${req.params.id}-errors.csv"`)
        .send(stream as unknown as string);
    },
  });
};
