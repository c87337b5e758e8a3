import { randomInt } from 'node:crypto';
import type { Db } from '../../db/client.js';
import type { InspectionRoundFilter } from './tables.js';
import { conflict, invalid, invalidMany, notFound, versionMismatch } from '../../lib/errors.js';
import { paginate } from '../../lib/http.js';
import type { Page } from '../../lib/http.js';
import type { RequestContext } from '../../lib/principal.js';
import { stateMachine } from '../../lib/state-machine.js';
import type { AuditService } from '../audit/service.js';
import { departmentQueries } from '../departments/queries.js';
import type { RegionsService } from '../regions/service.js';
import { toRoundDto, toTaskDto } from './mappers.js';
import { assignSupervisors } from './assignment.js';
import type { Unassigned } from './assignment.js';
import { roundsRepository, supervisorsRepository, tasksRepository } from './repository.js';
import type { RoundRow } from './repository.js';
import type { CreateRoundInput, GenerationDto, ListRoundsFilter, RoundDto, UpdateRoundInput } from './schemas.js';
import { cycleQueries } from '../cycles/queries.js';

/** A round is drafted, generates its tasks once, and closes (a draft may close without tasks). */
export const roundMachine = stateMachine<RoundRow['status']>({
  draft: ['generated', 'closed'],
  generated: ['closed'],
  closed: [],
});

const day = (d: Date) => d.toISOString().slice(0, 10);

export function createRoundsService({ db, audit, regions }: { db: Db; audit: AuditService; regions: RegionsService }) {
  async function checkRefs(tx: Db, input: { cycleId?: string | null; filter?: InspectionRoundFilter; unitIds?: string[] }) {
    if (input.cycleId && !(await cycleQueries.exists(tx, input.cycleId))) throw invalid('cycleId', `cycle ${input.cycleId} does not exist`);
    if (input.filter?.regionId) await regions.pathOf(input.filter.regionId, 'filter.regionId');
    if (input.filter?.departmentId && !(await departmentQueries.exists(tx, input.filter.departmentId))) {
      throw invalid('filter.departmentId', `department ${input.filter.departmentId} does not exist`);
    }
    if (input.unitIds) {
      const known = await roundsRepository.existingUnitIds(tx, input.unitIds);
      const errors = input.unitIds.flatMap((u, i) => (known.has(u) ? [] : [{ field: `unitIds.${i}`, message: `unit ${u} does not exist` }]));
      if (errors.length) throw invalidMany(errors);
    }
  }

  async function load(tx: Db, id: string, forUpdate = false): Promise<RoundRow> {
    const r = await roundsRepository.byId(tx, id, { forUpdate });
    if (!r) throw notFound('inspection round', id);
    return r;
  }

  /** The units a round covers, sorted by id: a sweep's active (and, with a cycle, enrolled) units; a targeted round's named ones. */
  async function scope(tx: Db, r: RoundRow) {
    if (r.kind === 'targeted') return roundsRepository.unitsInScope(tx, { unitIds: r.unitIds ?? [] }, null);
    const f = r.filter ?? {};
    const regionPath = f.regionId ? await regions.pathOf(f.regionId, 'filter.regionId') : undefined;
    return roundsRepository.unitsInScope(tx, { category: f.category, departmentId: f.departmentId, regionPath, active: true }, r.cycleId);
  }

  return {
    async get(_ctx: RequestContext, id: string): Promise<RoundDto> {
      return toRoundDto(await load(db, id));
    },

    /** Rounds are the office's: a targeted round lists the units about to be visited. Others get nothing. */
    async byIds(ctx: RequestContext, ids: readonly string[]): Promise<RoundDto[]> {
      if (ctx.principal.role !== 'admin') return [];
      return (await roundsRepository.byIds(db, ids)).map(toRoundDto);
    },

    async list(_ctx: RequestContext, filter: ListRoundsFilter, page: { limit: number; cursor?: string }): Promise<Page<RoundDto>> {
      const p = await paginate(page, ({ after, limit }) => roundsRepository.list(db, { ...filter, afterId: after, limit }));
      return { items: p.items.map(toRoundDto), nextCursor: p.nextCursor };
    },

    async create(ctx: RequestContext, input: CreateRoundInput): Promise<RoundDto> {
      return db.transaction(async (tx) => {
        const unitIds = input.kind === 'targeted' ? [...new Set(input.unitIds)] : undefined;
        const filter = input.kind === 'sweep' ? input.filter : undefined;
        await checkRefs(tx, { cycleId: input.cycleId, filter, unitIds });
        const row = await roundsRepository.insert(tx, {
          name: input.name,
          cycleId: input.cycleId ?? null,
          kind: input.kind,
          filter: filter ?? null,
          unitIds: unitIds ?? null,
          startsAt: new Date(input.window.startsAt),
          endsAt: new Date(input.window.endsAt),
          focus: input.focus ?? null,
          instructions: input.instructions ?? null,
          seed: input.seed ?? randomInt(0, 2147483647),
          tasksPerUnit: input.tasksPerUnit ?? 1,
        });
        const dto = toRoundDto(row);
        await audit.record(tx, ctx, { action: 'inspection_round.created', entityType: 'inspection_round', entityId: row.id, after: dto });
        return dto;
      });
    },

    /** Only a draft can change: once tasks exist they carry the window, focus and instructions they were given. */
    async update(ctx: RequestContext, id: string, expected: number, input: UpdateRoundInput): Promise<RoundDto> {
      return db.transaction(async (tx) => {
        const current = await load(tx, id);
        if (current.version !== expected) throw versionMismatch('inspection round', expected, current.version);
        if (current.status !== 'draft') throw conflict('round_not_draft', `inspection round ${id} is ${current.status}; only a draft can be edited`);
        if (input.filter && current.kind !== 'sweep') throw invalid('filter', 'only a sweep round has a filter');
        if (input.unitIds && current.kind !== 'targeted') throw invalid('unitIds', 'only a targeted round names units');
        const unitIds = input.unitIds ? [...new Set(input.unitIds)] : undefined;
        await checkRefs(tx, { cycleId: input.cycleId, filter: input.filter, unitIds });
        const { version: _v, window, ...rest } = input;
        const patch: Partial<RoundRow> = { ...rest, unitIds };
        if (window) Object.assign(patch, { startsAt: new Date(window.startsAt), endsAt: new Date(window.endsAt) });
        const row = await roundsRepository.update(tx, id, expected, patch);
        if (!row) throw versionMismatch('inspection round', expected, expected + 1);
        const dto = toRoundDto(row);
        await audit.record(tx, ctx, { action: 'inspection_round.updated', entityType: 'inspection_round', entityId: id, before: toRoundDto(current), after: dto });
        return dto;
      });
    },

    /**
     * 点对点 dispatch: creates every task of the round in one statement and one transaction. The same seed and
     * the same units and supervisors give the same assignment (see assignment.ts).
     */
    async generateTasks(ctx: RequestContext, id: string): Promise<GenerationDto> {
      return db.transaction(async (tx) => {
        const current = await load(tx, id, true);
        roundMachine.assert('inspection round', id, current.status, 'generated', { detail: `inspection round ${id} is ${current.status}; tasks are generated once, from a draft` });
        const inScope = await scope(tx, current);
        const inactive: Unassigned[] = inScope.filter((u) => !u.active).map((u) => ({ unitId: u.id, missing: current.tasksPerUnit, reason: 'unit_inactive' }));
        const eligible = await supervisorsRepository.eligible(tx, { startDay: day(current.startsAt), endDay: day(current.endsAt) });
        const { assignments, unassigned } = assignSupervisors(
          inScope.filter((u) => u.active),
          eligible,
          current.tasksPerUnit,
          current.seed,
        );
        const inserted = await tasksRepository.insertMany(
          tx,
          assignments.map((a) => ({
            roundId: id,
            unitId: a.unitId,
            supervisorId: a.supervisorId,
            startsAt: current.startsAt,
            endsAt: current.endsAt,
            focus: current.focus,
            instructions: current.instructions,
          })),
        );
        const row = await roundsRepository.update(tx, id, current.version, { status: 'generated', generatedAt: new Date() });
        if (!row) throw conflict('concurrent_update', 'the round changed while generating; retry');
        const round = toRoundDto(row);
        const taskIds = inserted.map((t) => t.id);
        const allUnassigned = [...inactive, ...unassigned];
        await audit.record(tx, ctx, {
          action: 'inspection_round.tasks_generated',
          entityType: 'inspection_round',
          entityId: id,
          before: toRoundDto(current),
          after: { ...round, taskIds, unassigned: allUnassigned },
        });
        return { round, taskIds, tasksCreated: taskIds.length, unassigned: allUnassigned };
      });
    },

    /** Tasks of the round whose window has ended without a report become `expired` (one audit entry each). */
    async expireOverdue(ctx: RequestContext, id: string): Promise<{ expired: string[] }> {
      return db.transaction(async (tx) => {
        await load(tx, id, true);
        const rows = await tasksRepository.expireOverdue(tx, id, new Date());
        await audit.record(
          tx,
          ctx,
          rows.map((t) => ({ action: 'inspection_task.expired', entityType: 'inspection_task', entityId: t.id, after: toTaskDto(t, null) })),
        );
        return { expired: rows.map((t) => t.id) };
      });
    },

    /** Closing a round needs every task settled (reported, reviewed, expired or cancelled); reports can still be reviewed. */
    async close(ctx: RequestContext, id: string, expected: number | undefined): Promise<RoundDto> {
      return db.transaction(async (tx) => {
        const current = await load(tx, id, true);
        if (expected !== undefined && current.version !== expected) throw versionMismatch('inspection round', expected, current.version);
        roundMachine.assert('inspection round', id, current.status, 'closed', { detail: `inspection round ${id} is already closed` });
        const open = await roundsRepository.openTaskCount(tx, id);
        if (open > 0) throw conflict('round_has_open_tasks', `${open} task(s) are still assigned or accepted: expire or cancel them first`, { openTasks: open });
        const row = await roundsRepository.update(tx, id, current.version, { status: 'closed', closedAt: new Date() });
        if (!row) throw conflict('concurrent_update', 'the round changed while closing; retry');
        const dto = toRoundDto(row);
        await audit.record(tx, ctx, { action: 'inspection_round.closed', entityType: 'inspection_round', entityId: id, before: toRoundDto(current), after: dto });
        return dto;
      });
    },
  };
}

export type RoundsService = ReturnType<typeof createRoundsService>;
