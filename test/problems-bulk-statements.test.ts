import t from 'tap';
import { referenceWorld } from './fixtures.js';
import { setup } from './helper.js';

const h = await setup(t);
const w = await referenceWorld(h);
const { forestStation, taxHallA } = w.units;
const EVIDENCE = ['https://files.example.org/rectification/photo-1.jpg'];

const api = (url: string, payload: Record<string, unknown>) => h.as('admin', { method: 'POST', url: `/api/v1${url}`, payload });
async function openMany(n: number): Promise<string[]> {
  const problems = Array.from({ length: n }, (_, i) => ({ unitId: i % 2 ? taxHallA.id : forestStation.id, sourceType: 'manual', severity: 'minor', description: `批量问题 ${i}` }));
  const res = await api('/problems/bulk', { problems });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json().items.map((p: { id: string }) => p.id);
}
const count = async (sqlText: string, params: unknown[]) => (await h.sql<{ n: number }>(sqlText, params))[0].n;

t.test('a bulk move sends as many statements for 200 problems as for 2, and still audits, records and announces each', async (t) => {
  if (!h.database.pool) return void t.comment('statements are counted on PostgreSQL only');
  const few = await openMany(2);
  const many = await openMany(200);
  for (const [action, extra] of [
    ['start', { note: '统一部署整改' }],
    ['submit', { note: '已调整窗口', evidence: EVIDENCE }],
    ['reject', { note: '证据不足' }],
  ] as const) {
    const small = await h.countQueries(() => api('/problems/bulk-transition', { ids: few, action, ...extra }));
    const large = await h.countQueries(() => api('/problems/bulk-transition', { ids: many, action, ...extra }));
    t.equal(small.result.statusCode, 200, small.result.body);
    t.equal(large.result.statusCode, 200, large.result.body);
    t.equal(large.result.json().items.length, 200);
    t.same(large.result.json().items.map((p: { id: string }) => p.id), many, 'answered in the order asked');
    t.equal(large.queries, small.queries, `${action}: ${small.queries} statements for 2 problems and for 200`);
    t.ok(large.queries <= 10, `${action}: a handful of statements (${large.queries})`);
  }
  const verified = await h.countQueries(() => api('/problems/bulk-transition', { ids: many, action: 'verify', note: '复查属实' }));
  t.equal(verified.result.statusCode, 409, 'rejected problems must be submitted again before they are verified');
  t.same(verified.result.json().errors.map((e: { field: string }) => e.field), ['ids.0'], 'the first refused problem is named');
  t.equal(await count(`select count(*)::int n from problems where id = any($1) and status = 'rectifying' and version = 4`, [many]), 200, 'nothing of the refused batch was written');

  await api('/problems/bulk-transition', { ids: many, action: 'submit', note: '再次整改', evidence: EVIDENCE });
  const done = await api('/problems/bulk-transition', { ids: many, action: 'verify', note: '复查属实' });
  t.equal(done.statusCode, 200, done.body);
  t.ok(done.json().items.every((p: { status: string; version: number; verifiedAt: string | null }) => p.status === 'verified' && p.version === 6 && p.verifiedAt));
  for (const action of ['started', 'submitted', 'rejected', 'verified']) {
    t.equal(await count(`select count(*)::int n from audit_log where action = $1 and entity_id = any($2)`, [`problem.${action}`, many]), action === 'submitted' ? 400 : 200, `one problem.${action} audit entry per problem and move`);
  }
  t.equal(await count(`select count(*)::int n from problem_events where problem_id = any($1)`, [many]), 200 * 6, 'opened, started, submitted, rejected, submitted, verified: each in every history');
  t.equal(await count(`select count(*)::int n from outbox_events where type = 'problem.status_changed' and payload->>'problemId' = any($1)`, [many]), 200 * 5, 'one status_changed event per problem and move');
  const history = (await h.as('admin', { method: 'GET', url: `/api/v1/problems/${many[7]}` })).json().events;
  t.same(
    history.map((e: { action: string; fromStatus: string | null; toStatus: string }) => [e.action, e.fromStatus, e.toStatus]),
    [
      ['opened', null, 'open'],
      ['started', 'open', 'rectifying'],
      ['submitted', 'rectifying', 'submitted'],
      ['rejected', 'submitted', 'rectifying'],
      ['submitted', 'rectifying', 'submitted'],
      ['verified', 'submitted', 'verified'],
    ],
  );
  const audit = await h.sql<{ before: { status: string; version: number }; after: { status: string; version: number } }>(
    `select before, after from audit_log where action = 'problem.verified' and entity_id = $1`,
    [many[7]],
  );
  t.same([audit[0].before.status, audit[0].before.version, audit[0].after.status, audit[0].after.version], ['submitted', 5, 'verified', 6], 'the entry holds the problem before and after');
});

t.test('a bulk move names every duplicate and the first refused problem, and writes nothing', async (t) => {
  const ids = await openMany(3);
  const missing = '0190a000-0000-7000-8000-000000000000';
  const res = await api('/problems/bulk-transition', { ids: [ids[0], missing, ids[1], ids[0]], action: 'start' });
  t.equal(res.statusCode, 404, res.body);
  t.same(res.json().errors.map((e: { field: string }) => e.field), ['ids.1', 'ids.3']);
  t.equal(await count(`select count(*)::int n from problems where id = any($1) and status = 'open'`, [ids]), 3);
});

t.test('opening 200 problems at once sends as many statements as opening 2, each audited and in its history', async (t) => {
  if (!h.database.pool) return void t.comment('statements are counted on PostgreSQL only');
  const small = await h.countQueries(() => openMany(2));
  const large = await h.countQueries(() => openMany(200));
  t.equal(large.queries, small.queries, `${small.queries} statements for 2 problems and for 200`);
  t.ok(large.queries <= 10, `a handful of statements (${large.queries})`);
  const ids = large.result;
  t.equal(await count(`select count(*)::int n from audit_log where action = 'problem.opened' and entity_id = any($1)`, [ids]), 200);
  t.equal(await count(`select count(*)::int n from problem_events where action = 'opened' and to_status = 'open' and problem_id = any($1)`, [ids]), 200);
  const listed = await h.sql<{ id: string; description: string }>(`select id, description from problems where id = any($1) order by id`, [ids]);
  t.same(listed.map((p) => p.id), ids, 'answered in the order given, ids in creation order');
  t.same(listed.map((p) => p.description), ids.map((_, i) => `批量问题 ${i}`));
});

t.test('a bad item in a bulk opening is named by its index and nothing is written', async (t) => {
  const before = await count(`select count(*)::int n from problems`, []);
  const problems = [
    { unitId: forestStation.id, sourceType: 'manual', severity: 'minor', description: '好的' },
    { unitId: forestStation.id, sourceType: 'manual', severity: 'minor', description: '已过期限', deadline: '2020-01-01T00:00:00Z' },
    { unitId: '0190a000-0000-7000-8000-000000000000', sourceType: 'manual', severity: 'minor', description: '没有这个单位' },
  ];
  const res = await api('/problems/bulk', { problems });
  t.equal(res.statusCode, 422, res.body);
  t.same(res.json().errors.map((e: { field: string }) => e.field), ['problems.1.deadline'], 'the first refused item answers');
  const cycle = await api('/problems/bulk', { problems: [problems[0], { ...problems[0], cycleId: '0190a000-0000-7000-8000-000000000000' }] });
  t.equal(cycle.statusCode, 422, cycle.body);
  t.same(cycle.json().errors.map((e: { field: string }) => e.field), ['problems.1.cycleId']);
  t.equal(await count(`select count(*)::int n from problems`, []), before, 'nothing of either batch was written');
});

/** Bad ratings (差评) and complaints of a unit, written straight to their tables: the source records problems cite. */
const badRatings = async (unitId: string, n: number) =>
  (await h.sql<{ id: string }>(`insert into ratings (id, unit_id, channel, level, collected_at, source, submitted_by) select gen_random_uuid(), $1, 'hotline', 1, now(), 'test', 'x' from generate_series(1, $2::int) returning id`, [unitId, n])).map((r) => r.id);
const complaintsOf = async (unitId: string, n: number) =>
  (await h.sql<{ id: string }>(`insert into complaints (id, tracking_code, source, category, subject, description, unit_id, received_at) select gen_random_uuid(), 'T' || gen_random_uuid(), 'hotline', 'efficiency', '办事慢', '办事慢', $1, now() from generate_series(1, $2::int) returning id`, [unitId, n])).map((r) => r.id);
/** `n` items citing as many source records: ratings of one unit, complaints of the other. */
async function citing(n: number) {
  const units = [forestStation.id, taxHallA.id];
  const kinds = Array.from({ length: n }, (_, i) => ({ unitId: units[i % 2], sourceType: i % 2 ? 'complaint' : 'rating' }));
  const pool = new Map<string, string[]>();
  for (const unitId of units) {
    pool.set(`rating:${unitId}`, await badRatings(unitId, kinds.filter((k) => k.unitId === unitId && k.sourceType === 'rating').length));
    pool.set(`complaint:${unitId}`, await complaintsOf(unitId, kinds.filter((k) => k.unitId === unitId && k.sourceType === 'complaint').length));
  }
  return kinds.map((k, i) => ({ ...k, sourceId: pool.get(`${k.sourceType}:${k.unitId}`)!.pop(), severity: 'minor', description: `来源问题 ${i}` }));
}

t.test('opening 200 problems citing source records sends as many statements as opening 2, each audited, and a second opening finds them', async (t) => {
  if (!h.database.pool) return void t.comment('statements are counted on PostgreSQL only');
  const fewItems = await citing(2);
  const manyItems = await citing(200);
  const small = await h.countQueries(() => api('/problems/bulk', { problems: fewItems }));
  const large = await h.countQueries(() => api('/problems/bulk', { problems: [...manyItems.slice(0, 150), ...fewItems, ...manyItems.slice(150, 200)] }));
  t.equal(small.result.statusCode, 201, small.result.statusCode === 201 ? 'opened' : small.result.body);
  t.equal(large.result.statusCode, 201, large.result.statusCode === 201 ? 'opened' : large.result.body);
  t.equal(large.queries, small.queries, `${small.queries} statements for 2 items citing sources and for 202 (2 of them already opened)`);
  t.ok(large.queries <= 12, `a handful of statements (${large.queries})`);
  const ids: string[] = large.result.json().items.map((p: { id: string }) => p.id);
  t.same(ids.slice(150, 152), small.result.json().items.map((p: { id: string }) => p.id), 'items citing a source already opened answer its problem');
  t.same(large.result.json().items.map((p: { sourceId: string }) => p.sourceId), [...manyItems.slice(0, 150), ...fewItems, ...manyItems.slice(150)].map((p) => p.sourceId), 'in the order given');
  const fresh = [...ids.slice(0, 150), ...ids.slice(152)];
  t.equal(await count(`select count(*)::int n from audit_log where action = 'problem.opened' and entity_id = any($1)`, [ids]), 202, 'one audit entry per problem, none for a problem found again');
  t.equal(await count(`select count(*)::int n from problem_events where action = 'opened' and problem_id = any($1)`, [fresh]), 200);
  const again = await h.countQueries(() => api('/problems/bulk', { problems: manyItems }));
  t.equal(again.result.statusCode, 201, again.result.statusCode === 201 ? 'found again' : again.result.body);
  t.same(again.result.json().items.map((p: { id: string }) => p.id), fresh, 'opening the same batch again answers the same problems');
  t.ok(again.queries <= small.queries, `and reads no more (${again.queries} statements)`);
  t.equal(await count(`select count(*)::int n from audit_log where action = 'problem.opened' and entity_id = any($1)`, [ids]), 202, 'and records nothing');
});
