/**
 * The audit log (审计日志): append-only entries, a hash chain sealed after commit, signed checkpoints.
 * The design — what is linked, in what order, what a checkpoint proves and what it cannot — is in README.md here.
 */
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { invalid } from '../../lib/errors.js';
import { yieldToIo } from '../../lib/event-loop.js';
import { decodeNumericCursor, paginate } from '../../lib/http.js';
import type { Page } from '../../lib/http.js';
import type { KeyPair } from '../../lib/keys.js';
import { loadSigningKeyPair } from '../../lib/keys.js';
import type { RequestContext } from '../../lib/principal.js';
import { randomUUID } from 'node:crypto';
import { GENESIS_HASH, entryCanonicalJson, entryDigest, linkHash } from './chain.js';
import type { EntryContent } from './chain.js';
import type { PreparedAuditEntry } from './queries.js';
import { auditRepository } from './repository.js';
import type { AuditFilter, CheckpointRow, LinkRow, PendingEntry } from './repository.js';
import type { CheckpointDto } from './schemas.js';
import { readCheckpoint, signCheckpoint } from './signing.js';
import type { CheckpointClaims, CheckpointOccasion } from './signing.js';

export { GENESIS_HASH } from './chain.js';
export type { CheckpointDto } from './schemas.js';

export interface AuditEntryInput {
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

/** Links one seal transaction writes at most. */
const SEAL_BATCH = 1000;
/**
 * Entries digested or linked between two turns of the event loop. The sealer shares the process with the requests:
 * a whole batch at once (canonical JSON and SHA-256 of a thousand entries) held every request behind it for ~100 ms
 * each second under a steady stream of public ratings; a slice is a millisecond or two.
 */
const SEAL_SLICE = 50;
const VERIFY_BATCH = 2000;

/** Plain JSON (dates → ISO strings), as jsonb will hand it back. */
const toJson = (v: unknown) => (v === undefined || v === null ? null : JSON.parse(JSON.stringify(v)));

const toCheckpointDto = (r: CheckpointRow): CheckpointDto => ({
  id: r.id,
  position: r.position,
  hash: r.hash,
  signedAt: r.signedAt.toISOString(),
  occasion: r.occasion as CheckpointOccasion,
  subject: r.subject,
  kid: r.kid,
  jws: r.jws,
});

/** A checkpoint verify compared the chain with: one from the table, or one the caller kept (its index in the request). */
export interface CheckpointRef {
  source: 'stored' | 'held';
  id: number | null;
  index: number | null;
  position: number;
  hash: string;
  signedAt: string;
}

export interface Verification {
  valid: boolean;
  checked: number;
  firstBroken: { seq: number | null; position: number | null; reason: string; checkpoint: CheckpointRef | null } | null;
  head: { position: number; hash: string };
  checkpoints: { stored: number; held: number };
}

export interface SealResult {
  /** Links written by this call. */
  sealed: number;
  /** False when another process held the sealer lock (only when not waiting). */
  ran: boolean;
}

/**
 * The rows `record` inserts: each entry's content as it will be stored, and its digest. `digest: false`: the caller's
 * statement completes the entries in SQL and the sealer digests them from what was stored. `completes: key`: the
 * statement sets `after[key]` (a string or null) and computes the digest itself, from the canonical JSON around that
 * value (`digestAround`), so the sealer only links the entry.
 */
function prepare(ctx: RequestContext, entries: AuditEntryInput | AuditEntryInput[], { digest = true, completes }: { digest?: boolean; completes?: string } = {}): PreparedAuditEntry[] {
  const list = Array.isArray(entries) ? entries : [entries];
  const occurredAt = new Date();
  return list.map((e) => {
    const content = {
      occurredAt,
      actor: ctx.principal.subject,
      role: ctx.principal.role,
      action: e.action,
      entityType: e.entityType,
      entityId: e.entityId,
      before: toJson(e.before),
      after: toJson(e.after),
      requestId: ctx.requestId,
    };
    if (completes !== undefined) return { ...content, digest: null, digestAround: canonicalAround(content, completes) };
    return { ...content, digest: digest ? entryDigest(content) : null };
  });
}

/** Stands for the value the statement fills in; random per process, so no stored text can contain it. */
const PENDING_VALUE = `manyi-pending-${randomUUID()}`;

/** The entry's canonical JSON (what entryDigest hashes) split where `after[key]`'s value goes; null if it cannot be. */
function canonicalAround(content: EntryContent, key: string): readonly [string, string] | null {
  const after = content.after;
  if (after === null || typeof after !== 'object' || Array.isArray(after)) return null;
  const parts = entryCanonicalJson({ ...content, after: { ...(after as Record<string, unknown>), [key]: PENDING_VALUE } }).split(JSON.stringify(PENDING_VALUE));
  return parts.length === 2 ? [parts[0], parts[1]] : null;
}

export function createAuditService({ db, config, keys }: { db: Db; config: Config; keys?: KeyPair }) {
  let signingKeys: Promise<KeyPair> | undefined;
  /** AUDIT_SIGNING_KEY when configured (required in production), else the local key pair. */
  function signer(): Promise<KeyPair> {
    signingKeys ??= config.AUDIT_SIGNING_KEY
      ? loadSigningKeyPair(config.AUDIT_SIGNING_KEY, config.AUDIT_SIGNING_ALG)
      : keys
        ? Promise.resolve(keys)
        : Promise.reject(new Error('no audit signing key: set AUDIT_SIGNING_KEY'));
    return signingKeys;
  }

  /** Digests of pending entries written before migration 0008 (no digest of their own), from their content. */
  async function digestsOf(tx: Db, batch: PendingEntry[]): Promise<Map<number, string>> {
    const legacy = batch.filter((e) => e.digest === null).map((e) => e.seq);
    const out = new Map<number, string>();
    if (legacy.length) {
      const rows = await auditRepository.contentsBySeqs(tx, legacy);
      for (let i = 0; i < rows.length; i++) {
        out.set(rows[i].seq, entryDigest(rows[i]));
        if ((i + 1) % SEAL_SLICE === 0) await yieldToIo();
      }
    }
    for (const e of batch) if (e.digest !== null) out.set(e.seq, e.digest);
    return out;
  }

  /**
   * Links every committed, unlinked entry into the chain, a batch per transaction, under the sealer lock. `wait: false`
   * (the scheduled sealer) gives up when another process holds the lock: that process is sealing.
   */
  async function seal({ wait = true }: { wait?: boolean } = {}): Promise<SealResult> {
    let sealed = 0;
    let xmin: string | null = null;
    let cursor: { xid: string; seq: number } | null = null;
    for (;;) {
      const step = await db.transaction(async (tx) => {
        if (wait) await auditRepository.lockSealer(tx);
        else if (!(await auditRepository.tryLockSealer(tx))) return null;
        // Read before the first scan: every writer below it had finished, so the scans below see all it committed.
        xmin ??= await auditRepository.runningXmin(tx);
        const head = await auditRepository.head(tx);
        const batch = await auditRepository.pending(tx, head.horizon, cursor, SEAL_BATCH);
        const last = batch.length < SEAL_BATCH;
        if (batch.length === 0) return { n: 0, last };
        const digests = await digestsOf(tx, batch);
        const sealedAt = new Date();
        let prevHash = head.hash ?? GENESIS_HASH;
        let position = head.position;
        const links: LinkRow[] = [];
        for (const e of batch) {
          position++;
          const digest = digests.get(e.seq)!;
          const hash = linkHash({ position, entrySeq: e.seq, digest, prevHash });
          links.push({ position, entrySeq: e.seq, digest, prevHash, hash, sealedAt, horizon: null });
          prevHash = hash;
          if (links.length % SEAL_SLICE === 0) await yieldToIo();
        }
        // The run's last batch records how far the run is complete; never below the horizon it started from.
        if (last) links[links.length - 1].horizon = BigInt(xmin) > BigInt(head.horizon) ? xmin : head.horizon;
        await auditRepository.insertLinks(tx, links);
        const end = batch[batch.length - 1];
        cursor = { xid: end.writerXid, seq: end.seq };
        return { n: links.length, last };
      });
      if (step === null) return { sealed, ran: false };
      sealed += step.n;
      if (step.last) return { sealed, ran: true };
    }
  }

  /** Seals, then signs the head under the sealer lock (so no link lands between reading and signing it). */
  async function checkpoint(occasion: CheckpointOccasion, subject: string | null, due?: (last: CheckpointRow | undefined, head: number) => boolean) {
    const key = await signer();
    await seal();
    return db.transaction(async (tx) => {
      await auditRepository.lockSealer(tx);
      if (subject) {
        const existing = await auditRepository.checkpointBySubject(tx, subject);
        if (existing) return existing;
      }
      const head = await auditRepository.head(tx);
      if (due && !due(await auditRepository.latestCheckpoint(tx), head.position)) return null;
      const signedAt = new Date();
      const claims: CheckpointClaims = { iss: config.JWT_ISSUER, position: head.position, hash: head.hash ?? GENESIS_HASH, signedAt: signedAt.toISOString(), occasion, subject };
      const jws = await signCheckpoint(key, claims);
      return auditRepository.insertCheckpoint(tx, { position: claims.position, hash: claims.hash, signedAt, occasion, subject, kid: key.kid, jws });
    });
  }

  /** The checkpoints verify compares with: the table's (a bad signature or payload is itself a break) and the caller's. */
  async function expectations(key: KeyPair, held: string[]) {
    const expected: CheckpointRef[] = [];
    const problems: { position: number; reason: string; checkpoint: CheckpointRef }[] = [];
    const stored = await auditRepository.allCheckpoints(db);
    for (const row of stored) {
      const ref: CheckpointRef = { source: 'stored', id: row.id, index: null, position: row.position, hash: row.hash, signedAt: row.signedAt.toISOString() };
      const read = await readCheckpoint(key, row.jws);
      if ('error' in read) problems.push({ position: row.position, reason: `stored checkpoint ${row.id} is not genuine: ${read.error} (the checkpoints table was altered)`, checkpoint: ref });
      else if (read.claims.position !== row.position || read.claims.hash !== row.hash) {
        problems.push({ position: Math.min(row.position, read.claims.position), reason: `stored checkpoint ${row.id} does not match its own signed payload (the checkpoints table was altered)`, checkpoint: ref });
      } else expected.push(ref);
    }
    for (const [index, jws] of held.entries()) {
      const read = await readCheckpoint(key, jws);
      if ('error' in read) throw invalid(`checkpoints.${index}`, read.error);
      expected.push({ source: 'held', id: null, index, position: read.claims.position, hash: read.claims.hash, signedAt: read.claims.signedAt });
    }
    return { expected, problems, stored: stored.length };
  }

  const describeCheckpoint = (c: CheckpointRef) =>
    c.source === 'held' ? `the checkpoint you hold (checkpoints[${c.index}], signed ${c.signedAt})` : `stored checkpoint ${c.id} (signed ${c.signedAt})`;

  return {
    /**
     * Adds entries to the log inside the caller's transaction: the change and its audit entries commit together or not at
     * all. One INSERT, no lock and no read of another row; the sealer links them once they are committed.
     */
    async record(tx: Db, ctx: RequestContext, entries: AuditEntryInput | AuditEntryInput[]): Promise<void> {
      const rows = prepare(ctx, entries);
      if (rows.length) await auditRepository.insertMany(tx, rows);
    },

    /** Entries with their content and digest, for `auditQueries.insertSql` (one statement with the change they record). */
    prepare,

    /** Entries oldest first, each with its link (position, prevHash, hash, sealedAt), null while pending. */
    list(filter: AuditFilter) {
      return auditRepository.list(db, filter);
    },

    seal,

    /** The signed checkpoint taken for `subject` (e.g. `ranking:<id>`), taking it now if there is none yet. */
    async checkpointFor(occasion: CheckpointOccasion, subject: string): Promise<CheckpointDto> {
      const existing = await auditRepository.checkpointBySubject(db, subject);
      return toCheckpointDto(existing ?? (await checkpoint(occasion, subject))!);
    },

    /** A checkpoint of the head now (admin on demand, tests). */
    async checkpointNow(): Promise<CheckpointDto> {
      return toCheckpointDto((await checkpoint('on_demand', null))!);
    },

    /**
     * The scheduled checkpoint: skipped when the head has not moved since the last checkpoint, or another copy of the
     * service took one less than half an interval ago.
     */
    async checkpointIfDue(intervalMs: number): Promise<CheckpointDto | null> {
      const row = await checkpoint('interval', null, (last, head) => !last || (last.position !== head && Date.now() - last.signedAt.getTime() >= intervalMs / 2));
      return row ? toCheckpointDto(row) : null;
    },

    async latestCheckpoint(): Promise<CheckpointDto | null> {
      const r = await auditRepository.latestCheckpoint(db);
      return r ? toCheckpointDto(r) : null;
    },

    /** Newest first; the cursor is the last checkpoint id of the previous page. */
    async listCheckpoints(page: { limit: number; cursor?: string }): Promise<Page<CheckpointDto>> {
      const p = await paginate(page, (q) => auditRepository.listCheckpoints(db, { beforeId: q.after, limit: q.limit }), { key: (c) => c.id, decode: decodeNumericCursor });
      return { items: p.items.map(toCheckpointDto), nextCursor: p.nextCursor };
    },

    /** The public key set an outsider checks checkpoint signatures with. */
    async signingKeys(): Promise<{ keys: Record<string, unknown>[] }> {
      return { keys: [{ ...(await signer()).publicJwk }] };
    },

    /**
     * Seals what is pending, then walks the chain from position 1: every link must follow the previous one, seal an
     * entry whose content still has its digest, and agree with every genuine checkpoint — the stored ones and those the
     * caller kept (`held`, compact JWS). Names the first position that does not check out, and the checkpoint that
     * disagrees when that is how it was caught.
     */
    async verify({ held = [] }: { held?: string[] } = {}): Promise<Verification> {
      const key = await signer();
      const { expected, problems, stored } = await expectations(key, held);
      await seal();
      const { horizon } = await auditRepository.head(db);
      const byPosition = new Map<number, CheckpointRef[]>();
      for (const c of expected) byPosition.set(c.position, [...(byPosition.get(c.position) ?? []), c]);
      const counts = { stored, held: held.length };

      let prevHash = GENESIS_HASH;
      let position = 0;
      let checked = 0;
      let agreed = 0;
      let broken: Verification['firstBroken'] = null;
      const against = (at: number, hash: string, seq: number | null) => {
        for (const c of byPosition.get(at) ?? []) {
          if (c.hash !== hash) {
            const since = agreed > 0 ? `, after position ${agreed} (the last checkpoint that agrees)` : '';
            return { seq, position: at, checkpoint: c, reason: `the chain at position ${at} differs from ${describeCheckpoint(c)}: history up to here was rewritten after it was signed${since}` };
          }
        }
        if (byPosition.has(at)) agreed = at;
        return null;
      };
      broken = against(0, GENESIS_HASH, null);
      walk: for (;;) {
        const batch = await auditRepository.chainFrom(db, position, VERIFY_BATCH);
        if (batch.length === 0) break;
        for (const { link, entry } of batch) {
          const at = position + 1;
          const fail = (reason: string, seq: number | null = link.entrySeq) => ({ seq, position: at, reason, checkpoint: null });
          if (link.position !== at) broken = fail(`link ${at} is missing (the next link is ${link.position}): a link was removed`);
          else if (!entry) broken = fail(`the entry link ${at} seals (seq ${link.entrySeq}) is gone`);
          else {
            const digest = entryDigest(entry);
            if (digest !== link.digest || (entry.digest !== null && entry.digest !== digest)) broken = fail('content does not match its digest (the entry was altered)');
            else if (link.prevHash !== prevHash) broken = fail('prev_hash does not match the previous link (a link was removed, reordered or rewritten)');
            else if (linkHash({ position: at, entrySeq: link.entrySeq, digest: link.digest, prevHash }) !== link.hash) broken = fail('the link hash does not match the link (the link was altered)');
            else broken = against(at, link.hash, link.entrySeq);
          }
          if (broken) break walk;
          prevHash = link.hash;
          position = at;
          checked++;
        }
      }
      if (!broken) {
        const beyond = expected.filter((c) => c.position > position).sort((a, b) => a.position - b.position)[0];
        if (beyond) broken = { seq: null, position: position + 1, checkpoint: beyond, reason: `the chain ends at position ${position}, but ${describeCheckpoint(beyond)} covers position ${beyond.position}: links were removed` };
      }
      if (!broken) {
        const unlinked = await auditRepository.firstUnlinkedBelow(db, horizon);
        if (unlinked !== null) broken = { seq: unlinked, position: null, checkpoint: null, reason: `entry seq ${unlinked} was sealed but has no link any more (its link was removed)` };
      }
      const problem = problems.sort((a, b) => a.position - b.position)[0];
      if (problem && (!broken || broken.position === null || problem.position < broken.position)) broken = { seq: null, ...problem };
      return { valid: broken === null, checked, firstBroken: broken, head: { position, hash: prevHash }, checkpoints: counts };
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
