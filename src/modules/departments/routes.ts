import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { expectedVersion, idParams, pageOf, pageQuery, problems, queryOf, sendVersioned } from '../../lib/http.js';
import { ALL_AUTHENTICATED } from '../../lib/principal.js';
import { departmentImportRoutes } from './import.routes.js';
import { createDepartmentBody, department, listDepartmentsQuery, updateDepartmentBody } from './schemas.js';

const tags = ['departments'];

export const departmentRoutes: FastifyPluginAsyncZod = async (app) => {
  const svc = app.services.departments;

  app.get('/departments', {
    config: { access: ALL_AUTHENTICATED, scopes: ['reference:read'], regionScoped: true },
    schema: {
      operationId: 'listDepartments',
      summary: 'List departments (部门/行业); a department manager sees its own',
      tags,
      querystring: queryOf(pageQuery.extend(listDepartmentsQuery.shape)),
      response: { 200: pageOf(department), ...problems(422) },
    },
    handler: async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return svc.list(req.ctx, filter, { limit, cursor });
    },
  });

  app.get('/departments/:id', {
    config: { access: ALL_AUTHENTICATED, scopes: ['reference:read'], regionScoped: true },
    schema: { operationId: 'getDepartment', summary: 'Get a department', tags, params: idParams, response: { 200: department, ...problems(404) } },
    handler: async (req, reply) => sendVersioned(reply, await svc.get(req.ctx, req.params.id)),
  });

  app.post('/departments', {
    config: { access: ['admin'] },
    schema: { operationId: 'createDepartment', summary: 'Create a department', tags, body: createDepartmentBody, response: { 201: department, ...problems(409, 422) } },
    handler: async (req, reply) => sendVersioned(reply.status(201), await svc.create(req.ctx, req.body)),
  });

  app.patch('/departments/:id', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'updateDepartment',
      summary: 'Update or deactivate a department (If-Match required)',
      tags,
      params: idParams,
      body: updateDepartmentBody,
      response: { 200: department, ...problems(404, 409, 412, 422, 428) },
    },
    handler: async (req, reply) => sendVersioned(reply, await svc.update(req.ctx, req.params.id, expectedVersion(req, req.body.version), req.body)),
  });

  await app.register(departmentImportRoutes);
};
