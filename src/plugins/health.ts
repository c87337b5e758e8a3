import fp from 'fastify-plugin';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { migrationStatus } from '../db/migrate.js';
import { problems } from '../lib/http.js';
import type { KeyPair } from '../lib/keys.js';
import { EVERYONE } from '../lib/principal.js';

/** What probes and webhook receivers ask of the process: liveness, readiness and the webhook signing keys. */
export default fp<{ localKeys?: KeyPair }>(
  async (app, { localKeys }) => {
    const database = app.database;
    const typed = app.withTypeProvider<ZodTypeProvider>();
    typed.get('/healthz', {
      config: { access: EVERYONE, rateLimit: false },
      schema: { operationId: 'healthz', summary: 'Process is up', tags: ['health'], security: [], response: { 200: z.object({ status: z.literal('ok') }) } },
      handler: async () => ({ status: 'ok' as const }),
    });
    typed.get('/readyz', {
      config: { access: EVERYONE, rateLimit: false },
      schema: {
        operationId: 'readyz',
        summary: 'Database reachable and migrations current (and whether Redis is, when configured)',
        tags: ['health'],
        security: [],
        response: {
          200: z.object({
            status: z.literal('ready'),
            database: z.string(),
            migrations: z.number().int(),
            redis: z
              .enum(['connected', 'reconnecting'])
              .optional()
              .describe('With REDIS_URL: whether this copy reaches Redis. Not a readiness condition: without it the anonymous rate limit fails open and subscriptions wait for the reconnect, so taking every copy out of rotation would only turn that into an outage'),
            calendar: z
              .object({
                timeZone: z.string().describe('TIME_ZONE: the zone whose calendar days deadlines count'),
                loaded: z.boolean().describe('false while the calendar could not be read yet (weekends only meanwhile)'),
                missingYears: z.array(z.number().int()).describe('the current or next year when it has no national holiday schedule: deadlines then count weekends only'),
                warning: z.string().optional(),
              })
              .describe('The holiday calendar (节假日安排). A missing year is a warning, not a readiness condition: deadlines are still computed, on weekends only'),
          }),
          ...problems(503),
        },
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
        const missingYears = app.services.calendar.missingYears();
        const calendar = {
          timeZone: app.services.calendar.timeZone,
          loaded: app.services.calendar.loaded,
          missingYears,
          ...(missingYears.length ? { warning: `no holiday schedule for ${missingYears.join(', ')}: deadlines there count weekends only; load one with PUT /api/v1/calendar/years/{year}` } : {}),
        };
        return { status: 'ready' as const, database: database.kind, migrations: m.applied, ...(app.redis ? { redis: app.redis.state() } : {}), calendar };
      },
    });

    typed.get('/.well-known/jwks.json', {
      config: { access: EVERYONE, rateLimit: false },
      schema: { operationId: 'jwks', summary: 'Public keys that sign webhook payloads (JWS) and integration clients\' access tokens (POST /oauth/token)', tags: ['webhooks'], security: [], response: { 200: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }) } },
      handler: async () => ({ keys: [...(localKeys ? [localKeys.publicJwk] : []), (await app.services.integrationClients.signingKeys()).publicJwk] }),
    });
  },
  { name: 'health', dependencies: ['database', 'auth', 'redis', 'services'] },
);
