import t from 'tap';
import { systemContext } from '../src/lib/principal.js';
import { referenceWorld } from './fixtures.js';
import { gql, setup } from './helper.js';

const h = await setup(t);
const w = await referenceWorld(h);
const { forestStation, taxHallA } = w.units;
const forestryDept = { role: 'department' as const, departmentId: w.departments.forestry.id };
const cycle = await h.app.services.cycles.create(systemContext('test'), { name: '2016 创建', year: 2016 });
const EVIDENCE = ['https://files.example.org/rectification/photo-1.jpg'];

const api = (who: Parameters<typeof h.as>[0], url: string, payload: Record<string, unknown> = {}) => h.as(who, { method: 'POST', url: `/api/v1${url}`, payload });
const problem = (body: Record<string, unknown> = {}) => ({ unitId: forestStation.id, cycleId: cycle.id, sourceType: 'manual', severity: 'minor', description: '群众反映办事难', ...body });
async function openMany(n: number, body: Record<string, unknown> = {}): Promise<string[]> {
  const res = await api('admin', '/problems/bulk', { problems: Array.from({ length: n }, (_, i) => problem({ description: `问题 ${i}`, ...body })) });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json().items.map((p: { id: string }) => p.id);
}

t.test('the office opens many problems at once, hot ones flagged and filterable', async (t) => {
  const ids = await openMany(3, { isHot: true });
  const list = await h.as('admin', { method: 'GET', url: '/api/v1/problems?isHot=true' });
  t.same(list.json().items.map((p: { id: string }) => p.id).sort(), [...ids].sort());
  t.ok(list.json().items.every((p: { isHot: boolean }) => p.isHot));
  const bad = await api('admin', '/problems/bulk', { problems: [problem(), problem({ unitId: '0190a000-0000-7000-8000-000000000000' })] });
  t.equal(bad.statusCode, 422);
  t.equal(bad.json().errors[0].field, 'problems.1.unitId');
  t.equal((await h.as('admin', { method: 'GET', url: '/api/v1/problems' })).json().items.length, 3, 'nothing of the bad batch was written');
  t.equal((await api(forestryDept, '/problems/bulk', { problems: [problem()] })).statusCode, 403);
});

t.test('one decision moves many problems; all or nothing, per-id errors name the index, audited per problem', async (t) => {
  const ids = await openMany(4);
  const started = await api('admin', '/problems/bulk-transition', { ids, action: 'start', note: '统一部署整改' });
  t.equal(started.statusCode, 200, started.body);
  t.ok(started.json().items.every((p: { status: string }) => p.status === 'rectifying'));
  for (const id of ids.slice(0, 3)) t.equal((await api(forestryDept, `/problems/${id}/submit`, { measureItems: [{ text: '公示办事流程' }], evidence: EVIDENCE })).statusCode, 200);

  // The fourth was never submitted: the whole batch fails, naming it, and nothing is verified.
  const partial = await api('admin', '/problems/bulk-transition', { ids, action: 'verify', note: '现场核查通过' });
  t.equal(partial.statusCode, 409);
  t.same(partial.json().errors.map((e: { field: string }) => e.field), ['ids.3']);
  const stillSubmitted = await h.as('admin', { method: 'GET', url: `/api/v1/problems?status=submitted` });
  t.equal(stillSubmitted.json().items.length, 3);

  const ok = await api('admin', '/problems/bulk-transition', { ids: ids.slice(0, 3), action: 'verify', note: '现场核查通过' });
  t.equal(ok.statusCode, 200, ok.body);
  t.ok(ok.json().items.every((p: { status: string }) => p.status === 'verified'));
  const audit = await h.sql<{ n: number }>(`select count(*)::int n from audit_log where action = 'problem.verified' and entity_id = any($1)`, [ids]);
  t.equal(audit[0].n, 3, 'one audit entry per problem');
  const history = (await h.as('admin', { method: 'GET', url: `/api/v1/problems/${ids[0]}` })).json().events;
  t.equal(history.at(-1).note, '现场核查通过');

  t.equal((await api('admin', '/problems/bulk-transition', { ids: [ids[3]], action: 'reject' })).statusCode, 400, 'a rejection needs a reason');
  t.equal((await api(forestryDept, '/problems/bulk-transition', { ids, action: 'verify' })).statusCode, 403);
});

t.test('the office submits a rectification on the department’s behalf, and that is recorded', async (t) => {
  const [id] = await openMany(1, { unitId: taxHallA.id });
  await api('admin', `/problems/${id}/start`);
  const res = await api('admin', `/problems/${id}/submit`, { measures: '代为提交: 调整窗口设置', evidence: EVIDENCE });
  t.equal(res.statusCode, 200, res.body);
  t.equal(res.json().submittedOnBehalfBy, 'admin:local');
  t.equal(res.json().measures, '代为提交: 调整窗口设置', 'the free-text field is still accepted');
  const history = (await h.as('admin', { method: 'GET', url: `/api/v1/problems/${id}` })).json().events;
  t.match(history.at(-1).note, /on the department's behalf/);
});

t.test('GraphQL: transitionProblems is the office’s', async (t) => {
  const ids = await openMany(2);
  const denied = await gql(h, forestryDept, 'mutation($ids: [ID!]!) { transitionProblems(ids: $ids, action: start) { id } }', { ids });
  t.equal(denied.errors?.[0].extensions?.code, 'forbidden');
  const res = await gql(h, 'admin', 'mutation($ids: [ID!]!) { transitionProblems(ids: $ids, action: start, note: "开始") { id status isHot } }', { ids });
  t.same((res.data?.transitionProblems as { status: string }[]).map((p) => p.status), ['rectifying', 'rectifying']);
});

/** A bad rating (差评) of a unit, written straight to its table: a source record a problem cites. */
const badRating = async (unitId: string) =>
  (await h.sql<{ id: string }>(`insert into ratings (id, unit_id, channel, level, collected_at, source, submitted_by) values (gen_random_uuid(), $1, 'hotline', 2, now(), 'test', 'x') returning id`, [unitId]))[0].id;
const fromRating = (sourceId: string, body: Record<string, unknown> = {}) => problem({ sourceType: 'rating', sourceId, description: '差评整改', ...body });

t.test('a bulk opening mixes items with and without sources; a source cited twice or already opened answers one problem', async (t) => {
  const [r1, r2] = [await badRating(forestStation.id), await badRating(forestStation.id)];
  const earlier = await api('admin', '/problems', fromRating(r2, { severity: 'major' }));
  t.equal(earlier.statusCode, 201, earlier.body);
  const res = await api('admin', '/problems/bulk', { problems: [problem({ description: '手工录入' }), fromRating(r1), fromRating(r2), fromRating(r1, { description: '又一次' })] });
  t.equal(res.statusCode, 201, res.body);
  const items = res.json().items;
  t.same(items.map((p: { sourceType: string; sourceId: string | null }) => [p.sourceType, p.sourceId]), [['manual', null], ['rating', r1], ['rating', r2], ['rating', r1]]);
  t.equal(items[2].id, earlier.json().id, 'a source already opened answers its problem, as alone');
  t.equal(items[2].severity, 'major', 'unchanged by the batch');
  t.equal(items[3].id, items[1].id, 'a source cited twice in the batch is opened once');
  const opened = await h.sql<{ n: number }>(`select count(*)::int n from audit_log where action = 'problem.opened' and entity_id = any($1)`, [items.map((p: { id: string }) => p.id)]);
  t.equal(opened[0].n, 3, 'audited once per problem opened (the manual one, r1, and r2 earlier)');
});

t.test('a bulk opening refuses an unknown source, a source of another unit, and a source opened for another unit, naming the item; nothing is written', async (t) => {
  const before = (await h.sql<{ n: number }>(`select count(*)::int n from problems`))[0].n;
  const mine = await badRating(forestStation.id);
  const theirs = await badRating(taxHallA.id);
  const field = async (problems: Record<string, unknown>[]) => {
    const res = await api('admin', '/problems/bulk', { problems });
    t.equal(res.statusCode, 422, res.body);
    return res.json().errors.map((e: { field: string }) => e.field);
  };
  t.same(await field([fromRating(mine), fromRating('0190a000-0000-7000-8000-000000000000')]), ['problems.1.sourceId'], 'an unknown source');
  t.same(await field([problem(), fromRating(mine), fromRating(theirs)]), ['problems.2.sourceId'], 'a rating of another unit');
  t.same(await field([fromRating(mine), fromRating(mine, { unitId: taxHallA.id })]), ['problems.1.unitId'], 'cited again in the batch for another unit');
  t.same(await field([problem({ deadline: '2020-01-01T00:00:00Z' }), fromRating('0190a000-0000-7000-8000-000000000000')]), ['problems.0.deadline'], 'the first refused item answers');
  t.equal((await h.sql<{ n: number }>(`select count(*)::int n from problems`))[0].n, before, 'nothing of any refused batch was written');
  t.equal((await api('admin', '/problems', fromRating(mine))).statusCode, 201);
  t.same(await field([fromRating(mine, { unitId: taxHallA.id })]), ['problems.0.unitId'], 'a source already opened for another unit');
});
