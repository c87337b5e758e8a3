import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import { from as copyFrom } from 'pg-copy-streams';
import { drizzleOnClient } from './client.js';
import type { Database, Db } from './client.js';

/** What a kind of bulk import stages: the temporary table's columns and how one row is written in each protocol. */
export interface StageLayout<S> {
  /** Name prefix of the temporary table (a random suffix is added). */
  prefix: string;
  /** Column list, in order ("id, unit_id, …"). */
  columns: string;
  /** The table's column definitions, "(id uuid not null, …)". */
  ddl: string;
  /** The row as COPY text: tab-separated, \N for null (use copyValue / copyText). */
  copyLine(row: S): string;
  /** The row as SQL values, for PGlite (no COPY): `(${a}, ${b}, …)`. */
  values(row: S): SQL;
}

/**
 * One import's staging area: a temporary table on ONE database session. On PostgreSQL rows arrive with
 * COPY FROM STDIN on a dedicated pooled connection; on PGlite (no COPY) with multi-row INSERTs. The owning
 * module merges the staged rows into its table with one INSERT … SELECT from `table`.
 */
export interface CopyStage<S> {
  /** Drizzle over the session's connection: transactions here include the staged rows. */
  db: Db;
  /** The temporary table, for the owner's merge statement. */
  table: SQL;
  append(db: Db, rows: S[]): Promise<void>;
  clear(db: Db): Promise<void>;
  release(): Promise<void>;
}

export async function openCopyStage<S>(database: Database, layout: StageLayout<S>): Promise<CopyStage<S>> {
  const name = `${layout.prefix}_${randomBytes(6).toString('hex')}`;
  const client = database.pool ? await database.pool.connect() : undefined;
  const db = client ? drizzleOnClient(client) : database.db;
  try {
    await db.execute(sql.raw(`create temp table ${name} ${layout.ddl}`));
  } catch (err) {
    client?.release();
    throw err;
  }
  return {
    db,
    table: sql.raw(name),
    async append(tx, rows) {
      if (!rows.length) return;
      if (client) {
        // COPY runs on the session's connection, inside whatever transaction `tx` has open there.
        await pipeline(Readable.from(copyChunks(rows, layout.copyLine)), client.query(copyFrom(`copy ${name} (${layout.columns}) from stdin`)));
        return;
      }
      for (let i = 0; i < rows.length; i += 1000) {
        await tx.execute(sql`insert into ${sql.raw(name)} (${sql.raw(layout.columns)}) values ${sql.join(rows.slice(i, i + 1000).map(layout.values), sql`, `)}`);
      }
    },
    async clear(tx) {
      await tx.execute(sql.raw(`truncate ${name}`));
    },
    async release() {
      try {
        await db.execute(sql.raw(`drop table if exists ${name}`));
      } finally {
        client?.release();
      }
    },
  };
}

function* copyChunks<S>(rows: S[], line: (row: S) => string): Generator<string> {
  let buf = '';
  for (const r of rows) {
    buf += line(r);
    if (buf.length > 65536) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}

const COPY_SPECIAL = /[\\\t\n\r]/g;
const HAS_COPY_SPECIAL = /[\\\t\n\r]/;
/** COPY text format: backslash escapes for backslash, tab, newline and carriage return. */
export const copyEscape = (s: string) => (HAS_COPY_SPECIAL.test(s) ? s.replace(COPY_SPECIAL, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : s);
/** A nullable text value in COPY text format. */
export const copyText = (s: string | null) => (s === null ? '\\N' : copyEscape(s));
