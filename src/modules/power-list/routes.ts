import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { expectedVersion, idParams, pageOf, pageQuery, problems, queryOf } from '../../lib/http.js';
import { POWER_LIST_READERS, POWER_LIST_WRITERS, correctCleanupBody, createCleanupBody, listCleanupsQuery, powerListCleanup } from './schemas.js';

const tags = ['power-list'];

export const powerListRoutes: FastifyPluginAsyncZod = async (app) => {
  const svc = app.services.powerList;

  app.post('/power-list-cleanups', {
    config: { access: POWER_LIST_WRITERS },
    schema: {
      operationId: 'recordPowerListCleanup',
      summary: "Record a department's administrative-power or service-item cleanup (行政权力清理): registered, kept, merged, abolished",
      description: 'One per department, cycle and kind of item (409 duplicate otherwise). The level (county / prefecture) is the department\'s. A department records its own.',
      tags,
      body: createCleanupBody,
      response: { 201: powerListCleanup, ...problems(409, 422) },
    },
    handler: async (req, reply) => reply.status(201).send(await svc.create(req.ctx, req.body)),
  });

  app.get('/power-list-cleanups', {
    config: { access: POWER_LIST_READERS, scopes: ['statistics:read'] },
    schema: {
      operationId: 'listPowerListCleanups',
      summary: 'List power-list cleanups by department, cycle, kind and level; a department sees its own',
      tags,
      querystring: queryOf(pageQuery.extend(listCleanupsQuery.shape)),
      response: { 200: pageOf(powerListCleanup), ...problems(422) },
    },
    handler: async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return svc.list(req.ctx, filter, { limit, cursor });
    },
  });

  app.get('/power-list-cleanups/:id', {
    config: { access: POWER_LIST_READERS, scopes: ['statistics:read'] },
    schema: { operationId: 'getPowerListCleanup', summary: 'Get a power-list cleanup with its listed items', tags, params: idParams, response: { 200: powerListCleanup, ...problems(404) } },
    handler: async (req) => svc.get(req.ctx, req.params.id),
  });

  app.patch('/power-list-cleanups/:id', {
    config: { access: POWER_LIST_WRITERS },
    schema: {
      operationId: 'correctPowerListCleanup',
      summary: 'Correct the counts of a recorded cleanup (If-Match or `version` required)',
      tags,
      params: idParams,
      body: correctCleanupBody,
      response: { 200: powerListCleanup, ...problems(404, 412, 422, 428) },
    },
    handler: async (req) => svc.correct(req.ctx, req.params.id, expectedVersion(req, req.body.version), req.body),
  });
};
