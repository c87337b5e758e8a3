import type { IResolvers } from 'mercurius';
import { guard } from '../../lib/graphql.js';
import { pageQuery } from '../../lib/http.js';
import { parseArgs } from '../../plugins/graphql.js';
import { CLIENT_MANAGERS, createApiKeyBody, createClientBody, listClientsQuery, rotateSecretBody } from './schemas.js';

export const integrationClientTypeDefs = /* GraphQL */ `
  "集成客户端: a registered integration that obtains tokens at POST /oauth/token (client-credentials grant); admins only"
  type IntegrationClient {
    "the client_id"
    id: ID!
    name: String!
    description: String
    scopes: [String!]!
    "active or revoked (final)"
    status: String!
    createdBy: String!
    createdAt: DateTime!
    rotatedAt: DateTime
    rotatedBy: String
    previousSecretExpiresAt: DateTime
    revokedAt: DateTime
    revokedBy: String
    version: Int!
    updatedAt: DateTime!
    "only in the results of createIntegrationClient and rotateIntegrationClientSecret: shown once, kept as a digest"
    clientSecret: String
  }
  type IntegrationClientPage { items: [IntegrationClient!]! nextCursor: String }
  "an Open311 api_key of an integration client"
  type IntegrationApiKey {
    id: ID!
    clientId: ID!
    prefix: String!
    label: String
    status: String!
    createdBy: String!
    createdAt: DateTime!
    revokedAt: DateTime
    revokedBy: String
    "only in the result of issueIntegrationApiKey: shown once, kept as a digest"
    apiKey: String
  }
  input CreateIntegrationClientInput { name: String!, description: String, scopes: [String!]! }

  extend type Query {
    integrationClients(status: String, limit: Int, cursor: String): IntegrationClientPage!
    integrationClient(id: ID!): IntegrationClient
  }
  extend type Mutation {
    createIntegrationClient(input: CreateIntegrationClientInput!): IntegrationClient!
    "a new secret; the replaced one works on for graceSeconds (default CLIENT_SECRET_GRACE_SECONDS)"
    rotateIntegrationClientSecret(id: ID!, graceSeconds: Int): IntegrationClient!
    revokeIntegrationClient(id: ID!): IntegrationClient!
    issueIntegrationApiKey(clientId: ID!, label: String): IntegrationApiKey!
    revokeIntegrationApiKey(clientId: ID!, id: ID!): IntegrationApiKey!
  }
`;

export const integrationClientResolvers: IResolvers = {
  Query: {
    integrationClients: guard(CLIENT_MANAGERS, (args: Record<string, unknown>, { ctx, services }) => {
      const { limit, cursor } = parseArgs(pageQuery, args);
      return services.integrationClients.list(ctx, parseArgs(listClientsQuery, args), { limit, cursor });
    }),
    integrationClient: guard(CLIENT_MANAGERS, ({ id }: { id: string }, { ctx, services }) => services.integrationClients.get(ctx, id)),
  },
  Mutation: {
    createIntegrationClient: guard(CLIENT_MANAGERS, ({ input }: { input: unknown }, { ctx, services }) => services.integrationClients.create(ctx, parseArgs(createClientBody, input, 'input'))),
    rotateIntegrationClientSecret: guard(CLIENT_MANAGERS, ({ id, ...rest }: { id: string }, { ctx, services }) =>
      services.integrationClients.rotateSecret(ctx, id, parseArgs(rotateSecretBody, rest).graceSeconds),
    ),
    revokeIntegrationClient: guard(CLIENT_MANAGERS, ({ id }: { id: string }, { ctx, services }) => services.integrationClients.revoke(ctx, id)),
    issueIntegrationApiKey: guard(CLIENT_MANAGERS, ({ clientId, ...rest }: { clientId: string }, { ctx, services }) =>
      services.integrationClients.issueApiKey(ctx, clientId, parseArgs(createApiKeyBody, rest).label),
    ),
    revokeIntegrationApiKey: guard(CLIENT_MANAGERS, ({ clientId, id }: { clientId: string; id: string }, { ctx, services }) => services.integrationClients.revokeApiKey(ctx, clientId, id)),
  },
};
