import type { Db } from '../../db/client.js';
import { invalid, notFound, versionMismatch } from '../../lib/errors.js';
import { paginate } from '../../lib/http.js';
import type { Page } from '../../lib/http.js';
import type { RequestContext } from '../../lib/principal.js';
import type { AuditService } from '../audit/service.js';
import { departmentQueries } from '../departments/queries.js';
import { toSupervisorDto } from './mappers.js';
import { supervisorsRepository } from './repository.js';
import type { SupervisorRow } from './repository.js';
import type { CreateSupervisorInput, ListSupervisorsFilter, SupervisorDto, UpdateSupervisorInput } from './schemas.js';

/** Contact details are private: the campaign office sees them, and a supervisor its own. */
const seesContact = (ctx: RequestContext, s: SupervisorRow) =>
  ctx.principal.role === 'admin' || (ctx.principal.role === 'supervisor' && ctx.principal.supervisorId === s.id);

/** Audit entries carry the contact too (the audit log is admin-only). */
const full = (r: SupervisorRow) => toSupervisorDto(r, true);

export function createSupervisorsService({ db, audit }: { db: Db; audit: AuditService }) {
  async function checkDepartment(tx: Db, departmentId: string | null | undefined) {
    if (departmentId && !(await departmentQueries.exists(tx, departmentId))) throw invalid('departmentId', `department ${departmentId} does not exist`);
  }

  return {
    async get(ctx: RequestContext, id: string): Promise<SupervisorDto> {
      const r = await supervisorsRepository.byId(db, id);
      if (!r) throw notFound('supervisor', id);
      return toSupervisorDto(r, seesContact(ctx, r));
    },

    /** The calling supervisor's own profile (GET /supervisors/me). */
    async me(ctx: RequestContext): Promise<SupervisorDto> {
      const id = ctx.principal.supervisorId;
      const r = id ? await supervisorsRepository.byId(db, id) : undefined;
      if (!r) throw notFound('supervisor', id ?? 'me');
      return toSupervisorDto(r, true);
    },

    /** Batched read for loaders; contact only where the caller may see it. */
    async byIds(ctx: RequestContext, ids: readonly string[]): Promise<SupervisorDto[]> {
      return (await supervisorsRepository.byIds(db, ids)).map((r) => toSupervisorDto(r, seesContact(ctx, r)));
    },

    async list(ctx: RequestContext, filter: ListSupervisorsFilter, page: { limit: number; cursor?: string }): Promise<Page<SupervisorDto>> {
      const p = await paginate(page, ({ after, limit }) => supervisorsRepository.list(db, { ...filter, afterId: after, limit }));
      return { items: p.items.map((r) => toSupervisorDto(r, seesContact(ctx, r))), nextCursor: p.nextCursor };
    },

    async create(ctx: RequestContext, input: CreateSupervisorInput): Promise<SupervisorDto> {
      return db.transaction(async (tx) => {
        await checkDepartment(tx, input.departmentId);
        const row = await supervisorsRepository.insert(tx, {
          name: input.name,
          affiliation: input.affiliation,
          sector: input.sector,
          departmentId: input.departmentId ?? null,
          phone: input.contact?.phone ?? null,
          email: input.contact?.email ?? null,
          termStart: input.termStart,
          termEnd: input.termEnd ?? null,
          active: input.active ?? true,
        });
        await audit.record(tx, ctx, { action: 'supervisor.created', entityType: 'supervisor', entityId: row.id, after: full(row) });
        return toSupervisorDto(row, true);
      });
    },

    async update(ctx: RequestContext, id: string, expected: number, input: UpdateSupervisorInput): Promise<SupervisorDto> {
      return db.transaction(async (tx) => {
        const current = await supervisorsRepository.byId(tx, id);
        if (!current) throw notFound('supervisor', id);
        if (current.version !== expected) throw versionMismatch('supervisor', expected, current.version);
        await checkDepartment(tx, input.departmentId);
        const termStart = input.termStart ?? current.termStart;
        const termEnd = input.termEnd === undefined ? current.termEnd : input.termEnd;
        if (termEnd && termEnd < termStart) throw invalid('termEnd', 'must not be before termStart');
        const { version: _v, contact, ...rest } = input;
        const patch: Partial<SupervisorRow> = { ...rest };
        if (contact?.phone !== undefined) patch.phone = contact.phone;
        if (contact?.email !== undefined) patch.email = contact.email;
        const row = await supervisorsRepository.update(tx, id, expected, patch);
        if (!row) throw versionMismatch('supervisor', expected, expected + 1);
        await audit.record(tx, ctx, { action: 'supervisor.updated', entityType: 'supervisor', entityId: id, before: full(current), after: full(row) });
        return toSupervisorDto(row, true);
      });
    },
  };
}

export type SupervisorsService = ReturnType<typeof createSupervisorsService>;
