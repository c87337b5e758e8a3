import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DomainError, unauthorized } from '../lib/errors.js';
import type { RequestContext } from '../lib/principal.js';

/**
 * The credentials a graphql-ws client may send in `connectionParams` (the connection_init payload): a browser's
 * WebSocket cannot set headers on the upgrade request, so this is the only place a browser can put its token.
 * `headers.authorization` is mercurius' own convention.
 */
const connectionParams = z.object({
  authorization: z.string().optional(),
  Authorization: z.string().optional(),
  token: z.string().min(1).optional(),
  headers: z.object({ authorization: z.string().optional(), Authorization: z.string().optional() }).optional(),
});

/** The `Authorization` value the payload carries, if any (`{ token }` is shorthand for a bearer token). */
export function authorizationOf(payload: unknown): string | undefined {
  const parsed = connectionParams.safeParse(payload);
  if (!parsed.success) return undefined;
  const p = parsed.data;
  const given = p.authorization ?? p.Authorization ?? p.headers?.authorization ?? p.headers?.Authorization;
  return given ?? (p.token === undefined ? undefined : `Bearer ${p.token}`);
}

/** graphql-ws close code for a connection_init the server refuses (authentication failed). */
export const CLOSE_FORBIDDEN = 4403;
/** A WebSocket close reason is at most 123 bytes of UTF-8. */
const closeReason = (text: string) => Buffer.from(text).subarray(0, 123).toString().replace(/\uFFFD$/, '');

/**
 * What mercurius hands `onConnect` as `this`: the connection, with its socket and the context the subscription
 * `context` function built from the upgrade request. It is not in mercurius' types; without it we refuse (fail closed).
 */
interface Connection {
  socket?: { close(code: number, reason: string): void };
  context?: { ctx?: RequestContext; request?: FastifyRequest };
}

/**
 * Mercurius `subscription.onConnect`: a token in connectionParams is verified exactly like an Authorization header
 * (app.authenticate: signature, issuer, audience, expiry, role and claims) and becomes the connection's principal.
 * Without one the upgrade request's principal stands (anonymous, or its Authorization header). A token that fails,
 * or that contradicts the upgrade's own token, closes the socket with 4403 Forbidden and the reason, as graphql-ws
 * expects; mercurius' own refusal (`connection_error`, then a close without a code) is not part of that protocol.
 */
export function connectionAuthenticator(app: FastifyInstance) {
  return async function onConnect(this: Connection | undefined, data: { payload?: unknown }): Promise<boolean | { ctx: RequestContext }> {
    const authorization = authorizationOf(data.payload);
    if (authorization === undefined) return true;
    const upgrade = this?.context?.ctx;
    if (!upgrade || !this?.socket) throw new Error('mercurius did not call onConnect on its connection: cannot authenticate connectionParams');
    try {
      const upgradeAuthorization = this.context?.request?.headers.authorization;
      if (upgradeAuthorization && upgradeAuthorization !== authorization) {
        throw unauthorized('the upgrade request and connectionParams carry different tokens');
      }
      const principal = await app.authenticate(authorization);
      return { ctx: { ...upgrade, principal } };
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      this.context?.request?.log.info({ code: err.code, detail: err.message }, 'subscription connection refused');
      this.socket.close(CLOSE_FORBIDDEN, closeReason(`Forbidden: ${err.message}`));
      return false;
    }
  };
}
