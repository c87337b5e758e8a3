import { inTransaction } from '../../db/client.js';
import type { Db, TxOption } from '../../db/client.js';
import { conflict, invalid, notFound, versionMismatch } from '../../lib/errors.js';
import { paginate, toIso } from '../../lib/http.js';
import type { Page } from '../../lib/http.js';
import type { RequestContext } from '../../lib/principal.js';
import type { AuditService } from '../audit/service.js';
import { regionQueries } from '../regions/queries.js';
import type { RegionsService } from '../regions/service.js';
import { departmentsRepository } from './repository.js';
import { levelProblem, orgCodeTaken } from './rules.js';
import type { DepartmentRow } from './repository.js';
import type { CreateDepartmentInput, DepartmentDto, ListDepartmentsFilter, UpdateDepartmentInput } from './schemas.js';

export function toDepartmentDto(r: DepartmentRow): DepartmentDto {
  return {
    id: r.id,
    name: r.name,
    nameEn: r.nameEn,
    sector: r.sector,
    level: r.level,
    regionId: r.regionId,
    orgCode: r.orgCode,
    active: r.active,
    version: r.version,
    createdAt: toIso(r.createdAt),
    updatedAt: toIso(r.updatedAt),
  };
}

/** An organisation code names one department. */
async function orgCodeFree(tx: Db, code: string | null | undefined) {
  if (code && (await departmentsRepository.byOrgCode(tx, code))) throw conflict('duplicate_org_code', orgCodeTaken(code));
}

export function createDepartmentsService({ db, audit, regions }: { db: Db; audit: AuditService; regions: RegionsService }) {
  return {
    async get(ctx: RequestContext, id: string): Promise<DepartmentDto> {
      const r = await departmentsRepository.byId(db, id);
      if (!r || (ctx.principal.role === 'department' && ctx.principal.departmentId !== id)) throw notFound('department', id);
      return toDepartmentDto(r);
    },

    async byIds(ids: readonly string[]): Promise<DepartmentDto[]> {
      return (await departmentsRepository.byIds(db, ids)).map(toDepartmentDto);
    },

    /** A department manager sees its own department only; everyone else sees all. */
    async list(ctx: RequestContext, filter: ListDepartmentsFilter, page: { limit: number; cursor?: string }): Promise<Page<DepartmentDto>> {
      const regionPath = filter.regionId ? await regions.pathOf(filter.regionId, 'query.regionId') : undefined;
      const onlyId = ctx.principal.role === 'department' ? ctx.principal.departmentId : undefined;
      const p = await paginate(page, ({ after, limit }) => departmentsRepository.list(db, { ...filter, regionPath, onlyId, afterId: after, limit }));
      return { items: p.items.map(toDepartmentDto), nextCursor: p.nextCursor };
    },

    async create(ctx: RequestContext, input: CreateDepartmentInput, { tx }: TxOption = {}): Promise<DepartmentDto> {
      return inTransaction(db, tx, async (tx) => {
        const region = await regionQueries.byId(tx, input.regionId);
        if (!region) throw invalid('regionId', `region ${input.regionId} does not exist`);
        const badLevel = levelProblem(input.level, region.level);
        if (badLevel) throw invalid('level', badLevel);
        await orgCodeFree(tx, input.orgCode);
        const row = await departmentsRepository.insert(tx, { ...input, nameEn: input.nameEn ?? null, orgCode: input.orgCode ?? null });
        const dto = toDepartmentDto(row);
        await audit.record(tx, ctx, { action: 'department.created', entityType: 'department', entityId: row.id, after: dto });
        return dto;
      });
    },

    async update(ctx: RequestContext, id: string, expected: number, input: UpdateDepartmentInput): Promise<DepartmentDto> {
      return db.transaction(async (tx) => {
        const current = await departmentsRepository.byId(tx, id);
        if (!current) throw notFound('department', id);
        if (current.version !== expected) throw versionMismatch('department', expected, current.version);
        if (input.orgCode !== current.orgCode) await orgCodeFree(tx, input.orgCode);
        const { version: _v, ...patch } = input;
        const row = await departmentsRepository.update(tx, id, expected, patch);
        if (!row) throw versionMismatch('department', expected, expected + 1);
        const dto = toDepartmentDto(row);
        await audit.record(tx, ctx, { action: 'department.updated', entityType: 'department', entityId: id, before: toDepartmentDto(current), after: dto });
        return dto;
      });
    },
  };
}

export type DepartmentsService = ReturnType<typeof createDepartmentsService>;
