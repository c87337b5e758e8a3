/**
 * The routes and the job shape every kind of bulk import shares (ratings, cases, units, departments): upload a file
 * (POST /<kind>-imports), list the caller's jobs, read one job and its per-row errors as CSV. A kind names its path,
 * access, row description, query and DTO; the four routes, their status codes and the job's common fields are here.
 */
import type { Readable } from 'node:stream';
import type { FastifyContextConfig, FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { importFormatQuery, importFormats, importListQuery, importPolicies, importPolicyQuery, importStatuses, POLICY_DESCRIPTION } from './bulk-import.js';
import type { ImportPolicy, ImportStatus } from './bulk-import.js';
import { idParams, isoDate, labelSchema, pageOf, problems, queryOf, toIso, toIsoOrNull } from './http.js';
import type { Page } from './http.js';
import { IMPORT_FILE_TYPES, MAX_IMPORT_BYTES, importUpload } from './import-rows.js';
import type { ImportFormat } from './import-rows.js';
import { EVERYONE } from './principal.js';
import type { RequestContext } from './principal.js';
import { importRowErrorCode, rowErrorCatalogue, rowErrorCodes } from './row-errors.js';

/** The query of an upload: file format, where the file comes from (the kind's own rule) and the commit policy. */
export function importQueryOf<S extends z.ZodType>(source: S) {
  return z.object({ format: importFormatQuery, source, policy: importPolicyQuery });
}

/**
 * A kind's job DTO: the fields every job has, what its `accepted` and `duplicates` mean for the kind, and its own
 * counters (after `rejected`).
 */
export function importJobSchema<E extends z.ZodRawShape>(o: { id: string; description: string; accepted: string; duplicates: string; extra: E }) {
  return z
    .object({
      id: z.uuid(),
      status: z.enum(importStatuses),
      format: z.enum(importFormats),
      source: z.string(),
      policy: z.enum(importPolicies),
      rowsRead: z.number().int(),
      accepted: z.number().int().describe(o.accepted),
      duplicates: z.number().int().describe(o.duplicates),
      rejected: z.number().int().describe('rows with errors (see /errors)'),
      ...o.extra,
      failureReason: z.string().nullable(),
      startedAt: isoDate,
      finishedAt: isoDate.nullable(),
      createdBy: z.string(),
    })
    .meta({ id: o.id, description: `${o.description} Commit policy: ${POLICY_DESCRIPTION}` });
}

/** The common fields of a job row (db/import-jobs.ts importJobColumns) as the DTO carries them. */
export function importJobDto(r: {
  id: string;
  status: ImportStatus;
  format: ImportFormat;
  source: string;
  policy: ImportPolicy;
  rowsRead: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  failureReason: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  createdBy: string;
}) {
  return {
    id: r.id,
    status: r.status,
    format: r.format,
    source: r.source,
    policy: r.policy,
    rowsRead: r.rowsRead,
    accepted: r.accepted,
    duplicates: r.duplicates,
    rejected: r.rejected,
    failureReason: r.failureReason,
    startedAt: toIso(r.startedAt),
    finishedAt: toIsoOrNull(r.finishedAt),
    createdBy: r.createdBy,
  };
}

/** What the routes call: the kind's runner and its job reads (lib/bulk-import.ts importJobReads). */
export interface ImportRouteService<Q, D> {
  run(ctx: RequestContext, opts: Q, input: Readable): Promise<D>;
  list(ctx: RequestContext, filter: { status?: ImportStatus }, page: { limit: number; cursor?: string }): Promise<Page<D>>;
  get(ctx: RequestContext, id: string): Promise<D>;
  errorsCsv(ctx: RequestContext, id: string): Promise<Readable>;
}

export interface ImportRoutesSpec<Q extends z.ZodObject, D extends z.ZodType> {
  /** `unit` → /unit-imports, operation ids importUnits, listUnitImports, getUnitImport, getUnitImportErrors. */
  kind: string;
  tags: string[];
  /** Who may call the four routes (`access`, `scopes`, … exactly as on any route). */
  config: FastifyContextConfig;
  service(app: FastifyInstance): ImportRouteService<z.infer<Q>, z.infer<D>>;
  query: Q;
  job: D;
  summaries: { import: string; list: string; errors: string };
  /** What the file holds (columns, row rules), between the upload's common first sentence and its commit policy. */
  rows: string;
  /** After "Progress", e.g. " (rowsRead, accepted, duplicates, rejected)". */
  progress?: string;
  /** Said last (who may import). */
  note?: string;
}

const pascal = (kind: string) => kind.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase());

/**
 * A kind's four import routes as one plugin, so the pass-through CSV/NDJSON parsers apply to them only: the upload's
 * handler reads the request stream itself and never holds the file.
 */
export function importRoutes<Q extends z.ZodObject, D extends z.ZodType>(spec: ImportRoutesSpec<Q, D>): FastifyPluginAsyncZod {
  const path = `/${spec.kind}-imports`;
  const name = pascal(spec.kind);
  const { tags, config } = spec;
  // The routes only pass the kind's DTO through: its type is the kind's own (service and schema agree by ImportRoutesSpec).
  const job: z.ZodType = spec.job;
  return async (app) => {
    const svc = spec.service(app);

    app.addContentTypeParser(IMPORT_FILE_TYPES, { bodyLimit: MAX_IMPORT_BYTES }, (_req, payload, done) => done(null, payload));

    app.post(path, {
      config,
      bodyLimit: MAX_IMPORT_BYTES,
      schema: {
        operationId: `import${name}s`,
        summary: spec.summaries.import,
        description:
          `Send the file itself as the request body (Content-Type text/csv or application/x-ndjson, UTF-8, at most ${MAX_IMPORT_BYTES / 1024 / 1024} MiB). ${spec.rows} ` +
          `Commit policy: ${POLICY_DESCRIPTION} Progress${spec.progress ?? ''} is visible at GET ${path}/{id} while the upload runs; the response is the finished job (201). ` +
          `Per-row errors: GET ${path}/{id}/errors (CSV: rowNumber, field, code, message, raw; rowNumber is the line of the file, the CSV header being line 1; code is an ImportRowErrorCode, GET /import-row-error-codes).${spec.note ? ` ${spec.note}` : ''}`,
        tags,
        querystring: queryOf(spec.query),
        response: { 201: job, ...problems(413, 415, 422) },
      },
      handler: async (req, reply) => {
        const done: unknown = await svc.run(req.ctx, req.query as z.infer<Q>, importUpload(req.body));
        return reply.status(201).header('location', `/api/v1${path}/${(done as { id: string }).id}`).send(done);
      },
    });

    app.get(path, {
      config,
      schema: { operationId: `list${name}Imports`, summary: spec.summaries.list, tags, querystring: queryOf(importListQuery), response: { 200: pageOf(job), ...problems() } },
      handler: async (req) => {
        const { limit, cursor, ...filter } = req.query;
        return svc.list(req.ctx, filter, { limit, cursor });
      },
    });

    app.get(`${path}/:id`, {
      config,
      schema: { operationId: `get${name}Import`, summary: `A ${spec.kind} import and its progress`, tags, params: idParams, response: { 200: job, ...problems(404) } },
      handler: async (req) => svc.get(req.ctx, req.params.id),
    });

    app.get(`${path}/:id/errors`, {
      config,
      schema: {
        operationId: `get${name}ImportErrors`,
        summary: spec.summaries.errors,
        tags,
        params: idParams,
        produces: ['text/csv'],
        response: { 200: z.string().describe(`text/csv; charset=utf-8, with BOM; columns rowNumber, field, code (${rowErrorCodes.join(' | ')}), message, raw`), ...problems(404) },
      },
      handler: async (req, reply) => {
        const stream = await svc.errorsCsv(req.ctx, req.params.id);
        return (
          reply
            .type('text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="${spec.kind}-import-${req.params.id}-errors.csv"`)
            // A stream is sent as is (no serializer); the schema only documents the CSV.
            .send(stream as unknown as string)
        );
      },
    });
  };
}

const rowErrorCodeInfo = z.object({ code: importRowErrorCode, label: labelSchema }).meta({ id: 'ImportRowErrorCodeInfo' });

/**
 * GET /import-row-error-codes: the codes an import's row errors carry (lib/row-errors.ts), with their zh-CN and en
 * meaning; one route for every kind of import.
 */
export const importRowErrorCodesRoute: FastifyPluginAsyncZod = async (app) => {
  app.get('/import-row-error-codes', {
    config: { access: EVERYONE },
    schema: {
      operationId: 'listImportRowErrorCodes',
      summary: 'The stable codes of import row errors (the code column of every import error CSV), with their labels',
      tags: ['units'],
      security: [],
      response: { 200: z.object({ items: z.array(rowErrorCodeInfo) }) },
    },
    handler: async () => ({ items: rowErrorCodes.map((code) => ({ code, label: rowErrorCatalogue[code] })) }),
  });
};
