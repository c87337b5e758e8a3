import { z } from 'zod';
import { accountabilityTypeLabels, accountabilityTypes } from '../accountability/schemas.js';
import { awardStatuses, awardStatusLabels, commendationLevelLabels, commendationLevels, tierLabels, tiers } from '../awards/schemas.js';
import { complaintSourceLabels, complaintSources, complaintStatuses, complaintStatusLabels } from '../complaints/schemas.js';
import { measureStatuses, measureStatusLabels, problemStatuses } from '../problems/schemas.js';
import { deedStatuses, deedStatusLabels } from '../deeds/schemas.js';
import { ratingChannels } from '../ratings/schemas.js';
import { isoDate, labelSchema } from '../../lib/http.js';
import type { Role } from '../../lib/principal.js';
import { problemStatusLabels } from '../problems/schemas.js';
import { followUpStatuses, followUpStatusLabels } from '../ratings/follow-ups.schemas.js';
import { BAD_LEVEL_MAX } from '../ratings/rules.js';
import { channelLabels, levelLabels } from '../ratings/schemas.js';
import { findingStatuses, findingStatusLabels, reportOriginLabels, reportOrigins, roundKindLabels, roundKinds, severities, severityLabels } from '../supervision/schemas.js';
import { categories, categoryLabels, categorySchema } from '../units/schemas.js';
import { activityFiguresShape, activityLabelKeys, activityLabelValues } from './activity-figures.js';
import { haochaLabelKeys, haochaLabelValues, haochaShape } from './haocha-figures.js';

/** The figures the office publishes (工作统计): the office, assessors and portal integrations; a department its own. */
export const STATISTICS_READERS: Role[] = ['admin', 'inspector', 'integration', 'department'];

export const ratingLevels = [1, 2, 3, 4, 5] as const;

/** Most cycles a single request may span (by list or by year range). */
export const MAX_CYCLES = 50;
export const MAX_YEAR_SPAN = 50;

const year = z.number().int().min(2000).max(2100);
const filterFields = {
  fromYear: year.optional().describe('first year of a range of cycles (cycles.year); with toYear, or alone for one year'),
  toYear: year.optional().describe('last year of a range of cycles (inclusive); alone means that one year'),
  regionId: z.uuid().optional().describe('units in this region and every region below it (行政区)'),
  departmentId: z.uuid().optional().describe('units of this department (部门/行业); forced to their own for the department role'),
  category: categorySchema.optional(),
};

/** REST query: `cycleId`, or `cycleIds` as a comma list, or a year range. */
export const statisticsQuery = z.object({
  cycleId: z.uuid().optional().describe('one cycle (创建周期)'),
  cycleIds: z
    .string()
    // A UUID is 36 characters; with its comma and a little space, 40 each.
    .max(MAX_CYCLES * 40)
    .optional()
    .transform((s, ctx) => {
      if (s === undefined) return undefined;
      const ids = s.split(',').map((x) => x.trim()).filter(Boolean);
      const bad = ids.find((x) => !z.uuid().safeParse(x).success);
      if (bad !== undefined || ids.length === 0 || ids.length > MAX_CYCLES) {
        ctx.addIssue({ code: 'custom', message: `a comma-separated list of 1–${MAX_CYCLES} cycle ids` });
        return z.NEVER;
      }
      return ids;
    })
    .describe(`several cycles, comma-separated (at most ${MAX_CYCLES})`),
  ...filterFields,
});

/** GraphQL arguments: the same, with `cycleIds` as a list. */
export const statisticsArgs = z.object({
  cycleId: z.uuid().optional(),
  cycleIds: z.array(z.uuid()).min(1).max(MAX_CYCLES).optional(),
  ...filterFields,
});
export type StatisticsInput = z.infer<typeof statisticsArgs>;

const n = z.number().int().min(0);
/** A share in [0, 1] (4 places); null when its denominator is 0. */
const rate = z.number().min(0).max(1).nullable();
const countsOf = <K extends string | number>(keys: readonly K[], description?: string) => {
  const o = z.object(Object.fromEntries(keys.map((k) => [String(k), n])) as Record<`${K}`, typeof n>);
  return description ? o.describe(description) : o;
};

const ratingChannelFigures = z
  .object({ total: n, byLevel: countsOf(ratingLevels, '5 非常满意 … 1 非常不满意') })
  .meta({ id: 'StatisticsRatingChannel' });

export const statisticsFigures = z
  .object({
    unitsTakingPart: n.describe('distinct units taking part (参与创建) in the cycles: enrollment status enrolled; withdrawn (退出) and disqualified (取消评比资格) units do not take part'),
    departmentsCovered: n.describe('distinct departments of the units taking part (覆盖部门和行业)'),
    disqualifications: n.describe('enrollments disqualified (取消评比资格), one per unit per cycle'),
    awards: z
      .object({
        byTier: countsOf(tiers, '十佳 / 百佳 named in the cycles'),
        byStatus: countsOf(awardStatuses, 'their status now: 在牌 / 限期整改 / 黄牌警告 / 撤销荣誉(摘牌)'),
      })
      .describe('命名表彰 of the cycles')
      .meta({ id: 'StatisticsAwards' }),
    commendations: countsOf(commendationLevels, '上级表彰: 省纠风领导小组命名表彰 / 省主管部门表彰 / other').meta({ id: 'StatisticsCommendations' }),
    problems: z
      .object({
        found: n.describe('problems found (查找问题)'),
        rectified: n.describe('verified as rectified (整改销号)'),
        open: n.describe('not yet verified (open, rectifying or submitted)'),
        overdue: n.describe('past their deadline without being verified by it, as of `asOf` (逾期整改: a problem verified late stays overdue)'),
        hot: n.describe('flagged hot or difficult (热点难点问题)'),
        hotSolved: n.describe('hot or difficult problems solved (解决热点难点问题): verified'),
        byStatus: countsOf(problemStatuses),
      })
      .meta({ id: 'StatisticsProblems' }),
    deeds: n.describe('deeds done for the public (为群众办实事, 件次), every status'),
    deedFigures: z
      .object({
        verified: n.describe('verified by the office (核实): the ones that earn bonus points'),
        byStatus: countsOf(deedStatuses, '已上报 / 已核实 / 未通过'),
        hot: n.describe('deeds on a hot or difficult issue (热点难点)'),
        hotVerified: n.describe('of those, verified'),
      })
      .meta({ id: 'StatisticsDeeds' }),
    measures: z
      .object({
        total: n.describe('整改措施 recorded'),
        ofProblems: n.describe('measures of a problem'),
        improvementPlans: n.describe("measures of a unit's or department's own improvement plan (no problem)"),
        byStatus: countsOf(measureStatuses, '计划 / 实施中 / 已完成'),
      })
      .meta({ id: 'StatisticsMeasures' }),
    supervisors: z
      .object({
        active: n.describe('active supervisors whose term overlaps the years of the cycles'),
        total: n.describe('all supervisors whose term overlaps those years'),
      })
      .describe(
        '义务监督员 whose term overlaps the years of the cycles. Without a filter every one (they serve the whole campaign); under a region, department or category filter (a county office always has its region) those who inspected the scoped units in the cycles: a task there (not cancelled) or a report there (walk-ins included)',
      )
      .meta({ id: 'StatisticsSupervisors' }),
    inspectionRounds: countsOf(roundKinds, 'rounds with at least one task in scope: 拉网式 sweep / 点对点 targeted').meta({ id: 'StatisticsInspectionRounds' }),
    inspectionTasks: z
      .object({
        dispatched: n.describe('tasks dispatched (点对点部署任务, person-times), cancelled ones excluded'),
        reported: n.describe('tasks reported on (reported or reviewed)'),
        reviewed: n.describe('tasks whose report was reviewed'),
        byRoundKind: countsOf(roundKinds, 'dispatched tasks by the kind of their round: 拉网式 sweep / 点对点 targeted (部署任务 人次)'),
      })
      .meta({ id: 'StatisticsInspectionTasks' }),
    inspectionReports: n.describe('inspection reports received: of tasks (a reported task cannot be cancelled, so these agree with `inspectionTasks.reported`) and walk-ins (随机暗访)'),
    inspectionReportsByOrigin: countsOf(reportOrigins, 'task / walk_in (随机暗访)').meta({ id: 'StatisticsInspectionReports' }),
    feedbackItems: n.describe('feedback items of the reports (反馈暗访信息, 条次); the same as findings.total'),
    findings: z
      .object({ total: n, bySeverity: countsOf(severities), byStatus: countsOf(findingStatuses), accepted: n.describe('accepted on review (opened a problem)') })
      .meta({ id: 'StatisticsFindings' }),
    accountabilityActions: countsOf(accountabilityTypes, '问责 by type: 约谈 / 通报批评 / 党纪政纪处分 / 降职 (人次)').meta({ id: 'StatisticsAccountability' }),
    ratings: z
      .object({
        total: n,
        bad: n.describe(`差评: levels 1 to ${BAD_LEVEL_MAX}`),
        byLevel: countsOf(ratingLevels),
        byChannel: z.object(Object.fromEntries(ratingChannels.map((c) => [c, ratingChannelFigures])) as Record<(typeof ratingChannels)[number], typeof ratingChannelFigures>),
        presenceBound: n.describe('given through a unit\'s QR code at its window (扫码评价, presence-bound)'),
        presenceBoundShare: rate.describe('presenceBound / total'),
      })
      .meta({ id: 'StatisticsRatings' }),
    complaints: z
      .object({
        total: n,
        byStatus: countsOf(complaintStatuses),
        bySource: countsOf(complaintSources),
        substantiated: n.describe('found substantiated (属实)'),
        overdue: n.describe('not closed and past the deadline of their current stage, as of `asOf`'),
      })
      .meta({ id: 'StatisticsComplaints' }),
    followUps: z
      .object({
        total: n.describe('差评核实 loops opened (every bad rating)'),
        byStatus: countsOf(followUpStatuses),
        overdue: n.describe('past the verification deadline, or not called back past the call-back deadline, as of `asOf`'),
        awaitingVerification: n.describe('not verified yet'),
        substantiated: n.describe('verified 属实'),
        notSubstantiated: n.describe('verified 不属实'),
        malicious: n.describe('verified 恶意差评 (recorded here; excluding the rating is the appeals\' decision)'),
        rectified: n.describe('substantiated and rectified: the linked problem is verified (整改销号)'),
        rectificationRate: rate.describe('整改率: rectified / substantiated'),
        callBackDue: n.describe('substantiated loops called back already or past their call-back deadline'),
        calledBack: n.describe('substantiated loops called back (回访), by the rater\'s link or by phone'),
        calledBackByRater: n.describe("called back through the rater's own link"),
        calledBackByPhone: n.describe('called back by a phone call recorded by office staff'),
        callBackRate: rate.describe('回访率: calledBack / callBackDue'),
      })
      .describe('差评核实 → 整改 → 回访 of bad ratings')
      .meta({ id: 'StatisticsFollowUps' }),
    ...activityFiguresShape,
    ...haochaShape,
  })
  .meta({ id: 'StatisticsFigures' });
export type StatisticsFiguresDto = z.infer<typeof statisticsFigures>;

const labelMap = <K extends string | number>(keys: readonly K[]) => z.object(Object.fromEntries(keys.map((k) => [String(k), labelSchema])) as Record<`${K}`, typeof labelSchema>);

/** Every code used as a key in `figures`, with its bilingual label. */
export const statisticsLabelValues = {
  categories: categoryLabels,
  awardTiers: tierLabels,
  awardStatuses: awardStatusLabels,
  commendationLevels: commendationLevelLabels,
  problemStatuses: problemStatusLabels,
  inspectionRoundKinds: roundKindLabels,
  inspectionReportOrigins: reportOriginLabels,
  deedStatuses: deedStatusLabels,
  measureStatuses: measureStatusLabels,
  findingSeverities: severityLabels,
  findingStatuses: findingStatusLabels,
  accountabilityTypes: accountabilityTypeLabels,
  ratingChannels: channelLabels,
  ratingLevels: levelLabels,
  complaintStatuses: complaintStatusLabels,
  complaintSources: complaintSourceLabels,
  followUpStatuses: followUpStatusLabels,
  ...activityLabelValues,
  ...haochaLabelValues,
};

export const statisticsLabels = z
  .object({
    categories: labelMap(categories),
    awardTiers: labelMap(tiers),
    awardStatuses: labelMap(awardStatuses),
    commendationLevels: labelMap(commendationLevels),
    problemStatuses: labelMap(problemStatuses),
    inspectionRoundKinds: labelMap(roundKinds),
    inspectionReportOrigins: labelMap(reportOrigins),
    deedStatuses: labelMap(deedStatuses),
    measureStatuses: labelMap(measureStatuses),
    findingSeverities: labelMap(severities),
    findingStatuses: labelMap(findingStatuses),
    accountabilityTypes: labelMap(accountabilityTypes),
    ratingChannels: labelMap(ratingChannels),
    ratingLevels: labelMap(ratingLevels),
    complaintStatuses: labelMap(complaintStatuses),
    complaintSources: labelMap(complaintSources),
    followUpStatuses: labelMap(followUpStatuses),
    outreachKinds: labelMap(activityLabelKeys.outreachKinds),
    suggestionStatuses: labelMap(activityLabelKeys.suggestionStatuses),
    mediaKinds: labelMap(activityLabelKeys.mediaKinds),
    powerLevels: labelMap(activityLabelKeys.powerLevels),
    powerItemKinds: labelMap(activityLabelKeys.powerItemKinds),
    fundSources: labelMap(activityLabelKeys.fundSources),
    appealKinds: labelMap(haochaLabelKeys.appealKinds),
    appealStatuses: labelMap(haochaLabelKeys.appealStatuses),
  })
  .meta({ id: 'StatisticsLabels', description: 'bilingual labels of every code used as a key in `figures`' });

export const statisticsScope = z
  .object({
    cycles: z.array(z.object({ id: z.uuid(), name: z.string(), year: z.number().int() }).meta({ id: 'StatisticsCycle' })),
    years: z.array(z.number().int()).describe('the calendar years the figures cover; deeds, problems and commendations entered without a cycle count by their date in these years (UTC+8); ratings and complaints count only through the cycle they are attributed to'),
    regionId: z.uuid().nullable(),
    departmentId: z.uuid().nullable(),
    category: categorySchema.nullable(),
  })
  .meta({ id: 'StatisticsScope' });

export const statistics = z
  .object({
    scope: statisticsScope,
    asOf: isoDate.describe('the instant "overdue" is judged at'),
    figures: statisticsFigures,
    labels: statisticsLabels,
  })
  .meta({ id: 'Statistics', description: '工作统计: the campaign figures for a cycle or a range of cycles' });
export type StatisticsDto = z.infer<typeof statistics>;
