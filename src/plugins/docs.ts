import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { maxHeaderSize } from 'node:http';
import { EVERYONE } from '../lib/principal.js';
import { describeAccess, oauth2SecurityScheme, requiredScopes } from '../lib/scopes.js';
import type { Role } from '../lib/principal.js';
import { ACCESS, RATE_LIMITED, accessNote, polishDocument } from './docs-document.js';
import { honoursIdempotencyKey, idempotencyKeyHeader } from './idempotency.js';

const ifMatchHeader = {
  type: 'string',
  maxLength: 64,
  pattern: '^(W/)?"?[0-9]+"?$',
  description: 'the ETag you read (e.g. "3"): a stale one is 412 version_mismatch; without it (and without `version` in the body) the update is 428 version_required',
};

/** The OpenAPI document generated from the routes' zod schemas: /openapi.json, and the pages at /docs. */
export default fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'manyi (满意) API',
          version: '1.0.0',
          description:
            'System of record for public-service evaluation campaigns (百佳基层站所(窗口) 创建). Errors are RFC 9457 problem+json with a stable `code`. Lists are cursor-paginated. Updates need If-Match.',
        },
        components: {
          securitySchemes: {
            bearer: {
              type: 'http',
              scheme: 'bearer',
              bearerFormat: 'JWT',
              description: 'A signed JWT (JWS) with `role` and, for scoped roles, `department_id`, `unit_id` or `supervisor_id`; an admin or inspector token may carry `region_id` (a county office 县级: only its region subtree, and only operations marked `x-manyi-access.regionScoped`); verified as RFC8725 advises: allowed algorithms only (never `none`), issuer, audience and `exp` checked.',
            },
            oauth2: oauth2SecurityScheme,
          },
        },
        security: [{ bearer: [] }],
      },
      // GraphQL routes carry mercurius' own JSON schemas: they are documented by the SDL, not here.
      transform: (route) => {
        if (/^\/graph(ql|iql)/.test(route.url)) return { schema: { hide: true }, url: route.url };
        const transformed = jsonSchemaTransform(route);
        // The optional Idempotency-Key header of every POST (plugins/idempotency.ts); the plugin declares its 409 and 422.
        // Its pattern allows 255 characters, quoted: 257.
        if (route.route && honoursIdempotencyKey(route.route.method, route.url, route.route.config)) {
          const schema = transformed.schema as { headers?: { type: string; properties?: Record<string, unknown> } };
          schema.headers = { type: 'object', ...schema.headers, properties: { ...schema.headers?.properties, 'Idempotency-Key': { ...idempotencyKeyHeader, maxLength: 257 } } };
        }
        // Optimistic concurrency (lib/http.ts expectedVersion): every operation whose body takes `version` takes If-Match instead.
        const schema = transformed.schema as { body?: { properties?: Record<string, unknown> }; headers?: { type: string; properties?: Record<string, unknown> } };
        if (schema.body?.properties && 'version' in schema.body.properties) {
          schema.headers = { type: 'object', ...schema.headers, properties: { ...schema.headers?.properties, 'If-Match': ifMatchHeader } };
        }
        // Who may call it (config.access, plugins/auth.ts) and what an integration token needs (config.scopes, lib/scopes.ts):
        // in the description and as x-manyi-access.
        const config = route.route?.config as { access?: readonly Role[]; scopes?: Parameters<typeof requiredScopes>[1]; rateLimit?: unknown; regionScoped?: boolean } | undefined;
        const op = transformed.schema as Record<string, unknown> & { summary?: string; description?: string };
        if (config?.access) {
          const scopes = requiredScopes(config.access, config.scopes, route.url) ?? [];
          const extension = describeAccess(config.access, scopes);
          const scopeNote = scopes.length ? `An integration token needs the scope ${scopes.map((x) => `\`${x}\``).join(', ')}.` : '';
          op[ACCESS] = { ...(op[ACCESS] as object), ...extension, ...(config.regionScoped ? { regionScoped: true } : {}) };
          op.description = [op.description ?? op.summary, [accessNote(config.access), scopeNote].filter(Boolean).join(' ')].filter(Boolean).join('\n\n');
          if (scopes.length && !op.security) op.security = [...(config.access.includes('anonymous') ? [{}] : []), { bearer: [] }, { oauth2: [...scopes] }];
          // Anonymous callers are counted by @fastify/rate-limit (app.ts): on /api and /graphql, or where a route sets its own limit.
          const limited = config.rateLimit !== false && (typeof config.rateLimit === 'object' || /^\/(api|graphql)(\/|$)/.test(route.url));
          const max = (config.rateLimit as { max?: unknown } | undefined)?.max;
          if (config.access.includes('anonymous') && limited) op[RATE_LIMITED] = { callers: 'anonymous', perMinute: typeof max === 'number' ? max : app.config.RATE_LIMIT_ANONYMOUS_PER_MINUTE };
        }
        return transformed;
      },
      transformObject: (documentObject) =>
        polishDocument(jsonSchemaTransformObject(documentObject) as Record<string, unknown>, {
          bodyLimit: app.initialConfig.bodyLimit ?? app.config.BODY_LIMIT_BYTES,
          maxParamLength: app.initialConfig.maxParamLength ?? 100,
          maxHeaderSize: (app.server as { maxHeaderSize?: number }).maxHeaderSize ?? maxHeaderSize,
          publicBaseUrl: app.config.PUBLIC_BASE_URL,
        }) as ReturnType<typeof jsonSchemaTransformObject>,
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });

    app.withTypeProvider<ZodTypeProvider>().get('/openapi.json', {
      config: { access: EVERYONE, rateLimit: false },
      schema: { hide: true },
      handler: async () => app.swagger(),
    });
  },
  // Registered before any route it documents; auth checks that every route declares its access.
  { name: 'docs', dependencies: ['auth'] },
);
