import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParams, pageOf, problems, queryOf } from '../../lib/http.js';
import { importListQuery } from '../../lib/bulk-import.js';
import { IMPORT_FILE_TYPES as FILE_TYPES, MAX_IMPORT_BYTES, importUpload } from '../../lib/import-rows.js';
import { POLICY_DESCRIPTION, importColumns, importQuery, ratingImport, requiredImportColumns } from './import.schemas.js';

export { MAX_IMPORT_BYTES };
const tags = ['ratings'];

/**
 * Bulk import routes. Registered as their own plugin so the pass-through parsers for CSV and NDJSON
 * apply to these routes only: the handler reads the request stream itself and never holds the file.
 */
export const ratingImportRoutes: FastifyPluginAsyncZod = async (app) => {
  const svc = app.services.ratingImports;

  app.addContentTypeParser(FILE_TYPES, { bodyLimit: MAX_IMPORT_BYTES }, (_req, payload, done) => done(null, payload));

  app.post('/rating-imports', {
    config: { access: ['admin', 'integration'], scopes: ['ratings:write'] },
    bodyLimit: MAX_IMPORT_BYTES,
    schema: {
      operationId: 'importRatings',
      summary: 'Import a file of ratings (survey campaigns): CSV or NDJSON, streamed',
      description:
        `Send the file itself as the request body (Content-Type text/csv or application/x-ndjson, UTF-8, at most ${MAX_IMPORT_BYTES / 1024 / 1024} MiB). ` +
        `Columns (CSV header) / keys (NDJSON): ${importColumns.join(', ')}; required: ${requiredImportColumns.join(', ')}. level is 1–5, collectedAt ISO 8601 with zone. ` +
        `Rows are idempotent by (source, externalId): a re-import counts them as duplicates. Unknown or deactivated units are row errors. respondentKey is stored only as a keyed hash; the public daily limit does not apply to imports. ` +
        `Commit policy: ${POLICY_DESCRIPTION} Progress (rowsRead, accepted, duplicates, rejected) is visible at GET /rating-imports/{id} while the upload runs; ` +
        'the response is the finished job (201). Per-row errors: GET /rating-imports/{id}/errors (CSV; rowNumber is the line of the file, the CSV header being line 1).',
      tags,
      querystring: queryOf(importQuery),
      response: { 201: ratingImport, ...problems(413, 415, 422) },
    },
    handler: async (req, reply) => {
      const job = await svc.run(req.ctx, req.query, importUpload(req.body));
      return reply.status(201).header('location', `/api/v1/rating-imports/${job.id}`).send(job);
    },
  });

  app.get('/rating-imports', {
    config: { access: ['admin', 'integration'], scopes: ['ratings:write'] },
    schema: {
      operationId: 'listRatingImports',
      summary: 'Rating imports (an integration sees its own)',
      tags,
      querystring: queryOf(importListQuery),
      response: { 200: pageOf(ratingImport), ...problems() },
    },
    handler: async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return svc.list(req.ctx, filter, { limit, cursor });
    },
  });

  app.get('/rating-imports/:id', {
    config: { access: ['admin', 'integration'], scopes: ['ratings:write'] },
    schema: {
      operationId: 'getRatingImport',
      summary: 'A rating import and its progress',
      tags,
      params: idParams,
      response: { 200: ratingImport, ...problems(404) },
    },
    handler: async (req) => svc.get(req.ctx, req.params.id),
  });

  app.get('/rating-imports/:id/errors', {
    config: { access: ['admin', 'integration'], scopes: ['ratings:write'] },
    schema: {
      operationId: 'getRatingImportErrors',
      summary: 'Per-row errors of an import, as CSV (rowNumber, field, message, raw without the respondent key)',
      tags,
      params: idParams,
      produces: ['text/csv'],
      response: { 200: z.string().describe('text/csv; charset=utf-8, with BOM'), ...problems(404) },
    },
    handler: async (req, reply) => {
      const stream = await svc.errorsCsv(req.ctx, req.params.id);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="rating-import-${req.params.id}-errors.csv"`)
        // A stream is sent as is (no serializer); the schema only documents the CSV.
        .send(stream as unknown as string);
    },
  });
};
