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
