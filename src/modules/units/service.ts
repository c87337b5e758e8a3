import { inTransaction } from '../../db/client.js';
import type { Db, TxOption } from '../../db/client.js';
import { createChangeFeed, createFeedCache } from '../../db/change-feed.js';
import { LruCache } from '../../lib/lru.js';
import { conflict, invalid, notFound, versionMismatch } from '../../lib/errors.js';
import { paginate, toIso, toIsoOrNull } from '../../lib/http.js';
import type { Page } from '../../lib/http.js';
import type { RequestContext } from '../../lib/principal.js';
import type { AuditService } from '../audit/service.js';
import { departmentQueries } from '../departments/queries.js';
import { regionQueries } from '../regions/queries.js';
import { assertCoversRegion, coversRegion, regionSubtree } from '../regions/scope.js';
import type { RegionsService } from '../regions/service.js';
import { unitsRepository } from './repository.js';
import type { UnitFilter, UnitRow } from './repository.js';
import { categoryLabels } from './schemas.js';
import type { CreateUnitInput, ListUnitsFilter, PublicUnitDto, UnitDto, UpdateUnitInput } from './schemas.js';
import { orgCodeTaken } from './errors.js';

export function toUnitDto(r: UnitRow): UnitDto {
  return {
    id: r.id,
    departmentId: r.departmentId,
    regionId: r.regionId,
    category: r.category,
    name: r.name,
    nameEn: r.nameEn,
    orgCode: r.orgCode,
    headName: r.headName,
    headTitle: r.headTitle,
    address: r.address,
    phone: r.phone,
    commitments: r.commitments,
    serviceItems: r.serviceItems,
    active: r.active,
    deactivatedAt: toIsoOrNull(r.deactivatedAt),
    deactivationReason: r.deactivationReason,
    version: r.version,
    createdAt: toIso(r.createdAt),
    updatedAt: toIso(r.updatedAt),
  };
}

/**
 * Who sees which units: a department manager its department's, a unit's staff its own, a county office (admin or
 * inspector with `region_id`) the units in its region's subtree (regions/scope.ts); the prefecture office all.
 * Returned as filter conditions so every read path (list, get, loaders) applies the same rule.
 */
export function unitScope(ctx: RequestContext): Pick<UnitFilter, 'departmentId' | 'unitId' | 'regionIds'> {
  const p = ctx.principal;
  if (p.role === 'department') return { departmentId: p.departmentId };
  if (p.role === 'unit') return { unitId: p.unitId };
  const subtree = regionSubtree(p);
  if (subtree) return { regionIds: [...subtree] };
  return {};
}

/**
 * The same rule on one unit. A county office needs the unit's `regionId`: a caller that does not pass it gets false for
 * a county principal (fail closed; such callers serve only routes that refuse county tokens anyway).
 */
export function canSeeUnit(ctx: RequestContext, u: { id: string; departmentId: string; regionId?: string | null }): boolean {
  const s = unitScope(ctx);
  return (!s.departmentId || s.departmentId === u.departmentId) && (!s.unitId || s.unitId === u.id) && coversRegion(ctx.principal, u.regionId);
}

/** The channel the units trigger announces committed changes on (migration units_change_notice). */
const UNITS_CHANGED_CHANNEL = 'units_changed';
/** Rendered list pages kept per copy: at most this many, and this many bytes (a 200-unit page is ~100 kB). */
const PAGE_CACHE_ENTRIES = 1024;
const PAGE_CACHE_BYTES = 16 * 1024 * 1024;
const newPageCache = () => new LruCache<string>({ entries: PAGE_CACHE_ENTRIES, weight: PAGE_CACHE_BYTES, weigh: (s) => s.length * 2 });

/**
 * A unit as GET /units/{id} sends it: the rendered bytes, with what decides who may see them (canSeeUnit) and the
 * version its ETag names. The bytes depend on the unit alone (a unit DTO embeds no department or region data), so one
 * entry serves every caller the visibility rule admits.
 */
export interface RenderedUnit {
  id: string;
  departmentId: string;
  regionId: string;
  version: number;
  body: Buffer;
}
/** Rendered units kept per copy: at most this many, and this many bytes (a unit is ~1 kB, more with long commitments). */
const UNIT_CACHE_ENTRIES = 32_768;
const UNIT_CACHE_BYTES = 32 * 1024 * 1024;
const newUnitCache = () => new LruCache<RenderedUnit>({ entries: UNIT_CACHE_ENTRIES, weight: UNIT_CACHE_BYTES, weigh: (u) => u.body.length });

/** Everything that decides a list page: role, scope, every filter given, page. (A region filter's pages are never cached.) */
function pageKey(ctx: RequestContext, f: ListUnitsFilter, page: { limit: number; cursor?: string }): string {
  const s = unitScope(ctx);
  const filter = Object.entries(f as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify([ctx.principal.role, s.departmentId, s.unitId, s.regionIds, filter, page.limit, page.cursor]);
}

export function createUnitsService({ db, audit, regions, onFeedError }: { db: Db; audit: AuditService; regions: RegionsService; onFeedError?: (err: Error) => void }) {
  async function visible(ctx: RequestContext, id: string, tx: Db = db): Promise<UnitRow> {
    const r = await unitsRepository.byId(tx, id);
    if (!r || !canSeeUnit(ctx, r)) throw notFound('unit', id);
    return r;
  }

  async function checkRefs(tx: Db, input: { departmentId?: string; regionId?: string; orgCode?: string | null }, exceptId?: string) {
    const holder = input.orgCode ? await unitsRepository.byOrgCode(tx, input.orgCode) : undefined;
    if (holder && holder.id !== exceptId) throw conflict('duplicate_org_code', orgCodeTaken(input.orgCode));
    if (input.departmentId && !(await departmentQueries.byId(tx, input.departmentId))) {
      throw invalid('departmentId', `department ${input.departmentId} does not exist`);
    }
    if (input.regionId && !(await regionQueries.byId(tx, input.regionId))) throw invalid('regionId', `region ${input.regionId} does not exist`);
  }

  async function change(ctx: RequestContext, id: string, expected: number, action: string, patch: Partial<UnitRow>, refs: { departmentId?: string; regionId?: string; orgCode?: string | null } = {}, precondition?: (u: UnitRow) => void) {
    return db.transaction(async (tx) => {
      const current = await unitsRepository.byId(tx, id);
      if (!current || !canSeeUnit(ctx, current)) throw notFound('unit', id);
      if (refs.regionId) assertCoversRegion(ctx, refs.regionId);
      if (current.version !== expected) throw versionMismatch('unit', expected, current.version);
      precondition?.(current);
      await checkRefs(tx, refs, id);
      const row = await unitsRepository.update(tx, id, expected, patch);
      if (!row) throw versionMismatch('unit', expected, expected + 1);
      const dto = toUnitDto(row);
      await audit.record(tx, ctx, { action, entityType: 'unit', entityId: id, before: toUnitDto(current), after: dto });
      return dto;
    });
  }

  async function list(ctx: RequestContext, filter: ListUnitsFilter, page: { limit: number; cursor?: string }): Promise<Page<UnitDto>> {
    const scope = unitScope(ctx);
    if (scope.departmentId && filter.departmentId && filter.departmentId !== scope.departmentId) return { items: [], nextCursor: null };
    const regionPath = filter.regionId ? await regions.pathOf(filter.regionId, 'query.regionId') : undefined;
    const p = await paginate(page, ({ after, limit }) => unitsRepository.list(db, { ...filter, ...scope, regionPath, afterId: after, limit }));
    return { items: p.items.map(toUnitDto), nextCursor: p.nextCursor };
  }

  const changes = createChangeFeed(db, UNITS_CHANGED_CHANNEL, onFeedError);
  const pages = createFeedCache(changes, newPageCache);
  const rendered = createFeedCache(changes, newUnitCache);

  return {
    async get(ctx: RequestContext, id: string, { tx }: TxOption = {}): Promise<UnitDto> {
      return toUnitDto(await visible(ctx, id, tx));
    },

    /** Batched read for loaders, scoped like every other read. */
    async byIds(ctx: RequestContext, ids: readonly string[], { tx }: TxOption = {}): Promise<UnitDto[]> {
      return (await unitsRepository.byIds(tx ?? db, ids)).filter((u) => canSeeUnit(ctx, u)).map(toUnitDto);
    },

    list,

    /**
     * The same page, as the bytes `render` makes of it (the REST adapter's serializer), from a cache of this copy
     * keyed by everything that decides the answer: the caller's role and scope (unitScope), the filter and the page.
     * A page is served from the cache only after a read barrier on the units change feed (migration
     * units_change_notice): every change committed before the request, on any copy, has dropped it by then. Lists
     * filtered by region read the regions table as well and are not cached; nor is anything while the feed is not
     * listening.
     */
    async listRendered(ctx: RequestContext, filter: ListUnitsFilter, page: { limit: number; cursor?: string }, render: (page: Page<UnitDto>) => string): Promise<string> {
      if (filter.regionId) return render(await list(ctx, filter, page));
      const cache = await pages.open();
      if (!cache) return render(await list(ctx, filter, page));
      const key = pageKey(ctx, filter, page);
      const hit = cache.get(key);
      if (hit !== undefined) return hit;
      const body = render(await list(ctx, filter, page));
      cache.set(key, body);
      return body;
    },

    /**
     * The unit as the bytes `render` makes of it (the REST adapter's serializer), from a cache of this copy keyed by
     * unit id, after the same read barrier on the units change feed as listRendered: every change committed before the
     * request, on any copy, has dropped the cache by then. The visibility rule is applied to every request, cached or
     * not (a unit the caller may not see is not found, as `get` says). Nothing is cached while the feed is not
     * listening (PGlite).
     */
    async getRendered(ctx: RequestContext, id: string, render: (unit: UnitDto) => string): Promise<RenderedUnit> {
      const cache = await rendered.open();
      const hit = cache?.get(id);
      if (hit) {
        if (!canSeeUnit(ctx, hit)) throw notFound('unit', id);
        return hit;
      }
      const row = await visible(ctx, id);
      const unit: RenderedUnit = { id: row.id, departmentId: row.departmentId, regionId: row.regionId, version: row.version, body: Buffer.from(render(toUnitDto(row))) };
      cache?.set(id, unit);
      return unit;
    },

    /** Stops listening for unit changes (the app closes). */
    close: () => changes.close(),

    async publicProfile(id: string): Promise<PublicUnitDto> {
      const r = await unitsRepository.publicProfile(db, id);
      if (!r) throw notFound('unit', id);
      const u = r.unit;
      return {
        id: u.id,
        name: u.name,
        nameEn: u.nameEn,
        category: u.category,
        categoryLabel: categoryLabels[u.category],
        headName: u.headName,
        headTitle: u.headTitle,
        address: u.address,
        phone: u.phone,
        commitments: u.commitments,
        serviceItems: u.serviceItems,
        active: u.active,
        departmentName: r.departmentName,
        regionName: r.regionName,
      };
    },

    async create(ctx: RequestContext, input: CreateUnitInput, { tx }: TxOption = {}): Promise<UnitDto> {
      assertCoversRegion(ctx, input.regionId);
      return inTransaction(db, tx, async (tx) => {
        await checkRefs(tx, input);
        const row = await unitsRepository.insert(tx, {
          ...input,
          nameEn: input.nameEn ?? null,
          orgCode: input.orgCode ?? null,
          headName: input.headName ?? null,
          headTitle: input.headTitle ?? null,
          address: input.address ?? null,
          phone: input.phone ?? null,
          commitments: input.commitments ?? [],
          serviceItems: input.serviceItems ?? [],
        });
        const dto = toUnitDto(row);
        await audit.record(tx, ctx, { action: 'unit.created', entityType: 'unit', entityId: row.id, after: dto });
        return dto;
      });
    },

    update(ctx: RequestContext, id: string, expected: number, input: UpdateUnitInput): Promise<UnitDto> {
      const { version: _v, ...patch } = input;
      return change(ctx, id, expected, 'unit.updated', patch as Partial<UnitRow>, { departmentId: input.departmentId, regionId: input.regionId, orgCode: input.orgCode });
    },

    /** A unit with history is never deleted: it is deactivated, with the reason kept. */
    deactivate(ctx: RequestContext, id: string, expected: number, reason: string): Promise<UnitDto> {
      return change(ctx, id, expected, 'unit.deactivated', { active: false, deactivatedAt: new Date(), deactivationReason: reason }, {}, (u) => {
        if (!u.active) throw conflict('unit_inactive', `unit ${id} is already deactivated`);
      });
    },

    reactivate(ctx: RequestContext, id: string, expected: number): Promise<UnitDto> {
      return change(ctx, id, expected, 'unit.reactivated', { active: true, deactivatedAt: null, deactivationReason: null }, {}, (u) => {
        if (u.active) throw conflict('unit_active', `unit ${id} is active`);
      });
    },
  };
}

export type UnitsService = ReturnType<typeof createUnitsService>;
