import type { IResolvers } from 'mercurius';
import type { FieldWeights } from '../../lib/graphql-limits.js';
import { guard } from '../../lib/graphql.js';
import { parseArgs } from '../../plugins/graphql.js';
import { statisticsArgs, STATISTICS_READERS } from './schemas.js';
import type { StatisticsDto } from './schemas.js';
import { activityFigureFields, activityFigureTypeDefs, toGraphqlActivities } from './activity-graphql.js';
import { haochaFigureFields, haochaFigureTypeDefs, toGraphqlHaocha } from './haocha-graphql.js';

export const statisticsTypeDefs = /* GraphQL */ `
  type RatingSubjectChannelCount { channel: RatingChannel! label: Label! count: Int! }
  "群众评价 of one subject kind (unit, department 万人评机关, leadership 领导班子)"
  type RatingSubjectFigures { subjectKind: RatingSubjectKind! label: Label! satisfaction: SatisfactionSummary! byChannel: [RatingSubjectChannelCount!]! }
  type RatingSubjectStatistics { cycleIds: [ID!]! items: [RatingSubjectFigures!]! }
  type StatisticsCycle { id: ID! name: String! year: Int! }
  type StatisticsScope { cycles: [StatisticsCycle!]! years: [Int!]! regionId: ID departmentId: ID category: Category }
  "A count under a code, with the code's bilingual label"
  type StatisticsCount { code: String! label: Label! count: Int! }
  type StatisticsLevelCount { level: Int! label: Label! count: Int! }
  "命名表彰 of the cycles: 十佳/百佳 by tier, and by their status now"
  type StatisticsAwards { byTier: [StatisticsCount!]! byStatus: [StatisticsCount!]! }
  type StatisticsProblems { found: Int! rectified: Int! open: Int! overdue: Int! "热点难点问题" hot: Int! "hot problems solved (verified)" hotSolved: Int! byStatus: [StatisticsCount!]! }
  "为群众办实事 by verification status; only verified ones earn bonus points"
  type StatisticsDeeds { verified: Int! byStatus: [StatisticsCount!]! hot: Int! hotVerified: Int! }
  "整改措施 of problems and of improvement plans"
  type StatisticsMeasures { total: Int! ofProblems: Int! improvementPlans: Int! byStatus: [StatisticsCount!]! }
  "义务监督员 whose term overlaps the covered years: every one without a filter; under a region, department or category filter (a county office: its region) those who inspected the scoped units (a task or a report there)"
  type StatisticsSupervisors { active: Int! total: Int! }
  type StatisticsInspectionTasks { dispatched: Int! reported: Int! reviewed: Int! "dispatched tasks by the kind of their round" byRoundKind: [StatisticsCount!]! }
  type StatisticsFindings { total: Int! bySeverity: [StatisticsCount!]! byStatus: [StatisticsCount!]! accepted: Int! }
  type StatisticsRatingChannel { channel: RatingChannel! label: Label! total: Int! byLevel: [StatisticsLevelCount!]! }
  type StatisticsRatings {
    total: Int! bad: Int! byLevel: [StatisticsLevelCount!]! byChannel: [StatisticsRatingChannel!]!
    "扫码评价 (presence-bound) and their share of the total (null when there are no ratings)"
    presenceBound: Int! presenceBoundShare: Float
  }
  type StatisticsComplaints { total: Int! byStatus: [StatisticsCount!]! bySource: [StatisticsCount!]! substantiated: Int! overdue: Int! }
  "差评核实 → 整改 → 回访; rectificationRate = rectified / substantiated, callBackRate = calledBack / callBackDue (null when 0)"
  type StatisticsFollowUps {
    total: Int! byStatus: [StatisticsCount!]! overdue: Int!
    awaitingVerification: Int! substantiated: Int! notSubstantiated: Int! malicious: Int!
    rectified: Int! rectificationRate: Float
    callBackDue: Int! calledBack: Int! calledBackByRater: Int! calledBackByPhone: Int! callBackRate: Float
  }
  type StatisticsFigures {
    unitsTakingPart: Int!
    departmentsCovered: Int!
    disqualifications: Int!
    awards: StatisticsAwards!
    "上级表彰 by level"
    commendations: [StatisticsCount!]!
    problems: StatisticsProblems!
    deeds: Int!
    deedFigures: StatisticsDeeds!
    measures: StatisticsMeasures!
    supervisors: StatisticsSupervisors!
    inspectionRounds: [StatisticsCount!]!
    inspectionTasks: StatisticsInspectionTasks!
    inspectionReports: Int!
    "reports by origin: task / walk_in (随机暗访)"
    inspectionReportsByOrigin: [StatisticsCount!]!
    "反馈暗访信息 条次"
    feedbackItems: Int!
    findings: StatisticsFindings!
    accountabilityActions: [StatisticsCount!]!
    ratings: StatisticsRatings!
    complaints: StatisticsComplaints!
    followUps: StatisticsFollowUps!
    ${activityFigureFields}
    ${haochaFigureFields}
  }
  ${activityFigureTypeDefs}
  ${haochaFigureTypeDefs}
  "工作统计: the campaign figures for a cycle or a range of cycles"
  type Statistics { scope: StatisticsScope! asOf: DateTime! figures: StatisticsFigures! }

  extend type Query {
    "Give cycleId, cycleIds or fromYear/toYear; a department role sees its own department only"
    statistics(cycleId: ID, cycleIds: [ID!], fromYear: Int, toYear: Int, regionId: ID, departmentId: ID, category: Category): Statistics!
    "群众评价 per subject kind: units, departments (万人评机关), leadership teams (领导班子)"
    ratingSubjectStatistics(cycleId: ID, cycleIds: [ID!], fromYear: Int, toYear: Int, regionId: ID, departmentId: ID, category: Category): RatingSubjectStatistics!
  }
`;

/** Cost weights (see lib/graphql-limits.ts): one statistics document runs some thirty aggregate queries. */
export const statisticsWeights: FieldWeights = { 'Query.statistics': 1000, 'Query.ratingSubjectStatistics': 100 };

type LabelMap = Record<string, { zhCN: string; en: string }>;

/** A REST map `{code: n}` as the GraphQL list `[{code, label, count}]`, in the map's (enumeration) order. */
const list = (counts: Record<string, number>, labels: LabelMap) => Object.entries(counts).map(([code, count]) => ({ code, label: labels[code], count }));
const levels = (counts: Record<string, number>, labels: LabelMap) =>
  Object.entries(counts).map(([level, count]) => ({ level: Number(level), label: labels[level], count }));

/** The same figures as REST, reshaped: maps become labelled lists. */
export function toGraphqlStatistics(s: StatisticsDto) {
  const { figures: f, labels: l } = s;
  return {
    scope: s.scope,
    asOf: s.asOf,
    figures: {
      ...f,
      awards: { byTier: list(f.awards.byTier, l.awardTiers), byStatus: list(f.awards.byStatus, l.awardStatuses) },
      commendations: list(f.commendations, l.commendationLevels),
      problems: { ...f.problems, byStatus: list(f.problems.byStatus, l.problemStatuses) },
      inspectionRounds: list(f.inspectionRounds, l.inspectionRoundKinds),
      inspectionTasks: { ...f.inspectionTasks, byRoundKind: list(f.inspectionTasks.byRoundKind, l.inspectionRoundKinds) },
      inspectionReportsByOrigin: list(f.inspectionReportsByOrigin, l.inspectionReportOrigins),
      deedFigures: { ...f.deedFigures, byStatus: list(f.deedFigures.byStatus, l.deedStatuses) },
      measures: { ...f.measures, byStatus: list(f.measures.byStatus, l.measureStatuses) },
      findings: { ...f.findings, bySeverity: list(f.findings.bySeverity, l.findingSeverities), byStatus: list(f.findings.byStatus, l.findingStatuses) },
      accountabilityActions: list(f.accountabilityActions, l.accountabilityTypes),
      ratings: {
        total: f.ratings.total,
        bad: f.ratings.bad,
        presenceBound: f.ratings.presenceBound,
        presenceBoundShare: f.ratings.presenceBoundShare,
        byLevel: levels(f.ratings.byLevel, l.ratingLevels),
        byChannel: Object.entries(f.ratings.byChannel).map(([channel, c]) => ({
          channel,
          label: (l.ratingChannels as LabelMap)[channel],
          total: c.total,
          byLevel: levels(c.byLevel, l.ratingLevels),
        })),
      },
      complaints: { ...f.complaints, byStatus: list(f.complaints.byStatus, l.complaintStatuses), bySource: list(f.complaints.bySource, l.complaintSources) },
      followUps: { ...f.followUps, byStatus: list(f.followUps.byStatus, l.followUpStatuses) },
      ...toGraphqlActivities(f, l),
      ...toGraphqlHaocha(f, l),
    },
  };
}

export const statisticsResolvers: IResolvers = {
  Query: {
    statistics: guard({ roles: STATISTICS_READERS, scopes: ['statistics:read'], regionScoped: true }, async (args: Record<string, unknown>, { ctx, services }) =>
      toGraphqlStatistics(await services.statistics.figures(ctx, parseArgs(statisticsArgs, args))),
    ),
    ratingSubjectStatistics: guard({ roles: STATISTICS_READERS, scopes: ['statistics:read'] }, (args: Record<string, unknown>, { ctx, services }) =>
      services.statistics.ratingSubjects(ctx, parseArgs(statisticsArgs, args)),
    ),
  },
};
