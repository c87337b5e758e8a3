import type { Db } from '../../db/client.js';
import { conflict, invalid, notFound, versionMismatch } from '../../lib/errors.js';
import { paginate, toIso, toIsoOrNull } from '../../lib/http.js';
import type { Page } from '../../lib/http.js';
import type { RequestContext } from '../../lib/principal.js';
import { isInFuture } from '../../lib/time.js';
import type { AuditService } from '../audit/service.js';
import { serviceItemQueries } from '../service-items/queries.js';
import { canSeeUnit, unitScope } from '../units/service.js';
import { unitQueries } from '../units/queries.js';
import { caseStatistics, casesRepository } from './repository.js';
import type { CaseRow, ScopedCaseRow } from './repository.js';
import { REASON_REQUIRED, caseDeadline, caseMachine, completionFacts } from './rules.js';
import { caseStateLabels } from './schemas.js';
import type { CaseDto, CaseMoveInput, CaseState, CaseStatisticsDto, CaseStatisticsFilter, CreateCaseInput, ListCasesFilter } from './schemas.js';

export function toCaseDto(r: CaseRow): CaseDto {
  return {
    id: r.id,
    source: r.source,
    caseNumber: r.caseNumber,
    itemId: r.itemId,
    unitId: r.unitId,
    state: r.state,
    stateLabel: caseStateLabels[r.state],
    receivedAt: toIso(r.receivedAt),
    acceptedAt: toIsoOrNull(r.acceptedAt),
    closedAt: toIsoOrNull(r.closedAt),
    reason: r.reason,
    promisedDays: r.promisedDays,
    deadline: toIso(r.deadline),
    onTime: r.onTime,
    oneWeek: r.oneWeek,
    firstResponderRef: r.firstResponderHash,
    importId: r.importId,
    version: r.version,
    createdAt: toIso(r.createdAt),
    updatedAt: toIso(r.updatedAt),
  };
}

import type { StaffHasher } from './rules.js';
import type { CalendarService } from '../calendar/service.js';
export type { StaffHasher };

export type CaseMove = Exclude<CaseState, 'received'>;

export function createCasesService({
  db,
  audit,
  hashStaff,
  calendar,
}: {
  db: Db;
  audit: AuditService;
  hashStaff: StaffHasher;
  /** 承诺时限 is counted on the holiday calendar (national schedule). */
  calendar: Pick<CalendarService, 'addWorkingDays'>;
}) {
  async function visible(ctx: RequestContext, id: string, tx: Db = db, lock = false): Promise<ScopedCaseRow> {
    const r = await casesRepository.byId(tx, id, lock);
    if (!r || !canSeeUnit(ctx, { id: r.unitId, departmentId: r.unitDepartmentId })) throw notFound('case', id);
    return r;
  }

  const when = (at: string | undefined, field: string, notBefore: Date): Date => {
    const d = at ? new Date(at) : new Date();
    if (isInFuture(d)) throw invalid(field, 'lies in the future');
    if (d.getTime() < notBefore.getTime()) throw invalid(field, `must not be before ${notBefore.toISOString()}, the case's previous step`);
    return d;
  };

  return {
    /** An integration files a case it received; the unit must offer the (active) item. */
    create(ctx: RequestContext, input: CreateCaseInput): Promise<CaseDto> {
      return db.transaction(async (tx) => {
        const unit = await unitQueries.byId(tx, input.unitId);
        if (!unit || !unit.active) throw invalid('unitId', `unit ${input.unitId} does not exist or is deactivated`);
        const item = await serviceItemQueries.byId(tx, input.itemId);
        if (!item || item.status !== 'active') throw invalid('itemId', `service item ${input.itemId} does not exist or is retired`);
        if (!(await serviceItemQueries.offers(tx, unit.id, item.id))) throw invalid('itemId', `unit ${unit.id} does not offer service item ${item.id}`);
        const receivedAt = new Date(input.receivedAt);
        if (isInFuture(receivedAt)) throw invalid('receivedAt', 'lies in the future');
        const row = await casesRepository.insertUnlessTaken(tx, {
          source: input.source,
          caseNumber: input.caseNumber,
          itemId: item.id,
          unitId: unit.id,
          receivedAt,
          promisedDays: item.promisedDays,
          deadline: caseDeadline(calendar, receivedAt, item.promisedDays),
          firstResponderHash: input.firstResponder ? hashStaff(input.firstResponder) : null,
          createdBy: ctx.principal.subject,
        });
        if (!row) throw conflict('duplicate_case', `source ${input.source} already filed case ${input.caseNumber}`);
        const dto = toCaseDto(row);
        await audit.record(tx, ctx, { action: 'case.received', entityType: 'case', entityId: row.id, after: dto });
        return dto;
      });
    },

    /** One step of the state machine, with its reason where one is required, audited in the same transaction. */
    move(ctx: RequestContext, id: string, to: CaseMove, input: Partial<CaseMoveInput>): Promise<CaseDto> {
      return db.transaction(async (tx) => {
        const current = await visible(ctx, id, tx, true);
        if (input.version !== undefined && input.version !== current.version) throw versionMismatch('case', input.version, current.version);
        caseMachine.assert('case', id, current.state, to);
        if (REASON_REQUIRED.includes(to) && !input.reason?.trim()) throw invalid('reason', `a case is ${to} with a reason`);
        const at = when(input.at, 'at', current.acceptedAt ?? current.receivedAt);
        const patch: Partial<CaseRow> =
          to === 'accepted'
            ? { state: to, acceptedAt: at, deadline: caseDeadline(calendar, at, current.promisedDays) }
            : to === 'completed'
              ? { state: to, closedAt: at, ...completionFacts(current, at) }
              : { state: to, closedAt: at, reason: input.reason!.trim() };
        const row = await casesRepository.update(tx, id, current.version, patch);
        if (!row) throw versionMismatch('case', current.version, current.version + 1);
        const dto = toCaseDto(row);
        await audit.record(tx, ctx, { action: `case.${to}`, entityType: 'case', entityId: id, before: toCaseDto(current), after: dto });
        return dto;
      });
    },

    /** Cases by state, 限时办结率 and 一周办结率 per unit, department or region; a department its units, a unit its own. */
    async statistics(ctx: RequestContext, f: CaseStatisticsFilter): Promise<CaseStatisticsDto> {
      if (f.from && f.to && Date.parse(f.from) > Date.parse(f.to)) throw invalid('query.from', 'must not be after query.to');
      const scope = unitScope(ctx);
      const rows = await caseStatistics(db, { groupBy: f.groupBy, from: f.from ? new Date(f.from) : undefined, to: f.to ? new Date(f.to) : undefined, ...scope });
      const rate = (n: number, of: number) => (of === 0 ? null : Math.round((n / of) * 10000) / 100);
      return {
        groupBy: f.groupBy,
        rows: rows.map((r) => ({
          key: r.key,
          total: r.total,
          byState: { received: r.received, accepted: r.accepted, completed: r.completed, returned: r.returned, refused: r.refused },
          onTime: r.onTime,
          oneWeek: r.oneWeek,
          onTimeRate: rate(r.onTime, r.completed),
          oneWeekRate: rate(r.oneWeek, r.completed),
        })),
      };
    },

    async get(ctx: RequestContext, id: string): Promise<CaseDto> {
      return toCaseDto(await visible(ctx, id));
    },

    async list(ctx: RequestContext, filter: ListCasesFilter, page: { limit: number; cursor?: string }): Promise<Page<CaseDto>> {
      if (filter.from && filter.to && Date.parse(filter.from) > Date.parse(filter.to)) throw invalid('query.from', 'must not be after query.to');
      const scope = unitScope(ctx);
      const p = await paginate(page, ({ after, limit }) =>
        casesRepository.list(db, {
          itemId: filter.itemId,
          state: filter.state,
          source: filter.source,
          caseNumber: filter.caseNumber,
          onTime: filter.onTime,
          from: filter.from ? new Date(filter.from) : undefined,
          to: filter.to ? new Date(filter.to) : undefined,
          unitIds: [filter.unitId, scope.unitId].filter((x): x is string => !!x),
          departmentIds: [filter.departmentId, scope.departmentId].filter((x): x is string => !!x),
          afterId: after,
          limit,
        }),
      );
      return { items: p.items.map(toCaseDto), nextCursor: p.nextCursor };
    },
  };
}

export type CasesService = ReturnType<typeof createCasesService>;
