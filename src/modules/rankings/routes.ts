import { z } from 'zod';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { createHash } from 'node:crypto';
import { DEFAULT_PAGE_SIZE, idParams, pageOf, pageQuery, problems, queryOf } from '../../lib/http.js';
import { EncodedBody } from '../../lib/encoded-body.js';
import { LruCache } from '../../lib/lru.js';
import { exportFormats, exportMedia } from '../../lib/table-export.js';
import { ALL_AUTHENTICATED, EVERYONE } from '../../lib/principal.js';
import { bottomList, bottomQuery, computePeriodBody, cycleParams, listRankingsQuery, entriesQuery, entryParams, publicRanking, publicRankingPage, publishBody, ranking, rankingDiff, rankingEntry, scoreExplanation } from './schemas.js';

const tags = ['rankings'];
/** Published snapshots never change: caches may keep them; the ETag names the snapshot. */
const SNAPSHOT_CACHE_CONTROL = 'public, max-age=300, immutable';
/** Encoded public pages kept in memory (bytes of every encoding made). */
const PAGE_CACHE_BYTES = 64 * 1024 * 1024;

export const rankingRoutes: FastifyPluginAsyncZod = async (app) => {
  const svc = app.services.rankings;
  app.addHook('onClose', () => svc.close());

  app.post('/cycles/:cycleId/rankings', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'computeRanking',
      summary: 'Compute a draft ranking (排名) of the cycle from all evaluation channels',
      description: 'The cycle must be in assessment, ranking or naming. Every enrolled (not withdrawn or disqualified) unit is scored and ranked within its category.',
      tags,
      params: cycleParams,
      response: { 201: ranking, ...problems(404, 409) },
    },
    handler: async (req, reply) => reply.status(201).send(await svc.compute(req.ctx, req.params.cycleId)),
  });

  app.post('/cycles/:cycleId/period-rankings', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'computePeriodRanking',
      summary: 'Compute a draft period ranking (分期排名) of one month or quarter of the cycle',
      description:
        'The cycle must be ranked by period (settings.periods monthly or quarterly) and in assessment, ranking or naming; the period must have begun. Ratings collected, mystery-shopper visits made and complaints received in the period are counted; overdue problems as of its end; the assessment, deeds, commendations and timeliness are the cycle’s. Published like any ranking (POST /rankings/{id}/publish), with versions of its own per period; naming reads only whole-cycle rankings.',
      tags,
      params: cycleParams,
      body: computePeriodBody,
      response: { 201: ranking, ...problems(404, 409, 422) },
    },
    handler: async (req, reply) => reply.status(201).send(await svc.compute(req.ctx, req.params.cycleId, new Date(), { period: req.body.period })),
  });

  app.get('/cycles/:cycleId/rankings', {
    config: { access: ALL_AUTHENTICATED, scopes: ['rankings:read'] },
    schema: {
      operationId: 'listRankings',
      summary: "A cycle's rankings: drafts and published versions for admin and inspector, published versions for everyone else",
      tags,
      params: cycleParams,
      querystring: queryOf(pageQuery.extend(listRankingsQuery.shape)),
      response: { 200: pageOf(ranking), ...problems(404) },
    },
    handler: async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return svc.list(req.ctx, req.params.cycleId, { limit, cursor }, filter);
    },
  });

  app.get('/rankings/:id', {
    config: { access: ALL_AUTHENTICATED, scopes: ['rankings:read'] },
    schema: { operationId: 'getRanking', summary: 'Get a ranking (drafts: admin and inspector only)', tags, params: idParams, response: { 200: ranking, ...problems(404) } },
    handler: async (req) => svc.get(req.ctx, req.params.id),
  });

  app.get('/rankings/:id/entries', {
    config: { access: ALL_AUTHENTICATED, scopes: ['rankings:read'] },
    schema: {
      operationId: 'listRankingEntries',
      summary: 'Entries in category and rank order; filters by region (with descendants), department and flag, with the rank within the filter',
      tags,
      params: idParams,
      querystring: queryOf(pageQuery.extend(entriesQuery.shape)),
      response: { 200: pageOf(rankingEntry), ...problems(404, 422) },
    },
    // The page's bytes come from the service's cache of rendered pages (see entriesRendered), made by this route's own
    // serializer: the same bytes, and in tests the same schema check, as returning the page.
    handler: async (req, reply) => {
      const { limit, cursor, ...filter } = req.query;
      const body = await svc.entriesRendered(req.ctx, req.params.id, filter, { limit, cursor }, (page) => reply.serialize(page) as string);
      return (reply as FastifyReply).type('application/json; charset=utf-8').send(body);
    },
  });

  app.get('/rankings/:id/entries/:unitId/explanation', {
    config: { access: EVERYONE },
    schema: {
      operationId: 'getScoreExplanation',
      summary: "A unit's score explanation (得分说明): components, weights, contributions, inputs, formula version",
      description: 'Anyone may read explanations of a published ranking; drafts only admin and inspector.',
      tags,
      params: entryParams,
      response: { 200: scoreExplanation, ...problems(404, 429) },
    },
    handler: async (req) => svc.explanation(req.ctx, req.params.id, req.params.unitId),
  });

  app.get('/rankings/:id/bottom', {
    config: { access: ALL_AUTHENTICATED, scopes: ['rankings:read'] },
    schema: {
      operationId: 'getRankingBottom',
      summary: '排名靠后: the bottom N or bottom x% of each category, worst first, for accountability',
      tags,
      params: idParams,
      querystring: queryOf(bottomQuery),
      response: { 200: bottomList, ...problems(404) },
    },
    handler: async (req) => svc.bottom(req.ctx, req.params.id, req.query.category),
  });

  app.post('/rankings/:id/publish', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'publishRanking',
      summary: 'Publish a draft as the next version of the cycle (immutable; emits ranking.published)',
      description: 'When the cycle already has a published ranking, the new one is a correction (更正版): it records `supersedes` and needs a `reason`; the superseded one stays readable.',
      tags,
      params: idParams,
      body: publishBody.nullish(),
      response: { 200: ranking, ...problems(404, 409, 422) },
    },
    handler: async (req) => svc.publish(req.ctx, req.params.id, { reason: req.body?.reason }),
  });

  app.get('/rankings/:id/diff', {
    config: { access: ALL_AUTHENTICATED, scopes: ['rankings:read'] },
    schema: {
      operationId: 'getRankingDiff',
      summary: '更正对比: entries whose rank, score or eligibility changed from the ranking this one supersedes (a draft: from the current published one), and why',
      tags,
      params: idParams,
      response: { 200: rankingDiff, ...problems(404, 409) },
    },
    handler: async (req) => svc.diff(req.ctx, req.params.id),
  });

  for (const format of exportFormats) {
    const media = exportMedia(format);
    app.get(`/rankings/:id/export.${format}`, {
      config: { access: ALL_AUTHENTICATED, scopes: ['rankings:read'] },
      schema: {
        operationId: format === 'csv' ? 'exportRankingCsv' : 'exportRankingXlsx',
        summary: `The ranking as ${format.toUpperCase()} (header in Chinese and English), one row per entry`,
        tags,
        params: idParams,
        produces: [media.media],
        response: { 200: z.string().describe(media.description), ...problems(404) },
      },
      handler: async (req, reply) => {
        const { ranking: r, file } = await svc.export(req.ctx, req.params.id, format);
        const name = r.publicationVersion ? `ranking-${r.cycleId}-v${r.publicationVersion}.${file.extension}` : `ranking-${r.id}-draft.${file.extension}`;
        return reply.type(file.contentType).header('content-disposition', `attachment; filename="${name}"`).send(file.body as string); // a Buffer for XLSX: sent as is; the schema documents the text body
      },
    });
  }

  app.get('/public/cycles/:cycleId/rankings', {
    config: { access: EVERYONE },
    schema: {
      operationId: 'listPublicRankings',
      summary: "A cycle's published ranking versions",
      tags: ['public'],
      security: [],
      params: cycleParams,
      querystring: queryOf(pageQuery),
      response: { 200: pageOf(ranking), ...problems(404, 429) },
    },
    handler: async (req, reply) => {
      void reply.header('cache-control', 'public, max-age=60');
      return svc.publicList(req.params.cycleId, req.query);
    },
  });

  app.get('/public/cycles/:cycleId/rankings/current', {
    config: { access: EVERYONE },
    schema: {
      operationId: 'getCurrentPublicRanking',
      summary: "The cycle's current published ranking: the highest version (a correction replaces the one it supersedes, which stays readable)",
      tags: ['public'],
      security: [],
      params: cycleParams,
      response: { 200: ranking, ...problems(404, 429) },
    },
    handler: async (req, reply) => {
      void reply.header('cache-control', 'public, max-age=60');
      return svc.currentPublished(req.params.cycleId);
    },
  });

  app.get('/public/rankings/:id/diff', {
    config: { access: EVERYONE },
    schema: {
      operationId: 'getPublicRankingDiff',
      summary: 'What a published correction changed from the ranking it supersedes, entry by entry, and why',
      tags: ['public'],
      security: [],
      params: idParams,
      response: { 200: rankingDiff, ...problems(404, 409, 429) },
    },
    handler: async (req, reply) => {
      void reply.header('cache-control', SNAPSHOT_CACHE_CONTROL);
      return svc.diff(null, req.params.id);
    },
  });

  // Published snapshots and their pages never change: each page is serialized and compressed once, then served as
  // bytes (no schema check, no stringify per request). Reads of cached snapshots are not rate-limited — they cost
  // nothing and a newspaper's readers arrive through one proxy; a snapshot not in memory yet counts as usual.
  const pages = new LruCache<EncodedBody>({ entries: 4096, weight: PAGE_CACHE_BYTES, weigh: (b) => b.weight });
  const cachedSnapshotRead = { max: app.config.RATE_LIMIT_ANONYMOUS_PER_MINUTE, timeWindow: '1 minute', allowList: (req: { params: unknown }) => svc.isCached((req.params as { id: string }).id) };

  // The same bodies by the request's exact URL, entered only after that URL was validated and answered once: a repeat
  // is answered from the route's onRequest hook, before query parsing, validation and the handler (nothing in them
  // applies to bytes already made for that very URL). The global hooks (auth, rate limit, headers) still run first.
  // (URL → key of `pages`, so the byte-weighted cache alone decides what stays in memory)
  const byUrl = new LruCache<string>({ entries: 4096 });
  app.get('/public/rankings/:id', {
    config: { access: EVERYONE, rateLimit: cachedSnapshotRead },
    onRequest: (req, reply, done) => {
      const key = byUrl.get(req.url);
      const body = key === undefined ? undefined : pages.get(key);
      if (body) body.send(req, reply, SNAPSHOT_CACHE_CONTROL);
      else done();
    },
    schema: {
      operationId: 'getPublicRanking',
      summary: 'A page of a published ranking (公示排名): filters by category, region (with descendants), department and flag',
      description:
        'Cacheable and immutable: strong ETag per page and encoding, 304 on If-None-Match, gzip or brotli when the client asks (Vary: Accept-Encoding). ' +
        'The cursor is a position in the filtered entries (stable: the snapshot never changes). The whole snapshot is at `/public/rankings/{id}/snapshot.json`.',
      tags: ['public'],
      security: [],
      params: idParams,
      querystring: queryOf(pageQuery.extend(entriesQuery.shape)),
      response: { 200: publicRankingPage, 304: z.null().describe('not modified'), ...problems(404, 422, 429) },
    },
    handler: async (req, reply) => {
      const { limit, cursor, category, regionId, departmentId, flag } = req.query;
      const query = [limit, cursor ?? '', category ?? '', regionId ?? '', departmentId ?? '', flag ?? ''];
      const isDefault = limit === DEFAULT_PAGE_SIZE && query.slice(1).every((v) => v === '');
      const key = `${req.params.id}?${query.join('&')}`;
      let body = pages.get(key);
      if (!body) {
        const page = publicRankingPage.parse(await svc.publicPage(req.params.id, { category, regionId, departmentId, flag }, { limit, cursor }));
        const tag = isDefault ? `ranking-${req.params.id}` : `ranking-${req.params.id}-${createHash('sha256').update(key).digest('base64url').slice(0, 16)}`;
        body = EncodedBody.json(page, tag);
        pages.set(key, body);
      }
      byUrl.set(req.url, key);
      return body.send(req, reply, SNAPSHOT_CACHE_CONTROL);
    },
  });

  app.get('/public/rankings/:id/snapshot.json', {
    config: { access: EVERYONE, rateLimit: cachedSnapshotRead },
    schema: {
      operationId: 'downloadPublicRanking',
      summary: 'The whole published snapshot with every entry, for download (compressed when the client asks; cacheable and immutable)',
      tags: ['public'],
      security: [],
      params: idParams,
      response: { 200: publicRanking, 304: z.null().describe('not modified'), ...problems(404, 429) },
    },
    handler: async (req, reply) => {
      const key = `${req.params.id}/snapshot`;
      let body = pages.get(key);
      if (!body) {
        body = EncodedBody.json(publicRanking.parse(await svc.publicSnapshot(req.params.id)), `ranking-${req.params.id}-snapshot`);
        pages.set(key, body);
      }
      void reply.header('content-disposition', `inline; filename="${body.tag}.json"`);
      return body.send(req, reply, SNAPSHOT_CACHE_CONTROL);
    },
  });
};
