import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParams, pageOf, pageQuery, problems, queryOf } from '../../lib/http.js';
import { DEED_READERS, DEED_RECORDERS, createDeedBody, deed, listDeedsQuery } from './schemas.js';

const tags = ['deeds'];

export const deedRoutes: FastifyPluginAsyncZod = async (app) => {
  const svc = app.services.deeds;

  app.post('/deeds', {
    config: { access: DEED_RECORDERS },
    schema: {
      operationId: 'recordDeed',
      summary: 'Record a practical thing done for the public (为群众办实事); units and departments for their own units',
      tags,
      body: createDeedBody,
      response: { 201: deed, ...problems(422) },
    },
    handler: async (req, reply) => reply.status(201).send(await svc.create(req.ctx, req.body)),
  });

  app.get('/deeds', {
    config: { access: DEED_READERS },
    schema: {
      operationId: 'listDeeds',
      summary: 'List deeds (为群众办实事); a department sees its units, a unit its own',
      tags,
      querystring: queryOf(pageQuery.extend(listDeedsQuery.shape)),
      response: { 200: pageOf(deed), ...problems(422) },
    },
    handler: async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return svc.list(req.ctx, filter, { limit, cursor });
    },
  });

  app.get('/deeds/:id', {
    config: { access: DEED_READERS },
    schema: { operationId: 'getDeed', summary: 'Get a deed', tags, params: idParams, response: { 200: deed, ...problems(404) } },
    handler: async (req) => svc.get(req.ctx, req.params.id),
  });
};
