import { createChangeFeed, createFeedCache } from '../../db/change-feed.js';
import { inTransaction } from '../../db/client.js';
import type { Db, TxOption } from '../../db/client.js';
import { badRequest, conflict, invalid, notFound } from '../../lib/errors.js';
import { decodeCursor, encodeCursor, paginate, toIso, toIsoOrNull } from '../../lib/http.js';
import { LruCache } from '../../lib/lru.js';
import type { Page } from '../../lib/http.js';
import type { RequestContext } from '../../lib/principal.js';
import { STAFF } from '../../lib/principal.js';
import { prefectureWide } from '../regions/scope.js';
import type { AuditService } from '../audit/service.js';
import { assessmentQueries } from '../assessments/queries.js';
import { complaintQueries } from '../complaints/queries.js';
import { deedQueries } from '../deeds/queries.js';
import { caseQueries } from '../cases/queries.js';
import { problemQueries } from '../problems/queries.js';
import { ratingQueries } from '../ratings/queries.js';
import { supervisionQueries } from '../supervision/queries.js';
import type { CyclesService } from '../cycles/service.js';
import { defaultSettings } from '../cycles/schemas.js';
import type { Phase } from '../cycles/schemas.js';
import { REGIONS_CHANGED_CHANNEL, regionQueries } from '../regions/queries.js';
import { DEPARTMENTS_CHANGED_CHANNEL } from '../departments/queries.js';
import type { RegionsService } from '../regions/service.js';
import { categories, categoryLabels } from '../units/schemas.js';
import type { Category } from '../units/schemas.js';
import type { WebhooksService } from '../webhooks/service.js';
import type { ExportFile, ExportFormat } from '../../lib/table-export.js';
import { rankingsExport } from './csv.js';
import { diffEntries } from './diff.js';
import type { DiffEntry } from './diff.js';
import type { RatingIntegrityService } from '../ratings/integrity.js';
import { rankingsRepository } from './repository.js';
import type { EntryRow, RankingEntryInsert, RankingRow } from './repository.js';
import { rankingStatusLabels } from './schemas.js';
import type { InputExclusionDto, ListRankingsFilter, RankingDiffDto } from './schemas.js';
import { parsePeriod, periodLabel, periodSettings } from './periods.js';
import type { PeriodSetting } from './periods.js';
import type { PeriodWindow } from '../../lib/period-window.js';
import type { BottomListDto, EntriesFilter, PublicRankingDto, PublicRankingPageDto, RankingDto, RankingEntryDto, RankingParametersDto, ScoreExplanationDto } from './schemas.js';
import { bottomCount, emptyInputs, round2, round2OrNull, scoreCycle, scoringSettings } from './scoring.js';
import type { ScoreExplanationBody, Severity, UnitInputs } from './scoring.js';

/** A ranking can be computed while assessment is under way (interim) and until naming is done. */
export const RANKABLE_PHASES: Phase[] = ['assessment', 'ranking', 'naming'];
const PUBLIC_CACHE_SIZE = 20;

/** A published snapshot in memory, with its filtered views (each in category and rank order, rankInFilter set). */
interface PublicSnapshot {
  dto: PublicRankingDto;
  views: LruCache<RankingEntryDto[]>;
}
/** Filtered views kept per snapshot (categories × departments × regions seen by readers; least recently used out). */
const VIEWS_PER_SNAPSHOT = 256;

/**
 * Rendered pages of GET /rankings/{id}/entries kept per copy (entriesRendered): at most this many, and this many
 * bytes (a 50-entry page is ~32 kB).
 */
const ENTRY_PAGE_CACHE_ENTRIES = 2048;
const ENTRY_PAGE_CACHE_BYTES = 32 * 1024 * 1024;
/**
 * A rendered entries page, kept as the UTF-8 bytes sent (a string would be encoded into a new buffer on every
 * response: garbage the small young generation of start:prod collects often); `everyone`: made for a caller who sees
 * published rankings only, so the ranking was published.
 */
interface RenderedEntryPage {
  body: Buffer;
  everyone: boolean;
}
const newEntryPageCache = () => new LruCache<RenderedEntryPage>({ entries: ENTRY_PAGE_CACHE_ENTRIES, weight: ENTRY_PAGE_CACHE_BYTES, weigh: (p) => p.body.length });

/** Office staff see drafts; a county office (两级办公室) sees rankings as the public does: the rankings are the prefecture's. */
const isStaff = (ctx: RequestContext) => STAFF.includes(ctx.principal.role) && prefectureWide(ctx.principal);

const EXCLUDABLE_KINDS: readonly string[] = ['rating', 'scorecard_deduction', 'inspection_finding', 'complaint'];
const isInputExclusion = (x: { kind: string }): x is InputExclusion => EXCLUDABLE_KINDS.includes(x.kind);

/** The audit checkpoint signed at a ranking's publication is taken for this subject (one per ranking). */
const snapshotSubject = (rankingId: string) => `ranking:${rankingId}`;

function toRankingDto(r: RankingRow, ctx: RequestContext | null): RankingDto {
  const staff = ctx !== null && isStaff(ctx);
  return {
    id: r.id,
    cycleId: r.cycleId,
    status: r.status,
    statusLabel: rankingStatusLabels[r.status],
    publicationVersion: r.publicationVersion,
    formulaVersion: r.formulaVersion,
    parameters: r.parameters as unknown as RankingParametersDto,
    inputCounts: { ...r.inputCounts, commendations: r.inputCounts.commendations ?? 0, excluded: r.inputCounts.excluded ?? 0, heldRatings: r.inputCounts.heldRatings ?? 0 },
    computedAt: toIso(r.computedAt),
    computedBy: staff ? r.computedBy : null,
    publishedAt: toIsoOrNull(r.publishedAt),
    publishedBy: staff ? r.publishedBy : null,
    supersedes: r.supersedes,
    correctionReason: r.correctionReason,
    period:
      r.period && r.periodKind && r.periodStart && r.periodEnd
        ? { kind: r.periodKind, key: r.period, label: periodLabel(r.periodKind, r.period), startsAt: toIso(r.periodStart), endsAt: toIso(r.periodEnd) }
        : null,
  };
}

/** What a computation adds to the scoring explanation: the inputs appeals excluded and the ratings the integrity review holds. */
type StoredExplanation = ScoreExplanationBody & { exclusions?: InputExclusionDto[]; heldRatings?: { held: number; rejected: number } };

function toEntryDto(r: EntryRow): RankingEntryDto {
  return {
    rankingId: r.rankingId,
    unitId: r.unitId,
    unitName: r.unitName,
    departmentId: r.departmentId,
    departmentName: r.departmentName,
    regionId: r.regionId,
    regionName: r.regionName,
    category: r.category,
    categoryLabel: categoryLabels[r.category],
    rank: r.rank,
    rankInFilter: r.rankInFilter,
    position: r.position,
    score: round2(r.score),
    assessment: round2OrNull(r.assessment),
    inspection: round2OrNull(r.inspection),
    publicSatisfaction: round2OrNull(r.publicSatisfaction),
    deductions: round2(r.deductions),
    bonus: round2(r.bonus),
    flags: r.flags as RankingEntryDto['flags'],
    samples: { ratings: r.ratings, scorecards: r.scorecards, inspectionReports: r.reports },
    publicSatisfactionInterval: r.pLow === null || r.pHigh === null ? null : { low: round2(r.pLow), high: round2(r.pHigh) },
  };
}

const r4 = (x: number) => Math.round(x * 10_000) / 10_000;
const roundLine = <L extends { points: number; pointsEach: number }>(l: L): L => ({ ...l, points: round2(l.points), pointsEach: round2(l.pointsEach) });

/** The stored (unrounded) explanation, as presented: scores to 2 decimals, weights to 4. */
function presentExplanation(
  e: StoredExplanation,
  where: { ranking: Pick<RankingRow, 'id' | 'status' | 'publicationVersion'>; unitId: string; unitName: string; category: Category; rank: number | null },
): ScoreExplanationDto {
  const ps = e.publicSatisfaction;
  return {
    rankingId: where.ranking.id,
    rankingStatus: where.ranking.status,
    publicationVersion: where.ranking.publicationVersion,
    unitId: where.unitId,
    unitName: where.unitName,
    category: where.category,
    rank: where.rank,
    formulaVersion: e.formulaVersion,
    formula: e.formula,
    score: round2(e.score),
    base: round2(e.base),
    renormalized: e.renormalized,
    components: e.components.map((c) => ({ ...c, value: round2OrNull(c.value), weight: r4(c.weight), effectiveWeight: r4(c.effectiveWeight), contribution: round2(c.contribution) })),
    assessment: { scorecards: e.assessment.scorecards, meanTotal: round2OrNull(e.assessment.meanTotal) },
    inspection: {
      reports: e.inspection.reports,
      meanRating: round2OrNull(e.inspection.meanRating),
      meanReportScore: round2OrNull(e.inspection.meanReportScore),
      findings: e.inspection.findings.map(roundLine),
      findingPoints: round2(e.inspection.findingPoints),
    },
    publicSatisfaction: {
      ratings: ps.ratings,
      levels: ps.levels.map(roundLine),
      rawMean: round2OrNull(ps.rawMean),
      standardDeviation: round2OrNull(ps.standardDeviation),
      categoryMean: round2OrNull(ps.categoryMean),
      priorWeight: ps.priorWeight,
      value: round2OrNull(ps.value),
      interval: ps.interval ? { low: round2(ps.interval.low), high: round2(ps.interval.high) } : null,
      // Rankings computed before default ratings existed stored none.
      defaultRatings: ps.defaultRatings ?? { counted: false, included: 0, excluded: 0 },
    },
    deductions: { total: round2(e.deductions.total), complaints: e.deductions.complaints.map(roundLine), overdueProblems: roundLine(e.deductions.overdueProblems) },
    bonus: {
      ...e.bonus,
      total: round2(e.bonus.total),
      uncapped: round2(e.bonus.uncapped),
      cap: round2(e.bonus.cap),
      deeds: roundLine(e.bonus.deeds),
      commendations: roundLine(e.bonus.commendations),
    },
    samples: e.samples,
    minimumSamples: e.minimumSamples,
    timeliness: e.timeliness
      ? { ...e.timeliness, onTimeRate: round2OrNull(e.timeliness.onTimeRate), oneWeekRate: round2OrNull(e.timeliness.oneWeekRate), value: round2OrNull(e.timeliness.value) }
      : null,
    flags: e.flags,
    notes: e.notes,
    exclusions: e.exclusions ?? [],
    heldRatings: e.heldRatings ?? { held: 0, rejected: 0 },
  };
}

/** Cursor over (category, position): the position exists for every entry, ranked or not. */
const entryKey = (e: { category: Category; position: number }) => `${e.category}:${e.position}`;
function decodeEntryCursor(cursor: string | undefined): { category: Category; position: number } | undefined {
  const k = decodeCursor(cursor);
  if (k === undefined) return undefined;
  const [category, position] = k.split(':');
  if (!categories.includes(category as Category) || !/^\d+$/.test(position ?? '')) {
    throw badRequest('invalid_cursor', 'query.cursor: not a cursor this API issued');
  }
  return { category: category as Category, position: Number(position) };
}

/** The cycle's scoring parameters: the stored `settings.scoring` group with defaults for anything missing. */
function cycleParameters(settings: unknown): Omit<RankingParametersDto, 'categoryMeans'> {
  const s = (settings ?? {}) as { scoring?: unknown; weights?: RankingParametersDto['weights']; minimumSamples?: RankingParametersDto['minimumSamples'] };
  const parsed = scoringSettings.safeParse(s.scoring ?? {});
  if (!parsed.success) {
    throw conflict('scoring_settings_invalid', `the cycle's settings.scoring is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return { scoring: parsed.data, weights: s.weights ?? defaultSettings.weights, minimumSamples: s.minimumSamples ?? defaultSettings.minimumSamples };
}

/** The cycle's `periods` setting (分期排名), `none` when absent. */
function periodSettingOf(settings: unknown): PeriodSetting {
  const parsed = periodSettings.safeParse((settings as { periods?: unknown } | null)?.periods);
  return parsed.success ? parsed.data : 'none';
}

/** Reads every channel of the cycle with one aggregate query each, and folds them into per-unit inputs. */
/** Commendations per unit of a cycle; recorded by the awards module, which depends on rankings, so it is passed in. */
export type CommendationCounts = (db: Db, cycleId: string) => Promise<{ unitId: string; n: number }[]>;

/** An input an upheld appeal (申诉成立) takes out of the computation; the appeals module says which (wired in services.ts). */
export interface InputExclusion extends InputExclusionDto {
  unitId: string;
}
export type AppealExclusions = (cycleId: string, opt: TxOption) => Promise<{ appealId: string; kind: string; subjectId: string; unitId: string }[]>;

/** `window`: a period ranking's — the channels that happen in time (ratings, visits, complaints) are read within it. */
async function gatherInputs(tx: Db, cycleId: string, now: Date, commendationCounts: CommendationCounts, exclusions: readonly InputExclusion[], window?: PeriodWindow, defaultsCountTowardP = false) {
  const enrolled = await rankingsRepository.enrolledUnits(tx, cycleId);
  const byUnit = new Map<string, UnitInputs>(enrolled.map((e) => [e.unitId, emptyInputs(e.unitId, e.category)]));
  const counts = { units: enrolled.length, ratings: 0, scorecards: 0, reports: 0, findings: 0, complaints: 0, problems: 0, deeds: 0, commendations: 0, excluded: 0, heldRatings: 0 };
  const excluded = (kind: InputExclusion['kind']) => exclusions.filter((x) => x.kind === kind).map((x) => x.subjectId);

  for (const r of await assessmentQueries.confirmedStatsByUnit(tx, cycleId)) {
    const u = byUnit.get(r.unitId);
    if (!u) continue;
    u.scorecards = r.n;
    u.meanScorecardTotal = r.mean;
    counts.scorecards += r.n;
  }
  // An upheld deduction appeal gives the deduction's points back to its confirmed scorecard: the unit's mean rises by points / n.
  for (const d of await assessmentQueries.deductionPoints(tx, excluded('scorecard_deduction'))) {
    const u = byUnit.get(d.unitId);
    if (!u || u.meanScorecardTotal === null || u.scorecards === 0) continue;
    u.meanScorecardTotal += d.points / u.scorecards;
  }
  for (const r of await supervisionQueries.reviewedReportStatsByUnit(tx, cycleId, window)) {
    const u = byUnit.get(r.unitId);
    if (!u) continue;
    u.reports = r.n;
    u.meanReportRating = r.meanRating;
    counts.reports += r.n;
  }
  for (const r of await supervisionQueries.acceptedFindingCountsByUnit(tx, cycleId, excluded('inspection_finding'), window)) {
    const u = byUnit.get(r.unitId);
    if (!u) continue;
    u.findings[r.severity] += r.n;
    counts.findings += r.n;
  }
  for (const r of await ratingQueries.levelCountsByUnit(tx, cycleId, excluded('rating'), window)) {
    const u = byUnit.get(r.unitId);
    if (!u || r.level < 1 || r.level > 5) continue;
    if (r.isDefault) {
      // 默认评价: into P only when the cycle says so; counted either way for the explanation.
      const d = (u.defaultRatings ??= { included: 0, excluded: 0 });
      if (!defaultsCountTowardP) {
        d.excluded += r.n;
        continue;
      }
      d.included += r.n;
    }
    u.ratingLevels[r.level - 1] += r.n;
    counts.ratings += r.n;
  }
  for (const r of await complaintQueries.substantiatedCountsByUnit(tx, cycleId, excluded('complaint'), window)) {
    const u = r.unitId ? byUnit.get(r.unitId) : undefined;
    if (!u) continue;
    u.complaints[(r.severity as Severity | null) ?? 'unknown'] += r.n;
    counts.complaints += r.n;
  }
  for (const r of await problemQueries.overdueCountsByUnit(tx, cycleId, now)) {
    const u = byUnit.get(r.unitId);
    if (!u) continue;
    u.overdueProblems = r.n;
    counts.problems += r.n;
  }
  for (const r of await deedQueries.countsByUnit(tx, cycleId)) {
    const u = byUnit.get(r.unitId);
    if (!u) continue;
    u.deeds = r.n;
    counts.deeds += r.n;
  }
  for (const r of await caseQueries.completionCountsByUnit(tx, cycleId)) {
    const u = byUnit.get(r.unitId);
    if (u) u.cases = { completed: r.completed, onTime: r.onTime, oneWeek: r.oneWeek };
  }
  // Commendations are recorded by the awards module: every unit starts at 0, not "not recorded".
  for (const u of byUnit.values()) u.commendations = 0;
  for (const r of await commendationCounts(tx, cycleId)) {
    const u = byUnit.get(r.unitId);
    if (!u) continue;
    u.commendations = r.n;
    counts.commendations += r.n;
  }
  const held = new Map<string, { held: number; rejected: number }>();
  for (const r of await ratingQueries.holdCountsByUnit(tx, cycleId, window)) {
    if (!byUnit.has(r.unitId)) continue;
    held.set(r.unitId, { held: r.held, rejected: r.rejected });
    counts.heldRatings += r.held + r.rejected;
  }
  counts.excluded = exclusions.filter((x) => byUnit.has(x.unitId)).length;
  return { enrolled, inputs: [...byUnit.values()], counts, held };
}

export function createRankingsService({
  db,
  audit,
  cycles,
  regions,
  webhooks,
  commendationCounts,
  appealExclusions,
  ratingIntegrity,
  timeZone = 'Asia/Shanghai',
}: {
  db: Db;
  audit: AuditService;
  cycles: CyclesService;
  regions: RegionsService;
  webhooks: WebhooksService;
  commendationCounts: CommendationCounts;
  /** The inputs upheld appeals exclude (appeals module: exclusionsForCycle). */
  appealExclusions?: AppealExclusions;
  /** Holds suspect ratings of the cycle before the inputs are read (ratings module: integrity scan). */
  ratingIntegrity?: Pick<RatingIntegrityService, 'scan'>;
  /** TIME_ZONE: the zone whose calendar months and quarters period rankings cover. */
  timeZone?: string;
}) {
  // Published snapshots never change, so once read they are served from memory (least recently used out first).
  const snapshots = new LruCache<PublicSnapshot>({ entries: PUBLIC_CACHE_SIZE });
  // An entries page carries the current department and region names: its cache is dropped on any committed change
  // to either table (migration department_region_change_notice), on every copy.
  const nameChanges = createChangeFeed(db, [DEPARTMENTS_CHANGED_CHANNEL, REGIONS_CHANGED_CHANNEL]);
  const entryPages = createFeedCache(nameChanges, newEntryPageCache);

  async function snapshot(id: string): Promise<PublicSnapshot> {
    const cached = snapshots.get(id);
    if (cached) return cached;
    const ranking = await published(id);
    const entries = (await rankingsRepository.entries(db, id, {})).map(toEntryDto);
    // Taken at publication; if the publishing process could not, the first read takes it.
    const auditCheckpoint = await audit.checkpointFor('ranking_published', snapshotSubject(id));
    const s = { dto: { ranking: toRankingDto(ranking, null), entries, auditCheckpoint }, views: new LruCache<RankingEntryDto[]>({ entries: VIEWS_PER_SNAPSHOT }) };
    snapshots.set(id, s);
    return s;
  }

  /**
   * The snapshot's entries matching the filter, with rankInFilter counted within each category over its ranked
   * entries (an unranked one keeps rankInFilter null, as in the entries list): computed once per
   * filter and kept, so a page costs a slice. "Within a region" is read from the region tree when the view is made.
   */
  async function viewOf(s: PublicSnapshot, filter: EntriesFilter): Promise<RankingEntryDto[]> {
    const { category, departmentId, flag, regionId } = filter;
    if (!category && !departmentId && !flag && !regionId) return s.dto.entries;
    const regionPath = regionId ? await regions.pathOf(regionId, 'query.regionId') : undefined;
    const key = JSON.stringify([category, departmentId, flag, regionPath]);
    const kept = s.views.get(key);
    if (kept) return kept;
    const inRegion = regionPath === undefined ? undefined : new Set(await regionQueries.idsWithin(db, regionPath));
    const counts = new Map<Category, number>();
    const view = s.dto.entries
      .filter((e) => (!category || e.category === category) && (!departmentId || e.departmentId === departmentId) && (!flag || e.flags.includes(flag)) && (!inRegion || inRegion.has(e.regionId)))
      .map((e) => {
        if (e.rank === null) return e;
        const n = (counts.get(e.category) ?? 0) + 1;
        counts.set(e.category, n);
        return n === e.rankInFilter ? e : { ...e, rankInFilter: n };
      });
    s.views.set(key, view);
    return view;
  }

  /**
   * Entries in (category, position) order: each category's ranked units, then its units under the minimum sample
   * (rank null). `rankInFilter` is the place among the ranked entries the filter keeps.
   */
  async function entries(ctx: RequestContext, id: string, filter: EntriesFilter, page: { limit: number; cursor?: string }): Promise<Page<RankingEntryDto>> {
    // One statement in the usual case: the entries query itself keeps a draft from those who may not see it; only an
    // empty page asks whether the ranking is there at all (a 404 rather than an empty list).
    const publishedOnly = !isStaff(ctx);
    const p = await paginate(page, async ({ after, limit }) => rankingsRepository.entries(db, id, { ...(await entryFilter(filter)), publishedOnly, after, limit }), { key: entryKey, decode: decodeEntryCursor });
    if (p.items.length === 0) await visible(ctx, id);
    return { items: p.items.map(toEntryDto), nextCursor: p.nextCursor };
  }

  /** Drafts are the campaign office's (admin, inspector); a published ranking is public. */
  async function visible(ctx: RequestContext, id: string, tx: Db = db): Promise<RankingRow> {
    const r = await rankingsRepository.byId(tx, id);
    if (!r || (r.status !== 'published' && !isStaff(ctx))) throw notFound('ranking', id);
    return r;
  }

  async function entryFilter(filter: EntriesFilter) {
    const regionPath = filter.regionId ? await regions.pathOf(filter.regionId, 'query.regionId') : undefined;
    return { category: filter.category, departmentId: filter.departmentId, flag: filter.flag, regionPath };
  }

  async function diffRows(rankingId: string): Promise<DiffEntry[]> {
    const rows = await rankingsRepository.diffRows(db, rankingId);
    return rows.map((r) => ({ ...r, exclusions: r.exclusions as InputExclusionDto[] }));
  }

  async function published(id: string): Promise<RankingRow> {
    const r = await rankingsRepository.byId(db, id);
    if (!r || r.status !== 'published') throw notFound('ranking', id);
    return r;
  }

  return {
    /**
     * Computes a draft ranking of the cycle from everything recorded so far (排名). One transaction, repeatable read,
     * so every channel is read at the same instant (in a caller's `tx`, at the caller's isolation level). `now` decides
     * which problems are overdue.
     */
    async compute(ctx: RequestContext, cycleId: string, now = new Date(), { tx: outerTx, period: periodKey }: TxOption & { period?: string } = {}): Promise<RankingDto> {
      const dto = await inTransaction(
        db,
        outerTx,
        async (tx) => {
          const cycle = await cycles.requirePhase(cycleId, RANKABLE_PHASES, 'cycle_not_rankable', { tx, lock: true });
          // in a caller's transaction its settings are the caller's to choose
          if (!outerTx) await rankingsRepository.computeSettings(tx);
          const params = cycleParameters(cycle.settings);
          // 分期排名: the window of the period asked for; it must have begun (a period under way ranks what it has so far).
          const period = periodKey === undefined ? undefined : parsePeriod(periodKey, periodSettingOf(cycle.settings), timeZone);
          if (period && period.start > now) throw invalid('period', `the period ${period.key} has not begun`);
          // A burst must never slip into P: the integrity signals run over the cycle first, in this transaction.
          await ratingIntegrity?.scan(ctx, { cycleId, now, tx });
          const exclusions = ((await appealExclusions?.(cycleId, { tx })) ?? []).filter(isInputExclusion);
          const { enrolled, inputs, counts, held } = await gatherInputs(tx, cycleId, period && period.end < now ? period.end : now, commendationCounts, exclusions, period, params.scoring.defaultsCountTowardP);
          const { categoryMeans, entries } = scoreCycle(inputs, { settings: params.scoring, weights: params.weights, minimumSamples: params.minimumSamples });
          const row = await rankingsRepository.insert(tx, {
            cycleId,
            formulaVersion: params.scoring.formulaVersion,
            parameters: { ...params, categoryMeans },
            inputCounts: counts,
            computedAt: now,
            computedBy: ctx.principal.subject,
            ...(period ? { periodKind: period.kind, period: period.key, periodStart: period.start, periodEnd: period.end } : {}),
          });
          const unit = new Map(enrolled.map((e) => [e.unitId, e]));
          const rows: RankingEntryInsert[] = entries.map((e) => {
            const u = unit.get(e.unitId)!;
            const byKey = Object.fromEntries(e.explanation.components.map((c) => [c.key, c.value]));
            return {
              rankingId: row.id,
              unitId: e.unitId,
              unitName: u.unitName,
              departmentId: u.departmentId,
              regionId: u.regionId,
              category: u.category,
              rank: e.rank,
              position: e.position,
              score: e.score,
              assessment: byKey.assessment,
              inspection: byKey.inspection,
              publicSatisfaction: byKey.publicSatisfaction,
              deductions: e.explanation.deductions.total,
              bonus: e.explanation.bonus.total,
              components: {
                ...e.explanation,
                exclusions: exclusions.filter((x) => x.unitId === e.unitId).map(({ appealId, kind, subjectId }) => ({ appealId, kind, subjectId })),
                heldRatings: held.get(e.unitId) ?? { held: 0, rejected: 0 },
              } satisfies StoredExplanation as unknown as Record<string, unknown>,
              flags: e.flags,
              ratings: e.ratings,
              scorecards: e.scorecards,
              reports: e.reports,
              pLow: e.interval?.low ?? null,
              pHigh: e.interval?.high ?? null,
            };
          });
          await rankingsRepository.insertEntries(tx, rows);
          const dto = toRankingDto(row, ctx);
          await audit.record(tx, ctx, { action: 'ranking.computed', entityType: 'ranking', entityId: row.id, after: dto });
          return dto;
        },
        { isolationLevel: 'repeatable read' },
      );
      // Once committed (outside the transaction: ANALYZE's lock would serialize computations until commit); in a
      // caller's transaction autovacuum's analyze catches up instead.
      if (!outerTx) await rankingsRepository.analyzeEntries(db);
      return dto;
    },

    /** Freezes a draft as the cycle's next published version; announces it (webhook `ranking.published`). */
    async publish(ctx: RequestContext, id: string, { tx, reason }: TxOption & { reason?: string } = {}): Promise<RankingDto> {
      const dto = await inTransaction(db, tx, async (tx) => {
        const current = await rankingsRepository.byId(tx, id);
        if (!current) throw notFound('ranking', id);
        await cycles.requirePhase(current.cycleId, RANKABLE_PHASES, 'cycle_not_rankable', { tx, lock: true });
        // Versions count per cycle, and per period for a period ranking (分期排名).
        const highest = await rankingsRepository.lockCycleVersions(tx, current.cycleId, current.period);
        // 更正版: publishing again for a cycle corrects the current published ranking, which stays readable as it was.
        const previous = highest > 0 && current.status === 'draft' ? await rankingsRepository.publishedVersion(tx, current.cycleId, highest, current.period) : undefined;
        if (previous && !reason) throw invalid('reason', `cycle ${current.cycleId} already has a published ranking (version ${highest}): a correction needs its reason`);
        const correction = previous ? { supersedes: previous.id, correctionReason: reason! } : { supersedes: null, correctionReason: reason ?? null };
        const row = await rankingsRepository.publish(tx, id, highest + 1, ctx.principal.subject, new Date(), correction);
        if (!row) throw conflict('ranking_already_published', `ranking ${id} is already published (version ${current.publicationVersion}); compute a new draft to publish again`);
        const dto = toRankingDto(row, ctx);
        await audit.record(tx, ctx, { action: 'ranking.published', entityType: 'ranking', entityId: id, before: toRankingDto(current, ctx), after: dto });
        await webhooks.emit(ctx, 'ranking.published', { rankingId: id, cycleId: row.cycleId, publicationVersion: row.publicationVersion, ...(row.period ? { period: row.period } : {}) }, { tx });
        return dto;
      });
      // Once committed, the chain head (now covering the ranking.published entry) is signed for the snapshot. In a
      // caller's transaction nothing is committed yet: the first read of the snapshot takes it instead.
      if (!tx) await audit.checkpointFor('ranking_published', snapshotSubject(id));
      return dto;
    },

    /** Drafts and published versions for the office; published versions only for everyone else. */
    async list(ctx: RequestContext, cycleId: string, page: { limit: number; cursor?: string }, filter: Partial<ListRankingsFilter> = {}): Promise<Page<RankingDto>> {
      await cycles.getCycle(cycleId);
      const which = { period: filter.period ?? (filter.scope === 'cycle' ? null : undefined), periodsOnly: filter.scope === 'periods' };
      const p = await paginate(page, ({ after, limit }) => rankingsRepository.listByCycle(db, { cycleId, publishedOnly: !isStaff(ctx), ...which, afterId: after, limit }));
      return { items: p.items.map((r) => toRankingDto(r, ctx)), nextCursor: p.nextCursor };
    },

    async get(ctx: RequestContext, id: string): Promise<RankingDto> {
      return toRankingDto(await visible(ctx, id), ctx);
    },

    async byIds(ctx: RequestContext, ids: readonly string[]): Promise<RankingDto[]> {
      const rows = await rankingsRepository.byIds(db, ids);
      return rows.filter((r) => r.status === 'published' || isStaff(ctx)).map((r) => toRankingDto(r, ctx));
    },

    entries,

    /**
     * The same page as `entries`, as the bytes `render` makes of it (the REST adapter's serializer), from a cache of
     * this copy. A ranking's entries are written once, by its computation, and never change; what else decides the
     * answer is the key (ranking, filter, page), who may see the ranking — a page made for a caller who sees
     * published rankings only proves the ranking published, and serves everyone; one made for office staff serves
     * staff only — and the department and region names, read after a barrier on their change feed (every change
     * committed before the request, on any copy, has dropped the cache by then). Pages filtered by region read the
     * region tree and are not cached; nor is anything while the feed is not listening (PGlite).
     */
    async entriesRendered(ctx: RequestContext, id: string, filter: EntriesFilter, page: { limit: number; cursor?: string }, render: (page: Page<RankingEntryDto>) => string): Promise<Buffer> {
      const made = async () => Buffer.from(render(await entries(ctx, id, filter, page)));
      if (filter.regionId) return made();
      const cache = await entryPages.open();
      if (!cache) return made();
      const staff = isStaff(ctx);
      const key = JSON.stringify([id, filter.category, filter.departmentId, filter.flag, page.limit, page.cursor]);
      const hit = cache.get(key);
      if (hit && (hit.everyone || staff)) return hit.body;
      const body = await made();
      cache.set(key, { body, everyone: !staff });
      return body;
    },

    /** Stops listening for department and region changes (the app closes). */
    close: () => nameChanges.close(),

    async explanation(ctx: RequestContext, id: string, unitId: string): Promise<ScoreExplanationDto> {
      const ranking = await visible(ctx, id);
      const [row] = await rankingsRepository.explanations(db, [id], [unitId]);
      if (!row) throw notFound('ranking entry', `${id}/${unitId}`);
      return presentExplanation(row.components as unknown as ScoreExplanationBody, { ranking, ...row });
    },

    /** Batched explanations for loaders: one statement for all (ranking, unit) pairs; null where not visible. */
    async explanations(ctx: RequestContext, keys: readonly { rankingId: string; unitId: string }[]): Promise<(ScoreExplanationDto | null)[]> {
      if (keys.length === 0) return [];
      const rows = await rankingsRepository.explanationsWithRanking(db, [...new Set(keys.map((k) => k.rankingId))], [...new Set(keys.map((k) => k.unitId))], isStaff(ctx));
      const rowBy = new Map(rows.map((r) => [`${r.rankingId}/${r.unitId}`, r]));
      return keys.map((k) => {
        const row = rowBy.get(`${k.rankingId}/${k.unitId}`);
        return row ? presentExplanation(row.components as unknown as ScoreExplanationBody, { ranking: { id: row.rankingId, status: row.status, publicationVersion: row.publicationVersion }, ...row }) : null;
      });
    },

    /**
     * 排名靠后: per category, the bottom N (or x%) of the ranked units by the ranking's own bottom setting, worst
     * first. Units with too few samples are not named worst: they are listed apart, marked insufficient_sample.
     */
    async bottom(ctx: RequestContext, id: string, category?: Category): Promise<BottomListDto> {
      const ranking = await visible(ctx, id);
      const setting = (ranking.parameters as unknown as RankingParametersDto).scoring.bottom;
      const present = await rankingsRepository.presentCategories(db, id);
      const ranked = new Map((await rankingsRepository.categorySizes(db, id)).map((s) => [s.category, s.n]));
      const bands = present.filter((c) => !category || c === category).map((c) => ({ category: c, n: ranked.get(c) ?? 0, bottomCount: bottomCount(ranked.get(c) ?? 0, setting) }));
      const [rows, marked] = await Promise.all([
        rankingsRepository.bottom(
          db,
          id,
          bands.filter((b) => b.bottomCount > 0).map((b) => ({ category: b.category, above: b.n - b.bottomCount })),
        ),
        rankingsRepository.insufficientSample(db, id, category),
      ]);
      return {
        rankingId: id,
        mode: setting.mode,
        value: setting.value,
        categories: bands.map((b) => ({
          category: b.category,
          categoryLabel: categoryLabels[b.category],
          rankedUnits: b.n,
          bottomCount: b.bottomCount,
          entries: rows.filter((r) => r.category === b.category).map(toEntryDto),
          insufficientSample: marked.filter((r) => r.category === b.category).map(toEntryDto),
        })),
      };
    },

    /** The ranking as CSV (UTF-8 with BOM) or XLSX, bilingual header, one row per entry in (category, position) order; an unranked entry's rank cell is empty. */
    async export(ctx: RequestContext, id: string, format: ExportFormat): Promise<{ ranking: RankingDto; file: ExportFile }> {
      const ranking = await visible(ctx, id);
      const rows = await rankingsRepository.entries(db, id, {});
      return { ranking: toRankingDto(ranking, ctx), file: rankingsExport(rows.map(toEntryDto), format) };
    },

    /** Published versions of a cycle, for the public. */
    async publicList(cycleId: string, page: { limit: number; cursor?: string }): Promise<Page<RankingDto>> {
      await cycles.getCycle(cycleId);
      const p = await paginate(page, ({ after, limit }) => rankingsRepository.listByCycle(db, { cycleId, publishedOnly: true, afterId: after, limit }));
      return { items: p.items.map((r) => toRankingDto(r, null)), nextCursor: p.nextCursor };
    },

    /** A published snapshot with all its entries; read once from the database, then from memory. */
    async publicSnapshot(id: string): Promise<PublicRankingDto> {
      return (await snapshot(id)).dto;
    },

    /**
     * A page of a published snapshot for the public (category, region with descendants, department, flag), from
     * memory after the first read: its cost is the page, not the ranking. The cursor is the position in the filtered
     * view, stable because the snapshot never changes.
     */
    async publicPage(id: string, filter: EntriesFilter, page: { limit: number; cursor?: string }): Promise<PublicRankingPageDto> {
      const s = await snapshot(id);
      const view = await viewOf(s, filter);
      const raw = decodeCursor(page.cursor);
      const offset = raw === undefined ? 0 : Number(raw);
      if (!Number.isInteger(offset) || offset < 0 || offset > view.length) throw badRequest('invalid_cursor', 'query.cursor: not a cursor this API issued');
      const end = offset + page.limit;
      return { ranking: s.dto.ranking, entries: view.slice(offset, end), total: view.length, nextCursor: end < view.length ? encodeCursor(end) : null, auditCheckpoint: s.dto.auditCheckpoint };
    },

    /** Whether a snapshot is in memory (for tests and metrics). */
    isCached: (id: string) => snapshots.has(id),

    /**
     * 更正对比: what changed from the ranking this one supersedes (a draft: from the cycle's current published ranking),
     * entry by entry, and why. Published rankings: anyone; drafts: the office.
     */
    async diff(ctx: RequestContext | null, id: string): Promise<RankingDiffDto> {
      const ranking = ctx ? await visible(ctx, id) : await published(id);
      const previousId = ranking.supersedes ?? (ranking.status === 'draft' ? (await rankingsRepository.latestPublished(db, ranking.cycleId, ranking.period))?.id : undefined);
      if (!previousId) throw conflict('ranking_not_a_correction', `ranking ${id} supersedes no published ranking: there is nothing to compare it with`);
      const [before, after] = await Promise.all([diffRows(previousId), diffRows(id)]);
      return { rankingId: id, previousId, correctionReason: ranking.correctionReason, entries: diffEntries(before, after) };
    },

    /** 现行版本: the cycle's current published ranking (the highest version: a correction replaces what it supersedes). */
    async currentPublished(cycleId: string): Promise<RankingDto> {
      await cycles.getCycle(cycleId);
      const r = await rankingsRepository.latestPublished(db, cycleId);
      if (!r) throw notFound('published ranking of cycle', cycleId);
      return toRankingDto(r, null);
    },

  };
}

export type RankingsService = ReturnType<typeof createRankingsService>;
