import t from 'tap';
import { setup } from './helper.js';
import { asSupervisor, createRound, generate, goodRatings, minutesAgo, supervisionWorld, tasksOf } from './supervision-fixtures.js';
import type { TaskJson } from './supervision-fixtures.js';

const h = await setup(t);
const w = await supervisionWorld(h);
const { teacher, doctor, forester } = w.supervisors;

/** A fresh targeted round over one unit, generated; returns its single task. */
async function oneTask(unitId = w.units.taxHallA.id, extra: Record<string, unknown> = {}): Promise<TaskJson> {
  const r = await createRound(h, { kind: 'targeted', unitIds: [unitId], ...extra });
  await generate(h, r.id);
  return (await tasksOf(h, r.id))[0];
}
const post = (who: Parameters<typeof h.as>[0], url: string, payload?: Record<string, unknown>) => h.as(who, { method: 'POST', url: `/api/v1${url}`, ...(payload === undefined ? {} : { payload }) });
const reportOf = (findings: unknown[] = []) => ({ visitedAt: minutesAgo(30), ratings: goodRatings, summary: '窗口人员态度较好', findings });

// ── supervisors ──

t.test('the admin registers a supervisor and reads its private contact', async (t) => {
  const res = await post('admin', '/supervisors', { name: '新监督员', affiliation: '州政协', sector: 'cppcc', termStart: '2024-01-01', termEnd: '2026-12-31', contact: { phone: '13800000000' } });
  t.equal(res.statusCode, 201, res.body);
  t.same(res.json().contact, { phone: '13800000000', email: null });
  t.equal(res.headers.etag, '"1"');
  const got = await h.as('admin', { method: 'GET', url: `/api/v1/supervisors/${res.json().id}` });
  t.equal(got.json().contact.phone, '13800000000');
});

t.test('a supervisor reads its own profile at /supervisors/me, contact included', async (t) => {
  const res = await h.as(asSupervisor(teacher.id), { method: 'GET', url: '/api/v1/supervisors/me' });
  t.equal(res.statusCode, 200);
  t.equal(res.json().name, teacher.name);
  t.equal(res.json().contact.phone, '13900000003');
});

t.test('only the admin may list or manage supervisors', async (t) => {
  for (const role of ['inspector', 'department', 'unit', 'integration'] as const) {
    const claims = role === 'department' ? { role, departmentId: w.departments.tax.id } : role === 'unit' ? { role, unitId: w.units.taxHallA.id } : role;
    t.equal((await h.as(claims, { method: 'GET', url: '/api/v1/supervisors' })).statusCode, 403, role);
    t.equal((await h.as(claims, { method: 'GET', url: `/api/v1/supervisors/${teacher.id}` })).statusCode, 403, role);
    t.equal((await post(claims, '/supervisors', { name: 'x', affiliation: 'y', sector: 'z', termStart: '2024-01-01' })).statusCode, 403, role);
  }
  t.equal((await h.as(asSupervisor(teacher.id), { method: 'GET', url: '/api/v1/supervisors' })).statusCode, 403, 'supervisor');
  t.equal((await h.as('anonymous', { method: 'GET', url: '/api/v1/supervisors' })).statusCode, 401);
});

t.test('supervisor validation names the field', async (t) => {
  const res = await post('admin', '/supervisors', { name: 'x', affiliation: 'y', sector: 'z', termStart: '2024-05-01', termEnd: '2024-01-01' });
  t.equal(res.statusCode, 400);
  t.equal(res.json().errors[0].field, 'body.termEnd');
  const dept = await post('admin', '/supervisors', { name: 'x', affiliation: 'y', sector: 'z', termStart: '2024-05-01', departmentId: '0190d7a0-0000-7000-8000-000000000000' });
  t.equal(dept.statusCode, 422);
  t.equal(dept.json().errors[0].field, 'departmentId');
});

t.test('updating a supervisor needs the version and is audited', async (t) => {
  const none = await h.as('admin', { method: 'PATCH', url: `/api/v1/supervisors/${doctor.id}`, payload: { sector: 'medicine' } });
  t.equal(none.statusCode, 428);
  const ok = await h.as('admin', { method: 'PATCH', url: `/api/v1/supervisors/${doctor.id}`, headers: { 'if-match': `"${doctor.version}"` }, payload: { sector: 'medicine', contact: { phone: '13700000000' } } });
  t.equal(ok.statusCode, 200, ok.body);
  t.same(ok.json().contact, { phone: '13700000000', email: 'ding@example.org' });
  const audit = await h.as('admin', { method: 'GET', url: `/api/v1/audit-log?entityType=supervisor&entityId=${doctor.id}` });
  t.same(
    audit.json().items.map((e: { action: string }) => e.action),
    ['supervisor.created', 'supervisor.updated'],
  );
});

// ── lifecycle ──

t.test('assigned → accepted → reported → reviewed', async (t) => {
  const task = await oneTask();
  const me = asSupervisor(task.supervisorId);
  const acc = await post(me, `/inspection-tasks/${task.id}/accept`);
  t.equal(acc.statusCode, 200, acc.body);
  t.equal(acc.json().status, 'accepted');
  t.ok(acc.json().acceptedAt);
  const rep = await post(me, `/inspection-tasks/${task.id}/report`, reportOf([{ description: '未公示办事流程', severity: 'minor', evidenceLinks: ['https://evidence.example.org/1.jpg'] }]));
  t.equal(rep.statusCode, 200, rep.body);
  t.equal(rep.json().status, 'reported');
  t.same(rep.json().report.ratings, goodRatings);
  t.equal(rep.json().report.findings[0].status, 'pending');
  t.same(rep.json().report.findings[0].evidenceLinks, ['https://evidence.example.org/1.jpg']);
  const findingId = rep.json().report.findings[0].id;
  const rev = await post('admin', `/inspection-tasks/${task.id}/review`, { decisions: [{ findingId, accepted: false, note: '证据不足' }] });
  t.equal(rev.statusCode, 200, rev.body);
  t.equal(rev.json().status, 'reviewed');
  t.equal(rev.json().report.findings[0].status, 'dismissed');
  t.equal(rev.json().report.findings[0].reviewNote, '证据不足');
  t.equal(rev.json().report.findings[0].problemId, null);
});

t.test('a supervisor may report straight from assigned', async (t) => {
  const task = await oneTask();
  const rep = await post(asSupervisor(task.supervisorId), `/inspection-tasks/${task.id}/report`, reportOf());
  t.equal(rep.statusCode, 200, rep.body);
  t.equal(rep.json().status, 'reported');
});

t.test('illegal moves are 409 illegal_transition', async (t) => {
  const task = await oneTask();
  const me = asSupervisor(task.supervisorId);
  t.equal((await post('admin', `/inspection-tasks/${task.id}/review`, { decisions: [] })).json().code, 'illegal_transition', 'review before report');
  await post(me, `/inspection-tasks/${task.id}/accept`);
  const twice = await post(me, `/inspection-tasks/${task.id}/accept`);
  t.equal(twice.statusCode, 409);
  t.equal(twice.json().code, 'illegal_transition');
  t.match(twice.json(), { from: 'accepted', to: 'accepted', allowed: ['reported', 'expired', 'cancelled'] });
  await post('admin', `/inspection-tasks/${task.id}/cancel`, { reason: '单位停业整顿' });
  for (const [who, verb, body] of [
    [me, 'accept', undefined],
    [me, 'report', reportOf()],
    ['admin', 'expire', {}],
    ['admin', 'cancel', {}],
  ] as const) {
    const res = await post(who, `/inspection-tasks/${task.id}/${verb}`, body);
    t.equal(res.statusCode, 409, verb);
    t.equal(res.json().code, 'illegal_transition', verb);
  }
});

t.test('a reviewed task cannot be cancelled or expired', async (t) => {
  const task = await oneTask();
  await post(asSupervisor(task.supervisorId), `/inspection-tasks/${task.id}/report`, reportOf());
  t.equal((await post('admin', `/inspection-tasks/${task.id}/review`, { decisions: [] })).statusCode, 200);
  t.equal((await post('admin', `/inspection-tasks/${task.id}/cancel`, {})).json().code, 'illegal_transition');
  t.equal((await post('admin', `/inspection-tasks/${task.id}/expire`, {})).json().code, 'illegal_transition');
});

t.test('a second report is a 409 already_reported', async (t) => {
  const task = await oneTask();
  const me = asSupervisor(task.supervisorId);
  t.equal((await post(me, `/inspection-tasks/${task.id}/report`, reportOf())).statusCode, 200);
  const again = await post(me, `/inspection-tasks/${task.id}/report`, reportOf());
  t.equal(again.statusCode, 409);
  t.equal(again.json().code, 'already_reported');
});

t.test('the admin expires or cancels a task, with a reason', async (t) => {
  const a = await oneTask();
  const exp = await post('admin', `/inspection-tasks/${a.id}/expire`, { reason: '监督员未按期反馈' });
  t.equal(exp.statusCode, 200);
  t.equal(exp.json().status, 'expired');
  t.equal(exp.json().statusReason, '监督员未按期反馈');
  const b = await oneTask();
  const can = await post('admin', `/inspection-tasks/${b.id}/cancel`);
  t.equal(can.statusCode, 200, can.body);
  t.equal(can.json().status, 'cancelled');
});

t.test('expire-overdue expires only tasks whose window has ended', async (t) => {
  const past = await createRound(h, { kind: 'sweep', filter: { departmentId: w.departments.forestry.id }, window: { startsAt: '2023-05-01T00:00:00Z', endsAt: '2023-05-31T00:00:00Z' } });
  const gen = await generate(h, past.id);
  t.equal(gen.tasksCreated, 2);
  const current = await oneTask();
  const res = await post('admin', `/inspection-rounds/${past.id}/expire-overdue`);
  t.equal(res.statusCode, 200, res.body);
  t.same([...res.json().expired].sort(), [...gen.taskIds].sort());
  t.equal((await post('admin', `/inspection-rounds/${current.roundId}/expire-overdue`)).json().expired.length, 0);
  const audit = await h.as('admin', { method: 'GET', url: `/api/v1/audit-log?action=inspection_task.expired&entityId=${gen.taskIds[0]}` });
  t.equal(audit.json().items.length, 1);
});

t.test('a round closes once every task is settled', async (t) => {
  const task = await oneTask();
  const early = await post('admin', `/inspection-rounds/${task.roundId}/close`);
  t.equal(early.statusCode, 409);
  t.equal(early.json().code, 'round_has_open_tasks');
  await post('admin', `/inspection-tasks/${task.id}/expire`, {});
  const ok = await post('admin', `/inspection-rounds/${task.roundId}/close`);
  t.equal(ok.statusCode, 200, ok.body);
  t.equal(ok.json().status, 'closed');
  t.equal((await post('admin', `/inspection-rounds/${task.roundId}/close`)).json().code, 'illegal_transition');
});

// ── report validation ──

t.test('a rating out of range is a 400 naming the field', async (t) => {
  const task = await oneTask();
  const me = asSupervisor(task.supervisorId);
  const res = await post(me, `/inspection-tasks/${task.id}/report`, { ...reportOf(), ratings: { ...goodRatings, efficiency: 6 } });
  t.equal(res.statusCode, 400);
  t.equal(res.json().errors[0].field, 'body.ratings.efficiency');
  const zero = await post(me, `/inspection-tasks/${task.id}/report`, { ...reportOf(), ratings: { ...goodRatings, discipline: 0 } });
  t.equal(zero.json().errors[0].field, 'body.ratings.discipline');
  const frac = await post(me, `/inspection-tasks/${task.id}/report`, { ...reportOf(), ratings: { ...goodRatings, attitude: 3.5 } });
  t.equal(frac.json().errors[0].field, 'body.ratings.attitude');
});

t.test('a bad finding is a 400 naming the field', async (t) => {
  const task = await oneTask();
  const res = await post(asSupervisor(task.supervisorId), `/inspection-tasks/${task.id}/report`, reportOf([{ description: 'x', severity: 'catastrophic' }]));
  t.equal(res.statusCode, 400);
  t.equal(res.json().errors[0].field, 'body.findings.0.severity');
});

t.test('visitedAt outside the task window or in the future is a 422 on visitedAt', async (t) => {
  const task = await oneTask();
  const me = asSupervisor(task.supervisorId);
  const before = await post(me, `/inspection-tasks/${task.id}/report`, { ...reportOf(), visitedAt: '2020-01-01T08:00:00Z' });
  t.equal(before.statusCode, 422);
  t.equal(before.json().errors[0].field, 'visitedAt');
  const future = await post(me, `/inspection-tasks/${task.id}/report`, { ...reportOf(), visitedAt: new Date(Date.now() + 3600_000).toISOString() });
  t.equal(future.statusCode, 422);
  t.equal(future.json().errors[0].field, 'visitedAt');
  t.equal((await h.as('admin', { method: 'GET', url: `/api/v1/inspection-tasks/${task.id}` })).json().status, 'assigned', 'nothing written');
});

// ── review ──

t.test('the review accepts findings and each opens a problem in the same transaction', async (t) => {
  const [cycle] = await h.sql<{ id: string }>(`insert into cycles (id, name, year, settings) values (gen_random_uuid(), 'c', 2024, '{}'::jsonb) returning id`);
  const [enr] = await h.sql<{ id: string }>(`insert into enrollments (id, cycle_id, unit_id, category) values (gen_random_uuid(), $1, $2, 'public_service') returning id`, [
    cycle.id,
    w.units.taxHallB.id,
  ]);
  const task = await oneTask(w.units.taxHallB.id, { cycleId: cycle.id });
  const rep = await post(asSupervisor(task.supervisorId), `/inspection-tasks/${task.id}/report`, {
    ...reportOf([
      { description: '工作人员上班时间玩手机', severity: 'major', evidenceLinks: [] },
      { description: '收受服务对象财物', severity: 'serious', evidenceLinks: ['https://evidence.example.org/v.mp4'] },
      { description: '地面有垃圾', severity: 'minor' },
    ]),
  });
  t.equal(rep.statusCode, 200, rep.body);
  const [f1, f2, f3] = rep.json().report.findings as { id: string; enrollmentId: string | null }[];
  t.equal(f2.enrollmentId, enr.id, 'the enrollment to disqualify is at hand');

  const missing = await post('admin', `/inspection-tasks/${task.id}/review`, { decisions: [{ findingId: f1.id, accepted: true }] });
  t.equal(missing.statusCode, 422);
  t.equal(missing.json().errors[0].field, 'decisions');
  const foreign = await post('admin', `/inspection-tasks/${task.id}/review`, {
    decisions: [
      { findingId: f1.id, accepted: true },
      { findingId: '0190d7a0-0000-7000-8000-000000000000', accepted: true },
      { findingId: f2.id, accepted: true },
      { findingId: f3.id, accepted: true },
    ],
  });
  t.equal(foreign.statusCode, 422);
  t.equal(foreign.json().errors[0].field, 'decisions.1.findingId');

  const rev = await post('admin', `/inspection-tasks/${task.id}/review`, {
    decisions: [
      { findingId: f1.id, accepted: true },
      { findingId: f2.id, accepted: true, note: '证据确凿' },
      { findingId: f3.id, accepted: false },
    ],
  });
  t.equal(rev.statusCode, 200, rev.body);
  const findings = rev.json().report.findings as { id: string; status: string; problemId: string | null }[];
  t.same(
    findings.map((f) => f.status),
    ['accepted', 'accepted', 'dismissed'],
  );
  t.ok(findings[0].problemId && findings[1].problemId);
  t.equal(findings[2].problemId, null);
  const problems = await h.sql<{ id: string; source_id: string; severity: string; unit_id: string; cycle_id: string; source_type: string }>(
    `select id, source_id, severity, unit_id, cycle_id, source_type from problems where source_type = 'inspection_finding' order by severity`,
  );
  t.same(
    problems.map((p) => [p.source_id, p.severity, p.unit_id, p.cycle_id]).sort(),
    [
      [f1.id, 'major', w.units.taxHallB.id, cycle.id],
      [f2.id, 'serious', w.units.taxHallB.id, cycle.id],
    ].sort(),
  );
  t.same(problems.map((p) => p.id).sort(), [findings[0].problemId, findings[1].problemId].sort());

  const serious = await h.as('admin', { method: 'GET', url: `/api/v1/inspection-findings?severity=serious&status=accepted` });
  t.equal(serious.statusCode, 200);
  t.same(
    serious.json().items.map((f: { id: string; enrollmentId: string }) => [f.id, f.enrollmentId]),
    [[f2.id, enr.id]],
  );
});

t.test('a review with no findings still moves the task to reviewed', async (t) => {
  const task = await oneTask();
  await post(asSupervisor(task.supervisorId), `/inspection-tasks/${task.id}/report`, reportOf());
  const rev = await post('admin', `/inspection-tasks/${task.id}/review`, { decisions: [] });
  t.equal(rev.statusCode, 200);
  t.ok(rev.json().reviewedAt);
});

// ── who may do what ──

t.test('a supervisor sees only its own tasks', async (t) => {
  const r = await createRound(h, { kind: 'sweep', filter: {}, seed: 9 });
  await generate(h, r.id);
  const all = await tasksOf(h, r.id);
  for (const sup of [teacher, doctor, forester]) {
    const mine = all.filter((x) => x.supervisorId === sup.id);
    const res = await h.as(asSupervisor(sup.id), { method: 'GET', url: `/api/v1/inspection-tasks?roundId=${r.id}` });
    t.equal(res.statusCode, 200);
    t.same(res.json().items.map((x: TaskJson) => x.id).sort(), mine.map((x) => x.id).sort(), sup.name);
    const asking = await h.as(asSupervisor(sup.id), { method: 'GET', url: `/api/v1/inspection-tasks?supervisorId=${w.supervisors.taxman.id}` });
    t.same(asking.json().items, [], 'asking for another supervisor’s tasks gives nothing');
  }
  const someoneElses = all.find((x) => x.supervisorId !== teacher.id)!;
  const get = await h.as(asSupervisor(teacher.id), { method: 'GET', url: `/api/v1/inspection-tasks/${someoneElses.id}` });
  t.equal(get.statusCode, 404);
  t.equal((await post(asSupervisor(teacher.id), `/inspection-tasks/${someoneElses.id}/accept`)).statusCode, 404);
  t.equal((await post(asSupervisor(teacher.id), `/inspection-tasks/${someoneElses.id}/report`, reportOf())).statusCode, 404);
});

t.test("a supervisor cannot read another supervisor's report", async (t) => {
  const task = await oneTask();
  await post(asSupervisor(task.supervisorId), `/inspection-tasks/${task.id}/report`, reportOf());
  const other = [teacher, doctor, forester, w.supervisors.taxman].find((s) => s.id !== task.supervisorId)!;
  t.equal((await h.as(asSupervisor(other.id), { method: 'GET', url: `/api/v1/inspection-tasks/${task.id}` })).statusCode, 404);
  t.equal((await h.as(asSupervisor(other.id), { method: 'GET', url: `/api/v1/units/${task.unitId}/inspection-feedback` })).statusCode, 403);
});

t.test('role denials on rounds and task moves', async (t) => {
  const task = await oneTask();
  const roles: Parameters<typeof h.as>[0][] = [
    'inspector',
    'integration',
    { role: 'department' as const, departmentId: w.departments.tax.id },
    { role: 'unit' as const, unitId: task.unitId },
    asSupervisor(task.supervisorId),
  ];
  for (const who of roles) {
    const label = typeof who === 'string' ? who : who.role;
    t.equal((await h.as(who, { method: 'GET', url: '/api/v1/inspection-rounds' })).statusCode, 403, `${label} list rounds`);
    t.equal((await post(who, '/inspection-rounds', { name: 'x', kind: 'sweep', window: { startsAt: '2024-01-01T00:00:00Z', endsAt: '2024-01-02T00:00:00Z' } })).statusCode, 403, `${label} create round`);
    t.equal((await post(who, `/inspection-rounds/${task.roundId}/generate-tasks`)).statusCode, 403, `${label} generate`);
    t.equal((await post(who, `/inspection-tasks/${task.id}/review`, { decisions: [] })).statusCode, 403, `${label} review`);
    t.equal((await post(who, `/inspection-tasks/${task.id}/cancel`, {})).statusCode, 403, `${label} cancel`);
    t.equal((await h.as(who, { method: 'GET', url: '/api/v1/inspection-findings' })).statusCode, 403, `${label} findings`);
  }
  t.equal((await post('admin', `/inspection-tasks/${task.id}/accept`)).statusCode, 403, 'the admin does not accept on a supervisor’s behalf');
  t.equal((await post('admin', `/inspection-tasks/${task.id}/report`, reportOf())).statusCode, 403, 'nor report');
  t.equal((await h.as('anonymous', { method: 'GET', url: '/api/v1/inspection-tasks' })).statusCode, 401);
});

t.test('every task move is audited with before and after', async (t) => {
  const task = await oneTask();
  const me = asSupervisor(task.supervisorId);
  await post(me, `/inspection-tasks/${task.id}/accept`);
  await post(me, `/inspection-tasks/${task.id}/report`, reportOf([{ description: '无人值守', severity: 'major' }]));
  const t1 = (await h.as('admin', { method: 'GET', url: `/api/v1/inspection-tasks/${task.id}` })).json();
  await post('admin', `/inspection-tasks/${task.id}/review`, { decisions: [{ findingId: t1.report.findings[0].id, accepted: true }] });
  const audit = await h.as('admin', { method: 'GET', url: `/api/v1/audit-log?entityType=inspection_task&entityId=${task.id}` });
  const entries = audit.json().items as { action: string; role: string; before: { status: string }; after: { status: string } }[];
  t.same(
    entries.map((e) => [e.action, e.role, e.before.status, e.after.status]),
    [
      ['inspection_task.accepted', 'supervisor', 'assigned', 'accepted'],
      ['inspection_task.reported', 'supervisor', 'accepted', 'reported'],
      ['inspection_task.reviewed', 'admin', 'reported', 'reviewed'],
    ],
  );
  const problemAudit = await h.as('admin', { method: 'GET', url: `/api/v1/audit-log?entityType=problem` });
  t.ok(problemAudit.json().items.length >= 1, 'the problem opened by the review is audited too');
});
