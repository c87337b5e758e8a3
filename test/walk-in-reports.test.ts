import t from 'tap';
import { systemContext } from '../src/lib/principal.js';
import { setup } from './helper.js';
import { asSupervisor, createRound, generate, goodRatings, minutesAgo, supervisionWorld, tasksOf } from './supervision-fixtures.js';

const h = await setup(t);
const w = await supervisionWorld(h);
const { teacher, doctor, forester } = w.supervisors;
const cycle = await h.app.services.cycles.create(systemContext('test'), { name: '2024 创建', year: new Date().getUTCFullYear() });
const year = new Date().getUTCFullYear();

const post = (who: Parameters<typeof h.as>[0], url: string, payload?: Record<string, unknown>) => h.as(who, { method: 'POST', url: `/api/v1${url}`, ...(payload === undefined ? {} : { payload }) });
const walkIn = (who: Parameters<typeof h.as>[0], body: Record<string, unknown> = {}) =>
  post(who, '/inspection-reports', {
    unitId: w.units.taxHallA.id,
    visitedAt: minutesAgo(20),
    ratings: goodRatings,
    summary: '随机暗访: 大厅秩序良好',
    findings: [
      { category: 'attitude', description: '窗口人员未佩戴工作牌', severity: 'minor' },
      { category: 'discipline', description: '上班时间玩手机', severity: 'major' },
      { category: 'environment', description: '指示牌清晰（观察）' },
    ],
    ...body,
  });
const figures = async () => (await h.as('admin', { method: 'GET', url: `/api/v1/statistics?fromYear=${year}` })).json().figures;

t.test('a supervisor files a walk-in visit (随机暗访) with several feedback items, and no task', async (t) => {
  const res = await walkIn(asSupervisor(teacher.id));
  t.equal(res.statusCode, 201, res.body);
  const r = res.json();
  t.match(r, { origin: 'walk_in', originLabel: { zhCN: '随机暗访' }, taskId: null, roundId: null, supervisorId: teacher.id, unitId: w.units.taxHallA.id, reviewedAt: null });
  t.equal(r.findings.length, 3, 'one visit, three pieces of feedback (条次)');
  t.same(r.findings.map((f: { category: string }) => f.category), ['attitude', 'discipline', 'environment']);
  t.equal(r.findings[2].severity, 'minor', 'severity defaults to minor');
  t.equal(r.findings[0].categoryLabel.zhCN, '服务态度');

  const mine = await h.as(asSupervisor(teacher.id), { method: 'GET', url: '/api/v1/inspection-reports?origin=walk_in' });
  t.same(mine.json().items.map((x: { id: string }) => x.id), [r.id]);
  const others = await h.as(asSupervisor(doctor.id), { method: 'GET', url: '/api/v1/inspection-reports' });
  t.same(others.json().items, [], 'another supervisor does not see it');
  t.equal((await h.as(asSupervisor(doctor.id), { method: 'GET', url: `/api/v1/inspection-reports/${r.id}` })).statusCode, 404);

  // The unit sees the feedback, never who made it.
  const fb = await h.as({ role: 'unit', unitId: w.units.taxHallA.id }, { method: 'GET', url: `/api/v1/units/${w.units.taxHallA.id}/inspection-feedback` });
  t.equal(fb.statusCode, 200);
  const item = fb.json().items.find((x: { id: string }) => x.id === r.id);
  t.ok(item, 'the walk-in is part of the unit feedback');
  t.notMatch(fb.body, teacher.id);
  t.notMatch(fb.body, teacher.name);
});

t.test('the walk-in scope: an active supervisor, never their own department, a round under way and its window', async (t) => {
  const own = await walkIn(asSupervisor(forester.id), { unitId: w.units.forestStation.id });
  t.equal(own.statusCode, 422);
  t.equal(own.json().errors[0].field, 'unitId');
  const future = await walkIn(asSupervisor(teacher.id), { visitedAt: new Date(Date.now() + 86_400_000).toISOString() });
  t.equal(future.json().errors[0].field, 'visitedAt');
  const draft = await createRound(h, { kind: 'targeted', unitIds: [w.units.taxHallB.id], cycleId: cycle.id });
  const notUnderWay = await walkIn(asSupervisor(teacher.id), { roundId: draft.id });
  t.equal(notUnderWay.statusCode, 422);
  t.equal(notUnderWay.json().errors[0].field, 'roundId');
  await generate(h, draft.id);
  const inRound = await walkIn(asSupervisor(teacher.id), { roundId: draft.id });
  t.equal(inRound.statusCode, 201, inRound.body);
  t.equal(inRound.json().roundId, draft.id);
  const beforeWindow = await walkIn(asSupervisor(teacher.id), { roundId: draft.id, visitedAt: new Date(Date.now() - 30 * 86_400_000).toISOString() });
  t.equal(beforeWindow.json().errors[0].field, 'visitedAt');
  const unknownUnit = await walkIn(asSupervisor(teacher.id), { unitId: '0190a000-0000-7000-8000-000000000000' });
  t.equal(unknownUnit.json().errors[0].field, 'unitId');
});

t.test('only supervisors file walk-ins; only the office and supervisors read reports', async (t) => {
  for (const who of ['admin', 'inspector', { role: 'unit' as const, unitId: w.units.taxHallA.id }] as const) {
    t.equal((await walkIn(who)).statusCode, 403);
  }
  t.equal((await h.as({ role: 'unit', unitId: w.units.taxHallA.id }, { method: 'GET', url: '/api/v1/inspection-reports' })).statusCode, 403);
  t.equal((await h.as('admin', { method: 'GET', url: '/api/v1/inspection-reports' })).statusCode, 200);
});

t.test('the office reviews a walk-in: accepted items open problems; a task report is reviewed through its task', async (t) => {
  const r = (await walkIn(asSupervisor(doctor.id), { unitId: w.units.taxHallB.id })).json();
  const decisions = r.findings.map((f: { id: string }, i: number) => ({ findingId: f.id, accepted: i === 1 }));
  t.equal((await post(asSupervisor(doctor.id), `/inspection-reports/${r.id}/review`, { decisions })).statusCode, 403);
  const missing = await post('admin', `/inspection-reports/${r.id}/review`, { decisions: decisions.slice(0, 1) });
  t.equal(missing.statusCode, 422);
  const res = await post('admin', `/inspection-reports/${r.id}/review`, { decisions });
  t.equal(res.statusCode, 200, res.body);
  t.ok(res.json().reviewedAt);
  t.same(res.json().findings.map((f: { status: string }) => f.status), ['dismissed', 'accepted', 'dismissed']);
  t.ok(res.json().findings[1].problemId, 'the accepted item opened a problem');
  t.equal((await post('admin', `/inspection-reports/${r.id}/review`, { decisions })).json().code, 'already_reviewed');

  const round = await createRound(h, { kind: 'targeted', unitIds: [w.units.taxAudit.id] });
  await generate(h, round.id);
  const [task] = await tasksOf(h, round.id);
  const reported = await post(asSupervisor(task.supervisorId), `/inspection-tasks/${task.id}/report`, { visitedAt: minutesAgo(10), ratings: goodRatings, findings: [] });
  t.equal(reported.statusCode, 200, reported.body);
  t.equal(reported.json().report.origin, 'task');
  const viaReport = await post('admin', `/inspection-reports/${reported.json().report.id}/review`, { decisions: [] });
  t.equal(viaReport.json().code, 'report_of_task');
});

t.test('a reported task cannot be cancelled, so dispatched, reported and reports agree', async (t) => {
  const before = await figures();
  const round = await createRound(h, { kind: 'targeted', unitIds: [w.units.forestPolice.id], cycleId: cycle.id });
  await generate(h, round.id);
  const [task] = await tasksOf(h, round.id);
  await post(asSupervisor(task.supervisorId), `/inspection-tasks/${task.id}/report`, { visitedAt: minutesAgo(5), ratings: goodRatings, findings: [{ description: '排队时间长', severity: 'minor' }] });
  const cancel = await post('admin', `/inspection-tasks/${task.id}/cancel`, { reason: '误派' });
  t.equal(cancel.statusCode, 409);
  t.equal(cancel.json().code, 'illegal_transition');
  const after = await figures();
  t.equal(after.inspectionTasks.dispatched - before.inspectionTasks.dispatched, 1);
  t.equal(after.inspectionTasks.reported - before.inspectionTasks.reported, 1);
  t.equal(after.inspectionReports - before.inspectionReports, 1);
  t.equal(after.inspectionReportsByOrigin.task - before.inspectionReportsByOrigin.task, 1);
  t.equal(after.feedbackItems - before.feedbackItems, 1);

  // An open task can still be cancelled: it leaves the dispatched count and never had a report.
  const round2 = await createRound(h, { kind: 'targeted', unitIds: [w.units.forestPolice.id] });
  await generate(h, round2.id);
  const [open] = await tasksOf(h, round2.id);
  t.equal((await post('admin', `/inspection-tasks/${open.id}/cancel`, { reason: '误派' })).statusCode, 200);
  const last = await figures();
  t.equal(last.inspectionTasks.dispatched, after.inspectionTasks.dispatched);
  t.equal(last.inspectionReports, after.inspectionReports);
});

t.test('statistics count tasks by round kind, reports by origin and feedback items', async (t) => {
  const f = await figures();
  t.equal(f.inspectionReportsByOrigin.walk_in, 3, 'three walk-ins were filed');
  t.equal(f.inspectionReports, f.inspectionReportsByOrigin.task + f.inspectionReportsByOrigin.walk_in);
  t.equal(f.inspectionTasks.byRoundKind.targeted, f.inspectionTasks.dispatched);
  t.equal(f.inspectionTasks.byRoundKind.sweep, 0);
  t.equal(f.feedbackItems, f.findings.total);
  t.equal(f.feedbackItems, 3 * 3 + 1, 'three items per walk-in, one on the reported task');
});
