import fp from 'fastify-plugin';

/**
 * The security headers helmet 8 sends with its defaults, CSP off (a CSP would only get in the way of the docs pages;
 * GraphiQL sends its own, src/plugins/graphiql.ts). @fastify/helmet rebuilds helmet's middleware chain on every request
 * (a dozen functions, each setting one header); these never vary, so they are written once per request from one
 * frozen table. test/security-headers.test.ts proves them equal to what @fastify/helmet sends.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
});

/** Every response, errors and 404s included, carries the security headers. */
export default fp(
  async (app) => {
    // Synchronous (done-style): no promise per request.
    app.addHook('onRequest', (_request, reply, done) => {
      void reply.headers(SECURITY_HEADERS);
      done();
    });
  },
  { name: 'security-headers' },
);
