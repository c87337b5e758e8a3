import t from 'tap';
import { systemContext } from '../src/lib/principal.js';
import type { StatisticsDto } from '../src/modules/statistics/schemas.js';
import { referenceWorld } from './fixtures.js';
import { gql, setup } from './helper.js';

/*
 * 两级办公室: a county office's statistics are its region's, the supervision figures included. Two counties:
 *
 * | | county A (利川: forestStation in township A, forestPolice, taxHallA) | county B (建始: taxHallB, taxAudit) |
 * |---|---|---|
 * | tasks | sweep: s1 → forestStation (reviewed); targeted: s1 → taxHallA (reported) | sweep: s3 → taxHallB (cancelled) |
 * | reports | 2 of tasks | 1 walk-in (随机暗访) by s2 at taxAudit |
 * | feedback items | 2 + 1 | 1 (of the walk-in) |
 * | problems | taxHallA: hot, verified | taxAudit: hot, open; taxHallB: not hot |
 * | measures | of the hot problem; the plan of the county's 交通局 | the plan of taxHallB |
 * | deeds | forestPolice: hot, verified | taxAudit: reported |
 *
 * s4 never inspected; a prefecture department (州林业局) has a plan of its own. Both count for the prefecture only.
 */
const h = await setup(t);
const w = await referenceWorld(h);
const { forestStation, forestPolice, taxHallA, taxHallB, taxAudit } = w.units;
const { countyA, countyB, townA } = w.regions;
const ctx = systemContext('county-figures');
const cycle = await h.app.services.cycles.create(ctx, { name: '2024 年度创建', year: 2024 });
const countyTransport = await h.app.services.departments.create(ctx, { name: '利川市交通局', sector: 'transport', level: 'county', regionId: countyA.id });

async function insert(table: string, row: Record<string, unknown>): Promise<string> {
  const cols = Object.keys(row);
  const [r] = await h.sql<{ id: string }>(
    `insert into ${table} (id, ${cols.join(', ')}) values (gen_random_uuid(), ${cols.map((_, i) => `$${i + 1}`).join(', ')}) returning id`,
    Object.values(row),
  );
  return r.id;
}
const supervisor = (name: string) => insert('supervisors', { name, affiliation: '州政协', sector: 'citizen', term_start: '2020-01-01' });
const round = (kind: string) => insert('inspection_rounds', { name: '暗访', cycle_id: cycle.id, kind, starts_at: '2024-04-01T00:00:00Z', ends_at: '2024-05-01T00:00:00Z', seed: 1, status: 'generated' });
const task = (roundId: string, supervisorId: string, unitId: string, status: string) =>
  insert('inspection_tasks', { round_id: roundId, supervisor_id: supervisorId, unit_id: unitId, starts_at: '2024-04-01T00:00:00Z', ends_at: '2024-05-01T00:00:00Z', status });
const scores = { visited_at: '2024-04-10T02:00:00Z', attitude: 4, efficiency: 4, quality: 4, environment: 4, discipline: 4 };
const report = (taskId: string | null, supervisorId: string, roundId: string | null, unitId: string) =>
  insert('inspection_reports', { origin: taskId ? 'task' : 'walk_in', task_id: taskId, supervisor_id: supervisorId, round_id: roundId, unit_id: unitId, ...scores });
const finding = (taskId: string | null, reportId: string, unitId: string, position: number) =>
  insert('inspection_findings', { task_id: taskId, report_id: reportId, unit_id: unitId, position, description: '窗口无人', severity: 'minor' });
const problem = (unitId: string, isHot: boolean, status: string) =>
  insert('problems', { unit_id: unitId, cycle_id: cycle.id, source_type: 'manual', severity: 'minor', description: '问题', deadline: '2099-01-01T00:00:00Z', status, is_hot: isHot });
const measure = (owner: { problem_id?: string; unit_id?: string; department_id?: string }) => insert('problem_measures', { ...owner, cycle_id: cycle.id, text: '整改措施', created_by: 'x' });
const deed = (unitId: string, isHot: boolean, status: string) =>
  insert('deeds', { unit_id: unitId, cycle_id: cycle.id, title: '办实事', description: '为群众办实事', done_on: '2024-05-01', recorded_by: 'x', recorded_by_role: 'admin', is_hot: isHot, status });

const [s1, s2, s3] = [await supervisor('监督员一'), await supervisor('监督员二'), await supervisor('监督员三'), await supervisor('监督员四')];
const sweep = await round('sweep');
const targeted = await round('targeted');
const t1 = await task(sweep, s1, forestStation.id, 'reviewed');
const r1 = await report(t1, s1, sweep, forestStation.id);
await finding(t1, r1, forestStation.id, 1);
await finding(t1, r1, forestStation.id, 2);
const t2 = await task(targeted, s1, taxHallA.id, 'reported');
await finding(t2, await report(t2, s1, targeted, taxHallA.id), taxHallA.id, 1);
await task(sweep, s3, taxHallB.id, 'cancelled');
await finding(null, await report(null, s2, null, taxAudit.id), taxAudit.id, 1);
const hotA = await problem(taxHallA.id, true, 'verified');
await problem(taxAudit.id, true, 'open');
await problem(taxHallB.id, false, 'open');
await measure({ problem_id: hotA });
await measure({ department_id: countyTransport.id });
await measure({ unit_id: taxHallB.id });
await measure({ department_id: w.departments.forestry.id });
await deed(forestPolice.id, true, 'verified');
await deed(taxAudit.id, false, 'reported');

const office = (regionId: string, role: 'admin' | 'inspector' = 'admin') => ({ role, subject: `office-${regionId}`, regionId });
async function figures(who: Parameters<typeof h.as>[0], extra = '') {
  const res = await h.as(who, { method: 'GET', url: `/api/v1/statistics?cycleId=${cycle.id}${extra}` });
  t.equal(res.statusCode, 200, res.statusCode === 200 ? 'answered' : res.body);
  return res.json() as StatisticsDto;
}
/** The supervision figures the brief names, in one comparable shape. */
const supervision = (s: StatisticsDto) => {
  const f = s.figures;
  return {
    tasksByRoundKind: f.inspectionTasks.byRoundKind,
    dispatched: f.inspectionTasks.dispatched,
    rounds: f.inspectionRounds,
    reportsByOrigin: f.inspectionReportsByOrigin,
    feedbackItems: f.feedbackItems,
    supervisors: f.supervisors,
    measures: { total: f.measures.total, ofProblems: f.measures.ofProblems, improvementPlans: f.measures.improvementPlans },
    hot: { hot: f.problems.hot, hotSolved: f.problems.hotSolved },
    deeds: { total: f.deeds, verified: f.deedFigures.verified, hot: f.deedFigures.hot },
  };
};

const expectedA = {
  tasksByRoundKind: { sweep: 1, targeted: 1 },
  dispatched: 2,
  rounds: { sweep: 1, targeted: 1 },
  reportsByOrigin: { task: 2, walk_in: 0 },
  feedbackItems: 3,
  supervisors: { active: 1, total: 1 },
  measures: { total: 2, ofProblems: 1, improvementPlans: 1 },
  hot: { hot: 1, hotSolved: 1 },
  deeds: { total: 1, verified: 1, hot: 1 },
};
const expectedB = {
  tasksByRoundKind: { sweep: 0, targeted: 0 },
  dispatched: 0,
  rounds: { sweep: 0, targeted: 0 },
  reportsByOrigin: { task: 0, walk_in: 1 },
  feedbackItems: 1,
  supervisors: { active: 1, total: 1 },
  measures: { total: 1, ofProblems: 0, improvementPlans: 1 },
  hot: { hot: 1, hotSolved: 0 },
  deeds: { total: 1, verified: 0, hot: 0 },
};

t.test('a county office gets its region’s supervision figures by default, another county its own', async (t) => {
  for (const role of ['admin', 'inspector'] as const) {
    const a = await figures(office(countyA.id, role));
    t.equal(a.scope.regionId, countyA.id, `${role}: the scope names the county’s region`);
    t.same(supervision(a), expectedA, `${role}: county A`);
    t.same(supervision(await figures(office(countyB.id, role))), expectedB, `${role}: county B`);
  }
  t.equal((await figures(office(countyA.id))).figures.supervisors.total, 1, 's3’s task in county B was cancelled: not counted for either county');
});

t.test('a township office below a county sees the township only', async (t) => {
  const town = supervision(await figures(office(townA.id)));
  t.same(town.tasksByRoundKind, { sweep: 1, targeted: 0 });
  t.same(town.reportsByOrigin, { task: 1, walk_in: 0 });
  t.equal(town.feedbackItems, 2);
  t.same(town.supervisors, { active: 1, total: 1 });
  t.same(town.measures, { total: 0, ofProblems: 0, improvementPlans: 0 }, 'the county department’s plan is the county’s, not the township’s');
});

t.test('the prefecture office still sees everything, and a region filter gives it what the county sees', async (t) => {
  const all = supervision(await figures('admin'));
  t.same(all, {
    tasksByRoundKind: { sweep: 1, targeted: 1 },
    dispatched: 2,
    rounds: { sweep: 1, targeted: 1 },
    reportsByOrigin: { task: 2, walk_in: 1 },
    feedbackItems: 4,
    supervisors: { active: 4, total: 4 },
    measures: { total: 4, ofProblems: 1, improvementPlans: 3 },
    hot: { hot: 2, hotSolved: 1 },
    deeds: { total: 2, verified: 1, hot: 1 },
  });
  t.same(supervision(await figures('admin', `&regionId=${countyA.id}`)), expectedA);
  t.same(supervision(await figures('admin', `&regionId=${countyB.id}`)), expectedB);
});

t.test('a county office is refused another region’s figures, naming the field', async (t) => {
  for (const regionId of [countyB.id, w.regions.prefecture.id]) {
    const res = await h.as(office(countyA.id), { method: 'GET', url: `/api/v1/statistics?cycleId=${cycle.id}&regionId=${regionId}` });
    t.equal(res.statusCode, 403);
    t.equal(res.json().errors?.[0]?.field, 'regionId');
  }
});

t.test('GraphQL and the exports give a county office the same figures', async (t) => {
  const q = `{ statistics(cycleId: "${cycle.id}") { scope { regionId } figures { feedbackItems supervisors { active total } inspectionReportsByOrigin { code count } measures { total improvementPlans } } } }`;
  const r = await gql(h, office(countyB.id), q);
  t.same(r.errors, undefined);
  t.same(r.data?.statistics, {
    scope: { regionId: countyB.id },
    figures: {
      feedbackItems: 1,
      supervisors: { active: 1, total: 1 },
      inspectionReportsByOrigin: [
        { code: 'task', count: 0 },
        { code: 'walk_in', count: 1 },
      ],
      measures: { total: 1, improvementPlans: 1 },
    },
  });
  const csv = await h.as(office(countyB.id), { method: 'GET', url: `/api/v1/statistics/export.csv?cycleId=${cycle.id}` });
  t.equal(csv.statusCode, 200);
  const all = await h.as('admin', { method: 'GET', url: `/api/v1/statistics/export.csv?cycleId=${cycle.id}` });
  t.not(csv.body, all.body, 'the county’s export is not the prefecture’s');
});
