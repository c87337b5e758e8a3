import { inTransaction } from '../../db/client.js';
import type { TxOption } from '../../db/client.js';
import type { EvidenceCheck } from '../../lib/evidence.js';
import { DomainError, notFound, versionMismatch } from '../../lib/errors.js';
import { paginate } from '../../lib/http.js';
import type { Page } from '../../lib/http.js';
import { systemContext } from '../../lib/principal.js';
import type { RequestContext } from '../../lib/principal.js';
import { canSeeUnit, unitScope } from '../units/service.js';
import type { WebhooksService } from '../webhooks/service.js';
import { createCommendationsService } from './commendations.service.js';
import { toAwardDto, toTransitionDto } from './dto.js';
import { createNominationsService } from './nominations.service.js';
import type { NominationDeps } from './nominations.service.js';
import { awardsRepository as repo } from './repository.js';
import type { AwardView } from './repository.js';
import { awardStatusLabels, tierLabels } from './schemas.js';
import type {
  AwardDto,
  AwardRollDto,
  AwardStatusChangedEvent,
  AwardTransitionDto,
  AwardWithTransitionsDto,
  EscalationResultDto,
  ListAwardsFilter,
  TransitionInput,
} from './schemas.js';
import { awardMachine, checkMove, checkRequest } from './transitions.js';
import { awardQueries } from './queries.js';

/** An honour stays under management after the cycle closes. */
const MANAGEABLE = ['naming', 'closed'] as const;
export const OVERDUE_REASON = 'rectification overdue';

export type AwardStatusListener = (event: AwardStatusChangedEvent) => void;

/**
 * 命名表彰 and its dynamic management (动态管理). Besides the nominations and commendations it composes, it owns the
 * award state machine: every move is one transaction (row lock, rule check, transition row, audit entry, outbox
 * event); after commit, in-process listeners (the GraphQL subscription) hear about it.
 */
export function createAwardsService(deps: NominationDeps & { webhooks: WebhooksService; checkEvidence: EvidenceCheck }) {
  const { db, audit, cycles, webhooks } = deps;
  const listeners = new Set<AwardStatusListener>();

  cycles.addPrecondition('ranking', {
    check: 'published_ranking',
    async failures(tx, cycle) {
      return (await repo.hasPublishedRanking(tx, cycle.id)) ? [] : ['no published ranking (排名) exists for the cycle: publish one before naming'];
    },
  });

  async function visible(ctx: RequestContext, id: string): Promise<AwardView> {
    const v = await repo.awardById(db, id);
    if (!v || !canSeeUnit(ctx, { id: v.award.unitId, departmentId: v.departmentId })) throw notFound('award', id);
    return v;
  }

  function notify(event: AwardStatusChangedEvent): void {
    for (const l of listeners) {
      try {
        l(event);
      } catch {
        // a listener's failure never undoes a committed change
      }
    }
  }

  async function transition(ctx: RequestContext, id: string, expected: number | undefined, input: TransitionInput): Promise<AwardWithTransitionsDto> {
    const now = new Date();
    checkRequest(input, now);
    const { result, event } = await db.transaction(async (tx) => {
      const current = await repo.awardById(tx, id, true);
      if (!current) throw notFound('award', id);
      const a = current.award;
      if (expected !== undefined && a.version !== expected) throw versionMismatch('award', expected, a.version);
      await cycles.requirePhase(a.cycleId, MANAGEABLE, 'awards_not_manageable', { tx });
      checkMove(id, a.status, input);
      await deps.checkEvidence(tx, input.evidence);
      const deadline = input.to === 'rectification_ordered' ? new Date(input.deadline!) : null;
      const row = await repo.updateAward(tx, id, a.version, {
        status: input.to,
        rectificationDeadline: deadline,
        ...(input.to === 'revoked' ? { revokedAt: now, revocationReason: input.reason } : {}),
      });
      if (!row) throw versionMismatch('award', a.version, a.version + 1);
      const t = toTransitionDto(
        await repo.insertTransition(tx, {
          awardId: id,
          fromStatus: a.status,
          toStatus: input.to,
          reason: input.reason,
          evidence: input.evidence,
          deadline,
          actor: ctx.principal.subject,
          role: ctx.principal.role,
          at: now,
        }),
      );
      const after = toAwardDto({ ...current, award: row }, now);
      await audit.record(tx, ctx, {
        action: 'award.status_changed',
        entityType: 'award',
        entityId: id,
        before: toAwardDto(current, now),
        after: { ...after, transition: t },
      });
      const payload = { awardId: id, cycleId: a.cycleId, unitId: a.unitId, tier: a.tier, from: a.status, to: input.to, reason: input.reason, evidence: input.evidence, at: t.at };
      await webhooks.emit(ctx, 'award.status_changed', payload, { tx });
      const transitions = (await repo.transitionsOf(tx, [id])).map(toTransitionDto);
      return { result: { ...after, transitions }, event: { ...payload, departmentId: current.departmentId } };
    });
    notify(event);
    return result;
  }

  /**
   * Yellow-cards every overdue rectification of the cycle, each as its own audited transition. Each move expects the
   * version read with the overdue rectification, so an award moved meanwhile — yellow-carded by a concurrent sweep
   * (412), verified (409), or verified and ordered again with a new deadline (412) — is skipped, never escalated twice
   * or against a deadline that has not lapsed.
   */
  async function escalateOverdue(ctx: RequestContext, cycleId: string): Promise<EscalationResultDto> {
    await cycles.requirePhase(cycleId, MANAGEABLE, 'awards_not_manageable');
    const escalated: AwardDto[] = [];
    const skipped: EscalationResultDto['skipped'] = [];
    for (const { id, version } of await repo.dueForYellowCard(db, cycleId, new Date())) {
      try {
        const { transitions: _t, ...a } = await transition(ctx, id, version, { to: 'yellow_card', reason: OVERDUE_REASON, evidence: [] });
        escalated.push(a);
      } catch (err) {
        // Someone moved it first: not (or no longer the same) overdue rectification.
        if (err instanceof DomainError && (err.status === 409 || err.status === 412)) skipped.push({ awardId: id, code: err.code, detail: err.message });
        else throw err;
      }
    }
    return { escalated, skipped };
  }

  return {
    ...createNominationsService(deps),
    ...createCommendationsService(deps),

    /**
     * Listens to committed status changes (in this process only). Returns the function that stops listening.
     * The app wires the GraphQL subscription's pubsub here.
     */
    onStatusChanged(listener: AwardStatusListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async list(ctx: RequestContext, cycleId: string, filter: ListAwardsFilter, page: { limit: number; cursor?: string }): Promise<Page<AwardDto>> {
      await cycles.getCycle(cycleId);
      const scope = unitScope(ctx);
      if ((scope.departmentId && filter.departmentId && filter.departmentId !== scope.departmentId) || (scope.unitId && filter.unitId && filter.unitId !== scope.unitId)) {
        return { items: [], nextCursor: null };
      }
      const now = new Date();
      const p = await paginate(page, ({ after, limit }) => repo.listAwards(db, {
        cycleId,
        status: filter.status,
        tier: filter.tier,
        unitId: filter.unitId,
        departmentId: filter.departmentId,
        scopeDepartmentId: scope.departmentId,
        scopeUnitId: scope.unitId,
        dueBefore: filter.dueForYellowCard ? now : undefined,
        afterId: after,
        limit,
      }), { key: (r) => r.award.id });
      return { items: p.items.map((r) => toAwardDto(r, now)), nextCursor: p.nextCursor };
    },

    async get(ctx: RequestContext, id: string): Promise<AwardWithTransitionsDto> {
      const v = await visible(ctx, id);
      const transitions = (await repo.transitionsOf(db, [id])).map(toTransitionDto);
      return { ...toAwardDto(v), transitions };
    },

    /** Batched, scoped read for loaders. */
    async byIds(ctx: RequestContext, ids: readonly string[]): Promise<AwardDto[]> {
      const now = new Date();
      return (await repo.awardsByIds(db, ids)).filter((v) => canSeeUnit(ctx, { id: v.award.unitId, departmentId: v.departmentId })).map((v) => toAwardDto(v, now));
    },

    /** Transitions of many awards (already visible to the caller), for the loader; one query. */
    async transitionsOf(awardIds: readonly string[]): Promise<Map<string, AwardTransitionDto[]>> {
      const out = new Map<string, AwardTransitionDto[]>(awardIds.map((id) => [id, []]));
      for (const t of await repo.transitionsOf(db, awardIds)) out.get(t.awardId)?.push(toTransitionDto(t));
      return out;
    },

    transition,
    escalateOverdue,

    /** The periodic run: escalates in every cycle whose settings say `awards.autoEscalateOverdue`, as the system. */
    /**
     * CONTRACT for appeals (申诉复核): an upheld appeal against an award transition moves the award back where that
     * transition took it from — when the award still stands where the transition left it and the move back is legal
     * (a rectification order or a yellow card is lifted; a revocation is final). In the caller's transaction, with its
     * transition row, audit entry and outbox event; in-process listeners are not told (the outbox event is). Null when
     * there is nothing to reverse.
     */
    async reverseTransitionAfterAppeal(ctx: RequestContext, transitionId: string, appealId: string, { tx }: TxOption = {}): Promise<AwardDto | null> {
      return inTransaction(db, tx, async (tx) => {
        const t = await awardQueries.transitionSubject(tx, transitionId);
        if (!t) return null;
        const current = await repo.awardById(tx, t.awardId, true);
        if (!current || current.award.status !== t.toStatus || !awardMachine.can(t.toStatus, t.fromStatus)) return null;
        const a = current.award;
        const now = new Date();
        const reason = `appeal ${appealId} upheld (申诉成立): transition ${transitionId} reversed`;
        const row = await repo.updateAward(tx, a.id, a.version, { status: t.fromStatus, rectificationDeadline: null });
        if (!row) throw versionMismatch('award', a.version, a.version + 1);
        const moved = toTransitionDto(
          await repo.insertTransition(tx, { awardId: a.id, fromStatus: a.status, toStatus: t.fromStatus, reason, evidence: [], deadline: null, actor: ctx.principal.subject, role: ctx.principal.role, at: now }),
        );
        const after = toAwardDto({ ...current, award: row }, now);
        await audit.record(tx, ctx, { action: 'award.status_changed', entityType: 'award', entityId: a.id, before: toAwardDto(current, now), after: { ...after, transition: moved, appealId } });
        await webhooks.emit(ctx, 'award.status_changed', { awardId: a.id, cycleId: a.cycleId, unitId: a.unitId, tier: a.tier, from: a.status, to: t.fromStatus, reason, evidence: [], at: moved.at }, { tx });
        return after;
      });
    },

    async escalateAutomatically(): Promise<number> {
      let n = 0;
      for (const cycleId of await repo.cyclesToEscalate(db, new Date())) {
        n += (await escalateOverdue(systemContext('award-escalation'), cycleId)).escalated.length;
      }
      return n;
    },

    /** A tag that changes whenever the cycle's roll changes (newest award update, number of awards). */
    async rollTag(cycleId: string): Promise<string> {
      await cycles.getCycle(cycleId);
      const s = await repo.rollStamp(db, cycleId);
      return `"award-roll-${cycleId}-${s.latest?.getTime() ?? 0}-${s.count}"`;
    },

    /** 荣誉榜 (public): current holders with their status, and the revoked with date and reason. */
    async roll(cycleId: string): Promise<AwardRollDto> {
      await cycles.getCycle(cycleId);
      const rows = await repo.roll(db, cycleId);
      const roll: AwardRollDto = { cycleId, holders: [], revoked: [] };
      for (const { award: a, unitName, departmentName } of rows) {
        if (a.status === 'revoked') {
          roll.revoked.push({
            unitId: a.unitId,
            unitName,
            tier: a.tier,
            tierLabel: tierLabels[a.tier],
            certificateNo: a.certificateNo,
            revokedAt: (a.revokedAt ?? a.updatedAt).toISOString(),
            reason: a.revocationReason ?? '',
          });
        } else {
          roll.holders.push({
            unitId: a.unitId,
            unitName,
            departmentName,
            category: a.category,
            tier: a.tier,
            tierLabel: tierLabels[a.tier],
            certificateNo: a.certificateNo,
            status: a.status,
            statusLabel: awardStatusLabels[a.status],
            namedAt: a.namedAt.toISOString(),
          });
        }
      }
      return roll;
    },

  };
}

export type AwardsService = ReturnType<typeof createAwardsService>;
