import { sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import { auditLog } from './tables.js';

/** An entry ready to insert: content and digest computed (audit.prepare). */
export interface PreparedAuditEntry {
  occurredAt: Date;
  actor: string;
  role: string;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
  requestId: string | null;
  digest: string;
}

const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));

/**
 * What the audit module lends other modules: its INSERT as a statement fragment, for a hot path that commits a change
 * and its audit entries in ONE statement (a data-modifying CTE is atomic: both or neither) instead of a transaction of
 * several round trips. Everywhere else, `audit.record(tx, …)` in the caller's transaction is the way.
 * `when`: a condition on the caller's CTEs (e.g. `exists (select 1 from inserted)`), so no entry is written for a
 * change that did not happen.
 */
export const auditQueries = {
  insertSql(entries: PreparedAuditEntry[], when: SQL = sql`true`): SQL {
    const rows = entries.map(
      (e) =>
        sql`(${e.occurredAt.toISOString()}::timestamptz, ${e.actor}::text, ${e.role}::text, ${e.action}::text, ${e.entityType}::text, ${e.entityId}::text, ${json(e.before)}::jsonb, ${json(e.after)}::jsonb, ${e.requestId}::text, ${e.digest}::text)`,
    );
    return sql`insert into ${auditLog} (occurred_at, actor, role, action, entity_type, entity_id, before, after, request_id, digest)
      select * from (values ${sql.join(rows, sql`, `)}) v where ${when}`;
  },
};
