import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { expectedVersion, idParams, labelSchema, pageOf, pageQuery, problems, queryOf, sendVersioned } from '../../lib/http.js';
import { EVERYONE } from '../../lib/principal.js';
import { createSubscriptionBody, createdSubscription, delivery, eventTypes, listDeliveriesQuery, subscription, updateSubscriptionBody } from './schemas.js';

const tags = ['webhooks'];

export const webhookRoutes: FastifyPluginAsyncZod = async (app) => {
  const svc = app.services.webhooks;

  app.get('/webhook-event-types', {
    config: { access: EVERYONE },
    schema: {
      operationId: 'listWebhookEventTypes',
      summary: 'Event types a subscription can name',
      tags,
      security: [],
      response: { 200: z.object({ items: z.array(z.object({ type: z.string(), label: labelSchema })) }) },
    },
    handler: async () => ({ items: Object.entries(eventTypes).map(([type, label]) => ({ type, label })) }),
  });

  app.get('/webhook-subscriptions', {
    config: { access: ['admin'] },
    schema: { operationId: 'listWebhookSubscriptions', summary: 'List webhook subscriptions', tags, querystring: queryOf(pageQuery), response: { 200: pageOf(subscription), ...problems() } },
    handler: async (req) => svc.list(req.ctx, req.query),
  });

  app.post('/webhook-subscriptions', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'createWebhookSubscription',
      summary: 'Subscribe a URL to events',
      description:
        'Deliveries are POSTs of `{ id, type, occurredAt, data }` with headers `manyi-event-id` (de-duplicate on it: delivery is at least once), `manyi-event-type`, `manyi-delivery-attempt` and `manyi-signature`: `t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">` with the secret returned here once, or `jws=<detached JWS>` verifiable with /.well-known/jwks.json. Non-2xx answers are retried with exponential backoff (10 s doubling, at most 1 h apart, 8 attempts). Outside development the URL must be https and must not resolve to loopback or private addresses.',
      tags,
      body: createSubscriptionBody,
      response: { 201: createdSubscription, ...problems(422) },
    },
    handler: async (req, reply) => sendVersioned(reply.status(201), await svc.create(req.ctx, req.body)),
  });

  app.get('/webhook-subscriptions/:id', {
    config: { access: ['admin'] },
    schema: { operationId: 'getWebhookSubscription', summary: 'Get a webhook subscription', tags, params: idParams, response: { 200: subscription, ...problems(404) } },
    handler: async (req, reply) => sendVersioned(reply, await svc.get(req.ctx, req.params.id)),
  });

  app.patch('/webhook-subscriptions/:id', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'updateWebhookSubscription',
      summary: 'Change or pause a subscription (If-Match required)',
      tags,
      params: idParams,
      body: updateSubscriptionBody,
      response: { 200: subscription, ...problems(404, 412, 422, 428) },
    },
    handler: async (req, reply) => sendVersioned(reply, await svc.update(req.ctx, req.params.id, expectedVersion(req, req.body.version), req.body)),
  });

  app.get('/webhook-subscriptions/:id/deliveries', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'listWebhookDeliveries',
      summary: 'Delivery log of a subscription',
      tags,
      params: idParams,
      querystring: queryOf(pageQuery.extend(listDeliveriesQuery.shape)),
      response: { 200: pageOf(delivery), ...problems(404) },
    },
    handler: async (req) => {
      const { limit, cursor, ...f } = req.query;
      return svc.deliveries(req.ctx, req.params.id, f, { limit, cursor });
    },
  });

  app.post('/webhook-deliveries/:id/retry', {
    config: { access: ['admin'] },
    schema: { operationId: 'retryWebhookDelivery', summary: 'Queue a failed delivery again', tags, params: idParams, response: { 204: z.null(), ...problems(404, 409) } },
    handler: async (req, reply) => {
      await svc.retry(req.ctx, req.params.id);
      return reply.status(204).send(null);
    },
  });
};
