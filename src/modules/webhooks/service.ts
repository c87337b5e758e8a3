import type { Config } from '../../config.js';
import { inTransaction } from '../../db/client.js';
import type { Db, TxOption } from '../../db/client.js';
import { conflict, invalid, notFound, versionMismatch } from '../../lib/errors.js';
import { paginate, toIso, toIsoOrNull } from '../../lib/http.js';
import type { Page } from '../../lib/http.js';
import { uuidv7 } from '../../lib/ids.js';
import type { KeyPair } from '../../lib/keys.js';
import type { RequestContext } from '../../lib/principal.js';
import type { AuditService } from '../audit/service.js';
import { webhooksRepository } from './repository.js';
import type { DeliveryRow, DueDelivery, SubscriptionRow } from './repository.js';
import type { CreateSubscriptionInput, DeliveryDto, EventType, SubscriptionDto, UpdateSubscriptionInput } from './schemas.js';
import { hmacSignature, jwsSignature, newSecret, targetProblem } from './signing.js';

export const MAX_ATTEMPTS = 8;
/** Backoff after the n-th failed attempt: 10 s, 20 s, 40 s … capped at one hour. */
export const backoffSeconds = (attempt: number) => Math.min(3600, 10 * 2 ** (attempt - 1));
const LEASE_SECONDS = 60;
const TIMEOUT_MS = 5000;

const toSubscriptionDto = (r: SubscriptionRow): SubscriptionDto => ({
  id: r.id,
  url: r.url,
  events: r.events,
  signing: r.signing,
  description: r.description,
  active: r.active,
  createdBy: r.createdBy,
  version: r.version,
  createdAt: toIso(r.createdAt),
  updatedAt: toIso(r.updatedAt),
});

const toDeliveryDto = (r: DeliveryRow): DeliveryDto => ({
  id: r.id,
  eventId: r.eventId,
  eventType: r.eventType,
  subscriptionId: r.subscriptionId,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: toIso(r.nextAttemptAt),
  lastStatusCode: r.lastStatusCode,
  lastError: r.lastError,
  deliveredAt: toIsoOrNull(r.deliveredAt),
  createdAt: toIso(r.createdAt),
});

export function createWebhooksService({ db, audit, config, keys }: { db: Db; audit: AuditService; config: Config; keys?: KeyPair }) {
  const strictTargets = config.NODE_ENV === 'production';

  async function checkTarget(url: string, field: string) {
    const problem = await targetProblem(url, strictTargets);
    if (problem) throw invalid(field, problem, 'webhook_target_refused');
  }

  async function deliver(d: DueDelivery): Promise<void> {
    const body = JSON.stringify({ id: d.eventId, type: d.type, occurredAt: d.occurredAt.toISOString(), data: d.payload });
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'manyi-event-id': d.eventId,
      'manyi-event-type': d.type,
      'manyi-delivery-attempt': String(d.attempts),
    };
    let statusCode: number | null = null;
    let error = '';
    try {
      const targetIssue = strictTargets ? await targetProblem(d.url, true) : null;
      if (targetIssue) throw new Error(`target refused: ${targetIssue}`);
      if (d.signing === 'hmac' && d.secret) headers['manyi-signature'] = hmacSignature(d.secret, body, Math.floor(Date.now() / 1000));
      else if (d.signing === 'jws' && keys) headers['manyi-signature'] = `jws=${await jwsSignature(keys, body)}`;
      const res = await fetch(d.url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
      statusCode = res.status;
      await res.body?.cancel();
      if (res.status >= 200 && res.status < 300) {
        await webhooksRepository.markDelivered(db, d.id, res.status);
        return;
      }
      error = `HTTP ${res.status}`;
    } catch (err) {
      error = (err as Error).message;
    }
    const next = d.attempts >= MAX_ATTEMPTS ? null : new Date(Date.now() + backoffSeconds(d.attempts) * 1000);
    await webhooksRepository.markFailedAttempt(db, d.id, { statusCode, error, nextAttemptAt: next });
  }

  /** Several events of one type in one go (a sweep announcing many problems), with the same guarantees as emit. */
  async function emitMany(ctx: RequestContext, type: EventType, payloads: Record<string, unknown>[], { tx }: TxOption = {}): Promise<string[]> {
    const events = payloads.map((payload) => ({ id: uuidv7(), payload, requestId: ctx.requestId }));
    await inTransaction(db, tx, (tx) => webhooksRepository.insertEvents(tx, type, events));
    return events.map((e) => e.id);
  }

  /**
   * Records a domain event in the outbox inside the caller's transaction (`{ tx }`): the change and its event commit
   * together; delivery happens afterwards, at least once.
   */
  function emit(ctx: RequestContext, type: EventType, payload: Record<string, unknown>, opt?: TxOption): Promise<string>;
  /** @deprecated the old transaction-first form, kept only while test/webhooks.test.ts still calls it; pass `{ tx }` last. */
  function emit(tx: Db, ctx: RequestContext, type: EventType, payload: Record<string, unknown>): Promise<string>;
  async function emit(a: RequestContext | Db, b: unknown, c: unknown, d?: unknown): Promise<string> {
    const [ctx, type, payload, opt] =
      'principal' in a ? [a, b as EventType, c as Record<string, unknown>, d as TxOption | undefined] : [b as RequestContext, c as EventType, d as Record<string, unknown>, { tx: a }];
    const [id] = await emitMany(ctx, type, [payload], opt);
    return id;
  }

  return {
    emit,
    emitMany,

    /** Delivers what is due; returns how many deliveries were attempted. The dispatcher calls it on a timer. */
    async dispatchDue(limit = 50): Promise<number> {
      const due = await webhooksRepository.claimDue(db, limit, LEASE_SECONDS);
      await Promise.all(due.map(deliver));
      return due.length;
    },

    async create(ctx: RequestContext, input: CreateSubscriptionInput): Promise<SubscriptionDto & { secret: string | null }> {
      await checkTarget(input.url, 'url');
      if (input.signing === 'jws' && !keys) throw invalid('signing', 'no service signing key is configured; use hmac');
      return db.transaction(async (tx) => {
        const secret = input.signing === 'hmac' ? newSecret() : null;
        const row = await webhooksRepository.insertSubscription(tx, {
          url: input.url,
          events: input.events,
          signing: input.signing,
          secret,
          description: input.description ?? null,
          createdBy: ctx.principal.subject,
        });
        const dto = toSubscriptionDto(row);
        await audit.record(tx, ctx, { action: 'webhook_subscription.created', entityType: 'webhook_subscription', entityId: row.id, after: dto });
        return { ...dto, secret };
      });
    },

    async get(_ctx: RequestContext, id: string): Promise<SubscriptionDto> {
      const r = await webhooksRepository.subscription(db, id);
      if (!r) throw notFound('webhook subscription', id);
      return toSubscriptionDto(r);
    },

    async list(_ctx: RequestContext, page: { limit: number; cursor?: string }): Promise<Page<SubscriptionDto>> {
      const p = await paginate(page, ({ after, limit }) => webhooksRepository.listSubscriptions(db, after, limit));
      return { items: p.items.map(toSubscriptionDto), nextCursor: p.nextCursor };
    },

    async update(ctx: RequestContext, id: string, expected: number, input: UpdateSubscriptionInput): Promise<SubscriptionDto> {
      if (input.url) await checkTarget(input.url, 'url');
      return db.transaction(async (tx) => {
        const current = await webhooksRepository.subscription(tx, id);
        if (!current) throw notFound('webhook subscription', id);
        if (current.version !== expected) throw versionMismatch('webhook subscription', expected, current.version);
        const { version: _v, ...patch } = input;
        const row = await webhooksRepository.updateSubscription(tx, id, expected, patch);
        if (!row) throw versionMismatch('webhook subscription', expected, expected + 1);
        const dto = toSubscriptionDto(row);
        await audit.record(tx, ctx, { action: 'webhook_subscription.updated', entityType: 'webhook_subscription', entityId: id, before: toSubscriptionDto(current), after: dto });
        return dto;
      });
    },

    async deliveries(ctx: RequestContext, subscriptionId: string, f: { status?: 'pending' | 'delivered' | 'failed' }, page: { limit: number; cursor?: string }): Promise<Page<DeliveryDto>> {
      await this.get(ctx, subscriptionId);
      const p = await paginate(page, ({ after, limit }) => webhooksRepository.listDeliveries(db, { subscriptionId, ...f, afterId: after, limit }));
      return { items: p.items.map(toDeliveryDto), nextCursor: p.nextCursor };
    },

    /** Puts a failed delivery back in the queue (after the subscriber fixed its endpoint). */
    async retry(ctx: RequestContext, deliveryId: string): Promise<void> {
      await db.transaction(async (tx) => {
        const status = await webhooksRepository.deliveryStatus(tx, deliveryId);
        if (!status) throw notFound('webhook delivery', deliveryId);
        if (status !== 'failed' || !(await webhooksRepository.retry(tx, deliveryId))) {
          throw conflict('delivery_not_failed', `delivery ${deliveryId} is ${status}; only failed deliveries are queued again`);
        }
        await audit.record(tx, ctx, { action: 'webhook_delivery.retried', entityType: 'webhook_delivery', entityId: deliveryId });
      });
    },
  };
}

export type WebhooksService = ReturnType<typeof createWebhooksService>;
