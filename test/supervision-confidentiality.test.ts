/**
 * The point of a mystery shopper is that the unit does not know: no unit or department token may read a task
 * before it is reported, through any REST or GraphQL path, nor ever learn which supervisor made the visit.
 */
import t from 'tap';
import type { Test } from 'tap';
import { gql, setup } from './helper.js';
import { asSupervisor, createRound, generate, goodRatings, minutesAgo, supervisionWorld, tasksOf } from './supervision-fixtures.js';

const h = await setup(t);
const w = await supervisionWorld(h);
const round = await createRound(h, { kind: 'targeted', unitIds: [w.units.taxHallA.id], focus: '窗口纪律' });
await generate(h, round.id);
const [task] = await tasksOf(h, round.id);
const sup = Object.values(w.supervisors).find((s) => s.id === task.supervisorId)!;
const MISSING = '0190d7a0-0000-7000-8000-000000000000';

const unitStaff = { role: 'unit' as const, unitId: task.unitId, subject: 'unit:staff' };
const deptManager = { role: 'department' as const, departmentId: w.departments.tax.id, subject: 'dept:manager' };
const readers = [
  ['unit', unitStaff],
  ['department', deptManager],
] as const;

/** Everything that would tell who inspected: the supervisor's id, name, affiliation, contact and token subject. */
const secrets = [sup.id, sup.name, sup.affiliation, sup.contact?.phone, sup.contact?.email, `supervisor:${sup.id}`].filter((x): x is string => !!x);
/** `asked` is what the caller sent: an id it put in the URL may be echoed back (in `instance`), which tells it nothing. */
type Tap = Pick<Test, 'ok' | 'notOk' | 'equal' | 'fail'>;
function assertNoIdentity(t: Tap, body: string, where: string, asked = '') {
  for (const s of secrets) if (!asked.includes(s)) t.notOk(body.includes(s), `${where} does not contain "${s}"`);
}

/** Every REST path of the module a unit or department could try, with the ids that exist. */
function restPaths(reportId?: string, findingId?: string) {
  const id = task.id;
  const gets = [
    '/supervisors',
    '/supervisors/me',
    `/supervisors/${sup.id}`,
    '/inspection-rounds',
    `/inspection-rounds/${round.id}`,
    '/inspection-tasks',
    `/inspection-tasks?unitId=${task.unitId}`,
    `/inspection-tasks?roundId=${round.id}`,
    `/inspection-tasks?supervisorId=${sup.id}`,
    `/inspection-tasks/${id}`,
    '/inspection-findings',
    `/inspection-findings?unitId=${task.unitId}`,
    `/units/${task.unitId}/inspection-feedback`,
  ];
  if (reportId) gets.push(`/inspection-tasks/${reportId}`);
  if (findingId) gets.push(`/inspection-tasks/${findingId}`);
  const posts: [string, Record<string, unknown>][] = [
    [`/inspection-tasks/${id}/accept`, {}],
    [`/inspection-tasks/${id}/report`, { visitedAt: minutesAgo(1), ratings: goodRatings, findings: [] }],
    [`/inspection-tasks/${id}/review`, { decisions: [] }],
    [`/inspection-tasks/${id}/expire`, {}],
    [`/inspection-tasks/${id}/cancel`, {}],
    [`/inspection-rounds/${round.id}/generate-tasks`, {}],
    [`/inspection-rounds/${round.id}/expire-overdue`, {}],
    [`/inspection-rounds/${round.id}/close`, {}],
  ];
  return { gets, posts };
}

/** The GraphQL documents a unit or department could send, selecting everything reachable. */
const S = 'fragment S on Supervisor { id name affiliation sector departmentId contact { phone email } }';
const R = 'fragment R on InspectionRound { id name unitIds filter { departmentId } focus }';
const T = `fragment T on InspectionTask { id supervisorId unitId status focus supervisor { ...S } round { ...R } unit { id name } report { id visitedAt findings { id description enrollmentId } } } ${S} ${R}`;
const gqlQueries: [string, string][] = [
  ['supervisors', `{ supervisors { items { ...S } } } ${S}`],
  ['supervisor', `{ supervisor(id: "${sup.id}") { ...S } } ${S}`],
  ['mySupervisorProfile', `{ mySupervisorProfile { ...S } } ${S}`],
  ['inspectionRounds', `{ inspectionRounds { items { ...R } } } ${R}`],
  ['inspectionRound', `{ inspectionRound(id: "${round.id}") { ...R } } ${R}`],
  ['inspectionTasks', `{ inspectionTasks { items { ...T } } } ${T}`],
  ['inspectionTasks(unitId)', `{ inspectionTasks(unitId: "${task.unitId}") { items { ...T } } } ${T}`],
  ['inspectionTask', `{ inspectionTask(id: "${task.id}") { ...T } } ${T}`],
  ['inspectionFindings', `{ inspectionFindings { items { id description enrollmentId taskId } } }`],
  ['inspectionFeedback', `{ inspectionFeedback(unitId: "${task.unitId}") { items { id unitId cycleId visitedAt summary reviewed ratings { attitude } findings { id description severity status problemId evidenceLinks } } } }`],
];
const gqlMutations: [string, string][] = [
  ['acceptInspectionTask', `mutation { acceptInspectionTask(id: "${task.id}") { ...T } } ${T}`],
  ['reportInspectionTask', `mutation { reportInspectionTask(id: "${task.id}", input: { visitedAt: "${minutesAgo(1)}", ratings: { attitude: 1, efficiency: 1, quality: 1, environment: 1, discipline: 1 } }) { ...T } } ${T}`],
  ['reviewInspectionTask', `mutation { reviewInspectionTask(id: "${task.id}", decisions: []) { ...T } } ${T}`],
  ['expireInspectionTask', `mutation { expireInspectionTask(id: "${task.id}") { ...T } } ${T}`],
  ['cancelInspectionTask', `mutation { cancelInspectionTask(id: "${task.id}") { ...T } } ${T}`],
  ['generateInspectionTasks', `mutation { generateInspectionTasks(id: "${round.id}") { taskIds round { ...R } } } ${R}`],
  ['closeInspectionRound', `mutation { closeInspectionRound(id: "${round.id}") { ...R } } ${R}`],
];

async function tryEverything(t: Tap, phase: string, ids: { reportId?: string; findingId?: string } = {}) {
  const { gets, posts } = restPaths(ids.reportId, ids.findingId);
  for (const [label, who] of readers) {
    for (const url of gets) {
      const res = await h.as(who, { method: 'GET', url: `/api/v1${url}` });
      if (!url.includes('inspection-feedback')) t.ok([403, 404].includes(res.statusCode), `${phase}: ${label} GET ${url} → ${res.statusCode}`);
      assertNoIdentity(t, res.body, `${phase}: ${label} GET ${url}`, url);
    }
    for (const [url, payload] of posts) {
      const res = await h.as(who, { method: 'POST', url: `/api/v1${url}`, payload });
      t.equal(res.statusCode, 403, `${phase}: ${label} POST ${url}`);
      assertNoIdentity(t, res.body, `${phase}: ${label} POST ${url}`, url);
    }
    for (const [name, q] of [...gqlQueries, ...gqlMutations]) {
      const res = await h.as(who, { method: 'POST', url: '/graphql', payload: { query: q } });
      const body = res.json() as { data: Record<string, unknown> | null; errors?: { extensions?: { code?: string } }[] };
      if (name !== 'inspectionFeedback') t.equal(body.errors?.[0]?.extensions?.code, 'forbidden', `${phase}: ${label} GraphQL ${name}`);
      assertNoIdentity(t, res.body, `${phase}: ${label} GraphQL ${name}`, q);
    }
  }
}

/** Every GET of the whole API (from the OpenAPI document), with each known id in each path parameter. */
async function sweepWholeApi(t: Tap, ids: string[], phase: string) {
  const openapi = await h.as('anonymous', { method: 'GET', url: '/openapi.json' });
  t.equal(openapi.statusCode, 200, 'the OpenAPI document lists every path to try');
  const doc = openapi.json() as { paths: Record<string, Record<string, unknown>> };
  const paths = Object.entries(doc.paths)
    .filter(([, ops]) => 'get' in ops)
    .map(([p]) => p);
  t.ok(paths.length > 10, 'the OpenAPI document lists the API');
  let requests = 0;
  for (const [label, who] of readers) {
    for (const p of paths) {
      const variants = p.includes('{') ? ids.map((id) => p.replace(/\{[^}]+\}/g, id)) : [p];
      for (const url of variants) {
        const res = await h.as(who, { method: 'GET', url });
        requests++;
        for (const s of secrets) if (!url.includes(s) && res.body.includes(s)) t.fail(`${phase}: ${label} GET ${url} leaks "${s}"`);
      }
    }
  }
  t.ok(requests > 0, `${phase}: ${requests} GETs across the API leak nothing`);
}

t.test('control: the same search finds the supervisor in what the office sees', async (t) => {
  const g = await h.as('admin', { method: 'POST', url: '/graphql', payload: { query: `{ inspectionTask(id: "${task.id}") { ...T } } ${T}` } });
  t.ok(g.body.includes(sup.id) && g.body.includes(sup.name) && g.body.includes(sup.affiliation), 'the admin sees who inspected');
});

t.test('before the report: the unit and its department can reach the task through no path', async (t) => {
  await tryEverything(t, 'before');
  const feedback = await h.as(unitStaff, { method: 'GET', url: `/api/v1/units/${task.unitId}/inspection-feedback` });
  t.equal(feedback.statusCode, 200);
  t.same(feedback.json().items, [], 'nothing to see yet');
  const g = await gql(h, deptManager, `{ inspectionFeedback(unitId: "${task.unitId}") { items { id } } }`);
  t.same(g.data, { inspectionFeedback: { items: [] } });
});

t.test('an existing task and a made-up id look exactly the same to a unit', async (t) => {
  for (const [label, who] of readers) {
    for (const suffix of ['', '/accept', '/cancel']) {
      const method = suffix ? 'POST' : 'GET';
      const real = await h.as(who, { method, url: `/api/v1/inspection-tasks/${task.id}${suffix}`, ...(suffix ? { payload: {} } : {}) });
      const fake = await h.as(who, { method, url: `/api/v1/inspection-tasks/${MISSING}${suffix}`, ...(suffix ? { payload: {} } : {}) });
      t.equal(real.statusCode, fake.statusCode, `${label} ${method} ${suffix || 'get'}`);
      const strip = (b: string) => b.replaceAll(task.id, 'X').replaceAll(MISSING, 'X');
      t.equal(strip(real.body), strip(fake.body), `${label} ${method} ${suffix || 'get'}: same body`);
    }
  }
});

t.test('the whole API, swept with every known id, never names the supervisor (before the report)', async (t) => {
  await sweepWholeApi(t, [task.id, task.unitId, round.id, sup.id], 'before');
});

t.test('after the report: the unit sees visitedAt, ratings and findings, never who', async (t) => {
  const rep = await h.as(asSupervisor(sup.id), {
    method: 'POST',
    url: `/api/v1/inspection-tasks/${task.id}/report`,
    payload: { visitedAt: minutesAgo(20), ratings: goodRatings, summary: '整体较好', findings: [{ description: '未佩戴工作牌', severity: 'minor', evidenceLinks: ['https://evidence.example.org/badge.jpg'] }] },
  });
  t.equal(rep.statusCode, 200, rep.body);
  const reportId = rep.json().report.id as string;
  const findingId = rep.json().report.findings[0].id as string;

  for (const [label, who] of readers) {
    const res = await h.as(who, { method: 'GET', url: `/api/v1/units/${task.unitId}/inspection-feedback` });
    t.equal(res.statusCode, 200, label);
    const [fb] = res.json().items;
    t.same(Object.keys(fb).sort(), ['cycleId', 'findings', 'id', 'ratings', 'reviewed', 'summary', 'unitId', 'visitedAt'], `${label}: only the redacted fields`);
    t.same(fb.ratings, goodRatings);
    t.equal(fb.findings[0].description, '未佩戴工作牌');
    t.equal(fb.reviewed, false);
    t.notOk('taskId' in fb.findings[0] || 'supervisorId' in fb);
    assertNoIdentity(t, res.body, `${label} feedback`);
  }
  await tryEverything(t, 'after', { reportId, findingId });
  await sweepWholeApi(t, [task.id, task.unitId, round.id, sup.id, reportId, findingId], 'after report');

  // ... and after review, with a problem opened from the finding.
  const rev = await h.as('admin', { method: 'POST', url: `/api/v1/inspection-tasks/${task.id}/review`, payload: { decisions: [{ findingId, accepted: true }] } });
  t.equal(rev.statusCode, 200, rev.body);
  const problemId = rev.json().report.findings[0].problemId as string;
  await tryEverything(t, 'reviewed', { reportId, findingId });
  await sweepWholeApi(t, [task.id, task.unitId, round.id, sup.id, reportId, findingId, problemId], 'after review');
  const fb = (await h.as(unitStaff, { method: 'GET', url: `/api/v1/units/${task.unitId}/inspection-feedback` })).json().items[0];
  t.equal(fb.reviewed, true);
  t.equal(fb.findings[0].problemId, problemId, 'the unit can follow the problem to rectify it');
});

t.test('GraphQL: the unit view type has no path to a task or a supervisor', async (t) => {
  const res = await gql(h, 'admin', `{ __schema { types { name kind fields { name type { name kind ofType { name kind ofType { name kind ofType { name } } } } } } } }`);
  type F = { name: string; type: { name: string | null; ofType: unknown } };
  const types = new Map((res.data!.__schema as { types: { name: string; fields: F[] | null }[] }).types.map((x) => [x.name, x.fields ?? []]));
  const named = (ty: unknown): string => {
    const x = ty as { name: string | null; ofType?: unknown };
    return x.name ?? named(x.ofType);
  };
  const reachable = new Set<string>();
  const walk = (name: string) => {
    if (reachable.has(name)) return;
    reachable.add(name);
    for (const f of types.get(name) ?? []) walk(named(f.type));
  };
  walk('InspectionFeedbackPage');
  for (const forbidden of ['Supervisor', 'SupervisorContact', 'InspectionTask', 'InspectionRound', 'InspectionReport', 'InspectionFinding']) {
    t.notOk(reachable.has(forbidden), `InspectionFeedback does not reach ${forbidden}`);
  }
  const fieldNames = [...reachable].flatMap((n) => (types.get(n) ?? []).map((f) => f.name));
  t.notOk(fieldNames.some((f) => /supervisor|task|round|affiliation/i.test(f)), `no field names a supervisor or task: ${fieldNames.join(',')}`);
});

t.test('a department sees feedback of its own units only; other units are 404', async (t) => {
  const otherDept = { role: 'department' as const, departmentId: w.departments.forestry.id };
  const res = await h.as(otherDept, { method: 'GET', url: `/api/v1/units/${task.unitId}/inspection-feedback` });
  t.equal(res.statusCode, 404);
  const otherUnit = { role: 'unit' as const, unitId: w.units.taxHallB.id };
  t.equal((await h.as(otherUnit, { method: 'GET', url: `/api/v1/units/${task.unitId}/inspection-feedback` })).statusCode, 404);
  const g = await gql(h, otherUnit, `{ inspectionFeedback(unitId: "${task.unitId}") { items { id } } }`);
  t.equal(g.errors?.[0].extensions?.code, 'not_found');
});

t.test('integration and the public read nothing of the module', async (t) => {
  for (const url of ['/supervisors', '/inspection-rounds', '/inspection-tasks', `/inspection-tasks/${task.id}`, '/inspection-findings', `/units/${task.unitId}/inspection-feedback`]) {
    t.equal((await h.as('integration', { method: 'GET', url: `/api/v1${url}` })).statusCode, 403, `integration ${url}`);
    t.equal((await h.as('anonymous', { method: 'GET', url: `/api/v1${url}` })).statusCode, 401, `anonymous ${url}`);
  }
});

t.test('inspectors read the redacted feedback, not tasks or supervisors', async (t) => {
  const res = await h.as('inspector', { method: 'GET', url: `/api/v1/units/${task.unitId}/inspection-feedback` });
  t.equal(res.statusCode, 200);
  t.equal(res.json().items.length, 1);
  assertNoIdentity(t, res.body, 'inspector feedback');
  t.equal((await h.as('inspector', { method: 'GET', url: `/api/v1/inspection-tasks/${task.id}` })).statusCode, 403);
});

