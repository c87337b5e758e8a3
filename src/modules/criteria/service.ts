import { inTransaction } from '../../db/client.js';
import type { Db, TxOption } from '../../db/client.js';
import type { CheckMethod, CriteriaDocument } from './tables.js';
import { DomainError, conflict, invalid, invalidMany, notFound, versionMismatch, versionRequired } from '../../lib/errors.js';
import { decodeNumericCursor, paginate, toIso } from '../../lib/http.js';
import type { Page } from '../../lib/http.js';
import type { RequestContext } from '../../lib/principal.js';
import type { AuditService } from '../audit/service.js';
import type { Category } from '../units/schemas.js';
import { categoryLabels } from '../units/schemas.js';
import type { CyclesService } from '../cycles/service.js';
import { enrollmentQueries } from '../enrollments/queries.js';
import { REVISION_KEY, criteriaRepository } from './repository.js';
import type { CriteriaSetRow, CycleSummary, CyclePhase } from './repository.js';
import { CRITERIA_TOTAL_POINTS, criteriaDocument, toHundredths } from './schemas.js';
import type { CriteriaSetDto } from './schemas.js';

const CHECK_METHOD_LABELS: Record<CheckMethod, { zhCN: string; en: string }> = {
  on_site: { zhCN: '看现场', en: 'On-site check' },
  documents: { zhCN: '查资料', en: 'Document review' },
  survey: { zhCN: '问卷测评', en: 'Survey' },
};

export const checkMethodLabel = (method: CheckMethod) => ({ ...CHECK_METHOD_LABELS[method] });

/** Standards may change while units are still enrolling; once assessment starts they are what units are judged by. */
const EDITABLE_PHASES: readonly CyclePhase[] = ['draft', 'enrollment'];
export const isFrozen = (phase: CyclePhase) => !EDITABLE_PHASES.includes(phase);

/** Sum of the regular items' maxPoints, exact to the hundredth. */
export function totalPoints(doc: CriteriaDocument): number {
  return doc.sections.reduce((sum, s) => sum + s.items.reduce((x, i) => x + toHundredths(i.maxPoints), 0), 0) / 100;
}

/**
 * Everything a document must satisfy before it is saved: the schema (for documents that did not come
 * through a route, e.g. a copy) and the domain rule that regular items make exactly 100 points.
 */
export function validateDocument(doc: unknown, prefix = ''): CriteriaDocument {
  const parsed = criteriaDocument.safeParse(doc);
  if (!parsed.success) {
    throw invalidMany(parsed.error.issues.map((i) => ({ field: [prefix, ...i.path.map(String)].filter(Boolean).join('.'), message: i.message })));
  }
  const total = totalPoints(parsed.data);
  if (toHundredths(total) !== CRITERIA_TOTAL_POINTS * 100) {
    throw invalid(
      [prefix, 'sections'].filter(Boolean).join('.'),
      `the regular items' maxPoints must add up to ${CRITERIA_TOTAL_POINTS}; they add up to ${total}`,
      'criteria_total_invalid',
    );
  }
  return parsed.data;
}

export function toCriteriaSetDto(r: CriteriaSetRow, phase: CyclePhase): CriteriaSetDto {
  return {
    id: r.id,
    cycleId: r.cycleId,
    category: r.category,
    revision: r.revision,
    frozen: isFrozen(phase),
    totalPoints: totalPoints(r.document),
    document: r.document,
    copiedFromId: r.copiedFromId,
    createdBy: r.createdBy,
    createdAt: toIso(r.createdAt),
  };
}

/** A second writer on the same revision loses on the unique index; that is a stale read, not a server error. */
function isRevisionRace(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string; cause?: { code?: string; constraint?: string } };
  const src = e.cause?.code ? e.cause : e;
  return src.code === '23505' && (src.constraint === undefined || src.constraint === REVISION_KEY);
}

interface AppendInput {
  cycleId: string;
  category: Category;
  /** The current revision the caller edited; undefined if the caller sent none. */
  expected: number | undefined;
  /** Saves over an existing set must name the revision they replace (428 otherwise). */
  requireExpected: boolean;
  action: 'criteria_set.revised' | 'criteria_set.copied';
  /** Produces the validated document inside the transaction (a copy reads its source there). */
  document: (tx: Db) => Promise<{ document: CriteriaDocument; copiedFromId: string | null }>;
}

export function createCriteriaService({ db, audit, cycles }: { db: Db; audit: AuditService; cycles: Pick<CyclesService, 'addPrecondition'> }) {
  // Leaving enrollment needs a criteria set (创建标准) for every category with units taking part.
  cycles.addPrecondition('enrollment', {
    check: 'criteria_sets_present',
    async failures(tx, cycle) {
      const enrolled = await enrollmentQueries.participatingCategories(tx, cycle.id);
      const covered = new Set(await criteriaRepository.categoriesWithCriteria(tx, cycle.id));
      return enrolled
        .filter((c) => !covered.has(c))
        .sort()
        .map((c) => `units of category ${c} (${categoryLabels[c].zhCN}) are enrolled but the category has no criteria set (创建标准)`);
    },
  });
  async function cycleOrThrow(cycleId: string, tx: Db = db): Promise<CycleSummary> {
    const c = await criteriaRepository.cycle(tx, cycleId);
    if (!c) throw notFound('cycle', cycleId);
    return c;
  }

  async function append(ctx: RequestContext, input: AppendInput, { tx }: TxOption = {}): Promise<CriteriaSetDto> {
    const { cycleId, category, expected } = input;
    try {
      return await inTransaction(db, tx, async (tx) => {
        const cycle = await criteriaRepository.lockCycle(tx, cycleId);
        if (!cycle) throw notFound('cycle', cycleId);
        if (isFrozen(cycle.phase)) {
          throw conflict('criteria_frozen', `cycle ${cycleId} is in phase ${cycle.phase}: its criteria sets are frozen once it leaves enrollment`, { phase: cycle.phase });
        }
        const current = await criteriaRepository.current(tx, cycleId, category);
        if (current) {
          if (expected === undefined) {
            if (input.requireExpected) throw versionRequired();
          } else if (expected !== current.revision) {
            throw versionMismatch(`criteria set ${category}`, expected, current.revision);
          }
        } else if (expected !== undefined) {
          throw versionMismatch(`criteria set ${category}`, expected, 0);
        }
        const { document, copiedFromId } = await input.document(tx);
        const row = await criteriaRepository.insert(tx, {
          cycleId,
          category,
          revision: (current?.revision ?? 0) + 1,
          document,
          copiedFromId,
          createdBy: ctx.principal.subject,
        });
        const dto = toCriteriaSetDto(row, cycle.phase);
        await audit.record(tx, ctx, {
          action: input.action,
          entityType: 'criteria_set',
          entityId: row.id,
          before: current ? { id: current.id, revision: current.revision } : null,
          after: dto,
        });
        return dto;
      });
    } catch (err) {
      // In the caller's transaction the race has aborted it: the caller sees the database error.
      if (err instanceof DomainError || !isRevisionRace(err) || tx) throw err;
      const winner = await criteriaRepository.current(db, cycleId, category);
      throw versionMismatch(`criteria set ${category}`, expected ?? 0, winner?.revision ?? 0);
    }
  }

  return {
    /** For other modules: the current revision (row) of a category's set in a cycle, if any. */
    current(cycleId: string, category: Category, { tx }: TxOption = {}): Promise<CriteriaSetRow | undefined> {
      return criteriaRepository.current(tx ?? db, cycleId, category);
    },

    /** For other modules: one revision by id (scorecards keep the id they were scored against). */
    byId(id: string, { tx }: TxOption = {}): Promise<CriteriaSetRow | undefined> {
      return criteriaRepository.byId(tx ?? db, id);
    },

    /** Batched cycle summaries for the GraphQL `cycle` field. */
    cyclesByIds(ids: readonly string[]): Promise<CycleSummary[]> {
      return criteriaRepository.cyclesByIds(db, ids);
    },

    async get(_ctx: RequestContext, id: string): Promise<CriteriaSetDto> {
      const row = await criteriaRepository.byId(db, id);
      if (!row) throw notFound('criteria set', id);
      const cycle = await cycleOrThrow(row.cycleId);
      return toCriteriaSetDto(row, cycle.phase);
    },

    async listCurrent(_ctx: RequestContext, cycleId: string): Promise<CriteriaSetDto[]> {
      const cycle = await cycleOrThrow(cycleId);
      const rows = await criteriaRepository.currentOfCycle(db, cycleId);
      return rows.map((r) => toCriteriaSetDto(r, cycle.phase));
    },

    async getCurrent(_ctx: RequestContext, cycleId: string, category: Category): Promise<CriteriaSetDto> {
      const cycle = await cycleOrThrow(cycleId);
      const row = await criteriaRepository.current(db, cycleId, category);
      if (!row) throw notFound(`criteria set ${category} of cycle`, cycleId);
      return toCriteriaSetDto(row, cycle.phase);
    },

    async getRevision(_ctx: RequestContext, cycleId: string, category: Category, revision: number): Promise<CriteriaSetDto> {
      const cycle = await cycleOrThrow(cycleId);
      const row = await criteriaRepository.revision(db, cycleId, category, revision);
      if (!row) throw notFound(`criteria set ${category} revision ${revision} of cycle`, cycleId);
      return toCriteriaSetDto(row, cycle.phase);
    },

    /** Every revision ever saved, newest first; old revisions stay readable forever. */
    async revisions(_ctx: RequestContext, cycleId: string, category: Category, page: { limit: number; cursor?: string }): Promise<Page<CriteriaSetDto>> {
      const cycle = await cycleOrThrow(cycleId);
      const p = await paginate(page, ({ after, limit }) => criteriaRepository.revisions(db, { cycleId, category, beforeRevision: after, limit }), {
        key: (r) => r.revision,
        decode: decodeNumericCursor,
      });
      return { items: p.items.map((r) => toCriteriaSetDto(r, cycle.phase)), nextCursor: p.nextCursor };
    },

    /** Saves a new revision. Over an existing set, `expected` must be its current revision. */
    save(ctx: RequestContext, cycleId: string, category: Category, expected: number | undefined, document: unknown, opt: TxOption = {}): Promise<CriteriaSetDto> {
      const valid = validateDocument(document);
      return append(ctx, {
        cycleId,
        category,
        expected,
        requireExpected: true,
        action: 'criteria_set.revised',
        document: async () => ({ document: valid, copiedFromId: null }),
      }, opt);
    },

    /**
     * Copies the current set of the same category from another (earlier) cycle as a new revision here.
     * `expected`, when given, must be the current revision here; a copy never needs one.
     */
    copy(ctx: RequestContext, cycleId: string, category: Category, fromCycleId: string, expected?: number): Promise<CriteriaSetDto> {
      if (fromCycleId === cycleId) throw invalid('fromCycleId', 'must be another cycle than the one copied into');
      return append(ctx, {
        cycleId,
        category,
        expected,
        requireExpected: false,
        action: 'criteria_set.copied',
        document: async (tx) => {
          if (!(await criteriaRepository.cycle(tx, fromCycleId))) throw invalid('fromCycleId', `cycle ${fromCycleId} does not exist`);
          const source = await criteriaRepository.current(tx, fromCycleId, category);
          if (!source) throw invalid('fromCycleId', `cycle ${fromCycleId} has no criteria set for category ${category}`, 'criteria_source_missing');
          // The rules may have tightened since the source was saved: a copy passes today's validation too.
          return { document: validateDocument(source.document, 'source.document'), copiedFromId: source.id };
        },
      });
    },
  };
}

export type CriteriaService = ReturnType<typeof createCriteriaService>;
