import { z } from 'zod';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { expectedVersion, idParams, pageOf, pageQuery, problems, queryOf, sendVersioned, sendVersionedBytes } from '../../lib/http.js';
import { ALL_AUTHENTICATED, EVERYONE } from '../../lib/principal.js';
import {
  categories,
  categoryInfo,
  categoryLabels,
  createUnitBody,
  deactivateUnitBody,
  listUnitsQuery,
  publicUnit,
  reactivateUnitBody,
  unit,
  updateUnitBody,
} from './schemas.js';
import { unitImportRoutes } from './import.routes.js';
import { importRowErrorCodesRoute } from '../../lib/import-routes.js';

const tags = ['units'];

export const unitRoutes: FastifyPluginAsyncZod = async (app) => {
  const svc = app.services.units;
  app.addHook('onClose', () => svc.close());

  app.get('/categories', {
    config: { access: EVERYONE },
    schema: {
      operationId: 'listCategories',
      summary: 'The three unit categories with their labels',
      tags,
      security: [],
      response: { 200: z.object({ items: z.array(categoryInfo) }) },
    },
    handler: async () => ({ items: categories.map((code) => ({ code, label: categoryLabels[code] })) }),
  });

  app.get('/units', {
    config: { access: ALL_AUTHENTICATED, scopes: ['reference:read'], regionScoped: true },
    schema: {
      operationId: 'listUnits',
      summary: 'List units (基层站所/窗口); department and unit roles see their own',
      tags,
      querystring: queryOf(pageQuery.extend(listUnitsQuery.shape)),
      response: { 200: pageOf(unit), ...problems(422) },
    },
    // The page's bytes come from the service's cache of rendered pages (see listRendered), made by this route's own
    // serializer: the same bytes, and in tests the same schema check, as returning the page.
    handler: async (req, reply) => {
      const { limit, cursor, ...filter } = req.query;
      const body = await svc.listRendered(req.ctx, filter, { limit, cursor }, (page) => reply.serialize(page) as string);
      return (reply as FastifyReply).type('application/json; charset=utf-8').send(body);
    },
  });

  app.get('/units/:id', {
    config: { access: ALL_AUTHENTICATED, scopes: ['reference:read'], regionScoped: true },
    schema: { operationId: 'getUnit', summary: 'Get a unit', tags, params: idParams, response: { 200: unit, ...problems(404) } },
    // The unit's bytes come from the service's cache of rendered units (see getRendered), made by this route's own
    // serializer: the same bytes, ETag and, in tests, schema check as returning the unit.
    handler: async (req, reply) => sendVersionedBytes(reply as FastifyReply, await svc.getRendered(req.ctx, req.params.id, (unit) => reply.serialize(unit) as string)),
  });

  app.get('/public/units/:id', {
    config: { access: EVERYONE },
    schema: {
      operationId: 'getPublicUnit',
      summary: "A unit's public profile: commitments and service items (公开服务承诺)",
      tags: ['public'],
      security: [],
      params: idParams,
      response: { 200: publicUnit, ...problems(404, 429) },
    },
    handler: async (req) => svc.publicProfile(req.params.id),
  });

  app.post('/units', {
    config: { access: ['admin'], regionScoped: true },
    schema: { operationId: 'createUnit', summary: 'Create a unit', tags, body: createUnitBody, response: { 201: unit, ...problems(422) } },
    handler: async (req, reply) => sendVersioned(reply.status(201), await svc.create(req.ctx, req.body)),
  });

  app.patch('/units/:id', {
    config: { access: ['admin'], regionScoped: true },
    schema: {
      operationId: 'updateUnit',
      summary: 'Update a unit (If-Match required)',
      tags,
      params: idParams,
      body: updateUnitBody,
      response: { 200: unit, ...problems(404, 412, 422, 428) },
    },
    handler: async (req, reply) => sendVersioned(reply, await svc.update(req.ctx, req.params.id, expectedVersion(req, req.body.version), req.body)),
  });

  app.post('/units/:id/deactivate', {
    config: { access: ['admin'], regionScoped: true },
    schema: {
      operationId: 'deactivateUnit',
      summary: 'Deactivate a unit (units with history are never deleted)',
      tags,
      params: idParams,
      body: deactivateUnitBody,
      response: { 200: unit, ...problems(404, 409, 412, 428) },
    },
    handler: async (req, reply) =>
      sendVersioned(reply, await svc.deactivate(req.ctx, req.params.id, expectedVersion(req, req.body.version), req.body.reason)),
  });

  app.post('/units/:id/reactivate', {
    config: { access: ['admin'], regionScoped: true },
    schema: {
      operationId: 'reactivateUnit',
      summary: 'Reactivate a deactivated unit',
      tags,
      params: idParams,
      body: reactivateUnitBody,
      response: { 200: unit, ...problems(404, 409, 412, 428) },
    },
    handler: async (req, reply) => sendVersioned(reply, await svc.reactivate(req.ctx, req.params.id, expectedVersion(req, req.body.version))),
  });

  await app.register(unitImportRoutes);
  await app.register(importRowErrorCodesRoute);
};
