import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParams, pageOf, pageQuery, problems, queryOf, sendVersioned } from '../../lib/http.js';
import { caseImportRoutes } from './import.routes.js';
import { defaultRatingRoutes } from './default-ratings.routes.js';
import { CASE_READERS, CASE_STATISTICS_READERS, CASE_WRITERS, caseCloseBody, caseDto, caseMoveBody, caseStatistics, caseStatisticsQuery, createCaseBody, listCasesQuery } from './schemas.js';

const tags = ['cases'];

/** The moves, each its own operation: accept and complete take an optional time, return and refuse a reason. */
const moves = [
  { path: 'accept', to: 'accepted', operationId: 'acceptCase', summary: 'Accept a received case (受理): the deadline now runs from acceptance', body: caseMoveBody },
  { path: 'complete', to: 'completed', operationId: 'completeCase', summary: 'Complete an accepted case (办结): on time and 一周办结 are derived', body: caseMoveBody },
  { path: 'return', to: 'returned', operationId: 'returnCase', summary: 'Return a received case for correction (退回补正), with the reason', body: caseCloseBody },
  { path: 'refuse', to: 'refused', operationId: 'refuseCase', summary: 'Refuse a case (不予受理/不予许可), with the reason', body: caseCloseBody },
] as const;

export const caseRoutes: FastifyPluginAsyncZod = async (app) => {
  const svc = app.services.cases;

  app.post('/cases', {
    config: { access: CASE_WRITERS, scopes: ['cases:write'] },
    schema: {
      operationId: 'createCase',
      summary: 'File a received case (办件) from an integration; the unit must offer the item',
      tags,
      body: createCaseBody,
      response: { 201: caseDto, ...problems(409, 422) },
    },
    handler: async (req, reply) => sendVersioned(reply.status(201), await svc.create(req.ctx, req.body)),
  });

  app.get('/cases', {
    config: { access: CASE_READERS, scopes: ['cases:read'] },
    schema: {
      operationId: 'listCases',
      summary: 'List cases (办件); a department sees its units’, a unit its own',
      tags,
      querystring: queryOf(pageQuery.extend(listCasesQuery.shape)),
      response: { 200: pageOf(caseDto), ...problems(422) },
    },
    handler: async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return svc.list(req.ctx, filter, { limit, cursor });
    },
  });

  app.get('/case-statistics', {
    config: { access: CASE_STATISTICS_READERS },
    schema: {
      operationId: 'getCaseStatistics',
      summary: '办件 statistics: cases by state, 限时办结率 and 一周办结率 per unit, department or region; a department its units, a unit its own',
      tags,
      querystring: queryOf(caseStatisticsQuery),
      response: { 200: caseStatistics, ...problems(422) },
    },
    handler: async (req) => svc.statistics(req.ctx, req.query),
  });

  app.get('/cases/:id', {
    config: { access: CASE_READERS, scopes: ['cases:read'] },
    schema: { operationId: 'getCase', summary: 'Get a case', tags, params: idParams, response: { 200: caseDto, ...problems(404) } },
    handler: async (req, reply) => sendVersioned(reply, await svc.get(req.ctx, req.params.id)),
  });

  for (const m of moves) {
    app.post(`/cases/:id/${m.path}`, {
      config: { access: CASE_WRITERS, scopes: ['cases:write'] },
      schema: { operationId: m.operationId, summary: m.summary, tags, params: idParams, body: m.body, response: { 200: caseDto, ...problems(404, 409, 422) } },
      handler: async (req, reply) => sendVersioned(reply, await svc.move(req.ctx, req.params.id, m.to, req.body)),
    });
  }

  await app.register(caseImportRoutes);
  await app.register(defaultRatingRoutes);
};
