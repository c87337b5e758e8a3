import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { etag, expectedVersion, idParams, pageOf, pageQuery, problems, queryOf } from '../../lib/http.js';
import { EVERYONE } from '../../lib/principal.js';
import {
  checkMethodInfo,
  checkMethods,
  copyCriteriaSetBody,
  criteriaSet,
  cycleCategoryParams,
  cycleParams,
  revisionParams,
  saveCriteriaSetBody,
} from './schemas.js';
import type { CriteriaSetDto } from './schemas.js';
import { checkMethodLabel } from './service.js';

const tags = ['criteria'];

/** ETag of a criteria set is its revision. */
function sendRevision(reply: FastifyReply, body: CriteriaSetDto): CriteriaSetDto {
  void reply.header('etag', etag(body.revision));
  return body;
}

/** The revision the client read, if it sent one (If-Match or `revision`); whether one is required is the service's call. */
function optionalRevision(req: FastifyRequest, bodyRevision: number | undefined): number | undefined {
  const header = req.headers['if-match'];
  if ((typeof header === 'string' && header.trim() !== '') || bodyRevision !== undefined) return expectedVersion(req, bodyRevision);
  return undefined;
}

export const criteriaRoutes: FastifyPluginAsyncZod = async (app) => {
  const svc = app.services.criteria;

  app.get('/criteria-check-methods', {
    config: { access: EVERYONE },
    schema: {
      operationId: 'listCriteriaCheckMethods',
      summary: 'How criteria items are checked (看现场 / 查资料 / 问卷测评), with labels',
      tags,
      security: [],
      response: { 200: z.object({ items: z.array(checkMethodInfo) }), ...problems(429) },
    },
    handler: async () => ({ items: checkMethods.map((code) => ({ code, label: checkMethodLabel(code) })) }),
  });

  app.get('/cycles/:cycleId/criteria-sets', {
    config: { access: EVERYONE },
    schema: {
      operationId: 'listCriteriaSets',
      summary: 'The current criteria set (创建标准) of each category in a cycle; public',
      tags,
      security: [],
      params: cycleParams,
      response: { 200: z.object({ items: z.array(criteriaSet) }), ...problems(404, 429) },
    },
    handler: async (req) => ({ items: await svc.listCurrent(req.ctx, req.params.cycleId) }),
  });

  app.get('/cycles/:cycleId/criteria-sets/:category', {
    config: { access: EVERYONE },
    schema: {
      operationId: 'getCriteriaSet',
      summary: "A category's current criteria set in a cycle (ETag: its revision); public",
      tags,
      security: [],
      params: cycleCategoryParams,
      response: { 200: criteriaSet, ...problems(404, 429) },
    },
    handler: async (req, reply) => sendRevision(reply, await svc.getCurrent(req.ctx, req.params.cycleId, req.params.category)),
  });

  app.put('/cycles/:cycleId/criteria-sets/:category', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'saveCriteriaSet',
      summary: 'Save a new revision of a category\'s criteria set (If-Match: the current revision, unless this is the first)',
      description:
        'Regular items must add up to exactly 100 points (422 `criteria_total_invalid`). Refused with 409 `criteria_frozen` once the cycle has left enrollment.',
      tags,
      params: cycleCategoryParams,
      body: saveCriteriaSetBody,
      response: { 200: criteriaSet, ...problems(404, 409, 412, 422, 428) },
    },
    handler: async (req, reply) => {
      const { revision, ...document } = req.body;
      const { cycleId, category } = req.params;
      return sendRevision(reply, await svc.save(req.ctx, cycleId, category, optionalRevision(req, revision), document));
    },
  });

  app.post('/cycles/:cycleId/criteria-sets/:category/copy', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'copyCriteriaSet',
      summary: "Copy a category's current criteria set from an earlier cycle as a new revision here",
      tags,
      params: cycleCategoryParams,
      body: copyCriteriaSetBody,
      response: { 201: criteriaSet, ...problems(404, 409, 412, 422) },
    },
    handler: async (req, reply) => {
      const { cycleId, category } = req.params;
      const dto = await svc.copy(req.ctx, cycleId, category, req.body.fromCycleId, optionalRevision(req, req.body.revision));
      return sendRevision(reply.status(201), dto);
    },
  });

  app.get('/cycles/:cycleId/criteria-sets/:category/revisions', {
    config: { access: EVERYONE },
    schema: {
      operationId: 'listCriteriaSetRevisions',
      summary: "Every revision of a category's criteria set in a cycle, newest first; public",
      tags,
      security: [],
      params: cycleCategoryParams,
      querystring: queryOf(pageQuery),
      response: { 200: pageOf(criteriaSet), ...problems(404, 429) },
    },
    handler: async (req) => svc.revisions(req.ctx, req.params.cycleId, req.params.category, req.query),
  });

  app.get('/cycles/:cycleId/criteria-sets/:category/revisions/:revision', {
    config: { access: EVERYONE },
    schema: {
      operationId: 'getCriteriaSetRevision',
      summary: 'One revision of a criteria set; public',
      tags,
      security: [],
      params: revisionParams,
      response: { 200: criteriaSet, ...problems(404, 429) },
    },
    handler: async (req, reply) => {
      const { cycleId, category, revision } = req.params;
      return sendRevision(reply, await svc.getRevision(req.ctx, cycleId, category, revision));
    },
  });

  app.get('/criteria-sets/:id', {
    config: { access: EVERYONE },
    schema: {
      operationId: 'getCriteriaSetById',
      summary: 'One criteria set revision by id (scorecards name the revision they were scored against); public',
      tags,
      security: [],
      params: idParams,
      response: { 200: criteriaSet, ...problems(404, 429) },
    },
    handler: async (req, reply) => sendRevision(reply, await svc.get(req.ctx, req.params.id)),
  });
};
