import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { expectedVersion, idParams, optionalVersion, pageOf, pageQuery, problems, queryOf } from '../../lib/http.js';
import {
  OUTREACH_READERS,
  OUTREACH_WRITERS,
  bulkSuggestionsBody,
  correctOutreachBody,
  createOutreachBody,
  listOutreachQuery,
  listSuggestionsQuery,
  outreachActivity,
  replySuggestionBody,
  suggestion,
  suggestionInput,
} from './schemas.js';

const tags = ['outreach'];

export const outreachRoutes: FastifyPluginAsyncZod = async (app) => {
  const svc = app.services.outreach;

  app.post('/outreach-activities', {
    config: { access: OUTREACH_WRITERS },
    schema: {
      operationId: 'recordOutreachActivity',
      summary: 'Record an outreach activity (群众评价机制: 征求意见表, 走访, 座谈会, 问卷测评表, 电话询访, 短信) with its counts',
      description: 'About exactly one of a unit, a department or a region (region-wide: the office only). A department records for itself and its units, a unit for itself.',
      tags,
      body: createOutreachBody,
      response: { 201: outreachActivity, ...problems(422) },
    },
    handler: async (req, reply) => reply.status(201).send(await svc.createActivity(req.ctx, req.body)),
  });

  app.get('/outreach-activities', {
    config: { access: OUTREACH_READERS },
    schema: {
      operationId: 'listOutreachActivities',
      summary: 'List outreach activities; a department sees its own and its units\', a unit its own',
      tags,
      querystring: queryOf(pageQuery.extend(listOutreachQuery.shape)),
      response: { 200: pageOf(outreachActivity), ...problems(422) },
    },
    handler: async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return svc.listActivities(req.ctx, filter, { limit, cursor });
    },
  });

  app.get('/outreach-activities/:id', {
    config: { access: OUTREACH_READERS },
    schema: { operationId: 'getOutreachActivity', summary: 'Get an outreach activity', tags, params: idParams, response: { 200: outreachActivity, ...problems(404) } },
    handler: async (req) => svc.getActivity(req.ctx, req.params.id),
  });

  app.patch('/outreach-activities/:id', {
    config: { access: OUTREACH_WRITERS },
    schema: {
      operationId: 'correctOutreachActivity',
      summary: "Correct a recorded activity's counts, date or notes (If-Match or `version` required)",
      tags,
      params: idParams,
      body: correctOutreachBody,
      response: { 200: outreachActivity, ...problems(404, 412, 422, 428) },
    },
    handler: async (req) => svc.correctActivity(req.ctx, req.params.id, expectedVersion(req, req.body.version), req.body),
  });

  app.post('/suggestions', {
    config: { access: OUTREACH_WRITERS },
    schema: {
      operationId: 'recordSuggestion',
      summary: 'Record a suggestion from the public (意见建议) about a unit or a department',
      tags,
      body: suggestionInput,
      response: { 201: suggestion, ...problems(422) },
    },
    handler: async (req, reply) => reply.status(201).send(await svc.createSuggestion(req.ctx, req.body)),
  });

  app.post('/suggestions/bulk', {
    config: { access: OUTREACH_WRITERS },
    schema: {
      operationId: 'recordSuggestions',
      summary: 'Record up to 1000 suggestions in one transaction: all or none',
      description: 'Every error names its item: `items.<index>.<field>` (400 for the form of an item, 422 for its references and rules, all items reported at once).',
      tags,
      body: bulkSuggestionsBody,
      response: { 201: z.object({ items: z.array(suggestion) }), ...problems(422) },
    },
    handler: async (req, reply) => reply.status(201).send({ items: await svc.createSuggestions(req.ctx, req.body.items) }),
  });

  app.get('/suggestions', {
    config: { access: OUTREACH_READERS },
    schema: {
      operationId: 'listSuggestions',
      summary: 'List suggestions (意见建议) by status, activity, cycle, unit or department',
      tags,
      querystring: queryOf(pageQuery.extend(listSuggestionsQuery.shape)),
      response: { 200: pageOf(suggestion), ...problems(422) },
    },
    handler: async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return svc.listSuggestions(req.ctx, filter, { limit, cursor });
    },
  });

  app.get('/suggestions/:id', {
    config: { access: OUTREACH_READERS },
    schema: { operationId: 'getSuggestion', summary: 'Get a suggestion', tags, params: idParams, response: { 200: suggestion, ...problems(404) } },
    handler: async (req) => svc.getSuggestion(req.ctx, req.params.id),
  });

  app.post('/suggestions/:id/reply', {
    config: { access: OUTREACH_WRITERS },
    schema: {
      operationId: 'replySuggestion',
      summary: 'Answer (答复) or adopt (采纳) a received suggestion, with the reply',
      tags,
      params: idParams,
      body: replySuggestionBody,
      response: { 200: suggestion, ...problems(404, 409, 412) },
    },
    handler: async (req) => svc.reply(req.ctx, req.params.id, req.body, optionalVersion(req, req.body.version)),
  });
};
