import { and, asc, desc, eq, gt, gte, lt, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { auditLog } from './tables.js';

export type AuditRow = typeof auditLog.$inferSelect;
export type NewAuditRow = typeof auditLog.$inferInsert;

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

export const auditRepository = {
  /** Serializes writers of the chain until the transaction ends; the next hash needs the last one. */
  async lockChain(tx: Db): Promise<void> {
    await tx.execute(sql`select pg_advisory_xact_lock(7428110001)`);
  },

  async lastLink(tx: Db): Promise<{ seq: number; hash: string } | null> {
    const rows = await tx.select({ seq: auditLog.seq, hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.seq)).limit(1);
    return rows[0] ?? null;
  },

  async nextSeqs(tx: Db, count: number): Promise<number[]> {
    const res = await tx.execute(sql`select nextval('audit_log_seq_seq')::bigint as seq from generate_series(1, ${count})`);
    return (res as unknown as { rows: { seq: string | number }[] }).rows.map((r) => Number(r.seq));
  },

  async insertMany(tx: Db, rows: NewAuditRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 1000) await tx.insert(auditLog).values(rows.slice(i, i + 1000));
  },

  async list(db: Db, f: AuditFilter): Promise<AuditRow[]> {
    const where: SQL[] = [];
    if (f.entityType) where.push(eq(auditLog.entityType, f.entityType));
    if (f.entityId) where.push(eq(auditLog.entityId, f.entityId));
    if (f.actor) where.push(eq(auditLog.actor, f.actor));
    if (f.action) where.push(eq(auditLog.action, f.action));
    if (f.from) where.push(gte(auditLog.occurredAt, f.from));
    if (f.to) where.push(lt(auditLog.occurredAt, f.to));
    if (f.afterSeq !== undefined) where.push(gt(auditLog.seq, f.afterSeq));
    return db.select().from(auditLog).where(and(...where)).orderBy(asc(auditLog.seq)).limit(f.limit);
  },

  async batchFrom(db: Db, afterSeq: number, limit: number): Promise<AuditRow[]> {
    return db.select().from(auditLog).where(gt(auditLog.seq, afterSeq)).orderBy(asc(auditLog.seq)).limit(limit);
  },

};
