import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { expectedVersion, idParams, pageOf, pageQuery, problems, queryOf, sendVersioned } from '../../lib/http.js';
import { EVERYONE } from '../../lib/principal.js';
import {
  callBackBody,
  callBackReceipt,
  callBackTokenParams,
  closeFollowUpBody,
  followUp,
  listFollowUpsQuery,
  phoneCallBackBody,
  rectifyFollowUpBody,
  verifyFollowUpBody,
} from './follow-ups.schemas.js';
import { LOOP_STAFF, PHONE_CALL_BACK_STAFF } from './follow-ups.service.js';
import { ratingImportRoutes } from './import.routes.js';
import { ratingIntegrityRoutes } from './integrity.routes.js';
import { PUBLIC_RATING_LIMIT, isBad, isLimitedChannel } from './rules.js';
import {
  channelInfo,
  channelLabels,
  levelInfo,
  levelLabels,
  listRatingsQuery,
  rating,
  publicRatingBody,
  ratingChannels,
  ratingCounts,
  ratingCountsQuery,
  ratingReceipt,
  submitRatingBody,
} from './schemas.js';

const tags = ['ratings'];
const limitText = `a set number of ratings per respondent per unit per day on ${PUBLIC_RATING_LIMIT.channels.join(', ')} (PUBLIC_RATINGS_PER_RESPONDENT_PER_DAY, default 1; 409 rating_limit_reached)`;

export const ratingRoutes: FastifyPluginAsyncZod = async (app) => {
  const { ratings, ratingFollowUps } = app.services;
  const perMinute = app.config.RATE_LIMIT_PUBLIC_RATINGS_PER_MINUTE;

  app.get('/rating-channels', {
    config: { access: EVERYONE },
    schema: {
      operationId: 'listRatingChannels',
      summary: 'Rating channels and levels with their labels (群众评价渠道, 满意度等级)',
      tags,
      security: [],
      response: { 200: z.object({ channels: z.array(channelInfo), levels: z.array(levelInfo) }) },
    },
    handler: async () => ({
      channels: ratingChannels.map((code) => ({ code, label: channelLabels[code], publicLimit: isLimitedChannel(code) })),
      levels: [5, 4, 3, 2, 1].map((level) => ({ level, label: levelLabels[level], bad: isBad(level) })),
    }),
  });

  app.post('/public/ratings', {
    config: { access: ['anonymous', 'integration'], scopes: ['ratings:write'], rateLimit: { max: perMinute, timeWindow: '1 minute' } },
    schema: {
      operationId: 'submitPublicRating',
      summary: 'Rate a unit (群众评价), anonymously',
      description:
        `The public rates through ${PUBLIC_RATING_LIMIT.channels.join(', ')} and must send respondentKey (a phone number or ID, kept only as a keyed hash): ${limitText}. ` +
        `Anonymous callers are limited to ${perMinute} submissions per minute per IP (RATE_LIMIT_PUBLIC_RATINGS_PER_MINUTE). A bad rating (level ≤ 2) opens a 差评核实 loop (verification due in VERIFICATION_WORKING_DAYS working days) and the receipt carries the rater's single-use callBackToken for POST /api/v1/public/call-backs/{token}.`,
      tags: ['public', ...tags],
      security: [],
      body: publicRatingBody,
      response: { 201: ratingReceipt, ...problems(409, 422, 429) },
    },
    handler: async (req, reply) => reply.status(201).send(await ratings.submitPublic(req.ctx, req.body, { sourceIp: req.ip })),
  });

  app.post('/ratings', {
    config: { access: ['admin', 'integration'], scopes: ['ratings:write'] },
    schema: {
      operationId: 'submitRating',
      summary: 'Submit a rating from an integration or the office (idempotent by source + externalId)',
      description: `First time 201; a repeat of (source, externalId) returns 200 with the stored rating's id and duplicate: true. With a respondentKey, ${limitText}.`,
      tags,
      body: submitRatingBody,
      response: { 200: ratingReceipt, 201: ratingReceipt, ...problems(409, 422) },
    },
    handler: async (req, reply) => {
      const receipt = await ratings.submit(req.ctx, req.body);
      return reply.status(receipt.duplicate ? 200 : 201).send(receipt);
    },
  });

  app.get('/ratings', {
    config: { access: ['admin', 'inspector', 'department', 'unit'], regionScoped: true },
    schema: {
      operationId: 'listRatings',
      summary: 'List ratings; department and unit roles see their own units',
      tags,
      querystring: queryOf(pageQuery.extend(listRatingsQuery.shape)),
      response: { 200: pageOf(rating), ...problems(422) },
    },
    handler: async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return ratings.list(req.ctx, filter, { limit, cursor });
    },
  });

  app.get('/ratings/counts', {
    config: { access: ['admin', 'inspector', 'department', 'unit', 'integration'], scopes: ['ratings:read'], regionScoped: true },
    schema: {
      operationId: 'countRatings',
      summary: 'Rating counts by channel × level per unit (a page of units; cursor = last unit)',
      tags,
      querystring: queryOf(pageQuery.extend(ratingCountsQuery.shape)),
      response: { 200: pageOf(ratingCounts), ...problems(422) },
    },
    handler: async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return ratings.counts(req.ctx, filter, { limit, cursor });
    },
  });

  const followUpAccess = ['admin', 'department', 'unit'] as const;
  const followUpStep = (
    path: string,
    operationId: string,
    summary: string,
    access: readonly ('admin' | 'department')[],
  ) => ({ path: `/follow-ups/:id/${path}`, config: { access }, schema: { operationId, summary, tags, params: idParams, response: { 200: followUp, ...problems(404, 409, 412, 422, 428) } } });

  app.get('/follow-ups', {
    config: { access: followUpAccess },
    schema: {
      operationId: 'listFollowUps',
      summary: '差评核实 loops of bad ratings; department and unit roles see their own units (overdue=true: past a deadline)',
      tags,
      querystring: queryOf(pageQuery.extend(listFollowUpsQuery.shape)),
      response: { 200: pageOf(followUp), ...problems(422) },
    },
    handler: async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return ratingFollowUps.list(req.ctx, filter, { limit, cursor });
    },
  });

  app.get('/follow-ups/:id', {
    config: { access: followUpAccess },
    schema: { operationId: 'getFollowUp', summary: 'Get a 差评核实 loop', tags, params: idParams, response: { 200: followUp, ...problems(404) } },
    handler: async (req, reply) => sendVersioned(reply, await ratingFollowUps.get(req.ctx, req.params.id)),
  });

  const verify = followUpStep('verify', 'verifyFollowUp', '差评核实: substantiated (→ verified) or not substantiated / malicious (→ closed); the office or the unit\'s department, never the unit', LOOP_STAFF);
  app.post(verify.path, {
    config: verify.config,
    schema: { ...verify.schema, body: verifyFollowUpBody },
    handler: async (req, reply) => sendVersioned(reply, await ratingFollowUps.verify(req.ctx, req.params.id, expectedVersion(req, req.body.version), req.body)),
  });

  const rectify = followUpStep('rectify', 'rectifyFollowUp', '整改: link a problem of the same unit, or open one from the rating (verified → rectifying)', LOOP_STAFF);
  app.post(rectify.path, {
    config: rectify.config,
    schema: { ...rectify.schema, body: rectifyFollowUpBody },
    handler: async (req, reply) => sendVersioned(reply, await ratingFollowUps.rectify(req.ctx, req.params.id, expectedVersion(req, req.body.version), req.body)),
  });

  const phone = followUpStep('phone-call-back', 'recordPhoneCallBack', "电话回访: office staff record the rater's re-rating given on the phone (channel phone), once the rectification is submitted", PHONE_CALL_BACK_STAFF);
  app.post(phone.path, {
    config: phone.config,
    schema: { ...phone.schema, body: phoneCallBackBody },
    handler: async (req, reply) => sendVersioned(reply, await ratingFollowUps.recordPhoneCallBack(req.ctx, req.params.id, expectedVersion(req, req.body.version), req.body)),
  });

  const close = followUpStep('close', 'closeFollowUp', '办结: close a called-back loop', LOOP_STAFF);
  app.post(close.path, {
    config: close.config,
    schema: { ...close.schema, body: closeFollowUpBody },
    handler: async (req, reply) => sendVersioned(reply, await ratingFollowUps.close(req.ctx, req.params.id, expectedVersion(req, req.body.version), req.body.note)),
  });

  app.post('/public/call-backs/:token', {
    config: { access: ['anonymous'], rateLimit: { max: perMinute, timeWindow: '1 minute' } },
    schema: {
      operationId: 'callBackByRater',
      summary: "回访 by the rater: re-rate after the rectification, through the single-use link handed out with the bad rating",
      description:
        'Accepted once, after the rectification was submitted (409 call_back_not_ready before, 409 call_back_already_given after); a forged link is 404 call_back_link_invalid, an expired one 410 call_back_link_expired (CALL_BACK_LINK_DAYS).',
      tags: ['public', ...tags],
      security: [],
      params: callBackTokenParams,
      body: callBackBody,
      response: { 200: callBackReceipt, ...problems(404, 409, 410, 422, 429) },
    },
    handler: async (req) => {
      const f = await ratingFollowUps.callBackByRater(req.ctx, req.params.token, req.body);
      return { followUpId: f.id, status: f.status, reRatingLevel: f.reRatingLevel! };
    },
  });

  await app.register(ratingImportRoutes);
  await app.register(ratingIntegrityRoutes);
};
