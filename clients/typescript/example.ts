/**
 * A small program on the typed client, as a portal team would write it: list units, create one, update it with
 * If-Match, read a page of a published ranking. test/typescript-client.test.ts compiles it with tsc and runs it.
 *
 *   node example.js <baseUrl> <adminToken> <publishedRankingId>
 */
import { createManyiClient } from './index.js';
import type { components } from './index.js';

type Unit = components['schemas']['Unit'];

export async function roundTrip(baseUrl: string, token: string, rankingId: string) {
  const manyi = createManyiClient({ baseUrl, token, language: 'zh-CN' });

  const listed = await manyi.GET('/api/v1/units', { params: { query: { limit: 5 } } });
  if (listed.error || !listed.data) throw new Error(`list units: ${JSON.stringify(listed.error)}`);
  const first: Unit = listed.data.items[0];

  const created = await manyi.POST('/api/v1/units', {
    body: { departmentId: first.departmentId, regionId: first.regionId, category: first.category, name: '客户端示例窗口' },
  });
  if (created.error || !created.data) throw new Error(`create unit: ${JSON.stringify(created.error)}`);
  const etag = created.response.headers.get('etag') ?? '';

  const updated = await manyi.PATCH('/api/v1/units/{id}', {
    params: { path: { id: created.data.id }, header: { 'If-Match': etag } },
    body: { name: '客户端示例窗口（已改名）' },
  });
  if (updated.error || !updated.data) throw new Error(`update unit: ${JSON.stringify(updated.error)}`);

  const stale = await manyi.PATCH('/api/v1/units/{id}', {
    params: { path: { id: created.data.id }, header: { 'If-Match': etag } },
    body: { name: '不应生效' },
  });

  const publicClient = createManyiClient({ baseUrl });
  const page = await publicClient.GET('/api/v1/public/rankings/{id}', { params: { path: { id: rankingId }, query: { limit: 2 } } });
  if (page.error || !page.data) throw new Error(`ranking page: ${JSON.stringify(page.error)}`);

  return {
    listed: listed.data.items.length,
    createdName: created.data.name,
    updatedName: updated.data.name,
    updatedVersion: updated.data.version,
    staleStatus: stale.response.status,
    staleTitle: stale.error?.title,
    rankingEntries: page.data.entries.map((e) => [e.unitName, e.rank]),
    rankingTotal: page.data.total,
  };
}

const [, , baseUrl, token, rankingId] = process.argv;
if (baseUrl && token && rankingId) console.log(JSON.stringify(await roundTrip(baseUrl, token, rankingId)));
