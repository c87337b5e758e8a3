import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParams, notModified, optionalVersion, pageOf, pageQuery, problems, queryOf, sendVersioned } from '../../lib/http.js';
import { ALL_AUTHENTICATED, EVERYONE, STAFF } from '../../lib/principal.js';
import type { Role } from '../../lib/principal.js';
import {
  award,
  awardRoll,
  awardWithTransitions,
  commendation,
  confirmBody,
  confirmResult,
  createCommendationBody,
  cycleParams,
  escalationResult,
  listAwardsQuery,
  listCommendationsQuery,
  nomination,
  proposeBody,
  strikeBody,
  transitionBody,
} from './schemas.js';

const tags = ['awards'];
/** Who reads awards: the office all; a department its units'; a unit its own. */
const AWARD_READERS: Role[] = ['admin', 'inspector', 'department', 'unit'];

/** The version the client read (If-Match or body), or undefined: for these moves it is optional. */
const NAMING_RULES =
  'A unit gets ONE award per cycle. With the cycle\'s quotas overall, all ranked units form one list ordered by composite score ' +
  '(ties: more ratings, then unit id — the ranking\'s own tie rule); with quotas.perCategory, each category is its own list in rank order. ' +
  'In each list the best `top10` eligible units are proposed 十佳 (top10) and the next `top100 − top10` 百佳 (top100), so the 百佳 list of ' +
  '`top100` includes the 十佳. Passed over (with reasons in passedOver): disqualified or withdrawn units, units flagged insufficient_sample, ' +
  'and units with an open serious problem or a substantiated serious complaint in the cycle. Only while the cycle is in naming (409 cycle_not_in_naming).';

export const awardRoutes: FastifyPluginAsyncZod = async (app) => {
  const svc = app.services.awards;

  // ---- 命名 (naming) ----

  app.post('/cycles/:cycleId/nominations', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'proposeNomination',
      summary: 'Propose 十佳/百佳 from a published ranking (supersedes an open proposal)',
      description: NAMING_RULES,
      tags,
      params: cycleParams,
      body: proposeBody,
      response: { 201: nomination, ...problems(404, 409, 422) },
    },
    handler: async (req, reply) => sendVersioned(reply.status(201), await svc.propose(req.ctx, req.params.cycleId, req.body.rankingId)),
  });

  app.get('/cycles/:cycleId/nominations/current', {
    config: { access: STAFF },
    schema: {
      operationId: 'getCurrentNomination',
      summary: "The cycle's open or confirmed naming proposal",
      tags,
      params: cycleParams,
      response: { 200: nomination, ...problems(404) },
    },
    handler: async (req, reply) => sendVersioned(reply, await svc.currentNomination(req.ctx, req.params.cycleId)),
  });

  app.post('/nominations/:id/strikes', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'strikeNominationCandidate',
      summary: 'Strike a candidate with a reason; the next eligible unit moves up (If-Match optional)',
      description: 'Striking a 十佳 candidate pulls the best 百佳 candidate of its list up and the next eligible unit into 百佳.',
      tags,
      params: idParams,
      body: strikeBody,
      response: { 200: nomination, ...problems(404, 409, 412, 422) },
    },
    handler: async (req, reply) => sendVersioned(reply, await svc.strike(req.ctx, req.params.id, optionalVersion(req, req.body.version), req.body)),
  });

  app.post('/nominations/:id/confirm', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'confirmNomination',
      summary: 'Confirm the proposal: every candidate becomes an award with a certificate number (MY<year>-T10-0001 …)',
      tags,
      params: idParams,
      body: confirmBody,
      response: { 200: confirmResult, ...problems(404, 409, 412) },
    },
    handler: async (req) => svc.confirm(req.ctx, req.params.id, optionalVersion(req, req.body.version)),
  });

  // ---- 命名表彰 and 动态管理 ----

  app.get('/cycles/:cycleId/awards', {
    config: { access: AWARD_READERS },
    schema: {
      operationId: 'listAwards',
      summary: "A cycle's awards; dueForYellowCard=true lists rectifications past their deadline",
      description: 'The office sees all; a department its units\' awards; a unit its own.',
      tags,
      params: cycleParams,
      querystring: queryOf(pageQuery.extend(listAwardsQuery.shape)),
      response: { 200: pageOf(award), ...problems(404) },
    },
    handler: async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return svc.list(req.ctx, req.params.cycleId, filter, { limit, cursor });
    },
  });

  app.get('/awards/:id', {
    config: { access: AWARD_READERS },
    schema: { operationId: 'getAward', summary: 'An award with its transitions', tags, params: idParams, response: { 200: awardWithTransitions, ...problems(404) } },
    handler: async (req, reply) => sendVersioned(reply, await svc.get(req.ctx, req.params.id)),
  });

  app.post('/awards/:id/transitions', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'transitionAward',
      summary: 'Move an award: order rectification, verify, yellow-card, revoke (If-Match optional)',
      description:
        'active → rectification_ordered (deadline required, in the future) → active | yellow_card | revoked; yellow_card → active | revoked; ' +
        'active → revoked only with seriousViolation: true. Evidence ids must exist (422 names evidence.N.id). An illegal move is 409 ' +
        'illegal_transition with from/to; a stale If-Match or version is 412. Allowed while the cycle is in naming or closed.',
      tags,
      params: idParams,
      body: transitionBody,
      response: { 200: awardWithTransitions, ...problems(404, 409, 412, 422) },
    },
    handler: async (req, reply) => sendVersioned(reply, await svc.transition(req.ctx, req.params.id, optionalVersion(req, req.body.version), req.body)),
  });

  app.post('/cycles/:cycleId/awards/escalate-overdue', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'escalateOverdueAwards',
      summary: 'Yellow-card every award whose rectification deadline has passed (each an audited transition)',
      tags,
      params: cycleParams,
      body: z.object({}).optional(),
      response: { 200: escalationResult, ...problems(404, 409) },
    },
    handler: async (req) => svc.escalateOverdue(req.ctx, req.params.cycleId),
  });

  // ---- 上级表彰 ----

  app.post('/commendations', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'recordCommendation',
      summary: 'Record a commendation from a higher level (省纠风领导小组命名表彰, 省主管部门表彰)',
      tags,
      body: createCommendationBody,
      response: { 201: commendation, ...problems(422) },
    },
    handler: async (req, reply) => reply.status(201).send(await svc.recordCommendation(req.ctx, req.body)),
  });

  app.get('/commendations', {
    config: { access: ALL_AUTHENTICATED, scopes: ['reference:read'] },
    schema: {
      operationId: 'listCommendations',
      summary: 'Commendations from higher levels',
      tags,
      querystring: queryOf(pageQuery.extend(listCommendationsQuery.shape)),
      response: { 200: pageOf(commendation) },
    },
    handler: async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return svc.listCommendations(req.ctx, filter, { limit, cursor });
    },
  });

  // ---- 荣誉榜 (public) ----

  app.get('/public/cycles/:cycleId/award-roll', {
    config: { access: EVERYONE },
    schema: {
      operationId: 'getAwardRoll',
      summary: "A cycle's award roll: holders with their status (在牌/限期整改/黄牌警告) and the revoked (摘牌) list",
      description: 'Cacheable: the ETag changes with every naming and every status change; If-None-Match answers 304.',
      tags: ['public'],
      security: [],
      params: cycleParams,
      response: { 200: awardRoll, 304: z.null().describe('not modified'), ...problems(404, 429) },
    },
    handler: async (req, reply) => {
      const etag = await svc.rollTag(req.params.cycleId);
      if (notModified(req, reply, etag, 'public, max-age=60')) return reply.status(304).send(null);
      return svc.roll(req.params.cycleId);
    },
  });
};
