import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import pg from 'pg';
import type { FastifyInstance, FastifyServerOptions, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../src/app.js';
import { testConfig } from '../src/config.js';
import type { Config } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import type { Database } from '../src/db/client.js';
import { migrate, migrationsFolder } from '../src/db/migrate.js';
import { generateLocalKeyPair, mintToken } from '../src/lib/keys.js';
import type { KeyPair, TokenClaims } from '../src/lib/keys.js';

/** Where tests run: real PostgreSQL by default; TEST_DB=pglite runs the same file on embedded PGlite. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const onPglite = process.env.TEST_DB === 'pglite';

interface Tap {
  teardown(fn: () => unknown): void;
}

export interface TestApp {
  app: FastifyInstance;
  database: Database;
  keys: KeyPair;
  config: Config;
  token(claims: TokenClaims | TokenClaims['role']): Promise<string>;
  /** inject with a role's token (or none for 'anonymous'); JSON body parsed into `.json()`. */
  as(who: TokenClaims | TokenClaims['role'] | 'anonymous', opts: InjectOptions): Promise<LightMyRequestResponse>;
  /** Raw SQL against the test database (superuser), for tampering and inspection. */
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Counts SQL statements sent while fn runs (PostgreSQL only). */
  countQueries<T>(fn: () => Promise<T>): Promise<{ result: T; queries: number }>;
  /**
   * Another copy of the service over the SAME database (PostgreSQL only): its own pool and app, the same signing keys
   * (a token works on every copy), this copy's config with `config` on top. Closed at teardown before the database
   * is dropped.
   */
  copy(config?: Partial<Config>): Promise<TestApp>;
}

function databaseUrl(name: string): string {
  const u = new URL(TEST_DATABASE_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * The migrations this checkout ships, as a short hash: the name of the template database they build, so a checkout
 * with other migrations (another branch on the same server, a new migration) builds a template of its own.
 */
function migrationsHash(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(migrationsFolder).filter((f) => f.endsWith('.sql')).sort()) {
    hash.update(file).update('\0').update(readFileSync(`${migrationsFolder}/${file}`)).update('\0');
  }
  hash.update(readFileSync(`${migrationsFolder}/meta/_journal.json`));
  return hash.digest('hex').slice(0, 16);
}

/** Any number: the advisory lock under which one process at a time builds a template. */
const TEMPLATE_LOCK = 7_305_163_821;
let template: Promise<string> | undefined;

/**
 * A database migrated once, that every test file's database is copied from (CREATE DATABASE … TEMPLATE), instead of
 * each file running every migration. Built by the first file that needs it, under an advisory lock (tap runs files
 * in parallel; the lock is the session's, so a builder that dies releases it); built under a temporary name and
 * renamed only once migrated, so the template's name always means a complete schema, and a build left by an
 * interrupted run is dropped by the next builder. Nothing connects to the template after it is built (a copy cannot
 * be made while anything is connected to its source). It is named manyi_test_… so the CI clean-up of leftover test
 * databases removes it as well.
 */
function migratedTemplate(): Promise<string> {
  template ??= (async () => {
    const name = `manyi_test_tpl_${migrationsHash()}`;
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    const exists = async () => (await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
    try {
      if (await exists()) return name;
      await admin.query('select pg_advisory_lock($1)', [TEMPLATE_LOCK]);
      if (await exists()) return name;
      const stale = await admin.query<{ datname: string }>('select datname from pg_database where datname like $1', [`${name}\\_b\\_%`]);
      for (const { datname } of stale.rows) await admin.query(`drop database if exists ${datname} with (force)`);
      const building = `${name}_b_${process.pid}`;
      await admin.query(`create database ${building}`);
      const db = await openDatabase({ url: databaseUrl(building), dataDir: 'unused', poolMax: 1 });
      try {
        await migrate(db);
      } finally {
        await db.close();
      }
      await admin.query(`alter database ${building} rename to ${name}`);
      return name;
    } finally {
      await admin.end(); // ends the session, and with it the advisory lock
    }
  })();
  return template;
}

/** A fresh database per test file, migrated (a copy of the migrated template on PostgreSQL); dropped at teardown. */
/** `logger`: Fastify logger options (e.g. loggerOptions(config, destination)) for tests that read the log. */
export async function setup(t: Tap, opts: { pglite?: boolean; config?: Partial<Config>; logger?: FastifyServerOptions['logger'] } = {}): Promise<TestApp> {
  const usePglite = opts.pglite ?? onPglite;
  let database: Database;
  let url: string | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;
  if (usePglite) {
    database = await openDatabase({ dataDir: 'memory://' });
  } else {
    const name = `manyi_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    const template = await migratedTemplate();
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      await admin.query(`create database ${name} template ${template}`);
      // A test database is thrown away: a commit need not wait for its WAL to reach the disk (6–14 ms each on this
      // shared machine, well under 1 ms without). Visibility and isolation are unchanged; only crash durability goes.
      await admin.query(`alter database ${name} set synchronous_commit = off`);
    } finally {
      await admin.end();
    }
    url = databaseUrl(name);
    database = await openDatabase({ url, dataDir: 'unused', poolMax: 5 });
    dropDatabase = async () => {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  }
  if (usePglite) await migrate(database);
  const keys = await generateLocalKeyPair();
  const config = testConfig(opts.config);
  const app = await buildApp({ config, database, localKeys: keys }, opts.logger);
  const copies: FastifyInstance[] = [];
  t.teardown(async () => {
    for (const c of copies) await c.close();
    await app.close();
    await dropDatabase?.();
  });

  const copy = async (overrides: Partial<Config> = {}): Promise<TestApp> => {
    if (!url) throw new Error('copies share a PostgreSQL database: not on PGlite');
    const db = await openDatabase({ url, dataDir: 'unused', poolMax: 5 });
    const c = { ...config, ...overrides };
    const other = await buildApp({ config: c, database: db, localKeys: keys }, opts.logger).catch(async (err: unknown) => {
      await db.close();
      throw err;
    });
    copies.push(other);
    return testApp(other, db, keys, c, copy);
  };
  return testApp(app, database, keys, config, copy);
}

/** The handles a test works with, for one copy of the app. */
function testApp(app: FastifyInstance, database: Database, keys: KeyPair, config: Config, copy: TestApp['copy']): TestApp {
  const token = (claims: TokenClaims | TokenClaims['role']) =>
    mintToken(keys, typeof claims === 'string' ? { role: claims } : claims, { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE });

  const sql = async <T>(text: string, params: unknown[] = []): Promise<T[]> => {
    if (database.pool) return (await database.pool.query(text, params)).rows as T[];
    return (await database.pglite!.query(text, params)).rows as T[];
  };

  /** Counts statements sent by this process's pg clients while fn runs (PostgreSQL only; -1 on PGlite). */
  const countQueries = async <T>(fn: () => Promise<T>) => {
    if (!database.pool) return { result: await fn(), queries: -1 };
    let queries = 0;
    const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
    const original = proto.query;
    proto.query = function (this: unknown, ...a: unknown[]) {
      queries++;
      return original.apply(this, a);
    };
    try {
      return { result: await fn(), queries };
    } finally {
      proto.query = original;
    }
  };

  return {
    app,
    database,
    keys,
    config,
    token,
    sql,
    countQueries,
    copy,
    async as(who, opts) {
      const headers = { ...(opts.headers ?? {}) } as Record<string, string>;
      if (who !== 'anonymous') headers.authorization = `Bearer ${await token(who)}`;
      return app.inject({ ...opts, headers });
    },
  };
}

/** GraphQL over inject, as a role. */
export async function gql(h: TestApp, who: Parameters<TestApp['as']>[0], query: string, variables: Record<string, unknown> = {}) {
  const res = await h.as(who, { method: 'POST', url: '/graphql', payload: { query, variables } });
  return res.json() as { data: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string; errors?: { field: string }[] } }[] };
}
