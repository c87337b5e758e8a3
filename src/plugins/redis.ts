import fp from 'fastify-plugin';
import type { Redis, RedisOptions } from 'ioredis';
import type { MQEmitter } from 'mqemitter';
import type { Config } from '../config.js';

/** What the copies of the service share through Redis (REDIS_URL); `app.redis` is null without it. */
export interface SharedRedis {
  /**
   * For commands (the anonymous rate limit's counters, the readiness ping). It never queues: while Redis is away a
   * command fails at once (or after COMMAND_TIMEOUT_MS when Redis hangs), so no request waits for it.
   */
  client: Redis;
  /** The GraphQL subscriptions' emitter: publishes to every copy's subscribers, on channels under the key prefix. */
  emitter: MQEmitter;
  /** REDIS_KEY_PREFIX: every key and channel of this deployment starts with it. */
  prefix: string;
  /** `connected` when the command, publish and subscribe connections are all up; `reconnecting` otherwise. */
  state(): 'connected' | 'reconnecting';
}

declare module 'fastify' {
  interface FastifyInstance {
    redis: SharedRedis | null;
  }
}

/** A readiness ping or a rate-limit count gives up after this long on a Redis that accepts but does not answer. */
const COMMAND_TIMEOUT_MS = 1000;
const CONNECT_TIMEOUT_MS = 5000;

/** mqemitter-redis ships the prefixing emitter untyped: it prefixes every channel and strips the prefix on delivery. */
type PrefixEmitterCtor = new (prefix: string, opts: { pubConn: Redis; subConn: Redis }) => MQEmitter & {
  state: { on(event: 'error', listener: (err: Error) => void): void };
};

/** The URL without its password, for messages and logs. */
export function redactedRedisUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

/**
 * The one owner of this process's Redis connections (only with REDIS_URL): three of them — commands, publish, and
 * subscribe (a subscribing connection can do nothing else). They connect at start, and the start fails with a message
 * naming REDIS_URL when Redis cannot be reached. At runtime ioredis reconnects on its own and re-subscribes the
 * subscription channels; meanwhile the rate limit counts nothing (fail-open, see app.ts), events published are queued
 * on the publish connection until it is back, and events that arrive while the subscribe connection is down are
 * missed (Redis pub/sub keeps no history). Losing and regaining Redis is logged once each way. Closing the app closes
 * all three, after the subscriptions and jobs (onClose runs in reverse order of registration).
 */
export default fp<{ config: Config }>(
  async (app, { config }) => {
    if (!config.REDIS_URL) {
      app.decorate('redis', null);
      return;
    }
    // Loaded only with REDIS_URL: a single copy never holds the Redis client and the emitter in memory.
    const [{ Redis }, mqemitterRedis] = await Promise.all([import('ioredis'), import('mqemitter-redis')]);
    const { MQEmitterRedisPrefix } = mqemitterRedis.default as unknown as { MQEmitterRedisPrefix: PrefixEmitterCtor };
    const where = redactedRedisUrl(config.REDIS_URL);
    // Named after their role under the prefix, so CLIENT LIST tells a deployment's connections apart.
    const base = (role: string): RedisOptions => ({ lazyConnect: true, connectTimeout: CONNECT_TIMEOUT_MS, connectionName: `${config.REDIS_KEY_PREFIX}${role}` });
    const client = new Redis(config.REDIS_URL, { ...base('commands'), enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: COMMAND_TIMEOUT_MS });
    const pubConn = new Redis(config.REDIS_URL, base('publish'));
    const subConn = new Redis(config.REDIS_URL, base('subscribe'));
    const connections = { commands: client, publish: pubConn, subscribe: subConn };

    let started = false;
    let closing = false;
    let lastError: Error | undefined;
    let lost = false;
    for (const [role, conn] of Object.entries(connections)) {
      // Without a listener an 'error' event would be thrown; ioredis emits one per failed reconnect attempt.
      conn.on('error', (err: Error) => {
        lastError = err;
        if (started && !closing && !lost) {
          lost = true;
          app.log.warn({ err, redis: where, connection: role }, 'Redis connection lost; reconnecting (rate limit not counted, subscriptions paused meanwhile)');
        }
      });
      conn.on('ready', () => {
        if (lost && Object.values(connections).every((c) => c.status === 'ready')) {
          lost = false;
          app.log.info({ redis: where }, 'Redis connection restored');
        }
      });
    }
    const end = (conn: Redis) => (conn.status === 'ready' ? conn.quit().then(() => undefined, () => conn.disconnect()) : conn.disconnect());

    try {
      await Promise.all(Object.values(connections).map((c) => c.connect()));
    } catch (err) {
      for (const c of Object.values(connections)) c.disconnect();
      const cause = lastError?.message ?? (err as Error).message;
      throw new Error(`REDIS_URL: cannot connect to Redis at ${where} (${cause}); start Redis or unset REDIS_URL to run as a single copy`, { cause: lastError ?? err });
    }

    const emitter = new MQEmitterRedisPrefix(`${config.REDIS_KEY_PREFIX}pubsub:`, { pubConn, subConn });
    emitter.state.on('error', (err) => {
      if (!closing) app.log.warn({ err, redis: where }, 'GraphQL subscription emitter: Redis error');
    });

    started = true;
    app.decorate('redis', {
      client,
      emitter,
      prefix: config.REDIS_KEY_PREFIX,
      state: () => (Object.values(connections).every((c) => c.status === 'ready') ? 'connected' : 'reconnecting'),
    } satisfies SharedRedis);

    app.addHook('onClose', async () => {
      closing = true;
      await Promise.all(Object.values(connections).map(end));
    });
  },
  { name: 'redis', dependencies: ['config'] },
);
