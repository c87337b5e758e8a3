import Fastify from 'fastify';
import type { Server } from 'node:http';
import type { FastifyContextConfig, FastifyHttpOptions, FastifyInstance, FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import type { Config } from './config.js';
import type { Database } from './db/client.js';
import type { KeyPair } from './lib/keys.js';
import { uuidv7 } from './lib/ids.js';
import { AccessLog, requestChildLogger } from './lib/logger.js';
import authPlugin from './plugins/auth.js';
import configPlugin from './plugins/config.js';
import corsPlugin from './plugins/cors.js';
import databasePlugin from './plugins/database.js';
import docsPlugin from './plugins/docs.js';
import errorsPlugin, { clientErrorHandler, frameworkErrors } from './plugins/errors.js';
import graphiqlPlugin from './plugins/graphiql.js';
import graphqlPlugin from './plugins/graphql.js';
import healthPlugin from './plugins/health.js';
import homePlugin from './plugins/home.js';
import idempotencyPlugin from './plugins/idempotency.js';
import inputGuardPlugin from './plugins/input-guard.js';
import loadSheddingPlugin from './plugins/load-shedding.js';
import pubsubPlugin from './plugins/pubsub.js';
import redisPlugin from './plugins/redis.js';
import requestIdPlugin from './plugins/request-id.js';
import securityHeadersPlugin from './plugins/security-headers.js';
import schedulesPlugin from './plugins/schedules.js';
import servicesPlugin from './plugins/services.js';
import validationPlugin from './plugins/validation.js';
import calendarPlugin from './modules/calendar/plugin.js';
import { facadeModules, graphqlModules, graphqlPublications, restModules, scheduledJobs } from './modules/index.js';

export interface AppOptions {
  config: Config;
  database: Database;
  /** Local signing key pair (embedded default, development and tests). */
  localKeys?: KeyPair;
}

/** The whole service as a plugin: it never listens; server.ts and the tests decide how it runs. */
export const manyi = fp<AppOptions>(
  async (app, { config, database, localKeys }) => {
    // Production serializes responses with the compiled serializers; elsewhere zod stays the reference and checks them.
    await app.register(validationPlugin, { responses: config.NODE_ENV === 'production' ? 'compiled' : 'checked' });
    await app.register(configPlugin, { config });
    // Early, so it closes late: rate limit, subscriptions and readiness use it (null without REDIS_URL).
    await app.register(redisPlugin, { config });
    await app.register(databasePlugin, { database });
    await app.register(servicesPlugin, { localKeys });
    // Deadlines are computed on the holiday calendar from the first request on.
    await app.register(calendarPlugin);
    await app.register(requestIdPlugin);

    await app.register(errorsPlugin);
    // First after the error handler: a shed request costs no authentication, parsing or database work.
    await app.register(loadSheddingPlugin, { config });
    // Before auth: a token in the query string is refused before anything reads or logs it.
    await app.register(inputGuardPlugin);
    await app.register(securityHeadersPlugin);
    await app.register(corsPlugin, { config });
    await app.register(authPlugin, { config, localKeys });
    // Only the public is limited; authenticated callers are accountable through their tokens. A route the public cannot
    // reach (it refuses anonymous callers with 401 before this hook) or that lies outside /api and /graphql would
    // allow-list every request: it gets no limiter hook at all (route-level, decided once at start).
    app.addHook('onRoute', (route) => {
      if (route.config?.rateLimit === undefined && !anonymousLimited(route.url ?? '', route.config)) route.config = { ...route.config, rateLimit: false };
    });
    await app.register(rateLimit, {
      global: true,
      hook: 'preHandler',
      max: config.RATE_LIMIT_ANONYMOUS_PER_MINUTE,
      timeWindow: '1 minute',
      // GraphQL too: its public fields (complaint intake, tracking lookup) are the same doors as the REST ones.
      allowList: (req) => req.ctx?.principal.role !== 'anonymous' || !LIMITED_PATHS.test(req.url),
      // With Redis the counters are shared, so N copies allow the limit once, not N times. While Redis is away the
      // limit fails OPEN (skipOnError): failing closed would turn a Redis outage into an outage of every public door
      // (ratings, complaints, rankings) on every copy, while load shedding, the per-respondent daily rating limit
      // (PostgreSQL) and the body and GraphQL cost limits keep guarding the service meanwhile.
      ...(app.redis ? { redis: app.redis.client, nameSpace: `${app.redis.prefix}rate-limit:`, skipOnError: true } : {}),
    });
    // After auth (a key's scope is its caller) and the rate limit (a replay counts like any request), before any route.
    await app.register(idempotencyPlugin);

    await app.register(docsPlugin);
    await app.register(healthPlugin, { localKeys });
    await app.register(homePlugin, { config });
    await app.register(schedulesPlugin, { jobs: scheduledJobs, database });

    await app.register(
      async (api) => {
        for (const mod of restModules) await api.register(mod);
      },
      { prefix: '/api/v1' },
    );
    for (const f of facadeModules) await app.register(f.plugin, { prefix: f.prefix });
    await app.register(graphqlPlugin, { config, modules: graphqlModules });
    // The IDE needs introspection; outside production only, as mercurius' own page was.
    if (config.NODE_ENV !== 'production' && config.GRAPHQL_INTROSPECTION) await app.register(graphiqlPlugin);
    await app.register(pubsubPlugin, { publications: graphqlPublications });
  },
  { name: 'manyi' },
);

/** Where the anonymous rate limit counts: the REST API and GraphQL. */
const LIMITED_PATHS = /^\/(api|graphql)(\/|\?|$)/;

/**
 * Whether the global anonymous limit can ever count a request of this route: it lies under /api or /graphql and an
 * anonymous caller gets past authentication (the route admits anonymous, declares no access, like GraphQL whose fields
 * guard themselves, or reads Authorization itself).
 */
export function anonymousLimited(url: string, config: FastifyContextConfig | undefined): boolean {
  return LIMITED_PATHS.test(url) && (!config?.access || config.access.includes('anonymous') || config.ownAuthorization === true);
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Longer path parameters answer 414 uri_too_long; 431 headers_too_large past the header limit. */
const MAX_PARAM_LENGTH = 100;
const MAX_HEADER_BYTES = 16 * 1024;

export function serverOptions(config: Config, logger: FastifyServerOptions['logger']): FastifyHttpOptions<Server> {
  return {
    logger,
    // One access line per request (when it completes), not two.
    logController: new AccessLog(),
    childLoggerFactory: requestChildLogger,
    bodyLimit: config.BODY_LIMIT_BYTES,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : uuidv7();
    },
    // The errors plugin answers requests that arrive while closing, as a problem document.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    // Slow and idle clients are cut off deliberately (README, Configuration): a half-sent request answers 408.
    requestTimeout: config.REQUEST_TIMEOUT_MS,
    keepAliveTimeout: config.KEEP_ALIVE_TIMEOUT_MS,
    connectionTimeout: config.CONNECTION_TIMEOUT_MS,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
    // Refusals Fastify and Node's HTTP parser answer before any hook: problem documents too.
    frameworkErrors,
    clientErrorHandler,
    http: {
      maxHeaderSize: MAX_HEADER_BYTES,
      headersTimeout: config.HEADERS_TIMEOUT_MS,
      requestTimeout: config.REQUEST_TIMEOUT_MS,
      // Node looks for late headers and bodies only this often (30 s by default), which would stretch every limit.
      connectionsCheckingInterval: Math.min(1000, Math.ceil(config.HEADERS_TIMEOUT_MS / 2)),
    },
  };
}

/** A ready-to-inject instance (tests, tools). */
export async function buildApp(opts: AppOptions, logger: FastifyServerOptions['logger'] = false): Promise<FastifyInstance> {
  const app = Fastify(serverOptions(opts.config, logger));
  await app.register(manyi, opts);
  await app.ready();
  return app;
}
