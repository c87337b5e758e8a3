import t from 'tap';
import type { RankingDto } from '../src/modules/rankings/schemas.js';
import { scoredWorld } from './fixtures-scores.js';
import { onPglite, setup } from './helper.js';
import type { TestApp } from './helper.js';

// GET /rankings/{id}/entries pages come from each copy's cache of rendered pages (rankings service, entriesRendered).
// Two copies over one database: a draft's page is never served to a caller who may not see drafts, and a department
// or region renamed — through a service or by SQL — is in the very next read on both copies.

if (onPglite) {
  t.pass('the entries cache needs a PostgreSQL server shared by the copies (LISTEN/NOTIFY); on PGlite nothing is cached');
  process.exit(0);
}

const a: TestApp = await setup(t);
const b: TestApp = await a.copy();
const w = await scoredWorld(a);
const department = { role: 'department' as const, departmentId: w.departments.forestry.id };

const computed = await a.as('admin', { method: 'POST', url: `/api/v1/cycles/${w.cycle.id}/rankings` });
if (computed.statusCode !== 201) throw new Error(computed.body);
const draft = computed.json() as RankingDto;
const url = `/api/v1/rankings/${draft.id}/entries?limit=50`;
const names = async (copy: TestApp, who: Parameters<TestApp['as']>[0] = 'admin') => {
  const res = await copy.as(who, { method: 'GET', url });
  if (res.statusCode !== 200) throw new Error(res.body);
  return res.json().items as { unitId: string; departmentName: string; regionName: string }[];
};

t.test('a repeated read is served from the cache: no entries query, the same bytes', async (t) => {
  const first = await b.countQueries(() => b.as('admin', { method: 'GET', url }));
  const again = await b.countQueries(() => b.as('admin', { method: 'GET', url }));
  t.equal(again.result.statusCode, 200);
  t.equal(again.result.headers['content-type'], 'application/json; charset=utf-8');
  t.equal(again.result.body, first.result.body);
  t.ok(again.queries < first.queries, `a hit sends only the read barrier (${again.queries} vs ${first.queries} statements)`);
  t.equal((again.result.json().items as unknown[]).length, 5);
});

t.test("a draft's page cached for the office is not served to a department; once published it is", async (t) => {
  await names(a, 'admin');
  await names(a, 'inspector');
  const denied = await a.as(department, { method: 'GET', url });
  t.equal(denied.statusCode, 404, 'a draft is the office’s');
  t.equal(denied.headers['content-type'], 'application/problem+json; charset=utf-8');
  const published = await a.as('admin', { method: 'POST', url: `/api/v1/rankings/${draft.id}/publish`, payload: {} });
  t.equal(published.statusCode, 200, published.body);
  const seen = await a.as(department, { method: 'GET', url });
  t.equal(seen.statusCode, 200, 'published: every authenticated reader');
  t.equal(seen.body, (await a.as('admin', { method: 'GET', url })).body, 'the same page for the office and the department');
  t.equal((await a.as('anonymous', { method: 'GET', url })).statusCode, 401, 'still only for authenticated callers');
});

t.test('a department renamed through the service is in the next read on both copies', async (t) => {
  await names(a);
  await names(b);
  const current = (await a.as('admin', { method: 'GET', url: `/api/v1/departments/${w.departments.forestry.id}` })).json() as { version: number };
  const res = await a.as('admin', {
    method: 'PATCH',
    url: `/api/v1/departments/${w.departments.forestry.id}`,
    headers: { 'if-match': `"${current.version}"` },
    payload: { name: '州林业局（改）' },
  });
  t.equal(res.statusCode, 200, 'renamed');
  for (const copy of [b, a]) {
    const forestry = (await names(copy)).filter((e) => e.unitId === w.units.forestStation.id);
    t.same(
      forestry.map((e) => e.departmentName),
      ['州林业局（改）'],
    );
  }
});

t.test('a region renamed by SQL, outside the service, is in the next read on both copies', async (t) => {
  await names(a);
  await names(b);
  await a.sql(`update regions set name_zh = '汪营镇（改）' where name_zh = '汪营镇'`);
  for (const copy of [a, b]) t.ok((await names(copy)).some((e) => e.regionName === '汪营镇（改）'), 'the new name');
});
