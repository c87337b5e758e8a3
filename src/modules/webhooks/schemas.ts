import { z } from 'zod';
import { isoDate } from '../../lib/http.js';

/** The events portals can subscribe to; modules emit them through the outbox in their own transactions. */
export const eventTypes = {
  'award.status_changed': { zhCN: '荣誉状态变更', en: 'Award status changed' },
  'ranking.published': { zhCN: '排名发布', en: 'Ranking published' },
  'complaint.status_changed': { zhCN: '投诉状态变更', en: 'Complaint status changed' },
  'problem.overdue': { zhCN: '问题整改逾期', en: 'Problem overdue' },
  'problem.status_changed': { zhCN: '问题整改状态变更', en: 'Problem status changed' },
  'cycle.phase_changed': { zhCN: '创建周期阶段变更', en: 'Cycle phase changed' },
} as const;
export type EventType = keyof typeof eventTypes;
const eventTypeEnum = z.enum(Object.keys(eventTypes) as [EventType, ...EventType[]]);

export const subscription = z
  .object({
    id: z.uuid(),
    url: z.string(),
    events: z.array(z.string()),
    signing: z.enum(['jws', 'hmac']),
    description: z.string().nullable(),
    active: z.boolean(),
    createdBy: z.string(),
    version: z.number().int(),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .meta({ id: 'WebhookSubscription' });
export type SubscriptionDto = z.infer<typeof subscription>;

export const createdSubscription = subscription
  .extend({ secret: z.string().nullable().describe('the HMAC secret, shown only in this response') })
  .meta({ id: 'CreatedWebhookSubscription' });

export const createSubscriptionBody = z.object({
  url: z.url().max(2000),
  events: z.array(z.union([eventTypeEnum, z.literal('*')])).min(1).max(20),
  signing: z.enum(['jws', 'hmac']).default('hmac').describe('jws: detached JWS (ES256) with the service key, see /.well-known/jwks.json; hmac: HMAC-SHA256 with a per-subscription secret'),
  description: z.string().trim().max(500).nullable().optional(),
});
export type CreateSubscriptionInput = z.infer<typeof createSubscriptionBody>;

export const updateSubscriptionBody = z.object({
  url: z.url().max(2000).optional(),
  events: z.array(z.union([eventTypeEnum, z.literal('*')])).min(1).max(20).optional(),
  description: z.string().trim().max(500).nullable().optional(),
  active: z.boolean().optional(),
  version: z.number().int().optional(),
});
export type UpdateSubscriptionInput = z.infer<typeof updateSubscriptionBody>;

export const delivery = z
  .object({
    id: z.uuid(),
    eventId: z.uuid(),
    eventType: z.string(),
    subscriptionId: z.uuid(),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number().int(),
    nextAttemptAt: isoDate,
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    deliveredAt: isoDate.nullable(),
    createdAt: isoDate,
  })
  .meta({ id: 'WebhookDelivery' });
export type DeliveryDto = z.infer<typeof delivery>;

export const listDeliveriesQuery = z.object({ status: z.enum(['pending', 'delivered', 'failed']).optional() });
