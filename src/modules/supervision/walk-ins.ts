import type { Db } from '../../db/client.js';
import { conflict, forbidden, invalid, notFound } from '../../lib/errors.js';
import { paginate } from '../../lib/http.js';
import type { Page } from '../../lib/http.js';
import type { RequestContext } from '../../lib/principal.js';
import { isInFuture } from '../../lib/time.js';
import type { AuditService } from '../audit/service.js';
import { unitQueries } from '../units/queries.js';
import { toReportDto } from './mappers.js';
import { reportsRepository, roundsRepository, supervisorsRepository } from './repository.js';
import type { ReportRow } from './repository.js';
import { decideFindings, insertReport } from './review.js';
import type { ListReportsFilter, ReportDto, ReviewInput, WalkInInput } from './schemas.js';
import type { ProblemOpener } from './tasks.js';

const day = (d: Date) => d.toISOString().slice(0, 10);

/** Who may read a report: the office, and the supervisor who filed it (a unit reads the redacted feedback). */
const canSeeReport = (ctx: RequestContext, r: Pick<ReportRow, 'supervisorId'>) =>
  ctx.principal.role === 'admin' || (ctx.principal.role === 'supervisor' && !!ctx.principal.supervisorId && ctx.principal.supervisorId === r.supervisorId);

/**
 * 随机暗访: a supervisor's own visits, with no task. The scope rule: an active supervisor, within their term, may
 * visit any active unit except those of their own department (the rule point-to-point assignment follows too);
 * a walk-in may name a round whose tasks are out (generated, not closed), and then falls inside its window.
 */
export function createWalkInsService({ db, audit, problems }: { db: Db; audit: AuditService; problems: () => ProblemOpener | undefined }) {
  async function dtos(tx: Db, rows: ReportRow[]): Promise<ReportDto[]> {
    const findings = await reportsRepository.findingsByReportIds(
      tx,
      rows.map((r) => r.id),
    );
    return rows.map((r) => toReportDto(r, findings.filter((f) => f.reportId === r.id)));
  }

  async function visible(tx: Db, ctx: RequestContext, id: string): Promise<ReportRow> {
    const r = await reportsRepository.byId(tx, id);
    if (!r || !canSeeReport(ctx, r)) throw notFound('inspection report', id);
    return r;
  }

  return {
    async file(ctx: RequestContext, input: WalkInInput): Promise<ReportDto> {
      const supervisorId = ctx.principal.supervisorId;
      if (ctx.principal.role !== 'supervisor' || !supervisorId) throw forbidden('only a supervisor files a walk-in visit (随机暗访)');
      return db.transaction(async (tx) => {
        const visitedAt = new Date(input.visitedAt);
        if (isInFuture(visitedAt)) throw invalid('visitedAt', 'must not be in the future');
        const supervisor = await supervisorsRepository.byId(tx, supervisorId);
        if (!supervisor || !supervisor.active) throw forbidden('your supervisor appointment is not active');
        const visitDay = day(visitedAt);
        if (visitDay < supervisor.termStart || (supervisor.termEnd && visitDay > supervisor.termEnd)) throw invalid('visitedAt', 'must fall within your term as a supervisor');
        const unit = await unitQueries.byId(tx, input.unitId);
        if (!unit || !unit.active) throw invalid('unitId', `unit ${input.unitId} does not exist or is not active`);
        if (supervisor.departmentId && unit.departmentId === supervisor.departmentId) throw invalid('unitId', 'a supervisor does not inspect units of their own department');
        const roundId = input.roundId ?? null;
        if (roundId) {
          const round = await roundsRepository.byId(tx, roundId);
          if (!round || round.status !== 'generated') throw invalid('roundId', `round ${roundId} does not exist or is not under way (tasks generated, not closed)`);
          if (visitedAt < round.startsAt || visitedAt > round.endsAt) throw invalid('visitedAt', `must be within the round window ${round.startsAt.toISOString()} – ${round.endsAt.toISOString()}`);
        }
        const row = await insertReport(tx, { origin: 'walk_in', taskId: null, supervisorId, roundId, unitId: unit.id, visitedAt }, input);
        const [dto] = await dtos(tx, [row]);
        await audit.record(tx, ctx, { action: 'inspection_report.walk_in_filed', entityType: 'inspection_report', entityId: row.id, after: dto });
        return dto;
      });
    },

    async get(ctx: RequestContext, id: string): Promise<ReportDto> {
      return (await dtos(db, [await visible(db, ctx, id)]))[0];
    },

    /** The office sees every report; a supervisor only their own, whatever they ask for; others nothing. */
    async list(ctx: RequestContext, filter: ListReportsFilter, page: { limit: number; cursor?: string }): Promise<Page<ReportDto>> {
      const p = ctx.principal;
      if (p.role !== 'admin' && p.role !== 'supervisor') return { items: [], nextCursor: null };
      if (p.role === 'supervisor') {
        if (!p.supervisorId || (filter.supervisorId && filter.supervisorId !== p.supervisorId)) return { items: [], nextCursor: null };
        filter = { ...filter, supervisorId: p.supervisorId };
      }
      const pg = await paginate(page, ({ after, limit }) => reportsRepository.list(db, { ...filter, afterId: after, limit }));
      return { items: await dtos(db, pg.items), nextCursor: pg.nextCursor };
    },

    /** The office reviews a walk-in as it reviews a task's report (a task's report is reviewed through its task). */
    async review(ctx: RequestContext, id: string, input: ReviewInput): Promise<ReportDto> {
      return db.transaction(async (tx) => {
        const current = await visible(tx, ctx, id);
        if (current.origin !== 'walk_in') throw conflict('report_of_task', `inspection report ${id} belongs to task ${current.taskId}: review the task`);
        if (current.reviewedAt) throw conflict('already_reviewed', `inspection report ${id} was reviewed at ${current.reviewedAt.toISOString()}`);
        const [before] = await dtos(tx, [current]);
        const round = current.roundId ? await roundsRepository.byId(tx, current.roundId) : undefined;
        await decideFindings(tx, ctx, { report: before, unitId: current.unitId, cycleId: round?.cycleId ?? null, decisions: input.decisions, now: new Date(), problems });
        const [after] = await dtos(tx, [(await reportsRepository.byId(tx, id))!]);
        await audit.record(tx, ctx, { action: 'inspection_report.reviewed', entityType: 'inspection_report', entityId: id, before, after });
        return after;
      });
    },
  };
}

export type WalkInsService = ReturnType<typeof createWalkInsService>;
