import type { Db } from '../../db/client.js';
import { canonicalJson, sha256 } from '../../lib/canonical.js';
import type { RequestContext } from '../../lib/principal.js';
import { auditRepository } from './repository.js';
import type { AuditFilter, AuditRow } from './repository.js';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntryInput {
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

/** Everything the hash covers, in canonical form. */
function linkPayload(r: Omit<AuditRow, 'hash'>): string {
  return canonicalJson({
    seq: r.seq,
    occurredAt: r.occurredAt.toISOString(),
    actor: r.actor,
    role: r.role,
    action: r.action,
    entityType: r.entityType,
    entityId: r.entityId,
    before: r.before ?? null,
    after: r.after ?? null,
    requestId: r.requestId ?? null,
    prevHash: r.prevHash,
  });
}

/** Plain JSON (dates → ISO strings), as jsonb will hand it back. */
const toJson = (v: unknown) => (v === undefined || v === null ? null : JSON.parse(JSON.stringify(v)));

export const auditService = {
  /**
   * Appends entries to the chain inside the caller's transaction: the change and its audit entries
   * commit together or not at all.
   */
  async record(tx: Db, ctx: RequestContext, entries: AuditEntryInput | AuditEntryInput[]): Promise<void> {
    const list = Array.isArray(entries) ? entries : [entries];
    if (list.length === 0) return;
    await auditRepository.lockChain(tx);
    const last = await auditRepository.lastLink(tx);
    const seqs = await auditRepository.nextSeqs(tx, list.length);
    const occurredAt = new Date();
    let prevHash = last?.hash ?? GENESIS_HASH;
    const rows: AuditRow[] = list.map((e, i) => {
      const base = {
        seq: seqs[i],
        occurredAt,
        actor: ctx.principal.subject,
        role: ctx.principal.role,
        action: e.action,
        entityType: e.entityType,
        entityId: e.entityId,
        before: toJson(e.before),
        after: toJson(e.after),
        requestId: ctx.requestId,
        prevHash,
      };
      const hash = sha256(linkPayload(base));
      prevHash = hash;
      return { ...base, hash };
    });
    await auditRepository.insertMany(tx, rows);
  },

  list(db: Db, filter: AuditFilter) {
    return auditRepository.list(db, filter);
  },

  /** Walks the whole chain in order; names the first entry whose link or content does not check out. */
  async verify(db: Db): Promise<{ valid: boolean; checked: number; firstBroken: { seq: number; reason: string } | null }> {
    let prevHash = GENESIS_HASH;
    let afterSeq = 0;
    let checked = 0;
    for (;;) {
      const batch = await auditRepository.batchFrom(db, afterSeq, 2000);
      if (batch.length === 0) break;
      for (const row of batch) {
        if (row.prevHash !== prevHash) {
          return { valid: false, checked, firstBroken: { seq: row.seq, reason: 'prev_hash does not match the previous entry (an entry was removed or reordered)' } };
        }
        if (sha256(linkPayload(row)) !== row.hash) {
          return { valid: false, checked, firstBroken: { seq: row.seq, reason: 'content does not match its hash (the entry was altered)' } };
        }
        prevHash = row.hash;
        checked++;
      }
      afterSeq = batch[batch.length - 1].seq;
    }
    return { valid: true, checked, firstBroken: null };
  },
};

export type AuditService = typeof auditService;
