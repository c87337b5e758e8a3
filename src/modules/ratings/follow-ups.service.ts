import type { Db, TxOption } from '../../db/client.js';
import { DomainError, conflict, forbidden, invalid, notFound, versionMismatch } from '../../lib/errors.js';
import { paginate } from '../../lib/http.js';
import type { Page } from '../../lib/http.js';
import type { RequestContext } from '../../lib/principal.js';
import { stateMachine } from '../../lib/state-machine.js';
import type { CalendarService } from '../calendar/service.js';
import type { AuditService } from '../audit/service.js';
import { unitScope } from '../units/service.js';
import { canSeeSubject } from './subjects.js';
import type { CallBackLinks } from './call-back-links.js';
import { followUpsRepository } from './follow-ups.repository.js';
import type { FollowUpRow, FollowUpWithRating } from './follow-ups.repository.js';
import type {
  CallBackInput,
  FollowUpDto,
  FollowUpStatus,
  ListFollowUpsFilter,
  PhoneCallBackInput,
  ProblemSeverity,
  RectifyFollowUpInput,
  VerifyFollowUpInput,
} from './follow-ups.schemas.js';
import { toFollowUpDto } from './mappers.js';

/**
 * 差评核实 → 整改 → 回访. Not substantiated and malicious bad ratings close at verification (an appeal may later
 * exclude a malicious one: that is the appeals' rule, not this loop's).
 */
export const followUpMachine = stateMachine<FollowUpStatus>({
  open: ['verified', 'closed'],
  verified: ['rectifying'],
  rectifying: ['called_back'],
  called_back: ['closed'],
  closed: [],
});

/**
 * Who verifies, rectifies and closes: the campaign office (admin) or the rated unit's own department — never the rated
 * unit, which would be judging itself. Routes allow only these roles; the service checks again for other callers.
 */
export const LOOP_STAFF = ['admin', 'department'] as const;
/** Who verifies and closes the loop of a department's own (or its leadership team's) bad rating: the office only. */
export const DEPARTMENT_LOOP_JUDGES = ['admin'] as const;
/** Who records a phone call-back: the campaign office only (政风行风评议办公室), so the rated side never enters a re-rating. */
export const PHONE_CALL_BACK_STAFF = ['admin'] as const;

/**
 * What the loop needs of the problems module (its `openFromSource` and `unitAndStatus` contracts), run inside the loop's
 * transaction. Declared here, not imported: problems reads ratings (a rating as a problem's source), so ratings may not
 * import problems.
 */
export interface ProblemPort {
  openFromSource(
    ctx: RequestContext,
    input: { unitId: string; cycleId: string | null; sourceType: 'rating'; sourceId: string; severity: ProblemSeverity; description: string },
    opt: TxOption,
  ): Promise<{ id: string }>;
  unitAndStatus(id: string, opt: TxOption): Promise<{ unitId: string; status: string; deadline: Date } | undefined>;
}

/** Problem statuses after the unit has submitted its rectification: the rater may judge the fix from then on. */
const RECTIFICATION_SUBMITTED = ['submitted', 'verified'];

export function createRatingFollowUpsService({
  db,
  audit,
  problems,
  links,
  calendar,
  followUpWorkingDays,
}: {
  db: Db;
  audit: AuditService;
  problems: ProblemPort;
  links: CallBackLinks;
  calendar: Pick<CalendarService, 'addWorkingDays'>;
  /** FOLLOW_UP_WORKING_DAYS: the call-back is due this many working days after the problem's deadline. */
  followUpWorkingDays: number;
}) {
  const visible = (ctx: RequestContext, r: FollowUpWithRating | undefined, id: string): FollowUpWithRating => {
    if (!r || !canSeeSubject(ctx, { unitId: r.followUp.unitId, departmentId: r.departmentId })) throw notFound('follow-up', id);
    return r;
  };
  const allow = (ctx: RequestContext, roles: readonly string[]) => {
    if (!roles.includes(ctx.principal.role)) throw forbidden(`only ${roles.join(' or ')} may do this; the rated unit never judges its own bad rating`);
  };
  /**
   * A department's own bad rating (万人评机关, 领导班子): the department is the rated side, so only the office verifies and
   * closes it — the department never judges its own bad rating (as a unit never judges its own).
   */
  const notJudgingItself = (ctx: RequestContext, f: FollowUpRow) => {
    if (f.departmentId && !(DEPARTMENT_LOOP_JUDGES as readonly string[]).includes(ctx.principal.role)) {
      throw forbidden(`follow-up ${f.id} answers a bad rating of department ${f.departmentId} itself: only ${DEPARTMENT_LOOP_JUDGES.join(' or ')} may verify or close it`);
    }
  };

  /**
   * One step: scope, version, state machine, the change and its audit entry in one transaction. `expected` undefined
   * (the rater's link) takes the current version; losing a race to a concurrent step answers `raced`.
   */
  async function step(
    ctx: RequestContext,
    id: string,
    expected: number | undefined,
    to: FollowUpStatus,
    action: string,
    patch: (current: FollowUpWithRating, tx: Db) => Promise<Partial<FollowUpRow>> | Partial<FollowUpRow>,
    opts: { raced?: () => DomainError; check?: (current: FollowUpWithRating, tx: Db) => Promise<void> } = {},
  ): Promise<FollowUpDto> {
    const raced = opts.raced ?? (() => versionMismatch('follow-up', expected ?? 0, (expected ?? 0) + 1));
    return db.transaction(async (tx) => {
      const current = visible(ctx, await followUpsRepository.byId(tx, id), id);
      const version = expected ?? current.followUp.version;
      if (current.followUp.version !== version) throw versionMismatch('follow-up', version, current.followUp.version);
      await opts.check?.(current, tx);
      followUpMachine.assert('follow-up', id, current.followUp.state, to);
      const row = await followUpsRepository.update(tx, id, version, { ...(await patch(current, tx)), state: to });
      if (!row) throw raced();
      const dto = toFollowUpDto(row, current.rating);
      const { rating: _b, ...before } = toFollowUpDto(current.followUp, current.rating);
      const { rating: _a, ...after } = dto;
      await audit.record(tx, ctx, { action, entityType: 'rating_follow_up', entityId: id, before, after });
      return dto;
    });
  }

  /** The call-back (by the rater's link or by phone) is taken once, and only after the rectification was submitted. */
  async function callBack(ctx: RequestContext, id: string, expected: number | undefined, input: CallBackInput, channel: 'rater_link' | 'phone') {
    const given = () => conflict('call_back_already_given', `follow-up ${id} has already been called back`).zh(`差评 ${id} 已完成回访`);
    return step(
      ctx,
      id,
      expected,
      'called_back',
      'follow_up.called_back',
      () => ({
        reRatingLevel: input.level,
        callBackComment: input.comment ?? null,
        callBackChannel: channel,
        calledBackAt: new Date(),
        calledBackBy: ctx.principal.subject,
      }),
      { raced: given, check: async ({ followUp: f }, tx) => {
        if (f.state === 'called_back' || f.state === 'closed') throw given();
        // A department rectifies its own bad rating itself (its 整改措施 recorded at rectify): the rater may judge it from then on.
        if (f.departmentId && f.state === 'rectifying') return;
        const problem = f.problemId ? await problems.unitAndStatus(f.problemId, { tx }) : undefined;
        if (f.state !== 'rectifying' || !problem || !RECTIFICATION_SUBMITTED.includes(problem.status)) {
          throw conflict('call_back_not_ready', `follow-up ${id} is ${f.state}${problem ? ` and its problem is ${problem.status}` : ''}; the call-back is taken once the rectification is submitted`, {
            loopStatus: f.state,
            problemStatus: problem?.status ?? null,
          });
        }
      } },
    );
  }

  /**
   * 整改 of a department's own bad rating: problems (问题整改) are a unit's, so the department records its rectification
   * measures (整改措施) on the loop itself; the call-back falls due FOLLOW_UP_WORKING_DAYS working days from now.
   */
  function rectifyByDepartment(ctx: RequestContext, f: FollowUpRow, input: RectifyFollowUpInput): Partial<FollowUpRow> {
    if (input.problemId) throw invalid('problemId', `follow-up ${f.id} answers a bad rating of a department: it is rectified by the department's measures (description), not through a unit's problem`);
    if (input.severity) throw invalid('severity', 'a department rectifies its own bad rating without opening a problem: leave severity out');
    if (!input.description) throw invalid('description', "required for a department's own bad rating: its rectification measures (整改措施)");
    const now = new Date();
    return { rectification: input.description, rectifyingAt: now, rectifyingBy: ctx.principal.subject, deadline: calendar.addWorkingDays(now, followUpWorkingDays) };
  }

  return {
    async get(ctx: RequestContext, id: string): Promise<FollowUpDto> {
      const r = visible(ctx, await followUpsRepository.byId(db, id), id);
      return toFollowUpDto(r.followUp, r.rating);
    },

    async list(ctx: RequestContext, filter: ListFollowUpsFilter, page: { limit: number; cursor?: string }): Promise<Page<FollowUpDto>> {
      const scope = unitScope(ctx);
      if (scope.unitId && filter.unitId && filter.unitId !== scope.unitId) return { items: [], nextCursor: null };
      const now = new Date();
      if (scope.departmentId && filter.departmentId && filter.departmentId !== scope.departmentId) return { items: [], nextCursor: null };
      const p = await paginate(page, ({ after, limit }) => followUpsRepository.list(db, {
        status: filter.status,
        overdue: filter.overdue,
        now,
        unitId: filter.unitId ?? scope.unitId,
        department: scope.departmentId ?? filter.departmentId,
        afterId: after,
        limit,
      }), { key: (r) => r.followUp.id });
      return { items: p.items.map((r) => toFollowUpDto(r.followUp, r.rating, now)), nextCursor: p.nextCursor };
    },

    /** 差评核实: substantiated → verified (to be rectified); not substantiated or malicious → closed. */
    verify(ctx: RequestContext, id: string, expected: number, input: VerifyFollowUpInput): Promise<FollowUpDto> {
      allow(ctx, LOOP_STAFF);
      const to = input.outcome === 'substantiated' ? 'verified' : 'closed';
      const now = new Date();
      return step(ctx, id, expected, to, 'follow_up.verified', () => ({
        verification: input.outcome,
        verificationReason: input.reason,
        verifiedAt: now,
        verifiedBy: ctx.principal.subject,
        ...(to === 'closed' ? { closedAt: now, closedBy: ctx.principal.subject, closeNote: input.reason } : {}),
      }), { check: async ({ followUp: f }) => notJudgingItself(ctx, f) });
    },

    /**
     * 整改: links a problem of the same unit, or opens one from the rating through the problems service (idempotent per
     * rating). The call-back falls due FOLLOW_UP_WORKING_DAYS working days after the problem's deadline.
     */
    rectify(ctx: RequestContext, id: string, expected: number, input: RectifyFollowUpInput): Promise<FollowUpDto> {
      allow(ctx, LOOP_STAFF);
      return step(ctx, id, expected, 'rectifying', 'follow_up.rectifying', async ({ followUp: f, rating }, tx) => {
        if (f.departmentId) return rectifyByDepartment(ctx, f, input);
        let problemId: string;
        if (input.problemId) {
          const p = await problems.unitAndStatus(input.problemId, { tx });
          if (!p) throw invalid('problemId', `problem ${input.problemId} does not exist`);
          if (p.unitId !== f.unitId) throw invalid('problemId', `problem ${input.problemId} belongs to another unit`);
          problemId = input.problemId;
        } else {
          const opened = await problems.openFromSource(
            ctx,
            {
              // A unit's loop (a department's is rectified by rectifyByDepartment above): unit_id is set (rating_follow_ups_subject_check).
              unitId: f.unitId!,
              cycleId: rating.cycleId,
              sourceType: 'rating',
              sourceId: rating.id,
              severity: input.severity ?? 'minor',
              description: input.description ?? rating.comment ?? `差评核实属实: ${f.verificationReason ?? ''}`.trim(),
            },
            { tx },
          );
          problemId = opened.id;
        }
        const now = new Date();
        const problemDeadline = (await problems.unitAndStatus(problemId, { tx }))!.deadline;
        const from = problemDeadline.getTime() > now.getTime() ? problemDeadline : now;
        return { problemId, rectifyingAt: now, rectifyingBy: ctx.principal.subject, deadline: calendar.addWorkingDays(from, followUpWorkingDays) };
      });
    },

    /** 回访 by the rater: the signed link handed out with their bad rating; the rated unit never enters it. */
    callBackByRater(ctx: RequestContext, token: string, input: CallBackInput): Promise<FollowUpDto> {
      const checked = links.check(token);
      if (!checked.ok && checked.reason === 'expired') throw new DomainError(410, 'call_back_link_expired', 'Gone', 'this call-back link has expired').zh('该回访链接已过期');
      if (!checked.ok) throw new DomainError(404, 'call_back_link_invalid', 'Not Found', 'this call-back link is not valid').zh('该回访链接无效');
      return callBack({ ...ctx, principal: { role: 'anonymous', subject: 'rater' } }, checked.followUpId, undefined, input, 'rater_link');
    },

    /** 电话回访: the office staff record the rater's re-rating given on the phone (channel `phone`, their subject kept). */
    recordPhoneCallBack(ctx: RequestContext, id: string, expected: number, input: PhoneCallBackInput): Promise<FollowUpDto> {
      allow(ctx, PHONE_CALL_BACK_STAFF);
      return callBack(ctx, id, expected, input, 'phone');
    },

    /** 办结: after the call-back, the office or the department closes the loop. */
    close(ctx: RequestContext, id: string, expected: number, note?: string): Promise<FollowUpDto> {
      allow(ctx, LOOP_STAFF);
      return step(ctx, id, expected, 'closed', 'follow_up.closed', () => ({ closedAt: new Date(), closedBy: ctx.principal.subject, closeNote: note ?? null }), {
        check: async ({ followUp: f }) => notJudgingItself(ctx, f),
      });
    },
  };
}

export type RatingFollowUpsService = ReturnType<typeof createRatingFollowUpsService>;
