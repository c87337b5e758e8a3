import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParams, pageOf, pageQuery, problems, queryOf } from '../../lib/http.js';
import { ACCOUNTABILITY_READERS, accountabilityAction, createAccountabilityBody, dueList, dueQuery, listAccountabilityQuery } from './schemas.js';

const tags = ['accountability'];

export const accountabilityRoutes: FastifyPluginAsyncZod = async (app) => {
  const svc = app.services.accountability;

  app.post('/accountability-actions', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'createAccountabilityAction',
      summary: 'Record an accountability action (问责: 约谈 / 通报批评 / 党纪政纪处分 / 降职) with its cause',
      tags,
      body: createAccountabilityBody,
      response: { 201: accountabilityAction, ...problems(422) },
    },
    handler: async (req, reply) => reply.status(201).send(await svc.create(req.ctx, req.body)),
  });

  app.get('/accountability-actions', {
    config: { access: ACCOUNTABILITY_READERS },
    schema: {
      operationId: 'listAccountabilityActions',
      summary: 'List accountability actions; a department sees those against itself or its units, a unit those against itself',
      tags,
      querystring: queryOf(pageQuery.extend(listAccountabilityQuery.shape)),
      response: { 200: pageOf(accountabilityAction), ...problems(422) },
    },
    handler: async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return svc.list(req.ctx, filter, { limit, cursor });
    },
  });

  app.get('/accountability/due', {
    // 两级办公室: a county admin gets the due units of its region (the service filters).
    config: { access: ['admin'], regionScoped: true },
    schema: {
      operationId: 'listAccountabilityDue',
      summary: '应问责: units in the bottom N of K consecutive published period rankings (the cycle’s settings.accountability.dueRule), with the rankings cited',
      description:
        'Each item carries the action body (cause: the last ranking entry; relatedCauses: the earlier ones) to POST to /accountability-actions with a reason and decidedAt. Once an action cites a streak’s last entry, the streak is no longer listed. The rankings are the prefecture’s; a county office (token with region_id) gets the due units of its region only.',
      tags,
      querystring: queryOf(dueQuery),
      response: { 200: dueList, ...problems(404, 422) },
    },
    handler: async (req) => svc.due(req.ctx, req.query.cycleId),
  });

  app.get('/accountability-actions/:id', {
    config: { access: ACCOUNTABILITY_READERS },
    schema: { operationId: 'getAccountabilityAction', summary: 'Get an accountability action', tags, params: idParams, response: { 200: accountabilityAction, ...problems(404) } },
    handler: async (req) => svc.get(req.ctx, req.params.id),
  });
};
