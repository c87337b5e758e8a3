import type { Db } from '../../db/client.js';
import { notFound, versionMismatch } from '../../lib/errors.js';
import { paginate } from '../../lib/http.js';
import type { Page } from '../../lib/http.js';
import type { RequestContext } from '../../lib/principal.js';
import { stateMachine } from '../../lib/state-machine.js';
import type { AuditService } from '../audit/service.js';
import { canSeeUnit, unitScope } from '../units/service.js';
import { followUpsRepository } from './follow-ups.repository.js';
import type { FollowUpRow, FollowUpWithRating } from './follow-ups.repository.js';
import type { FollowUpDto, FollowUpStatus, ListFollowUpsFilter, ResolveFollowUpInput } from './follow-ups.schemas.js';
import { toFollowUpDto } from './mappers.js';

/**
 * 待回访 → 已联系 → 已办结. Its refusals keep the codes clients already know (follow_up_not_open, …), with the
 * same `{ from, to, allowed }` as illegal_transition.
 */
export const followUpMachine = stateMachine<FollowUpStatus>({
  open: ['contacted'],
  contacted: ['resolved'],
  resolved: [],
});

/** 回访: the unit (or its department, or the office) contacts the respondent, then resolves. */
export function createRatingFollowUpsService({ db, audit }: { db: Db; audit: AuditService }) {
  const visible = (ctx: RequestContext, r: FollowUpWithRating | undefined, id: string): FollowUpWithRating => {
    if (!r || !canSeeUnit(ctx, { id: r.followUp.unitId, departmentId: r.departmentId })) throw notFound('follow-up', id);
    return r;
  };

  async function transition(
    ctx: RequestContext,
    id: string,
    expected: number,
    action: string,
    check: (f: FollowUpRow) => void,
    patch: Partial<FollowUpRow>,
  ): Promise<FollowUpDto> {
    return db.transaction(async (tx) => {
      const current = visible(ctx, await followUpsRepository.byId(tx, id), id);
      if (current.followUp.version !== expected) throw versionMismatch('follow-up', expected, current.followUp.version);
      check(current.followUp);
      const row = await followUpsRepository.update(tx, id, expected, patch);
      if (!row) throw versionMismatch('follow-up', expected, expected + 1);
      const dto = toFollowUpDto(row, current.rating);
      const { rating: _b, ...before } = toFollowUpDto(current.followUp, current.rating);
      const { rating: _a, ...after } = dto;
      await audit.record(tx, ctx, { action, entityType: 'rating_follow_up', entityId: id, before, after });
      return dto;
    });
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
      const p = await paginate(page, ({ after, limit }) => followUpsRepository.list(db, {
        status: filter.status,
        overdue: filter.overdue,
        now,
        unitId: filter.unitId ?? scope.unitId,
        units: { departmentId: scope.departmentId },
        afterId: after,
        limit,
      }), { key: (r) => r.followUp.id });
      return { items: p.items.map((r) => toFollowUpDto(r.followUp, r.rating, now)), nextCursor: p.nextCursor };
    },

    contact(ctx: RequestContext, id: string, expected: number, note: string): Promise<FollowUpDto> {
      return transition(
        ctx,
        id,
        expected,
        'follow_up.contacted',
        (f) => {
          followUpMachine.assert('follow-up', id, f.status, 'contacted', {
            code: 'follow_up_not_open',
            detail: `follow-up ${id} is ${f.status}; only an open follow-up can be contacted`,
          });
        },
        { status: 'contacted', contactNote: note, contactedAt: new Date(), contactedBy: ctx.principal.subject },
      );
    },

    resolve(ctx: RequestContext, id: string, expected: number, input: ResolveFollowUpInput): Promise<FollowUpDto> {
      return transition(
        ctx,
        id,
        expected,
        'follow_up.resolved',
        (f) => {
          followUpMachine.assert(
            'follow-up',
            id,
            f.status,
            'resolved',
            f.status === 'open'
              ? { code: 'follow_up_not_contacted', detail: `follow-up ${id} must be contacted before it is resolved` }
              : { code: 'follow_up_resolved', detail: `follow-up ${id} is already resolved` },
          );
        },
        { status: 'resolved', resolution: input.resolution, reRatingLevel: input.reRatingLevel ?? null, resolvedAt: new Date(), resolvedBy: ctx.principal.subject },
      );
    },
  };
}

export type RatingFollowUpsService = ReturnType<typeof createRatingFollowUpsService>;
