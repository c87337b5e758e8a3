import t from 'tap';
import { systemContext } from '../src/lib/principal.js';
import { referenceWorld } from './fixtures.js';
import { gql, setup } from './helper.js';

const h = await setup(t);
const w = await referenceWorld(h);
const { forestStation, forestPolice, taxHallA } = w.units;
const forestryDept = { role: 'department' as const, departmentId: w.departments.forestry.id };
const taxDept = { role: 'department' as const, departmentId: w.departments.tax.id };
const stationStaff = { role: 'unit' as const, unitId: forestStation.id };
const policeStaff = { role: 'unit' as const, unitId: forestPolice.id };
const supervisor = { role: 'supervisor' as const, supervisorId: '0190a000-0000-7000-8000-0000000005e1' };
const cycle = await h.app.services.cycles.create(systemContext('test'), { name: '2016 创建', year: 2016 });

type Problem = Record<string, unknown> & { id: string; status: string; version: number; deadline: string; overdue: boolean };
const EVIDENCE = ['https://files.example.org/rectification/photo-1.jpg'];

async function openProblem(body: Record<string, unknown> = {}): Promise<Problem> {
  const res = await h.as('admin', {
    method: 'POST',
    url: '/api/v1/problems',
    payload: { unitId: forestStation.id, sourceType: 'manual', severity: 'minor', description: '服务窗口未公示办事流程', ...body },
  });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json();
}

const post = (who: Parameters<typeof h.as>[0], id: string, verb: string, payload: Record<string, unknown> = {}) =>
  h.as(who, { method: 'POST', url: `/api/v1/problems/${id}/${verb}`, payload });

const backdate = (id: string, days = 3) => h.sql(`update problems set deadline = now() - interval '${days} days' where id = $1`, [id]);

t.test('the office opens a manual problem with a deadline defaulted by severity', async (t) => {
  const before = new Date();
  const p = await openProblem({ severity: 'major', responsiblePerson: '张站长', cycleId: cycle.id });
  const after = new Date();
  t.equal(p.status, 'open');
  t.same(p.statusLabel, { zhCN: '待整改', en: 'Open' });
  t.same(p.severityLabel, { zhCN: '较重', en: 'Major' });
  t.equal(p.responsiblePerson, '张站长');
  t.equal(p.responsibilityLetterSigned, false);
  t.equal(p.overdue, false);
  const deadline = new Date(p.deadline).getTime();
  t.ok(deadline >= h.app.services.calendar.addWorkingDays(before, 10).getTime() && deadline <= h.app.services.calendar.addWorkingDays(after, 10).getTime(), 'major: 10 working days');
});

t.test('a rectification goes open → rectifying → submitted → rejected → submitted → verified, with its history', async (t) => {
  const p = await openProblem();
  const started = await post(stationStaff, p.id, 'start', { note: '已召开整改会' });
  t.equal(started.statusCode, 200, started.body);
  t.equal(started.json().status, 'rectifying');

  const submitted = await post(stationStaff, p.id, 'submit', { measures: '制作办事流程公示牌', evidence: EVIDENCE });
  t.equal(submitted.statusCode, 200, submitted.body);
  t.equal(submitted.json().status, 'submitted');
  t.equal(submitted.json().measures, '制作办事流程公示牌');
  t.same(submitted.json().evidence, EVIDENCE);
  t.ok(submitted.json().submittedAt);

  const rejected = await post('admin', p.id, 'reject', { reason: '公示牌未上墙' });
  t.equal(rejected.statusCode, 200, rejected.body);
  t.equal(rejected.json().status, 'rectifying');
  t.equal(rejected.json().rejectionReason, '公示牌未上墙');

  const again = await post(forestryDept, p.id, 'submit', { measures: '公示牌已上墙', evidence: [...EVIDENCE, 'https://files.example.org/2.jpg'] });
  t.equal(again.statusCode, 200, again.body);
  t.equal(again.json().status, 'submitted');

  const verified = await post('admin', p.id, 'verify', { note: '现场核查属实' });
  t.equal(verified.statusCode, 200, verified.body);
  t.equal(verified.json().status, 'verified');
  t.ok(verified.json().verifiedAt);
  t.equal(verified.headers.etag, `"${verified.json().version}"`);

  const got = await h.as(stationStaff, { method: 'GET', url: `/api/v1/problems/${p.id}` });
  t.equal(got.statusCode, 200);
  const events = got.json().events as { action: string; fromStatus: string | null; toStatus: string; actorRole: string; note: string | null }[];
  t.same(
    events.map((e) => [e.action, e.fromStatus, e.toStatus, e.actorRole]),
    [
      ['opened', null, 'open', 'admin'],
      ['started', 'open', 'rectifying', 'unit'],
      ['submitted', 'rectifying', 'submitted', 'unit'],
      ['rejected', 'submitted', 'rectifying', 'admin'],
      ['submitted', 'rectifying', 'submitted', 'department'],
      ['verified', 'submitted', 'verified', 'admin'],
    ],
  );
  t.equal(events[3].note, '公示牌未上墙');
});

t.test('moves that the state machine does not allow answer 409 illegal_transition', async (t) => {
  const p = await openProblem();
  for (const [who, verb, body] of [
    ['admin', 'verify', {}],
    ['admin', 'reject', { reason: 'x' }],
    [stationStaff, 'submit', { measures: 'm', evidence: EVIDENCE }],
  ] as const) {
    const r = await post(who, p.id, verb, body);
    t.equal(r.statusCode, 409, `${verb} from open`);
    t.equal(r.json().code, 'illegal_transition');
  }
  t.equal((await post(stationStaff, p.id, 'start')).statusCode, 200);
  const twice = await post(stationStaff, p.id, 'start');
  t.equal(twice.statusCode, 409);
  t.equal(twice.json().code, 'illegal_transition');
});

t.test('a closed problem can no longer be edited or re-opened', async (t) => {
  const p = await openProblem();
  await post('admin', p.id, 'start');
  await post(stationStaff, p.id, 'submit', { measures: 'm', evidence: EVIDENCE });
  const v = (await post('admin', p.id, 'verify')).json();
  t.equal((await post('admin', p.id, 'start')).json().code, 'illegal_transition');
  const patch = await h.as('admin', { method: 'PATCH', url: `/api/v1/problems/${p.id}`, headers: { 'if-match': `"${v.version}"` }, payload: { severity: 'serious' } });
  t.equal(patch.statusCode, 409);
  t.equal(patch.json().code, 'problem_closed');
});

t.test('a rectification needs measures and at least one evidence link', async (t) => {
  const p = await openProblem();
  await post(stationStaff, p.id, 'start');
  const noEvidence = await post(stationStaff, p.id, 'submit', { measures: '已整改' });
  t.equal(noEvidence.statusCode, 422);
  t.same(noEvidence.json().errors.map((e: { field: string }) => e.field), ['evidence']);
  const noMeasures = await post(stationStaff, p.id, 'submit', { evidence: EVIDENCE });
  t.equal(noMeasures.statusCode, 400);
  const badLink = await post(stationStaff, p.id, 'submit', { measures: 'm', evidence: ['not a url'] });
  t.equal(badLink.statusCode, 400);
});

t.test('the unit signs the rectification responsibility letter (整改责任书) once', async (t) => {
  const p = await openProblem();
  const signed = await post(stationStaff, p.id, 'sign-letter');
  t.equal(signed.statusCode, 200, signed.body);
  t.equal(signed.json().responsibilityLetterSigned, true);
  t.ok(signed.json().signedAt);
  t.equal(signed.json().status, 'open', 'signing does not move the problem');
  const again = await post(forestryDept, p.id, 'sign-letter');
  t.equal(again.statusCode, 409);
  t.equal(again.json().code, 'letter_already_signed');
});

t.test('the department of the unit, or the office, may sign the letter; another department may not see it', async (t) => {
  const p1 = await openProblem();
  t.equal((await post(forestryDept, p1.id, 'sign-letter')).statusCode, 200);
  const p2 = await openProblem();
  t.equal((await post('admin', p2.id, 'sign-letter', { note: '纸质责任书已归档' })).statusCode, 200);
  const p3 = await openProblem();
  t.equal((await post(taxDept, p3.id, 'sign-letter')).statusCode, 404);
  t.equal((await post(policeStaff, p3.id, 'sign-letter')).statusCode, 404);
});

t.test('a transition with a stale version answers 412', async (t) => {
  const p = await openProblem();
  const r = await h.as(stationStaff, { method: 'POST', url: `/api/v1/problems/${p.id}/start`, headers: { 'if-match': `"${p.version + 5}"` }, payload: {} });
  t.equal(r.statusCode, 412);
  t.equal(r.json().code, 'version_mismatch');
  const ok = await post(stationStaff, p.id, 'start', { version: p.version });
  t.equal(ok.statusCode, 200);
});

t.test('a problem past its deadline and not verified is overdue, and the list filters on it', async (t) => {
  const late = await openProblem({ unitId: forestPolice.id, description: '逾期未整改' });
  const lateButDone = await openProblem({ unitId: forestPolice.id, description: '逾期但已销号' });
  const onTime = await openProblem({ unitId: forestPolice.id, description: '未到期' });
  await post('admin', lateButDone.id, 'start');
  await post(policeStaff, lateButDone.id, 'submit', { measures: 'm', evidence: EVIDENCE });
  await post('admin', lateButDone.id, 'verify');
  await backdate(late.id);
  await backdate(lateButDone.id);

  t.equal((await h.as('admin', { method: 'GET', url: `/api/v1/problems/${late.id}` })).json().overdue, true);
  // Verified, but only after its (backdated) deadline: 逾期整改 stays overdue (problems/queries.ts).
  t.equal((await h.as('admin', { method: 'GET', url: `/api/v1/problems/${lateButDone.id}` })).json().overdue, true);

  const overdue = await h.as('admin', { method: 'GET', url: `/api/v1/problems?unitId=${forestPolice.id}&overdue=true` });
  t.same(overdue.json().items.map((p: Problem) => p.id), [late.id, lateButDone.id]);
  const notOverdue = await h.as('admin', { method: 'GET', url: `/api/v1/problems?unitId=${forestPolice.id}&overdue=false` });
  t.same(notOverdue.json().items.map((p: Problem) => p.id), [onTime.id]);
});

t.test('the list filters by status, severity, source type and cycle', async (t) => {
  const unitId = w.units.taxAudit.id;
  const a = await openProblem({ unitId, severity: 'serious', cycleId: cycle.id });
  const b = await openProblem({ unitId, severity: 'minor', sourceType: 'media' });
  await post('admin', b.id, 'start');
  const ids = async (q: string) => (await h.as('admin', { method: 'GET', url: `/api/v1/problems?unitId=${unitId}&${q}` })).json().items.map((p: Problem) => p.id);
  t.same(await ids('status=rectifying'), [b.id]);
  t.same(await ids('severity=serious'), [a.id]);
  t.same(await ids('sourceType=media'), [b.id]);
  t.same(await ids(`cycleId=${cycle.id}`), [a.id]);
  t.equal((await h.as('admin', { method: 'GET', url: '/api/v1/problems?status=closed' })).statusCode, 400);
});

t.test('the list pages with a cursor', async (t) => {
  const unitId = w.units.taxHallB.id;
  const made = [await openProblem({ unitId }), await openProblem({ unitId }), await openProblem({ unitId })];
  const first = (await h.as('admin', { method: 'GET', url: `/api/v1/problems?unitId=${unitId}&limit=2` })).json();
  t.equal(first.items.length, 2);
  const second = (await h.as('admin', { method: 'GET', url: `/api/v1/problems?unitId=${unitId}&limit=2&cursor=${first.nextCursor}` })).json();
  t.same([...first.items, ...second.items].map((p: Problem) => p.id), made.map((p) => p.id));
  t.equal(second.nextCursor, null);
});

t.test('a department sees its units’ problems, a unit its own; others are 404', async (t) => {
  const mine = await openProblem({ unitId: forestStation.id });
  const sibling = await openProblem({ unitId: forestPolice.id });
  const other = await openProblem({ unitId: taxHallA.id });

  const deptList = (await h.as(forestryDept, { method: 'GET', url: '/api/v1/problems?limit=200' })).json().items.map((p: Problem) => p.unitId);
  t.ok(deptList.length > 0);
  t.ok(deptList.every((u: string) => u === forestStation.id || u === forestPolice.id), 'only forestry units');
  const unitList = (await h.as(stationStaff, { method: 'GET', url: '/api/v1/problems?limit=200' })).json().items.map((p: Problem) => p.unitId);
  t.ok(unitList.length > 0);
  t.ok(unitList.every((u: string) => u === forestStation.id), 'only its own');

  t.same((await h.as(forestryDept, { method: 'GET', url: `/api/v1/problems?departmentId=${w.departments.tax.id}` })).json().items, []);
  t.same((await h.as(stationStaff, { method: 'GET', url: `/api/v1/problems?unitId=${forestPolice.id}` })).json().items, []);
  const byDept = (await h.as('admin', { method: 'GET', url: `/api/v1/problems?departmentId=${w.departments.tax.id}&limit=200` })).json().items;
  t.ok(byDept.some((p: Problem) => p.id === other.id) && byDept.every((p: Problem) => p.unitId !== forestStation.id));

  t.equal((await h.as(forestryDept, { method: 'GET', url: `/api/v1/problems/${mine.id}` })).statusCode, 200);
  t.equal((await h.as(forestryDept, { method: 'GET', url: `/api/v1/problems/${other.id}` })).statusCode, 404);
  t.equal((await h.as(stationStaff, { method: 'GET', url: `/api/v1/problems/${sibling.id}` })).statusCode, 404);
  t.equal((await post(stationStaff, sibling.id, 'start')).statusCode, 404);
  t.equal((await post(taxDept, mine.id, 'start')).statusCode, 404);
  t.equal((await h.as('inspector', { method: 'GET', url: `/api/v1/problems/${other.id}` })).statusCode, 200, 'inspectors read all');
});

t.test('each route refuses the roles that may not use it', async (t) => {
  const p = await openProblem();
  const base = `/api/v1/problems/${p.id}`;
  const cases: [Parameters<typeof h.as>[0], 'GET' | 'POST' | 'PATCH', string, number][] = [
    ['anonymous', 'GET', '/api/v1/problems', 401],
    [supervisor, 'GET', '/api/v1/problems', 403],
    ['integration', 'GET', '/api/v1/problems', 403],
    [supervisor, 'GET', base, 403],
    ['anonymous', 'GET', base, 401],
    ['inspector', 'POST', '/api/v1/problems', 403],
    [forestryDept, 'POST', '/api/v1/problems', 403],
    [stationStaff, 'POST', '/api/v1/problems', 403],
    [forestryDept, 'PATCH', base, 403],
    ['inspector', 'PATCH', base, 403],
    ['inspector', 'POST', `${base}/sign-letter`, 403],
    [supervisor, 'POST', `${base}/start`, 403],
    ['inspector', 'POST', `${base}/start`, 403],
    ['inspector', 'POST', `${base}/submit`, 403], // the office (admin) may submit on a department's behalf: test/problems-bulk.test.ts
    [stationStaff, 'POST', `${base}/verify`, 403],
    [forestryDept, 'POST', `${base}/verify`, 403],
    [stationStaff, 'POST', `${base}/reject`, 403],
    ['inspector', 'POST', `${base}/reject`, 403],
  ];
  for (const [who, method, url, status] of cases) {
    const r = await h.as(who, { method, url, payload: method === 'GET' ? undefined : {} });
    t.equal(r.statusCode, status, `${typeof who === 'string' ? who : who.role} ${method} ${url}`);
  }
});

t.test('the office changes deadline, responsible person and severity with If-Match', async (t) => {
  const p = await openProblem();
  const url = `/api/v1/problems/${p.id}`;
  const newDeadline = h.app.services.calendar.addWorkingDays(new Date(), 30).toISOString();
  const r = await h.as('admin', { method: 'PATCH', url, headers: { 'if-match': `"${p.version}"` }, payload: { deadline: newDeadline, responsiblePerson: '李所长', severity: 'serious' } });
  t.equal(r.statusCode, 200, r.body);
  t.equal(r.json().deadline, newDeadline);
  t.equal(r.json().responsiblePerson, '李所长');
  t.equal(r.json().severity, 'serious');
  t.equal((await h.as('admin', { method: 'PATCH', url, payload: { severity: 'minor' } })).statusCode, 428);
  t.equal((await h.as('admin', { method: 'PATCH', url, headers: { 'if-match': `"${p.version}"` }, payload: { severity: 'minor' } })).statusCode, 412);
  const past = await h.as('admin', { method: 'PATCH', url, headers: { 'if-match': `"${r.json().version}"` }, payload: { deadline: '2001-01-01T00:00:00Z' } });
  t.equal(past.statusCode, 422);
  t.equal(past.json().errors[0].field, 'deadline');
});

t.test('creating a problem validates the unit, the cycle and the source link', async (t) => {
  const make = (body: Record<string, unknown>) =>
    h.as('admin', { method: 'POST', url: '/api/v1/problems', payload: { unitId: forestStation.id, sourceType: 'manual', severity: 'minor', description: 'x', ...body } });
  const field = async (body: Record<string, unknown>) => {
    const r = await make(body);
    t.equal(r.statusCode, 422, r.body);
    return r.json().errors[0].field;
  };
  const missing = '0190a000-0000-7000-8000-000000000000';
  t.equal(await field({ unitId: missing }), 'unitId');
  t.equal(await field({ cycleId: missing }), 'cycleId');
  t.equal(await field({ sourceType: 'complaint' }), 'sourceId', 'a complaint problem must name the complaint');
  t.equal(await field({ sourceType: 'inspection_finding', sourceId: missing }), 'sourceId');
  t.equal(await field({ sourceType: 'complaint', sourceId: missing }), 'sourceId');
  t.equal(await field({ sourceType: 'rating', sourceId: missing }), 'sourceId');
  t.equal(await field({ sourceType: 'assessment_deduction', sourceId: missing }), 'sourceId');
  t.equal(await field({ sourceType: 'manual', sourceId: missing }), 'sourceId');
  t.equal(await field({ deadline: '2001-01-01T00:00:00Z' }), 'deadline');
  t.equal((await make({ severity: 'catastrophic' })).statusCode, 400);
  t.equal((await make({ sourceType: 'media', sourceId: 'not-a-uuid' })).statusCode, 400);
});

t.test('POST for a source that already has a problem answers 200 with the same problem', async (t) => {
  const sourceId = '0190a000-0000-7000-8000-00000000abcd';
  const first = await h.as('admin', { method: 'POST', url: '/api/v1/problems', payload: { unitId: forestStation.id, sourceType: 'media', sourceId, severity: 'major', description: '电视问政曝光' } });
  t.equal(first.statusCode, 201);
  const second = await h.as('admin', { method: 'POST', url: '/api/v1/problems', payload: { unitId: forestStation.id, sourceType: 'media', sourceId, severity: 'major', description: '电视问政曝光' } });
  t.equal(second.statusCode, 200);
  t.equal(second.json().id, first.json().id);
});

t.test('openFromSource runs in the caller’s transaction, defaults the deadline by severity and is idempotent per source', async (t) => {
  const svc = h.app.services.problems;
  const ctx = systemContext('test-open-from-source');
  for (const [severity, days] of [['minor', 20], ['major', 10], ['serious', 5]] as const) {
    const sourceId = `0190a000-0000-7000-8000-${String(days).padStart(12, '0')}`;
    const before = new Date();
    const p = await h.app.services.db.transaction((tx) =>
      svc.openFromSource(tx, ctx, { unitId: forestPolice.id, sourceType: 'media', sourceId, severity, description: `${severity} 媒体曝光` }),
    );
    const after = new Date();
    const d = new Date(p.deadline).getTime();
    t.ok(d >= h.app.services.calendar.addWorkingDays(before, days).getTime() && d <= h.app.services.calendar.addWorkingDays(after, days).getTime(), `${severity}: ${days} working days`);
    const again = await h.app.services.db.transaction((tx) =>
      svc.openFromSource(tx, ctx, { unitId: forestPolice.id, sourceType: 'media', sourceId, severity: 'serious', description: 'again' }),
    );
    t.equal(again.id, p.id, 'the same problem comes back');
    t.equal(again.severity, severity, 'unchanged');
    const rows = await h.sql<{ n: string }>(`select count(*)::text n from problems where source_type = 'media' and source_id = $1`, [sourceId]);
    t.equal(rows[0].n, '1');
    const audit = await h.sql<{ n: string }>(`select count(*)::text n from audit_log where entity_type = 'problem' and entity_id = $1`, [p.id]);
    t.equal(audit[0].n, '1', 'audited once, in the caller transaction');
  }
  const sameSourceOtherUnit = h.app.services.db.transaction((tx) =>
    svc.openFromSource(tx, ctx, { unitId: taxHallA.id, sourceType: 'media', sourceId: '0190a000-0000-7000-8000-000000000020', severity: 'minor', description: 'x' }),
  );
  await t.rejects(sameSourceOtherUnit, { code: 'validation_failed' }, 'a source already behind another unit\'s problem is refused, naming unitId');

  const rolledBack = '0190a000-0000-7000-8000-0000000000ff';
  await t.rejects(
    h.app.services.db.transaction(async (tx) => {
      await svc.openFromSource(tx, ctx, { unitId: forestPolice.id, sourceType: 'media', sourceId: rolledBack, severity: 'minor', description: 'x' });
      throw new Error('caller failed');
    }),
  );
  t.same(await h.sql(`select id from problems where source_id = $1`, [rolledBack]), [], 'nothing is left when the caller rolls back');
  t.same(await h.sql(`select seq from audit_log where after->>'sourceId' = $1`, [rolledBack]), []);
});

t.test('every change of a problem is in the audit log', async (t) => {
  const p = await openProblem();
  await post(stationStaff, p.id, 'sign-letter');
  await post(stationStaff, p.id, 'start');
  await post(stationStaff, p.id, 'submit', { measures: 'm', evidence: EVIDENCE });
  await post('admin', p.id, 'reject', { reason: 'r' });
  await post(stationStaff, p.id, 'submit', { measures: 'm2', evidence: EVIDENCE });
  await post('admin', p.id, 'verify');
  const log = await h.as('admin', { method: 'GET', url: `/api/v1/audit-log?entityType=problem&entityId=${p.id}` });
  t.same(
    log.json().items.map((e: { action: string; role: string }) => [e.action, e.role]),
    [
      ['problem.opened', 'admin'],
      ['problem.letter_signed', 'unit'],
      ['problem.started', 'unit'],
      ['problem.submitted', 'unit'],
      ['problem.rejected', 'admin'],
      ['problem.submitted', 'unit'],
      ['problem.verified', 'admin'],
    ],
  );
  const last = log.json().items.at(-1);
  t.equal(last.before.status, 'submitted');
  t.equal(last.after.status, 'verified');
});

t.test('countsForUnits and openSeriousForUnits give rankings their per-unit figures', async (t) => {
  const c2 = await h.app.services.cycles.create(systemContext('test'), { name: '2017 创建', year: 2017 });
  const unitId = w.units.taxHallB.id;
  const serious = await openProblem({ unitId, cycleId: c2.id, severity: 'serious' });
  const late = await openProblem({ unitId, cycleId: c2.id });
  const done = await openProblem({ unitId, cycleId: c2.id });
  await openProblem({ unitId, severity: 'serious' }); // another cycle: not counted
  await backdate(late.id);
  await post('admin', done.id, 'start');
  await post({ role: 'unit', unitId }, done.id, 'submit', { measures: 'm', evidence: EVIDENCE });
  await post('admin', done.id, 'verify');

  const counts = await h.app.services.problems.countsForUnits(c2.id, [unitId, taxHallA.id]);
  t.same(counts.get(unitId), { open: 2, overdue: 1, rectified: 1 });
  t.same(counts.get(taxHallA.id), { open: 0, overdue: 0, rectified: 0 }, 'units without problems are zero');
  const bySerious = await h.app.services.problems.openSeriousForUnits(c2.id, [unitId, taxHallA.id]);
  t.same(bySerious.get(unitId)?.map((p) => p.id), [serious.id]);
  t.notOk(bySerious.has(taxHallA.id));
});

t.test('GraphQL returns the same problems as REST and runs every transition', async (t) => {
  const p = await openProblem({ unitId: forestPolice.id });
  const rest = (await h.as(policeStaff, { method: 'GET', url: '/api/v1/problems?limit=200' })).json();
  const g = await gql(h, policeStaff, `{ problems(limit: 200) { items { id unitId status deadline overdue severity severityLabel { zhCN en } version } nextCursor } }`);
  t.same(g.errors, undefined);
  const pick = (x: Problem) => ({ id: x.id, unitId: x.unitId, status: x.status, deadline: x.deadline, overdue: x.overdue, severity: x.severity, severityLabel: x.severityLabel, version: x.version });
  t.same((g.data!.problems as { items: Problem[] }).items, rest.items.map(pick));

  const m = (who: Parameters<typeof gql>[1], q: string) => gql(h, who, `mutation { r: ${q} { id status responsibilityLetterSigned rejectionReason } }`);
  t.equal(((await m(policeStaff, `signProblemLetter(id: "${p.id}")`)).data!.r as Problem).responsibilityLetterSigned, true);
  t.equal(((await m(policeStaff, `startProblemRectification(id: "${p.id}", note: "开始")`)).data!.r as Problem).status, 'rectifying');
  const sub = `submitProblemRectification(id: "${p.id}", input: { measures: "整改", evidence: ["${EVIDENCE[0]}"] })`;
  t.equal(((await m(policeStaff, sub)).data!.r as Problem).status, 'submitted');
  const rej = (await m('admin', `rejectProblem(id: "${p.id}", reason: "证据不足")`)).data!.r as Problem;
  t.same([rej.status, rej.rejectionReason], ['rectifying', '证据不足']);
  t.equal(((await m(policeStaff, sub)).data!.r as Problem).status, 'submitted');
  const denied = await m(policeStaff, `verifyProblem(id: "${p.id}")`);
  t.equal(denied.errors?.[0].extensions?.code, 'forbidden');
  t.equal(((await m('admin', `verifyProblem(id: "${p.id}")`)).data!.r as Problem).status, 'verified');
  const illegal = await m('admin', `verifyProblem(id: "${p.id}")`);
  t.equal(illegal.errors?.[0].extensions?.code, 'illegal_transition');

  const one = await gql(h, 'admin', `{ problem(id: "${p.id}") { id status events { action fromStatus toStatus actorRole note at } unit { id name } } }`);
  const restOne = (await h.as('admin', { method: 'GET', url: `/api/v1/problems/${p.id}` })).json();
  const gp = one.data!.problem as { events: { action: string }[]; unit: { name: string } };
  t.same(gp.events, restOne.events.map(({ id: _i, problemId: _p, ...e }: Record<string, unknown>) => e));
  t.equal(gp.unit.name, forestPolice.name);

  const created = await gql(h, 'admin', `mutation { createProblem(input: { unitId: "${forestPolice.id}", sourceType: manual, severity: minor, description: "GraphQL 开单" }) { id status } }`);
  t.equal((created.data!.createProblem as Problem).status, 'open');
  const v = (await h.as('admin', { method: 'GET', url: `/api/v1/problems/${(created.data!.createProblem as Problem).id}` })).json().version;
  const upd = await gql(h, 'admin', `mutation { updateProblem(id: "${(created.data!.createProblem as Problem).id}", version: ${v}, input: { responsiblePerson: "王五" }) { responsiblePerson } }`);
  t.same(upd.data!.updateProblem, { responsiblePerson: '王五' });
  const bad = await gql(h, 'admin', `mutation { createProblem(input: { unitId: "${forestPolice.id}", sourceType: complaint, severity: minor, description: "x" }) { id } }`);
  t.equal(bad.errors?.[0].extensions?.errors?.[0].field, 'sourceId');
  const outside = await gql(h, stationStaff, `{ problem(id: "${p.id}") { id } }`);
  t.equal(outside.errors?.[0].extensions?.code, 'not_found');
});

t.test('listing problems with their unit and history over GraphQL costs the same number of queries for 2 or 8 rows', async (t) => {
  const dept = await h.app.services.departments.create(systemContext('t'), { name: '州交通局', sector: 'transport', level: 'prefecture', regionId: w.regions.prefecture.id });
  const units = [];
  for (let i = 0; i < 8; i++) units.push(await h.app.services.units.create(systemContext('t'), { name: `交通站${i}`, departmentId: dept.id, regionId: w.regions.countyA.id, category: 'public_service' }));
  for (const u of units) await post('admin', (await openProblem({ unitId: u.id })).id, 'start');
  const q = (limit: number) => `{ problems(departmentId: "${dept.id}", limit: ${limit}) { items { id unit { name } events { action } } } }`;
  const small = await h.countQueries(() => gql(h, 'admin', q(2)));
  const big = await h.countQueries(() => gql(h, 'admin', q(8)));
  t.same(big.result.errors, undefined);
  t.equal((big.result.data!.problems as { items: { unit: { name: string } }[] }).items.length, 8);
  t.ok((big.result.data!.problems as { items: { unit: { name: string } }[] }).items.every((i) => i.unit.name.startsWith('交通站')));
  if (small.queries >= 0) t.equal(big.queries, small.queries, `queries: ${small.queries} vs ${big.queries}`);
});
