import t from 'tap';
import { setup } from './helper.js';

/**
 * Issue 11, done-when: "a test loads a campaign shaped like the source document and GET /statistics reproduces every
 * number the document reports". The source document is shared/seed/000_b458a48aecf1ae83.txt; its numbers, each with
 * the figure of GET /statistics that reproduces it and the file that loads it through the API and asserts it:
 *
 *   全市 2135 个基层站所(窗口)参与创建                   → unitsTakingPart = 2135 (of 2,138 enrolled)   here
 *   覆盖 69 个部门和行业                                  → departmentsCovered = 69                      here
 *   聘请了 32 名义务监督员                                → supervisors.total = 32                       here
 *   整改各类问题 3347 个                                  → problems.rectified = 3347                    here
 *   取消 3 个创建单位的评比资格                           → disqualifications = 3                        here
 *   约谈有关单位负责人 31 人次                            → accountabilityActions.interview = 31         here
 *   累计编发创建工作短信 3 万条                           → media.smsPublicityMessages = 30000           here
 *   4 个单位受到省纠风领导小组命名表彰, 18 个单位受到省主管部门表彰
 *                                                         → commendations                               supervision-figures
 *   “拉网式”暗访检查 6 次 · “点对点”部署任务 388 人次 · 反馈暗访信息 416 条次 · 完善整改措施 110 项
 *   · 解决热点难点问题 913 · 为群众办实事 4556 件次      → inspectionRounds, inspectionTasks, feedbackItems, measures,
 *                                                           problems.hotSolved, deeds                     supervision-figures
 *   征求意见表 6.5 万份 · 走访 4 万多户 · 座谈会 1500 余场次 · 意见建议 8000 余条 · 问卷测评表 7 万份
 *   · 电话询访 3.6 万户 · 短信 20 万余条                  → outreach, suggestions                        source-figures
 *   178 个专版 · 332 条消息 · 68 万字 · 56 个部门 363 个基层站所 · 专题 28 期
 *                                                         → media                                        source-figures
 *   8 县市清理 26864 项 · 州直 79 个单位清理 4473 项      → powerList                                    source-figures
 *   100 万元 (95598) · 1200 万元 (230 个供电服务窗口) · 5000 余万元 (住院大楼) · 近亿元
 *                                                         → investments                                  source-figures
 *
 * Numbers that are details of one deed or rule rather than campaign figures (6 项办税要求, 提前 15 分钟到岗, 新建公变
 * 14 台, 专变杆 1800 根, 高压线路 8.8 公里, 低压线路 21 公里) are not statistics and are not reproduced.
 * Each file loads what its figures need: together they are the campaign, and each stays fast enough to run alone.
 */
const h = await setup(t);
type Json = Record<string, unknown> & { id: string; version?: number };

async function api<T = Json>(method: 'GET' | 'POST', url: string, payload?: unknown, expect = method === 'GET' ? 200 : 201, headers: Record<string, string> = {}): Promise<T> {
  const res = await h.as('admin', { method, url: `/api/v1${url}`, headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
  if (res.statusCode !== expect) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body.slice(0, 400)}`);
  return res.json() as T;
}
/** Runs fn over items a few requests at a time (the test pool holds a handful of connections). */
async function each<T, R>(items: readonly T[], fn: (x: T, i: number) => Promise<R>, width = 8): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += width) out.push(...(await Promise.all(items.slice(i, i + width).map((x, k) => fn(x, i + k)))));
  return out;
}
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const chunks = <T>(xs: readonly T[], size: number) => range(Math.ceil(xs.length / size)).map((i) => xs.slice(i * size, (i + 1) * size));

// ── 恩施州, its 8 counties and cities; 69 departments and sectors (69 个部门和行业) ──
const prefecture = await api('POST', '/regions', { parentId: null, level: 'prefecture', code: '4228', nameZh: '恩施州' });
const counties = await each(['恩施市', '利川市', '建始县', '巴东县', '宣恩县', '咸丰县', '来凤县', '鹤峰县'], (nameZh, i) =>
  api('POST', '/regions', { parentId: prefecture.id, level: 'county', code: `42280${i + 1}`, nameZh }),
);
const departments = await each(range(69), (i) => api('POST', '/departments', { name: `部门${i + 1}`, sector: `sector_${i + 1}`, level: 'prefecture', regionId: prefecture.id }));

// ── 2,138 grassroots stations and windows (基层站所、窗口) over the 69 departments and 8 counties: 2,135 take part to the
// end and 3 lose their eligibility. A disqualified unit no longer takes part (unitsTakingPart, see statistics.test), so
// the document's 2135 参与创建 and its 3 取消评比资格 are 2,138 enrolled. ──
const categories = ['law_enforcement', 'public_service', 'economic_social_management'] as const;
const unitRows = range(2138).map((i) => ({ name: `基层站所${i + 1}`, departmentId: departments[i % 69].id, regionId: counties[i % 8].id, category: categories[i % 3] }));
// One bulk import (POST /unit-imports, CSV), then the units read back page by page.
const file = ['departmentId,regionId,category,name', ...unitRows.map((u) => `${u.departmentId},${u.regionId},${u.category},${u.name}`)].join('\n');
const imported = await h.as('admin', { method: 'POST', url: '/api/v1/unit-imports?format=csv', headers: { 'content-type': 'text/csv' }, payload: file });
if (imported.statusCode !== 201 || imported.json().created !== 2138) throw new Error(`unit import: ${imported.statusCode} ${imported.body.slice(0, 400)}`);
const units: Json[] = [];
for (let cursor: string | null | undefined; cursor !== null; ) {
  const page = await api<{ items: Json[]; nextCursor: string | null }>('GET', `/units?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
  units.push(...page.items);
  cursor = page.nextCursor;
}

// ── the cycle: every unit enrolls (参与创建); 3 lose their eligibility (取消评比资格) ──
const year = new Date().getUTCFullYear();
const cycle = await api('POST', '/cycles', { name: `${year}年度创建`, year });
const moveCycle = async (to: string) => api('POST', `/cycles/${cycle.id}/transitions`, { to, version: (await api('GET', `/cycles/${cycle.id}`)).version }, 200);
await moveCycle('enrollment');
await api('POST', `/cycles/${cycle.id}/enrollments/bulk`, { regionId: prefecture.id }, 200);
const enrollments: Json[] = [];
for (let cursor: string | null | undefined; cursor !== null; ) {
  const page = await api<{ items: Json[]; nextCursor: string | null }>('GET', `/cycles/${cycle.id}/enrollments?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
  enrollments.push(...page.items);
  cursor = page.nextCursor;
}
await each(enrollments.slice(0, 3), (e) => api('POST', `/enrollments/${e.id}/disqualify`, { reason: '暗访发现严重问题，取消评比资格' }, 200, { 'if-match': `"${e.version}"` }));

// ── 32 volunteer supervisors (义务监督员) ──
await each(range(32), (i) => api('POST', '/supervisors', { name: `监督员${i + 1}`, affiliation: '社会各界', sector: 'public', termStart: `${year}-01-01` }));

// ── 3,347 problems found and rectified (整改各类问题 3347 个): opened in bulk, started, rectified and verified in bulk ──
const problemIds: string[] = [];
for (const part of chunks(range(3347), 1000)) {
  const opened = await api<{ items: { id: string }[] }>('POST', '/problems/bulk', {
    problems: part.map((i) => ({ unitId: units[i % units.length].id, cycleId: cycle.id, sourceType: 'manual', severity: 'minor', description: `问题 ${i + 1}` })),
  });
  problemIds.push(...opened.items.map((p) => p.id));
}
const EVIDENCE = ['https://files.example.org/rectification/1.jpg'];
for (const [action, extra] of [['start', {}], ['submit', { evidence: EVIDENCE }], ['verify', {}]] as const) {
  await each(chunks(problemIds, 1000), (ids) => api('POST', '/problems/bulk-transition', { ids, action, note: '整改销号', ...extra }, 200), 4);
}

// ── 31 admonitory interviews of unit heads (约谈有关单位负责人 31 人次), each citing a problem ──
await each(range(31), (i) =>
  api('POST', '/accountability-actions', {
    type: 'interview',
    target: { kind: 'unit', unitId: units[i].id },
    reason: '整改不力，约谈站所负责人',
    decidedAt: `${year}-03-01T09:00:00+08:00`,
    cause: { type: 'problem', id: problemIds[i] },
  }),
);

// ── 3万 publicity texts about the campaign (累计编发创建工作短信 3 万条) ──
await api('POST', '/media-items', { kind: 'sms_publicity', outlet: '州纠风办', title: '创建宣传短信', messages: 30_000, publishedOn: `${year}-02-01` });

t.test('GET /statistics reproduces the campaign-scale figures of the document', async (t) => {
  const s = await api<{ figures: Record<string, unknown> }>('GET', `/statistics?cycleId=${cycle.id}`);
  const f = s.figures as {
    unitsTakingPart: number;
    departmentsCovered: number;
    disqualifications: number;
    supervisors: { total: number };
    problems: { rectified: number };
    accountabilityActions: Record<string, number>;
    media: { smsPublicityMessages: number };
  };
  t.equal(f.unitsTakingPart, 2135, '2135 个基层站所(窗口)参与创建');
  t.equal(f.departmentsCovered, 69, '覆盖 69 个部门和行业');
  t.equal(f.supervisors.total, 32, '32 名义务监督员');
  t.equal(f.problems.rectified, 3347, '整改各类问题 3347 个');
  t.equal(f.disqualifications, 3, '取消 3 个创建单位的评比资格');
  t.equal(f.accountabilityActions.interview, 31, '约谈有关单位负责人 31 人次');
  t.equal(f.media.smsPublicityMessages, 30_000, '累计编发创建工作短信 3 万条');
});

t.test('the same figures in the public statistics (aggregates only) and in the CSV export', async (t) => {
  const pub = await h.as('anonymous', { method: 'GET', url: `/api/v1/public/statistics?cycleId=${cycle.id}` });
  t.equal(pub.statusCode, 200);
  t.match(pub.json().figures, { unitsTakingPart: 2135, departmentsCovered: 69 });
  const csv = await h.as('admin', { method: 'GET', url: `/api/v1/statistics/export.csv?cycleId=${cycle.id}` });
  t.equal(csv.statusCode, 200);
  for (const [path, value] of [['unitsTakingPart', 2135], ['departmentsCovered', 69], ['problems.rectified', 3347], ['disqualifications', 3]] as const) {
    t.ok(csv.body.split('\n').some((l) => l.startsWith(`${path},`) && l.includes(`,${value},`)), path);
  }
});
