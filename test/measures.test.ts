import t from 'tap';
import { systemContext } from '../src/lib/principal.js';
import { referenceWorld } from './fixtures.js';
import { setup } from './helper.js';

const h = await setup(t);
const w = await referenceWorld(h);
const { forestStation, taxHallA } = w.units;
const forestryDept = { role: 'department' as const, departmentId: w.departments.forestry.id };
const station = { role: 'unit' as const, unitId: forestStation.id };
const cycle = await h.app.services.cycles.create(systemContext('test'), { name: '2016 创建', year: 2016 });
const EVIDENCE = ['https://files.example.org/rectification/photo-1.jpg'];

const api = (who: Parameters<typeof h.as>[0], url: string, payload: Record<string, unknown> = {}) => h.as(who, { method: 'POST', url: `/api/v1${url}`, payload });
const get = (who: Parameters<typeof h.as>[0], url: string) => h.as(who, { method: 'GET', url: `/api/v1${url}` });
const figures = async () => (await get('admin', `/statistics?cycleId=${cycle.id}`)).json().figures.measures;

async function rectifying(unitId = forestStation.id): Promise<string> {
  const p = (await api('admin', '/problems', { unitId, cycleId: cycle.id, sourceType: 'manual', severity: 'major', description: '办事指南不清' })).json();
  await api('admin', `/problems/${p.id}/start`);
  return p.id;
}

t.test('a submission records its measures (整改措施) as items, each counted', async (t) => {
  const id = await rectifying();
  const res = await api(station, `/problems/${id}/submit`, {
    measureItems: [
      { text: '重新制作办事指南', responsibleParty: '张站长', dueOn: '2016-06-30', status: 'done', evidence: EVIDENCE },
      { text: '开展窗口人员培训', responsibleParty: '办公室' },
    ],
    evidence: EVIDENCE,
  });
  t.equal(res.statusCode, 200, res.body);
  t.equal(res.json().submittedOnBehalfBy, null);
  const list = await get(station, `/problems/${id}/measures`);
  t.equal(list.statusCode, 200);
  t.match(list.json().items, [
    { problemId: id, text: '重新制作办事指南', responsibleParty: '张站长', dueOn: '2016-06-30', status: 'done', statusLabel: { zhCN: '已完成' } },
    { problemId: id, text: '开展窗口人员培训', status: 'planned' },
  ]);
  t.match(await figures(), { total: 2, ofProblems: 2, improvementPlans: 0, byStatus: { planned: 1, in_progress: 0, done: 1 } });
  const none = await api(station, `/problems/${await rectifying()}/submit`, { evidence: EVIDENCE });
  t.equal(none.statusCode, 400, 'a submission names its measures');
});

t.test('improvement-plan measures of a unit or a department, with no problem', async (t) => {
  const unitPlan = await api(station, '/improvement-measures', { unitId: forestStation.id, cycleId: cycle.id, text: '推行预约服务' });
  t.equal(unitPlan.statusCode, 201, unitPlan.body);
  t.match(unitPlan.json(), { problemId: null, unitId: forestStation.id, status: 'planned' });
  const deptPlan = await api(forestryDept, '/improvement-measures', { departmentId: w.departments.forestry.id, cycleId: cycle.id, text: '完善首问负责制' });
  t.equal(deptPlan.statusCode, 201, deptPlan.body);
  t.equal((await api(forestryDept, '/improvement-measures', { departmentId: w.departments.tax.id, text: 'x' })).json().errors[0].field, 'departmentId');
  t.equal((await api(station, '/improvement-measures', { unitId: taxHallA.id, text: 'x' })).json().errors[0].field, 'unitId');
  t.equal((await api(station, '/improvement-measures', { text: 'x' })).statusCode, 400, 'a plan names its unit or department');
  t.equal((await api('admin', '/improvement-measures', { departmentId: '0190a000-0000-7000-8000-000000000000', text: 'x' })).json().errors[0].field, 'departmentId');
  t.match(await figures(), { total: 4, improvementPlans: 2 });
});

t.test('a measure moves planned → in_progress → done, by its owner; not backwards', async (t) => {
  const m = (await api(station, '/improvement-measures', { unitId: forestStation.id, cycleId: cycle.id, text: '延时服务' })).json();
  t.equal((await api({ role: 'unit', unitId: taxHallA.id }, `/measures/${m.id}/status`, { status: 'in_progress' })).statusCode, 404, 'another unit cannot see it');
  t.equal((await api(station, `/measures/${m.id}/status`, { status: 'in_progress' })).json().status, 'in_progress');
  const done = await api(station, `/measures/${m.id}/status`, { status: 'done', evidence: EVIDENCE });
  t.match(done.json(), { status: 'done', evidence: EVIDENCE });
  const back = await api(station, `/measures/${m.id}/status`, { status: 'planned' });
  t.equal(back.statusCode, 409);
  t.equal(back.json().code, 'illegal_transition');
  const audit = await h.sql<{ action: string }>(`select action from audit_log where entity_id = $1 order by seq`, [m.id]);
  t.same(audit.map((a) => a.action), ['measure.recorded', 'measure.in_progress', 'measure.done']);
});

t.test('the office and assessors list every measure; others may not', async (t) => {
  const all = await get('inspector', '/measures?status=done');
  t.equal(all.statusCode, 200);
  t.equal(all.json().items.length, 2);
  t.equal((await get(station, '/measures')).statusCode, 403);
});
