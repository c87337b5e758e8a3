import t from 'tap';
import { referenceWorld } from './fixtures.js';
import { gql, setup } from './helper.js';

const h = await setup(t);
const w = await referenceWorld(h);
const { forestStation, taxHallA, taxHallB } = w.units;
const { forestry, tax } = w.departments;
const forestryDept = { role: 'department' as const, departmentId: forestry.id };
const supervisor = { role: 'supervisor' as const, supervisorId: '0190a000-0000-7000-8000-0000000005e1' };
type Who = Parameters<typeof h.as>[0];
type Item = Record<string, unknown> & { id: string; appearances: { personName: string | null; result: number | null }[] };

const record = (who: Who, body: Record<string, unknown>) =>
  h.as(who, { method: 'POST', url: '/api/v1/media-items', payload: { outlet: '恩施日报', title: '纠风直通车', publishedOn: '2014-09-01', ...body } });
const inquiry = {
  kind: 'tv_inquiry',
  outlet: '恩施电视台',
  title: '电视问政：办税服务',
  unitIds: [taxHallA.id],
  appearances: [{ personName: '张某', personTitle: '局长', departmentId: tax.id, resultKind: 'satisfaction_percent', result: 87.5 }],
};

t.test('each kind is recorded with its own measure and the departments and units it covered', async (t) => {
  const news = await record('admin', { kind: 'news_item', quantity: 3, wordCount: 4200, departmentIds: [forestry.id], unitIds: [forestStation.id] });
  t.equal(news.statusCode, 201, news.body);
  t.match(news.json(), { kind: 'news_item', kindLabel: { zhCN: '消息' }, quantity: 3, wordCount: 4200, departmentIds: [forestry.id], unitIds: [forestStation.id] });
  const special = await record('inspector', { kind: 'tv_special', outlet: '恩施电视台', title: '百名记者进窗口', episodes: 28 });
  t.equal(special.statusCode, 201, special.body);
  const got = await h.as(forestryDept, { method: 'GET', url: `/api/v1/media-items/${news.json().id}` });
  t.same(got.json(), news.json());
});

t.test('a TV inquiry session lists the heads who faced the public, named only for the office and assessors', async (t) => {
  const s = await record('admin', inquiry);
  t.equal(s.statusCode, 201, s.body);
  t.match(s.json().appearances, [{ personName: '张某', personTitle: '局长', departmentId: tax.id, resultKind: 'satisfaction_percent', result: 87.5, resultLabel: { zhCN: '满意率（%）' } }]);
  t.ok(s.json().departmentIds.includes(tax.id), "the head's department counts as covered");
  const asInspector = (await h.as('inspector', { method: 'GET', url: `/api/v1/media-items/${s.json().id}` })).json() as Item;
  t.equal(asInspector.appearances[0].personName, '张某');
  for (const who of [forestryDept, 'integration'] as Who[]) {
    const seen = (await h.as(who, { method: 'GET', url: `/api/v1/media-items?kind=tv_inquiry` })).json().items as Item[];
    t.ok(seen.length > 0 && seen.every((i) => i.appearances.every((a) => a.personName === null && a.result === 87.5)));
    t.notMatch(JSON.stringify(seen), /张某/);
  }
});

t.test('validation names the field', async (t) => {
  const field = async (body: Record<string, unknown>) => {
    const r = await record('admin', body);
    return [r.statusCode, r.json().errors?.[0]?.field];
  };
  t.same(await field({ kind: 'news_item', episodes: 3 }), [400, 'body.episodes']);
  t.same(await field({ kind: 'sms_publicity' }), [400, 'body.messages']);
  t.same(await field({ kind: 'tv_special' }), [400, 'body.episodes']);
  t.same(await field({ kind: 'newspaper_column', quantity: 0 }), [400, 'body.quantity']);
  t.same(await field({ kind: 'news_item', appearances: inquiry.appearances }), [400, 'body.appearances']);
  t.same(await field({ ...inquiry, appearances: [{ ...inquiry.appearances[0], result: 120 }] }), [400, 'body.appearances.0.result']);
  t.same(await field({ kind: 'news_item', unitIds: [taxHallB.id, '0190a000-0000-7000-8000-000000000000'] }), [422, 'unitIds.1']);
  t.same(await field({ kind: 'news_item', departmentIds: ['0190a000-0000-7000-8000-000000000000'] }), [422, 'departmentIds.0']);
  t.same(await field({ kind: 'news_item', publishedOn: '2999-01-01' }), [422, 'publishedOn']);
});

t.test('the list filters by kind, outlet and what was covered; pages', async (t) => {
  const ids = async (q: string) => ((await h.as('admin', { method: 'GET', url: `/api/v1/media-items?${q}` })).json().items as Item[]).map((i) => i.id);
  t.equal((await ids(`unitId=${forestStation.id}`)).length, 1);
  t.ok((await ids(`departmentId=${tax.id}`)).length >= 1);
  t.equal((await ids('outlet=恩施电视台')).length, 2);
  const all = await h.countQueries(() => h.as('admin', { method: 'GET', url: '/api/v1/media-items?limit=200' }));
  if (all.queries >= 0) t.ok(all.queries <= 5, `the page with its coverage and heads in ${all.queries} statements`);
  const first = (await h.as('admin', { method: 'GET', url: '/api/v1/media-items?limit=1' })).json();
  t.equal(first.items.length, 1);
  const second = (await h.as('admin', { method: 'GET', url: `/api/v1/media-items?limit=1&cursor=${first.nextCursor}` })).json();
  t.not(second.items[0].id, first.items[0].id);
});

t.test('only the office and assessors record; others are refused; the record is audited', async (t) => {
  t.equal((await record(forestryDept, { kind: 'news_item' })).statusCode, 403);
  t.equal((await record('integration', { kind: 'news_item' })).statusCode, 403);
  t.equal((await record('anonymous', { kind: 'news_item' })).statusCode, 401);
  t.equal((await h.as(supervisor, { method: 'GET', url: '/api/v1/media-items' })).statusCode, 403);
  t.equal((await h.as({ role: 'unit', unitId: forestStation.id }, { method: 'GET', url: '/api/v1/media-items' })).statusCode, 403);
  const m = (await record('admin', { kind: 'sms_publicity', outlet: '州纠风办', title: '创建宣传短信', messages: 30000 })).json() as Item;
  const log = await h.as('admin', { method: 'GET', url: `/api/v1/audit-log?entityType=media_item&entityId=${m.id}` });
  t.same(log.json().items.map((e: { action: string }) => e.action), ['media_item.recorded']);
});

t.test('GraphQL: the same items, the names withheld from a department', async (t) => {
  const q = '{ mediaItems(kind: tv_inquiry) { items { id appearances { personName result } } } }';
  const dept = await gql(h, forestryDept, q);
  t.same(dept.errors, undefined);
  t.same((dept.data!.mediaItems as { items: Item[] }).items[0].appearances, [{ personName: null, result: 87.5 }]);
  const admin = await gql(h, 'admin', q);
  t.same((admin.data!.mediaItems as { items: Item[] }).items[0].appearances, [{ personName: '张某', result: 87.5 }]);
  const created = await gql(h, 'admin', `mutation { recordMediaItem(input: { kind: newspaper_column, outlet: "恩施日报", title: "创建风采", publishedOn: "2014-10-01", quantity: 2, departmentIds: ["${forestry.id}"] }) { quantity departmentIds } }`);
  t.same(created.data!.recordMediaItem, { quantity: 2, departmentIds: [forestry.id] });
  t.equal((await gql(h, forestryDept, `mutation { recordMediaItem(input: { kind: news_item, outlet: "x", title: "x", publishedOn: "2014-10-01" }) { id } }`)).errors?.[0].extensions?.code, 'forbidden');
});
