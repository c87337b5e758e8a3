import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { expectedVersion, idParams, pageOf, pageQuery, problems, queryOf, sendVersioned } from '../../lib/http.js';
import { ALL_AUTHENTICATED } from '../../lib/principal.js';
import { createRegionBody, listRegionsQuery, region, updateRegionBody } from './schemas.js';

const tags = ['regions'];

export const regionRoutes: FastifyPluginAsyncZod = async (app) => {
  const svc = app.services.regions;

  app.get('/regions', {
    config: { access: ALL_AUTHENTICATED, scopes: ['reference:read'], regionScoped: true },
    schema: {
      operationId: 'listRegions',
      summary: 'List regions (行政区)',
      tags,
      querystring: queryOf(pageQuery.extend(listRegionsQuery.shape)),
      response: { 200: pageOf(region), ...problems() },
    },
    handler: async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return svc.list(req.ctx, filter, { limit, cursor });
    },
  });

  app.get('/regions/:id', {
    config: { access: ALL_AUTHENTICATED, scopes: ['reference:read'], regionScoped: true },
    schema: { operationId: 'getRegion', summary: 'Get a region', tags, params: idParams, response: { 200: region, ...problems(404) } },
    handler: async (req, reply) => sendVersioned(reply, await svc.get(req.ctx, req.params.id)),
  });

  app.post('/regions', {
    config: { access: ['admin'] },
    schema: { operationId: 'createRegion', summary: 'Create a region', tags, body: createRegionBody, response: { 201: region, ...problems(409, 422) } },
    handler: async (req, reply) => {
      const created = await svc.create(req.ctx, req.body);
      return sendVersioned(reply.status(201), created);
    },
  });

  app.patch('/regions/:id', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'updateRegion',
      summary: 'Update a region (If-Match required)',
      tags,
      params: idParams,
      body: updateRegionBody,
      response: { 200: region, ...problems(404, 409, 412, 422, 428) },
    },
    handler: async (req, reply) =>
      sendVersioned(reply, await svc.update(req.ctx, req.params.id, expectedVersion(req, req.body.version), req.body)),
  });
};
