import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { expectedVersion, idParams, pageOf, pageQuery, problems, queryOf, sendVersioned } from '../../lib/http.js';
import { EVERYONE } from '../../lib/principal.js';
import { contactFollowUpBody, followUp, listFollowUpsQuery, resolveFollowUpBody } from './follow-ups.schemas.js';
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
    config: { access: ['anonymous', 'integration'], rateLimit: { max: perMinute, timeWindow: '1 minute' } },
    schema: {
      operationId: 'submitPublicRating',
      summary: 'Rate a unit (群众评价), anonymously',
      description:
        `The public rates through ${PUBLIC_RATING_LIMIT.channels.join(', ')} and must send respondentKey (a phone number or ID, kept only as a keyed hash): ${limitText}. ` +
        `Anonymous callers are limited to ${perMinute} submissions per minute per IP (RATE_LIMIT_PUBLIC_RATINGS_PER_MINUTE). A bad rating (level ≤ 2) with a comment opens a 回访 due in FOLLOW_UP_WORKING_DAYS working days (default 5).`,
      tags: ['public', ...tags],
      security: [],
      body: publicRatingBody,
      response: { 201: ratingReceipt, ...problems(409, 422, 429) },
    },
    handler: async (req, reply) => reply.status(201).send(await ratings.submitPublic(req.ctx, req.body, { sourceIp: req.ip })),
  });

  app.post('/ratings', {
    config: { access: ['admin', 'integration'] },
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
    config: { access: ['admin', 'inspector', 'department', 'unit'] },
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
    config: { access: ['admin', 'inspector', 'department', 'unit', 'integration'] },
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

  app.get('/follow-ups', {
    config: { access: followUpAccess },
    schema: {
      operationId: 'listFollowUps',
      summary: '回访 of bad ratings; department and unit roles see their own units (overdue=true: unresolved past deadline)',
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
    schema: { operationId: 'getFollowUp', summary: 'Get a 回访', tags, params: idParams, response: { 200: followUp, ...problems(404) } },
    handler: async (req, reply) => sendVersioned(reply, await ratingFollowUps.get(req.ctx, req.params.id)),
  });

  app.post('/follow-ups/:id/contact', {
    config: { access: followUpAccess },
    schema: {
      operationId: 'contactFollowUp',
      summary: 'Record that the respondent was contacted (open → contacted)',
      tags,
      params: idParams,
      body: contactFollowUpBody,
      response: { 200: followUp, ...problems(404, 409, 412, 428) },
    },
    handler: async (req, reply) =>
      sendVersioned(reply, await ratingFollowUps.contact(req.ctx, req.params.id, expectedVersion(req, req.body.version), req.body.note)),
  });

  app.post('/follow-ups/:id/resolve', {
    config: { access: followUpAccess },
    schema: {
      operationId: 'resolveFollowUp',
      summary: "Resolve a 回访 (contacted → resolved), with the respondent's optional re-rating",
      tags,
      params: idParams,
      body: resolveFollowUpBody,
      response: { 200: followUp, ...problems(404, 409, 412, 428) },
    },
    handler: async (req, reply) => sendVersioned(reply, await ratingFollowUps.resolve(req.ctx, req.params.id, expectedVersion(req, req.body.version), req.body)),
  });

  await app.register(ratingImportRoutes);
  await app.register(ratingIntegrityRoutes);
};
