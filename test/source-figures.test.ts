import t from 'tap';
import { gql, setup } from './helper.js';

/**
 * Issue 11 ("every figure of the source document"), the outreach, media, power-list and investment part: a campaign
 * shaped like /work/shared/seed/000_b458a48aecf1ae83.txt is loaded THROUGH THE API ONLY (aggregated rows: one outreach
 * record per county and kind, the media in a few aggregate records), and GET /statistics must give back every number
 * the document reports. Where the document is approximate (4万多户, 1500余场次, 8000余条, 20万余条, 5000余万元, 近亿元)
 * the test loads the round figure and asserts what it loaded.
 */
const h = await setup(t);
type Json = Record<string, unknown> & { id: string };
const post = async (url: string, payload: Record<string, unknown>): Promise<Json> => {
  const r = await h.as('admin', { method: 'POST', url: `/api/v1${url}`, payload });
  if (r.statusCode !== 201) throw new Error(`${url}: ${r.statusCode} ${r.body.slice(0, 300)}`);
  return r.json() as Json;
};
/** Runs `fn` over `items` a few at a time (the pool holds 5 connections). */
async function each<T, R>(items: T[], fn: (x: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += 5) out.push(...(await Promise.all(items.slice(i, i + 5).map((x, k) => fn(x, i + k)))));
  return out;
}
/** `total` split over `parts` records, the remainder on the first: the records add up to the document's figure. */
const split = (total: number, parts: number) => Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i === 0 ? total % parts : 0));

// ── The prefecture (州), its 8 counties and cities (8县市), three years of cycles (三年来) ─────────────────────────
const prefecture = await post('/regions', { parentId: null, level: 'prefecture', code: '4228', nameZh: '恩施州' });
const countyNames = ['恩施市', '利川市', '建始县', '巴东县', '宣恩县', '咸丰县', '来凤县', '鹤峰县'];
const counties = await each(countyNames, (nameZh, i) => post('/regions', { parentId: prefecture.id, level: 'county', code: `42280${i + 1}`, nameZh }));
const cycles = await each([2012, 2013, 2014], (year) => post('/cycles', { name: `${year}年度创建`, year }));
const cycleOf = (i: number) => cycles[i % 3].id;

// 州直 79 个单位 (prefecture-level departments) and one county-level department per county.
const prefectureDepts = await each(Array.from({ length: 79 }, (_, i) => i), (i) => post('/departments', { name: `州直单位${i + 1}`, sector: `sector_${i + 1}`, level: 'prefecture', regionId: prefecture.id }));
const countyDepts = await each(counties, (c, i) => post('/departments', { name: `${countyNames[i]}政务服务中心`, sector: 'government_services', level: 'county', regionId: c.id }));
// 56 of the prefecture's departments have 363 units (基层站所、窗口) between them, spread over the counties.
const categories = ['law_enforcement', 'public_service', 'economic_social_management'];
const units = await each(Array.from({ length: 363 }, (_, i) => i), (i) =>
  post('/units', { name: `基层站所${i + 1}`, departmentId: prefectureDepts[i % 56].id, regionId: counties[i % 8].id, category: categories[i % 3] }),
);

t.test('outreach (群众评价机制): every volume of the document, loaded as one record per county and kind', async (t) => {
  // "三年来，全州共发放征求意见表 6.5 万份，走访服务对象 4 万多户，召开座谈会 1500 余场次，收集各类意见建议 8000 余条，
  //  发放问卷测评表 7 万份，电话询访 3.6 万户，编发短信 20 万余条。"
  const volumes: [kind: string, field: string, total: number][] = [
    ['opinion_forms', 'distributed', 65_000], // 6.5 万份
    ['household_visits', 'households', 40_000], // 4 万多户: approximate; 40,000 loaded
    ['forums', 'sessions', 1_500], // 1500 余场次: approximate; 1,500 loaded
    ['questionnaires', 'distributed', 70_000], // 7 万份
    ['phone_inquiries', 'households', 36_000], // 3.6 万户
    ['sms', 'messages', 200_000], // 20 万余条: approximate; 200,000 loaded
  ];
  for (const [kind, field, total] of volumes) {
    await each(split(total, 8), (n, i) => post('/outreach-activities', { kind, [field]: n, regionId: counties[i].id, heldOn: `${2012 + (i % 3)}-06-30`, cycleId: cycleOf(i) }));
  }
  // 意见建议 8000 余条 (approximate; 8,000 loaded): items, entered in bulk by each county's service centre.
  for (const [i, dept] of countyDepts.entries()) {
    const items = Array.from({ length: 1000 }, (_, k) => ({ text: `意见建议 ${i}-${k}`, departmentId: dept.id, receivedOn: `${2012 + (i % 3)}-07-01`, cycleId: cycleOf(i) }));
    const r = await h.as('admin', { method: 'POST', url: '/api/v1/suggestions/bulk', payload: { items } });
    t.equal(r.statusCode, 201);
  }
  const f = await figures();
  t.equal(f.outreach.opinionFormsDistributed, 65_000, '发放征求意见表 6.5 万份');
  t.equal(f.outreach.householdsVisited, 40_000, '走访服务对象 4 万多户');
  t.equal(f.outreach.forumSessions, 1_500, '召开座谈会 1500 余场次');
  t.equal(f.suggestions.total, 8_000, '收集各类意见建议 8000 余条');
  t.equal(f.outreach.questionnairesDistributed, 70_000, '发放问卷测评表 7 万份');
  t.equal(f.outreach.phoneInquiryHouseholds, 36_000, '电话询访 3.6 万户');
  t.equal(f.outreach.smsMessages, 200_000, '编发短信 20 万余条');
  // The same by region: one county holds its eighth.
  const one = await figures(`&regionId=${counties[1].id}`);
  t.equal(one.outreach.opinionFormsDistributed, 65_000 / 8);
  t.equal(one.suggestions.total, 1_000);
});

t.test('media (媒体参与): columns, news items and their words, TV specials, the departments and units covered', async (t) => {
  // "在*日报上开辟了每周一期的纠风直通车和创建群众满意站(窗口)风采栏目，刊发 178 个专版、332 条消息，篇幅 68 万字，
  //  涉及 56 个部门 363 个基层站所、窗口。"
  const covered = { departmentIds: prefectureDepts.slice(0, 56).map((d) => d.id), unitIds: units.map((u) => u.id) };
  await post('/media-items', { kind: 'newspaper_column', outlet: '恩施日报', title: '纠风直通车 / 创建群众满意站(窗口)风采', publishedOn: '2014-12-31', cycleId: cycles[2].id, quantity: 178, ...covered });
  await post('/media-items', { kind: 'news_item', outlet: '恩施日报', title: '创建消息', publishedOn: '2014-12-31', cycleId: cycles[2].id, quantity: 332, wordCount: 680_000, departmentIds: covered.departmentIds.slice(0, 30) });
  // "*电视台社会新闻播报连续播出“百名记者进窗口”专题 28 期"
  await post('/media-items', { kind: 'tv_special', outlet: '恩施电视台', title: '百名记者进窗口', publishedOn: '2014-11-30', cycleId: cycles[2].id, episodes: 28, unitIds: units.slice(0, 28).map((u) => u.id) });
  // "深入推进电视问政活动，由紧密涉及民生的窗口主管部门负责人与市民面对面，接受群众问政和测评。" The document gives no
  // count of sessions or heads: one session with two heads is loaded and counted (never named in the figures).
  await post('/media-items', {
    kind: 'tv_inquiry',
    outlet: '恩施电视台',
    title: '电视问政',
    publishedOn: '2013-10-15',
    cycleId: cycles[1].id,
    appearances: [
      { personName: '负责人甲', departmentId: prefectureDepts[0].id, resultKind: 'satisfaction_percent', result: 86.5 },
      { personName: '负责人乙', departmentId: prefectureDepts[1].id, resultKind: 'satisfaction_percent', result: 78 },
    ],
  });
  const f = await figures();
  t.equal(f.media.newspaperColumns, 178, '刊发 178 个专版');
  t.equal(f.media.newsItems, 332, '332 条消息');
  t.equal(f.media.newsWords, 680_000, '篇幅 68 万字');
  t.equal(f.media.departmentsCovered, 56, '涉及 56 个部门');
  t.equal(f.media.unitsCovered, 363, '363 个基层站所、窗口');
  t.equal(f.media.tvSpecialEpisodes, 28, '专题 28 期');
  t.equal(f.media.tvInquirySessions, 1);
  t.equal(f.media.tvInquiryAppearances, 2);
  t.equal(f.monthly['2014-12'].newspaperColumns, 178, 'the monthly series carries the same figures');
});

t.test('power-list cleanup (行政权力清理): 26,864 items in the 8 counties, 4,473 in the 79 prefecture-level units', async (t) => {
  // "全州 8 县市清理行政权力及政务服务事项 26864 项，州直 79 个单位清理行政权力及政务服务事项 4473 项。"
  await each(split(26_864, 8), (n, i) =>
    post('/power-list-cleanups', { departmentId: countyDepts[i].id, cycleId: cycles[2].id, itemKind: 'administrative_power', registered: n, kept: n - Math.floor(n / 4), merged: Math.floor(n / 8), abolished: Math.floor(n / 4) - Math.floor(n / 8) }),
  );
  await each(split(4_473, 79), (n, i) => post('/power-list-cleanups', { departmentId: prefectureDepts[i].id, cycleId: cycles[2].id, itemKind: 'service_item', registered: n, kept: n, merged: 0, abolished: 0 }));
  const f = await figures();
  t.equal(f.powerList.byLevel.county.registered, 26_864, '8 县市 … 26864 项');
  t.equal(f.powerList.byLevel.prefecture.registered, 4_473, '州直 79 个单位 … 4473 项');
  t.equal(f.powerList.registered, 26_864 + 4_473);
  t.equal(f.powerList.byLevel.county.kept + f.powerList.byLevel.county.merged + f.powerList.byLevel.county.abolished, 26_864);
});

t.test('investment (硬件建设投入): the itemised amounts and the near-100-million total, in fen', async (t) => {
  // "三年累计投入近亿元……国网恩施供电公司投入 100 万元升级 95598 电话服务系统，投入 1200 万元建立和整改供电服务窗口 230 个……
  //  州优抚医院多方筹资 5000 余万元建成新住院大楼"
  const power = prefectureDepts[2];
  const hospital = units[3];
  await post('/investments', { departmentId: power.id, cycleId: cycles[1].id, investedOn: '2013-08-01', amountFen: 100_000_000, fundSource: 'enterprise', purpose: '升级 95598 电话服务系统', projectName: '95598' });
  const windows = await post('/investments', { departmentId: power.id, cycleId: cycles[1].id, investedOn: '2013-09-01', amountFen: 1_200_000_000, fundSource: 'enterprise', purpose: '建立和整改供电服务窗口', builtQuantity: 230, builtWhat: '供电服务窗口' });
  // 5000 余万元: approximate; 5,000万元 loaded.
  await post('/investments', { unitId: hospital.id, cycleId: cycles[2].id, investedOn: '2014-05-01', amountFen: 5_000_000_000, fundSource: 'mixed', purpose: '建成新住院大楼', projectName: '新住院大楼', builtQuantity: 1, builtWhat: '住院大楼' });
  // 近亿元: the rest of the three years' facilities spending, spread over the counties, to 9,900万元 in all (approximate).
  await each(split(3_600_000_000, 8), (fen, i) => post('/investments', { regionId: counties[i].id, cycleId: cycleOf(i), investedOn: `${2012 + (i % 3)}-10-01`, amountFen: fen, fundSource: 'fiscal', purpose: '窗口基础设施建设' }));
  t.equal(windows.amountYuan, '12000000.00', '1200 万元');
  const f = await figures();
  t.equal(f.investments.totalFen, 9_900_000_000, '近亿元: 9,900万元 loaded');
  t.ok(f.investments.totalFen < 10_000_000_000 && f.investments.totalFen >= 9_000_000_000, '近亿元: just under 100 million yuan');
  t.equal(f.investments.byFundSourceFen.enterprise, 1_300_000_000, '100 万元 + 1200 万元 by 国网恩施供电公司');
  t.equal(f.investments.byFundSourceFen.mixed, 5_000_000_000, '5000 余万元 for the hospital building (多方筹资)');
  t.equal(f.investments.builtQuantity, 231, '230 windows and one hospital building');
  const byDept = await figures(`&departmentId=${power.id}`);
  t.equal(byDept.investments.totalFen, 1_300_000_000);
});

t.test('the same figures in the CSV export and in the public statistics', async (t) => {
  const csv = (await h.as('admin', { method: 'GET', url: `/api/v1/statistics/export.csv?fromYear=2012&toYear=2014` })).body;
  for (const [path, value] of [['outreach.opinionFormsDistributed', 65_000], ['media.unitsCovered', 363], ['powerList.byLevel.county.registered', 26_864], ['investments.totalFen', 9_900_000_000]] as const) {
    t.ok(csv.split('\n').some((l) => l.startsWith(`${path},`) && l.includes(`,${value},`)), path);
  }
  const pub = (await h.as('anonymous', { method: 'GET', url: '/api/v1/public/statistics?fromYear=2012&toYear=2014' })).json().figures;
  t.equal(pub.outreach.smsMessages, 200_000);
  t.equal(pub.media.newsWords, 680_000);
  t.notMatch(JSON.stringify(pub), /负责人甲|负责人乙/);
  const g = await gql(
    h,
    'admin',
    '{ statistics(fromYear: 2012, toYear: 2014) { figures { outreach { opinionFormsDistributed } suggestions { total } media { newsWords unitsCovered } powerList { byLevel { code label { zhCN } registered } } investments { totalFen } monthly { month newspaperColumns } } } }',
  );
  t.same(g.errors, undefined);
  const gf = (g.data!.statistics as { figures: Record<string, Record<string, unknown>> }).figures;
  t.same([gf.outreach.opinionFormsDistributed, gf.suggestions.total, gf.media.newsWords, gf.media.unitsCovered, gf.investments.totalFen], [65_000, 8_000, 680_000, 363, 9_900_000_000]);
  t.same((gf.powerList.byLevel as unknown as { code: string; registered: number }[]).find((l) => l.code === 'county')?.registered, 26_864);
  t.ok((gf.monthly as unknown as { month: string; newspaperColumns: number }[]).some((m) => m.month === '2014-12' && m.newspaperColumns === 178));
});

async function figures(filter = '') {
  const r = await h.as('admin', { method: 'GET', url: `/api/v1/statistics?fromYear=2012&toYear=2014${filter}` });
  if (r.statusCode !== 200) throw new Error(r.body);
  return r.json().figures;
}
