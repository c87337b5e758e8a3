import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { pageOf, pageQuery, problems, queryOf } from '../../lib/http.js';
import { STAFF } from '../../lib/principal.js';
import { holdStatistics, listHoldsQuery, ratingHold, reviewHoldsBody, reviewHoldsResult, scanHoldsBody, scanHoldsResult } from './integrity.js';
import { z } from 'zod';

const tags = ['ratings'];

/** 评价防刷: the office's review of ratings held by the integrity signals. */
export const ratingIntegrityRoutes: FastifyPluginAsyncZod = async (app) => {
  const svc = app.services.ratingIntegrity;

  app.get('/rating-holds', {
    config: { access: STAFF },
    schema: {
      operationId: 'listRatingHolds',
      summary: 'Ratings held by the integrity signals (default status held), filtered by unit, cycle and signal',
      tags,
      querystring: queryOf(pageQuery.extend(listHoldsQuery.shape)),
      response: { 200: pageOf(ratingHold), ...problems(422) },
    },
    handler: async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return svc.list(filter, { limit, cursor });
    },
  });

  app.post('/rating-holds/review', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'reviewRatingHolds',
      summary: 'Clear (back into P) or reject held ratings in bulk: by ids, or by signal and unit; one transaction, audited',
      tags,
      body: reviewHoldsBody,
      response: { 200: reviewHoldsResult, ...problems(422) },
    },
    handler: async (req) => svc.review(req.ctx, req.body),
  });

  app.post('/rating-holds/scan', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'scanRatingIntegrity',
      summary: 'Evaluate the integrity signals now (a cycle, or the last 7 days) and hold the suspects',
      description:
        'Computing a ranking runs the same scan over its cycle first. A cycle is scanned incrementally (the ratings received since its last scan, with the look-back each signal needs: the same holds as a full scan); `full` re-examines all of it, as does the first scan and any scan after the thresholds changed.',
      tags,
      body: scanHoldsBody,
      response: { 200: scanHoldsResult, ...problems(404, 422) },
    },
    handler: async (req) => svc.scan(req.ctx, { cycleId: req.body.cycleId, full: req.body.full }),
  });

  app.get('/rating-holds/statistics', {
    config: { access: STAFF },
    schema: {
      operationId: 'getRatingHoldStatistics',
      summary: 'Ratings held, cleared and rejected (optionally of one cycle)',
      tags,
      querystring: queryOf(z.object({ cycleId: z.uuid().optional() })),
      response: { 200: holdStatistics, ...problems(422) },
    },
    handler: async (req) => svc.statistics(req.query.cycleId),
  });
};
