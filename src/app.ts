import Fastify from 'fastify';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';
import helmet from '@fastify/helmet';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import type { Config } from './config.js';
import type { Database } from './db/client.js';
import type { KeyPair } from './lib/keys.js';
import { uuidv7 } from './lib/ids.js';
import authPlugin from './plugins/auth.js';
import configPlugin from './plugins/config.js';
import databasePlugin from './plugins/database.js';
import docsPlugin from './plugins/docs.js';
import errorsPlugin from './plugins/errors.js';
import graphqlPlugin from './plugins/graphql.js';
import healthPlugin from './plugins/health.js';
import pubsubPlugin from './plugins/pubsub.js';
import requestIdPlugin from './plugins/request-id.js';
import schedulesPlugin from './plugins/schedules.js';
import servicesPlugin from './plugins/services.js';
import validationPlugin from './plugins/validation.js';
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
    await app.register(validationPlugin);
    await app.register(configPlugin, { config });
    await app.register(databasePlugin, { database });
    await app.register(servicesPlugin, { localKeys });
    await app.register(requestIdPlugin);

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

    await app.register(docsPlugin);
    await app.register(healthPlugin, { localKeys });
    await app.register(schedulesPlugin, { jobs: scheduledJobs });

    await app.register(
      async (api) => {
        for (const mod of restModules) await api.register(mod);
      },
      { prefix: '/api/v1' },
    );
    for (const f of facadeModules) await app.register(f.plugin, { prefix: f.prefix });
    await app.register(graphqlPlugin, { config, modules: graphqlModules });
    await app.register(pubsubPlugin, { publications: graphqlPublications });
  },
  { name: 'manyi' },
);

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
