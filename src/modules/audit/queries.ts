import { is, SQL, sql } from 'drizzle-orm';
import type { EntryContent } from './chain.js';
import { auditLog } from './tables.js';

/** An entry ready to insert: content and digest computed (audit.prepare). */
export interface PreparedAuditEntry extends EntryContent {
  /** A value, or an SQL expression over the caller's CTEs when the statement completes the content (then `digest` is null). */
  after: unknown;
  /** null: the sealer computes it from the stored content. */
  digest: string | null;
}

const json = (v: unknown) => (is(v, SQL) ? v : sql`${v === null || v === undefined ? null : JSON.stringify(v)}::jsonb`);

/**
 * What the audit module lends other modules: its INSERT as a statement fragment, for a hot path that commits a change
 * and its audit entries in ONE statement (a data-modifying CTE is atomic: both or neither) instead of a transaction of
 * several round trips. Everywhere else, `audit.record(tx, …)` in the caller's transaction is the way.
 * `from`: the caller's CTE each entry is written once per row of (e.g. the inserted row; none when it inserted none).
 */
export const auditQueries = {
  insertSql(entries: PreparedAuditEntry[], { from }: { from?: SQL } = {}): SQL {
    const rows = entries.map(
      (e) =>
        sql`select ${e.occurredAt.toISOString()}::timestamptz, ${e.actor}::text, ${e.role}::text, ${e.action}::text, ${e.entityType}::text, ${e.entityId}::text, ${json(e.before)}, ${json(e.after)}, ${e.requestId}::text, ${e.digest}::text${from ? sql` from ${from}` : sql``}`,
    );
    return sql`insert into ${auditLog} (occurred_at, actor, role, action, entity_type, entity_id, before, after, request_id, digest) ${sql.join(rows, sql` union all `)}`;
  },
};
