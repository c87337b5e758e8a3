import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { expectedVersion, idParams, pageOf, pageQuery, problems, queryOf, sendVersioned } from '../../lib/http.js';
import { ALL_AUTHENTICATED } from '../../lib/principal.js';
import { cycleSchemas, listCyclesQuery, transitionBody } from './schemas.js';

const tags = ['cycles'];

export const cycleRoutes: FastifyPluginAsyncZod = async (app) => {
  const svc = app.services.cycles;
  // Built now, after every module has registered its settings group.
  const { createCycleBody, cycle, updateCycleBody } = cycleSchemas();

  app.get('/cycles', {
    config: { access: ALL_AUTHENTICATED, scopes: ['reference:read'], regionScoped: true },
    schema: {
      operationId: 'listCycles',
      summary: 'List cycles (创建周期), oldest first',
      tags,
      querystring: queryOf(pageQuery.extend(listCyclesQuery.shape)),
      response: { 200: pageOf(cycle), ...problems() },
    },
    handler: async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return svc.list(req.ctx, filter, { limit, cursor });
    },
  });

  app.get('/cycles/:id', {
    config: { access: ALL_AUTHENTICATED, scopes: ['reference:read'], regionScoped: true },
    schema: { operationId: 'getCycle', summary: 'Get a cycle with its settings', tags, params: idParams, response: { 200: cycle, ...problems(404) } },
    handler: async (req, reply) => sendVersioned(reply, await svc.get(req.ctx, req.params.id)),
  });

  app.post('/cycles', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'createCycle',
      summary: 'Create a cycle in draft; settings left out take their defaults',
      tags,
      body: createCycleBody,
      response: { 201: cycle, ...problems(422) },
    },
    handler: async (req, reply) => sendVersioned(reply.status(201), await svc.create(req.ctx, req.body)),
  });

  app.patch('/cycles/:id', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'updateCycle',
      summary: 'Rename a cycle or change its settings (settings only in draft and enrollment; If-Match required)',
      tags,
      params: idParams,
      body: updateCycleBody,
      response: { 200: cycle, ...problems(404, 409, 412, 422, 428) },
    },
    handler: async (req, reply) => sendVersioned(reply, await svc.update(req.ctx, req.params.id, expectedVersion(req, req.body.version), req.body)),
  });

  app.post('/cycles/:id/transitions', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'moveCyclePhase',
      summary: 'Move a cycle to its next phase; 409 lists every precondition that fails',
      tags,
      params: idParams,
      body: transitionBody,
      response: { 200: cycle, ...problems(404, 409, 412, 428) },
    },
    handler: async (req, reply) => sendVersioned(reply, await svc.transition(req.ctx, req.params.id, expectedVersion(req, req.body.version), req.body.to)),
  });
};
