/**
 * The bulk import runner every kind of import shares (ratings, cases): the file is streamed, rows are parsed and
 * validated one by one and go to the database in batches through a COPY stage, so memory stays flat for files of
 * any size. Progress is committed per batch; per-row errors are kept; the commit policy is `partial` (each batch
 * commits) or `all_or_nothing` (one merge at the end, only when no row was rejected). A lease, renewed by every
 * batch and by a heartbeat, lets a sweep fail the jobs of a stopped process.
 *
 * The kind supplies its job store (its job and error tables), its row schema and its stage and merge.
 */
import { Readable } from 'node:stream';
import { BOM, csvLine } from './csv.js';
import { z } from 'zod';
import type { Database, Db } from '../db/client.js';
import { DomainError, notFound } from './errors.js';
import { yieldToIo } from './event-loop.js';
import { paginate, pageQuery } from './http.js';
import type { Page } from './http.js';
import { ImportFileError, rowsOf } from './import-rows.js';
import type { ImportFormat, ImportHeader } from './import-rows.js';
import type { RequestContext } from './principal.js';
import { zodIssueCode } from './row-errors.js';
import type { RowErrorCode, RowIssue } from './row-errors.js';

export const importFormats = ['csv', 'ndjson'] as const;
export const importPolicies = ['partial', 'all_or_nothing'] as const;
export const importStatuses = ['processing', 'completed', 'failed'] as const;
export type ImportPolicy = (typeof importPolicies)[number];
export type ImportStatus = (typeof importStatuses)[number];

/** The commit policy, as the API documents it (every kind of import). */
export const POLICY_DESCRIPTION =
  '`partial` (default): every valid row is committed (in batches, as the file is read) and bad rows are reported; ' +
  'the job ends `completed`. `all_or_nothing`: if any row is rejected nothing is committed and the job ends `failed` ' +
  '(all rows are still checked, so the error report is complete).';

/** The query fields every import takes (format and commit policy) and its list route's filter: one definition for each kind. */
export const importFormatQuery = z.enum(importFormats).describe('csv (header row, UTF-8) or ndjson (one JSON object per line)');
export const importPolicyQuery = z.enum(importPolicies).default('partial').describe(POLICY_DESCRIPTION);
export const importListQuery = pageQuery.extend({ status: z.enum(importStatuses).optional() });

/** Counters every job keeps; a kind may keep more (ratings count the follow-ups opened). */
export interface ImportCounters {
  rowsRead: number;
  accepted: number;
  duplicates: number;
  rejected: number;
}

export interface ImportErrorEntry {
  importId: string;
  rowNumber: number;
  field: string;
  code: RowErrorCode;
  message: string;
  raw: string | null;
}

export interface ImportJob {
  id: string;
  policy: ImportPolicy;
  accepted: number;
  rowsRead: number;
  duplicates: number;
  rejected: number;
  startedAt: Date;
  heartbeatAt: Date | null;
}

/** The kind's job table and error table. */
export interface ImportJobStore<J extends ImportJob, C extends ImportCounters> {
  create(db: Db, row: { format: ImportFormat; source: string; policy: ImportPolicy; createdBy: string; heartbeatAt: Date; leaseExpiresAt: Date }): Promise<J>;
  byId(db: Db, id: string): Promise<J | undefined>;
  /** Renews the lease (with progress); undefined when the job is no longer `processing`. */
  renewLease(db: Db, id: string, leaseExpiresAt: Date, progress?: Partial<C>): Promise<J | undefined>;
  /** Ends a `processing` job; undefined when it had already ended. */
  settle(db: Db, id: string, patch: Partial<C> & { status: ImportStatus; failureReason: string | null; finishedAt: Date }): Promise<J | undefined>;
  insertErrors(db: Db, rows: ImportErrorEntry[]): Promise<void>;
  /** Locks `processing` jobs whose lease expired (SKIP LOCKED). */
  claimOrphaned(db: Db, now: Date, leaseMs: number, limit: number): Promise<J[]>;
}

/** One validated row and where it was in the file. */
export interface PendingRow<R> {
  rowNumber: number;
  row: R;
  values: Record<string, unknown>;
}

/** A staging session: rows are appended (COPY), merged into the kind's table, and cleared per batch. */
export interface ImportStage<S, C extends ImportCounters> {
  db: Db;
  append(db: Db, rows: S[]): Promise<void>;
  /**
   * Moves the staged rows into the kind's table; `inserted` new rows, any extra counters to add, and the staged rows it
   * had to refuse after all (a unique key another writer took since the batch was checked: see mergeClaimingKeys).
   */
  merge(db: Db, importId: string): Promise<{ inserted: number; extra?: Partial<Omit<C, keyof ImportCounters>>; rejected?: MergeRejection[] }>;
  clear(db: Db): Promise<void>;
  release(): Promise<void>;
}

/** A staged row the merge refused (by the row number the kind staged with it). */
export interface MergeRejection {
  rowNumber: number;
  field: string;
  code: RowErrorCode;
  message: string;
}

/** The all_or_nothing merge refused rows: its transaction rolls back and the job fails with them as row errors. */
class MergeRefused extends Error {
  constructor(readonly rows: MergeRejection[]) {
    super(`${rows.length} row(s) refused by the merge`);
  }
}

/**
 * Runs a kind's merge statement under a savepoint. A unique key (an org code) checked free when the batch was prepared
 * may be taken meanwhile by another writer (a concurrent import, a single create): the statement then fails whole with a
 * unique violation. `takeClashes` takes the staged rows whose key is now held by someone else out of the stage and names
 * them; the statement runs again without them, so they become row errors instead of failing the job.
 */
export async function mergeClaimingKeys<T>(
  tx: Db,
  o: { apply(tx: Db): Promise<T>; isClash(err: unknown): boolean; takeClashes(tx: Db): Promise<MergeRejection[]> },
): Promise<{ result: T; rejected: MergeRejection[] }> {
  const rejected: MergeRejection[] = [];
  for (;;) {
    try {
      return { result: await tx.transaction((sp) => o.apply(sp)), rejected };
    } catch (err) {
      if (!o.isClash(err)) throw err;
      // The writer that held the key has committed (PostgreSQL waits for it before reporting the violation): visible now.
      const taken = await o.takeClashes(tx);
      if (!taken.length) throw err;
      rejected.push(...taken);
    }
  }
}

export type Reject = (rowNumber: number, issues: RowIssue[], values?: Record<string, unknown>) => void;

/** What a kind of import is: its file header, row schema and checks, and how a batch is staged and merged. */
export interface ImportKind<R, S, C extends ImportCounters> {
  /** For messages and audit actions: `rating_import` → rating_import.completed. */
  entity: string;
  header: ImportHeader;
  /** The columns kept (the rest of a row is ignored) and shown in the error report, minus `secret`. */
  columns: readonly string[];
  /** Columns never copied into the error report (a respondent key). */
  secret: readonly string[];
  rowSchema: z.ZodType<R>;
  /** A check of one valid row on its own (a time in the future). */
  checkRow?(row: R): RowIssue | null;
  openStage(database: Database): Promise<ImportStage<S, C>>;
  /** Checks a batch's references (one query each) and stages what passes; rejects the rest. */
  prepareBatch(db: Db, batch: PendingRow<R>[], reject: (p: PendingRow<R>, field: string, code: RowErrorCode, message: string) => void): Promise<S[]>;
  /** Counters a job starts with beyond the shared ones (e.g. followUpsOpened: 0). */
  extraCounters: Omit<C, keyof ImportCounters>;
  /**
   * The keys a staged row claims in the kind's table (its unique keys), for a `partial` import on PostgreSQL to write
   * two batches at once, each on its own session (see `run`). Only a kind whose batches touch nothing of each other but
   * these keys may give them; without it batches are written one after another.
   */
  claimedKeys?(row: S): string[];
}

/** What the runner records: audit entries in the caller's transaction. */
export interface ImportAudit {
  record(tx: Db, ctx: RequestContext, entry: { action: string; entityType: string; entityId: string; before?: unknown; after?: unknown }): Promise<unknown>;
}

/** Rows per batch: one COPY + one merge + one progress update each. */
export const IMPORT_BATCH_ROWS = 5000;
/**
 * Sessions a `partial` import of a kind with `claimedKeys` writes its batches on. PostgreSQL runs one statement on one
 * core; the per-row work of a merge (index entries, foreign-key checks) is most of an import's time, so two sessions
 * write two batches at once while the next is parsed.
 */
const WRITE_SESSIONS = 2;
const RAW_MAX_CHARS = 500;
/** Rows parsed between two turns of the event loop (see the read loop in `run`). */
const YIELD_EVERY_ROWS = 200;
/** Orphaned jobs failed per transaction by one recovery pass. */
const RECOVERY_BATCH = 100;

/** What a job that stopped mid-way leaves behind, for its failureReason. */
export function committedSoFar(r: { policy: ImportPolicy; accepted: number }): string {
  // all_or_nothing merges only in the transaction that completes the job: a job that stopped committed nothing.
  return r.policy === 'all_or_nothing' ? 'nothing committed' : `${r.accepted} row(s) committed before it stopped`;
}

/** A batch through the stage: COPY into it, one merge into the kind's table, emptied for the next batch. */
export async function appendAndMerge<S, C extends ImportCounters>(stage: Pick<ImportStage<S, C>, 'append' | 'merge' | 'clear'>, tx: Db, importId: string, rows: S[]) {
  await stage.append(tx, rows);
  const r = await stage.merge(tx, importId);
  await stage.clear(tx);
  return r;
}

export function createImportRunner<J extends ImportJob, C extends ImportCounters, D>({
  database,
  audit,
  jobs,
  toDto,
  lease,
}: {
  database: Database;
  audit: ImportAudit;
  jobs: ImportJobStore<J, C>;
  toDto: (job: J) => D;
  lease: { leaseMs: number; heartbeatMs: number };
}) {
  const db = database.db;
  const leaseFromNow = () => new Date(Date.now() + lease.leaseMs);

  async function run<R, S>(
    ctx: RequestContext,
    kind: ImportKind<R, S, C>,
    opts: { format: ImportFormat; source: string; policy: ImportPolicy },
    input: Readable,
  ): Promise<D> {
    const job = await jobs.create(db, { format: opts.format, source: opts.source, policy: opts.policy, createdBy: ctx.principal.subject, heartbeatAt: new Date(), leaseExpiresAt: leaseFromNow() });
    const counters = { rowsRead: 0, accepted: 0, duplicates: 0, rejected: 0, ...kind.extraCounters } as C;
    const extra = counters as unknown as Record<string, number>;
    const allOrNothing = opts.policy === 'all_or_nothing';
    let pending: PendingRow<R>[] = [];
    let errors: ImportErrorEntry[] = [];
    const shown = kind.columns.filter((c) => !kind.secret.includes(c));

    /** The row as read, for the error report: only the columns the import knows, never a secret one. */
    const redactedRaw = (values: Record<string, unknown> | undefined): string | null => {
      if (!values) return null;
      const text = JSON.stringify(Object.fromEntries(shown.filter((c) => c in values).map((c) => [c, values[c]])));
      return text.length > RAW_MAX_CHARS ? `${text.slice(0, RAW_MAX_CHARS - 1)}…` : text;
    };
    /** CSV cells are strings and NDJSON may carry nulls: both mean "not given". Unknown columns are ignored. */
    const normalize = (values: Record<string, unknown>): Record<string, unknown> => {
      const out: Record<string, unknown> = {};
      for (const c of kind.columns) {
        const v = values[c];
        if (v !== '' && v !== null && v !== undefined) out[c] = v;
      }
      return out;
    };

    const reject = (rowNumber: number, issues: RowIssue[], values?: Record<string, unknown>, into = errors) => {
      counters.rejected++;
      const raw = redactedRaw(values);
      for (const i of issues) into.push({ importId: job.id, rowNumber, field: i.field, code: i.code, message: i.message, raw });
    };

    const accept = (rowNumber: number, values: Record<string, unknown>) => {
      const given = normalize(values);
      const v = kind.rowSchema.safeParse(given);
      if (!v.success) {
        return reject(rowNumber, v.error.issues.map((i) => ({ field: i.path.map(String).join('.') || 'row', code: zodIssueCode(i, i.path.length > 0 && String(i.path[0]) in given), message: i.message })), values);
      }
      const problem = kind.checkRow?.(v.data);
      if (problem) return reject(rowNumber, [problem], values);
      pending.push({ rowNumber, row: v.data, values });
    };

    const leaseLost = () =>
      new DomainError(409, 'import_lease_lost', 'Import Lease Lost', `${kind.entity} ${job.id} was failed by the lease sweep while this process was still running it`).zh(
        `导入任务 ${job.id} 在运行中被租约清理判定为中断并置为失败`,
      );

    const addExtra = (from: object | undefined, replace = false) => {
      for (const [k, v] of Object.entries(from ?? {}) as [string, number | undefined][]) extra[k] = (replace ? 0 : extra[k]) + (v ?? 0);
    };

    // prepareBatch runs one batch after another, in file order (a kind's in-file checks, like 一事一评, see earlier batches).
    let preparing: Promise<unknown> = Promise.resolve();
    /** The keys the batch prepared last claims (kind.claimedKeys). */
    let keysBefore: Set<string> | undefined;
    const prepare = (stage: ImportStage<S, C>, batch: PendingRow<R>[], batchErrors: ImportErrorEntry[]) => {
      const prepared = preparing.catch(() => undefined).then(async () => {
        const staged = await kind.prepareBatch(stage.db, batch, (p, field, code, message) => reject(p.rowNumber, [{ field, code, message }], p.values, batchErrors));
        if (!kind.claimedKeys) return { staged, sharesKey: true };
        const keys = new Set(staged.flatMap(kind.claimedKeys));
        const before = keysBefore;
        keysBefore = keys;
        return { staged, sharesKey: before !== undefined && [...keys].some((k) => before.has(k)) };
      });
      preparing = prepared;
      return prepared;
    };

    /**
     * Checks references for the batch (one query each), then stages / merges it and commits progress. `before` is the
     * previous batch's flush: with two write sessions it may still be running. This batch then merges beside it but
     * commits after it, and not at all if it failed (its error is this batch's too), so batches commit in file order and
     * a failed import has committed a prefix of its file, as one session at a time would. A batch claiming a key the
     * previous one claims (a row repeated across the two) waits for it before merging: the file's earlier row stays
     * the one stored, and the two never wait on each other's keys. Settles only once `before` has settled.
     */
    const flush = async (stage: ImportStage<S, C>, batch: PendingRow<R>[], batchErrors: ImportErrorEntry[], before: Promise<void>) => {
      try {
        const { staged, sharesKey } = await prepare(stage, batch, batchErrors);
        if (!allOrNothing) {
          if (sharesKey) await before;
          await stage.db.transaction(async (tx) => {
            const r = await appendAndMerge(stage, tx, job.id, staged);
            await before;
            if (r.rejected?.length) {
              const valuesOf = new Map(batch.map((p) => [p.rowNumber, p.values]));
              for (const x of r.rejected) reject(x.rowNumber, [x], valuesOf.get(x.rowNumber), batchErrors);
            }
            counters.accepted += r.inserted;
            counters.duplicates += staged.length - r.inserted - (r.rejected?.length ?? 0);
            addExtra(r.extra);
            await jobs.insertErrors(tx, batchErrors);
            // Rolls the batch back when the sweep has already failed the job: its failureReason stays true.
            if (!(await jobs.renewLease(tx, job.id, leaseFromNow(), counters))) throw leaseLost();
            // The rows this batch commits are accounted for in the same transaction (one entry per batch, not per row).
            if (staged.length + batchErrors.length === 0) return;
            await audit.record(tx, ctx, {
              action: `${kind.entity}.batch_committed`,
              entityType: kind.entity,
              entityId: job.id,
              after: { accepted: r.inserted, duplicates: staged.length - r.inserted, rejected: batchErrors.length, ...r.extra, totals: { ...counters } },
            });
          });
          return;
        }
        // all_or_nothing (one session): stage everything; after the first rejected row nothing more is staged (it will not commit).
        await before;
        if (counters.rejected === 0) await stage.append(stage.db, staged);
        await jobs.insertErrors(stage.db, batchErrors);
        if (!(await jobs.renewLease(stage.db, job.id, leaseFromNow(), counters))) throw leaseLost();
      } finally {
        await before.catch(() => undefined);
      }
    };

    const finish = async (tx: Db, status: 'completed' | 'failed', failureReason: string | null): Promise<D> => {
      const row = await jobs.settle(tx, job.id, { ...counters, status, failureReason, finishedAt: new Date() });
      // Already ended by the lease sweep (and audited there): report it as it stands.
      if (!row) return toDto((await jobs.byId(tx, job.id))!);
      const dto = toDto(row);
      // One audit entry per import job, not per row.
      await audit.record(tx, ctx, { action: `${kind.entity}.${status}`, entityType: kind.entity, entityId: job.id, after: dto });
      return dto;
    };

    const stages: ImportStage<S, C>[] = [];
    // Batches are written while the next is parsed: the database and the parser work at the same time. Batch n goes to
    // session n mod stages.length, once that session's previous batch is done.
    /** The newest batch's flush: it settles only after every earlier one (see flush). */
    let inFlight: Promise<void> = Promise.resolve();
    const writing: Promise<void>[] = [];
    let batches = 0;
    const schedule = async () => {
      const session = batches++ % stages.length;
      await writing[session];
      const batch = pending;
      const batchErrors = errors;
      pending = [];
      errors = [];
      inFlight = flush(stages[session], batch, batchErrors, inFlight);
      inFlight.catch(() => undefined); // awaited below; this only keeps it from being reported as unhandled meanwhile
      writing[session] = inFlight;
    };
    /**
     * A second write session (kind.claimedKeys, policy partial, PostgreSQL) only while the pool keeps half its
     * connections free after it: concurrent imports must never hold every connection (the job's own updates need one).
     */
    const secondSession = () => {
      const pool = database.pool;
      if (!kind.claimedKeys || allOrNothing || !pool) return false;
      // The first session is checked out already.
      const checkedOut = pool.totalCount - pool.idleCount;
      return checkedOut + 1 <= (pool.options.max ?? 10) / 2;
    };
    // Between batches (a slow upload, a long merge) the timer keeps the lease: only a stopped process loses it.
    let beat: Promise<unknown> = Promise.resolve();
    const heartbeat = setInterval(() => {
      beat = beat.then(() => jobs.renewLease(db, job.id, leaseFromNow())).catch(() => undefined);
    }, lease.heartbeatMs);
    heartbeat.unref();
    try {
      stages.push(await kind.openStage(database));
      while (stages.length < WRITE_SESSIONS && secondSession()) stages.push(await kind.openStage(database));
      for await (const parsed of rowsOf(opts.format, input, kind.header)) {
        counters.rowsRead++;
        if (parsed.error) reject(parsed.rowNumber, [parsed.error]);
        else accept(parsed.rowNumber, parsed.values!);
        if (pending.length + errors.length >= IMPORT_BATCH_ROWS) await schedule();
        // Rows the upload has already buffered are read in microtasks only, never giving the batch being written a turn:
        // its next statement would wait for the whole read-ahead to be parsed. A turn of the event loop every few hundred
        // rows lets the database work on batch N go on while batch N+1 is parsed (the pipelining `schedule` is for).
        else if (counters.rowsRead % YIELD_EVERY_ROWS === 0) await yieldToIo();
      }
      await schedule();
      await inFlight;
      if (!allOrNothing) return await finish(db, 'completed', null);
      if (counters.rejected > 0) {
        return await finish(db, 'failed', `${counters.rejected} row(s) rejected: nothing committed (policy all_or_nothing)`);
      }
      const s = stages[0];
      return await s.db.transaction(async (tx) => {
        const r = await s.merge(tx, job.id);
        if (r.rejected?.length) throw new MergeRefused(r.rejected);
        counters.accepted = r.inserted;
        counters.duplicates = counters.rowsRead - r.inserted;
        addExtra(r.extra, true);
        return finish(tx, 'completed', null);
      });
    } catch (err) {
      // Never touch the job or release the connection while a batch is still being written.
      await inFlight.catch(() => undefined);
      if (err instanceof MergeRefused) {
        for (const x of err.rows) reject(x.rowNumber, [x]);
        await jobs.insertErrors(db, errors);
        return finish(db, 'failed', `${counters.rejected} row(s) rejected: nothing committed (policy all_or_nothing)`);
      }
      if (err instanceof ImportFileError) {
        await jobs.insertErrors(db, [{ importId: job.id, rowNumber: 1, field: err.field, code: err.code, message: err.message, raw: null }]);
        return finish(db, 'failed', err.message);
      }
      const committed = committedSoFar({ policy: opts.policy, accepted: counters.accepted });
      const known = err instanceof DomainError;
      const aborted = (err as { code?: string }).code === 'ECONNRESET' || /aborted/i.test((err as Error).message ?? '');
      const reason = known ? (err as DomainError).message : aborted ? 'the upload was interrupted' : 'an unexpected error occurred';
      await finish(db, 'failed', `${reason}; ${committed}`).catch(() => undefined);
      if (known) throw new DomainError(err.status, err.code, err.title, `${err.message}; import ${job.id} failed, ${committed}`, { importId: job.id });
      throw err;
    } finally {
      clearInterval(heartbeat);
      await beat;
      await Promise.all(stages.map((s) => s.release().catch(() => undefined)));
    }
  }

  /**
   * Fails the jobs whose process stopped (crash, SIGKILL, lost host): their lease expired without renewal. What they
   * had committed stays (partial imports commit per batch) and is named in the reason. Each job is failed and audited
   * in one transaction under its row lock, so several copies sweeping at once never fail one twice. Returns how many.
   */
  async function failOrphaned(ctx: RequestContext, entity: string, now = new Date()): Promise<number> {
    let failed = 0;
    for (;;) {
      const n = await db.transaction(async (tx) => {
        const orphans = await jobs.claimOrphaned(tx, now, lease.leaseMs, RECOVERY_BATCH);
        for (const o of orphans) {
          const lastSign = o.heartbeatAt ?? o.startedAt;
          const failureReason =
            `the process running the import stopped (no sign of life since ${lastSign.toISOString()}); ${committedSoFar(o)}` +
            ` (${o.rowsRead} row(s) read, ${o.accepted} accepted, ${o.duplicates} duplicate(s), ${o.rejected} rejected)`;
          const row = (await jobs.settle(tx, o.id, { status: 'failed', failureReason, finishedAt: now } as Partial<C> & { status: ImportStatus; failureReason: string; finishedAt: Date }))!;
          await audit.record(tx, ctx, { action: `${entity}.failed`, entityType: entity, entityId: o.id, before: toDto(o), after: toDto(row) });
        }
        return orphans.length;
      });
      failed += n;
      if (n < RECOVERY_BATCH) return failed;
    }
  }

  return { run, failOrphaned };
}

/** A job's per-row errors as CSV (UTF-8 with BOM, for spreadsheets), streamed a page at a time by error id. */
export function importErrorsCsv(page: (afterId: number) => Promise<{ id: number; rowNumber: number; field: string; code: string; message: string; raw: string | null }[]>): Readable {
  async function* lines() {
    yield BOM + csvLine(['rowNumber', 'field', 'code', 'message', 'raw']);
    let after = 0;
    for (;;) {
      const rows = await page(after);
      if (!rows.length) return;
      yield rows.map((e) => csvLine([e.rowNumber, e.field, e.code, e.message, e.raw])).join('');
      after = rows[rows.length - 1].id;
    }
  }
  return Readable.from(lines());
}

/** What the reads of a kind's jobs need of its job store (db/import-jobs.ts importJobStore gives them). */
export interface ImportJobReadStore<J> {
  byId(db: Db, id: string): Promise<J | undefined>;
  list(db: Db, f: { createdBy?: string; status?: ImportStatus; afterId?: string; limit: number }): Promise<J[]>;
  errorsPage(db: Db, importId: string, afterId: number, limit: number): Promise<{ id: number; rowNumber: number; field: string; code: string; message: string; raw: string | null }[]>;
}

/**
 * A kind's job reads for its routes: one job, the caller's jobs (an admin sees every job, anyone else their own;
 * another's job is 404, as if it did not exist), and a job's per-row errors as CSV.
 */
export function importJobReads<J extends { id: string; createdBy: string }, D>({ database, jobs, toDto, label }: { database: Database; jobs: ImportJobReadStore<J>; toDto: (job: J) => D; label: string }) {
  const db = database.db;
  const visible = (ctx: RequestContext, r: J | undefined, id: string): J => {
    if (!r || (ctx.principal.role !== 'admin' && r.createdBy !== ctx.principal.subject)) throw notFound(label, id);
    return r;
  };
  return {
    async get(ctx: RequestContext, id: string): Promise<D> {
      return toDto(visible(ctx, await jobs.byId(db, id), id));
    },
    async list(ctx: RequestContext, filter: { status?: ImportStatus }, page: { limit: number; cursor?: string }): Promise<Page<D>> {
      const createdBy = ctx.principal.role === 'admin' ? undefined : ctx.principal.subject;
      const p = await paginate(page, ({ after, limit }) => jobs.list(db, { ...filter, createdBy, afterId: after, limit }));
      return { items: p.items.map(toDto), nextCursor: p.nextCursor };
    },
    /** The per-row errors as CSV (UTF-8 with BOM, for spreadsheets), streamed a page at a time. */
    async errorsCsv(ctx: RequestContext, id: string): Promise<Readable> {
      visible(ctx, await jobs.byId(db, id), id);
      return importErrorsCsv((after) => jobs.errorsPage(db, id, after, 5000));
    },
  };
}
