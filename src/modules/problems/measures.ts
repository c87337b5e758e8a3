import type { Db } from '../../db/client.js';
import { conflict, forbidden, invalid, notFound, versionMismatch } from '../../lib/errors.js';
import { paginate, toIso } from '../../lib/http.js';
import type { Page } from '../../lib/http.js';
import type { RequestContext } from '../../lib/principal.js';
import { stateMachine } from '../../lib/state-machine.js';
import type { AuditService } from '../audit/service.js';
import { cycleQueries } from '../cycles/queries.js';
import { departmentQueries } from '../departments/queries.js';
import { canSeeUnit } from '../units/service.js';
import { measuresRepository } from './measures.repository.js';
import type { MeasureRow } from './measures.repository.js';
import type { ScopedProblemRow } from './repository.js';
import { measureStatusLabels } from './schemas.js';
import type { ImprovementMeasureInput, ListMeasuresFilter, MeasureDto, MeasureInput, MeasureStatus, MeasureStatusInput } from './schemas.js';

export function toMeasureDto(r: MeasureRow): MeasureDto {
  return {
    id: r.id,
    problemId: r.problemId,
    unitId: r.unitId,
    departmentId: r.departmentId,
    cycleId: r.cycleId,
    text: r.text,
    responsibleParty: r.responsibleParty,
    dueOn: r.dueOn,
    status: r.status,
    statusLabel: measureStatusLabels[r.status],
    evidence: r.evidence,
    version: r.version,
    createdAt: toIso(r.createdAt),
    updatedAt: toIso(r.updatedAt),
  };
}

/** 计划 → 实施中 → 已完成 (a quick measure may be done straight away). */
export const measureMachine = stateMachine<MeasureStatus>({ planned: ['in_progress', 'done'], in_progress: ['done'], done: [] });

/**
 * 整改措施 as records: of a problem (its unit's scope), or of a unit's or department's improvement plan.
 * `visibleProblem` is the problems service's scope check, so who may see a problem is decided in one place.
 */
export function createMeasuresService({ db, audit, visibleProblem }: { db: Db; audit: AuditService; visibleProblem: (ctx: RequestContext, id: string, tx: Db) => Promise<ScopedProblemRow> }) {
  /** Who may change a measure: the office, or the unit / department it belongs to. */
  async function mayChange(tx: Db, ctx: RequestContext, m: MeasureRow): Promise<boolean> {
    if (ctx.principal.role === 'admin') return true;
    if (m.problemId) return visibleProblem(ctx, m.problemId, tx).then(() => true, () => false);
    if (m.departmentId) return ctx.principal.role === 'department' && ctx.principal.departmentId === m.departmentId;
    const unit = m.unitId ? await measuresRepository.unitById(tx, m.unitId) : undefined;
    return !!unit && canSeeUnit(ctx, unit);
  }

  const record = async (tx: Db, ctx: RequestContext, rows: MeasureRow[]) => {
    const dtos = rows.map(toMeasureDto);
    await audit.record(tx, ctx, dtos.map((dto) => ({ action: 'measure.recorded', entityType: 'problem_measure', entityId: dto.id, after: dto })));
    return dtos;
  };

  const fields = (m: MeasureInput) => ({ text: m.text, responsibleParty: m.responsibleParty ?? null, dueOn: m.dueOn ?? null, status: m.status, evidence: m.evidence });

  return {
    /** A problem's measures, in the caller's transaction (the submission records them with itself). */
    async addToProblem(tx: Db, ctx: RequestContext, problem: Pick<ScopedProblemRow, 'id'>, items: MeasureInput[]): Promise<MeasureDto[]> {
      const rows = await measuresRepository.insertMany(
        tx,
        items.map((m) => ({ ...fields(m), problemId: problem.id, createdBy: ctx.principal.subject })),
      );
      return record(tx, ctx, rows);
    },

    /** One more measure of a problem not yet verified, by whoever may rectify it. */
    addTo(ctx: RequestContext, problemId: string, input: MeasureInput): Promise<MeasureDto> {
      return db.transaction(async (tx) => {
        const p = await visibleProblem(ctx, problemId, tx);
        if (p.status === 'verified') throw conflict('problem_closed', `problem ${problemId} is verified and closed`);
        return (await this.addToProblem(tx, ctx, p, [input]))[0];
      });
    },

    /** A measure of an improvement plan (no problem): a unit's own or its department's, or the office's for either. */
    async createPlanMeasure(ctx: RequestContext, input: ImprovementMeasureInput): Promise<MeasureDto> {
      return db.transaction(async (tx) => {
        if (input.unitId) {
          const unit = await measuresRepository.unitById(tx, input.unitId);
          if (!unit || !canSeeUnit(ctx, unit)) throw invalid('unitId', `unit ${input.unitId} does not exist or is not one of yours`);
        } else {
          if (ctx.principal.role === 'unit') throw forbidden('a unit plans its own measures (unitId), not its department\'s');
          if (ctx.principal.role === 'department' && ctx.principal.departmentId !== input.departmentId) throw invalid('departmentId', 'not your department');
          if (!(await departmentQueries.exists(tx, input.departmentId!))) throw invalid('departmentId', `department ${input.departmentId} does not exist`);
        }
        if (input.cycleId && !(await cycleQueries.exists(tx, input.cycleId))) throw invalid('cycleId', `cycle ${input.cycleId} does not exist`);
        const rows = await measuresRepository.insertMany(tx, [
          { ...fields(input), unitId: input.unitId ?? null, departmentId: input.departmentId ?? null, cycleId: input.cycleId ?? null, createdBy: ctx.principal.subject },
        ]);
        return (await record(tx, ctx, rows))[0];
      });
    },

    async forProblem(ctx: RequestContext, problemId: string, page: { limit: number; cursor?: string }): Promise<Page<MeasureDto>> {
      await visibleProblem(ctx, problemId, db);
      const p = await paginate(page, ({ after, limit }) => measuresRepository.list(db, { problemId, afterId: after, limit }));
      return { items: p.items.map(toMeasureDto), nextCursor: p.nextCursor };
    },

    /** Every measure, for the office and assessors. */
    async list(_ctx: RequestContext, filter: ListMeasuresFilter, page: { limit: number; cursor?: string }): Promise<Page<MeasureDto>> {
      const p = await paginate(page, ({ after, limit }) => measuresRepository.list(db, { ...filter, afterId: after, limit }));
      return { items: p.items.map(toMeasureDto), nextCursor: p.nextCursor };
    },

    async setStatus(ctx: RequestContext, id: string, input: MeasureStatusInput): Promise<MeasureDto> {
      return db.transaction(async (tx) => {
        const current = await measuresRepository.byId(tx, id);
        if (!current || !(await mayChange(tx, ctx, current))) throw notFound('measure', id);
        if (input.version !== undefined && input.version !== current.version) throw versionMismatch('measure', input.version, current.version);
        measureMachine.assert('measure', id, current.status, input.status);
        const row = await measuresRepository.update(tx, id, current.version, { status: input.status, ...(input.evidence?.length ? { evidence: input.evidence } : {}) });
        if (!row) throw versionMismatch('measure', current.version, current.version + 1);
        const after = toMeasureDto(row);
        await audit.record(tx, ctx, { action: `measure.${input.status}`, entityType: 'problem_measure', entityId: id, before: toMeasureDto(current), after });
        return after;
      });
    },
  };
}

export type MeasuresService = ReturnType<typeof createMeasuresService>;
