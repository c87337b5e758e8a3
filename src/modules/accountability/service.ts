import type { Db, TxOption } from '../../db/client.js';
import { invalid, notFound } from '../../lib/errors.js';
import { paginate, toIso } from '../../lib/http.js';
import type { Page } from '../../lib/http.js';
import type { RequestContext } from '../../lib/principal.js';
import type { AuditService } from '../audit/service.js';
import type { CyclesService } from '../cycles/service.js';
import { nextPeriodKey } from '../rankings/periods.js';
import { canSeeUnit, unitScope } from '../units/service.js';
import { accountabilityRepository } from './repository.js';
import type { AccountabilityRow } from './repository.js';
import { accountabilitySettings, accountabilityTypeLabels, criticismScopeLabels } from './schemas.js';
import type { AccountabilityActionDto, AccountabilityCauseDto, CreateAccountabilityInput, DueListDto, ListAccountabilityFilter } from './schemas.js';
import type { StoredCause } from './tables.js';

const causeDto = (c: StoredCause): AccountabilityCauseDto => (c.unitId ? { type: c.type, id: c.id, unitId: c.unitId } : { type: c.type, id: c.id });

export function toAccountabilityDto(r: AccountabilityRow): AccountabilityActionDto {
  return {
    id: r.id,
    type: r.type,
    typeLabel: accountabilityTypeLabels[r.type],
    target: {
      kind: r.targetKind,
      unitId: r.unitId,
      departmentId: r.departmentId,
      personName: r.personName,
      personRole: r.personRole,
      ...(r.personId ? { personId: r.personId } : {}),
    },
    reason: r.reason,
    decidedAt: toIso(r.decidedAt),
    cause: causeDto({ type: r.causeType, id: r.causeId, unitId: r.causeUnitId ?? undefined }),
    relatedCauses: r.relatedCauses.map(causeDto),
    scope: r.scope,
    scopeLabel: r.scope ? criticismScopeLabels[r.scope] : null,
    version: r.version,
    createdAt: toIso(r.createdAt),
    updatedAt: toIso(r.updatedAt),
  };
}

type TargetColumns = { targetKind: AccountabilityRow['targetKind']; unitId: string | null; departmentId: string | null; personName: string | null; personRole: string | null; personId: string | null };

export function createAccountabilityService({ db, audit, cycles }: { db: Db; audit: AuditService; cycles: Pick<CyclesService, 'getCycle'> }) {
  /**
   * Checks the target's unit/department exist (and agree with each other for a person); a registered person gives
   * the name, post, unit and department the request leaves out. Returns the columns.
   */
  async function target(tx: Db, t: CreateAccountabilityInput['target']): Promise<TargetColumns> {
    const person = t.kind === 'person' && t.personId ? await accountabilityRepository.personById(tx, t.personId) : undefined;
    if (t.kind === 'person' && t.personId && !person) throw invalid('target.personId', `person ${t.personId} does not exist`);
    const unitId = t.kind === 'department' ? null : (t.unitId ?? person?.unitId ?? null);
    const departmentId = t.kind === 'unit' ? null : (t.departmentId ?? person?.departmentId ?? null);
    if (unitId) {
      const unit = await accountabilityRepository.unitById(tx, unitId);
      if (!unit) throw invalid('target.unitId', `unit ${unitId} does not exist`);
      if (departmentId && unit.departmentId !== departmentId) throw invalid('target.departmentId', `unit ${unitId} is not in department ${departmentId}`);
    }
    if (departmentId && !(await accountabilityRepository.departmentExists(tx, departmentId))) {
      throw invalid('target.departmentId', `department ${departmentId} does not exist`);
    }
    return {
      targetKind: t.kind,
      unitId,
      departmentId,
      personName: t.kind === 'person' ? (t.personName ?? person?.name ?? null) : null,
      personRole: t.kind === 'person' ? (t.personRole ?? person?.post ?? null) : null,
      personId: t.kind === 'person' ? (t.personId ?? null) : null,
    };
  }

  /**
   * A cause exists, asked of the module that owns it. A ranking entry (排名靠后) must be of a published ranking, and
   * the action must be about that entry: against its unit, its department, or a person serving in either.
   */
  async function checkCause(tx: Db, c: AccountabilityCauseDto, field: string, t: TargetColumns): Promise<void> {
    if (c.type !== 'ranking_entry') {
      if (c.unitId) throw invalid(`${field}.unitId`, 'only a ranking_entry cause names a unit');
      if (!(await accountabilityRepository.causeExists(tx, c.type, c.id))) throw invalid(`${field}.id`, `${c.type} ${c.id} does not exist`);
      return;
    }
    if (!c.unitId) throw invalid(`${field}.unitId`, 'a ranking_entry cause names the unit whose entry it cites');
    const entry = await accountabilityRepository.publishedEntry(tx, c.id, c.unitId);
    if (!entry) throw invalid(`${field}.id`, `unit ${c.unitId} has no entry in a published ranking ${c.id}`);
    const about = t.unitId === entry.unitId || (t.targetKind !== 'unit' && t.departmentId === entry.departmentId);
    if (!about) throw invalid('target', `the action must be against unit ${entry.unitId}, its department or a person serving in either (the ranking entry cited)`);
  }

  function list(ctx: RequestContext, filter: ListAccountabilityFilter, page: { limit: number; cursor?: string }) {
    const scope = unitScope(ctx);
    return paginate(page, ({ after, limit }) =>
      accountabilityRepository.list(db, {
        type: filter.type,
        targetKind: filter.targetKind,
        causeType: filter.causeType,
        causeId: filter.causeId,
        personId: filter.personId,
        from: filter.from ? new Date(filter.from) : undefined,
        to: filter.to ? new Date(filter.to) : undefined,
        unitIds: [filter.unitId, scope.unitId].filter((x): x is string => !!x),
        departmentIds: [filter.departmentId, scope.departmentId].filter((x): x is string => !!x),
        afterId: after,
        limit,
      }),
    );
  }

  return {
    /** 问责: decided by the office, with the finding, complaint, problem or ranking entry behind it. */
    create(ctx: RequestContext, input: CreateAccountabilityInput): Promise<AccountabilityActionDto> {
      return db.transaction(async (tx) => {
        const decidedAt = new Date(input.decidedAt);
        if (decidedAt.getTime() > Date.now()) throw invalid('decidedAt', 'record an action once it is decided, not in advance');
        if (input.type !== 'notice_of_criticism' && input.scope) throw invalid('scope', 'only a notice of criticism (通报批评) has a scope');
        const columns = await target(tx, input.target);
        await checkCause(tx, input.cause, 'cause', columns);
        const related = input.relatedCauses ?? [];
        for (const [i, c] of related.entries()) await checkCause(tx, c, `relatedCauses.${i}`, columns);
        const row = await accountabilityRepository.insert(tx, {
          type: input.type,
          ...columns,
          reason: input.reason,
          decidedAt,
          causeType: input.cause.type,
          causeId: input.cause.id,
          causeUnitId: input.cause.unitId ?? null,
          relatedCauses: related.map((c) => (c.unitId ? { type: c.type, id: c.id, unitId: c.unitId } : { type: c.type, id: c.id })),
          scope: input.scope ?? null,
          createdBy: ctx.principal.subject,
        });
        const dto = toAccountabilityDto(row);
        await audit.record(tx, ctx, { action: 'accountability_action.created', entityType: 'accountability_action', entityId: row.id, after: dto });
        return dto;
      });
    },

    async get(ctx: RequestContext, id: string): Promise<AccountabilityActionDto> {
      const r = await accountabilityRepository.byId(db, id);
      const scope = unitScope(ctx);
      const visible =
        !!r &&
        (!scope.unitId || r.unitId === scope.unitId) &&
        (!scope.departmentId || r.departmentId === scope.departmentId || r.unitDepartmentId === scope.departmentId);
      if (!visible) throw notFound('accountability action', id);
      return toAccountabilityDto(r);
    },

    /** The office sees all; a department actions against itself or its units; a unit actions against itself. */
    async list(ctx: RequestContext, filter: ListAccountabilityFilter, page: { limit: number; cursor?: string }): Promise<Page<AccountabilityActionDto>> {
      const p = await list(ctx, filter, page);
      return { items: p.items.map(toAccountabilityDto), nextCursor: p.nextCursor };
    },

    /** Actions against a registered person, newest first: part of their record (persons module, wired in services.ts). */
    async againstPerson(personId: string, { tx }: TxOption = {}): Promise<AccountabilityActionDto[]> {
      return (await accountabilityRepository.againstPerson(tx ?? db, personId)).map(toAccountabilityDto);
    },

    /**
     * 应问责: the units the cycle's rule (bottom N in K consecutive period rankings) makes due, each with the rankings it
     * cites and the action body to open in one call. A streak counts once (after K periods it starts again); a period
     * with no published ranking breaks every streak; a streak whose last entry an action already cites is done.
     * The rankings are the prefecture's (a county has no rankings of its own): a county office (两级办公室) gets the
     * due units of its region only, out of the same prefecture-wide streaks.
     */
    async due(ctx: RequestContext, cycleId: string): Promise<DueListDto> {
      const cycle = await cycles.getCycle(cycleId);
      const parsed = accountabilitySettings.safeParse((cycle.settings as { accountability?: unknown }).accountability ?? {});
      const rule = parsed.success ? parsed.data.dueRule : null;
      const periodRankings = await accountabilityRepository.currentPeriodRankings(db, cycleId);
      if (!rule) return { cycleId, rule: null, periodRankings: periodRankings.length, items: [] };
      const bottom = await accountabilityRepository.bottomEntries(db, periodRankings.map((r) => r.id), rule.bottomN);
      const bottomOf = new Map<string, typeof bottom>();
      for (const b of bottom) bottomOf.set(b.rankingId, [...(bottomOf.get(b.rankingId) ?? []), b]);

      type Streak = { rankings: DueListDto['items'][number]['rankings']; last: (typeof bottom)[number] };
      const streaks = new Map<string, Streak>();
      const found: Streak[] = [];
      let previous: string | undefined;
      for (const r of periodRankings) {
        if (previous !== undefined && r.period !== nextPeriodKey(previous)) streaks.clear();
        previous = r.period;
        const here = new Map((bottomOf.get(r.id) ?? []).map((b) => [b.unitId, b]));
        for (const unitId of streaks.keys()) if (!here.has(unitId)) streaks.delete(unitId);
        for (const b of here.values()) {
          const s = streaks.get(b.unitId) ?? { rankings: [], last: b };
          s.rankings.push({ rankingId: r.id, period: r.period, publicationVersion: r.publicationVersion, rank: b.rank!, rankedUnits: b.rankedUnits, score: Math.round(b.score * 100) / 100 });
          s.last = b;
          if (s.rankings.length >= rule.consecutivePeriods) {
            found.push(s);
            streaks.delete(b.unitId);
          } else streaks.set(b.unitId, s);
        }
      }
      const [cited, facts] = await Promise.all([
        accountabilityRepository.citedEntries(db, [...new Set(found.map((s) => s.last.rankingId))]),
        accountabilityRepository.unitsByIds(db, [...new Set(found.map((s) => s.last.unitId))]),
      ]);
      const unitOf = new Map(facts.map((u) => [u.id, u]));
      const items = found
        .filter((s) => !cited.has(`${s.last.rankingId}/${s.last.unitId}`))
        .filter((s) => {
          const unit = unitOf.get(s.last.unitId);
          return !!unit && canSeeUnit(ctx, unit);
        })
        .map((s) => {
          const [last, ...earlier] = [...s.rankings].reverse();
          return {
            unitId: s.last.unitId,
            unitName: s.last.unitName,
            departmentId: s.last.departmentId,
            category: s.last.category,
            actionType: rule.actionType,
            rankings: s.rankings,
            action: {
              type: rule.actionType,
              target: { kind: 'unit' as const, unitId: s.last.unitId },
              cause: { type: 'ranking_entry' as const, id: last.rankingId, unitId: s.last.unitId },
              relatedCauses: earlier.reverse().map((e) => ({ type: 'ranking_entry' as const, id: e.rankingId, unitId: s.last.unitId })),
            },
          };
        });
      return { cycleId, rule, periodRankings: periodRankings.length, items };
    },
  };
}

export type AccountabilityService = ReturnType<typeof createAccountabilityService>;
