import { boolean, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps, version } from '../../db/columns.js';
export const webhookSigning = pgEnum('webhook_signing', ['jws', 'hmac']);

/** A portal's subscription to domain events. */
export const webhookSubscriptions = pgTable('webhook_subscriptions', {
  id: id(),
  url: text('url').notNull(),
  /** Event types, or ['*'] for all. */
  events: text('events').array().notNull(),
  signing: webhookSigning('signing').notNull(),
  /** HMAC secret (hmac signing only); shown once at creation. */
  secret: text('secret'),
  description: text('description'),
  active: boolean('active').notNull().default(true),
  createdBy: text('created_by').notNull(),
  version: version(),
  ...timestamps(),
});

/** Transactional outbox: written in the same transaction as the change it announces. */
export const outboxEvents = pgTable(
  'outbox_events',
  {
    /** The event id subscribers de-duplicate on (UUIDv7). */
    id: uuid('id').primaryKey(),
    type: text('type').notNull(),
    payload: jsonb('payload').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    requestId: text('request_id'),
  },
  (t) => [index('outbox_events_type_idx').on(t.type, t.id)],
);

export const deliveryStatus = pgEnum('webhook_delivery_status', ['pending', 'delivered', 'failed']);

/** One event for one subscription: retried with backoff until delivered or out of attempts. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: id(),
    eventId: uuid('event_id').notNull().references(() => outboxEvents.id),
    subscriptionId: uuid('subscription_id').notNull().references(() => webhookSubscriptions.id),
    status: deliveryStatus('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true, mode: 'date' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_event_subscription_key').on(t.eventId, t.subscriptionId),
    index('webhook_deliveries_due_idx').on(t.status, t.nextAttemptAt),
    index('webhook_deliveries_subscription_idx').on(t.subscriptionId, t.id),
  ],
);
