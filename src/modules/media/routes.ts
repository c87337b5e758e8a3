import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParams, pageOf, pageQuery, problems, queryOf } from '../../lib/http.js';
import { MEDIA_READERS, MEDIA_WRITERS, createMediaItemBody, listMediaQuery, mediaItem } from './schemas.js';

const tags = ['media'];

export const mediaRoutes: FastifyPluginAsyncZod = async (app) => {
  const svc = app.services.media;

  app.post('/media-items', {
    config: { access: MEDIA_WRITERS },
    schema: {
      operationId: 'recordMediaItem',
      summary: 'Record media participation (媒体参与): 专版, 消息, 专题, 电视问政 session or 编发短信, with the departments and units covered',
      tags,
      body: createMediaItemBody,
      response: { 201: mediaItem, ...problems(422) },
    },
    handler: async (req, reply) => reply.status(201).send(await svc.create(req.ctx, req.body)),
  });

  app.get('/media-items', {
    config: { access: MEDIA_READERS, scopes: ['statistics:read'] },
    schema: {
      operationId: 'listMediaItems',
      summary: 'List media items; heads\' names (电视问政) only for the office and assessors',
      tags,
      querystring: queryOf(pageQuery.extend(listMediaQuery.shape)),
      response: { 200: pageOf(mediaItem), ...problems(422) },
    },
    handler: async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return svc.list(req.ctx, filter, { limit, cursor });
    },
  });

  app.get('/media-items/:id', {
    config: { access: MEDIA_READERS, scopes: ['statistics:read'] },
    schema: { operationId: 'getMediaItem', summary: 'Get a media item', tags, params: idParams, response: { 200: mediaItem, ...problems(404) } },
    handler: async (req) => svc.get(req.ctx, req.params.id),
  });
};
