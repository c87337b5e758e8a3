import fp from 'fastify-plugin';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../config.js';
import { EVERYONE } from '../lib/principal.js';

const label = z.object({ zhCN: z.string(), en: z.string() });

const link = z.object({
  rel: z.string().describe('what the link is for; stable, for clients'),
  href: z.string().describe('a path on this host; with `templated`, an RFC 6570 URI template such as /api/v1/public/rankings/{id}'),
  method: z.enum(['GET', 'POST']),
  templated: z.boolean().optional(),
  label,
});

const index = z
  .object({
    name: z.literal('manyi'),
    title: label,
    links: z.array(link),
  })
  .meta({ id: 'ServiceIndex' });

type Link = z.infer<typeof link>;

/** The public doors of the service: where a newcomer (or a client) goes first. */
function links(config: Config): Link[] {
  const graphiql = config.NODE_ENV !== 'production' && config.GRAPHQL_INTROSPECTION;
  return [
    { rel: 'docs', href: '/docs', method: 'GET', label: { zhCN: '接口文档', en: 'API documentation' } },
    { rel: 'openapi', href: '/openapi.json', method: 'GET', label: { zhCN: 'OpenAPI 3.1 接口描述', en: 'OpenAPI 3.1 document' } },
    { rel: 'graphql', href: '/graphql', method: 'POST', label: { zhCN: 'GraphQL 接口', en: 'GraphQL endpoint' } },
    ...(graphiql ? [{ rel: 'graphiql', href: '/graphiql', method: 'GET' as const, label: { zhCN: 'GraphQL 调试页面', en: 'GraphiQL (GraphQL in the browser)' } }] : []),
    { rel: 'health', href: '/healthz', method: 'GET', label: { zhCN: '进程存活', en: 'Liveness: the process is up' } },
    { rel: 'ready', href: '/readyz', method: 'GET', label: { zhCN: '服务就绪', en: 'Readiness: database reachable, migrations current' } },
    { rel: 'award-roll', href: '/api/v1/public/cycles/{cycleId}/award-roll', method: 'GET', templated: true, label: { zhCN: '荣誉榜（命名表彰与摘牌）', en: "A cycle's award roll (named units and revocations)" } },
    { rel: 'public-rankings', href: '/api/v1/public/cycles/{cycleId}/rankings', method: 'GET', templated: true, label: { zhCN: '已公布的排名', en: "A cycle's published rankings" } },
    { rel: 'public-ranking', href: '/api/v1/public/rankings/{id}', method: 'GET', templated: true, label: { zhCN: '排名（含全部名次）', en: 'A published ranking with all its entries' } },
    { rel: 'public-unit', href: '/api/v1/public/units/{id}', method: 'GET', templated: true, label: { zhCN: '基层站所(窗口) 公开信息', en: "A unit's public profile" } },
    { rel: 'categories', href: '/api/v1/categories', method: 'GET', label: { zhCN: '站所类别', en: 'Unit categories' } },
    { rel: 'rate', href: '/api/v1/public/ratings', method: 'POST', label: { zhCN: '群众评价', en: 'Rate a unit' } },
    { rel: 'complain', href: '/api/v1/public/complaints', method: 'POST', label: { zhCN: '投诉举报', en: 'File a complaint' } },
    { rel: 'complaint-tracking', href: '/api/v1/public/complaints/{trackingCode}', method: 'GET', templated: true, label: { zhCN: '投诉查询', en: 'Track a complaint by its code' } },
  ];
}

/** GET /: a small index of the public doors, with zh-CN and English labels, instead of a 404. */
export default fp<{ config: Config }>(
  async (app, { config }) => {
    const body = { name: 'manyi' as const, title: { zhCN: '满意 — 百佳基层站所(窗口) 创建', en: 'manyi — public-service evaluation campaigns' }, links: links(config) };
    app.withTypeProvider<ZodTypeProvider>().get('/', {
      config: { access: EVERYONE, rateLimit: false },
      schema: {
        operationId: 'getIndex',
        summary: 'Where to start: documentation, GraphQL, health and the public entry points (no token needed)',
        tags: ['index'],
        security: [],
        response: { 200: index },
      },
      handler: async () => body,
    });
  },
  { name: 'home', dependencies: ['docs', 'auth'] },
);
