import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import type { TokenClaims } from '../src/lib/keys.js';
import { sampleCriteriaDocument } from './fixtures-criteria.js';
import { gql, setup } from './helper.js';

/*
 * The source document's story, end to end, through the public API only (REST, and a little GraphQL):
 * a cycle's units are assessed, inspected and rated; a ranking is published; 十佳 and 百佳 are named; a forestry
 * station in the 十佳 is found by a mystery shopper with staff badly dressed and playing games on duty; a complaint
 * about it is substantiated; its plaque is taken down (摘牌); its department loses points; the public roll lists it
 * as revoked; a webhook subscriber receives the signed event; the audit log verifies.
 *
 * Steps share state and run in order. The only calls that are not HTTP: a local webhook receiver, and
 * `webhooks.dispatchDue()` to deliver (the delivery timer is off in tests).
 */

const h = await setup(t);

type Who = TokenClaims | TokenClaims['role'] | 'anonymous';
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** One API call; throws with the response body when the status is not the expected one. */
async function call(who: Who, method: 'GET' | 'POST' | 'PUT' | 'PATCH', path: string, payload?: unknown, expected = 200): Promise<Json> {
  const res = await h.as(who, { method, url: `/api/v1${path}`, ...(payload === undefined ? {} : { payload: payload as object }) });
  if (res.statusCode !== expected) throw new Error(`${method} ${path} as ${typeof who === 'string' ? who : who.role}: expected ${expected}, got ${res.statusCode} ${res.body}`);
  return res.body ? res.json() : null;
}
const get = (who: Who, path: string) => call(who, 'GET', path);
const post = (who: Who, path: string, payload?: unknown) => call(who, 'POST', path, payload);
const created = (who: Who, path: string, payload?: unknown) => call(who, 'POST', path, payload, 201);

// ---- the webhook subscriber: a portal listening for award changes ----
const received: { headers: IncomingHttpHeaders; body: string }[] = [];
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    received.push({ headers: req.headers, body });
    res.statusCode = 200;
    res.end();
  });
});
await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
t.teardown(() => receiver.close());
const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/portal/hooks`;

const DAY = 24 * 3600 * 1000;
const openWindow = () => ({ startsAt: new Date(Date.now() - 2 * DAY).toISOString(), endsAt: new Date(Date.now() + 5 * DAY).toISOString() });
const anHourAgo = () => new Date(Date.now() - 3600 * 1000).toISOString();

const inspector: TokenClaims = { role: 'inspector', subject: 'inspector:zhang' };
const asSupervisor = (id: string): TokenClaims => ({ role: 'supervisor', supervisorId: id, subject: `supervisor:${id}` });
const hotline: TokenClaims = { role: 'integration', subject: 'integration:survey-platform' };

/** What the story builds and later steps read. */
const s = {
  hookSecret: '',
  cycleId: '',
  regions: {} as Record<string, string>,
  departments: {} as Record<string, string>,
  units: {} as Record<string, Json>,
  supervisors: [] as string[],
  rankingId: '',
  awards: [] as Json[],
  stationAward: null as Json,
  forestryBefore: null as Json,
  targeted: { taskId: '', reportId: '', findingId: '', problemId: '' },
  complaint: { trackingCode: '', id: '' },
};
const FORESTRY_STATION = '汪营林业站';
const station = () => s.units[FORESTRY_STATION];
const cycleVersion = async () => (await get('admin', `/cycles/${s.cycleId}`)).version as number;
const moveCycle = async (to: string) => post('admin', `/cycles/${s.cycleId}/transitions`, { to, version: await cycleVersion() });

/**
 * The world: one prefecture, two counties (a township under one), three departments, nine units over the three
 * categories. `quality` orders them: 0 is best (no deductions, top marks); the forestry station is it.
 */
const unitPlan: { name: string; dept: string; region: string; category: 'law_enforcement' | 'public_service' | 'economic_social_management'; quality: number }[] = [
  { name: FORESTRY_STATION, dept: '州林业局', region: '汪营镇', category: 'law_enforcement', quality: 0 },
  { name: '利川森林派出所', dept: '州林业局', region: '利川市', category: 'law_enforcement', quality: 4 },
  { name: '建始林业站', dept: '州林业局', region: '建始县', category: 'law_enforcement', quality: 6 },
  { name: '利川国税办税服务厅', dept: '州国税局', region: '利川市', category: 'public_service', quality: 1 },
  { name: '建始国税办税服务厅', dept: '州国税局', region: '建始县', category: 'public_service', quality: 5 },
  { name: '利川供电营业厅', dept: '州供电公司', region: '利川市', category: 'public_service', quality: 2 },
  { name: '建始供电营业厅', dept: '州供电公司', region: '建始县', category: 'economic_social_management', quality: 7 },
  { name: '利川国税稽查局', dept: '州国税局', region: '利川市', category: 'economic_social_management', quality: 3 },
  { name: '汪营供电所', dept: '州供电公司', region: '汪营镇', category: 'economic_social_management', quality: 8 },
];
const qualityOf = (unitId: string) => unitPlan.find((p) => s.units[p.name].id === unitId)!.quality;

t.test('the campaign office subscribes the portal to award changes, HMAC-signed', async (t) => {
  const sub = await created('admin', '/webhook-subscriptions', { url: hookUrl, events: ['award.status_changed'], signing: 'hmac', description: '州政府门户网站' });
  t.equal(sub.signing, 'hmac');
  t.match(sub.secret, /^whsec_/, 'the secret is shown once, at creation');
  s.hookSecret = sub.secret;
});

t.test('the office sets up the prefecture, its counties, departments and grassroots units', async (t) => {
  const p = await created('admin', '/regions', { level: 'prefecture', code: '422800', nameZh: '恩施州', nameEn: 'Enshi' });
  const lc = await created('admin', '/regions', { parentId: p.id, level: 'county', code: '422802', nameZh: '利川市' });
  const js = await created('admin', '/regions', { parentId: p.id, level: 'county', code: '422822', nameZh: '建始县' });
  const wy = await created('admin', '/regions', { parentId: lc.id, level: 'township', code: '422802100', nameZh: '汪营镇' });
  s.regions = { 恩施州: p.id, 利川市: lc.id, 建始县: js.id, 汪营镇: wy.id };
  for (const [name, sector] of [
    ['州林业局', 'forestry'],
    ['州国税局', 'state_tax'],
    ['州供电公司', 'power_supply'],
  ]) {
    s.departments[name] = (await created('admin', '/departments', { name, sector, level: 'prefecture', regionId: p.id })).id;
  }
  for (const u of unitPlan) {
    s.units[u.name] = await created('admin', '/units', {
      name: u.name,
      departmentId: s.departments[u.dept],
      regionId: s.regions[u.region],
      category: u.category,
      commitments: ['首问负责，一次性告知', '限时办结，一周办结制'],
    });
  }
  const list = await get('admin', `/units?departmentId=${s.departments['州林业局']}`);
  t.same(list.items.map((u: Json) => u.name).sort(), ['利川森林派出所', '建始林业站', '汪营林业站'].sort(), 'the forestry bureau has its three units');
  const pub = await get('anonymous', `/public/units/${station().id}`);
  t.equal(pub.name, FORESTRY_STATION, 'the public sees the station profile');
});

t.test('a cycle opens with small quotas and sample minimums, and every unit enrolls', async (t) => {
  const c = await created('admin', '/cycles', {
    name: '2024年度百佳基层站所(窗口)创建',
    year: 2024,
    settings: {
      quotas: { top100: 4, top10: 2, perCategory: null },
      minimumSamples: { ratings: 3, scorecards: 1, inspectionReports: 1 },
    },
  });
  s.cycleId = c.id;
  t.equal(c.phase, 'draft');
  t.equal((await moveCycle('enrollment')).phase, 'enrollment');
  const bulk = await post('admin', `/cycles/${s.cycleId}/enrollments/bulk`, { regionId: s.regions['恩施州'] });
  t.equal(bulk.enrolled, unitPlan.length, 'all nine units enroll');
  const enrolled = await get('admin', `/cycles/${s.cycleId}/enrollments?limit=100`);
  t.equal(enrolled.items.length, unitPlan.length);
});

t.test('the office publishes the standard (创建标准) for each category', async (t) => {
  for (const category of ['law_enforcement', 'public_service', 'economic_social_management']) {
    const set = await call('admin', 'PUT', `/cycles/${s.cycleId}/criteria-sets/${category}`, sampleCriteriaDocument);
    t.equal(set.totalPoints, 100, `${category}: regular items add up to 100`);
  }
  const pub = await get('anonymous', `/cycles/${s.cycleId}/criteria-sets/law_enforcement`);
  t.equal(pub.revision, 1, 'anyone can read the standard');
});

t.test('the cycle moves to assessment', async (t) => {
  const c = await moveCycle('assessment');
  t.equal(c.phase, 'assessment');
  const criteria = await get('anonymous', `/cycles/${s.cycleId}/criteria-sets/public_service`);
  t.equal(criteria.frozen, true, 'the standard is frozen once assessment starts');
});

t.test('an inspector scores every unit; the office confirms the scorecards; the unit sees its deductions', async (t) => {
  for (const u of unitPlan) {
    const unitId = s.units[u.name].id;
    let card = await created(inspector, '/scorecards', { cycleId: s.cycleId, unitId, summary: `${u.name}考评` });
    if (u.quality > 0) {
      card = await call(inspector, 'PUT', `/scorecards/${card.id}/deductions`, {
        version: card.version,
        deductions: [
          { itemKey: 'signage', ruleKey: 'nonstandard_sign', occurrences: Math.min(u.quality, 5), note: '形象标识不规范' },
          ...(u.quality > 5 ? [{ itemKey: 'facilities', ruleKey: 'missing_convenience', occurrences: u.quality - 5, note: '缺少便民座椅' }] : []),
        ],
      });
    }
    card = await post(inspector, `/scorecards/${card.id}/submit`, { version: card.version });
    t.equal(card.status, 'submitted');
    card = await post('admin', `/scorecards/${card.id}/confirm`, { version: card.version });
    t.equal(card.status, 'confirmed');
    t.equal(card.total, 100 - u.quality, `${u.name} scores ${100 - u.quality}`);
  }
  const unitClaims: TokenClaims = { role: 'unit', unitId: s.units['利川森林派出所'].id, subject: 'unit:police' };
  const fb = await get(unitClaims, `/cycles/${s.cycleId}/units/${s.units['利川森林派出所'].id}/assessment-feedback`);
  t.equal(fb.assessmentScore, 96);
  t.equal(fb.scorecards[0].deductions[0].ruleKey, 'nonstandard_sign', 'the unit sees both the score and each deduction');
});

t.test('volunteer supervisors do a sweep round of mystery-shopper visits, and the office reviews the reports', async (t) => {
  for (const [name, affiliation, sector] of [
    ['监督员甲', '州政协', 'citizen'],
    ['监督员乙', '恩施一中', 'education'],
    ['监督员丙', '州人民医院', 'health'],
  ]) {
    s.supervisors.push((await created('admin', '/supervisors', { name, affiliation, sector, termStart: '2024-01-01', contact: { phone: '13900000000' } })).id);
  }
  const round = await created('admin', '/inspection-rounds', { kind: 'sweep', name: '2024年拉网式暗访', cycleId: s.cycleId, window: openWindow(), seed: 7 });
  const gen = await post('admin', `/inspection-rounds/${round.id}/generate-tasks`);
  t.equal(gen.tasksCreated, unitPlan.length, 'one point-to-point task per enrolled unit');
  t.same(gen.unassigned, []);
  const tasks = (await get('admin', `/inspection-tasks?roundId=${round.id}&limit=100`)).items as Json[];
  for (const task of tasks) {
    const me = asSupervisor(task.supervisorId);
    const mine = await get(me, '/inspection-tasks?limit=100');
    t.ok(mine.items.every((x: Json) => x.supervisorId === task.supervisorId), 'a supervisor sees only its own tasks');
    await post(me, `/inspection-tasks/${task.id}/accept`);
    const r = qualityOf(task.unitId) === 0 ? 5 : 4;
    const reported = await post(me, `/inspection-tasks/${task.id}/report`, {
      visitedAt: anHourAgo(),
      ratings: { attitude: r, efficiency: r, quality: r, environment: r, discipline: r },
      summary: r === 5 ? '热情周到，一次性告知' : '服务基本规范',
    });
    t.equal(reported.status, 'reported');
    const reviewed = await post('admin', `/inspection-tasks/${task.id}/review`, { decisions: [] });
    t.equal(reviewed.status, 'reviewed');
  }
});

t.test('the public rates every unit through the survey platform (群众评价)', async (t) => {
  let n = 0;
  for (const u of unitPlan) {
    const level = u.quality === 0 ? 5 : u.quality <= 3 ? 4 : 3;
    for (let i = 0; i < 4; i++) {
      const receipt = await created(hotline, '/ratings', { unitId: s.units[u.name].id, channel: 'questionnaire', level, source: 'survey-platform', externalId: `Q-${++n}` });
      t.equal(receipt.cycleId, s.cycleId, 'the rating counts in the cycle under assessment');
    }
  }
  const again = await post(hotline, '/ratings', { unitId: station().id, channel: 'questionnaire', level: 1, source: 'survey-platform', externalId: 'Q-1' });
  t.equal(again.duplicate, true, 'a repeated external id is recognised, not stored twice');
});

t.test('the cycle moves to ranking; a ranking is computed and published, the forestry station first', async (t) => {
  t.equal((await moveCycle('ranking')).phase, 'ranking');
  const draft = await created('admin', `/cycles/${s.cycleId}/rankings`);
  t.equal(draft.status, 'draft');
  t.equal(draft.inputCounts.units, unitPlan.length);
  const published = await post('admin', `/rankings/${draft.id}/publish`);
  t.equal(published.status, 'published');
  t.equal(published.publicationVersion, 1);
  s.rankingId = published.id;

  const pub = await get('anonymous', `/public/rankings/${s.rankingId}`);
  const law = pub.entries.filter((e: Json) => e.category === 'law_enforcement');
  t.equal(law[0].unitName, FORESTRY_STATION, 'the forestry station ranks first in law enforcement');
  t.same(law[0].flags, [], 'with enough samples to be named');
  const best = [...pub.entries].sort((a: Json, b: Json) => b.score - a.score)[0];
  t.equal(best.unitId, station().id, 'and has the best composite score overall');
  const why = await get('anonymous', `/rankings/${s.rankingId}/entries/${station().id}/explanation`);
  t.equal(why.unitName, FORESTRY_STATION, 'anyone can read why it scored so');
});

t.test('the cycle moves to naming once a ranking is published; 十佳 and 百佳 are proposed, the forestry station among the 十佳', async (t) => {
  t.equal((await moveCycle('naming')).phase, 'naming');
  const n = await created('admin', `/cycles/${s.cycleId}/nominations`, { rankingId: s.rankingId });
  t.equal(n.status, 'proposed');
  const top10 = n.candidates.filter((c: Json) => c.tier === 'top10');
  const top100 = n.candidates.filter((c: Json) => c.tier === 'top100');
  t.equal(top10.length, 2, '十佳: two');
  t.equal(top100.length, 2, '百佳: two more (the 百佳 list of four includes the 十佳)');
  t.equal(top10[0].unitName, FORESTRY_STATION, 'the forestry station heads the 十佳');
  const ranked = (await get('anonymous', `/public/rankings/${s.rankingId}`)).entries.sort((a: Json, b: Json) => b.score - a.score);
  t.same(
    n.candidates.map((c: Json) => c.unitId),
    ranked.slice(0, 4).map((e: Json) => e.unitId),
    'the four best composite scores, 十佳 first',
  );
  t.same(n.passedOver, [], 'nobody is passed over');

  const confirmed = await post('admin', `/nominations/${n.id}/confirm`, { version: n.version });
  t.equal(confirmed.nomination.status, 'confirmed');
  s.awards = confirmed.awards;
  t.equal(s.awards.length, 4);
  s.stationAward = s.awards.find((a: Json) => a.unitId === station().id);
  t.match(s.stationAward, { tier: 'top10', status: 'active', certificateNo: /^MY2024-T10-\d{4}$/ }, 'the station holds a 十佳 certificate');
  t.ok(s.awards.filter((a: Json) => a.tier === 'top100').every((a: Json) => /^MY2024-T100-\d{4}$/.test(a.certificateNo)), '百佳 certificates are numbered too');

  const roll = await get('anonymous', `/public/cycles/${s.cycleId}/award-roll`);
  t.equal(roll.holders.length, 4, 'the public roll lists the four holders');
  t.match(roll.holders.find((x: Json) => x.unitId === station().id), { status: 'active', statusLabel: { zhCN: '在牌' }, departmentName: '州林业局' });
});

t.test("the forestry bureau's scoreboard shows the bonus of its 十佳 station", async (t) => {
  const board = await get('admin', `/cycles/${s.cycleId}/department-scoreboard`);
  s.forestryBefore = board.items.find((d: Json) => d.departmentId === s.departments['州林业局']);
  t.match(s.forestryBefore, { departmentName: '州林业局', top10: { count: 1, units: [{ unitId: station().id, status: 'active' }] }, penalties: { revoked: 0 } });
  const b = board.departmentBonus;
  t.equal(s.forestryBefore.bonusPoints, s.forestryBefore.top10.count * b.top10 + s.forestryBefore.top100.count * b.top100, 'each named unit brings the bonus of its tier');
  t.ok(s.forestryBefore.bonusPoints >= b.top10);
  t.equal(s.forestryBefore.netPoints, s.forestryBefore.bonusPoints);
  const forestryManager: TokenClaims = { role: 'department', departmentId: s.departments['州林业局'], subject: 'department:forestry' };
  const own = await get(forestryManager, `/cycles/${s.cycleId}/department-scoreboard`);
  t.same(own.items.map((d: Json) => d.departmentId), [s.departments['州林业局']], 'the bureau sees its own row only');
});

t.test('a targeted mystery-shopper visit finds staff badly dressed and playing games on duty; the office accepts the serious finding', async (t) => {
  const round = await created('admin', '/inspection-rounds', {
    kind: 'targeted',
    name: '十佳单位回头看暗访',
    cycleId: s.cycleId,
    unitIds: [station().id],
    window: openWindow(),
    focus: '工作纪律、着装仪容',
  });
  const gen = await post('admin', `/inspection-rounds/${round.id}/generate-tasks`);
  t.equal(gen.tasksCreated, 1);
  const [task] = (await get('admin', `/inspection-tasks?roundId=${round.id}`)).items;
  const me = asSupervisor(task.supervisorId);
  t.equal((await get(me, `/inspection-tasks/${task.id}`)).focus, '工作纪律、着装仪容', 'the supervisor reads the focus of the visit');
  await post(me, `/inspection-tasks/${task.id}/accept`);
  const reported = await post(me, `/inspection-tasks/${task.id}/report`, {
    visitedAt: anHourAgo(),
    ratings: { attitude: 2, efficiency: 2, quality: 3, environment: 3, discipline: 1 },
    summary: '上午十时到站，窗口人员着装不整，一人用电脑玩游戏',
    findings: [{ description: '工作人员着装不整、上班时间玩游戏', severity: 'serious', evidenceLinks: ['https://evidence.example.org/wy-2024-photo1.jpg'] }],
  });
  const finding = reported.report.findings[0];
  t.match(finding, { severity: 'serious', severityLabel: { zhCN: '严重' }, status: 'pending' });

  const stationClaims: TokenClaims = { role: 'unit', unitId: station().id, subject: 'unit:wy' };
  const feedback = await get(stationClaims, `/units/${station().id}/inspection-feedback`);
  const seen = JSON.stringify(feedback);
  t.notOk(seen.includes(task.supervisorId), 'the station never learns who inspected it');

  const reviewed = await post('admin', `/inspection-tasks/${task.id}/review`, { decisions: [{ findingId: finding.id, accepted: true, note: '情况属实' }] });
  const accepted = reviewed.report.findings[0];
  t.equal(accepted.status, 'accepted');
  t.ok(accepted.problemId, 'the accepted finding opens a problem (问题)');
  s.targeted = { taskId: task.id, reportId: reviewed.report.id, findingId: accepted.id, problemId: accepted.problemId };

  const problem = await get('admin', `/problems/${accepted.problemId}`);
  t.match(problem, { unitId: station().id, severity: 'serious', status: 'open', cycleId: s.cycleId });
  const manager: TokenClaims = { role: 'department', departmentId: s.departments['州林业局'], subject: 'department:forestry' };
  const theirs = await get(manager, `/problems?unitId=${station().id}`);
  t.ok(theirs.items.some((p: Json) => p.id === accepted.problemId), 'the forestry bureau sees the problem to rectify');
});

t.test('a member of the public complains about the same station; the office substantiates it as serious and replies', async (t) => {
  const receipt = await created('anonymous', '/public/complaints', {
    category: 'discipline',
    subject: '汪营林业站工作人员上班玩游戏',
    description: '上周三上午去汪营林业站办理林权证，工作人员衣冠不整，一直在电脑上玩游戏，让我等了一个多小时。',
    unitId: station().id,
    contact: { name: '王先生', phone: '13812345678' },
  });
  t.match(receipt, { trackingCode: String, status: 'received' });
  s.complaint.trackingCode = receipt.trackingCode;

  const list = await get('admin', `/complaints?unitId=${station().id}`);
  const c = list.items.find((x: Json) => x.trackingCode === receipt.trackingCode);
  t.equal(c.contact.phone, '13812345678', 'the office sees the contact');
  s.complaint.id = c.id;
  let cur = await post('admin', `/complaints/${c.id}/triage`, { unitId: station().id, note: '转州林业局核查', version: c.version });
  t.equal(cur.status, 'triaged');
  cur = await post('admin', `/complaints/${c.id}/start-investigation`, { note: '调取监控', version: cur.version });
  t.equal(cur.status, 'investigating');
  const forestry: TokenClaims = { role: 'department', departmentId: s.departments['州林业局'], subject: 'department:forestry' };
  await created(forestry, `/complaints/${c.id}/responses`, { text: '经查，该站两名工作人员上班时间玩游戏，已停职检查。' });
  const seenByBureau = await get(forestry, `/complaints/${c.id}`);
  t.equal(seenByBureau.contact, null, 'the bureau never sees who complained');
  cur = await post('admin', `/complaints/${c.id}/decide`, { substantiated: true, severity: 'serious', findings: '监控显示工作人员着装不整、上班时间玩游戏，投诉属实。', version: (await get('admin', `/complaints/${c.id}`)).version });
  t.match(cur, { status: 'substantiated', substantiated: true, severity: 'serious' });
  cur = await post('admin', `/complaints/${c.id}/close`, { reply: '您反映的问题属实，相关人员已被严肃处理，该站荣誉已撤销。感谢您的监督。', version: cur.version });
  t.equal(cur.status, 'closed');
});

t.test("the office takes down the station's plaque (摘牌), citing the complaint, the report, the finding and the problem", async (t) => {
  const evidence = [
    { type: 'complaint', id: s.complaint.id },
    { type: 'inspection_report', id: s.targeted.reportId },
    { type: 'inspection_finding', id: s.targeted.findingId },
    { type: 'problem', id: s.targeted.problemId },
  ];
  const bad = await h.as('admin', { method: 'POST', url: `/api/v1/awards/${s.stationAward.id}/transitions`, payload: { to: 'revoked', reason: '摘牌', evidence } });
  t.equal(bad.statusCode, 422, 'an active award is revoked at once only for a serious violation');
  t.equal(bad.json().errors[0].field, 'seriousViolation');

  const revoked = await post('admin', `/awards/${s.stationAward.id}/transitions`, {
    to: 'revoked',
    reason: '摘牌：工作人员着装不整、上班时间玩游戏，投诉属实',
    seriousViolation: true,
    evidence,
    version: s.stationAward.version,
  });
  t.match(revoked, { status: 'revoked', statusLabel: { zhCN: '撤销荣誉' }, revokedAt: String, revocationReason: /^摘牌/ });
  t.match(revoked.transitions, [{ from: 'active', to: 'revoked', actor: 'admin:local', role: 'admin', evidence }], 'the move names its actor, reason and evidence');
  s.stationAward = revoked;

  const again = await h.as('admin', { method: 'POST', url: `/api/v1/awards/${s.stationAward.id}/transitions`, payload: { to: 'active', reason: '恢复' } });
  t.equal(again.statusCode, 409, 'revocation is final for the cycle');
  t.equal(again.json().code, 'illegal_transition');
});

t.test("the forestry bureau's points drop by the revocation penalty", async (t) => {
  const board = await get('admin', `/cycles/${s.cycleId}/department-scoreboard`);
  const after = board.items.find((d: Json) => d.departmentId === s.departments['州林业局']);
  t.equal(after.penalties.revoked, 1);
  t.equal(after.penalties.points, board.departmentPenalty.revoked);
  t.equal(after.netPoints, s.forestryBefore.netPoints - board.departmentPenalty.revoked, 'net points drop by the revocation penalty');
  t.ok(after.netPoints < s.forestryBefore.netPoints);
  t.match(after.complaints, { substantiated: 1 }, 'the substantiated complaint, filed during naming, counts against the bureau in this cycle');
  t.match(after.top10.units, [{ unitId: station().id, status: 'revoked' }], 'the station still shows as named, now revoked');
  t.ok(after.problems.open >= 1, 'the open problem is counted');

  const viaGraphql = await gql(h, 'admin', `query ($c: ID!) { departmentScoreboard(cycleId: $c) { items { departmentId netPoints penalties { revoked } } } }`, { c: s.cycleId });
  t.notOk(viaGraphql.errors, JSON.stringify(viaGraphql.errors));
  const row = (viaGraphql.data!.departmentScoreboard as Json).items.find((d: Json) => d.departmentId === s.departments['州林业局']);
  t.same(row, { departmentId: after.departmentId, netPoints: after.netPoints, penalties: { revoked: 1 } }, 'GraphQL shows the same');
});

t.test('the public roll lists the forestry station as revoked, with date and reason', async (t) => {
  const roll = await get('anonymous', `/public/cycles/${s.cycleId}/award-roll`);
  t.notOk(roll.holders.some((x: Json) => x.unitId === station().id), 'no longer among the holders');
  t.equal(roll.holders.length, 3);
  const entry = roll.revoked.find((x: Json) => x.unitId === station().id);
  t.match(entry, { unitName: FORESTRY_STATION, tier: 'top10', certificateNo: s.stationAward.certificateNo, revokedAt: s.stationAward.revokedAt, reason: /^摘牌/ });
  const viaGraphql = await gql(h, 'anonymous', `query ($c: ID!) { awardRoll(cycleId: $c) { revoked { unitId revokedAt reason } } }`, { c: s.cycleId });
  t.same((viaGraphql.data!.awardRoll as Json).revoked, [{ unitId: entry.unitId, revokedAt: entry.revokedAt, reason: entry.reason }], 'GraphQL shows the same roll');
});

t.test('the portal receives award.status_changed for the station, HMAC-signed, with an event id', async (t) => {
  await h.app.services.webhooks.dispatchDue();
  const deliveries = received.map((r) => ({ ...r, json: JSON.parse(r.body) as Json }));
  const got = deliveries.filter((d) => d.json.type === 'award.status_changed' && d.json.data.awardId === s.stationAward.id);
  t.equal(got.length, 1, 'delivered once');
  const [d] = got;
  t.match(d.json.data, { from: 'active', to: 'revoked', unitId: station().id, cycleId: s.cycleId, tier: 'top10' });
  t.match(d.json.id, /^[0-9a-f-]{36}$/, 'the event has an id to de-duplicate on');
  t.equal(d.headers['manyi-event-id'], d.json.id);
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(d.headers['manyi-signature']));
  t.ok(m, 'manyi-signature is t=<ts>,v1=<hex>');
  const expected = createHmac('sha256', s.hookSecret).update(`${m![1]}.${d.body}`).digest('hex');
  t.equal(m![2], expected, 'the signature verifies with the subscription secret');
  t.ok(deliveries.every((x) => x.json.type === 'award.status_changed'), 'only the subscribed event type arrives');
});

t.test('the ranking stays readable by the public, and the complainant tracks the closed complaint without personal data', async (t) => {
  const versions = await get('anonymous', `/public/cycles/${s.cycleId}/rankings`);
  t.ok(versions.items.some((r: Json) => r.id === s.rankingId), 'the published ranking is listed');
  const pub = await get('anonymous', `/public/rankings/${s.rankingId}`);
  t.equal(pub.entries.length, unitPlan.length, 'the published snapshot is unchanged');

  const tracked = await get('anonymous', `/public/complaints/${encodeURIComponent(s.complaint.trackingCode)}`);
  t.match(tracked, { status: 'closed', statusLabel: { zhCN: String }, reply: /属实/, closedAt: String });
  t.same(
    tracked.history.map((x: Json) => x.stage),
    ['received', 'triaged', 'investigating', 'substantiated', 'closed'],
    'every stage with its date',
  );
  const text = JSON.stringify(tracked);
  for (const secret of ['13812345678', '王先生', '监控显示', 'department:forestry', '停职检查']) t.notOk(text.includes(secret), `no ${secret}`);
});

t.test('the audit log recorded the revocation, and its hash chain verifies', async (t) => {
  const log = await get('admin', `/audit-log?entityType=award&entityId=${s.stationAward.id}`);
  t.ok(log.items.some((e: Json) => e.action === 'award.status_changed' && e.actor === 'admin:local'), 'the revocation is in the log');
  const verify = await get('admin', '/audit-log/verify');
  t.match(verify, { valid: true, firstBroken: null });
  t.ok(verify.checked > 50, `every entry of the story checked (${verify.checked})`);
});
