import { mkdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT, PgTransactionConfig } from 'drizzle-orm/pg-core';
import { NodePgSession, drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from './schema/index.js';

export type Schema = typeof schema;
/** One drizzle type for both drivers; a transaction is assignable to it, so repositories take either. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

/**
 * The one transaction contract: a service or repository method that another may compose takes `{ tx }` as its
 * optional last argument and runs every statement on it; without it, the method uses its own connection.
 */
export interface TxOption {
  tx?: Db;
}

/**
 * For methods that need a transaction of their own: given the caller's `tx`, runs `fn` on it (the caller commits or
 * rolls back everything together); otherwise opens one on `db`. `config` (e.g. an isolation level) applies only to a
 * transaction opened here; a caller that passes `tx` chose its own.
 */
export function inTransaction<T>(db: Db, tx: Db | undefined, fn: (tx: Db) => Promise<T>, config?: PgTransactionConfig): Promise<T> {
  return tx ? fn(tx) : db.transaction(fn, config);
}

/** Drizzle over one checked-out connection (COPY sessions and other work that must stay on one backend). */
export const drizzleOnClient = (client: pg.PoolClient): Db => drizzlePg({ client, schema }) as unknown as Db;

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** The node-postgres pool (PostgreSQL only): for COPY and other driver-level work. */
  pool?: pg.Pool;
  pglite?: PGlite;
  /** True when the embedded database folder did not exist before this start. */
  created: boolean;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  url?: string;
  /** PGlite folder, or 'memory://' for an in-memory database. */
  dataDir: string;
  poolMax?: number;
  /** A connection was lost (restart, failover), idle or checked out; the pool replaces it. Logged, never thrown. */
  onConnectionError?: (err: Error) => void;
}

/**
 * drizzle-orm (0.45) checks a pooled client out for a transaction and sends BEGIN before its try/finally that releases
 * it: when BEGIN fails (the connection died between checkout and use, as in a database restart) the client is never
 * released, and the pool, one connection short for good, never ends (shutdown waits on it). Here the pool connection
 * is checked out and released around drizzle's own transaction, run over that one client: every checkout is released,
 * BEGIN failing or not. A dead client released this way is dropped by pg-pool (it is no longer queryable).
 */
function releaseEveryTransactionClient(): void {
  type Internals = { client: pg.Pool | pg.PoolClient; dialect: unknown; schema: unknown; options: unknown };
  const proto = NodePgSession.prototype as unknown as { transaction: (this: Internals, fn: unknown, config?: unknown) => Promise<unknown>; releasesEveryClient?: true };
  if (proto.releasesEveryClient) return;
  const transaction = proto.transaction;
  const Session = NodePgSession as unknown as new (client: pg.PoolClient, dialect: unknown, schema: unknown, options: unknown) => Internals;
  proto.transaction = async function (this: Internals, fn: unknown, config?: unknown) {
    if (!(this.client instanceof pg.Pool)) return transaction.call(this, fn, config);
    const client = await this.client.connect();
    try {
      return await transaction.call(new Session(client, this.dialect, this.schema, this.options), fn, config);
    } finally {
      client.release();
    }
  };
  proto.releasesEveryClient = true;
}

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.url) {
    releaseEveryTransactionClient();
    const pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.poolMax ?? 10,
      // A peer that vanished without closing the socket (failover) is noticed instead of awaited forever, and a
      // request that cannot get a connection fails (503, retry) instead of queueing without end.
      keepAlive: true,
      connectionTimeoutMillis: 10_000,
    });
    // A connection dropped by the server (restart, failover) must not crash the process. node-postgres emits
    // 'error' on the client itself, idle or checked out for a transaction: an 'error' event without a listener
    // is thrown. The statement in flight fails on its own (the errors plugin answers 503) and the pool discards
    // the dead client; the next checkout opens a new one. Every client gets the listener, so it is logged once
    // here; the pool's own 'error' (idle clients) only needs a listener to exist.
    pool.on('connect', (client) => client.on('error', (err) => opts.onConnectionError?.(err)));
    pool.on('error', () => undefined);
    // Fail fast on a bad URL instead of at the first request.
    const client = await pool.connect();
    client.release();
    return {
      db: drizzlePg({ client: pool, schema }) as unknown as Db,
      kind: 'postgres',
      pool,
      created: false,
      close: () => pool.end(),
    };
  }
  const memory = opts.dataDir.startsWith('memory://');
  const folder = memory ? opts.dataDir : resolve(join(opts.dataDir, 'pgdata'));
  const created = memory || !existsSync(folder);
  if (!memory) mkdirSync(folder, { recursive: true });
  // Loaded only for the embedded database: a server on PostgreSQL never holds PGlite's code in memory.
  const [{ PGlite }, { pg_trgm }, { drizzle: drizzlePglite }] = await Promise.all([import('@electric-sql/pglite'), import('@electric-sql/pglite/contrib/pg_trgm'), import('drizzle-orm/pglite')]);
  const pglite = await PGlite.create(memory ? undefined : folder, { extensions: { pg_trgm } });
  return {
    db: drizzlePglite({ client: pglite, schema }) as unknown as Db,
    kind: 'pglite',
    pglite,
    created,
    close: () => pglite.close(),
  };
}
