import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { expectedVersion, idParams, pageOf, pageQuery, problems, queryOf, sendVersioned } from '../../lib/http.js';
import { ALL_AUTHENTICATED } from '../../lib/principal.js';
import { bulkEnrollBody, bulkEnrollResult, cycleIdParams, disqualifyBody, enrollBody, enrollment, listEnrollmentsQuery, withdrawBody } from './schemas.js';

const tags = ['enrollments'];

export const enrollmentRoutes: FastifyPluginAsyncZod = async (app) => {
  const svc = app.services.enrollments;

  app.get('/cycles/:id/enrollments', {
    config: { access: ALL_AUTHENTICATED, scopes: ['reference:read'] },
    schema: {
      operationId: 'listEnrollments',
      summary: "List a cycle's enrollments (参评单位); department and unit roles see their own",
      tags,
      params: cycleIdParams,
      querystring: queryOf(pageQuery.extend(listEnrollmentsQuery.shape)),
      response: { 200: pageOf(enrollment), ...problems(404, 422) },
    },
    handler: async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return svc.list(req.ctx, req.params.id, filter, { limit, cursor });
    },
  });

  app.post('/cycles/:id/enrollments', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'enrollUnit',
      summary: 'Enroll one active unit (draft and enrollment phases); a withdrawn unit is enrolled again',
      tags,
      params: cycleIdParams,
      body: enrollBody,
      response: { 201: enrollment, ...problems(404, 409, 422) },
    },
    handler: async (req, reply) => sendVersioned(reply.status(201), await svc.enroll(req.ctx, req.params.id, req.body.unitId)),
  });

  app.post('/cycles/:id/enrollments/bulk', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'enrollUnits',
      summary: 'Enroll every active unit matching a filter, in one transaction',
      tags,
      params: cycleIdParams,
      body: bulkEnrollBody,
      response: { 200: bulkEnrollResult, ...problems(404, 409, 422) },
    },
    handler: async (req) => svc.enrollMany(req.ctx, req.params.id, req.body),
  });

  app.get('/enrollments/:id', {
    config: { access: ALL_AUTHENTICATED, scopes: ['reference:read'] },
    schema: { operationId: 'getEnrollment', summary: 'Get an enrollment', tags, params: idParams, response: { 200: enrollment, ...problems(404) } },
    handler: async (req, reply) => sendVersioned(reply, await svc.get(req.ctx, req.params.id)),
  });

  app.post('/enrollments/:id/withdraw', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'withdrawEnrollment',
      summary: 'Withdraw a unit from a cycle (draft and enrollment phases)',
      tags,
      params: idParams,
      body: withdrawBody,
      response: { 200: enrollment, ...problems(404, 409, 412, 428) },
    },
    handler: async (req, reply) => sendVersioned(reply, await svc.withdraw(req.ctx, req.params.id, expectedVersion(req, req.body.version), req.body.reason)),
  });

  app.post('/enrollments/:id/disqualify', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'disqualifyEnrollment',
      summary: '取消评比资格: disqualify a unit with a reason and evidence (enrollment to naming phases)',
      tags,
      params: idParams,
      body: disqualifyBody,
      response: { 200: enrollment, ...problems(404, 409, 412, 428) },
    },
    handler: async (req, reply) => sendVersioned(reply, await svc.disqualify(req.ctx, req.params.id, expectedVersion(req, req.body.version), req.body)),
  });
};
