import { Readable } from 'node:stream';
import { systemContext } from '../lib/principal.js';
import type { RequestContext } from '../lib/principal.js';
import { createComplaintBody, decideBody } from '../modules/complaints/schemas.js';
import { importQuery } from '../modules/ratings/import.schemas.js';
import { createRoundBody, reportBody, reviewBody } from '../modules/supervision/schemas.js';
import { mulberry32 } from '../modules/supervision/assignment.js';
import type { Services } from '../modules/services.js';
import { categories } from '../modules/units/schemas.js';
import type { Category } from '../modules/units/schemas.js';
import { sampleCriteriaDocument } from './criteria-document.js';

/**
 * The demo data set (演示数据), loaded only into a NEW embedded database (DEMO_DATA=false skips it).
 * Every name carries 【演示】 / "(demo)" so nobody mistakes it for real records.
 *
 * Everything goes in through the audited services, as an office, inspectors, supervisors and a survey platform
 * would put it in; a seeded PRNG makes the set the same on every start:
 * - 2025年度: taken through every phase to closed — scorecards, a sweep of mystery-shopper visits (暗访), ratings
 *   (a few units under the minimum sample), complaints, problems, a published ranking, 十佳/百佳 named, then one
 *   award yellow-carded (黄牌) and one revoked (摘牌), each with its reason.
 * - 2026年度: in assessment, with scorecards and visits for 30 units so far, ratings and complaints, so a draft
 *   ranking (the 20 units not yet scored listed without a rank), the scoreboard and the statistics have numbers.
 */
const DEMO = '【演示】';

const counties = [
  { code: 'DEMO-C1', nameZh: '利川市', nameEn: 'Lichuan (demo)', towns: ['汪营镇', '谋道镇'] },
  { code: 'DEMO-C2', nameZh: '建始县', nameEn: 'Jianshi (demo)', towns: ['业州镇', '高坪镇'] },
  { code: 'DEMO-C3', nameZh: '咸丰县', nameEn: 'Xianfeng (demo)', towns: ['高乐山镇'] },
];

const departments: { name: string; nameEn: string; sector: string; unit: string; category: Category }[] = [
  { name: '供电公司', nameEn: 'Power supply company', sector: 'power_supply', unit: '供电营业厅', category: 'public_service' },
  { name: '国税局', nameEn: 'State taxation bureau', sector: 'state_tax', unit: '国税办税服务厅', category: 'economic_social_management' },
  { name: '地税局', nameEn: 'Local taxation bureau', sector: 'local_tax', unit: '地税办税服务厅', category: 'economic_social_management' },
  { name: '卫生局', nameEn: 'Health bureau', sector: 'health', unit: '卫生院', category: 'public_service' },
  { name: '交通运输局', nameEn: 'Transport bureau', sector: 'transport', unit: '运管所', category: 'law_enforcement' },
  { name: '邮政局', nameEn: 'Post office', sector: 'post', unit: '邮政支局', category: 'public_service' },
  { name: '农村信用社', nameEn: 'Rural credit cooperative', sector: 'finance', unit: '信用社营业网点', category: 'economic_social_management' },
  { name: '林业局', nameEn: 'Forestry bureau', sector: 'forestry', unit: '林业站', category: 'law_enforcement' },
  { name: '工商局', nameEn: 'Administration for industry and commerce', sector: 'industry_commerce', unit: '工商所', category: 'law_enforcement' },
  { name: '人社局', nameEn: 'Human resources and social security bureau', sector: 'social_security', unit: '社保服务窗口', category: 'public_service' },
];


/** 十佳 3 and 百佳 10 of 50 units: the campaign's 10 of 2,135 would name nobody at this scale; 百佳 includes the 十佳. */
const QUOTAS = { top100: 10, top10: 3, perCategory: null };
/** 20 ratings, one scorecard and one visit: most demo units pass, the few rated less are flagged insufficient_sample. */
const MINIMUM_SAMPLES = { ratings: 20, scorecards: 1, inspectionReports: 1 };
const SEED = 20_251_231;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

interface DemoUnit {
  id: string;
  name: string;
  category: Category;
  departmentId: string;
  /** 0 (best) … 1 (worst): drives deductions, visit ratings, rating levels. */
  quality: number;
}

const roleContext = (principal: RequestContext['principal']): RequestContext => ({ principal, requestId: 'demo-data' });
const inspector = roleContext({ role: 'inspector', subject: 'inspector:demo' });
const survey = roleContext({ role: 'integration', subject: 'integration:demo-survey' });
const supervisorContext = (id: string) => roleContext({ role: 'supervisor', subject: `supervisor:${id}`, supervisorId: id });

const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const clamp = (x: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, Math.round(x)));

/** The office moves a cycle one phase on. */
async function advance(services: Services, ctx: RequestContext, cycleId: string, to: Parameters<Services['cycles']['transition']>[3]) {
  const c = await services.cycles.get(ctx, cycleId);
  return services.cycles.transition(ctx, cycleId, c.version, to);
}

/** An inspector scores each unit against its category's standard; the office confirms the scorecard. */
async function assess(services: Services, ctx: RequestContext, cycleId: string, units: readonly DemoUnit[], random: () => number) {
  const rules = [
    { itemKey: 'signage', ruleKey: 'nonstandard_sign', note: '形象标识不规范' },
    { itemKey: 'public_notice', ruleKey: 'stale_notice', note: '公示内容过期未更新' },
    { itemKey: 'facilities', ruleKey: 'missing_convenience', note: '缺少便民座椅' },
    { itemKey: 'rules', ruleKey: 'weekly_closure', note: '未执行一周办结制' },
    { itemKey: 'service_commitments', ruleKey: 'broken_commitment', note: '违反服务承诺' },
  ];
  for (const u of units) {
    let card = await services.assessments.open(inspector, { cycleId, unitId: u.id, summary: `${u.name}考评` });
    const n = Math.floor(u.quality * 4 + random() * 1.5);
    if (n > 0) {
      const deductions = rules.slice(0, n).map((r) => ({ ...r, occurrences: 1 + Math.floor(random() * 3), evidence: [] }));
      card = await services.assessments.setDeductions(inspector, card.id, card.version, { deductions });
    }
    card = await services.assessments.submit(inspector, card.id, card.version);
    await services.assessments.confirm(ctx, card.id, card.version);
  }
}

/**
 * A round of point-to-point visits — a sweep (拉网式暗访) of every unit, or the `targeted` ones: each supervisor
 * reports; the office reviews, accepting findings (→ problems).
 */
async function inspect(
  services: Services,
  ctx: RequestContext,
  cycleId: string,
  name: string,
  units: readonly DemoUnit[],
  random: () => number,
  targeted?: readonly DemoUnit[],
) {
  const now = Date.now();
  const round = await services.supervision.rounds.create(
    ctx,
    createRoundBody.parse({
      ...(targeted ? { kind: 'targeted', unitIds: targeted.map((u) => u.id) } : { kind: 'sweep' }),
      name,
      cycleId,
      window: { startsAt: new Date(now - DAY).toISOString(), endsAt: new Date(now + 30 * DAY).toISOString() },
      seed: SEED % 1000,
    }),
  );
  await services.supervision.rounds.generateTasks(ctx, round.id);
  const quality = new Map(units.map((u) => [u.id, u.quality]));
  const problemIds: string[] = [];
  const tasks = (await services.supervision.tasks.list(ctx, { roundId: round.id }, { limit: 200 })).items;
  for (const task of tasks) {
    const taskId = task.id;
    const me = supervisorContext(task.supervisorId);
    await services.supervision.tasks.accept(me, taskId);
    const q = quality.get(task.unitId) ?? 0.5;
    const r = () => clamp(5 - q * 3 + (random() - 0.5) * 1.5, 1, 5);
    const findings =
      q > 0.7
        ? [{ description: q > 0.9 ? '窗口工作人员上班时间玩手机，群众等候无人接待' : '办事指南未及时更新', severity: q > 0.9 ? 'major' : 'minor', evidenceLinks: [] }]
        : [];
    const reported = await services.supervision.tasks.report(
      me,
      taskId,
      reportBody.parse({
        visitedAt: new Date(now - MINUTE).toISOString(),
        ratings: { attitude: r(), efficiency: r(), quality: r(), environment: r(), discipline: r() },
        summary: q > 0.7 ? '服务不够规范' : '服务规范，一次性告知',
        findings,
      }),
    );
    const decisions = (reported.report?.findings ?? []).map((f) => ({ findingId: f.id, accepted: true, note: '情况属实' }));
    const reviewed = await services.supervision.tasks.review(ctx, taskId, reviewBody.parse({ decisions }));
    for (const f of reviewed.report?.findings ?? []) if (f.problemId) problemIds.push(f.problemId);
  }
  return { roundId: round.id, tasks: tasks.length, problemIds };
}

/** Ratings from the survey platform, as one bulk import (the path a platform sending thousands uses). */
async function rate(services: Services, cycleId: string, source: string, units: readonly DemoUnit[], countOf: (u: DemoUnit) => number, random: () => number) {
  const channels = ['questionnaire', 'phone_inquiry', 'sms', 'portal', 'household_visit', 'hotline'] as const;
  // collected now: inside the cycle's assessment window, as the explicit cycleId says
  const collectedAt = new Date().toISOString();
  const lines: string[] = [];
  let n = 0;
  for (const u of units) {
    const mean = 4.7 - u.quality * 2;
    for (let i = countOf(u); i > 0; i--) {
      const level = clamp(mean + (random() - 0.5) * 2.2, 1, 5);
      lines.push(JSON.stringify({ unitId: u.id, cycleId, channel: pick(random, channels), level, collectedAt, externalId: `${source}-${++n}` }));
    }
  }
  return services.ratingImports.run(survey, importQuery.parse({ format: 'ndjson', source }), Readable.from([lines.join('\n') + '\n']));
}

/** A complaint from the hotline, triaged to its unit, investigated and decided, the complainant answered. */
async function complain(
  services: Services,
  ctx: RequestContext,
  u: DemoUnit,
  c: { category: 'service_attitude' | 'efficiency' | 'discipline' | 'fees'; subject: string; findings: string; severity: 'minor' | 'major' | 'serious' | null },
) {
  const { complaint } = await services.complaints.intake(ctx, createComplaintBody.parse({ source: 'hotline', category: c.category, subject: c.subject, description: `${c.subject}（政风行风热线来电）`, unitId: u.id }));
  let cur = await services.complaints.triage(ctx, complaint.id, complaint.version, { unitId: u.id, note: '转主管部门核查' });
  cur = await services.complaints.startInvestigation(ctx, cur.id, cur.version, '调阅记录、约谈当事人');
  const decision = decideBody.parse({ substantiated: c.severity !== null, findings: c.findings, ...(c.severity ? { severity: c.severity } : {}) });
  cur = await services.complaints.decide(ctx, cur.id, cur.version, { substantiated: decision.substantiated, findings: decision.findings, severity: decision.severity });
  cur = await services.complaints.close(ctx, cur.id, cur.version, c.severity ? '您反映的问题属实，已责成整改，感谢监督。' : '经核查，反映问题不属实，感谢您的关注。');
  return cur;
}

export async function loadDemoData(services: Services): Promise<Record<string, number>> {
  const ctx = systemContext('demo-data');
  const random = mulberry32(SEED);
  const prefecture = await services.regions.create(ctx, { parentId: null, level: 'prefecture', code: 'DEMO-P', nameZh: `${DEMO}恩施州`, nameEn: 'Enshi Prefecture (demo)' });
  const towns: { id: string; nameZh: string; countyName: string }[] = [];
  for (const c of counties) {
    const county = await services.regions.create(ctx, { parentId: prefecture.id, level: 'county', code: c.code, nameZh: `${DEMO}${c.nameZh}`, nameEn: c.nameEn });
    for (const [i, t] of c.towns.entries()) {
      const town = await services.regions.create(ctx, { parentId: county.id, level: 'township', code: `${c.code}-T${i + 1}`, nameZh: `${DEMO}${t}` });
      towns.push({ id: town.id, nameZh: t, countyName: c.nameZh });
    }
  }
  const units: DemoUnit[] = [];
  for (const d of departments) {
    const dept = await services.departments.create(ctx, { name: `${DEMO}州${d.name}`, nameEn: `${d.nameEn} (demo)`, sector: d.sector, level: 'prefecture', regionId: prefecture.id });
    for (const town of towns) {
      const unit = await services.units.create(ctx, {
        departmentId: dept.id,
        regionId: town.id,
        category: d.category,
        name: `${DEMO}${town.countyName}${town.nameZh}${d.unit}`,
        headName: null,
        commitments: ['首问负责，一次性告知', '限时办结，一周办结制', '公开办事流程和收费标准'],
        serviceItems: [
          { name: '业务咨询', timeLimitDays: 0, modes: ['first_contact_responsibility'] },
          { name: '业务办理', timeLimitDays: 5, modes: ['committed', 'time_limited'] },
          { name: '预约上门服务', timeLimitDays: 3, modes: ['by_appointment', 'full_process'] },
        ],
      });
      units.push({ id: unit.id, name: unit.name, category: d.category, departmentId: dept.id, quality: random() });
    }
  }
  for (const [i, name] of ['李明', '王芳', '张伟', '刘洋', '陈静', '杨帆'].entries()) {
    await services.supervision.supervisors.create(ctx, {
      name: `${DEMO}${name}`,
      affiliation: ['州政协', '恩施一中', '州人民医院', '州人大代表', '退休干部', '个体工商户'][i]!,
      sector: 'citizen',
      termStart: '2025-01-01',
      contact: { phone: `1390000000${i}` },
    });
  }
  const settings = { quotas: QUOTAS, minimumSamples: MINIMUM_SAMPLES };
  const byQuality = [...units].sort((a, b) => a.quality - b.quality);
  // a few well-run units the survey reached too rarely: flagged insufficient_sample, listed without a rank
  const rarelyRated = new Set([byQuality[1]!, byQuality[12]!, byQuality[30]!, byQuality[45]!].map((u) => u.id));
  const counts = { regions: 1 + counties.length + towns.length, departments: departments.length, units: units.length, cycles: 2, criteriaSets: 0, enrollments: 0 };

  // ---- 2025年度: the whole campaign, to closed ----
  const earlier = await services.cycles.create(ctx, { name: `${DEMO}2025年度百佳基层站所(窗口)创建`, year: 2025, settings });
  await advance(services, ctx, earlier.id, 'enrollment');
  for (const category of categories) await services.criteria.save(ctx, earlier.id, category, undefined, sampleCriteriaDocument);
  counts.criteriaSets += categories.length;
  counts.enrollments += (await services.enrollments.enrollMany(ctx, earlier.id, {})).enrolled;
  await advance(services, ctx, earlier.id, 'assessment');
  await assess(services, ctx, earlier.id, units, random);
  const sweep = await inspect(services, ctx, earlier.id, `${DEMO}2025年度拉网式暗访`, units, random);
  await rate(services, earlier.id, 'demo-survey-2025', units, (u) => (rarelyRated.has(u.id) ? 6 + Math.floor(random() * 8) : 24 + Math.floor(random() * 20)), random);
  const worst = byQuality[byQuality.length - 1]!;
  await complain(services, ctx, worst, { category: 'service_attitude', subject: '窗口人员态度生硬', findings: '调阅录像，工作人员态度生硬属实', severity: 'major' });
  await complain(services, ctx, byQuality[40]!, { category: 'efficiency', subject: '办件超过承诺时限', findings: '一件业务超期三个工作日', severity: 'minor' });
  await complain(services, ctx, byQuality[20]!, { category: 'fees', subject: '怀疑多收费用', findings: '收费符合公示标准', severity: null });
  // of the problems the visits found, every other one is rectified and verified; the rest stay open
  for (const [i, id] of sweep.problemIds.entries()) {
    if (i % 2 === 1) continue;
    await services.problems.signLetter(ctx, id, undefined, '签订整改责任书');
    await services.problems.start(ctx, id, undefined, '开始整改');
    await services.problems.submit(ctx, id, undefined, { measures: '更新办事指南，加强工作纪律教育', evidence: ['https://evidence.example.org/demo/rectification.jpg'] });
    await services.problems.verify(ctx, id, undefined, '现场复查，整改到位');
  }
  await advance(services, ctx, earlier.id, 'ranking');
  const draft = await services.rankings.compute(ctx, earlier.id);
  const ranking = await services.rankings.publish(ctx, draft.id);
  await advance(services, ctx, earlier.id, 'naming');
  const proposal = await services.awards.propose(ctx, earlier.id, ranking.id);
  const { awards } = await services.awards.confirm(ctx, proposal.id, proposal.version);
  // dynamic management (动态管理): one 百佳 slips and is yellow-carded; another is taken down for a serious violation
  const top100 = awards.filter((a) => a.tier === 'top100');
  const slipping = top100[top100.length - 1]!;
  const ordered = await services.awards.transition(ctx, slipping.id, slipping.version, {
    to: 'rectification_ordered',
    reason: '暗访回头看发现服务承诺未落实，限期整改',
    deadline: new Date(Date.now() + 30 * DAY).toISOString(),
    evidence: [],
  });
  await services.awards.transition(ctx, slipping.id, ordered.version, { to: 'yellow_card', reason: '整改不到位，给予黄牌警告', evidence: [] });
  const revokedAward = top100[top100.length - 2]!;
  const revokedUnit = units.find((u) => u.id === revokedAward.unitId)!;
  const serious = await complain(services, ctx, revokedUnit, { category: 'discipline', subject: '工作人员上班时间玩游戏', findings: '监控显示工作人员上班时间玩游戏，投诉属实', severity: 'serious' });
  await services.awards.transition(ctx, revokedAward.id, revokedAward.version, {
    to: 'revoked',
    reason: '摘牌：工作人员上班时间玩游戏，投诉属实',
    seriousViolation: true,
    evidence: [{ type: 'complaint', id: serious.id }],
  });
  await advance(services, ctx, earlier.id, 'closed');

  // ---- 2026年度: in assessment, the numbers so far ----
  const current = await services.cycles.create(ctx, { name: `${DEMO}2026年度百佳基层站所(窗口)创建`, year: 2026, settings });
  await advance(services, ctx, current.id, 'enrollment');
  for (const category of categories) await services.criteria.save(ctx, current.id, category, undefined, sampleCriteriaDocument);
  counts.criteriaSets += categories.length;
  counts.enrollments += (await services.enrollments.enrollMany(ctx, current.id, {})).enrolled;
  await advance(services, ctx, current.id, 'assessment');
  // units drift a little from one year to the next
  const thisYear = units.map((u) => ({ ...u, quality: Math.min(1, Math.max(0, u.quality + (random() - 0.5) * 0.3)) }));
  // assessment is under way: six departments' 30 units scored and visited so far, the rest not yet (so not ranked yet)
  const visitedSoFar = thisYear.slice(0, 30);
  await assess(services, ctx, current.id, visitedSoFar, random);
  await inspect(services, ctx, current.id, `${DEMO}2026年度第一批暗访`, thisYear, random, visitedSoFar);
  await rate(services, current.id, 'demo-survey-2026', thisYear, (u) => (rarelyRated.has(u.id) ? 5 + Math.floor(random() * 6) : 20 + Math.floor(random() * 15)), random);
  await complain(services, ctx, thisYear[7]!, { category: 'efficiency', subject: '预约上门服务未按时到达', findings: '预约服务迟到两小时属实', severity: 'minor' });
  await complain(services, ctx, thisYear[33]!, { category: 'service_attitude', subject: '咨询时被推诿', findings: '首问负责制落实到位，反映不属实', severity: null });
  return counts;
}
