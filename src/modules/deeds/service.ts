import type { Db } from '../../db/client.js';
import { invalid, notFound } from '../../lib/errors.js';
import { paginate, toIso } from '../../lib/http.js';
import type { Page } from '../../lib/http.js';
import type { RequestContext } from '../../lib/principal.js';
import type { AuditService } from '../audit/service.js';
import { canSeeUnit, unitScope } from '../units/service.js';
import { deedsRepository } from './repository.js';
import type { DeedRow } from './repository.js';
import type { CreateDeedInput, DeedDto, ListDeedsFilter } from './schemas.js';
import { cycleQueries } from '../cycles/queries.js';

export function toDeedDto(r: DeedRow): DeedDto {
  return {
    id: r.id,
    unitId: r.unitId,
    cycleId: r.cycleId,
    title: r.title,
    description: r.description,
    doneOn: r.doneOn,
    beneficiaries: r.beneficiaries,
    evidence: r.evidence,
    recordedByRole: r.recordedByRole,
    version: r.version,
    createdAt: toIso(r.createdAt),
    updatedAt: toIso(r.updatedAt),
  };
}

/** Today's calendar date as the campaign office sees it (China has one time zone, UTC+8). */
const todayInChina = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

export function createDeedsService({ db, audit }: { db: Db; audit: AuditService }) {
  return {
    /** A unit records its own deeds, a department its units'; the office any unit's. */
    create(ctx: RequestContext, input: CreateDeedInput): Promise<DeedDto> {
      return db.transaction(async (tx) => {
        const unit = await deedsRepository.unitById(tx, input.unitId);
        if (!unit || !canSeeUnit(ctx, unit)) throw invalid('unitId', `unit ${input.unitId} does not exist or is not one of yours`);
        if (input.cycleId && !(await cycleQueries.exists(tx, input.cycleId))) throw invalid('cycleId', `cycle ${input.cycleId} does not exist`);
        if (input.doneOn > todayInChina()) throw invalid('doneOn', 'a deed is recorded once it is done, not in advance');
        const row = await deedsRepository.insert(tx, {
          unitId: input.unitId,
          cycleId: input.cycleId ?? null,
          title: input.title,
          description: input.description,
          doneOn: input.doneOn,
          beneficiaries: input.beneficiaries ?? null,
          evidence: input.evidence,
          recordedBy: ctx.principal.subject,
          recordedByRole: ctx.principal.role,
        });
        const dto = toDeedDto(row);
        await audit.record(tx, ctx, { action: 'deed.recorded', entityType: 'deed', entityId: row.id, after: dto });
        return dto;
      });
    },

    async get(ctx: RequestContext, id: string): Promise<DeedDto> {
      const r = await deedsRepository.byId(db, id);
      if (!r || !canSeeUnit(ctx, { id: r.unitId, departmentId: r.unitDepartmentId })) throw notFound('deed', id);
      return toDeedDto(r);
    },

    async list(ctx: RequestContext, filter: ListDeedsFilter, page: { limit: number; cursor?: string }): Promise<Page<DeedDto>> {
      if (filter.from && filter.to && filter.from > filter.to) throw invalid('query.from', 'must not be after query.to');
      const scope = unitScope(ctx);
      const p = await paginate(page, ({ after, limit }) => deedsRepository.list(db, {
        cycleId: filter.cycleId,
        from: filter.from,
        to: filter.to,
        unitIds: [filter.unitId, scope.unitId].filter((x): x is string => !!x),
        departmentIds: [filter.departmentId, scope.departmentId].filter((x): x is string => !!x),
        afterId: after,
        limit,
      }));
      return { items: p.items.map(toDeedDto), nextCursor: p.nextCursor };
    },
  };
}

export type DeedsService = ReturnType<typeof createDeedsService>;
