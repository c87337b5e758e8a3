import pg from 'pg';
import type { Db } from './client.js';

/**
 * What this copy of the service knows of committed changes to a table whose trigger announces them on a PostgreSQL
 * channel (LISTEN/NOTIFY): a counter, the epoch, that moves on every notice and on every (re)connection of the
 * listening connection, so whatever was cached under an older epoch is stale.
 *
 * `sync()` is a read barrier: it resolves after a round trip on the listening connection that began after the call.
 * PostgreSQL delivers a session's notices before the result of its next statement, and a writer's notice is queued
 * before its COMMIT returns, so every change committed before `sync()` was called has moved the epoch by the time it
 * resolves — on every copy, not only the one that wrote. Concurrent calls share round trips (one in flight, one
 * queued behind it), so under load a barrier costs a fraction of a round trip per request. `null`: the feed is not
 * listening (not yet connected, connection lost, PGlite): the caller must read the database.
 */
export interface ChangeFeed {
  sync(): Promise<number | null>;
  close(): Promise<void>;
}

const RECONNECT_DELAY_MS = 1000;

/** The node-postgres pool behind a drizzle handle, when there is one (PGlite has none). */
function poolOf(db: Db): pg.Pool | undefined {
  const client = (db as unknown as { $client?: unknown }).$client;
  return client instanceof pg.Pool ? client : undefined;
}

/** `channel`: one channel, or several (any notice on any of them moves the one epoch). */
export function createChangeFeed(db: Db, channel: string | readonly string[], onError: (err: Error) => void = () => undefined): ChangeFeed {
  const channels = typeof channel === 'string' ? [channel] : channel;
  const pool = poolOf(db);
  let epoch = 0;
  let client: pg.Client | null = null;
  let connecting: Promise<pg.Client | null> | null = null;
  let closed = false;
  let retryAt = 0;
  let running: Promise<number | null> | null = null;
  let queued: Promise<number | null> | null = null;

  const drop = (c: pg.Client, err?: Error) => {
    if (client === c) client = null;
    if (err) onError(err);
    retryAt = Date.now() + RECONNECT_DELAY_MS;
    void c.end().catch(() => undefined);
  };

  const connect = (): Promise<pg.Client | null> => {
    if (!pool || closed || Date.now() < retryAt) return Promise.resolve(null);
    connecting ??= (async () => {
      const c = new pg.Client(pool.options);
      c.on('error', (err) => drop(c, err));
      c.on('end', () => drop(c));
      c.on('notification', () => void epoch++);
      try {
        await c.connect();
        for (const ch of channels) await c.query(`listen ${pg.escapeIdentifier(ch)}`);
      } catch (err) {
        drop(c, err as Error);
        return null;
      }
      if (closed) {
        drop(c);
        return null;
      }
      // Whatever happened while nobody listened is unknown: everything cached before is stale.
      epoch++;
      client = c;
      return c;
    })().finally(() => (connecting = null));
    return connecting;
  };

  const trip = async (): Promise<number | null> => {
    const c = client ?? (await connect());
    if (!c) return null;
    try {
      await c.query('select 1');
    } catch (err) {
      drop(c, err as Error);
      return null;
    }
    return client === c ? epoch : null;
  };

  const start = (): Promise<number | null> => {
    const p: Promise<number | null> = trip().finally(() => {
      if (running === p) running = null;
    });
    running = p;
    return p;
  };

  return {
    sync() {
      if (!pool || closed) return Promise.resolve(null);
      if (!running) return start();
      // A round trip in flight may have begun before this call: the next one, shared by every caller until it starts.
      queued ??= running.then(() => {
        queued = null;
        return start();
      });
      return queued;
    },
    async close() {
      closed = true;
      const c = client ?? (await connecting);
      client = null;
      if (c) await c.end().catch(() => undefined);
    },
  };
}

/** This request's view of a feed cache: what it holds, and a way to keep what was made after the barrier. */
export interface FeedCacheView<T> {
  get(key: string): T | undefined;
  /** Kept only while no change has been announced since this view's barrier (a later one would drop it anyway). */
  set(key: string, value: T): void;
}

/**
 * A cache of this copy whose entries hold until the feed's next committed change: `open()` passes the read barrier
 * and returns the view for this request, with a fresh cache (`make`) whenever the epoch has moved; `null` while the
 * feed is not listening (the caller reads the database and caches nothing).
 */
export function createFeedCache<T>(feed: ChangeFeed, make: () => { get(key: string): T | undefined; set(key: string, value: T): void }) {
  let cache = make();
  let epoch: number | null = null;
  return {
    async open(): Promise<FeedCacheView<T> | null> {
      const seen = await feed.sync();
      if (seen === null) return null;
      if (seen !== epoch) {
        cache = make();
        epoch = seen;
      }
      const current = cache;
      return {
        get: (key) => current.get(key),
        // Made after the barrier: a change committed since moves the epoch past this one, and the value is not kept.
        set: (key, value) => {
          if (epoch === seen) current.set(key, value);
        },
      };
    },
  };
}
