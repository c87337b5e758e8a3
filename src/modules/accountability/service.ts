import type { Db } from '../../db/client.js';
import { invalid, notFound } from '../../lib/errors.js';
import { paginate, toIso } from '../../lib/http.js';
import type { Page } from '../../lib/http.js';
import type { RequestContext } from '../../lib/principal.js';
import type { AuditService } from '../audit/service.js';
import { unitScope } from '../units/service.js';
import { accountabilityRepository } from './repository.js';
import type { AccountabilityRow } from './repository.js';
import { accountabilityTypeLabels } from './schemas.js';
import type { AccountabilityActionDto, CreateAccountabilityInput, ListAccountabilityFilter } from './schemas.js';

export function toAccountabilityDto(r: AccountabilityRow): AccountabilityActionDto {
  return {
    id: r.id,
    type: r.type,
    typeLabel: accountabilityTypeLabels[r.type],
    target: { kind: r.targetKind, unitId: r.unitId, departmentId: r.departmentId, personName: r.personName, personRole: r.personRole },
    reason: r.reason,
    decidedAt: toIso(r.decidedAt),
    cause: { type: r.causeType, id: r.causeId },
    version: r.version,
    createdAt: toIso(r.createdAt),
    updatedAt: toIso(r.updatedAt),
  };
}

export function createAccountabilityService({ db, audit }: { db: Db; audit: AuditService }) {
  /** Checks the target's unit/department exist (and agree with each other for a person); returns the columns. */
  async function target(tx: Db, t: CreateAccountabilityInput['target']) {
    const unitId = 'unitId' in t ? (t.unitId ?? null) : null;
    const departmentId = 'departmentId' in t ? (t.departmentId ?? null) : null;
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
      personName: t.kind === 'person' ? t.personName : null,
      personRole: t.kind === 'person' ? (t.personRole ?? null) : null,
    };
  }

  return {
    /** 问责: decided by the office, with the finding, complaint or problem behind it. */
    create(ctx: RequestContext, input: CreateAccountabilityInput): Promise<AccountabilityActionDto> {
      return db.transaction(async (tx) => {
        const decidedAt = new Date(input.decidedAt);
        if (decidedAt.getTime() > Date.now()) throw invalid('decidedAt', 'record an action once it is decided, not in advance');
        const columns = await target(tx, input.target);
        if (!(await accountabilityRepository.causeExists(tx, input.cause.type, input.cause.id))) {
          throw invalid('cause.id', `${input.cause.type} ${input.cause.id} does not exist`);
        }
        const row = await accountabilityRepository.insert(tx, {
          type: input.type,
          ...columns,
          reason: input.reason,
          decidedAt,
          causeType: input.cause.type,
          causeId: input.cause.id,
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
      const scope = unitScope(ctx);
      const p = await paginate(page, ({ after, limit }) => accountabilityRepository.list(db, {
        type: filter.type,
        targetKind: filter.targetKind,
        causeType: filter.causeType,
        causeId: filter.causeId,
        from: filter.from ? new Date(filter.from) : undefined,
        to: filter.to ? new Date(filter.to) : undefined,
        unitIds: [filter.unitId, scope.unitId].filter((x): x is string => !!x),
        departmentIds: [filter.departmentId, scope.departmentId].filter((x): x is string => !!x),
        afterId: after,
        limit,
      }));
      return { items: p.items.map(toAccountabilityDto), nextCursor: p.nextCursor };
    },
  };
}

export type AccountabilityService = ReturnType<typeof createAccountabilityService>;
