import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParams, problems, queryOf } from '../../lib/http.js';
import { EVERYONE } from '../../lib/principal.js';
import { qrRatingBody, ratingReceipt } from '../ratings/schemas.js';
import { qrCodeLink, qrCodeParams, qrCodeQuery, qrCodeTarget } from './schemas.js';

const tags = ['qr-codes'];
/** A unit prints its own code; its department and the office may print any of theirs. */
const QR_ISSUERS = ['admin', 'department', 'unit'] as const;
const rotation = 'static (default): printed, valid until QR_STATIC_KEY_VERSION is raised; dynamic: for a screen, rotates every QR_ROTATION_SECONDS, the previous code accepted QR_GRACE_SECONDS longer.';

export const qrCodeRoutes: FastifyPluginAsyncZod = async (app) => {
  const svc = app.services.qrCodes;
  const origin = (req: { protocol: string; host: string }) => `${req.protocol}://${req.host}`;
  const perMinute = app.config.RATE_LIMIT_PUBLIC_RATINGS_PER_MINUTE;

  app.get('/units/:id/qr-code', {
    config: { access: QR_ISSUERS },
    schema: {
      operationId: 'getUnitQrCodeLink',
      summary: "A unit's QR code (二维码) as its rating link",
      description: rotation,
      tags,
      params: idParams,
      querystring: queryOf(qrCodeQuery),
      response: { 200: qrCodeLink, ...problems(404, 422) },
    },
    handler: async (req) => svc.link(req.ctx, req.params.id, req.query, origin(req)),
  });

  app.get('/units/:id/qr-code.svg', {
    config: { access: QR_ISSUERS },
    schema: {
      operationId: 'getUnitQrCodeSvg',
      summary: "A unit's QR code (二维码) as SVG, to print and post at the window",
      description: rotation,
      tags,
      params: idParams,
      querystring: queryOf(qrCodeQuery),
      produces: ['image/svg+xml'],
      response: { 200: z.string().describe('SVG image of the rating link'), ...problems(404, 422) },
    },
    handler: async (req, reply) => reply.type('image/svg+xml').send(await svc.svg(req.ctx, req.params.id, req.query, origin(req))),
  });

  app.get('/units/:id/qr-code.png', {
    config: { access: QR_ISSUERS },
    schema: {
      operationId: 'getUnitQrCodePng',
      summary: "A unit's QR code (二维码) as PNG (512 px)",
      description: rotation,
      tags,
      params: idParams,
      querystring: queryOf(qrCodeQuery),
      produces: ['image/png'],
      response: { 200: z.string().describe('PNG image of the rating link'), ...problems(404, 422) },
    },
    handler: async (req, reply) => reply.type('image/png').send((await svc.png(req.ctx, req.params.id, req.query, origin(req))) as unknown as string), // a Buffer
  });

  app.get('/public/qr-codes/:code', {
    config: { access: EVERYONE },
    schema: {
      operationId: 'resolveQrCode',
      summary: 'What a scanned QR code rates: the unit and window (404 qr_code_invalid, 410 qr_code_expired)',
      tags: ['public', ...tags],
      security: [],
      params: qrCodeParams,
      response: { 200: qrCodeTarget, ...problems(404, 410) },
    },
    handler: async (req) => svc.resolve(req.params.code),
  });

  app.post('/public/qr-codes/:code/ratings', {
    config: { access: ['anonymous', 'integration'], scopes: ['ratings:write'], rateLimit: { max: perMinute, timeWindow: '1 minute' } },
    schema: {
      operationId: 'rateThroughQrCode',
      summary: 'Rate the unit of a scanned QR code (扫码评价): channel qr_code, presence-bound',
      description:
        'One rating per respondent, unit and day (PUBLIC_RATINGS_PER_RESPONDENT_PER_DAY). A bad rating (level 1–2) opens a 差评核实 loop; the receipt then carries the rater\'s single-use callBackToken.',
      tags: ['public', ...tags],
      security: [],
      params: qrCodeParams,
      body: qrRatingBody,
      response: { 201: ratingReceipt, ...problems(404, 409, 410, 422, 429) },
    },
    handler: async (req, reply) => reply.status(201).send(await svc.rate(req.ctx, req.params.code, req.body)),
  });
};
