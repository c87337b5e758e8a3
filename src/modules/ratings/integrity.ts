import { z } from 'zod';
import { inTransaction } from '../../db/client.js';
import type { Db, TxOption } from '../../db/client.js';
import { DomainError, invalid, notFound } from '../../lib/errors.js';
import { isoDate, paginate, toIso, toIsoOrNull } from '../../lib/http.js';
import type { Page } from '../../lib/http.js';
import type { RequestContext } from '../../lib/principal.js';
import type { AuditService } from '../audit/service.js';
import { importRepository } from './import.repository.js';
import { integrityRepository, integritySignals } from './integrity.repository.js';
import { ratingSubjectKinds } from './tables.js';
import type { HeldRow, HoldStatus, IntegritySignal, IntegrityThresholds } from './integrity.repository.js';

/**
 * 评价防刷 (rating integrity). Signals, each evaluated set-based over a window of ratings:
 * - respondent_burst / ip_burst: more than `burstMax` ratings from one respondent key (HMAC) or one client IP (HMAC,
 *   public route only) within ± `burstWindowMinutes`;
 * - respondent_spread: one respondent key across more than `spreadMaxUnits` units in a day;
 * - same_second: more than `sameSecondMax` public ratings of one unit collected in the same second (improbable timing;
 *   integrations and imports deliver batches, so only the public route counts);
 * - level_shift: a unit's bad share in the last `shiftWindowHours` above its earlier share by more than `shiftMaxIncrease`
 *   (with enough ratings on both sides).
 * Suspects are HELD (never dropped): out of P until the office clears them, listed with their signals, counted per unit in
 * the ranking explanation. A cleared rating is not held again; a rejected one stays out.
 *
 * When a scan runs: each ranking computation scans its cycle first (inside its transaction); POST /rating-holds/scan; the
 * periodic 7-day scan (RATING_INTEGRITY_SCAN_INTERVAL_MS); and SOON AFTER INTAKE, so an office watching a burst sees it
 * held within seconds. For that, every path that stores ratings (the rating service — public, QR code, integration,
 * GraphQL, department ratings —, the imports and the default ratings) calls `markDirty` with the cycle the rating was
 * attributed to, once it is stored: a Set in this process's memory, no I/O, nothing added to the intake's one statement.
 * The scheduled job `rating-integrity-soon` (schedule.ts, every RATING_INTEGRITY_SCAN_DELAY_MS, default 2 s, 0 = off)
 * skips its tick without touching the database while nothing is dirty; otherwise it takes the job lock (once across
 * copies: plugins/schedules.ts) and `scanDirty` runs the incremental scan of each dirty cycle, each in its own
 * transaction. The set is emptied when the run starts: a rating stored meanwhile marks its cycle again for the next run;
 * a cycle whose scan failed is marked again (the failure is logged by the schedules plugin); a copy that finds the lock
 * taken keeps its marks and tries again next tick. A redundant scan is harmless (incremental, and a rating already held
 * is never held or audited again), and a scan that ran while an intake's transaction was still open leaves its watermark
 * before that transaction began (scanHorizon), so what it could not see is scanned next time. A rating attributed to
 * no cycle is left to the periodic scan. Marks are per process and lost on a crash: the periodic scan and the ranking's
 * scan are the backstop.
 */
export const integrityDefaults: IntegrityThresholds = {
  burstMax: 20,
  burstWindowMinutes: 60,
  spreadMaxUnits: 10,
  sameSecondMax: 10,
  shiftMaxIncrease: 0.5,
  shiftMinRecent: 20,
  shiftMinBaseline: 30,
  shiftWindowHours: 24,
};

/** How far back the scheduled scan looks when not scanning one cycle. */
const SCAN_LOOKBACK_MS = 7 * 24 * 3_600_000;
/** At most this many ids in one bulk review by ids. */
export const MAX_REVIEW_IDS = 1000;

type Label = { zhCN: string; en: string };
export const signalLabels: Record<IntegritySignal, Label> = {
  respondent_burst: { zhCN: '同一评价人短时集中评价', en: 'Burst from one respondent' },
  ip_burst: { zhCN: '同一来源地址短时集中评价', en: 'Burst from one source address' },
  respondent_spread: { zhCN: '同一评价人评价过多单位', en: 'One respondent across many units' },
  same_second: { zhCN: '同一秒内大量评价', en: 'Many ratings in the same second' },
  level_shift: { zhCN: '评价等级分布突变', en: 'Sudden shift in level mix' },
};

export const holdStatuses = ['held', 'cleared', 'rejected'] as const;
export const integritySignalSchema = z.enum(integritySignals).meta({ id: 'IntegritySignal', description: '同一评价人集中评价 / 同一来源地址集中评价 / 评价过多单位 / 同一秒大量评价 / 等级分布突变' });
export const holdStatusSchema = z.enum(holdStatuses).meta({ id: 'RatingHoldStatus', description: '待核 / 已放行 / 已剔除' });

export const ratingHold = z
  .object({
    ratingId: z.uuid(),
    unitId: z.uuid().nullable().describe('the rated unit; null for a department or leadership rating'),
    subjectKind: z.enum(ratingSubjectKinds).describe('unit / department (万人评机关) / leadership (领导班子)'),
    departmentId: z.uuid().nullable().describe('the rated department of a department or leadership rating; null for a unit rating'),
    cycleId: z.uuid().nullable(),
    level: z.number().int(),
    channel: z.string(),
    source: z.string(),
    collectedAt: isoDate,
    receivedAt: isoDate,
    holdStatus: holdStatusSchema,
    signals: z.array(integritySignalSchema),
    heldAt: isoDate.nullable(),
    reviewedAt: isoDate.nullable(),
  })
  .meta({ id: 'RatingHold', description: '待核评价: a rating held by the integrity signals, and its review' });
export type RatingHoldDto = z.infer<typeof ratingHold>;

export const listHoldsQuery = z.object({
  status: holdStatusSchema.default('held'),
  unitId: z.uuid().optional(),
  departmentId: z.uuid().optional().describe("a department's own (department and leadership) held ratings"),
  cycleId: z.uuid().optional(),
  signal: integritySignalSchema.optional(),
});
export type ListHoldsFilter = z.infer<typeof listHoldsQuery>;

export const reviewHoldsBody = z
  .object({
    decision: z.enum(['clear', 'reject']).describe('clear: back into P; reject: out for good'),
    ratingIds: z.array(z.uuid()).min(1).max(MAX_REVIEW_IDS).optional(),
    signal: integritySignalSchema.optional(),
    unitId: z.uuid().optional(),
    departmentId: z.uuid().optional().describe("with signal: a department's own held ratings (instead of unitId)"),
    note: z.string().trim().min(1).max(2000).optional(),
  })
  .describe('either ratingIds, or signal and unitId (or departmentId)');
export type ReviewHoldsInput = z.infer<typeof reviewHoldsBody>;
export const reviewHoldsResult = z.object({ decision: z.enum(['clear', 'reject']), reviewed: z.number().int(), ratingIds: z.array(z.uuid()) }).meta({ id: 'RatingHoldReview' });

export const scanHoldsBody = z
  .object({
    cycleId: z.uuid().optional().describe('scan the cycle; otherwise the last 7 days'),
    full: z.boolean().default(false).describe('re-examine every rating of the cycle (全量重扫), not only those received since its last scan'),
  })
  .default({ full: false });
export const scanHoldsResult = z
  .object({
    held: z.number().int(),
    full: z.boolean().describe('every rating in scope was examined (a full scan), not only the new ones'),
    bySignal: z.array(z.object({ signal: integritySignalSchema, held: z.number().int() })).describe('a rating held on several signals counts under each') })
  .meta({ id: 'RatingHoldScan' });
export type ScanHoldsResult = z.infer<typeof scanHoldsResult>;

export const holdStatistics = z
  .object({ cycleId: z.uuid().nullable(), held: z.number().int(), cleared: z.number().int(), rejected: z.number().int() })
  .meta({ id: 'RatingHoldStatistics', description: '评价防刷统计: ratings held, cleared, rejected' });

function toHoldDto(r: Awaited<ReturnType<typeof integrityRepository.list>>[number]): RatingHoldDto {
  return {
    ratingId: r.id,
    unitId: r.unitId,
    subjectKind: r.subjectKind,
    departmentId: r.unitId ? null : r.departmentId,
    cycleId: r.cycleId,
    level: r.level,
    channel: r.channel,
    source: r.source,
    collectedAt: toIso(r.collectedAt),
    receivedAt: toIso(r.receivedAt),
    holdStatus: r.holdStatus as HoldStatus,
    signals: r.holdSignals as IntegritySignal[],
    heldAt: toIsoOrNull(r.heldAt),
    reviewedAt: toIsoOrNull(r.holdReviewedAt),
  };
}

const summary = (rows: HeldRow[]): Omit<ScanHoldsResult, 'full'> => {
  const bySignal = new Map<IntegritySignal, number>();
  for (const r of rows) for (const s of r.holdSignals as IntegritySignal[]) bySignal.set(s, (bySignal.get(s) ?? 0) + 1);
  return { held: rows.length, bySignal: integritySignals.filter((s) => bySignal.has(s)).map((signal) => ({ signal, held: bySignal.get(signal)! })) };
};

/** Thresholds as stored in rating_integrity_scans (jsonb: key order is not kept). */
const sameThresholds = (stored: unknown, t: IntegrityThresholds) => {
  const o = stored as Record<string, unknown> | null;
  return !!o && Object.keys(o).length === Object.keys(t).length && (Object.keys(t) as (keyof IntegrityThresholds)[]).every((k) => o[k] === t[k]);
};

export function createRatingIntegrityService({
  db,
  audit,
  thresholds,
  overlapSeconds = 120,
}: {
  db: Db;
  audit: AuditService;
  thresholds: IntegrityThresholds;
  /** How far back of its watermark an incremental scan starts again (RATING_INTEGRITY_SCAN_OVERLAP_SECONDS). */
  overlapSeconds?: number;
}) {
  /** Cycles that took ratings since this process last scanned them (see the module comment). */
  const dirty = new Set<string>();
  const recordHolds = (tx: Db, ctx: RequestContext, rows: HeldRow[]) =>
    audit.record(
      tx,
      ctx,
      rows.map((r) => ({ action: 'rating.held', entityType: 'rating', entityId: r.id, before: { holdStatus: 'none' }, after: { holdStatus: 'held', signals: r.holdSignals, unitId: r.unitId, departmentId: r.departmentId } })),
    );
  /**
   * Evaluates the signals and holds the suspects, each with an audit entry, in one transaction (the caller's: rankings
   * scans a cycle inside its computation, so a burst never slips into P). Without a cycle: ratings of the last 7 days.
   * A cycle is scanned incrementally (only the ratings received since its watermark, with each signal's look-back: the
   * same holds as a full scan) unless `full` is asked, it was never scanned, or the thresholds changed since its last full scan.
   */
  function scan(ctx: RequestContext, { cycleId, full = false, now = new Date(), tx }: TxOption & { cycleId?: string; full?: boolean; now?: Date } = {}): Promise<ScanHoldsResult> {
    return inTransaction(db, tx, async (tx) => {
      if (!cycleId) {
        const rows = await integrityRepository.holdSuspects(tx, { since: new Date(now.getTime() - SCAN_LOOKBACK_MS) }, thresholds, now);
        await recordHolds(tx, ctx, rows);
        return { ...summary(rows), full: true };
      }
      const state = await integrityRepository.scanState(tx, cycleId);
      // A cycle never scanned may not exist at all: 404 naming it, before its watermark is written.
      if (!state && !(await importRepository.existingCycleIds(tx, [cycleId])).has(cycleId)) throw notFound('cycle', cycleId);
      const isFull = full || !state || !sameThresholds(state.thresholds, thresholds);
      // Taken before the scan's statement: every rating received before it is visible to that statement.
      const horizon = await integrityRepository.scanHorizon(tx, overlapSeconds);
      const rows = await integrityRepository.holdSuspects(tx, isFull ? { cycleId } : { cycleId, from: { receivedFrom: state!.scannedThrough, scannedAt: state!.scannedAt } }, thresholds, now);
      await integrityRepository.saveScanState(tx, {
        cycleId,
        // Never backwards: an overlap longer than the time since the last scan re-examines, it does not skip.
        scannedThrough: isFull || horizon > state!.scannedThrough ? horizon : state!.scannedThrough,
        thresholds,
        fullScannedAt: isFull ? now : state!.fullScannedAt,
        scannedAt: now,
      });
      await recordHolds(tx, ctx, rows);
      return { ...summary(rows), full: isFull };
    });
  }

  return {
    scan,

    /** Ratings of this cycle were stored (after their commit): the next `scanDirty` scans it. No I/O. */
    markDirty(cycleIds: Iterable<string | null>): void {
      for (const id of cycleIds) if (id) dirty.add(id);
    },

    /** Something for `scanDirty` to do (the scheduled job skips its tick, and its lock, when not). */
    hasDirty: (): boolean => dirty.size > 0,

    /** The incremental scan of every cycle marked dirty, each in its own transaction; a failed one stays marked. */
    async scanDirty(ctx: RequestContext): Promise<{ cycles: number; held: number }> {
      const cycles = [...dirty];
      dirty.clear();
      let held = 0;
      for (const [i, cycleId] of cycles.entries()) {
        try {
          held += (await scan(ctx, { cycleId })).held;
        } catch (err) {
          // A cycle gone since (404) has nothing left to scan; any other failure is tried again on the next run.
          if (err instanceof DomainError && err.status === 404) continue;
          for (const c of cycles.slice(i)) dirty.add(c);
          throw err;
        }
      }
      return { cycles: cycles.length, held };
    },

    async list(filter: ListHoldsFilter, page: { limit: number; cursor?: string }): Promise<Page<RatingHoldDto>> {
      const p = await paginate(page, ({ after, limit }) => integrityRepository.list(db, { ...filter, afterId: after, limit }));
      return { items: p.items.map(toHoldDto), nextCursor: p.nextCursor };
    },

    /** 批量放行/剔除: by ids or by signal + unit, in one transaction with an audit entry per rating. */
    async review(ctx: RequestContext, input: ReviewHoldsInput, now = new Date()) {
      const byIds = input.ratingIds !== undefined;
      if (byIds && (input.signal || input.unitId || input.departmentId)) throw invalid('ratingIds', 'give either ratingIds, or signal and unitId (or departmentId)');
      if (input.unitId && input.departmentId) throw invalid('departmentId', 'give unitId or departmentId, not both');
      if (!byIds && !(input.signal && (input.unitId || input.departmentId))) throw invalid(input.signal ? 'unitId' : 'signal', 'required with the other when ratingIds is not given');
      const to = input.decision === 'clear' ? 'cleared' : 'rejected';
      return db.transaction(async (tx) => {
        const rows = await integrityRepository.review(tx, byIds ? { ids: [...new Set(input.ratingIds)] } : { signal: input.signal!, unitId: input.unitId, departmentId: input.departmentId }, to, ctx.principal.subject, now);
        await audit.record(
          tx,
          ctx,
          rows.map((r) => ({ action: `rating.hold_${to}`, entityType: 'rating', entityId: r.id, before: { holdStatus: 'held', signals: r.holdSignals }, after: { holdStatus: to, note: input.note ?? null } })),
        );
        return { decision: input.decision, reviewed: rows.length, ratingIds: rows.map((r) => r.id) };
      });
    },

    async statistics(cycleId?: string) {
      const counts = new Map((await integrityRepository.statusCounts(db, cycleId)).map((c) => [c.status, c.n]));
      return { cycleId: cycleId ?? null, held: counts.get('held') ?? 0, cleared: counts.get('cleared') ?? 0, rejected: counts.get('rejected') ?? 0 };
    },
  };
}

export type RatingIntegrityService = ReturnType<typeof createRatingIntegrityService>;
