import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { expectedVersion, idParams, pageOf, pageQuery, problems, queryOf, sendVersioned } from '../../lib/http.js';
import {
  CLIENT_MANAGERS,
  apiKey,
  apiKeyWithKey,
  clientKeyParams,
  clientWithSecret,
  createApiKeyBody,
  createClientBody,
  integrationClient,
  listClientsQuery,
  rotateSecretBody,
  updateClientBody,
} from './schemas.js';

const tags = ['integration-clients'];
const config = { access: CLIENT_MANAGERS };

/** The office's registry of integration clients (集成客户端) and their Open311 api_keys, under /api/v1. */
export const integrationClientRoutes: FastifyPluginAsyncZod = async (app) => {
  const svc = app.services.integrationClients;

  app.post('/integration-clients', {
    config,
    schema: {
      operationId: 'createIntegrationClient',
      summary: 'Register an integration client; its client_secret is in this answer only',
      description: 'The client obtains tokens at POST /oauth/token (client-credentials grant) with its id as client_id and this secret. Only a SHA-256 digest of the secret is kept.',
      tags,
      body: createClientBody,
      response: { 201: clientWithSecret, ...problems(422) },
    },
    handler: async (req, reply) => sendVersioned(reply.status(201), await svc.create(req.ctx, req.body)),
  });

  app.get('/integration-clients', {
    config,
    schema: { operationId: 'listIntegrationClients', summary: 'List integration clients', tags, querystring: queryOf(pageQuery.extend(listClientsQuery.shape)), response: { 200: pageOf(integrationClient), ...problems() } },
    handler: async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return svc.list(req.ctx, filter, { limit, cursor });
    },
  });

  app.get('/integration-clients/:id', {
    config,
    schema: { operationId: 'getIntegrationClient', summary: 'Get an integration client', tags, params: idParams, response: { 200: integrationClient, ...problems(404) } },
    handler: async (req, reply) => sendVersioned(reply, await svc.get(req.ctx, req.params.id)),
  });

  app.patch('/integration-clients/:id', {
    config,
    schema: {
      operationId: 'updateIntegrationClient',
      summary: 'Rename an integration client or change its scopes (If-Match required)',
      tags,
      params: idParams,
      body: updateClientBody,
      response: { 200: integrationClient, ...problems(404, 409, 412, 422, 428) },
    },
    handler: async (req, reply) => sendVersioned(reply, await svc.update(req.ctx, req.params.id, expectedVersion(req, req.body.version), req.body)),
  });

  app.post('/integration-clients/:id/rotate-secret', {
    config,
    schema: {
      operationId: 'rotateIntegrationClientSecret',
      summary: 'Issue a new client_secret (in this answer only); the replaced one works on for the grace period',
      tags,
      params: idParams,
      body: rotateSecretBody,
      response: { 200: clientWithSecret, ...problems(404, 409) },
    },
    handler: async (req, reply) => sendVersioned(reply, await svc.rotateSecret(req.ctx, req.params.id, req.body.graceSeconds)),
  });

  app.post('/integration-clients/:id/revoke', {
    config,
    schema: {
      operationId: 'revokeIntegrationClient',
      summary: 'Revoke an integration client: its secrets, tokens and api_keys stop working (final)',
      description: 'Its tokens are refused at once by this copy of the service and within 30 s by the others.',
      tags,
      params: idParams,
      response: { 200: integrationClient, ...problems(404, 409) },
    },
    handler: async (req, reply) => sendVersioned(reply, await svc.revoke(req.ctx, req.params.id)),
  });

  app.post('/integration-clients/:id/api-keys', {
    config,
    schema: {
      operationId: 'issueIntegrationApiKey',
      summary: 'Issue an Open311 api_key to a client; the key is in this answer only',
      tags,
      params: idParams,
      body: createApiKeyBody,
      response: { 201: apiKeyWithKey, ...problems(404, 409, 422) },
    },
    handler: async (req, reply) => reply.status(201).send(await svc.issueApiKey(req.ctx, req.params.id, req.body.label)),
  });

  app.get('/integration-clients/:id/api-keys', {
    config,
    schema: { operationId: 'listIntegrationApiKeys', summary: 'List a client\'s api_keys (without the keys)', tags, params: idParams, querystring: queryOf(pageQuery), response: { 200: pageOf(apiKey), ...problems(404) } },
    handler: async (req) => svc.listApiKeys(req.ctx, req.params.id, req.query),
  });

  app.post('/integration-clients/:id/api-keys/:keyId/revoke', {
    config,
    schema: { operationId: 'revokeIntegrationApiKey', summary: 'Revoke an api_key (final)', tags, params: clientKeyParams, response: { 200: apiKey, ...problems(404, 409) } },
    handler: async (req) => svc.revokeApiKey(req.ctx, req.params.id, req.params.keyId),
  });
};
