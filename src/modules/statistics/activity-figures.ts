import { z } from 'zod';
import { fundSourceLabels, fundSources } from '../investments/schemas.js';
import { mediaKindLabels, mediaKinds } from '../media/schemas.js';
import { outreachKindLabels, outreachKinds, suggestionStatusLabels, suggestionStatuses } from '../outreach/schemas.js';
import { powerItemKindLabels, powerItemKinds, powerLevelLabels, powerLevels } from '../power-list/schemas.js';
import type { activityFigureQueries } from './activity.repository.js';

/**
 * 群众评价机制 outreach, 意见建议, 媒体参与, 行政权力清理 and 硬件建设投入: the figures of issue 11 that come from
 * the outreach, media, power-list and investments modules, each also as a monthly series (YYYY-MM, UTC+8).
 * Records about a unit follow every filter through the unit; records about a department follow the department and
 * region filters through the department; records about a region follow the region filter only; a category
 * filter keeps unit records only.
 */

const n = z.number().int().min(0);
const countsOf = <K extends string>(keys: readonly K[], description?: string) => {
  const o = z.object(Object.fromEntries(keys.map((k) => [k, n])) as Record<K, typeof n>);
  return description ? o.describe(description) : o;
};

const outreachShape = {
  opinionFormsDistributed: n.describe('发放征求意见表 (份)'),
  opinionFormsReturned: n.describe('征求意见表 returned (份)'),
  householdsVisited: n.describe('走访服务对象 (户)'),
  forumSessions: n.describe('召开座谈会 (场次)'),
  forumParticipants: n.describe('people taking part in forums (人次)'),
  questionnairesDistributed: n.describe('发放问卷测评表 (份)'),
  questionnairesReturned: n.describe('问卷测评表 returned (份)'),
  phoneInquiryHouseholds: n.describe('电话询访 (户)'),
  smsMessages: n.describe('编发短信 (条), outreach'),
};
const mediaShape = {
  newspaperColumns: n.describe('刊发专版 (个)'),
  newsItems: n.describe('消息 (条)'),
  newsWords: n.describe('篇幅 (字) of the news items'),
  tvSpecials: n.describe('电视专题 series or programmes recorded'),
  tvSpecialEpisodes: n.describe('专题 episodes (期)'),
  tvInquirySessions: n.describe('电视问政 sessions'),
  tvInquiryAppearances: n.describe('department heads who faced the public in them (人次; never named here)'),
  smsPublicityMessages: n.describe('publicity texts sent (编发短信, 条)'),
};
const powerShape = { registered: n.describe('清理行政权力及政务服务事项 (项)'), kept: n.describe('保留'), merged: n.describe('合并'), abolished: n.describe('取消') };

const powerCounts = z.object(powerShape);
export const activityFiguresShape = {
  outreach: z
    .object({ ...outreachShape, activitiesByKind: countsOf(outreachKinds, 'outreach records by kind') })
    .describe('群众评价机制 volumes')
    .meta({ id: 'StatisticsOutreach' }),
  suggestions: z.object({ total: n.describe('收集意见建议 (条)'), byStatus: countsOf(suggestionStatuses) }).meta({ id: 'StatisticsSuggestions' }),
  media: z
    .object({
      ...mediaShape,
      itemsByKind: countsOf(mediaKinds, 'media items (quantity) by kind'),
      departmentsCovered: n.describe('distinct departments the media items covered (涉及部门)'),
      unitsCovered: n.describe('distinct units the media items covered (涉及基层站所、窗口)'),
    })
    .describe('媒体参与. Under a unit, department or region filter: the items covering a matching unit or department')
    .meta({ id: 'StatisticsMedia' }),
  powerList: z
    .object({ ...powerShape, byLevel: z.object(Object.fromEntries(powerLevels.map((l) => [l, powerCounts])) as Record<(typeof powerLevels)[number], typeof powerCounts>).describe('县市 county / 州直 prefecture'), byItemKind: countsOf(powerItemKinds, 'registered, by kind') })
    .describe('行政权力清理 (records without a cycle count by the day recorded)')
    .meta({ id: 'StatisticsPowerList' }),
  investments: z
    .object({
      totalFen: n.describe('硬件建设投入 in fen (分)'),
      records: n,
      builtQuantity: n.describe('things built, summed over the records that count them (e.g. windows)'),
      byFundSourceFen: countsOf(fundSources, 'fen by source of funds'),
    })
    .meta({ id: 'StatisticsInvestments' }),
  monthly: z
    .record(
      z.string().regex(/^\d{4}-\d{2}$/),
      z.object({ ...outreachShape, suggestions: n, ...mediaShape, powerListRegistered: n, investmentsFen: n }).meta({ id: 'StatisticsMonth' }),
    )
    .describe('the additive figures above by month (YYYY-MM, UTC+8), months with any record only'),
};
export type ActivityFigures = { [K in keyof typeof activityFiguresShape]: z.infer<(typeof activityFiguresShape)[K]> };
type Month = ActivityFigures['monthly'][string];

export const activityLabelValues = {
  outreachKinds: outreachKindLabels,
  suggestionStatuses: suggestionStatusLabels,
  mediaKinds: mediaKindLabels,
  powerLevels: powerLevelLabels,
  powerItemKinds: powerItemKindLabels,
  fundSources: fundSourceLabels,
};
export const activityLabelKeys = { outreachKinds, suggestionStatuses, mediaKinds, powerLevels, powerItemKinds, fundSources };

const zeros = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
const emptyMonth = (): Month => ({
  ...zeros(Object.keys(outreachShape) as (keyof typeof outreachShape)[]),
  suggestions: 0,
  ...zeros(Object.keys(mediaShape) as (keyof typeof mediaShape)[]),
  powerListRegistered: 0,
  investmentsFen: 0,
});

/** Which figures an outreach kind's main and second counts add to. */
const outreachTargets: Record<(typeof outreachKinds)[number], [keyof typeof outreachShape, (keyof typeof outreachShape)?]> = {
  opinion_forms: ['opinionFormsDistributed', 'opinionFormsReturned'],
  household_visits: ['householdsVisited'],
  forums: ['forumSessions', 'forumParticipants'],
  questionnaires: ['questionnairesDistributed', 'questionnairesReturned'],
  phone_inquiries: ['phoneInquiryHouseholds'],
  sms: ['smsMessages'],
};

export function assembleActivityFigures(r: Awaited<ReturnType<typeof activityFigureQueries>>): ActivityFigures {
  const months = new Map<string, Month>();
  const at = (m: string) => months.get(m) ?? months.set(m, emptyMonth()).get(m)!;

  const outreach = { ...zeros(Object.keys(outreachShape) as (keyof typeof outreachShape)[]), activitiesByKind: zeros(outreachKinds) };
  for (const x of r.outreach) {
    const [main, second] = outreachTargets[x.kind];
    outreach.activitiesByKind[x.kind] += x.n;
    for (const t of [outreach, at(x.month)]) {
      t[main] += x.quantity;
      if (second) t[second] += x.secondary;
    }
  }

  const suggestions = { total: 0, byStatus: zeros(suggestionStatuses) };
  for (const x of r.suggestions) {
    suggestions.total += x.n;
    suggestions.byStatus[x.status] += x.n;
    at(x.month).suggestions += x.n;
  }

  const media = { ...zeros(Object.keys(mediaShape) as (keyof typeof mediaShape)[]), itemsByKind: zeros(mediaKinds), departmentsCovered: r.covered.departments, unitsCovered: r.covered.units };
  for (const x of r.media) {
    media.itemsByKind[x.kind] += x.quantity;
    for (const t of [media, at(x.month)]) {
      if (x.kind === 'newspaper_column') t.newspaperColumns += x.quantity;
      if (x.kind === 'news_item') {
        t.newsItems += x.quantity;
        t.newsWords += x.words;
      }
      if (x.kind === 'tv_special') {
        t.tvSpecials += x.quantity;
        t.tvSpecialEpisodes += x.episodes;
      }
      if (x.kind === 'tv_inquiry') t.tvInquirySessions += x.quantity;
      t.tvInquiryAppearances += x.appearances;
      if (x.kind === 'sms_publicity') t.smsPublicityMessages += x.messages;
    }
  }

  const counts = () => ({ registered: 0, kept: 0, merged: 0, abolished: 0 });
  const powerList = { ...counts(), byLevel: Object.fromEntries(powerLevels.map((l) => [l, counts()])) as ActivityFigures['powerList']['byLevel'], byItemKind: zeros(powerItemKinds) };
  for (const x of r.power) {
    for (const t of [powerList, powerList.byLevel[x.level]]) {
      t.registered += x.registered;
      t.kept += x.kept;
      t.merged += x.merged;
      t.abolished += x.abolished;
    }
    powerList.byItemKind[x.itemKind] += x.registered;
    at(x.month).powerListRegistered += x.registered;
  }

  const investments = { totalFen: 0, records: 0, builtQuantity: 0, byFundSourceFen: zeros(fundSources) };
  for (const x of r.invest) {
    investments.totalFen += x.fen;
    investments.records += x.n;
    investments.builtQuantity += x.built;
    investments.byFundSourceFen[x.source] += x.fen;
    at(x.month).investmentsFen += x.fen;
  }

  const monthly = Object.fromEntries([...months.entries()].sort(([a], [b]) => a.localeCompare(b)));
  return { outreach, suggestions, media, powerList, investments, monthly };
}
