import { BOM, csvLine } from '../../lib/csv.js';
import { Readable } from 'node:stream';
import type { Database, Db } from '../../db/client.js';
import { DomainError, notFound } from '../../lib/errors.js';
import { paginate, toIso, toIsoOrNull } from '../../lib/http.js';
import type { Page } from '../../lib/http.js';
import { uuidv7 } from '../../lib/ids.js';
import { systemContext } from '../../lib/principal.js';
import type { RequestContext } from '../../lib/principal.js';
import type { CalendarService } from '../calendar/service.js';
import type { AuditService } from '../audit/service.js';
import { isInFuture } from '../../lib/time.js';
import { ImportFileError, rowsOf } from './import-rows.js';
import type { ParsedRow } from './import-rows.js';
import { importRepository, openStage } from './import.repository.js';
import type { ImportErrorRow, RatingImportRow, StagedRating, StageSession } from './import.repository.js';
import { importColumns, importRow } from './import.schemas.js';
import type { ImportOptions, ImportRow, RatingImportDto } from './import.schemas.js';
import { loopDeadlines, needsFollowUp } from './rules.js';
import type { RespondentHasher } from './rules.js';

/** Rows per batch: one COPY + one merge + one progress update each. */
export const IMPORT_BATCH_ROWS = 5000;
const RAW_MAX_CHARS = 500;
/** Orphaned jobs failed per transaction by one recovery pass. */
const RECOVERY_BATCH = 100;

/** What a job that stopped mid-way leaves behind, for its failureReason. */
function committedSoFar(r: Pick<RatingImportRow, 'policy' | 'accepted'>): string {
  // all_or_nothing merges only in the transaction that completes the job: a job that stopped committed nothing.
  return r.policy === 'all_or_nothing' ? 'nothing committed' : `${r.accepted} row(s) committed before it stopped`;
}

export function toImportDto(r: RatingImportRow): RatingImportDto {
  return {
    id: r.id,
    status: r.status,
    format: r.format,
    source: r.source,
    policy: r.policy,
    rowsRead: r.rowsRead,
    accepted: r.accepted,
    duplicates: r.duplicates,
    rejected: r.rejected,
    followUpsOpened: r.followUpsOpened,
    failureReason: r.failureReason,
    startedAt: toIso(r.startedAt),
    finishedAt: toIsoOrNull(r.finishedAt),
    createdBy: r.createdBy,
  };
}

/**
 * The row as read, for the error report: only the columns the import knows, never the respondent key (never
 * stored in clear) nor extra columns a file may carry (names, phone numbers).
 */
function redactedRaw(values: Record<string, unknown> | undefined): string | null {
  if (!values) return null;
  const kept = Object.fromEntries(importColumns.filter((c) => c !== 'respondentKey' && c in values).map((c) => [c, values[c]]));
  const text = JSON.stringify(kept);
  return text.length > RAW_MAX_CHARS ? `${text.slice(0, RAW_MAX_CHARS - 1)}…` : text;
}

/** CSV cells are strings and NDJSON may carry nulls: both mean "not given". Unknown columns are ignored. */
function normalize(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of importColumns) {
    const v = values[c];
    if (v !== '' && v !== null && v !== undefined) out[c] = v;
  }
  return out;
}

interface Pending {
  rowNumber: number;
  row: ImportRow;
  values: Record<string, unknown>;
}

/**
 * Bulk rating import (问卷/万人评机关 campaigns). The file is streamed: rows are parsed and validated one by
 * one and go to the database in batches, so memory stays flat for files of any size. Progress is committed
 * per batch, so GET /rating-imports/:id shows it while the upload runs.
 */
export function createRatingImportsService({
  database,
  audit,
  hashRespondent,
  followUpWorkingDays,
  verificationWorkingDays,
  lease,
  calendar,
}: {
  database: Database;
  audit: AuditService;
  hashRespondent: RespondentHasher;
  /** FOLLOW_UP_WORKING_DAYS */
  followUpWorkingDays: number;
  /** VERIFICATION_WORKING_DAYS */
  verificationWorkingDays: number;
  /** RATING_IMPORT_LEASE_MS and RATING_IMPORT_HEARTBEAT_MS */
  lease: { leaseMs: number; heartbeatMs: number };
  /** One 回访 deadline per import, on the national holiday calendar. */
  calendar: Pick<CalendarService, 'addWorkingDays'>;
}) {
  const db = database.db;

  const visible = (ctx: RequestContext, r: RatingImportRow | undefined, id: string): RatingImportRow => {
    if (!r || (ctx.principal.role !== 'admin' && r.createdBy !== ctx.principal.subject)) throw notFound('rating import', id);
    return r;
  };

  const leaseFromNow = () => new Date(Date.now() + lease.leaseMs);

  async function run(ctx: RequestContext, opts: ImportOptions, input: Readable): Promise<RatingImportDto> {
    const job = await importRepository.create(db, {
      format: opts.format,
      source: opts.source,
      policy: opts.policy,
      createdBy: ctx.principal.subject,
      heartbeatAt: new Date(),
      leaseExpiresAt: leaseFromNow(),
    });
    const counters = { rowsRead: 0, accepted: 0, duplicates: 0, rejected: 0, followUpsOpened: 0 };
    // 差评核实: every imported bad rating opens the loop, set-based in the merge statement, with the same deadlines as one by one.
    const { verifyBy, deadline: followUpDeadline } = loopDeadlines(calendar, new Date(), verificationWorkingDays, followUpWorkingDays);
    const mergeJob = { importId: job.id, source: opts.source, submittedBy: ctx.principal.subject, verifyBy, followUpDeadline };
    const allOrNothing = opts.policy === 'all_or_nothing';
    let pending: Pending[] = [];
    let errors: ImportErrorRow[] = [];

    const reject = (rowNumber: number, issues: { field: string; message: string }[], values?: Record<string, unknown>, into = errors) => {
      counters.rejected++;
      const raw = redactedRaw(values);
      for (const i of issues) into.push({ importId: job.id, rowNumber, field: i.field, message: i.message, raw });
    };

    const accept = (parsed: ParsedRow) => {
      const values = parsed.values!;
      const v = importRow.safeParse(normalize(values));
      if (!v.success) {
        reject(parsed.rowNumber, v.error.issues.map((i) => ({ field: i.path.map(String).join('.') || 'row', message: i.message })), values);
      } else if (isInFuture(Date.parse(v.data.collectedAt))) {
        reject(parsed.rowNumber, [{ field: 'collectedAt', message: 'lies in the future' }], values);
      } else {
        pending.push({ rowNumber: parsed.rowNumber, row: v.data, values });
      }
    };

    const toStaged = ({ row }: Pending): StagedRating => {
      const comment = row.comment ? row.comment : null;
      return {
        id: uuidv7(),
        unitId: row.unitId,
        cycleId: row.cycleId ?? null,
        channel: row.channel,
        level: row.level,
        comment,
        collectedAt: row.collectedAt,
        externalId: row.externalId,
        respondentHash: row.respondentKey ? hashRespondent(row.respondentKey) : null,
        followUpId: needsFollowUp(row.level) ? uuidv7() : null,
      };
    };

    /** Checks references for the batch (one query each), then stages / merges it and commits progress. */
    const flush = async (stage: StageSession, batch: Pending[], batchErrors: ImportErrorRow[]) => {
      const units = await importRepository.activeUnitIds(stage.db, [...new Set(batch.map((p) => p.row.unitId))]);
      const cycleIds = [...new Set(batch.flatMap((p) => (p.row.cycleId ? [p.row.cycleId] : [])))];
      const cycles = await importRepository.existingCycleIds(stage.db, cycleIds);
      const staged: StagedRating[] = [];
      for (const p of batch) {
        if (!units.has(p.row.unitId)) reject(p.rowNumber, [{ field: 'unitId', message: `unit ${p.row.unitId} does not exist or is deactivated` }], p.values, batchErrors);
        else if (p.row.cycleId && !cycles.has(p.row.cycleId)) reject(p.rowNumber, [{ field: 'cycleId', message: `cycle ${p.row.cycleId} does not exist` }], p.values, batchErrors);
        else staged.push(toStaged(p));
      }
      if (!allOrNothing) {
        await stage.db.transaction(async (tx) => {
          await stage.append(tx, staged);
          const r = await stage.merge(tx, mergeJob);
          await stage.clear(tx);
          counters.accepted += r.inserted;
          counters.duplicates += staged.length - r.inserted;
          counters.followUpsOpened += r.followUps;
          await importRepository.insertErrors(tx, batchErrors);
          // Rolls the batch back when the sweep has already failed the job: its failureReason stays true.
          if (!(await importRepository.renewLease(tx, job.id, leaseFromNow(), counters))) throw leaseLost();
          // The rows this batch commits are accounted for in the same transaction (one entry per batch, not per row).
          if (staged.length + batchErrors.length === 0) return;
          await audit.record(tx, ctx, {
            action: 'rating_import.batch_committed',
            entityType: 'rating_import',
            entityId: job.id,
            after: { accepted: r.inserted, duplicates: staged.length - r.inserted, rejected: batchErrors.length, followUpsOpened: r.followUps, totals: { ...counters } },
          });
        });
        return;
      }
      // all_or_nothing: stage everything; after the first rejected row nothing more is staged (it will not commit).
      if (counters.rejected === 0) await stage.append(stage.db, staged);
      await importRepository.insertErrors(stage.db, batchErrors);
      if (!(await importRepository.renewLease(stage.db, job.id, leaseFromNow(), counters))) throw leaseLost();
    };

    const leaseLost = () => new Error(`rating import ${job.id} was failed by the lease sweep while this process was still running it`);

    const finish = async (tx: Db, status: 'completed' | 'failed', failureReason: string | null): Promise<RatingImportDto> => {
      const row = await importRepository.settle(tx, job.id, { ...counters, status, failureReason, finishedAt: new Date() });
      // Already ended by the lease sweep (and audited there): report it as it stands.
      if (!row) return toImportDto((await importRepository.byId(tx, job.id))!);
      const dto = toImportDto(row);
      // One audit entry per import job, not per row.
      await audit.record(tx, ctx, { action: `rating_import.${status}`, entityType: 'rating_import', entityId: job.id, after: dto });
      return dto;
    };

    let stage: StageSession | undefined;
    // One batch is written while the next is parsed: the database and the parser work at the same time.
    let inFlight: Promise<void> = Promise.resolve();
    const schedule = async (s: StageSession) => {
      await inFlight;
      const batch = pending;
      const batchErrors = errors;
      pending = [];
      errors = [];
      inFlight = flush(s, batch, batchErrors);
      inFlight.catch(() => undefined); // awaited below; this only keeps it from being reported as unhandled meanwhile
    };
    // Between batches (a slow upload, a long merge) the timer keeps the lease: only a stopped process loses it.
    let beat: Promise<unknown> = Promise.resolve();
    const heartbeat = setInterval(() => {
      beat = beat.then(() => importRepository.renewLease(db, job.id, leaseFromNow())).catch(() => undefined);
    }, lease.heartbeatMs);
    heartbeat.unref();
    try {
      stage = await openStage(database);
      for await (const parsed of rowsOf(opts.format, input)) {
        counters.rowsRead++;
        if (parsed.error) reject(parsed.rowNumber, [parsed.error]);
        else accept(parsed);
        if (pending.length + errors.length >= IMPORT_BATCH_ROWS) await schedule(stage);
      }
      await schedule(stage);
      await inFlight;
      if (!allOrNothing) return await finish(db, 'completed', null);
      if (counters.rejected > 0) {
        return await finish(db, 'failed', `${counters.rejected} row(s) rejected: nothing committed (policy all_or_nothing)`);
      }
      const s = stage;
      return await s.db.transaction(async (tx) => {
        const r = await s.merge(tx, mergeJob);
        counters.accepted = r.inserted;
        counters.duplicates = counters.rowsRead - r.inserted;
        counters.followUpsOpened = r.followUps;
        return finish(tx, 'completed', null);
      });
    } catch (err) {
      // Never touch the job or release the connection while a batch is still being written.
      await inFlight.catch(() => undefined);
      if (err instanceof ImportFileError) {
        await importRepository.insertErrors(db, [{ importId: job.id, rowNumber: 1, field: err.field, message: err.message, raw: null }]);
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
      await stage?.release().catch(() => undefined);
    }
  }

  /**
   * Fails the jobs whose process stopped (crash, SIGKILL, lost host): their lease expired without renewal. What they
   * had committed stays (partial imports commit per batch) and is named in the reason. Each job is failed and audited
   * in one transaction under its row lock, so several copies sweeping at once never fail one twice. Returns how many.
   */
  async function failOrphaned(now = new Date()): Promise<number> {
    const ctx = systemContext('rating-import-lease-sweep');
    let failed = 0;
    for (;;) {
      const n = await db.transaction(async (tx) => {
        const orphans = await importRepository.claimOrphaned(tx, now, lease.leaseMs, RECOVERY_BATCH);
        for (const o of orphans) {
          const lastSign = o.heartbeatAt ?? o.startedAt;
          const failureReason =
            `the process running the import stopped (no sign of life since ${lastSign.toISOString()}); ${committedSoFar(o)}` +
            ` (${o.rowsRead} row(s) read, ${o.accepted} accepted, ${o.duplicates} duplicate(s), ${o.rejected} rejected)`;
          const row = (await importRepository.settle(tx, o.id, { status: 'failed', failureReason, finishedAt: now }))!;
          await audit.record(tx, ctx, { action: 'rating_import.failed', entityType: 'rating_import', entityId: o.id, before: toImportDto(o), after: toImportDto(row) });
        }
        return orphans.length;
      });
      failed += n;
      if (n < RECOVERY_BATCH) return failed;
    }
  }

  return {
    run,
    failOrphaned,

    async get(ctx: RequestContext, id: string): Promise<RatingImportDto> {
      return toImportDto(visible(ctx, await importRepository.byId(db, id), id));
    },

    async list(ctx: RequestContext, filter: { status?: RatingImportRow['status'] }, page: { limit: number; cursor?: string }): Promise<Page<RatingImportDto>> {
      const createdBy = ctx.principal.role === 'admin' ? undefined : ctx.principal.subject;
      const p = await paginate(page, ({ after, limit }) => importRepository.list(db, { ...filter, createdBy, afterId: after, limit }));
      return { items: p.items.map(toImportDto), nextCursor: p.nextCursor };
    },

    /** The per-row errors as CSV (UTF-8 with BOM, for spreadsheets), streamed a page at a time. */
    async errorsCsv(ctx: RequestContext, id: string): Promise<Readable> {
      visible(ctx, await importRepository.byId(db, id), id);
      async function* lines() {
        yield BOM + csvLine(['rowNumber', 'field', 'message', 'raw']);
        let after = 0;
        for (;;) {
          const page = await importRepository.errorsPage(db, id, after, 5000);
          if (!page.length) return;
          yield page.map((e) => csvLine([e.rowNumber, e.field, e.message, e.raw])).join('');
          after = page[page.length - 1].id;
        }
      }
      return Readable.from(lines());
    },
  };
}

export type RatingImportsService = ReturnType<typeof createRatingImportsService>;
