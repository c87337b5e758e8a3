import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { MAX_IMPORT_BYTES, importUpload } from '../../lib/import-rows.js';
import { problems, queryOf } from '../../lib/http.js';
import { caseImport } from '../cases/import.schemas.js';
import { ratingImport } from '../ratings/import.schemas.js';
import { caseColumns, ratingColumns, requiredCaseColumns, requiredRatingColumns } from './layout.js';
import { exchangeExportQuery, exchangeImportQuery } from './schemas.js';

const tags = ['exchange'];
const MAPPING = 'Field-by-field mapping: docs/provincial-exchange.md. Times are local wall-clock times in TIME_ZONE (YYYY-MM-DD HH:mm:ss).';

/** 省级"好差评"平台对接: export and import in the provincial field layout; the office, and integrations with the scopes. */
export const exchangeRoutes: FastifyPluginAsyncZod = async (app) => {
  const svc = app.services.exchange;
  // The file is the body: handed to the service as a stream, never held (as the bulk imports do).
  app.addContentTypeParser('text/csv', { bodyLimit: MAX_IMPORT_BYTES }, (_req, payload, done) => done(null, payload));

  const exports = [
    { path: 'ratings', operationId: 'exportProvincialRatings', scope: 'ratings:read', columns: ratingColumns, what: '评价 ratings', run: svc.exportRatings },
    { path: 'cases', operationId: 'exportProvincialCases', scope: 'cases:read', columns: caseColumns, what: '办件 cases', run: svc.exportCases },
  ] as const;
  for (const e of exports) {
    app.get(`/exchange/provincial/${e.path}`, {
      config: { access: ['admin', 'integration'], scopes: [e.scope] },
      schema: {
        operationId: e.operationId,
        summary: `Export ${e.what} in the provincial 好差评 platform's field layout (CSV or NDJSON, streamed)`,
        description: `Columns: ${e.columns.join(', ')}. ${MAPPING}`,
        tags,
        querystring: queryOf(exchangeExportQuery),
        produces: ['text/csv', 'application/x-ndjson'],
        response: { 200: z.string().describe('text/csv; charset=utf-8 with BOM, or application/x-ndjson'), ...problems(422) },
      },
      handler: async (req, reply) => {
        const stream = await e.run(req.query);
        const csv = req.query.format === 'csv';
        return reply
          .type(csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
          .header('content-disposition', `attachment; filename="provincial-${e.path}.${csv ? 'csv' : 'ndjson'}"`)
          .send(stream as unknown as string); // a stream is sent as is; the schema documents the text
      },
    });
  }

  app.post('/exchange/provincial/ratings', {
    config: { access: ['admin', 'integration'], scopes: ['ratings:write'] },
    bodyLimit: MAX_IMPORT_BYTES,
    schema: {
      operationId: 'importProvincialRatings',
      summary: 'Import a provincial 好差评 ratings file (CSV in the provincial layout) through the rating import',
      description:
        `Required columns: ${requiredRatingColumns.join(', ')}; optional: the rest of ${ratingColumns.join(', ')}. Each row becomes a row of POST /rating-imports ` +
        '(same per-row errors, commit policy and idempotency by (source, 评价编号)); 实施机构编码 names the unit. Department and leadership rows are refused per row: ' +
        `submit them through POST /ratings with subject. ${MAPPING} Per-row errors: GET /rating-imports/{id}/errors.`,
      tags,
      querystring: queryOf(exchangeImportQuery),
      response: { 201: ratingImport, ...problems(413, 415, 422) },
    },
    handler: async (req, reply) => {
      const job = await svc.importRatings(req.ctx, req.query, importUpload(req.body));
      return reply.status(201).header('location', `/api/v1/rating-imports/${job.id}`).send(job);
    },
  });

  app.post('/exchange/provincial/cases', {
    config: { access: ['admin', 'integration'], scopes: ['cases:write'] },
    bodyLimit: MAX_IMPORT_BYTES,
    schema: {
      operationId: 'importProvincialCases',
      summary: 'Import a provincial 办件 file (CSV in the provincial layout) through the case import',
      description:
        `Required columns: ${requiredCaseColumns.join(', ')}; optional: the rest of ${caseColumns.join(', ')}. Each row becomes a row of POST /case-imports ` +
        `(same per-row errors, commit policy and idempotency by (source, 办件编号)); 实施机构编码 names the unit, 事项编码 the service item. ${MAPPING}`,
      tags,
      querystring: queryOf(exchangeImportQuery),
      response: { 201: caseImport, ...problems(413, 415, 422) },
    },
    handler: async (req, reply) => {
      const job = await svc.importCases(req.ctx, req.query, importUpload(req.body));
      return reply.status(201).header('location', `/api/v1/case-imports/${job.id}`).send(job);
    },
  });
};
