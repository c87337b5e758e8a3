import { sql } from 'drizzle-orm';
import { bigint, bigserial, customType, index, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/** PostgreSQL's 64-bit transaction id (`xid8`, never wraps); node-postgres hands it over as a decimal string. */
const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => 'xid8' });

/**
 * Append-only audit log: one row per change of state, written by the changing transaction without any lock and
 * without reading another row. The database refuses UPDATE, DELETE and TRUNCATE (trigger in a custom migration).
 * The sealer links committed entries into `audit_chain` (see README.md in this folder).
 */
export const auditLog = pgTable(
  'audit_log',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull(),
    actor: text('actor').notNull(),
    role: text('role').notNull(),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
    requestId: text('request_id'),
    /** SHA-256 of the entry's canonical content (chain.ts), computed by the writer; null on entries from before migration 0008. */
    digest: text('digest'),
    /** The writing transaction's id: the sealer's horizon (README.md) tells finished writers from running ones by it. */
    writerXid: xid8('writer_xid').notNull().default(sql`pg_current_xact_id()`),
    /** The hash chain of the design before migration 0008 (one global lock per write); kept as written, null since. */
    legacyPrevHash: text('prev_hash'),
    legacyHash: text('hash'),
  },
  (t) => [
    index('audit_log_entity_idx').on(t.entityType, t.entityId, t.seq),
    index('audit_log_actor_idx').on(t.actor, t.seq),
    index('audit_log_action_idx').on(t.action, t.seq),
    index('audit_log_occurred_idx').on(t.occurredAt),
    index('audit_log_writer_xid_idx').on(t.writerXid, t.seq),
  ],
);

/**
 * The hash chain: one link per entry, positions 1, 2, 3 … without gaps, in the order the sealer saw the entries
 * committed. Written only by the sealer (one at a time, under an advisory lock); append-only like the log.
 */
export const auditChain = pgTable('audit_chain', {
  position: bigint('position', { mode: 'number' }).primaryKey(),
  /** The entry sealed (no foreign key: a removed entry is for verify to name, not for the database to hide). */
  entrySeq: bigint('entry_seq', { mode: 'number' }).notNull().unique('audit_chain_entry_seq_key'),
  /** The entry's content digest as sealed (for entries from before 0008, computed by the sealer). */
  digest: text('digest').notNull(),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull(),
  sealedAt: timestamp('sealed_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull(),
  /**
   * Set on the last link of a seal run: every entry whose writer transaction id is below this had finished, and was
   * linked, when the run ended. The next run looks only at entries from this horizon on.
   */
  horizon: xid8('horizon'),
});

/**
 * Signed checkpoints: the chain head (position, hash, time) signed as a compact JWS with the service signing key,
 * at intervals and at every ranking publication. Append-only. The JWS is the evidence; the columns repeat its payload
 * for lookups.
 */
export const auditCheckpoints = pgTable(
  'audit_checkpoints',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    position: bigint('position', { mode: 'number' }).notNull(),
    hash: text('hash').notNull(),
    signedAt: timestamp('signed_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull(),
    /** Why it was taken: `interval`, `ranking_published` or `on_demand`. */
    occasion: text('occasion').notNull(),
    /** What it was taken for (e.g. `ranking:<id>`), at most one checkpoint each. */
    subject: text('subject'),
    kid: text('kid').notNull(),
    jws: text('jws').notNull(),
  },
  (t) => [uniqueIndex('audit_checkpoints_subject_key').on(t.subject).where(sql`subject is not null`), index('audit_checkpoints_position_idx').on(t.position)],
);
