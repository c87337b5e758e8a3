import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { queryOf } from '../../lib/http.js';
import { EVERYONE } from '../../lib/principal.js';
import { toProblem } from '../../plugins/errors.js';
import { open311IdParams, open311ListQuery, open311Problems, open311Receipt, open311Request, open311RequestBody, open311Service } from './schemas.js';

const tags = ['open311'];
const ERRORS_NOTE = 'Errors are GeoReport v2 error arrays `[{code, description}]` (code = HTTP status), not problem+json.';

/** Anonymous readers are limited here too (the global limiter only watches /api/). */
const limitAnonymous = { allowList: (req: FastifyRequest) => req.ctx?.principal.role !== 'anonymous' };

function sendErrors(reply: FastifyReply, status: number, descriptions: string[]) {
  return reply
    .status(status)
    .type('application/json; charset=utf-8')
    .send(descriptions.map((description) => ({ code: status, description })));
}

/**
 * Form posts (application/x-www-form-urlencoded), as GeoReport clients send them. `attribute[x]` keys become
 * `attribute: {x}`; empty fields are dropped.
 */
export function parseForm(body: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    if (value === '') continue;
    const m = /^attribute\[([^\]]+)\](?:\[\])?$/.exec(key);
    if (m) out.attribute = { ...((out.attribute as Record<string, string>) ?? {}), [m[1]]: value };
    else out[key] = value;
  }
  return out;
}

/** The same folding for JSON bodies that copy the form keys. */
function foldAttributes(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    const m = /^attribute\[([^\]]+)\]$/.exec(key);
    if (m) out.attribute = { ...((out.attribute as Record<string, unknown>) ?? {}), [m[1]]: value };
    else out[key] = value;
  }
  return out;
}

/** Mounted at /open311/v2 (outside /api/v1): Open311 GeoReport v2 over the complaints service, JSON only. */
export const open311Routes: FastifyPluginAsyncZod = async (app) => {
  const svc = app.services.open311;

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, parseForm(body as string));
  });

  app.setErrorHandler((err, request, reply) => {
    const p = toProblem(err, request.url);
    if (p.status >= 500) request.log.error({ err }, 'request failed');
    else request.log.info({ code: p.code, status: p.status }, 'request refused');
    return sendErrors(reply, p.status, p.errors?.length ? p.errors.map((e) => `${e.field}: ${e.message}`) : [p.detail]);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    if (/\.xml$/i.test(path)) return sendErrors(reply, 406, ['only the JSON format is offered here: use the .json endpoints']);
    return sendErrors(reply, 404, [`no Open311 endpoint ${request.method} ${path}`]);
  });

  app.get('/services.json', {
    config: { access: EVERYONE, rateLimit: limitAnonymous },
    schema: {
      operationId: 'open311ListServices',
      summary: 'Open311: service list (the complaint categories)',
      description: ERRORS_NOTE,
      tags,
      security: [],
      response: { 200: z.array(open311Service), ...open311Problems() },
    },
    handler: async () => svc.services(),
  });

  app.post('/requests.json', {
    config: { access: ['integration'] },
    schema: {
      operationId: 'open311CreateRequest',
      summary: 'Open311: file a service request (a complaint); JSON or form-urlencoded',
      description: `Integration bearer token required (it replaces api_key). service_request_id is the complaint tracking code. ${ERRORS_NOTE}`,
      tags,
      consumes: ['application/json', 'application/x-www-form-urlencoded'],
      body: open311RequestBody,
      response: { 201: open311Receipt, ...open311Problems(415, 422) },
    },
    preValidation: async (req) => {
      req.body = foldAttributes(req.body) as typeof req.body;
    },
    handler: async (req, reply) => reply.status(201).send(await svc.submit(req.ctx, req.body)),
  });

  app.get('/requests.json', {
    config: { access: EVERYONE, rateLimit: limitAnonymous },
    schema: {
      operationId: 'open311ListRequests',
      summary: 'Open311: service requests (complaints, newest first; at most 1000; by default the last 90 days); no personal data. The public may only look up the codes it holds (service_request_id); browsing needs an integration token',
      description: ERRORS_NOTE,
      tags,
      security: [],
      querystring: queryOf(open311ListQuery),
      response: { 200: z.array(open311Request), ...open311Problems(422) },
    },
    handler: async (req) => svc.list(req.ctx, req.query),
  });

  app.get('/requests/:id.json', {
    config: { access: EVERYONE, rateLimit: limitAnonymous },
    schema: {
      operationId: 'open311GetRequest',
      summary: 'Open311: one service request by its id (the tracking code); no personal data',
      description: ERRORS_NOTE,
      tags,
      security: [],
      params: open311IdParams,
      response: { 200: z.array(open311Request), ...open311Problems(404) },
    },
    handler: async (req) => svc.get(req.ctx, req.params.id),
  });
};
