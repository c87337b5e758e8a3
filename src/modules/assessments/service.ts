import type { Db } from '../../db/client.js';
import type { CriteriaDocument } from '../criteria/schemas.js';
import { conflict, DomainError, forbidden, invalid, invalidMany, notFound, versionMismatch } from '../../lib/errors.js';
import { paginate, toIso, toIsoOrNull } from '../../lib/http.js';
import type { Page } from '../../lib/http.js';
import { STAFF } from '../../lib/principal.js';
import type { RequestContext } from '../../lib/principal.js';
import { stateMachine } from '../../lib/state-machine.js';
import type { AuditService } from '../audit/service.js';
import type { CriteriaService } from '../criteria/service.js';
import type { CyclesService } from '../cycles/service.js';
import { unitQueries } from '../units/queries.js';
import { enrollmentQueries } from '../enrollments/queries.js';
import { canSeeUnit } from '../units/service.js';
import { assessmentsRepository as repo } from './repository.js';
import type { BonusRow, DeductionRow, ScorecardRow } from './repository.js';
import { scorecardStatusLabels } from './schemas.js';
import type {
  AssessmentFeedbackDto,
  FeedbackScorecardDto,
  ListScorecardsFilter,
  OpenScorecardInput,
  ScorecardDetailDto,
  ScorecardDto,
  ScorecardStatus,
  SetBonusesInput,
  SetDeductionsInput,
  StaffAssessmentFeedbackDto,
  UpdateScorecardInput,
} from './schemas.js';
import { checkKeys, fromCents, scoreScorecard, toCents } from './scoring.js';

export function toScorecardDto(r: ScorecardRow): ScorecardDto {
  return {
    id: r.id,
    cycleId: r.cycleId,
    unitId: r.unitId,
    enrollmentId: r.enrollmentId,
    criteriaSetId: r.criteriaSetId,
    inspectorSubject: r.inspectorSubject,
    status: r.status,
    statusLabel: scorecardStatusLabels[r.status],
    returnedReason: r.returnedReason,
    total: r.total,
    regularTotal: r.regularTotal,
    bonusTotal: r.bonusTotal,
    assessedOn: r.assessedOn,
    summary: r.summary,
    submittedAt: toIsoOrNull(r.submittedAt),
    confirmedAt: toIsoOrNull(r.confirmedAt),
    version: r.version,
    createdAt: toIso(r.createdAt),
    updatedAt: toIso(r.updatedAt),
  };
}

const title = (t: { zhCN: string; en?: string | null }) => ({ zhCN: t.zhCN, en: t.en ?? null });

/** The item-by-item breakdown of one scorecard, from its stored entries and its frozen criteria set. */
function toDetail(row: ScorecardRow, doc: CriteriaDocument, deductions: DeductionRow[], bonuses: BonusRow[]): ScorecardDetailDto {
  const b = scoreScorecard(doc, deductions, bonuses);
  return {
    ...toScorecardDto(row),
    sections: b.sections.map((s) => ({
      key: s.key,
      title: title(s.title),
      maxPoints: s.maxPoints,
      score: s.score,
      items: s.items.map((i) => ({
        ...i,
        title: title(i.title),
        deductions: i.deductions.map((d) => ({ ...d, note: deductions[d.position].note, evidence: deductions[d.position].evidence })),
      })),
    })),
    bonuses: b.bonuses.map((x) => ({ ...x, note: bonuses[x.position].note })),
    bonusCap: b.bonusCap,
  };
}

/** What a confirmed scorecard tells the unit: totals, every deduction with its reason, bonuses; nobody's name. */
function toFeedbackScorecard(d: ScorecardDetailDto): FeedbackScorecardDto {
  return {
    id: d.id,
    assessedOn: d.assessedOn,
    total: d.total,
    regularTotal: d.regularTotal,
    bonusTotal: d.bonusTotal,
    summary: d.summary,
    deductions: d.sections.flatMap((s) =>
      s.items.flatMap((i) =>
        i.deductions.map((x) => ({
          sectionTitle: s.title,
          itemTitle: i.title,
          itemKey: i.key,
          ruleKey: x.ruleKey,
          ruleDescription: x.ruleDescription,
          occurrences: x.occurrences,
          points: x.points,
          note: x.note,
          evidence: x.evidence,
        })),
      ),
    ),
    bonuses: d.bonuses.map((x) => ({ bonusKey: x.bonusKey, description: x.description, points: x.points, note: x.note })),
  };
}

const today = () => new Date().toISOString().slice(0, 10);
const isStaff = (ctx: RequestContext) => STAFF.includes(ctx.principal.role);

/** 草稿 → 已提交 → 已确认; the office may return a submitted scorecard to draft (退回). */
export const scorecardMachine = stateMachine<ScorecardStatus>({
  draft: ['submitted'],
  submitted: ['confirmed', 'draft'],
  confirmed: [],
});

export function createAssessmentsService({
  db,
  audit,
  cycles,
  criteria,
}: {
  db: Db;
  audit: AuditService;
  cycles: Pick<CyclesService, 'requirePhase' | 'getCycle'>;
  criteria: Pick<CriteriaService, 'current'>;
}) {
  /** Details for many scorecards in three queries, whatever their number. */
  async function detailsOf(tx: Db, rows: ScorecardRow[]): Promise<ScorecardDetailDto[]> {
    if (!rows.length) return [];
    const ids = rows.map((r) => r.id);
    // One after another: inside a transaction the queries share one connection.
    const deductions = await repo.deductionsFor(tx, ids);
    const bonuses = await repo.bonusesFor(tx, ids);
    const sets = await repo.criteriaSetsByIds(tx, [...new Set(rows.map((r) => r.criteriaSetId))]);
    const docs = new Map(sets.map((s) => [s.id, s.document]));
    const group = <T extends { scorecardId: string }>(xs: T[]) => {
      const m = new Map<string, T[]>();
      for (const x of xs) m.set(x.scorecardId, [...(m.get(x.scorecardId) ?? []), x]);
      return m;
    };
    const d = group(deductions);
    const b = group(bonuses);
    return rows.map((r) => toDetail(r, docs.get(r.criteriaSetId)!, d.get(r.id) ?? [], b.get(r.id) ?? []));
  }

  /** Scorecards change only during assessment; the share lock makes a concurrent phase move wait for this change. */
  const requireAssessmentPhase = (tx: Db, cycleId: string) => cycles.requirePhase(cycleId, ['assessment'], 'cycle_not_in_assessment', { tx, lock: true });

  /**
   * The common shape of every change: lock the row, check who and when, apply, recompute totals from the
   * stored entries, audit — one transaction.
   */
  async function change(
    ctx: RequestContext,
    id: string,
    expected: number,
    action: string,
    opts: {
      allowed: (row: ScorecardRow) => void;
      apply: (tx: Db, row: ScorecardRow, doc: CriteriaDocument) => Promise<Partial<ScorecardRow>>;
    },
  ): Promise<ScorecardDetailDto> {
    return db.transaction(async (tx) => {
      const current = await repo.byId(tx, id, true);
      if (!current || !isStaff(ctx)) throw notFound('scorecard', id);
      opts.allowed(current);
      await requireAssessmentPhase(tx, current.cycleId);
      if (current.version !== expected) throw versionMismatch('scorecard', expected, current.version);
      const [before] = await detailsOf(tx, [current]);
      const [set] = await repo.criteriaSetsByIds(tx, [current.criteriaSetId]);
      const patch = await opts.apply(tx, current, set.document);
      const deductions = await repo.deductionsFor(tx, [id]);
      const bonuses = await repo.bonusesFor(tx, [id]);
      const score = scoreScorecard(set.document, deductions, bonuses);
      const row = await repo.update(tx, id, expected, { ...patch, total: score.total, regularTotal: score.regularTotal, bonusTotal: score.bonusTotal });
      if (!row) throw versionMismatch('scorecard', expected, expected + 1);
      const after = toDetail(row, set.document, deductions, bonuses);
      await audit.record(tx, ctx, { action, entityType: 'scorecard', entityId: id, before, after });
      return after;
    });
  }

  /** Drafts change only by the inspector who opened them, or the office. */
  const editableBy = (ctx: RequestContext) => (row: ScorecardRow) => {
    if (ctx.principal.role !== 'admin' && row.inspectorSubject !== ctx.principal.subject) {
      throw forbidden('only the inspector who opened this scorecard, or the office, may change it');
    }
    if (row.status !== 'draft') {
      throw conflict('scorecard_not_editable', `scorecard ${row.id} is ${row.status}; only drafts can be changed`, { scorecardStatus: row.status });
    }
  };

  const movesTo = (to: ScorecardStatus, verb: string) => (row: ScorecardRow) =>
    scorecardMachine.assert('scorecard', row.id, row.status, to, { detail: `scorecard ${row.id} is ${row.status}; it cannot be ${verb}` });

  /** Confirming and returning are the office's (纠风办) decisions. */
  const officeDecision = (ctx: RequestContext, verb: string, to: ScorecardStatus) => (row: ScorecardRow) => {
    if (ctx.principal.role !== 'admin') throw forbidden(`only the office may ${verb} a scorecard`);
    movesTo(to, `${verb}ed`)(row);
  };

  return {
    /** 开始考评: a draft scorecard against the unit's category criteria set as it stands now. */
    async open(ctx: RequestContext, input: OpenScorecardInput): Promise<ScorecardDetailDto> {
      return db.transaction(async (tx) => {
        await requireAssessmentPhase(tx, input.cycleId).catch((err: unknown) => {
          throw err instanceof DomainError && err.status === 404 ? invalid('cycleId', `cycle ${input.cycleId} does not exist`) : err;
        });
        const enrollment = await enrollmentQueries.activeEnrollment(tx, input.cycleId, input.unitId);
        if (!enrollment) throw invalid('unitId', `unit ${input.unitId} is not enrolled in cycle ${input.cycleId}`);
        const set = await criteria.current(input.cycleId, enrollment.category, { tx });
        if (!set) {
          throw conflict('criteria_set_missing', `cycle ${input.cycleId} has no criteria set for category ${enrollment.category}`, {
            category: enrollment.category,
          });
        }
        const score = scoreScorecard(set.document, [], []);
        const row = await repo.insert(tx, {
          cycleId: input.cycleId,
          unitId: input.unitId,
          enrollmentId: enrollment.id,
          criteriaSetId: set.id,
          inspectorSubject: ctx.principal.subject,
          assessedOn: input.assessedOn ?? today(),
          summary: input.summary ?? null,
          total: score.total,
          regularTotal: score.regularTotal,
          bonusTotal: score.bonusTotal,
        });
        const dto = toDetail(row, set.document, [], []);
        await audit.record(tx, ctx, { action: 'scorecard.opened', entityType: 'scorecard', entityId: row.id, after: dto });
        return dto;
      });
    },

    async get(ctx: RequestContext, id: string): Promise<ScorecardDetailDto> {
      const row = await repo.byId(db, id);
      if (!row || !isStaff(ctx)) throw notFound('scorecard', id);
      return (await detailsOf(db, [row]))[0];
    },

    /** Batched read for GraphQL loaders: breakdowns of many scorecards in a fixed number of queries. */
    async detailsByIds(ctx: RequestContext, ids: readonly string[]): Promise<ScorecardDetailDto[]> {
      if (!isStaff(ctx)) return [];
      return detailsOf(db, await repo.byIds(db, ids));
    },

    /** Inspectors and the office see every scorecard; units and departments read the feedback instead. */
    async list(ctx: RequestContext, filter: ListScorecardsFilter, page: { limit: number; cursor?: string }): Promise<Page<ScorecardDto>> {
      if (!isStaff(ctx)) return { items: [], nextCursor: null };
      const p = await paginate(page, ({ after, limit }) => repo.list(db, {
        cycleId: filter.cycleId,
        unitId: filter.unitId,
        status: filter.status,
        inspectorSubject: filter.mine ? ctx.principal.subject : undefined,
        afterId: after,
        limit,
      }));
      return { items: p.items.map(toScorecardDto), nextCursor: p.nextCursor };
    },

    update(ctx: RequestContext, id: string, expected: number, input: UpdateScorecardInput): Promise<ScorecardDetailDto> {
      return change(ctx, id, expected, 'scorecard.updated', {
        allowed: editableBy(ctx),
        apply: async () => ({
          ...(input.assessedOn !== undefined ? { assessedOn: input.assessedOn } : {}),
          ...(input.summary !== undefined ? { summary: input.summary } : {}),
        }),
      });
    },

    /** Replaces the whole list of deductions (扣分); scores are recomputed, never taken from the client. */
    setDeductions(ctx: RequestContext, id: string, expected: number, input: SetDeductionsInput): Promise<ScorecardDetailDto> {
      return change(ctx, id, expected, 'scorecard.deductions_set', {
        allowed: editableBy(ctx),
        apply: async (tx, row, doc) => {
          const errors = checkKeys(doc, input.deductions, null);
          if (errors.length) throw invalidMany(errors, 'unknown_criteria_key');
          await repo.replaceDeductions(
            tx,
            row.id,
            input.deductions.map((d, position) => ({ ...d, position, note: d.note ?? null, evidence: d.evidence ?? [] })),
          );
          return {};
        },
      });
    },

    /** Replaces the whole list of bonus items (加分). */
    setBonuses(ctx: RequestContext, id: string, expected: number, input: SetBonusesInput): Promise<ScorecardDetailDto> {
      return change(ctx, id, expected, 'scorecard.bonuses_set', {
        allowed: editableBy(ctx),
        apply: async (tx, row, doc) => {
          const errors = checkKeys(doc, null, input.bonuses);
          if (errors.length) throw invalidMany(errors, 'unknown_criteria_key');
          await repo.replaceBonuses(
            tx,
            row.id,
            input.bonuses.map((b, position) => ({ ...b, points: fromCents(toCents(b.points)), position, note: b.note ?? null })),
          );
          return {};
        },
      });
    },

    /** draft → submitted, by the inspector who opened it. */
    submit(ctx: RequestContext, id: string, expected: number): Promise<ScorecardDetailDto> {
      return change(ctx, id, expected, 'scorecard.submitted', {
        allowed: (row) => {
          if (row.inspectorSubject !== ctx.principal.subject) throw forbidden('only the inspector who opened this scorecard may submit it');
          movesTo('submitted', 'submitted')(row);
        },
        apply: async () => ({ status: 'submitted', submittedAt: new Date() }),
      });
    },

    /** submitted → confirmed (确认), by the office; from then on it counts and never changes. */
    confirm(ctx: RequestContext, id: string, expected: number): Promise<ScorecardDetailDto> {
      return change(ctx, id, expected, 'scorecard.confirmed', {
        allowed: officeDecision(ctx, 'confirm', 'confirmed'),
        apply: async () => ({ status: 'confirmed', confirmedAt: new Date() }),
      });
    },

    /** submitted → draft (退回) with the office's reason. */
    returnToDraft(ctx: RequestContext, id: string, expected: number, reason: string): Promise<ScorecardDetailDto> {
      return change(ctx, id, expected, 'scorecard.returned', {
        allowed: officeDecision(ctx, 'return', 'draft'),
        apply: async () => ({ status: 'draft', returnedReason: reason, submittedAt: null }),
      });
    },

    /**
     * 反馈: the confirmed scorecards of a unit in a cycle, with every deduction and its reason. A department
     * sees its units, a unit itself; neither learns who assessed it (a different DTO without that field).
     */
    async feedback(ctx: RequestContext, cycleId: string, unitId: string): Promise<AssessmentFeedbackDto | StaffAssessmentFeedbackDto> {
      const unit = await unitQueries.byId(db, unitId);
      if (!unit || !canSeeUnit(ctx, unit)) throw notFound('unit', unitId);
      await cycles.getCycle(cycleId);
      const rows = await repo.confirmedFor(db, cycleId, unitId);
      const details = await detailsOf(db, rows);
      const cents = rows.reduce((sum, r) => sum + toCents(r.total), 0);
      const base = {
        cycleId,
        unitId,
        assessmentScore: rows.length ? fromCents(Math.round(cents / rows.length)) : null,
        scorecardCount: rows.length,
      };
      if (isStaff(ctx)) {
        return { ...base, scorecards: details.map((d) => ({ ...toFeedbackScorecard(d), inspectorSubject: d.inspectorSubject })) };
      }
      return { ...base, scorecards: details.map(toFeedbackScorecard) };
    },

  };
}

export type AssessmentsService = ReturnType<typeof createAssessmentsService>;
