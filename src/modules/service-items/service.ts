import type { Db } from '../../db/client.js';
import { conflict, forbidden, invalid, notFound, versionMismatch } from '../../lib/errors.js';
import { paginate, toIso, toIsoOrNull } from '../../lib/http.js';
import type { Page } from '../../lib/http.js';
import type { RequestContext } from '../../lib/principal.js';
import type { AuditService } from '../audit/service.js';
import { departmentQueries } from '../departments/queries.js';
import { unitQueries } from '../units/queries.js';
import { serviceItemsRepository } from './repository.js';
import type { ServiceItemRow } from './repository.js';
import { serviceItemStatusLabels, serviceModeLabels } from './schemas.js';
import type { CreateServiceItemInput, ItemUnitsDto, ListServiceItemsFilter, ServiceItemDto, UpdateServiceItemInput } from './schemas.js';

export function toServiceItemDto(r: ServiceItemRow): ServiceItemDto {
  return {
    id: r.id,
    departmentId: r.departmentId,
    code: r.code,
    name: r.name,
    nameEn: r.nameEn,
    promisedDays: r.promisedDays,
    modes: r.modes,
    modeLabels: r.modes.map((m) => serviceModeLabels[m]),
    status: r.status,
    statusLabel: serviceItemStatusLabels[r.status],
    retiredAt: toIsoOrNull(r.retiredAt),
    version: r.version,
    createdAt: toIso(r.createdAt),
    updatedAt: toIso(r.updatedAt),
  };
}

/** A department keeps its own catalogue only; the office any. */
function mayEdit(ctx: RequestContext, departmentId: string): boolean {
  return ctx.principal.role === 'admin' || (ctx.principal.role === 'department' && ctx.principal.departmentId === departmentId);
}

export function createServiceItemsService({ db, audit }: { db: Db; audit: AuditService }) {
  async function editable(ctx: RequestContext, tx: Db, id: string): Promise<ServiceItemRow> {
    const r = await serviceItemsRepository.byId(tx, id);
    if (!r) throw notFound('service item', id);
    if (!mayEdit(ctx, r.departmentId)) throw forbidden(`service item ${id} belongs to another department`);
    return r;
  }

  async function codeFree(tx: Db, code: string) {
    if (await serviceItemsRepository.byCode(tx, code)) throw conflict('duplicate_item_code', `a service item with code ${code} already exists`);
  }

  return {
    async get(_ctx: RequestContext, id: string): Promise<ServiceItemDto> {
      const r = await serviceItemsRepository.byId(db, id);
      if (!r) throw notFound('service item', id);
      return toServiceItemDto(r);
    },

    /** Batched read for loaders (cases → item). */
    async byIds(ids: readonly string[]): Promise<ServiceItemDto[]> {
      return (await serviceItemsRepository.byIds(db, ids)).map(toServiceItemDto);
    },

    async list(_ctx: RequestContext, filter: ListServiceItemsFilter, page: { limit: number; cursor?: string }): Promise<Page<ServiceItemDto>> {
      const p = await paginate(page, ({ after, limit }) => serviceItemsRepository.list(db, { ...filter, afterId: after, limit }));
      return { items: p.items.map(toServiceItemDto), nextCursor: p.nextCursor };
    },

    create(ctx: RequestContext, input: CreateServiceItemInput): Promise<ServiceItemDto> {
      return db.transaction(async (tx) => {
        if (!mayEdit(ctx, input.departmentId)) throw invalid('departmentId', 'a department adds items to its own catalogue only');
        if (!(await departmentQueries.byId(tx, input.departmentId))) throw invalid('departmentId', `department ${input.departmentId} does not exist`);
        await codeFree(tx, input.code);
        const row = await serviceItemsRepository.insert(tx, { ...input, nameEn: input.nameEn ?? null });
        const dto = toServiceItemDto(row);
        await audit.record(tx, ctx, { action: 'service_item.created', entityType: 'service_item', entityId: row.id, after: dto });
        return dto;
      });
    },

    /** Name, promised days (for cases received from now on), modes, and retiring or reinstating. */
    update(ctx: RequestContext, id: string, expected: number, input: UpdateServiceItemInput): Promise<ServiceItemDto> {
      return db.transaction(async (tx) => {
        const current = await editable(ctx, tx, id);
        if (current.version !== expected) throw versionMismatch('service item', expected, current.version);
        const { version: _v, ...patch } = input;
        const retiredAt = input.status === undefined || input.status === current.status ? {} : { retiredAt: input.status === 'retired' ? new Date() : null };
        const row = await serviceItemsRepository.update(tx, id, expected, { ...patch, ...retiredAt });
        if (!row) throw versionMismatch('service item', expected, expected + 1);
        const dto = toServiceItemDto(row);
        await audit.record(tx, ctx, { action: 'service_item.updated', entityType: 'service_item', entityId: id, before: toServiceItemDto(current), after: dto });
        return dto;
      });
    },

    async units(_ctx: RequestContext, id: string): Promise<ItemUnitsDto> {
      if (!(await serviceItemsRepository.byId(db, id))) throw notFound('service item', id);
      return { itemId: id, unitIds: await serviceItemsRepository.unitIdsOf(db, id) };
    },

    /** Which units offer the item: the department's own units, replacing the set in one transaction. */
    setUnits(ctx: RequestContext, id: string, unitIds: string[]): Promise<ItemUnitsDto> {
      return db.transaction(async (tx) => {
        const item = await editable(ctx, tx, id);
        const found = unitIds.length ? await unitQueries.byIds(tx, unitIds) : [];
        const byId = new Map(found.map((u) => [u.id, u]));
        unitIds.forEach((u, i) => {
          const unit = byId.get(u);
          if (!unit) throw invalid(`unitIds.${i}`, `unit ${u} does not exist`);
          if (unit.departmentId !== item.departmentId) throw invalid(`unitIds.${i}`, `unit ${u} belongs to another department than the item`);
        });
        const before = await serviceItemsRepository.unitIdsOf(tx, id);
        await serviceItemsRepository.replaceUnits(tx, id, unitIds);
        const after = { itemId: id, unitIds: [...unitIds].sort() };
        await audit.record(tx, ctx, { action: 'service_item.units_set', entityType: 'service_item', entityId: id, before: { itemId: id, unitIds: before }, after });
        return after;
      });
    },
  };
}

export type ServiceItemsService = ReturnType<typeof createServiceItemsService>;
