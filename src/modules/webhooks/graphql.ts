import type { IResolvers } from 'mercurius';
import { guard } from '../../lib/graphql.js';
import { pageQuery } from '../../lib/http.js';
import { parseArgs } from '../../plugins/graphql.js';
import { createSubscriptionBody, listDeliveriesQuery, updateSubscriptionBody } from './schemas.js';

export const webhookTypeDefs = /* GraphQL */ `
  type WebhookSubscription {
    id: ID!
    url: String!
    events: [String!]!
    signing: String!
    description: String
    active: Boolean!
    createdBy: String!
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
    "the HMAC secret: only in the createWebhookSubscription result"
    secret: String
  }
  type WebhookSubscriptionPage { items: [WebhookSubscription!]! nextCursor: String }
  type WebhookDelivery {
    id: ID!
    eventId: ID!
    eventType: String!
    subscriptionId: ID!
    status: String!
    attempts: Int!
    nextAttemptAt: DateTime!
    lastStatusCode: Int
    lastError: String
    deliveredAt: DateTime
    createdAt: DateTime!
  }
  type WebhookDeliveryPage { items: [WebhookDelivery!]! nextCursor: String }
  input CreateWebhookSubscriptionInput { url: String!, events: [String!]!, signing: String, description: String }
  input UpdateWebhookSubscriptionInput { url: String, events: [String!], description: String, active: Boolean }

  extend type Query {
    webhookSubscriptions(limit: Int, cursor: String): WebhookSubscriptionPage!
    webhookDeliveries(subscriptionId: ID!, status: String, limit: Int, cursor: String): WebhookDeliveryPage!
  }
  extend type Mutation {
    createWebhookSubscription(input: CreateWebhookSubscriptionInput!): WebhookSubscription!
    updateWebhookSubscription(id: ID!, version: Int!, input: UpdateWebhookSubscriptionInput!): WebhookSubscription!
  }
`;

export const webhookResolvers: IResolvers = {
  Query: {
    webhookSubscriptions: guard(['admin'], (args: Record<string, unknown>, { ctx, services }) => services.webhooks.list(ctx, parseArgs(pageQuery, args))),
    webhookDeliveries: guard(['admin'], (args: Record<string, unknown>, { ctx, services }) =>
      services.webhooks.deliveries(ctx, String(args.subscriptionId), parseArgs(listDeliveriesQuery, args), parseArgs(pageQuery, args)),
    ),
  },
  Mutation: {
    createWebhookSubscription: guard(['admin'], ({ input }: { input: unknown }, { ctx, services }) =>
      services.webhooks.create(ctx, parseArgs(createSubscriptionBody, input, 'input')),
    ),
    updateWebhookSubscription: guard(['admin'], ({ id, version, input }: { id: string; version: number; input: unknown }, { ctx, services }) =>
      services.webhooks.update(ctx, id, version, parseArgs(updateSubscriptionBody, input, 'input')),
    ),
  },
};
