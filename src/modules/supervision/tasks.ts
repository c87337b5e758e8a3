import type { Db, TxOption } from '../../db/client.js';
import { conflict, illegalTransition, invalid, notFound } from '../../lib/errors.js';
import { paginate } from '../../lib/http.js';
import type { Page } from '../../lib/http.js';
import type { RequestContext } from '../../lib/principal.js';
import { stateMachine } from '../../lib/state-machine.js';
import type { AuditService } from '../audit/service.js';
import { isInFuture } from '../../lib/time.js';
import { toFindingDto, toReportDto, toTaskDto } from './mappers.js';
import { decideFindings, insertReport } from './review.js';
import { reportsRepository, roundsRepository, tasksRepository } from './repository.js';
import type { TaskRow } from './repository.js';
import type { FindingDto, ListFindingsFilter, ListTasksFilter, ReportDto, ReportInput, ReviewInput, Severity, TaskDto, TaskStatus } from './schemas.js';

/** What the review needs of the problems module (its `openFromSource` contract), run inside the review's transaction. */
export interface ProblemOpener {
  openFromSource(
    ctx: RequestContext,
    input: { unitId: string; cycleId: string | null; sourceType: 'inspection_finding'; sourceId: string; severity: Severity; description: string },
    opt: TxOption,
  ): Promise<{ id: string }>;
}

/**
 * Who may read a task: the campaign office, and the supervisor it is assigned to. Everyone else gets 404,
 * whether or not the task exists, so a unit cannot even learn that it is about to be visited.
 */
function canSeeTask(ctx: RequestContext, t: Pick<TaskRow, 'supervisorId'>): boolean {
  const p = ctx.principal;
  return p.role === 'admin' || (p.role === 'supervisor' && !!p.supervisorId && p.supervisorId === t.supervisorId);
}

/** 已派发 → 已接受 → 已反馈 → 已审核; open tasks can also expire or be cancelled. */
export const taskMachine = stateMachine<TaskStatus>({
  assigned: ['accepted', 'reported', 'expired', 'cancelled'],
  accepted: ['reported', 'expired', 'cancelled'],
  // A reported task cannot be cancelled: its report counts, and the task with it (dispatched = reported + open + expired).
  reported: ['reviewed'],
  reviewed: [],
  expired: [],
  cancelled: [],
});

const assertMove = (t: TaskRow, to: TaskStatus, verb: string) =>
  taskMachine.assert('inspection task', t.id, t.status, to, { detail: `inspection task ${t.id} is ${t.status}; it cannot be ${verb}` });

export function createTasksService({ db, audit, problems }: { db: Db; audit: AuditService; problems: () => ProblemOpener | undefined }) {
  /** Reports (with their findings) of many tasks in two queries. */
  async function reportsFor(tx: Db, taskIds: readonly string[]): Promise<Map<string, ReportDto>> {
    const reports = await reportsRepository.byTaskIds(tx, taskIds);
    const findings = await reportsRepository.findingsByReportIds(
      tx,
      reports.map((r) => r.id),
    );
    return new Map(reports.map((r) => [r.taskId!, toReportDto(r, findings.filter((f) => f.reportId === r.id))]));
  }

  async function withReports(tx: Db, rows: TaskRow[]): Promise<TaskDto[]> {
    const reported = rows.filter((t) => t.reportedAt).map((t) => t.id);
    const reports = reported.length ? await reportsFor(tx, reported) : new Map<string, ReportDto>();
    return rows.map((t) => toTaskDto(t, reports.get(t.id) ?? null));
  }

  async function visible(tx: Db, ctx: RequestContext, id: string): Promise<TaskRow> {
    const t = await tasksRepository.byId(tx, id);
    if (!t || !canSeeTask(ctx, t)) throw notFound('inspection task', id);
    return t;
  }

  /** One state move with its audit entry; `check` throws before anything is written. */
  async function transition(
    ctx: RequestContext,
    id: string,
    spec: { verb: string; action: string; to: TaskStatus; patch: (now: Date) => Partial<TaskRow>; check?: (t: TaskRow) => void },
  ): Promise<TaskDto> {
    return db.transaction(async (tx) => {
      const current = await visible(tx, ctx, id);
      spec.check?.(current);
      assertMove(current, spec.to, spec.verb);
      const row = await tasksRepository.move(tx, id, taskMachine.sources(spec.to), { ...spec.patch(new Date()), status: spec.to });
      if (!row) throw conflict('concurrent_update', 'the task changed meanwhile; reload and retry');
      const [before, after] = await withReports(tx, [current, row]);
      await audit.record(tx, ctx, { action: spec.action, entityType: 'inspection_task', entityId: id, before, after });
      return after;
    });
  }

  return {
    async get(ctx: RequestContext, id: string): Promise<TaskDto> {
      return (await withReports(db, [await visible(db, ctx, id)]))[0];
    },

    /** Batched read for loaders, scoped like every other read. */
    async byIds(ctx: RequestContext, ids: readonly string[]): Promise<TaskDto[]> {
      return withReports(
        db,
        (await tasksRepository.byIds(db, ids)).filter((t) => canSeeTask(ctx, t)),
      );
    },

    /** The office sees every task; a supervisor only its own, whatever it asks for. */
    async list(ctx: RequestContext, filter: ListTasksFilter, page: { limit: number; cursor?: string }): Promise<Page<TaskDto>> {
      const p = ctx.principal;
      if (p.role !== 'admin' && p.role !== 'supervisor') return { items: [], nextCursor: null };
      if (p.role === 'supervisor') {
        if (!p.supervisorId || (filter.supervisorId && filter.supervisorId !== p.supervisorId)) return { items: [], nextCursor: null };
        filter = { ...filter, supervisorId: p.supervisorId };
      }
      const pg = await paginate(page, ({ after, limit }) => tasksRepository.list(db, { ...filter, afterId: after, limit }));
      return { items: await withReports(db, pg.items), nextCursor: pg.nextCursor };
    },

    accept(ctx: RequestContext, id: string): Promise<TaskDto> {
      return transition(ctx, id, { verb: 'accepted', action: 'inspection_task.accepted', to: 'accepted', patch: (now) => ({ acceptedAt: now }) });
    },

    expire(ctx: RequestContext, id: string, reason?: string): Promise<TaskDto> {
      return transition(ctx, id, {
        verb: 'expired',
        action: 'inspection_task.expired',
        to: 'expired',
        patch: (now) => ({ closedAt: now, statusReason: reason ?? null }),
      });
    },

    cancel(ctx: RequestContext, id: string, reason?: string): Promise<TaskDto> {
      return transition(ctx, id, {
        verb: 'cancelled',
        action: 'inspection_task.cancelled',
        to: 'cancelled',
        patch: (now) => ({ closedAt: now, statusReason: reason ?? null }),
      });
    },

    /** 暗访反馈: the assigned supervisor files it once, for a visit inside the task's window. */
    async report(ctx: RequestContext, id: string, input: ReportInput): Promise<TaskDto> {
      return db.transaction(async (tx) => {
        const current = await visible(tx, ctx, id);
        if (current.status === 'reported' || current.status === 'reviewed') {
          throw conflict('already_reported', `inspection task ${id} already has its report`, { currentStatus: current.status });
        }
        assertMove(current, 'reported', 'reported');
        const visitedAt = new Date(input.visitedAt);
        const now = new Date();
        if (isInFuture(visitedAt, now)) throw invalid('visitedAt', 'must not be in the future');
        if (visitedAt < current.startsAt || visitedAt > current.endsAt) {
          throw invalid('visitedAt', `must be within the task window ${current.startsAt.toISOString()} – ${current.endsAt.toISOString()}`);
        }
        const row = await tasksRepository.move(tx, id, taskMachine.sources('reported'), { status: 'reported', reportedAt: now });
        if (!row) throw conflict('already_reported', `inspection task ${id} was reported meanwhile`);
        await insertReport(tx, { origin: 'task', taskId: id, supervisorId: current.supervisorId, roundId: current.roundId, unitId: current.unitId, visitedAt }, input);
        const [before, after] = await withReports(tx, [current, row]);
        await audit.record(tx, ctx, { action: 'inspection_task.reported', entityType: 'inspection_task', entityId: id, before, after });
        return after;
      });
    },

    /**
     * The office's review: a decision for every finding; each accepted finding opens a problem (问题) in the
     * same transaction, so a review never half-happens.
     */
    async review(ctx: RequestContext, id: string, input: ReviewInput): Promise<TaskDto> {
      return db.transaction(async (tx) => {
        const current = await visible(tx, ctx, id);
        assertMove(current, 'reviewed', 'reviewed');
        const report = (await reportsFor(tx, [id])).get(id);
        if (!report) throw illegalTransition('inspection task', id, current.status, 'reviewed', [], `inspection task ${id} has no report`);
        const round = await roundsRepository.byId(tx, current.roundId);
        const now = new Date();
        await decideFindings(tx, ctx, { report, unitId: current.unitId, cycleId: round?.cycleId ?? null, decisions: input.decisions, now, problems });
        const row = await tasksRepository.move(tx, id, taskMachine.sources('reviewed'), { status: 'reviewed', reviewedAt: now });
        if (!row) throw conflict('concurrent_update', 'the task changed meanwhile; reload and retry');
        const after = (await withReports(tx, [row]))[0];
        await audit.record(tx, ctx, { action: 'inspection_task.reviewed', entityType: 'inspection_task', entityId: id, before: toTaskDto(current, report), after });
        return after;
      });
    },

    /** The office's list of findings across reports (e.g. serious ones to act on), with the enrollment to disqualify. */
    async listFindings(_ctx: RequestContext, filter: ListFindingsFilter, page: { limit: number; cursor?: string }): Promise<Page<FindingDto>> {
      const p = await paginate(page, ({ after, limit }) => reportsRepository.listFindings(db, { ...filter, afterId: after, limit }));
      return { items: p.items.map(toFindingDto), nextCursor: p.nextCursor };
    },
  };
}

export type TasksService = ReturnType<typeof createTasksService>;
