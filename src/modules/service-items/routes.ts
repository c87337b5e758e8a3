import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { expectedVersion, idParams, pageOf, pageQuery, problems, queryOf, sendVersioned } from '../../lib/http.js';
import { ITEM_EDITORS, ITEM_READERS, createServiceItemBody, itemUnits, listServiceItemsQuery, serviceItemDto, setItemUnitsBody, updateServiceItemBody } from './schemas.js';

const tags = ['service-items'];

export const serviceItemRoutes: FastifyPluginAsyncZod = async (app) => {
  const svc = app.services.serviceItems;

  app.post('/service-items', {
    config: { access: ITEM_EDITORS },
    schema: {
      operationId: 'createServiceItem',
      summary: 'Add an item to a department’s service catalogue (政务服务事项); a department to its own',
      tags,
      body: createServiceItemBody,
      response: { 201: serviceItemDto, ...problems(409, 422) },
    },
    handler: async (req, reply) => sendVersioned(reply.status(201), await svc.create(req.ctx, req.body)),
  });

  app.get('/service-items', {
    config: { access: ITEM_READERS, scopes: ['reference:read'] },
    schema: {
      operationId: 'listServiceItems',
      summary: 'List the service catalogue, by department, offering unit, status, mode, code or name',
      tags,
      querystring: queryOf(pageQuery.extend(listServiceItemsQuery.shape)),
      response: { 200: pageOf(serviceItemDto), ...problems(422) },
    },
    handler: async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return svc.list(req.ctx, filter, { limit, cursor });
    },
  });

  app.get('/service-items/:id', {
    config: { access: ITEM_READERS, scopes: ['reference:read'] },
    schema: { operationId: 'getServiceItem', summary: 'Get a service item', tags, params: idParams, response: { 200: serviceItemDto, ...problems(404) } },
    handler: async (req, reply) => sendVersioned(reply, await svc.get(req.ctx, req.params.id)),
  });

  app.patch('/service-items/:id', {
    config: { access: ITEM_EDITORS },
    schema: {
      operationId: 'updateServiceItem',
      summary: 'Update or retire a service item (If-Match required)',
      tags,
      params: idParams,
      body: updateServiceItemBody,
      response: { 200: serviceItemDto, ...problems(403, 404, 409, 412, 428) },
    },
    handler: async (req, reply) => sendVersioned(reply, await svc.update(req.ctx, req.params.id, expectedVersion(req, req.body.version), req.body)),
  });

  app.get('/service-items/:id/units', {
    config: { access: ITEM_READERS, scopes: ['reference:read'] },
    schema: { operationId: 'getServiceItemUnits', summary: 'The units that offer a service item', tags, params: idParams, response: { 200: itemUnits, ...problems(404) } },
    handler: async (req) => svc.units(req.ctx, req.params.id),
  });

  app.put('/service-items/:id/units', {
    config: { access: ITEM_EDITORS },
    schema: {
      operationId: 'setServiceItemUnits',
      summary: 'Set the units (of the item’s department) that offer a service item',
      tags,
      params: idParams,
      body: setItemUnitsBody,
      response: { 200: itemUnits, ...problems(403, 404, 422) },
    },
    handler: async (req) => svc.setUnits(req.ctx, req.params.id, req.body.unitIds),
  });
};
