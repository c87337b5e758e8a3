import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { EVERYONE } from '../lib/principal.js';
import { describeAccess, oauth2SecurityScheme, requiredScopes } from '../lib/scopes.js';
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
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, oauth2: oauth2SecurityScheme } },
        security: [{ bearer: [] }],
      },
      // GraphQL routes carry mercurius' own JSON schemas: they are documented by the SDL, not here.
      transform: (route) => {
        if (/^\/graph(ql|iql)/.test(route.url)) return { schema: { hide: true }, url: route.url };
        const transformed = jsonSchemaTransform(route);
        // The optional Idempotency-Key header of every POST (plugins/idempotency.ts); the plugin declares its 409 and 422.
        if (route.route && honoursIdempotencyKey(route.route.method, route.url, route.route.config)) {
          const schema = transformed.schema as { headers?: { type: string; properties?: Record<string, unknown> } };
          schema.headers = { type: 'object', ...schema.headers, properties: { ...schema.headers?.properties, 'Idempotency-Key': idempotencyKeyHeader } };
        }
        // Optimistic concurrency (lib/http.ts expectedVersion): every operation whose body takes `version` takes If-Match instead.
        const schema = transformed.schema as { body?: { properties?: Record<string, unknown> }; headers?: { type: string; properties?: Record<string, unknown> } };
        if (schema.body?.properties && 'version' in schema.body.properties) {
          schema.headers = { type: 'object', ...schema.headers, properties: { ...schema.headers?.properties, 'If-Match': ifMatchHeader } };
        }
        // Who may call (config.access) and what an integration token needs (config.scopes), on every operation.
        const access = route.route?.config?.access;
        if (access) {
          const scopes = requiredScopes(access, route.route?.config?.scopes, route.url) ?? [];
          const { extension, sentence } = describeAccess(access, scopes);
          const op = transformed.schema as Record<string, unknown>;
          op['x-manyi-access'] = extension;
          op.description = [op.description, sentence].filter(Boolean).join(' ');
          if (scopes.length && !op.security) op.security = [...(access.includes('anonymous') ? [{}] : []), { bearer: [] }, { oauth2: [...scopes] }];
        }
        return transformed;
      },
      transformObject: jsonSchemaTransformObject,
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
