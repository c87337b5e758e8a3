import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { queryOf } from '../../lib/http.js';
import { EVERYONE } from '../../lib/principal.js';
import { requiredScopes } from '../../lib/scopes.js';
import { toProblem } from '../../plugins/errors.js';
import {
  open311Discovery,
  open311Formats,
  open311IdParams,
  open311JurisdictionQuery,
  open311ListQuery,
  open311Problems,
  open311Receipt,
  open311Request,
  open311RequestBody,
  open311Service,
  open311ServiceCodeParams,
  open311ServiceDefinition,
} from './schemas.js';
import type { Open311Format } from './schemas.js';
import { XML_CONTENT_TYPE, toXml } from './xml.js';

const tags = ['open311'];
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
const ERRORS_NOTE = 'Errors are GeoReport v2 error lists (`[{code, description}]`, XML `<errors><error>`; code = HTTP status), not problem+json. Validation errors are 400, as GeoReport names them.';

/** Anonymous readers are limited here too (the global limiter only watches /api/), as much as the public intake. */
const limitAnonymous = { allowList: (req: FastifyRequest) => req.ctx?.principal.role !== 'anonymous' };

/**
 * The format of an answer: the path's extension (GeoReport's way), else what Accept prefers, else XML (the format
 * GeoReport requires). Errors use it too, so a client reading XML gets its errors in XML.
 */
export function formatOf(request: FastifyRequest): Open311Format {
  const ext = /\.(json|xml)$/i.exec(request.url.split('?')[0]);
  if (ext) return ext[1].toLowerCase() as Open311Format;
  const accept = request.headers.accept ?? '';
  const json = accept.search(/application\/json/i);
  const xml = accept.search(/(text|application)\/xml/i);
  return json >= 0 && (xml < 0 || json < xml) ? 'json' : 'xml';
}

function send(reply: FastifyReply, format: Open311Format, root: string, body: unknown) {
  return format === 'xml' ? reply.type(XML_CONTENT_TYPE).send(toXml(root, body)) : reply.type(JSON_CONTENT_TYPE).send(body);
}

function sendErrors(request: FastifyRequest, reply: FastifyReply, status: number, descriptions: string[]) {
  const errors = descriptions.map((description) => ({ code: status, description }));
  // Fastify's serializer would check an array against the route's 200 schema: errors are written out here.
  const format = formatOf(request);
  return reply
    .status(status)
    .type(format === 'xml' ? XML_CONTENT_TYPE : JSON_CONTENT_TYPE)
    .send(format === 'xml' ? toXml('errors', errors) : JSON.stringify(errors));
}

/**
 * Form posts (application/x-www-form-urlencoded), as GeoReport clients send them. `attribute[x]` keys become
 * `attribute: {x}` (`attribute[x][]`, repeated: a list); empty fields are dropped.
 */
export function parseForm(body: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const attribute: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const m = /^attribute\[([^\]]+)\](\[\])?$/.exec(key);
    if (m) {
      const prev = attribute[m[1]];
      attribute[m[1]] = m[2] ? [...(Array.isArray(prev) ? prev : prev ? [prev] : []), value] : value;
    } else if (value !== '') out[key] = value;
  }
  if (Object.keys(attribute).length) out.attribute = attribute;
  return out;
}

/** The same folding for JSON bodies that copy the form keys. */
function foldAttributes(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    const m = /^attribute\[([^\]]+)\](?:\[\])?$/.exec(key);
    if (m) out.attribute = { ...((out.attribute as Record<string, unknown>) ?? {}), [m[1]]: value };
    else out[key] = value;
  }
  return out;
}

/** What a route answers in a format: the JSON schema, or XML text (the same fields, as GeoReport nests them). */
const ok = <T extends z.ZodType>(format: Open311Format, schema: T) => (format === 'xml' ? z.string().describe('text/xml; charset=utf-8') : schema);
const produces = (format: Open311Format) => [format === 'xml' ? 'text/xml' : 'application/json'];
const suffix = (format: Open311Format) => (format === 'xml' ? 'Xml' : '');

/** Mounted at /open311/v2 (outside /api/v1): Open311 GeoReport v2 over the complaints service, in JSON and XML. */
export const open311Routes: FastifyPluginAsyncZod = async (app) => {
  const svc = app.services.open311;

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, parseForm(body as string));
  });

  app.setErrorHandler((err, request, reply) => {
    const p = toProblem(err, request.url);
    if (p.status >= 500) request.log.error({ err }, 'request failed');
    else request.log.info({ code: p.code, status: p.status }, 'request refused');
    // GeoReport names 400 for every bad argument; this API's 422 (a well-formed value it cannot take) is one.
    const status = p.status === 422 ? 400 : p.status;
    return sendErrors(request, reply, status, p.errors?.length ? p.errors.map((e) => `${e.field}: ${e.message}`) : [p.detail]);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    return sendErrors(request, reply, 404, [`no Open311 endpoint ${request.method} ${path} (formats: .json, .xml)`]);
  });

  // Every method takes jurisdiction_id (query or body); this deployment answers for its own only.
  app.addHook('preHandler', async (req) => {
    const fromQuery = (req.query as { jurisdiction_id?: string } | undefined)?.jurisdiction_id;
    const fromBody = (req.body as { jurisdiction_id?: string } | undefined)?.jurisdiction_id;
    svc.checkJurisdiction(fromQuery ?? fromBody);
  });

  // api_key (GeoReport v2) is checked against the integration client registry: required to submit without a bearer
  // token, optional for reads. A valid key speaks for its client (role integration, the client's scopes); a bearer
  // token speaks for itself and the key is then not looked at.
  app.addHook('preHandler', async (req) => {
    if (req.ctx.principal.role !== 'anonymous') return;
    const key = (req.body as { api_key?: string } | undefined)?.api_key ?? (req.query as { api_key?: string } | undefined)?.api_key;
    if (!key) {
      if (req.method === 'POST') throw svc.apiKeyRequired();
      return;
    }
    const { access = [], scopes } = req.routeOptions.config;
    req.ctx.principal = await app.services.integrationClients.apiKeyPrincipal(key, requiredScopes(access, scopes, req.routeOptions.url) ?? []);
  });

  for (const format of open311Formats) {
    app.get(`/discovery.${format}`, {
      config: { access: EVERYONE, rateLimit: limitAnonymous },
      schema: {
        operationId: `open311Discovery${suffix(format)}`,
        summary: `Open311: service discovery (${format.toUpperCase()}): the endpoint, its formats and contact`,
        description: `url is PUBLIC_BASE_URL + /open311/v2 (the request's own host when unset); type is production with NODE_ENV=production, else test. ${ERRORS_NOTE}`,
        tags,
        security: [],
        produces: produces(format),
        response: { 200: ok(format, open311Discovery), ...open311Problems() },
      },
      handler: async (req, reply) => send(reply, format, 'discovery', svc.discovery(`${req.protocol}://${req.host}`)),
    });

    app.get(`/services.${format}`, {
      config: { access: EVERYONE, rateLimit: limitAnonymous },
      schema: {
        operationId: `open311ListServices${suffix(format)}`,
        summary: `Open311: service list (${format.toUpperCase()}): the complaint categories`,
        description: `XML: <services><service>…</service></services>. ${ERRORS_NOTE}`,
        tags,
        security: [],
        querystring: queryOf(open311JurisdictionQuery),
        produces: produces(format),
        response: { 200: ok(format, z.array(open311Service)), ...open311Problems() },
      },
      handler: async (_req, reply) => send(reply, format, 'services', svc.services()),
    });

    app.get(`/services/:service_code.${format}`, {
      config: { access: EVERYONE, rateLimit: limitAnonymous },
      schema: {
        operationId: `open311GetServiceDefinition${suffix(format)}`,
        summary: `Open311: a service definition (${format.toUpperCase()}): the attributes a request of this service takes`,
        description: `XML: <service_definition><service_code/><attributes><attribute>…<values><value><key/><name/></value></values></attribute></attributes></service_definition>. An unknown service_code is 404. ${ERRORS_NOTE}`,
        tags,
        security: [],
        params: open311ServiceCodeParams,
        querystring: queryOf(open311JurisdictionQuery),
        produces: produces(format),
        response: { 200: ok(format, open311ServiceDefinition), ...open311Problems() },
      },
      handler: async (req, reply) => send(reply, format, 'service_definition', svc.definition(req.params.service_code)),
    });

    app.post(`/requests.${format}`, {
      config: { access: ['anonymous', 'integration'], scopes: ['complaints:write'], rateLimit: limitAnonymous },
      schema: {
        operationId: `open311CreateRequest${suffix(format)}`,
        summary: `Open311: file a service request (a complaint), answering in ${format.toUpperCase()}; form-urlencoded or JSON`,
        description:
          'With an api_key or an integration bearer token (source integration). ' +
          'api_key is required without a bearer token: one the campaign office issued to an integration client holding complaints:write (unknown, revoked or lacking the scope: 403). A location is required: lat and long, ' +
          'address_string or address_id. An unknown service_code is 404. Names, email, phone, device_id and account_id are kept with the ' +
          'complaint\'s protected contact (admins only). service_request_id is the complaint tracking code. ' +
          `XML: <service_requests><request><service_request_id/><service_notice/><account_id/></request></service_requests>. ${ERRORS_NOTE}`,
        tags,
        security: [{}, { bearer: [] }],
        consumes: ['application/x-www-form-urlencoded', 'application/json'],
        body: open311RequestBody,
        produces: produces(format),
        response: { 201: ok(format, open311Receipt), ...open311Problems(415) },
      },
      preValidation: async (req) => {
        req.body = foldAttributes(req.body) as typeof req.body;
      },
      handler: async (req, reply) => send(reply.status(201), format, 'service_requests', await svc.submit(req.ctx, req.body)),
    });

    app.get(`/requests.${format}`, {
      config: { access: EVERYONE, rateLimit: limitAnonymous },
      schema: {
        operationId: `open311ListRequests${suffix(format)}`,
        summary: `Open311: service requests (${format.toUpperCase()}; complaints, newest first; at most 1000)`,
        description:
          'Without dates, the last 90 days; start_date and end_date (W3C datetimes, end inclusive) may not span more than 90 days (400). ' +
          'service_code and status take comma lists. No personal data. The public may only look up the codes it holds (service_request_id); ' +
          `browsing needs an integration token (403). XML: <service_requests><request>…</request></service_requests>. ${ERRORS_NOTE}`,
        tags,
        security: [],
        querystring: queryOf(open311ListQuery),
        produces: produces(format),
        response: { 200: ok(format, z.array(open311Request)), ...open311Problems() },
      },
      handler: async (req, reply) => send(reply, format, 'service_requests', await svc.list(req.ctx, req.query)),
    });

    app.get(`/requests/:id.${format}`, {
      config: { access: EVERYONE, rateLimit: limitAnonymous },
      schema: {
        operationId: `open311GetRequest${suffix(format)}`,
        summary: `Open311: one service request by its id, the tracking code (${format.toUpperCase()}); no personal data`,
        description: `A list of one, as GeoReport has it. ${ERRORS_NOTE}`,
        tags,
        security: [],
        params: open311IdParams,
        querystring: queryOf(open311JurisdictionQuery),
        produces: produces(format),
        response: { 200: ok(format, z.array(open311Request)), ...open311Problems() },
      },
      handler: async (req, reply) => send(reply, format, 'service_requests', await svc.get(req.ctx, req.params.id)),
    });
  }
};
