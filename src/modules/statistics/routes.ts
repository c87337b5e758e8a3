import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { exportFormats, exportMedia } from '../../lib/table-export.js';
import { statisticsExport } from './export.js';
import { notModified, problems, queryOf } from '../../lib/http.js';
import { EVERYONE } from '../../lib/principal.js';
import { publicStatistics } from './public.js';
import { statistics, statisticsQuery, STATISTICS_READERS } from './schemas.js';
import { ratingSubjectStatistics } from './rating-subjects.js';

const tags = ['statistics'];

export const statisticsRoutes: FastifyPluginAsyncZod = async (app) => {
  const svc = app.services.statistics;

  app.get('/statistics', {
    config: { access: STATISTICS_READERS, scopes: ['statistics:read'], regionScoped: true },
    schema: {
      operationId: 'getStatistics',
      summary: 'Campaign figures (工作统计) for a cycle or a range of cycles',
      description: [
        'Give `cycleId`, `cycleIds` (comma list) or `fromYear`/`toYear`; filter by `regionId` (and below), `departmentId`, `category`.',
        'Unit-scoped figures apply the filters to the unit of each record. Supervisors are NOT unit-scoped: they are counted campaign-wide',
        '(term overlapping the covered years). Records without a cycle count by their own date in the covered years (UTC+8); accountability',
        'actions always count by the year decided. A department role sees its own department only; a county office (token with region_id) its own region only. Every code used as a key is labelled in `labels`.',
      ].join(' '),
      tags,
      querystring: queryOf(statisticsQuery),
      response: { 200: statistics, ...problems(422) },
    },
    handler: async (req) => svc.figures(req.ctx, req.query),
  });

  app.get('/statistics/rating-subjects', {
    config: { access: STATISTICS_READERS, scopes: ['statistics:read'] },
    schema: {
      operationId: 'getRatingSubjectStatistics',
      summary: '群众评价 per subject: units, departments (万人评机关) and leadership teams (领导班子): counts, 差评, mean, satisfied share, channels',
      description: 'The same cycle scope and filters as GET /statistics (category applies to unit ratings only). A department role sees its own department only.',
      tags,
      querystring: queryOf(statisticsQuery),
      response: { 200: ratingSubjectStatistics, ...problems(403, 422) },
    },
    handler: async (req) => svc.ratingSubjects(req.ctx, req.query),
  });

  for (const format of exportFormats) {
    const media = exportMedia(format);
    app.get(`/statistics/export.${format}`, {
      config: { access: STATISTICS_READERS, scopes: ['statistics:read'], regionScoped: true },
      schema: {
        operationId: format === 'csv' ? 'exportStatisticsCsv' : 'exportStatisticsXlsx',
        summary: `The same figures as ${format.toUpperCase()}: one row per figure (path, Chinese label, value), with the scope`,
        tags,
        querystring: queryOf(statisticsQuery),
        produces: [media.media],
        response: { 200: z.string().describe(media.description), ...problems(422) },
      },
      handler: async (req, reply) => {
        const file = statisticsExport(await svc.figures(req.ctx, req.query), format);
        return reply.type(file.contentType).header('content-disposition', `attachment; filename="statistics.${file.extension}"`).send(file.body as string); // a Buffer for XLSX
      },
    });
  }

  app.get('/public/statistics', {
    config: { access: EVERYONE },
    schema: {
      operationId: 'getPublicStatistics',
      summary: 'Campaign figures for the press (公开统计): aggregates only, small cells of ratings and complaints suppressed',
      description: [
        'The same scope and filters as GET /statistics. No person is ever named. Every count from ratings, complaints and their follow-ups',
        'below PUBLIC_STATS_MIN_CELL (default 5) is null with `suppressed: true` (zero stays zero; a lone suppressed cell in a group takes the',
        'next smallest with it). Cacheable: strong ETag over the figures, If-None-Match answers 304; rate-limited like every public route.',
      ].join(' '),
      tags: ['public', 'statistics'],
      security: [],
      querystring: queryOf(statisticsQuery),
      response: { 200: publicStatistics, 304: z.null().describe('not modified'), ...problems(422, 429) },
    },
    handler: async (req, reply) => {
      const { body, etag } = await svc.publicFigures(req.ctx, req.query);
      if (notModified(req, reply, etag, 'public, max-age=300')) return reply.status(304).send(null);
      return body;
    },
  });
};
