import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { expectedVersion, idParams, pageOf, pageQuery, problems, queryOf } from '../../lib/http.js';
import { INVESTMENT_READERS, INVESTMENT_WRITERS, correctInvestmentBody, createInvestmentBody, investment, listInvestmentsQuery } from './schemas.js';

const tags = ['investments'];

export const investmentRoutes: FastifyPluginAsyncZod = async (app) => {
  const svc = app.services.investments;

  app.post('/investments', {
    config: { access: INVESTMENT_WRITERS },
    schema: {
      operationId: 'recordInvestment',
      summary: 'Record a facilities investment (硬件建设投入): amount in fen, source of funds, what it built',
      description: 'About exactly one of a unit, a department or a region (region-wide: the office only).',
      tags,
      body: createInvestmentBody,
      response: { 201: investment, ...problems(422) },
    },
    handler: async (req, reply) => reply.status(201).send(await svc.create(req.ctx, req.body)),
  });

  app.get('/investments', {
    config: { access: INVESTMENT_READERS },
    schema: {
      operationId: 'listInvestments',
      summary: "List investments; a department sees its own and its units', a unit its own",
      tags,
      querystring: queryOf(pageQuery.extend(listInvestmentsQuery.shape)),
      response: { 200: pageOf(investment), ...problems(422) },
    },
    handler: async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return svc.list(req.ctx, filter, { limit, cursor });
    },
  });

  app.get('/investments/:id', {
    config: { access: INVESTMENT_READERS },
    schema: { operationId: 'getInvestment', summary: 'Get an investment', tags, params: idParams, response: { 200: investment, ...problems(404) } },
    handler: async (req) => svc.get(req.ctx, req.params.id),
  });

  app.patch('/investments/:id', {
    config: { access: INVESTMENT_WRITERS },
    schema: {
      operationId: 'correctInvestment',
      summary: 'Correct a recorded investment (If-Match or `version` required)',
      tags,
      params: idParams,
      body: correctInvestmentBody,
      response: { 200: investment, ...problems(404, 412, 422, 428) },
    },
    handler: async (req) => svc.correct(req.ctx, req.params.id, expectedVersion(req, req.body.version), req.body),
  });
};
