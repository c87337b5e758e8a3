import { and, asc, desc, eq, gt, gte, inArray, lt, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { EntryContent } from './chain.js';
import { auditChain, auditCheckpoints, auditLog } from './tables.js';

export type AuditRow = typeof auditLog.$inferSelect;
export type NewAuditRow = typeof auditLog.$inferInsert;
export type LinkRow = typeof auditChain.$inferSelect;
export type CheckpointRow = typeof auditCheckpoints.$inferSelect;
export type NewCheckpointRow = typeof auditCheckpoints.$inferInsert;

/** An entry with its link, or null link fields while it waits for the sealer. */
export type ListedEntry = Omit<AuditRow, 'writerXid' | 'legacyPrevHash' | 'legacyHash'> & {
  position: number | null;
  prevHash: string | null;
  hash: string | null;
  sealedAt: Date | null;
};

export interface AuditFilter {
  entityType?: string;
  entityId?: string;
  actor?: string;
  action?: string;
  from?: Date;
  to?: Date;
  afterSeq?: number;
  limit: number;
}

/** The sealer's advisory lock: only the sealer serializes, across every copy of the service. Writers never take it. */
const SEALER_LOCK = 7428110002;

/** An entry's content (what chain.ts entryDigest covers) with its sequence number. */
const entryContent = {
  seq: auditLog.seq,
  occurredAt: auditLog.occurredAt,
  actor: auditLog.actor,
  role: auditLog.role,
  action: auditLog.action,
  entityType: auditLog.entityType,
  entityId: auditLog.entityId,
  before: auditLog.before,
  after: auditLog.after,
  requestId: auditLog.requestId,
};

const rowsOf = <T>(res: unknown) => (res as { rows: T[] }).rows;

/** An entry waiting for its link. */
export interface PendingEntry {
  seq: number;
  writerXid: string;
  digest: string | null;
}

export const auditRepository = {
  /** One statement, no lock, no read: concurrent writers never wait on each other here. */
  async insertMany(tx: Db, rows: NewAuditRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 1000) await tx.insert(auditLog).values(rows.slice(i, i + 1000));
  },

  async list(db: Db, f: AuditFilter): Promise<ListedEntry[]> {
    const where: SQL[] = [];
    if (f.entityType) where.push(eq(auditLog.entityType, f.entityType));
    if (f.entityId) where.push(eq(auditLog.entityId, f.entityId));
    if (f.actor) where.push(eq(auditLog.actor, f.actor));
    if (f.action) where.push(eq(auditLog.action, f.action));
    if (f.from) where.push(gte(auditLog.occurredAt, f.from));
    if (f.to) where.push(lt(auditLog.occurredAt, f.to));
    if (f.afterSeq !== undefined) where.push(gt(auditLog.seq, f.afterSeq));
    return db
      .select({
        ...entryContent,
        digest: sql<string | null>`coalesce(${auditLog.digest}, ${auditChain.digest})`,
        position: auditChain.position,
        prevHash: auditChain.prevHash,
        hash: auditChain.hash,
        sealedAt: auditChain.sealedAt,
      })
      .from(auditLog)
      .leftJoin(auditChain, eq(auditChain.entrySeq, auditLog.seq))
      .where(and(...where))
      .orderBy(asc(auditLog.seq))
      .limit(f.limit);
  },

  // --- the sealer ---

  /** Waits for the sealer lock until the transaction ends (verify and checkpoints must seal now). */
  async lockSealer(tx: Db): Promise<void> {
    await tx.execute(sql`select pg_advisory_xact_lock(${SEALER_LOCK})`);
  },

  /** Takes the sealer lock if free (the scheduled sealer: another copy sealing now is as good). */
  async tryLockSealer(tx: Db): Promise<boolean> {
    const [r] = rowsOf<{ locked: boolean }>(await tx.execute(sql`select pg_try_advisory_xact_lock(${SEALER_LOCK}) as locked`));
    return r.locked;
  },

  /** The oldest transaction id still running: every writer below it has committed or rolled back. */
  async runningXmin(tx: Db): Promise<string> {
    const [r] = rowsOf<{ xmin: string }>(await tx.execute(sql`select pg_snapshot_xmin(pg_current_snapshot())::text as xmin`));
    return r.xmin;
  },

  /** The last link (position 0 and no hash on an empty chain) and the newest horizon a seal run left. */
  async head(tx: Db): Promise<{ position: number; hash: string | null; horizon: string }> {
    const [r] = rowsOf<{ position: string | number | null; hash: string | null; horizon: string | null }>(
      await tx.execute(sql`
        select l.position, l.hash,
          (select h.horizon::text from ${auditChain} h where h.horizon is not null order by h.position desc limit 1) as horizon
        from (select 1) one left join lateral (select position, hash from ${auditChain} order by position desc limit 1) l on true`),
    );
    return { position: Number(r.position ?? 0), hash: r.hash, horizon: r.horizon ?? '0' };
  },

  /**
   * Committed entries without a link from writer transaction `horizon` on, after the cursor, in (writer, seq) order:
   * one transaction's entries stay together. Entries of running transactions are invisible here and wait for a later run.
   */
  async pending(tx: Db, horizon: string, after: { xid: string; seq: number } | null, limit: number): Promise<PendingEntry[]> {
    const cursor = after ? sql`and (a.writer_xid, a.seq) > (${after.xid}::xid8, ${after.seq})` : sql``;
    return rowsOf<{ seq: string | number; writer_xid: string; digest: string | null }>(
      await tx.execute(sql`
        select a.seq, a.writer_xid::text as writer_xid, a.digest from ${auditLog} a
        where a.writer_xid >= ${horizon}::xid8 ${cursor}
          and not exists (select 1 from ${auditChain} c where c.entry_seq = a.seq)
        order by a.writer_xid, a.seq limit ${limit}`),
    ).map((r) => ({ seq: Number(r.seq), writerXid: r.writer_xid, digest: r.digest }));
  },

  /** What an entry's digest is computed from (chain.ts entryDigest), for entries stored without one. */
  contentsBySeqs(db: Db, seqs: number[]): Promise<(EntryContent & { seq: number })[]> {
    return db
      .select(entryContent)
      .from(auditLog)
      .where(inArray(auditLog.seq, seqs));
  },

  /**
   * A seal batch's links in one statement over column arrays (7 parameters, not 7 per link): the sealer runs on the
   * request path's event loop, and building a thousand-row VALUES list cost it tens of milliseconds.
   */
  async insertLinks(tx: Db, links: LinkRow[]): Promise<void> {
    if (!links.length) return;
    // sql.param: one array parameter (a bare array in drizzle's sql`` is spread into a list)
    const col = <T>(f: (l: LinkRow) => T) => sql.param(links.map(f));
    await tx.execute(sql`
      insert into ${auditChain} (position, entry_seq, digest, prev_hash, hash, sealed_at, horizon)
      select * from unnest(
        ${col((l) => l.position)}::bigint[], ${col((l) => l.entrySeq)}::bigint[], ${col((l) => l.digest)}::text[],
        ${col((l) => l.prevHash)}::text[], ${col((l) => l.hash)}::text[], ${col((l) => l.sealedAt.toISOString())}::timestamptz[],
        ${col((l) => l.horizon)}::xid8[])`);
  },

  // --- verification ---

  /** Links from `afterPosition` on, each with the entry it seals (null fields when the entry is gone). */
  chainFrom(db: Db, afterPosition: number, limit: number) {
    return db
      .select({ link: auditChain, entry: auditLog })
      .from(auditChain)
      .leftJoin(auditLog, eq(auditLog.seq, auditChain.entrySeq))
      .where(gt(auditChain.position, afterPosition))
      .orderBy(asc(auditChain.position))
      .limit(limit);
  },

  /** The first entry a finished seal run should have linked but that has no link (its link was removed). */
  async firstUnlinkedBelow(db: Db, horizon: string): Promise<number | null> {
    const [r] = rowsOf<{ seq: string | number }>(
      await db.execute(sql`
        select a.seq from ${auditLog} a
        where a.writer_xid < ${horizon}::xid8 and not exists (select 1 from ${auditChain} c where c.entry_seq = a.seq)
        order by a.seq limit 1`),
    );
    return r ? Number(r.seq) : null;
  },

  // --- checkpoints ---

  async insertCheckpoint(tx: Db, row: NewCheckpointRow): Promise<CheckpointRow> {
    const [r] = await tx.insert(auditCheckpoints).values(row).returning();
    return r;
  },

  async latestCheckpoint(db: Db): Promise<CheckpointRow | undefined> {
    const [r] = await db.select().from(auditCheckpoints).orderBy(desc(auditCheckpoints.id)).limit(1);
    return r;
  },

  async checkpointBySubject(db: Db, subject: string): Promise<CheckpointRow | undefined> {
    const [r] = await db.select().from(auditCheckpoints).where(eq(auditCheckpoints.subject, subject));
    return r;
  },

  /** Newest first; `beforeId` is the cursor. */
  listCheckpoints(db: Db, f: { beforeId?: number; limit: number }): Promise<CheckpointRow[]> {
    return db
      .select()
      .from(auditCheckpoints)
      .where(f.beforeId !== undefined ? lt(auditCheckpoints.id, f.beforeId) : undefined)
      .orderBy(desc(auditCheckpoints.id))
      .limit(f.limit);
  },

  allCheckpoints(db: Db): Promise<CheckpointRow[]> {
    return db.select().from(auditCheckpoints).orderBy(asc(auditCheckpoints.position), asc(auditCheckpoints.id));
  },
};
