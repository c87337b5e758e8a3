import fp from 'fastify-plugin';
import { pipeline } from 'node:stream';
import type { Readable } from 'node:stream';
import type { FastifyContextConfig, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { DomainError } from '../lib/errors.js';
import { HashingStream, IDEMPOTENCY_KEY_FORMAT, parseIdempotencyKey, parsedFingerprint, scopeOf, streamedFingerprint } from '../modules/idempotency/rules.js';
import type { RequestHead } from '../modules/idempotency/rules.js';
import type { IdempotencyKeyRow, StoredHeaders } from '../modules/idempotency/service.js';

/** The state of one request that sent an Idempotency-Key. */
interface KeyedRequest {
  scope: string;
  key: string;
  /** `POST /api/v1/regions` */
  route: string;
  /** A parsed body's fingerprint, known before the handler runs. */
  fingerprint?: string;
  /** A streamed body, hashed as the handler reads it. */
  stream?: { hashing: HashingStream; head: RequestHead; contentType: string };
  /** Set once this request holds the key. */
  token?: string;
  heartbeat?: NodeJS.Timeout;
  settled?: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Every POST under /api/v1 and /open311 honours Idempotency-Key; `false` opts a route out (a POST that neither
     * creates nor changes anything). GraphQL is not covered: its POST carries queries as well as mutations.
     */
    idempotency?: false;
  }
  interface FastifyRequest {
    idempotency?: KeyedRequest;
  }
}

/** The response headers a replay repeats; the rest (request id, CORS, security headers) are the replay's own. */
const REPLAYED_HEADERS = ['location', 'etag', 'content-type'] as const;
/** What a 409 in-flight tells the client to wait (seconds): the first request usually answers within it. */
export const IN_FLIGHT_RETRY_AFTER_SECONDS = 1;
/** 4xx answers that say "not now" rather than "not this request": not stored, so a retry runs again. */
const TRANSIENT_STATUSES = new Set([408, 429]);
const TRANSIENT_CODES = new Set(['concurrent_update']);

/** Whether a route honours Idempotency-Key: every POST of the REST API and the Open311 facade, unless it opts out. */
export function honoursIdempotencyKey(method: string | string[], url: string, config: FastifyContextConfig | undefined): boolean {
  return [method].flat().includes('POST') && /^\/(api|open311)\//.test(url) && config?.idempotency !== false;
}

/** The header as the OpenAPI document declares it (see plugins/docs.ts). */
export const idempotencyKeyHeader = {
  type: 'string',
  // Bare, or as the draft's Structured Field string ("…").
  pattern: '^"?[A-Za-z0-9._~:+/=-]{16,255}"?$',
  description:
    `Optional (IETF httpapi Idempotency-Key): ${IDEMPOTENCY_KEY_FORMAT}. A retry with the same key and the same request is answered with the first response ` +
    '(status, body, Location, ETag) and `Idempotent-Replayed: true`; the same key with another request is 422 idempotency_key_reused; ' +
    'while the first is still running, 409 idempotency_key_in_flight with Retry-After. Keys are kept 24 h (IDEMPOTENCY_KEY_TTL_MS) per caller; 5xx answers are not kept.',
};

const isStream = (body: unknown): body is Readable => !!body && typeof (body as Readable).pipe === 'function' && typeof (body as Readable).on === 'function';
const mediaType = (header: string | undefined) => (header ?? '').split(';')[0].trim().toLowerCase();

function problemCode(body: string | null): string | undefined {
  if (!body || !body.startsWith('{')) return undefined;
  try {
    const code = (JSON.parse(body) as { code?: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

/** 5xx and "not now" refusals are not answers to replay: the key is released so a retry can proceed. */
const replayable = (status: number, body: string | null) =>
  status < 500 && !TRANSIENT_STATUSES.has(status) && !(status === 409 && TRANSIENT_CODES.has(problemCode(body) ?? ''));

const reused = (route: string, used: string) =>
  new DomainError(
    422,
    'idempotency_key_reused',
    'Unprocessable Content',
    `this Idempotency-Key was used for a different request${used !== route ? ` (${used})` : ' (other parameters or body)'}; send a new key with a new request`,
  );

const inFlight = () =>
  new DomainError(409, 'idempotency_key_in_flight', 'Conflict', 'a request with this Idempotency-Key is still being processed; retry after Retry-After to get its response');

function replay(reply: FastifyReply, row: IdempotencyKeyRow): FastifyReply {
  for (const [name, value] of Object.entries(row.responseHeaders ?? {})) if (value) void reply.header(name, value);
  return reply
    .status(row.responseStatus!)
    .header('idempotent-replayed', 'true')
    .send(row.responseBody ?? undefined);
}

/** A refused upload is read and dropped (as Node does with a body nobody reads), so the refusal is not stuck behind it. */
function discardUpload(keyed: KeyedRequest) {
  keyed.stream?.hashing.resume();
}

function stopHeartbeat(keyed: KeyedRequest) {
  clearInterval(keyed.heartbeat);
  keyed.heartbeat = undefined;
}

/**
 * Idempotency-Key on every POST (IETF httpapi draft): the rules are in src/modules/idempotency (service.ts says
 * what is replayed, rules.ts the key format, scope and fingerprint). Without the header a request runs as always.
 *
 * The key is checked after authentication (its scope is the caller), claimed after validation and the rate limit
 * (a replay is counted like any request) as the last step before the handler, and settled in onSend, before the
 * response leaves: a client that retries the moment it has the answer already finds it stored.
 */
export default fp(
  async (app) => {
    app.decorateRequest('idempotency', undefined);

    async function claimKey(request: FastifyRequest, reply: FastifyReply) {
      const keyed = request.idempotency;
      if (!keyed) return;
      const svc = request.server.services.idempotency;
      const outcome = await svc.begin({ scope: keyed.scope, key: keyed.key, route: keyed.route, fingerprint: keyed.fingerprint ?? null });
      switch (outcome.kind) {
        case 'owner': {
          const token = outcome.token;
          keyed.token = token;
          keyed.heartbeat = setInterval(() => {
            svc.renew(keyed, token).then(
              (held) => held || stopHeartbeat(keyed),
              (err: unknown) => request.log.warn({ err }, 'idempotency key lease not renewed'),
            );
          }, Math.max(100, Math.floor(svc.leaseMs / 3)));
          keyed.heartbeat.unref();
          return;
        }
        case 'in_flight':
          discardUpload(keyed);
          void reply.header('retry-after', String(IN_FLIGHT_RETRY_AFTER_SECONDS));
          throw inFlight();
        case 'reused':
          discardUpload(keyed);
          throw reused(keyed.route, outcome.route);
        case 'completed': {
          const s = keyed.stream;
          const fingerprint = s ? streamedFingerprint(s.head, s.contentType, await s.hashing.drain()) : keyed.fingerprint;
          if (fingerprint !== outcome.row.fingerprint) throw reused(keyed.route, outcome.row.route);
          return replay(reply, outcome.row);
        }
      }
    }

    // After authentication: the scope is the caller. A malformed key is refused before anything else is read.
    async function readKey(request: FastifyRequest) {
      if (request.method !== 'POST') return;
      const parsed = parseIdempotencyKey(request.headers['idempotency-key']);
      if (!parsed) return;
      if ('refusal' in parsed) {
        throw new DomainError(400, 'idempotency_key_invalid', 'Bad Request', parsed.refusal, { errors: [{ field: 'headers.idempotency-key', message: parsed.refusal }] });
      }
      request.idempotency = { scope: scopeOf(request.ctx.principal), key: parsed.key, route: `POST ${request.routeOptions.url!}` };
    }

    // The body as the client sent it (before validation's defaults); a streamed one is hashed on its way to the handler.
    async function fingerprintBody(request: FastifyRequest) {
      const keyed = request.idempotency;
      if (!keyed) return;
      const ifMatch = request.headers['if-match'];
      const head: RequestHead = { method: request.method, route: request.routeOptions.url!, params: request.params, query: request.query, ifMatch: ifMatch?.trim() };
      if (isStream(request.body)) {
        const hashing = new HashingStream();
        pipeline(request.body, hashing, () => undefined);
        request.body = hashing;
        keyed.stream = { hashing, head, contentType: mediaType(request.headers['content-type']) };
      } else {
        keyed.fingerprint = parsedFingerprint(head, request.body);
      }
    }

    async function settle(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
      const keyed = request.idempotency;
      if (!keyed?.token || keyed.settled) return payload;
      keyed.settled = true;
      stopHeartbeat(keyed);
      const svc = request.server.services.idempotency;
      try {
        const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : payload == null ? null : undefined;
        const s = keyed.stream;
        // A streamed body the handler did not read to its end has no fingerprint: nothing to compare a retry with.
        const fingerprint = s ? (s.hashing.digest ? streamedFingerprint(s.head, s.contentType, s.hashing.digest) : undefined) : keyed.fingerprint;
        if (fingerprint && body !== undefined && replayable(reply.statusCode, body)) {
          const headers: StoredHeaders = {};
          for (const name of REPLAYED_HEADERS) {
            const value = reply.getHeader(name);
            if (value !== undefined) headers[name] = String(value);
          }
          const held = await svc.complete(keyed, keyed.token, { fingerprint, status: reply.statusCode, headers, body });
          if (!held) request.log.warn({ idempotencyKeyScope: keyed.scope }, 'idempotency key lost its lease before the response was stored; not replayable');
        } else {
          await svc.release(keyed, keyed.token);
        }
      } catch (err) {
        // The answer still goes out; the key stays in progress until its lease ends, then a retry runs again.
        request.log.error({ err }, 'idempotency key not settled');
      }
      return payload;
    }

    const stop = (request: FastifyRequest) => {
      if (request.idempotency) stopHeartbeat(request.idempotency);
    };

    // Most requests send no Idempotency-Key: for them each hook is one check and a synchronous done (no promise). A
    // keyed request's hook hands Fastify the async step's promise, as an async hook would.
    type Done = (err?: Error) => void;
    const onRequestHook = (request: FastifyRequest, _reply: FastifyReply, done: Done) =>
      request.headers['idempotency-key'] === undefined ? done() : readKey(request);
    const preValidationHook = (request: FastifyRequest, _reply: FastifyReply, done: Done) => (request.idempotency ? fingerprintBody(request) : done());
    const preHandlerHook = (request: FastifyRequest, reply: FastifyReply, done: Done) => (request.idempotency ? claimKey(request, reply) : done());
    const onSendHook = (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: Error | null, payload?: unknown) => void) =>
      request.idempotency?.token && !request.idempotency.settled ? settle(request, reply, payload) : done(null, payload);
    const onResponseHook = (request: FastifyRequest, _reply: FastifyReply, done: Done) => {
      stop(request);
      done();
    };
    const onRequestAbortHook = (request: FastifyRequest, done: Done) => {
      stop(request);
      done();
    };

    // Only the routes that honour the header carry these hooks (route-level, so after the global ones: authentication
    // first); every other request pays nothing for idempotency. Declares the 409 and 422 (in the route's own error
    // format: problem+json, or GeoReport's for Open311) and claims the key after every other preHandler of the route,
    // the rate limit included.
    app.addHook('onRoute', (route: RouteOptions) => {
      if (!honoursIdempotencyKey(route.method, route.url ?? '', route.config)) return;
      const response = route.schema?.response as Record<string, unknown> | undefined;
      if (response?.[400]) route.schema = { ...route.schema, response: { ...response, 409: response[409] ?? response[400], 422: response[422] ?? response[400] } };
      const hooks = route as unknown as Record<'onRequest' | 'preValidation' | 'preHandler' | 'onSend' | 'onResponse' | 'onRequestAbort', unknown>;
      // First among the route's own hooks (as global hooks were), except the claim: last before the handler.
      const first = (name: keyof typeof hooks, hook: unknown) => (hooks[name] = [hook, ...[hooks[name] ?? []].flat()]);
      first('onRequest', onRequestHook);
      first('preValidation', preValidationHook);
      hooks.preHandler = [...[hooks.preHandler ?? []].flat(), preHandlerHook];
      first('onSend', onSendHook);
      first('onResponse', onResponseHook);
      first('onRequestAbort', onRequestAbortHook);
    });
  },
  { name: 'idempotency', dependencies: ['auth', 'services'] },
);
