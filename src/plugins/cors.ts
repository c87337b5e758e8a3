import fp from 'fastify-plugin';
import cors from '@fastify/cors';
import type { Config } from '../config.js';

/** Every method a route of the API answers, and OPTIONS for the preflight itself. */
export const CORS_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
/** What a browser front end sends: the token, JSON bodies, optimistic concurrency, retries, tracing, language. */
export const CORS_ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'If-Match', 'If-None-Match', 'Idempotency-Key', 'X-Request-Id', 'Accept-Language'];
/** What a front end must be able to read: the version for its next If-Match, where a creation lives, when to retry. */
export const CORS_EXPOSED_HEADERS = ['ETag', 'Location', 'X-Request-Id', 'Retry-After', 'Idempotent-Replayed', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'];
/** How long a browser may reuse a preflight answer (seconds); Chromium caps it at 7200. */
export const CORS_MAX_AGE_SECONDS = 600;

/**
 * Cross-origin access for browser front ends on CORS_ORIGINS; off (no CORS header at all) when it is empty.
 * Tokens travel in Authorization, never in cookies, so credentials are not allowed. The preflight is answered in
 * the onRequest hook, before authentication and the rate limit: a browser sends it without the token.
 */
export default fp<{ config: Config }>(
  async (app, { config }) => {
    await app.register(cors, {
      origin: config.CORS_ORIGINS.length ? config.CORS_ORIGINS : false,
      methods: CORS_METHODS,
      allowedHeaders: CORS_ALLOWED_HEADERS,
      exposedHeaders: CORS_EXPOSED_HEADERS,
      credentials: false,
      maxAge: CORS_MAX_AGE_SECONDS,
      strictPreflight: true,
    });
  },
  { name: 'cors' },
);
