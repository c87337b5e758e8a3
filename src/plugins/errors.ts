import fp from 'fastify-plugin';
import FindMyWay from 'find-my-way';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isConnectionError } from '../db/connection-errors.js';
import { errorCatalogue } from '../error-catalogue.js';
import { DomainError } from '../lib/errors.js';
import type { ErrorCode, FieldError } from '../lib/errors.js';

export const PROBLEM_TYPE_BASE = 'urn:manyi:problem:';
/** What a 503 tells the client to wait (seconds): long enough for the pool to reconnect after a restart or failover. */
export const RETRY_AFTER_SECONDS = 2;

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: ErrorCode;
  errors?: FieldError[];
  [k: string]: unknown;
}

/** Maps any thrown error to a problem document. 5xx details are never exposed. */
export function toProblem(err: unknown, instance: string): Problem {
  if (err instanceof DomainError) {
    return { type: PROBLEM_TYPE_BASE + err.code, title: err.title, status: err.status, detail: err.message, instance, code: err.code, ...err.extra };
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const errors = err.validation.map((v) => {
      const path = (v.instancePath || '').replace(/^\//, '').replace(/\//g, '.');
      const field = [err.validationContext, path].filter(Boolean).join('.');
      return { field, message: v.message ?? 'invalid' };
    });
    return {
      type: PROBLEM_TYPE_BASE + 'validation_failed',
      title: 'Bad Request',
      status: 400,
      detail: errors.map((e) => `${e.field}: ${e.message}`).join('; '),
      instance,
      code: 'validation_failed',
      errors,
    };
  }
  const e = err as { statusCode?: number; code?: string; message?: string };
  if (isConnectionError(err)) {
    return {
      type: PROBLEM_TYPE_BASE + 'database_unavailable',
      title: 'Service Unavailable',
      status: 503,
      detail: 'the database connection was lost (restart or failover); the change was not acknowledged: retry after Retry-After (a creation lost during its commit may have been saved: look before creating again)',
      instance,
      code: 'database_unavailable',
    };
  }
  const pg = pgProblem(err, instance);
  if (pg) return pg;
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    const code = httpLayerCode(e.statusCode, e.code);
    return { type: PROBLEM_TYPE_BASE + code, title: statusTitle(e.statusCode), status: e.statusCode, detail: e.message ?? '', instance, code };
  }
  return {
    type: PROBLEM_TYPE_BASE + 'internal_error',
    title: 'Internal Server Error',
    status: 500,
    detail: 'an unexpected error occurred; it has been logged with this request id',
    instance,
    code: 'internal_error',
  };
}

/**
 * Refusals by Fastify and its plugins (body parser, rate limit) carry their own codes or none: name them with a
 * catalogue code, so clients see only declared codes.
 */
function httpLayerCode(status: number, code: string | undefined): ErrorCode {
  // The router could not percent-decode the path into UTF-8 text.
  if (code === 'FST_ERR_BAD_URL') return 'invalid_characters';
  if (code === 'FST_ERR_MAX_PARAM_LENGTH' || status === 414) return 'uri_too_long';
  if (status === 408) return 'request_timeout';
  if (status === 431) return 'headers_too_large';
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE' || status === 413) return 'payload_too_large';
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || status === 415) return 'unsupported_media_type';
  if (code === 'FST_ERR_VALIDATION') return 'validation_failed';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 429) return 'rate_limited';
  if (status === 404) return 'route_not_found';
  if (status === 405) return 'method_not_allowed';
  return 'bad_request';
}

/** Safety net for constraint violations a service did not pre-check (races between two writers). */
function pgProblem(err: unknown, instance: string): Problem | null {
  const e = err as { code?: string; constraint?: string; cause?: { code?: string; constraint?: string } };
  const src = e.cause?.code ? e.cause : e;
  if (src.code === '23505') {
    return { type: PROBLEM_TYPE_BASE + 'duplicate', title: 'Conflict', status: 409, detail: `a record with the same key already exists (${src.constraint ?? 'unique'})`, instance, code: 'duplicate' };
  }
  // A malformed value that slipped past validation (e.g. a non-UUID id in a GraphQL ID argument) is the client's error.
  if (src.code === '22P02') {
    return { type: PROBLEM_TYPE_BASE + 'invalid_value', title: 'Bad Request', status: 400, detail: 'a value is not in the expected form (for ids: a UUID)', instance, code: 'invalid_value' };
  }
  // A value PostgreSQL cannot hold that validation let through: a date out of its range (22008) or form (22007), a
  // number out of range (22003), a string over a column's length (22001). The schemas bound each; this is the net.
  if (src.code === '22008' || src.code === '22007' || src.code === '22003' || src.code === '22001') {
    return { type: PROBLEM_TYPE_BASE + 'invalid_value', title: 'Bad Request', status: 400, detail: 'a value is out of the range or longer than the field can hold', instance, code: 'invalid_value' };
  }
  // NUL in text (22021) or in a JSON string (22P05): the edge refuses both (plugins/input-guard.ts); this catches a path it missed.
  if (src.code === '22021' || src.code === '22P05') {
    return { type: PROBLEM_TYPE_BASE + 'invalid_characters', title: 'Bad Request', status: 400, detail: 'a text value holds a NUL character or is not valid Unicode', instance, code: 'invalid_characters' };
  }
  if (src.code === '40001' || src.code === '40P01') {
    return { type: PROBLEM_TYPE_BASE + 'concurrent_update', title: 'Conflict', status: 409, detail: 'a concurrent change won; retry', instance, code: 'concurrent_update' };
  }
  return null;
}

export type ProblemLanguage = 'zh-CN' | 'en';

/** zh-CN when Accept-Language prefers any Chinese tag over English (RFC 9110 §12.5.4 q-values); English otherwise. */
export function problemLanguage(acceptLanguage: string | string[] | undefined): ProblemLanguage {
  if (!acceptLanguage) return 'en';
  const value = Array.isArray(acceptLanguage) ? acceptLanguage.join(',') : acceptLanguage;
  let zh = 0;
  let en = 0;
  for (const part of value.split(',')) {
    const [tag, ...params] = part.trim().toLowerCase().split(';');
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qp ? Number(qp.slice(2)) || 0 : 1;
    if (tag === 'zh' || tag.startsWith('zh-')) zh = Math.max(zh, q);
    else if (tag === 'en' || tag.startsWith('en-') || tag === '*') en = Math.max(en, q);
  }
  return zh > en ? 'zh-CN' : 'en';
}

/**
 * The problem in the caller's language: for zh-CN the code's Chinese title, and the thrower's Chinese detail or else
 * the code's Chinese description followed by the specific (English) detail. 5xx details are fixed texts: the
 * description alone. `code`, `type` and the field names never change with the language.
 */
export function localizeProblem(problem: Problem, language: ProblemLanguage, detailZh?: string): Problem {
  if (language !== 'zh-CN') return problem;
  const zh = (errorCatalogue as Record<string, { zh?: { title: string; description: string } }>)[problem.code]?.zh;
  if (!zh) return problem;
  // validation_failed describes both of its statuses; the reader needs only the one that happened.
  const description = problem.code === 'validation_failed' ? (problem.status === 400 ? '请求不符合接口格式' : '某个字段违反业务规则') : zh.description;
  const detail = detailZh ?? (problem.status >= 500 || !problem.detail ? description : `${description}（${problem.detail}）`);
  return { ...problem, title: zh.title, detail };
}

/** Sends a problem document in the request's language (Content-Language, Vary: Accept-Language). */
function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: Problem, detailZh?: string): FastifyReply {
  const language = problemLanguage(request.headers['accept-language']);
  return reply
    .status(problem.status)
    .header('content-language', language)
    .header('vary', 'accept-language')
    .type('application/problem+json')
    .send(localizeProblem(problem, language, detailZh));
}

const detailZhOf = (err: unknown) => (err instanceof DomainError ? err.detailZh : undefined);

function statusTitle(status: number): string {
  return (
    { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 406: 'Not Acceptable', 408: 'Request Timeout', 409: 'Conflict', 412: 'Precondition Failed', 413: 'Content Too Large', 414: 'URI Too Long', 415: 'Unsupported Media Type', 422: 'Unprocessable Content', 428: 'Precondition Required', 429: 'Too Many Requests', 431: 'Request Header Fields Too Large', 503: 'Service Unavailable' } as Record<number, string>
  )[status] ?? 'Error';
}

/**
 * Fastify answers a path it cannot decode (FST_ERR_BAD_URL) or a parameter over the router's limit
 * (FST_ERR_MAX_PARAM_LENGTH) before any route or hook runs: this is the `frameworkErrors` option, so those
 * answers are problem documents too.
 */
export function frameworkErrors(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const problem = toProblem(err, request.url.split('?')[0]);
  request.log.info({ code: problem.code, status: problem.status }, 'request refused');
  void sendProblem(request, reply.header('x-request-id', request.id), problem);
}

/**
 * Node's HTTP parser refuses a request before Fastify sees it (headers over the limit, a malformed request line,
 * a slow client): the `clientErrorHandler` option. Writes a problem document on the raw socket and closes it.
 * The error is not logged whole: Node attaches the raw bytes it read (`rawPacket`), which carry the headers.
 */
export function clientErrorHandler(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, detail]: [number, ErrorCode, string] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'headers_too_large', 'the request headers exceed the 16 KB limit']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request_timeout', 'the request did not arrive in time']
        : [400, 'bad_request', 'the request is not valid HTTP/1.1'];
  this.log.info({ code, status, parserError: err.code }, 'connection refused');
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ type: PROBLEM_TYPE_BASE + code, title: statusTitle(status), status, detail, instance: '', code } satisfies Problem);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}

export default fp(
  async (app) => {
    // A second router that only knows which methods exist per path, to tell 405 from 404: built at the first request
    // no route matched (from the routes seen at start), so a process that never answers 404 never holds it.
    const routes: [HTTPMethods, string][] = [];
    app.addHook('onRoute', (route) => {
      for (const m of (Array.isArray(route.method) ? route.method : [route.method]) as HTTPMethods[]) if (m !== 'HEAD' && m !== 'OPTIONS') routes.push([m, route.url]);
    });
    let known: ReturnType<typeof FindMyWay> | undefined;
    const methodsRouter = () => {
      if (known) return known;
      known = FindMyWay({ ignoreTrailingSlash: true });
      for (const [m, url] of routes.splice(0)) {
        try {
          known.on(m as never, url, () => undefined);
        } catch {
          // duplicate registrations (e.g. prefixed variants) are fine here
        }
      }
      return known;
    };

    // Fastify's own 503 while closing (return503OnClosing) is not a problem document: serverOptions turns it off
    // and this answers instead, for requests that still arrive on open keep-alive connections.
    let closing = false;
    app.addHook('preClose', async () => {
      closing = true;
    });
    // Callback style: every request passes here, and an async hook costs a promise and a microtask turn each.
    app.addHook('onRequest', (request, reply, done) => {
      if (!closing) return done();
      const problem = toProblem(new DomainError(503, 'shutting_down', 'Service Unavailable', 'this instance is shutting down; retry'), request.url);
      void sendProblem(request, reply.header('connection', 'close'), problem);
    });

    app.setErrorHandler((err, request, reply) => {
      const problem = toProblem(err, request.url);
      if (problem.code === 'database_unavailable') request.log.warn({ err }, 'request failed: database unavailable');
      // A shed request is no failure: the load-shedding plugin has logged the measure that tripped.
      else if (problem.status >= 500 && problem.code !== 'overloaded') request.log.error({ err }, 'request failed');
      else request.log.info({ code: problem.code, status: problem.status }, 'request refused');
      if (problem.status === 503) void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      void sendProblem(request, reply, problem, detailZhOf(err));
    });

    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0];
      const allowed = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => methodsRouter().find(m as never, path));
      if (allowed.length > 0) {
        void sendProblem(
          request,
          reply.header('allow', allowed.join(', ')),
          { type: PROBLEM_TYPE_BASE + 'method_not_allowed', title: 'Method Not Allowed', status: 405, detail: `${request.method} is not allowed here; use ${allowed.join(', ')}`, instance: request.url, code: 'method_not_allowed' },
          `此路径不支持 ${request.method}；请使用 ${allowed.join('、')}`,
        );
        return;
      }
      void sendProblem(
        request,
        reply,
        { type: PROBLEM_TYPE_BASE + 'route_not_found', title: 'Not Found', status: 404, detail: `no route ${request.method} ${path}`, instance: request.url, code: 'route_not_found' },
        `没有接口 ${request.method} ${path}`,
      );
    });
  },
  { name: 'errors' },
);
