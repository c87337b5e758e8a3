import t from 'tap';
import { systemContext } from '../src/lib/principal.js';
import { setup } from './helper.js';
import type { TestApp } from './helper.js';
import type { StatisticsDto } from '../src/modules/statistics/schemas.js';
import { referenceWorld } from './fixtures.js';
import { asSupervisor, goodRatings, minutesAgo, openWindow } from './supervision-fixtures.js';

/**
 * Issue 11, the figures of the source document (shared/seed/000_b458a48aecf1ae83.txt) that supervision, problems,
 * deeds and commendations own, loaded through the API (bulk endpoints where they exist) and read back from
 * GET /statistics:
 *
 *   "组织义务监督员开展“拉网式”暗访检查 6 次"          → inspectionRounds.sweep = 6
 *   "“点对点”部署任务 388 人次"                         → inspectionTasks.byRoundKind.targeted = 388
 *   "反馈暗访信息 416 条次"                              → feedbackItems = 416, from inspectionReports = 416
 *                                                         (400 task reports + 16 walk-ins, 随机暗访)
 *   "完善整改措施 110 项"                               → measures.total = 110 (80 of problems, 30 of improvement plans)
 *   "共解决涉及民生、热点、难点问题 913 全[件]"          → problems.hotSolved = 913 (hot problems verified)
 *   "为群众办实事 4556 件次"                            → deeds = deedFigures.verified = 4556
 *   "4 个单位受到省纠风领导小组命名表彰，18 个单位受到省主管部门表彰"
 *                                                       → commendations = { provincial_leading_group: 4, provincial_department: 18 }
 */
const h: TestApp = await setup(t);
const w = await referenceWorld(h);
const units = Object.values(w.units);
const year = new Date(Date.now() - 2 * 86_400_000 + 8 * 3_600_000).getUTCFullYear();
const cycle = await h.app.services.cycles.create(systemContext('test'), { name: `${year} 创建`, year });
const EVIDENCE = ['https://files.example.org/rectification/1.jpg'];

async function api<T = Record<string, unknown>>(who: Parameters<typeof h.as>[0], method: 'GET' | 'POST', url: string, payload?: unknown, expect = method === 'GET' ? 200 : 201): Promise<T> {
  const res = await h.as(who, { method, url: `/api/v1${url}`, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
  if (res.statusCode !== expect) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body.slice(0, 500)}`);
  return res.json() as T;
}

/** Runs fn over items, a few requests at a time (each its own transaction; the database does the waiting). */
async function inBatches<T>(items: readonly T[], fn: (item: T, index: number) => Promise<unknown>, width = 8): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map((x, k) => fn(x, i + k)));
}

/**
 * Sends items as `parts` requests at once, each its own transaction (a bulk route takes them one by one in one
 * transaction): the app and the database work side by side instead of in turn. Results come back in item order.
 */
async function inParts<T, R>(items: readonly T[], parts: number, fn: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
  const size = Math.ceil(items.length / parts);
  const chunks = Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
  return (await Promise.all(chunks.map(fn))).flat();
}

// ── 32 volunteer supervisors (聘请了 32 名义务监督员) ──
const supervisorIds: string[] = [];
for (let i = 0; i < 32; i++) {
  supervisorIds.push((await api<{ id: string }>('admin', 'POST', '/supervisors', { name: `监督员${i}`, affiliation: '社会各界', sector: 'public', termStart: '2020-01-01' })).id);
}

// ── rounds: 6 sweeps over forestry (2 units, one task each) and point-to-point rounds totalling 388 tasks ──
async function round(body: Record<string, unknown>): Promise<string[]> {
  const r = await api<{ id: string }>('admin', 'POST', '/inspection-rounds', { name: '暗访', window: openWindow(), ...body });
  const g = await api<{ taskIds: string[]; unassigned: unknown[] }>('admin', 'POST', `/inspection-rounds/${r.id}/generate-tasks`, undefined, 200);
  if (g.unassigned.length) throw new Error(`unassigned: ${JSON.stringify(g.unassigned)}`);
  return g.taskIds;
}
const taskIds: string[] = [];
for (let i = 0; i < 6; i++) taskIds.push(...(await round({ kind: 'sweep', filter: { departmentId: w.departments.forestry.id } })));
const targeted = [
  ...Array.from({ length: 7 }, () => ({ unitIds: units.map((u) => u.id), tasksPerUnit: 10 })), // 7 × 5 × 10 = 350
  { unitIds: units.slice(0, 4).map((u) => u.id), tasksPerUnit: 9 }, // 36
  { unitIds: units.slice(0, 2).map((u) => u.id), tasksPerUnit: 1 }, // 2
];
for (const r of targeted) taskIds.push(...(await round({ kind: 'targeted', cycleId: cycle.id, ...r })));

// ── 400 task reports (384 with one feedback item, 16 with none) and 16 walk-ins with two items each ──
const tasks: { id: string; supervisorId: string }[] = [];
for (let cursor: string | null | undefined; cursor !== null; ) {
  const page = await api<{ items: { id: string; supervisorId: string }[]; nextCursor: string | null }>('admin', 'GET', `/inspection-tasks?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
  tasks.push(...page.items);
  cursor = page.nextCursor;
}
await inBatches(tasks, (task, i) => {
  const findings = i < 384 ? [{ category: 'attitude', description: '服务态度需改进', severity: 'minor' }] : [];
  return api(asSupervisor(task.supervisorId), 'POST', `/inspection-tasks/${task.id}/report`, { visitedAt: minutesAgo(30), ratings: goodRatings, findings }, 200);
});
await inBatches(supervisorIds.slice(0, 16), (supervisorId, i) =>
  api(asSupervisor(supervisorId), 'POST', '/inspection-reports', {
    unitId: units[i % units.length].id,
    visitedAt: minutesAgo(20),
    ratings: goodRatings,
    findings: [
      { category: 'discipline', description: '上班时间玩游戏', severity: 'major' },
      { category: 'environment', description: '着装不整' },
    ],
  }),
);

// ── 913 hot problems solved: opened, started, rectified (10 by their department with 8 measures each, the rest by the office on their behalf), verified ──
const PARTS = 4;
const opened = {
  items: await inParts(
    Array.from({ length: 913 }, (_, i) => ({ unitId: units[i % units.length].id, cycleId: cycle.id, sourceType: 'manual', severity: 'minor', description: `热点难点问题 ${i}`, isHot: true })),
    PARTS,
    async (problems) => (await api<{ items: { id: string; unitId: string }[] }>('admin', 'POST', '/problems/bulk', { problems })).items,
  ),
};
const problemIds = opened.items.map((p) => p.id);
const bulkTransition = (ids: string[], body: Record<string, unknown>) =>
  inParts(ids, PARTS, async (chunk) => (await api<{ items: unknown[] }>('admin', 'POST', '/problems/bulk-transition', { ids: chunk, ...body }, 200)).items);
await bulkTransition(problemIds, { action: 'start', note: '限期整改' });
await inBatches(opened.items.slice(0, 10), (p) =>
  api({ role: 'department', departmentId: units.find((u) => u.id === p.unitId)!.departmentId }, 'POST', `/problems/${p.id}/submit`, {
    measureItems: Array.from({ length: 8 }, (_, k) => ({ text: `整改措施 ${k + 1}`, responsibleParty: '站长', status: 'done' })),
    evidence: EVIDENCE,
  }, 200),
);
await bulkTransition(problemIds.slice(10), { action: 'submit', note: '已整改', evidence: EVIDENCE });
await bulkTransition(problemIds, { action: 'verify', note: '核查销号' });
await inBatches(Array.from({ length: 30 }, (_, i) => i), (i) => api('admin', 'POST', '/improvement-measures', { unitId: units[i % units.length].id, cycleId: cycle.id, text: `完善制度 ${i}` }));

// ── 4,556 deeds, recorded in bulk and verified by the office ──
// Five requests of at most 1000 (the bulk routes' limit), sent at once.
const deeds = Array.from({ length: 4556 }, (_, i) => ({ unitId: units[i % units.length].id, cycleId: cycle.id, title: '为群众办实事', description: '上门服务', doneOn: `${year}-01-02`, isHot: i % 4 === 0 }));
const deedIds = await inParts(deeds, 5, async (batch) => (await api<{ items: { id: string }[] }>('admin', 'POST', '/deeds/bulk', { deeds: batch })).items.map((d) => d.id));
await inParts(deedIds, 5, async (ids) => (await api<{ items: unknown[] }>('admin', 'POST', '/deeds/decide', { ids, decision: 'verify' }, 200)).items);

// ── 4 + 18 higher-level commendations ──
const commend = (unitId: string, level: string) =>
  api('admin', 'POST', '/commendations', { unitId, cycleId: cycle.id, level, title: '群众满意基层站所', conferredBy: level === 'provincial_leading_group' ? '湖北省纠风领导小组' : '省主管部门', conferredOn: `${year}-01-02` });
const levels = [...Array<string>(4).fill('provincial_leading_group'), ...Array<string>(18).fill('provincial_department')];
await inBatches(levels, (level, i) => commend(units[i % units.length].id, level));

t.test('GET /statistics reproduces every supervision, measure, hot-problem, deed and commendation figure of the document', async (t) => {
  const { figures: f } = await api<StatisticsDto>('inspector', 'GET', `/statistics?cycleId=${cycle.id}`);
  t.equal(f.inspectionRounds.sweep, 6, '“拉网式”暗访检查 6 次');
  t.equal(f.inspectionTasks.byRoundKind.targeted, 388, '“点对点”部署任务 388 人次');
  t.equal(f.feedbackItems, 416, '反馈暗访信息 416 条次');
  t.equal(f.inspectionReports, 416, '416 reports: of tasks and walk-ins');
  t.same(f.inspectionReportsByOrigin, { task: 400, walk_in: 16 });
  t.same(f.inspectionTasks, { dispatched: 400, reported: 400, reviewed: 0, byRoundKind: { sweep: 12, targeted: 388 } }, 'every report has its task, and no task more than one');
  t.equal(f.measures.total, 110, '完善整改措施 110 项');
  t.match(f.measures, { ofProblems: 80, improvementPlans: 30 });
  t.equal(f.problems.hotSolved, 913, '解决热点、难点问题 913');
  t.equal(f.deeds, 4556, '为群众办实事 4556 件次');
  t.equal(f.deedFigures.verified, 4556, 'all verified by the office');
  t.equal(f.deedFigures.hotVerified, 1139);
  t.equal(f.commendations.provincial_leading_group, 4, '4 个单位受到省纠风领导小组命名表彰');
  t.equal(f.commendations.provincial_department, 18, '18 个单位受到省主管部门表彰');
});
