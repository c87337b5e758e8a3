import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams, pageOf, pageQuery, problems, queryOf } from '../../lib/http.js';
import { DEED_READERS, DEED_RECORDERS, DEED_VERIFIERS, bulkDeedsBody, bulkDeedsResult, createDeedBody, deed, deedDecisionBody, listDeedsQuery } from './schemas.js';

const rejectBody = z.object({ reason: z.string().trim().min(1).max(2000) });

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

  app.post('/deeds/bulk', {
    config: { access: DEED_RECORDERS },
    schema: {
      operationId: 'recordDeeds',
      summary: 'Record many deeds at once (up to 1,000), all or nothing; errors name the item (deeds.<i>.<field>)',
      tags,
      body: bulkDeedsBody,
      response: { 201: bulkDeedsResult, ...problems(422) },
    },
    handler: async (req, reply) => reply.status(201).send({ items: await svc.createMany(req.ctx, req.body.deeds) }),
  });

  app.post('/deeds/decide', {
    config: { access: DEED_VERIFIERS },
    schema: {
      operationId: 'decideDeeds',
      summary: 'Verify (核实) or reject reported deeds, one decision for many, all or nothing; only verified deeds earn bonus points',
      tags,
      body: deedDecisionBody,
      response: { 200: bulkDeedsResult, ...problems(409, 422) },
    },
    handler: async (req) => ({ items: await svc.decide(req.ctx, req.body) }),
  });

  app.post('/deeds/:id/verify', {
    config: { access: DEED_VERIFIERS },
    schema: { operationId: 'verifyDeed', summary: 'Verify a reported deed (核实): it now earns bonus points', tags, params: idParams, response: { 200: deed, ...problems(409, 422) } },
    handler: async (req) => (await svc.decide(req.ctx, { ids: [req.params.id], decision: 'verify' }))[0],
  });

  app.post('/deeds/:id/reject', {
    config: { access: DEED_VERIFIERS },
    schema: { operationId: 'rejectDeed', summary: 'Reject a reported deed, with a reason', tags, params: idParams, body: rejectBody, response: { 200: deed, ...problems(409, 422) } },
    handler: async (req) => (await svc.decide(req.ctx, { ids: [req.params.id], decision: 'reject', reason: req.body.reason }))[0],
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
