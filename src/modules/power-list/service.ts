import type { Db } from '../../db/client.js';
import { conflict, invalid, notFound, versionMismatch } from '../../lib/errors.js';
import { paginate, toIso } from '../../lib/http.js';
import type { Page, PageRequest } from '../../lib/http.js';
import type { RequestContext } from '../../lib/principal.js';
import type { AuditService } from '../audit/service.js';
import { powerListRepository } from './repository.js';
import type { CleanupWithItems } from './repository.js';
import { cleanupOutcomeLabels, cleanupOutcomes, powerItemKindLabels, powerLevelLabels } from './schemas.js';
import type { CorrectCleanupInput, CreateCleanupInput, ListCleanupsFilter, PowerListCleanupDto } from './schemas.js';

export function toCleanupDto(r: CleanupWithItems): PowerListCleanupDto {
  return {
    id: r.id,
    departmentId: r.departmentId,
    cycleId: r.cycleId,
    itemKind: r.itemKind,
    itemKindLabel: powerItemKindLabels[r.itemKind],
    level: r.level,
    levelLabel: powerLevelLabels[r.level],
    registered: r.registered,
    kept: r.kept,
    merged: r.merged,
    abolished: r.abolished,
    pending: r.registered - r.kept - r.merged - r.abolished,
    notes: r.notes,
    items: r.items.map((i) => ({ id: i.id, name: i.name, outcome: i.outcome, outcomeLabel: cleanupOutcomeLabels[i.outcome], serviceItemCode: i.serviceItemCode })),
    version: r.version,
    createdAt: toIso(r.createdAt),
    updatedAt: toIso(r.updatedAt),
  };
}

/** A department role is held to its own department. */
const ownDepartment = (ctx: RequestContext) => (ctx.principal.role === 'department' ? ctx.principal.departmentId : undefined);

export function createPowerListService({ db, audit }: { db: Db; audit: AuditService }) {
  return {
    /** One record per department, cycle and kind of item; a second is 409 duplicate. */
    create(ctx: RequestContext, input: CreateCleanupInput): Promise<PowerListCleanupDto> {
      return db.transaction(async (tx) => {
        const own = ownDepartment(ctx);
        const level = await powerListRepository.departmentLevel(tx, input.departmentId);
        if (!level || (own && own !== input.departmentId)) throw invalid('departmentId', `department ${input.departmentId} does not exist or is not yours`);
        if (input.cycleId && !(await powerListRepository.cycleExists(tx, input.cycleId))) throw invalid('cycleId', `cycle ${input.cycleId} does not exist`);
        const key = { departmentId: input.departmentId, cycleId: input.cycleId ?? null, itemKind: input.itemKind };
        if (await powerListRepository.exists(tx, key)) throw conflict('duplicate', `department ${input.departmentId} already recorded its ${input.itemKind} cleanup for this cycle`);
        const row = await powerListRepository.insert(
          tx,
          { ...key, level, registered: input.registered, kept: input.kept, merged: input.merged, abolished: input.abolished, notes: input.notes ?? null, recordedBy: ctx.principal.subject },
          input.items.map((i) => ({ name: i.name, outcome: i.outcome, serviceItemCode: i.serviceItemCode ?? null })),
        );
        const dto = toCleanupDto(row);
        await audit.record(tx, ctx, { action: 'power_list_cleanup.recorded', entityType: 'power_list_cleanup', entityId: row.id, after: dto });
        return dto;
      });
    },

    /** Corrects the counts of a recorded cleanup (the version read is required); the totals must still add up. */
    correct(ctx: RequestContext, id: string, expected: number, input: CorrectCleanupInput): Promise<PowerListCleanupDto> {
      return db.transaction(async (tx) => {
        const own = ownDepartment(ctx);
        const before = await powerListRepository.byId(tx, id, true);
        if (!before || (own && own !== before.departmentId)) throw notFound('power-list cleanup', id);
        if (expected !== before.version) throw versionMismatch('power-list cleanup', expected, before.version);
        const { version: _v, ...set } = input;
        const next = { ...before, ...set };
        if (next.kept + next.merged + next.abolished > next.registered) throw invalid('registered', 'kept + merged + abolished cannot exceed registered');
        const [old] = await powerListRepository.withItems(tx, [before]);
        for (const o of cleanupOutcomes) {
          if (old.items.filter((i) => i.outcome === o).length > next[o]) throw invalid(o, `fewer than the items listed as ${o}`);
        }
        const after = { ...(await powerListRepository.update(tx, id, set)), items: old.items };
        const dto = toCleanupDto(after);
        await audit.record(tx, ctx, { action: 'power_list_cleanup.corrected', entityType: 'power_list_cleanup', entityId: id, before: toCleanupDto(old), after: dto });
        return dto;
      });
    },

    async get(ctx: RequestContext, id: string): Promise<PowerListCleanupDto> {
      const r = await powerListRepository.byId(db, id);
      const own = ownDepartment(ctx);
      if (!r || (own && own !== r.departmentId)) throw notFound('power-list cleanup', id);
      return toCleanupDto((await powerListRepository.withItems(db, [r]))[0]);
    },

    async list(ctx: RequestContext, f: ListCleanupsFilter, page: PageRequest): Promise<Page<PowerListCleanupDto>> {
      const departmentIds = [f.departmentId, ownDepartment(ctx)].filter((x): x is string => !!x);
      const p = await paginate(page, ({ after, limit }) => powerListRepository.list(db, { ...f, departmentIds, afterId: after, limit }));
      return { items: (await powerListRepository.withItems(db, p.items)).map(toCleanupDto), nextCursor: p.nextCursor };
    },
  };
}

export type PowerListService = ReturnType<typeof createPowerListService>;
