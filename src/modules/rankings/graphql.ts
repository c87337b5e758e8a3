import type { IResolvers, MercuriusLoaders } from 'mercurius';
import { z } from 'zod';
import type { FieldWeights } from '../../lib/graphql-limits.js';
import { guard } from '../../lib/graphql.js';
import { pageQuery } from '../../lib/http.js';
import { ALL_AUTHENTICATED, EVERYONE } from '../../lib/principal.js';
import { parseArgs } from '../../plugins/graphql.js';
import { bottomQuery, computePeriodBody, entriesQuery, listRankingsQuery, publishBody } from './schemas.js';
import type { RankingDto, RankingEntryDto } from './schemas.js';
import { departmentById } from '../departments/graphql.js';
import { unitById } from '../units/graphql.js';

export const rankingTypeDefs = /* GraphQL */ `
  enum RankingStatus { draft published }
  "insufficient_sample (样本不足): under the minimum sample — not ranked (rank null) and cannot be named"
  enum RankingFlag { insufficient_sample }
  enum RankingBottomMode { count percent }
  type RankingLevelPoints { level: Int! points: Float! }
  type RankingSeverityPoints { minor: Float! major: Float! serious: Float! }
  type RankingComplaintPoints { minor: Float! major: Float! serious: Float! unknown: Float! }
  type RankingBottomSetting { mode: RankingBottomMode! value: Float! }
  "综合得分参数 (formula S1)"
  type ScoringSettings {
    formulaVersion: String!
    priorWeight: Float!
    levelPoints: [RankingLevelPoints!]!
    findingPenalty: RankingSeverityPoints!
    complaintPenalty: RankingComplaintPoints!
    overdueProblemPenalty: Float!
    deedPoints: Float!
    commendationPoints: Float!
    bonusCap: Float!
    bottom: RankingBottomSetting!
    timeliness: RankingTimelinessSetting!
    "默认评价: whether default ratings count toward P"
    defaultsCountTowardP: Boolean!
  }
  "T 限时办结: weight (0 = not scored) and minimum sample of completed cases"
  type RankingTimelinessSetting { weight: Float! minimumCompletedCases: Int! }
  input RankingTimelinessSettingInput { weight: Float, minimumCompletedCases: Int }
  type RankingCategoryMean { category: Category! mean: Float }
  input RankingLevelPointsInput { level: Int!, points: Float! }
  input RankingSeverityPointsInput { minor: Float, major: Float, serious: Float }
  input RankingComplaintPointsInput { minor: Float, major: Float, serious: Float, unknown: Float }
  input RankingBottomSettingInput { mode: RankingBottomMode, value: Float }
  "综合得分参数; anything left out takes its default"
  input RankingScoringSettingsInput {
    formulaVersion: String, priorWeight: Float, levelPoints: [RankingLevelPointsInput!], findingPenalty: RankingSeverityPointsInput,
    complaintPenalty: RankingComplaintPointsInput, overdueProblemPenalty: Float, deedPoints: Float, commendationPoints: Float, bonusCap: Float,
    bottom: RankingBottomSettingInput, timeliness: RankingTimelinessSettingInput, defaultsCountTowardP: Boolean
  }
  extend input CycleSettingsInput { scoring: RankingScoringSettingsInput, periods: CyclePeriodSetting }
  "分期排名: also rank by month or quarter (none: the whole cycle only)"
  enum CyclePeriodSetting { none monthly quarterly }
  extend type CycleSettings {
    "综合得分参数 as stored on the cycle; null when left out (the defaults apply)"
    scoring: ScoringSettings
    "分期排名; null when left out (none)"
    periods: CyclePeriodSetting
  }
  type RankingParameters { scoring: ScoringSettings! weights: CycleWeights! minimumSamples: CycleMinimumSamples! categoryMeans: [RankingCategoryMean!]! }
  type RankingInputCounts {
    units: Int! ratings: Int! scorecards: Int! reports: Int! findings: Int! complaints: Int! problems: Int! deeds: Int! commendations: Int!
    "inputs left out by upheld appeals (申诉成立)"
    excluded: Int!
    "ratings held or rejected by the integrity review (评价防刷)"
    heldRatings: Int!
  }

  "排名: a composite-score computation of a cycle; published ones are immutable snapshots"
  type Ranking {
    id: ID!
    cycleId: ID!
    status: RankingStatus!
    statusLabel: Label!
    publicationVersion: Int
    formulaVersion: String!
    parameters: RankingParameters!
    inputCounts: RankingInputCounts!
    computedAt: DateTime!
    computedBy: String
    publishedAt: DateTime
    publishedBy: String
    "更正版: the published ranking of the cycle this correction replaced"
    supersedes: ID
    correctionReason: String
    "分期排名: the month or quarter ranked; null for a whole-cycle ranking"
    period: RankingPeriod
  }
  enum RankingPeriodKind { month quarter }
  "分期排名: ratings, visits and complaints of the window [startsAt, endsAt) are counted"
  type RankingPeriod { kind: RankingPeriodKind! key: String! label: Label! startsAt: DateTime! endsAt: DateTime! }
  enum RankingListScope { all cycle periods }
  type RankingPage { items: [Ranking!]! nextCursor: String }

  type ScoreInterval { low: Float! high: Float! }
  type RankingSamples { ratings: Int! scorecards: Int! inspectionReports: Int! }
  type RankingEntry {
    rankingId: ID!
    unitId: ID!
    unitName: String!
    departmentId: ID!
    departmentName: String!
    regionId: ID!
    regionName: String!
    category: Category!
    categoryLabel: Label!
    "within the category, 1 = best, among units with sufficient samples; null when flagged insufficient_sample"
    rank: Int
    "within the category among the ranked entries matching the filter; null when rank is null"
    rankInFilter: Int
    "place in the category's list, 1…n: ranked entries first, then unranked ones"
    position: Int!
    score: Float!
    assessment: Float
    inspection: Float
    publicSatisfaction: Float
    deductions: Float!
    bonus: Float!
    flags: [RankingFlag!]!
    samples: RankingSamples!
    publicSatisfactionInterval: ScoreInterval
    "null where the unit is outside your scope (department and unit roles)"
    unit: Unit
    department: Department
    explanation: ScoreExplanation
  }
  type RankingEntryPage { items: [RankingEntry!]! nextCursor: String }
  type RankingBottomCategory {
    category: Category! categoryLabel: Label! rankedUnits: Int! bottomCount: Int!
    "worst first, ranked units only"
    entries: [RankingEntry!]!
    "units with too few samples (样本不足): marked, not named worst"
    insufficientSample: [RankingEntry!]!
  }
  "排名靠后: the bottom of each category's ranked units; units under the minimum sample are listed apart"
  type RankingBottomList { rankingId: ID! mode: RankingBottomMode! value: Float! categories: [RankingBottomCategory!]! }
  type PublicRanking {
    ranking: Ranking!
    entries: [RankingEntry!]!
    "the audit chain head signed when the ranking was published (it covers the ranking.published entry)"
    auditCheckpoint: AuditCheckpoint!
  }
  "A page of a published ranking (公示排名); total counts the entries matching the filter"
  type PublicRankingPage {
    ranking: Ranking!
    entries: [RankingEntry!]!
    total: Int!
    nextCursor: String
    "the audit chain head signed when the ranking was published"
    auditCheckpoint: AuditCheckpoint!
  }

  enum ScoreComponentKey { assessment inspection publicSatisfaction timeliness }
  type ScoreComponent { key: ScoreComponentKey! label: Label! value: Float present: Boolean! weight: Float! effectiveWeight: Float! contribution: Float! }
  type ScoreCountLine { key: String! count: Int! pointsEach: Float! points: Float! }
  type ScoreAssessmentInputs { scorecards: Int! meanTotal: Float }
  type ScoreInspectionInputs { reports: Int! meanRating: Float meanReportScore: Float findings: [ScoreCountLine!]! findingPoints: Float! }
  type ScoreSatisfactionInputs {
    ratings: Int! levels: [ScoreCountLine!]! rawMean: Float standardDeviation: Float categoryMean: Float priorWeight: Float! value: Float interval: ScoreInterval
    "默认评价 and whether the cycle counts them toward P"
    defaultRatings: ScoreDefaultRatings!
  }
  type ScoreDefaultRatings { counted: Boolean! included: Int! excluded: Int! }
  type ScoreDeductions { total: Float! complaints: [ScoreCountLine!]! overdueProblems: ScoreCountLine! }
  type ScoreTimelinessInputs {
    completed: Int! onTime: Int! oneWeek: Int! onTimeRate: Float oneWeekRate: Float minimumCompletedCases: Int! value: Float weight: Float!
  }
  type ScoreBonus { total: Float! uncapped: Float! cap: Float! deeds: ScoreCountLine! commendations: ScoreCountLine! commendationsCounted: Boolean! }
  "得分说明"
  type ScoreExplanation {
    rankingId: ID!
    rankingStatus: RankingStatus!
    publicationVersion: Int
    unitId: ID!
    unitName: String!
    category: Category!
    "null when flagged insufficient_sample (not ranked)"
    rank: Int
    formulaVersion: String!
    formula: String!
    score: Float!
    base: Float!
    renormalized: Boolean!
    components: [ScoreComponent!]!
    assessment: ScoreAssessmentInputs!
    inspection: ScoreInspectionInputs!
    publicSatisfaction: ScoreSatisfactionInputs!
    deductions: ScoreDeductions!
    bonus: ScoreBonus!
    samples: RankingSamples!
    minimumSamples: RankingSamples!
    "T 限时办结; null for rankings computed before cases were counted"
    timeliness: ScoreTimelinessInputs
    flags: [RankingFlag!]!
    notes: [String!]!
    "inputs of this unit left out by upheld appeals"
    exclusions: [ScoreExclusion!]!
    heldRatings: ScoreHeldRatings!
  }
  "a rating out of P, a deduction given back in A, a finding out of M, a complaint out of D"
  enum ScoreExclusionKind { rating scorecard_deduction inspection_finding complaint }
  "an input an upheld appeal (申诉成立) left out of the computation"
  type ScoreExclusion { appealId: ID! kind: ScoreExclusionKind! subjectId: ID! }
  enum RankingDiffChange { rank score eligibility presence }
  enum RankingDiffReason { appeal recomputed }
  type ScoreHeldRatings { held: Int! rejected: Int! }
  type RankingDiffSide { rank: Int position: Int! score: Float! eligible: Boolean! }
  type RankingDiffEntry {
    unitId: ID! unitName: String! category: Category! before: RankingDiffSide after: RankingDiffSide changed: [RankingDiffChange!]!
    "appeal: upheld appeals newly excluded inputs of this unit; recomputed: moved by others or by new data"
    why: RankingDiffReason!
    appeals: [ScoreExclusion!]!
  }
  "更正对比: entries whose rank, score or eligibility changed from the previous published ranking, and why"
  type RankingDiff { rankingId: ID! previousId: ID! correctionReason: String entries: [RankingDiffEntry!]! }

  extend type Query {
    "period: one period's rankings; scope: all, whole-cycle (cycle) or period rankings (periods)"
    rankings(cycleId: ID!, period: String, scope: RankingListScope, limit: Int, cursor: String): RankingPage!
    ranking(id: ID!): Ranking
    rankingEntries(rankingId: ID!, category: Category, regionId: ID, departmentId: ID, flag: RankingFlag, limit: Int, cursor: String): RankingEntryPage!
    rankingExplanation(rankingId: ID!, unitId: ID!): ScoreExplanation
    rankingBottom(rankingId: ID!, category: Category): RankingBottomList!
    publicRanking(id: ID!): PublicRanking
    "更正对比 (drafts: the office; published: everyone)"
    rankingDiff(id: ID!): RankingDiff
    publicRankingPage(id: ID!, category: Category, regionId: ID, departmentId: ID, flag: RankingFlag, limit: Int, cursor: String): PublicRankingPage
  }
  extend type Mutation {
    computeRanking(cycleId: ID!): Ranking!
    "分期排名: a draft ranking of one month (2016-03) or quarter (2016-Q2) of the cycle, by its settings.periods"
    computePeriodRanking(cycleId: ID!, period: String!): Ranking!
    "a correction (the cycle already has a published ranking) needs its reason"
    publishRanking(id: ID!, reason: String): Ranking!
  }
`;

/** Cost weights (see lib/graphql-limits.ts): entries and the public snapshot read a whole ranking, an explanation recomputes a score. */
export const rankingWeights: FieldWeights = {
  'Query.rankingEntries': 100,
  'Query.publicRanking': 200,
  'Query.publicRankingPage': 5,
  'Query.rankingExplanation': 50,
  'Query.rankingBottom': 100,
  'Query.rankingDiff': 200,
  'RankingEntry.explanation': 5,
};

/** Published snapshots never change (see GraphqlModule.pure): their anonymous answers are remembered. */
export const rankingPureFields = ['Query.publicRankingPage', 'Query.publicRanking', 'RankingParameters.categoryMeans', 'ScoringSettings.levelPoints'] as const;

const uuid = z.object({ id: z.uuid() });

export const rankingResolvers: IResolvers = {
  Query: {
    rankings: guard({ roles: ALL_AUTHENTICATED, scopes: ['rankings:read'] }, (args: Record<string, unknown>, { ctx, services }) => {
      const { cycleId } = parseArgs(z.object({ cycleId: z.uuid() }), args);
      return services.rankings.list(ctx, cycleId, parseArgs(pageQuery, args), parseArgs(listRankingsQuery, { period: args.period ?? undefined, scope: args.scope ?? undefined }));
    }),
    ranking: guard({ roles: ALL_AUTHENTICATED, scopes: ['rankings:read'] }, (args: { id: string }, { ctx, services }) => services.rankings.get(ctx, parseArgs(uuid, args).id)),
    rankingEntries: guard({ roles: ALL_AUTHENTICATED, scopes: ['rankings:read'] }, (args: Record<string, unknown>, { ctx, services }) => {
      const { rankingId } = parseArgs(z.object({ rankingId: z.uuid() }), { rankingId: args.rankingId });
      const { limit, cursor } = parseArgs(pageQuery, { limit: args.limit, cursor: args.cursor });
      return services.rankings.entries(ctx, rankingId, parseArgs(entriesQuery, { category: args.category, regionId: args.regionId, departmentId: args.departmentId, flag: args.flag }), {
        limit,
        cursor,
      });
    }),
    rankingExplanation: guard(EVERYONE, (args: { rankingId: string; unitId: string }, { ctx, services }) => {
      const a = parseArgs(z.object({ rankingId: z.uuid(), unitId: z.uuid() }), args);
      return services.rankings.explanation(ctx, a.rankingId, a.unitId);
    }),
    rankingBottom: guard({ roles: ALL_AUTHENTICATED, scopes: ['rankings:read'] }, (args: { rankingId: string; category?: string }, { ctx, services }) => {
      const { rankingId } = parseArgs(z.object({ rankingId: z.uuid() }), { rankingId: args.rankingId });
      return services.rankings.bottom(ctx, rankingId, parseArgs(bottomQuery, { category: args.category }).category);
    }),
    rankingDiff: guard(EVERYONE, (args: { id: string }, { ctx, services }) => services.rankings.diff(ctx, parseArgs(uuid, args).id)),
    publicRanking: guard(EVERYONE, (args: { id: string }, { services }) => services.rankings.publicSnapshot(parseArgs(uuid, args).id)),
    publicRankingPage: guard(EVERYONE, (args: Record<string, unknown>, { services }) => {
      const { id } = parseArgs(uuid, { id: args.id });
      const { limit, cursor } = parseArgs(pageQuery, { limit: args.limit, cursor: args.cursor });
      return services.rankings.publicPage(id, parseArgs(entriesQuery, { category: args.category, regionId: args.regionId, departmentId: args.departmentId, flag: args.flag }), { limit, cursor });
    }),
  },
  Mutation: {
    computeRanking: guard(['admin'], (args: { cycleId: string }, { ctx, services }) =>
      services.rankings.compute(ctx, parseArgs(z.object({ cycleId: z.uuid() }), args).cycleId),
    ),
    computePeriodRanking: guard(['admin'], (args: { cycleId: string; period: string }, { ctx, services }) => {
      const { cycleId } = parseArgs(z.object({ cycleId: z.uuid() }), { cycleId: args.cycleId });
      return services.rankings.compute(ctx, cycleId, new Date(), { period: parseArgs(computePeriodBody, { period: args.period }).period });
    }),
    publishRanking: guard(['admin'], (args: { id: string; reason?: string | null }, { ctx, services }) => {
      const { id } = parseArgs(uuid, { id: args.id });
      return services.rankings.publish(ctx, id, { reason: parseArgs(publishBody, { reason: args.reason ?? undefined }).reason });
    }),
  },
  RankingParameters: {
    categoryMeans: (p: RankingDto['parameters']) => Object.entries(p.categoryMeans).map(([category, mean]) => ({ category, mean })),
  },
  ScoringSettings: {
    levelPoints: (s: RankingDto['parameters']['scoring']) =>
      Object.entries(s.levelPoints)
        .map(([level, points]) => ({ level: Number(level), points }))
        .sort((a, b) => b.level - a.level),
  },
};

export const rankingLoaders: MercuriusLoaders = {
  RankingEntry: {
    unit: unitById.by((e: RankingEntryDto) => e.unitId),
    department: departmentById.by((e: RankingEntryDto) => e.departmentId),
    explanation: (queries: { obj: RankingEntryDto }[], { ctx, services }) =>
      services.rankings.explanations(
        ctx,
        queries.map((q) => ({ rankingId: q.obj.rankingId, unitId: q.obj.unitId })),
      ),
  },
};
