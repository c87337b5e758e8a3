import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { updateVersioned } from '../../db/versioned.js';
import { uuidv7 } from '../../lib/ids.js';
import { outboxEvents, webhookDeliveries, webhookSubscriptions } from './tables.js';

export type SubscriptionRow = typeof webhookSubscriptions.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect & { eventType: string };
export interface DueDelivery {
  id: string;
  attempts: number;
  eventId: string;
  type: string;
  payload: unknown;
  occurredAt: Date;
  url: string;
  signing: 'jws' | 'hmac';
  secret: string | null;
}

export const webhooksRepository = {
  async insertSubscription(db: Db, row: typeof webhookSubscriptions.$inferInsert): Promise<SubscriptionRow> {
    const [r] = await db.insert(webhookSubscriptions).values(row).returning();
    return r;
  },
  async subscription(db: Db, id: string): Promise<SubscriptionRow | undefined> {
    const [r] = await db.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, id));
    return r;
  },
  listSubscriptions(db: Db, afterId: string | undefined, limit: number): Promise<SubscriptionRow[]> {
    return db
      .select()
      .from(webhookSubscriptions)
      .where(afterId ? gt(webhookSubscriptions.id, afterId) : undefined)
      .orderBy(asc(webhookSubscriptions.id))
      .limit(limit);
  },
  updateSubscription(db: Db, id: string, expected: number, patch: Partial<typeof webhookSubscriptions.$inferInsert>) {
    return updateVersioned(db, webhookSubscriptions, id, expected, patch);
  },

  /** The event and one pending delivery per matching active subscription, in the caller's transaction. */
  /** Events of one type and one pending delivery per matching active subscription, in the caller's transaction. */
  async insertEvents(db: Db, type: string, events: { id: string; payload: unknown; requestId: string | null }[]): Promise<void> {
    if (events.length === 0) return;
    await db.insert(outboxEvents).values(events.map((e) => ({ id: e.id, type, payload: e.payload, requestId: e.requestId })));
    const subs = await db
      .select({ id: webhookSubscriptions.id })
      .from(webhookSubscriptions)
      .where(and(eq(webhookSubscriptions.active, true), sql`(${type} = any(${webhookSubscriptions.events}) or '*' = any(${webhookSubscriptions.events}))`));
    const deliveries = events.flatMap((e) => subs.map((s) => ({ id: uuidv7(), eventId: e.id, subscriptionId: s.id })));
    for (let i = 0; i < deliveries.length; i += 1000) await db.insert(webhookDeliveries).values(deliveries.slice(i, i + 1000));
  },

  /**
   * Claims due deliveries with a lease: other workers (other processes) skip locked rows, and a worker that
   * dies mid-delivery leaves the row to be retried when the lease runs out (at-least-once).
   */
  async claimDue(db: Db, limit: number, leaseSeconds: number): Promise<DueDelivery[]> {
    const res = await db.execute(sql`
      with due as (
        select d.id from webhook_deliveries d
        where d.status = 'pending' and d.next_attempt_at <= now()
        order by d.next_attempt_at
        limit ${limit}
        for update skip locked
      )
      update webhook_deliveries d set attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => ${leaseSeconds})
      from due, outbox_events e, webhook_subscriptions s
      where d.id = due.id and e.id = d.event_id and s.id = d.subscription_id
      returning d.id, d.attempts, e.id as event_id, e.type, e.payload, e.occurred_at, s.url, s.signing, s.secret`);
    return (res as unknown as { rows: Record<string, unknown>[] }).rows.map((r) => ({
      id: r.id as string,
      attempts: Number(r.attempts),
      eventId: r.event_id as string,
      type: r.type as string,
      payload: r.payload,
      occurredAt: new Date(r.occurred_at as string),
      url: r.url as string,
      signing: r.signing as 'jws' | 'hmac',
      secret: (r.secret as string | null) ?? null,
    }));
  },

  async markDelivered(db: Db, id: string, statusCode: number): Promise<void> {
    await db
      .update(webhookDeliveries)
      .set({ status: 'delivered', deliveredAt: new Date(), lastStatusCode: statusCode, lastError: null })
      .where(eq(webhookDeliveries.id, id));
  },

  async markFailedAttempt(db: Db, id: string, r: { statusCode: number | null; error: string; nextAttemptAt: Date | null }): Promise<void> {
    await db
      .update(webhookDeliveries)
      .set({
        status: r.nextAttemptAt ? 'pending' : 'failed',
        nextAttemptAt: r.nextAttemptAt ?? new Date(),
        lastStatusCode: r.statusCode,
        lastError: r.error.slice(0, 500),
      })
      .where(eq(webhookDeliveries.id, id));
  },

  listDeliveries(db: Db, f: { subscriptionId: string; status?: 'pending' | 'delivered' | 'failed'; afterId?: string; limit: number }): Promise<DeliveryRow[]> {
    return db
      .select({
        id: webhookDeliveries.id,
        eventId: webhookDeliveries.eventId,
        subscriptionId: webhookDeliveries.subscriptionId,
        status: webhookDeliveries.status,
        attempts: webhookDeliveries.attempts,
        nextAttemptAt: webhookDeliveries.nextAttemptAt,
        lastStatusCode: webhookDeliveries.lastStatusCode,
        lastError: webhookDeliveries.lastError,
        deliveredAt: webhookDeliveries.deliveredAt,
        createdAt: webhookDeliveries.createdAt,
        eventType: outboxEvents.type,
      })
      .from(webhookDeliveries)
      .innerJoin(outboxEvents, eq(outboxEvents.id, webhookDeliveries.eventId))
      .where(
        and(
          eq(webhookDeliveries.subscriptionId, f.subscriptionId),
          f.status ? eq(webhookDeliveries.status, f.status) : undefined,
          f.afterId ? gt(webhookDeliveries.id, f.afterId) : undefined,
        ),
      )
      .orderBy(asc(webhookDeliveries.id))
      .limit(f.limit);
  },

  async deliveryStatus(db: Db, id: string): Promise<'pending' | 'delivered' | 'failed' | undefined> {
    const [r] = await db.select({ status: webhookDeliveries.status }).from(webhookDeliveries).where(eq(webhookDeliveries.id, id));
    return r?.status;
  },

  /** A failed delivery queued again gets a full set of attempts. */
  async retry(db: Db, id: string): Promise<boolean> {
    const r = await db
      .update(webhookDeliveries)
      .set({ status: 'pending', attempts: 0, nextAttemptAt: new Date() })
      .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.status, 'failed')))
      .returning({ id: webhookDeliveries.id });
    return r.length > 0;
  },
};
