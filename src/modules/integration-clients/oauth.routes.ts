import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { EVERYONE } from '../../lib/principal.js';
import { toProblem } from '../../plugins/errors.js';
import { oauthError, tokenRequestBody, tokenResponse } from './schemas.js';
import { OAuthError } from './service.js';
import type { TokenRequest } from './service.js';

const REALM = 'Basic realm="manyi", charset="UTF-8"';

/** RFC 6749 §5.2 errors, never cached; a 401 names the scheme a client may authenticate with. */
function sendOAuthError(reply: FastifyReply, e: OAuthError) {
  reply.status(e.status).header('cache-control', 'no-store').header('pragma', 'no-cache');
  if (e.status === 401) reply.header('www-authenticate', REALM);
  if (e.extra.retryAfterSeconds) reply.header('retry-after', String(e.extra.retryAfterSeconds));
  return reply.type('application/json; charset=utf-8').send(JSON.stringify({ error: e.error, error_description: e.message }));
}

/** Form fields each given once (RFC 6749 §3.2: a parameter MUST NOT be repeated); a repeated one is kept as a list. */
function parseForm(body: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const prev = out[key];
    out[key] = prev === undefined ? value : [prev, value].flat();
  }
  return out;
}

/** client_secret_basic: `Basic base64(urlencode(client_id) ":" urlencode(client_secret))` (RFC 6749 §2.3.1). */
function basicCredentials(authorization: string): { clientId: string; clientSecret: string } {
  const m = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(authorization);
  const decoded = m ? Buffer.from(m[1], 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  if (colon < 1) throw new OAuthError(401, 'invalid_client', 'Authorization must be "Basic base64(client_id:client_secret)"', { basic: true });
  try {
    const unform = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    return { clientId: unform(decoded.slice(0, colon)), clientSecret: unform(decoded.slice(colon + 1)) };
  } catch {
    throw new OAuthError(401, 'invalid_client', 'the Basic credentials are not form-encoded', { basic: true });
  }
}

/** What the token endpoint was asked, checked field by field so that every refusal keeps RFC 6749's shape. */
function tokenRequest(request: FastifyRequest): TokenRequest {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const field = (name: string): string | undefined => {
    const v = body[name];
    if (v === undefined || v === null) return undefined;
    if (Array.isArray(v)) throw new OAuthError(400, 'invalid_request', `${name} is given more than once`);
    if (typeof v !== 'string') throw new OAuthError(400, 'invalid_request', `${name} must be a string`);
    return v;
  };
  const grantType = field('grant_type');
  if (!grantType) throw new OAuthError(400, 'invalid_request', 'grant_type is required (client_credentials)');
  const scope = field('scope');
  const postedId = field('client_id');
  const postedSecret = field('client_secret');
  const authorization = request.headers.authorization;
  const address = request.ip;
  if (authorization) {
    if (postedSecret !== undefined) throw new OAuthError(400, 'invalid_request', 'authenticate with HTTP Basic or with client_secret in the body, not both');
    const basic = basicCredentials(authorization);
    if (postedId !== undefined && postedId !== basic.clientId) throw new OAuthError(400, 'invalid_request', 'client_id in the body differs from the one in Authorization');
    return { grantType, scope, ...basic, basic: true, address };
  }
  if (!postedId || !postedSecret) throw new OAuthError(401, 'invalid_client', 'client authentication is required: HTTP Basic (client_secret_basic) or client_id and client_secret in the body (client_secret_post)');
  return { grantType, scope, clientId: postedId, clientSecret: postedSecret, basic: false, address };
}

/**
 * The OAuth 2.0 token endpoint, mounted at /oauth (outside /api/v1). Its refusals are RFC 6749 §5.2 documents, not
 * problem+json: OAuth client libraries read `error`. Failed client authentications are limited per address.
 */
export const oauthRoutes: FastifyPluginAsyncZod = async (app) => {
  const svc = app.services.integrationClients;

  // RFC 6749 §4.4.2 posts forms; JSON is taken too (the default parser).
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, parseForm(body as string)));

  app.setErrorHandler((err, request, reply) => {
    if (err instanceof OAuthError) return sendOAuthError(reply, err);
    const p = toProblem(err, request.url);
    if (p.status >= 500) {
      request.log.error({ err }, 'token request failed');
      return sendOAuthError(reply, new OAuthError(p.status, 'server_error', 'the token could not be issued; retry later'));
    }
    request.log.info({ code: p.code, status: p.status }, 'token request refused');
    return sendOAuthError(reply, new OAuthError(p.status === 413 ? 413 : 400, 'invalid_request', p.detail));
  });

  app.post('/token', {
    config: { access: EVERYONE, ownAuthorization: true },
    schema: {
      operationId: 'oauthToken',
      summary: 'OAuth 2.0 token endpoint: the client-credentials grant (RFC 6749 §4.4) for integration clients',
      description:
        'Form-urlencoded (or JSON) `grant_type=client_credentials` and an optional `scope` (space-separated, a subset of the client\'s scopes; default all). ' +
        'The client authenticates with HTTP Basic (client_secret_basic) or `client_id` and `client_secret` in the body (client_secret_post). ' +
        'The answer is RFC 6749 §5.1 `{access_token, token_type, expires_in, scope}` with Cache-Control: no-store: a JWT (role integration, sub and client_id the client) verifiable with /.well-known/jwks.json. ' +
        'Refusals are RFC 6749 §5.2 `{error, error_description}`, not problem+json: invalid_request, invalid_client (401, WWW-Authenticate; 429 with Retry-After after repeated failures from one address), unsupported_grant_type, invalid_scope.',
      tags: ['oauth'],
      security: [],
      consumes: ['application/x-www-form-urlencoded', 'application/json'],
      body: tokenRequestBody,
      response: { 200: tokenResponse, 400: oauthError, 401: oauthError, 429: oauthError },
    },
    handler: async (req, reply) => {
      const issued = await svc.issueToken(tokenRequest(req));
      return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send(issued);
    },
  });
};
