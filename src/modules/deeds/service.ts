import type { Db } from '../../db/client.js';
import { illegalTransition, invalid, invalidMany, notFound } from '../../lib/errors.js';
import type { FieldError } from '../../lib/errors.js';
import { paginate, toIso, toIsoOrNull } from '../../lib/http.js';
import type { Page } from '../../lib/http.js';
import type { RequestContext } from '../../lib/principal.js';
import type { AuditService } from '../audit/service.js';
import { canSeeUnit, unitScope } from '../units/service.js';
import { deedsRepository } from './repository.js';
import type { DeedRow } from './repository.js';
import { deedStatusLabels } from './schemas.js';
import type { CreateDeedInput, DeedDecisionInput, DeedDto, ListDeedsFilter } from './schemas.js';
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
    isHot: r.isHot,
    status: r.status,
    statusLabel: deedStatusLabels[r.status],
    decidedAt: toIsoOrNull(r.decidedAt),
    rejectionReason: r.rejectionReason,
    version: r.version,
    createdAt: toIso(r.createdAt),
    updatedAt: toIso(r.updatedAt),
  };
}

/** Today's calendar date as the campaign office sees it (China has one time zone, UTC+8). */
const todayInChina = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

export function createDeedsService({ db, audit }: { db: Db; audit: AuditService }) {
  /** Checks every input (errors named by `field`), then inserts them all in one statement with their audit entries. */
  function record(ctx: RequestContext, inputs: CreateDeedInput[], field: (i: number, name: string) => string): Promise<DeedDto[]> {
    return db.transaction(async (tx) => {
      const units = await deedsRepository.unitsByIds(tx, inputs.map((d) => d.unitId));
      const cycleIds = [...new Set(inputs.flatMap((d) => (d.cycleId ? [d.cycleId] : [])))];
      const knownCycles = new Set<string>();
      for (const c of cycleIds) if (await cycleQueries.exists(tx, c)) knownCycles.add(c);
      const today = todayInChina();
      const errors: FieldError[] = [];
      inputs.forEach((d, i) => {
        const unit = units.get(d.unitId);
        if (!unit || !canSeeUnit(ctx, unit)) errors.push({ field: field(i, 'unitId'), message: `unit ${d.unitId} does not exist or is not one of yours` });
        if (d.cycleId && !knownCycles.has(d.cycleId)) errors.push({ field: field(i, 'cycleId'), message: `cycle ${d.cycleId} does not exist` });
        if (d.doneOn > today) errors.push({ field: field(i, 'doneOn'), message: 'a deed is recorded once it is done, not in advance' });
      });
      if (errors.length) throw invalidMany(errors);
      const rows = await deedsRepository.insertMany(
        tx,
        inputs.map((d) => ({
          unitId: d.unitId,
          cycleId: d.cycleId ?? null,
          title: d.title,
          description: d.description,
          doneOn: d.doneOn,
          beneficiaries: d.beneficiaries ?? null,
          evidence: d.evidence,
          isHot: d.isHot,
          recordedBy: ctx.principal.subject,
          recordedByRole: ctx.principal.role,
        })),
      );
      const dtos = rows.map(toDeedDto);
      await audit.record(tx, ctx, dtos.map((dto) => ({ action: 'deed.recorded', entityType: 'deed', entityId: dto.id, after: dto })));
      return dtos;
    });
  }

  return {
    /** A unit records its own deeds, a department its units'; the office any unit's. Every deed starts reported. */
    async create(ctx: RequestContext, input: CreateDeedInput): Promise<DeedDto> {
      return (await record(ctx, [input], (_i, field) => field))[0];
    },

    /** Many deeds, all or nothing; a field error names the item (`deeds.<i>.<field>`). */
    createMany(ctx: RequestContext, inputs: CreateDeedInput[]): Promise<DeedDto[]> {
      return record(ctx, inputs, (i, field) => `deeds.${i}.${field}`);
    },

    /**
     * 核实: the office verifies or rejects reported deeds, all or nothing; only verified deeds earn bonus points
     * (deedQueries.countsByUnit). A deed already decided is a 409 naming it; an unknown id a 422 naming its index.
     */
    decide(ctx: RequestContext, input: DeedDecisionInput): Promise<DeedDto[]> {
      return db.transaction(async (tx) => {
        const ids = [...new Set(input.ids)];
        const rows = new Map((await deedsRepository.byIdsForUpdate(tx, ids)).map((r) => [r.id, r]));
        const unknown: FieldError[] = input.ids.flatMap((id, i) => (rows.has(id) ? [] : [{ field: `ids.${i}`, message: `deed ${id} does not exist` }]));
        if (unknown.length) throw invalidMany(unknown);
        const to = input.decision === 'verify' ? 'verified' : 'rejected';
        const decided = input.ids.findIndex((id) => rows.get(id)!.status !== 'reported');
        if (decided >= 0) {
          const r = rows.get(input.ids[decided])!;
          throw illegalTransition('deed', r.id, r.status, to, [], `ids.${decided}: deed ${r.id} is already ${r.status}`);
        }
        const now = new Date();
        const changed = await deedsRepository.decide(tx, ids, { status: to, decidedBy: ctx.principal.subject, decidedAt: now, rejectionReason: to === 'rejected' ? input.reason! : null });
        const after = new Map(changed.map((r) => [r.id, toDeedDto(r)]));
        await audit.record(
          tx,
          ctx,
          ids.map((id) => ({ action: `deed.${to}`, entityType: 'deed', entityId: id, before: toDeedDto(rows.get(id)!), after: after.get(id)! })),
        );
        return ids.map((id) => after.get(id)!);
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
        status: filter.status,
        isHot: filter.isHot,
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
