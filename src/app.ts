import Fastify from 'fastify';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';
import helmet from '@fastify/helmet';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Config } from './config.js';
import type { Database } from './db/client.js';
import { migrationStatus } from './db/migrate.js';
import type { KeyPair } from './lib/keys.js';
import { uuidv7 } from './lib/ids.js';
import { EVERYONE, systemContext } from './lib/principal.js';
import { problems } from './lib/http.js';
import authPlugin from './plugins/auth.js';
import errorsPlugin from './plugins/errors.js';
import graphqlPlugin from './plugins/graphql.js';
import { createServices } from './modules/services.js';
import type { Services } from './modules/services.js';
import { facadeModules, graphqlModules, restModules } from './modules/index.js';
import { publishAwardStatusChanges } from './modules/awards/graphql.js';

/** How often overdue rectifications are checked for automatic yellow cards. */
const AWARD_ESCALATION_INTERVAL_MS = 60_000;

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
    config: Config;
  }
}

export interface AppOptions {
  config: Config;
  database: Database;
  /** Local signing key pair (embedded default, development and tests). */
  localKeys?: KeyPair;
}

/** The whole service as a plugin: it never listens; server.ts and the tests decide how it runs. */
export const manyi = fp<AppOptions>(
  async (app, { config, database, localKeys }) => {
    // Our routes carry zod schemas; plugins (mercurius) bring plain JSON schemas and keep fastify's defaults.
    app.setValidatorCompiler((route) => (isZod(route.schema) ? validatorCompiler(route as never) : ajvFallback(route)));
    app.setSerializerCompiler((route) => (isZod(route.schema) ? serializerCompiler(route as never) : (data: unknown) => JSON.stringify(data)));
    app.decorate('config', config);
    app.decorate('services', createServices(database, { config, keys: localKeys }));
    app.addHook('onClose', async () => database.close());
    app.addHook('onSend', async (request, reply) => {
      reply.header('x-request-id', request.id);
    });

    await app.register(errorsPlugin);
    // JSON API: a CSP would only get in the way of the docs pages.
    await app.register(helmet, { contentSecurityPolicy: false });
    await app.register(cors, { origin: config.CORS_ORIGINS.length ? config.CORS_ORIGINS : false, exposedHeaders: ['etag', 'x-request-id', 'location'] });
    await app.register(authPlugin, { config, localKeys });
    // Only the public is limited; authenticated callers are accountable through their tokens.
    await app.register(rateLimit, {
      global: true,
      hook: 'preHandler',
      max: config.RATE_LIMIT_ANONYMOUS_PER_MINUTE,
      timeWindow: '1 minute',
      // GraphQL too: its public fields (complaint intake, tracking lookup) are the same doors as the REST ones.
      allowList: (req) => req.ctx?.principal.role !== 'anonymous' || !/^\/(api|graphql)(\/|\?|$)/.test(req.url),
    });

    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'manyi (满意) API',
          version: '1.0.0',
          description:
            'System of record for public-service evaluation campaigns (百佳基层站所(窗口) 创建). Errors are RFC 9457 problem+json with a stable `code`. Lists are cursor-paginated. Updates need If-Match.',
        },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
        security: [{ bearer: [] }],
      },
      // GraphQL routes carry mercurius' own JSON schemas: they are documented by the SDL, not here.
      transform: (route) => (/^\/graph(ql|iql)/.test(route.url) ? { schema: { hide: true }, url: route.url } : jsonSchemaTransform(route)),
      transformObject: jsonSchemaTransformObject,
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });

    const typed = app.withTypeProvider<ZodTypeProvider>();
    typed.get('/openapi.json', {
      config: { access: EVERYONE, rateLimit: false },
      schema: { hide: true },
      handler: async () => app.swagger(),
    });
    typed.get('/healthz', {
      config: { access: EVERYONE, rateLimit: false },
      schema: { operationId: 'healthz', summary: 'Process is up', tags: ['health'], security: [], response: { 200: z.object({ status: z.literal('ok') }) } },
      handler: async () => ({ status: 'ok' as const }),
    });
    typed.get('/readyz', {
      config: { access: EVERYONE, rateLimit: false },
      schema: {
        operationId: 'readyz',
        summary: 'Database reachable and migrations current',
        tags: ['health'],
        security: [],
        response: { 200: z.object({ status: z.literal('ready'), database: z.string(), migrations: z.number().int() }), ...problems(503) },
      },
      handler: async (_req, reply) => {
        try {
          await database.db.execute(sql`select 1`);
        } catch {
          return reply.status(503).type('application/problem+json').send({ type: 'urn:manyi:problem:not_ready', title: 'Service Unavailable', status: 503, detail: 'database unreachable', instance: '/readyz', code: 'database_unreachable' });
        }
        const m = await migrationStatus(database);
        if (m.applied < m.expected) {
          return reply.status(503).type('application/problem+json').send({ type: 'urn:manyi:problem:not_ready', title: 'Service Unavailable', status: 503, detail: `migrations pending: ${m.applied} of ${m.expected} applied`, instance: '/readyz', code: 'migrations_pending' });
        }
        return { status: 'ready' as const, database: database.kind, migrations: m.applied };
      },
    });

    typed.get('/.well-known/jwks.json', {
      config: { access: EVERYONE, rateLimit: false },
      schema: { operationId: 'jwks', summary: 'Public keys that sign webhook payloads (JWS)', tags: ['webhooks'], security: [], response: { 200: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }) } },
      handler: async () => ({ keys: localKeys ? [localKeys.publicJwk] : [] }),
    });

    // Outbox dispatcher: every process delivers; rows are claimed with SKIP LOCKED, so N copies never double-send.
    if (config.WEBHOOK_DISPATCH_INTERVAL_MS > 0) {
      let running = false;
      const timer = setInterval(() => {
        if (running) return;
        running = true;
        app.services.webhooks
          .dispatchDue()
          .catch((err) => app.log.error({ err }, 'webhook dispatch failed'))
          .finally(() => (running = false));
      }, config.WEBHOOK_DISPATCH_INTERVAL_MS);
      timer.unref();
      app.addHook('onClose', async () => clearInterval(timer));
    }

    // Periodic sweeps. 逾期未整改自动黄牌: cycles with settings.awards.autoEscalateOverdue yellow-card overdue rectifications, as the system.
    // Runs where the dispatcher runs; each award moves under its row lock, so N copies never yellow-card twice.
    if (config.WEBHOOK_DISPATCH_INTERVAL_MS > 0) {
      let escalating = false;
      const timer = setInterval(() => {
        if (escalating) return;
        escalating = true;
        // The same sweep announces newly overdue rectifications (problem.overdue) once per deadline.
        Promise.all([
          app.services.awards.escalateAutomatically().catch((err) => app.log.error({ err }, 'award escalation failed')),
          app.services.problems.notifyOverdue(systemContext('problem-overdue')).catch((err) => app.log.error({ err }, 'overdue notices failed')),
        ]).finally(() => (escalating = false));
      }, AWARD_ESCALATION_INTERVAL_MS);
      timer.unref();
      app.addHook('onClose', async () => clearInterval(timer));
    }

    await app.register(
      async (api) => {
        for (const mod of restModules) await api.register(mod);
      },
      { prefix: '/api/v1' },
    );
    for (const f of facadeModules) await app.register(f.plugin, { prefix: f.prefix });
    await app.register(graphqlPlugin, { config, modules: graphqlModules });
    publishAwardStatusChanges(app);
  },
  { name: 'manyi' },
);

const isZod = (schema: unknown) => schema instanceof z.ZodType;
/** Plugins' JSON-schema routes (mercurius) are validated by the resolvers/GraphQL itself. */
const ajvFallback = (_route: unknown) => (data: unknown) => ({ value: data });

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function serverOptions(config: Config, logger: FastifyServerOptions['logger']): FastifyServerOptions {
  return {
    logger,
    bodyLimit: config.BODY_LIMIT_BYTES,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : uuidv7();
    },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true },
  };
}

/** A ready-to-inject instance (tests, tools). */
export async function buildApp(opts: AppOptions, logger: FastifyServerOptions['logger'] = false): Promise<FastifyInstance> {
  const app = Fastify(serverOptions(opts.config, logger));
  await app.register(manyi, opts);
  await app.ready();
  return app;
}
