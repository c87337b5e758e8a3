import { inTransaction } from '../../db/client.js';
import type { Db, TxOption } from '../../db/client.js';
import { conflict, invalid, notFound, versionMismatch } from '../../lib/errors.js';
import { paginate, toIso } from '../../lib/http.js';
import type { Page } from '../../lib/http.js';
import { uuidv7 } from '../../lib/ids.js';
import type { RequestContext } from '../../lib/principal.js';
import type { AuditService } from '../audit/service.js';
import { regionQueries } from './queries.js';
import { regionsRepository } from './repository.js';
import type { RegionRow } from './repository.js';
import { regionLevelLabels } from './schemas.js';
import type { CreateRegionInput, ListRegionsFilter, RegionDto, UpdateRegionInput } from './schemas.js';

const parentLevel = { prefecture: null, county: 'prefecture', township: 'county' } as const;

export function toRegionDto(r: RegionRow): RegionDto {
  return {
    id: r.id,
    parentId: r.parentId,
    level: r.level,
    levelLabel: regionLevelLabels[r.level],
    code: r.code,
    divisionCode: r.divisionCode,
    nameZh: r.nameZh,
    nameEn: r.nameEn,
    version: r.version,
    createdAt: toIso(r.createdAt),
    updatedAt: toIso(r.updatedAt),
  };
}

/** 行政区划代码 names one region. */
async function divisionCodeFree(tx: Db, code: string | null | undefined) {
  if (code && (await regionsRepository.byDivisionCode(tx, code))) throw conflict('duplicate_code', `a region with division code ${code} already exists`);
}

export function createRegionsService({ db, audit }: { db: Db; audit: AuditService }) {
  async function get(id: string): Promise<RegionRow> {
    const r = await regionsRepository.byId(db, id);
    if (!r) throw notFound('region', id);
    return r;
  }

  return {
    async get(_ctx: RequestContext, id: string): Promise<RegionDto> {
      return toRegionDto(await get(id));
    },

    async byIds(ids: readonly string[]): Promise<RegionDto[]> {
      return (await regionsRepository.byIds(db, ids)).map(toRegionDto);
    },

    /** Ids of a region's materialized path prefix, for "this region and below" filters elsewhere. */
    async pathOf(id: string, field: string, { tx }: TxOption = {}): Promise<string> {
      const r = await regionsRepository.byId(tx ?? db, id);
      if (!r) throw invalid(field, `region ${id} does not exist`);
      return r.path;
    },

    /** A region and every region below it (one prefix scan); undefined when the region does not exist. */
    async subtreeIds(id: string): Promise<string[] | undefined> {
      const r = await regionsRepository.byId(db, id);
      return r ? regionQueries.idsWithin(db, r.path) : undefined;
    },

    async list(_ctx: RequestContext, filter: ListRegionsFilter, page: { limit: number; cursor?: string }): Promise<Page<RegionDto>> {
      const withinPath = filter.within ? await this.pathOf(filter.within, 'query.within') : undefined;
      const p = await paginate(page, ({ after, limit }) => regionsRepository.list(db, { ...filter, withinPath, afterId: after, limit }));
      return { items: p.items.map(toRegionDto), nextCursor: p.nextCursor };
    },

    async create(ctx: RequestContext, input: CreateRegionInput, { tx }: TxOption = {}): Promise<RegionDto> {
      return inTransaction(db, tx, async (tx) => {
        const wantParent = parentLevel[input.level];
        let parentPath = '/';
        if (wantParent === null) {
          if (input.parentId) throw invalid('parentId', 'a prefecture has no parent region');
        } else {
          if (!input.parentId) throw invalid('parentId', `a ${input.level} needs a parent ${wantParent}`);
          const parent = await regionsRepository.byId(tx, input.parentId);
          if (!parent) throw invalid('parentId', `region ${input.parentId} does not exist`);
          if (parent.level !== wantParent) throw invalid('parentId', `the parent of a ${input.level} must be a ${wantParent}, not a ${parent.level}`);
          parentPath = parent.path;
        }
        if (await regionsRepository.byCode(tx, input.code)) throw conflict('duplicate_code', `a region with code ${input.code} already exists`);
        await divisionCodeFree(tx, input.divisionCode);
        const id = uuidv7();
        const row = await regionsRepository.insert(tx, {
          id,
          parentId: input.parentId,
          level: input.level,
          code: input.code,
          divisionCode: input.divisionCode ?? null,
          nameZh: input.nameZh,
          nameEn: input.nameEn ?? null,
          path: `${parentPath}${id}/`,
        });
        const dto = toRegionDto(row);
        await audit.record(tx, ctx, { action: 'region.created', entityType: 'region', entityId: id, after: dto });
        return dto;
      });
    },

    async update(ctx: RequestContext, id: string, expected: number, input: UpdateRegionInput): Promise<RegionDto> {
      return db.transaction(async (tx) => {
        const current = await regionsRepository.byId(tx, id);
        if (!current) throw notFound('region', id);
        if (current.version !== expected) throw versionMismatch('region', expected, current.version);
        if (input.code && input.code !== current.code && (await regionsRepository.byCode(tx, input.code))) {
          throw conflict('duplicate_code', `a region with code ${input.code} already exists`);
        }
        if (input.divisionCode !== current.divisionCode) await divisionCodeFree(tx, input.divisionCode);
        const { version: _v, ...patch } = input;
        const row = await regionsRepository.update(tx, id, expected, patch);
        if (!row) throw versionMismatch('region', expected, expected + 1);
        const dto = toRegionDto(row);
        await audit.record(tx, ctx, { action: 'region.updated', entityType: 'region', entityId: id, before: toRegionDto(current), after: dto });
        return dto;
      });
    },
  };
}

export type RegionsService = ReturnType<typeof createRegionsService>;
