import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParams, optionalVersion, pageOf, pageQuery, problems, queryOf, sendVersioned } from '../../lib/http.js';
import { STAFF } from '../../lib/principal.js';
import {
  APPEAL_READERS,
  APPELLANTS,
  DECIDERS,
  appeal,
  appealStatistics,
  appealStatisticsQuery,
  decideAppealBody,
  fileAppealBody,
  listAppealsQuery,
  startReviewBody,
  withdrawAppealBody,
} from './schemas.js';

const tags = ['appeals'];
const transition = { params: idParams, response: { 200: appeal, ...problems(403, 404, 409, 412, 422) } };

export const appealRoutes: FastifyPluginAsyncZod = async (app) => {
  const svc = app.services.appeals;

  app.post('/appeals', {
    config: { access: APPELLANTS },
    schema: {
      operationId: 'fileAppeal',
      summary: 'File an appeal (申诉) against a bad rating, deduction, finding, disqualification, award transition or substantiated complaint',
      description: 'A unit appeals for itself, a department for its units. One open appeal per subject (409 appeal_already_open).',
      tags,
      body: fileAppealBody,
      response: { 201: appeal, ...problems(403, 409, 422) },
    },
    handler: async (req, reply) => sendVersioned(reply.status(201), await svc.file(req.ctx, req.body)),
  });

  app.get('/appeals', {
    config: { access: APPEAL_READERS },
    schema: {
      operationId: 'listAppeals',
      summary: 'List appeals; filters by status, kind, unit, department, cycle, subject and overdue (deadline passed, undecided)',
      tags,
      querystring: queryOf(pageQuery.extend(listAppealsQuery.shape)),
      response: { 200: pageOf(appeal), ...problems(422) },
    },
    handler: async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return svc.list(req.ctx, filter, { limit, cursor });
    },
  });

  app.get('/appeals/statistics', {
    config: { access: STAFF },
    schema: {
      operationId: 'getAppealStatistics',
      summary: '申诉统计: appeals by kind and outcome, open, overdue, median time to decision',
      tags,
      querystring: queryOf(appealStatisticsQuery),
      response: { 200: appealStatistics, ...problems(422) },
    },
    handler: async (req) => svc.statistics(req.query.cycleId),
  });

  app.get('/appeals/:id', {
    config: { access: APPEAL_READERS },
    schema: { operationId: 'getAppeal', summary: 'Get an appeal', tags, params: idParams, response: { 200: appeal, ...problems(404) } },
    handler: async (req, reply) => sendVersioned(reply, await svc.get(req.ctx, req.params.id)),
  });

  app.post('/appeals/:id/review', {
    config: { access: DECIDERS },
    schema: { operationId: 'startAppealReview', summary: 'Take up the review (filed → under_review); not by whoever recorded the subject', tags, body: startReviewBody, ...transition },
    handler: async (req, reply) => sendVersioned(reply, await svc.startReview(req.ctx, req.params.id, optionalVersion(req, req.body.version))),
  });

  app.post('/appeals/:id/decide', {
    config: { access: DECIDERS },
    schema: {
      operationId: 'decideAppeal',
      summary: 'Decide (under_review → upheld | rejected) with a reason; not by whoever recorded the subject (403 appeal_decider_is_original_actor)',
      tags,
      body: decideAppealBody,
      ...transition,
    },
    handler: async (req, reply) => sendVersioned(reply, await svc.decide(req.ctx, req.params.id, optionalVersion(req, req.body.version), req.body)),
  });

  app.post('/appeals/:id/withdraw', {
    config: { access: APPELLANTS },
    schema: { operationId: 'withdrawAppeal', summary: 'Withdraw an undecided appeal (by its appellant)', tags, body: withdrawAppealBody, ...transition },
    handler: async (req, reply) => sendVersioned(reply, await svc.withdraw(req.ctx, req.params.id, optionalVersion(req, req.body.version), req.body.note)),
  });
};
