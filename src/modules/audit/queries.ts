import { is, SQL, sql } from 'drizzle-orm';
import type { EntryContent } from './chain.js';
import { auditLog } from './tables.js';

/** An entry ready to insert: content and digest computed (audit.prepare). */
export interface PreparedAuditEntry extends EntryContent {
  /** A value, or an SQL expression over the caller's CTEs when the statement completes the content (then `digest` is null). */
  after: unknown;
  /** null: the sealer computes it from the stored content (unless `digestAround` lets the statement compute it). */
  digest: string | null;
  /**
   * For an entry whose `after[key]` the statement sets (audit.prepare's `completes`): its canonical JSON before and
   * after that value, so the statement stores sha256(before ‖ value as JSON ‖ after), the digest `entryDigest` computes
   * from the stored row. null: left to the sealer.
   */
  digestAround?: readonly [string, string] | null;
}

/** The columns an entry fills, with the cast each value takes in the statement. */
const COLUMNS = {
  occurredAt: 'timestamptz',
  actor: 'text',
  role: 'text',
  action: 'text',
  entityType: 'text',
  entityId: 'text',
  before: 'jsonb',
  after: 'jsonb',
  requestId: 'text',
  digest: 'text',
} as const;
type Column = keyof typeof COLUMNS;
const columnNames = Object.keys(COLUMNS) as Column[];

/** What a column of an entry is bound as (jsonb as its JSON text). */
function bound(e: PreparedAuditEntry, c: Column): unknown {
  const v = e[c];
  if (c === 'occurredAt') return (v as Date).toISOString();
  if (c === 'before' || c === 'after') return v === null || v === undefined ? null : JSON.stringify(v);
  return v;
}

/** The INSERT of `count` entries, each column `cell(i, column)`: an SQL expression, or a value (or placeholder) to cast. */
function insertRows(count: number, cell: (i: number, c: Column) => unknown, from: SQL | undefined): SQL {
  const rows = Array.from({ length: count }, (_, i) => {
    const cells = columnNames.map((c) => {
      const v = cell(i, c);
      return is(v, SQL) ? v : sql`${v}::${sql.raw(COLUMNS[c])}`;
    });
    return sql`select ${sql.join(cells, sql`, `)}${from ? sql` from ${from}` : sql``}`;
  });
  return sql`insert into ${auditLog} (occurred_at, actor, role, action, entity_type, entity_id, before, after, request_id, digest) ${sql.join(rows, sql` union all `)}`;
}

const placeholderName = (i: number, c: Column) => `audit${i}_${c}`;

/** One entry's `after[key]` set by the statement to `value` (a jsonb expression of a string or null over its CTEs). */
export interface CompletedField {
  index: number;
  key: string;
  value: SQL;
}

/**
 * What the audit module lends other modules: its INSERT as a statement fragment, for a hot path that commits a change
 * and its audit entries in ONE statement (a data-modifying CTE is atomic: both or neither) instead of a transaction of
 * several round trips. Everywhere else, `audit.record(tx, …)` in the caller's transaction is the way.
 * `from`: the caller's CTE each entry is written once per row of (e.g. the inserted row; none when it inserted none).
 */
export const auditQueries = {
  insertSql(entries: PreparedAuditEntry[], { from }: { from?: SQL } = {}): SQL {
    return insertRows(entries.length, (i, c) => (is(entries[i][c], SQL) ? entries[i][c] : bound(entries[i], c)), from);
  },

  /**
   * The same INSERT for a prepared statement (src/db/prepared.ts): `count` entries whose values are placeholders,
   * filled by `placeholderValues`. `completed`: the entry whose `after[key]` the statement sets over the caller's CTEs,
   * and whose digest it computes from the canonical JSON around that value (`digestAround`; null there leaves the digest
   * null, for the sealer).
   */
  insertSqlPrepared(count: number, { from, completed }: { from?: SQL; completed?: CompletedField } = {}): SQL {
    return insertRows(count, (i, c) => {
      const p = sql`${sql.placeholder(placeholderName(i, c))}`;
      if (completed?.index === i && c === 'after') return sql`jsonb_set(${p}::jsonb, ${sql.raw(`'{${completed.key}}'`)}, ${completed.value})`;
      if (completed?.index === i && c === 'digest') {
        // jsonb's text of a string or null is JSON.stringify's, so these are the bytes canonicalJson gives the stored entry
        const [before, after] = [sql.placeholder(`${placeholderName(i, c)}_before`), sql.placeholder(`${placeholderName(i, c)}_after`)];
        return sql`encode(sha256(convert_to(${before}::text || (${completed.value})::text || ${after}::text, 'UTF8')), 'hex')`;
      }
      return sql`${p}::${sql.raw(COLUMNS[c])}`;
    }, from);
  },

  /** The values of `insertSqlPrepared`'s placeholders for these entries. */
  placeholderValues(entries: PreparedAuditEntry[]): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    entries.forEach((e, i) => {
      for (const c of columnNames) values[placeholderName(i, c)] = bound(e, c);
      values[`${placeholderName(i, 'digest')}_before`] = e.digestAround?.[0] ?? null;
      values[`${placeholderName(i, 'digest')}_after`] = e.digestAround?.[1] ?? null;
    });
    return values;
  },
};
