import { z } from 'zod';
import { isoDate, labelSchema } from '../../lib/http.js';
import { auditCheckpoint } from '../audit/schemas.js';
import { categorySchema } from '../units/schemas.js';
import { allComponentKeys, rankingFlags, scoringSettings } from './scoring.js';
import { periodKeySchema } from './periods.js';

export { scoringSettings };

/** 排名 status: 草稿 draft (computed, visible to the office) → 已发布 published (public, immutable, versioned). */
export const rankingStatuses = ['draft', 'published'] as const;
export type RankingStatus = (typeof rankingStatuses)[number];
export const rankingStatusLabels: Record<RankingStatus, { zhCN: string; en: string }> = {
  draft: { zhCN: '草稿', en: 'Draft' },
  published: { zhCN: '已发布', en: 'Published' },
};
export const rankingFlagSchema = z.enum(rankingFlags).meta({ id: 'RankingFlag', description: 'insufficient_sample (样本不足): under the cycle’s minimum sample — not ranked (rank null) and cannot be named' });

const weights = z.object({ assessment: z.number(), inspection: z.number(), publicSatisfaction: z.number() });
const minimumSamples = z.object({ ratings: z.number().int(), scorecards: z.number().int(), inspectionReports: z.number().int() });

export const rankingInputCounts = z
  .object({
    units: z.number().int(),
    ratings: z.number().int(),
    scorecards: z.number().int(),
    reports: z.number().int(),
    findings: z.number().int(),
    complaints: z.number().int(),
    problems: z.number().int().describe('overdue problems'),
    deeds: z.number().int(),
    commendations: z.number().int().default(0),
    excluded: z.number().int().default(0).describe('inputs left out by upheld appeals (申诉成立)'),
    heldRatings: z.number().int().default(0).describe('ratings held or rejected by the integrity review (评价防刷), out of P'),
  })
  .meta({ id: 'RankingInputCounts', description: 'what a computation counted (enrolled units only)' });

export const rankingParameters = z
  .object({
    scoring: scoringSettings,
    weights,
    minimumSamples,
    categoryMeans: z.record(z.string(), z.number().nullable()).describe('pooled mean rating points per category: the prior of P'),
  })
  .meta({ id: 'RankingParameters' });
export type RankingParametersDto = z.infer<typeof rankingParameters>;

export const rankingPeriod = z
  .object({
    kind: z.enum(['month', 'quarter']),
    key: z.string().describe('2016-03 (a month) or 2016-Q2 (a quarter)'),
    label: labelSchema,
    startsAt: isoDate.describe('the first instant of the period in TIME_ZONE'),
    endsAt: isoDate.describe('the first instant after it (the window is [startsAt, endsAt))'),
  })
  .meta({
    id: 'RankingPeriod',
    description:
      '分期排名: the period a ranking covers. Ratings collected, mystery-shopper visits made (tasks and reviewed walk-ins) and complaints received in the window are counted; overdue problems as of its end; the assessment (考评), deeds, commendations and case timeliness are the cycle’s',
  });
export type RankingPeriodDto = z.infer<typeof rankingPeriod>;

export const computePeriodBody = z.object({ period: periodKeySchema });
export const listRankingsQuery = z.object({
  period: periodKeySchema.optional().describe('only the rankings of this period'),
  scope: z.enum(['all', 'cycle', 'periods']).default('all').describe('all: every ranking of the cycle; cycle: whole-cycle rankings only; periods: period rankings only'),
});
export type ListRankingsFilter = z.infer<typeof listRankingsQuery>;

export const ranking = z
  .object({
    id: z.uuid(),
    cycleId: z.uuid(),
    status: z.enum(rankingStatuses),
    statusLabel: labelSchema,
    publicationVersion: z.number().int().nullable().describe('1, 2, 3 … per cycle once published'),
    formulaVersion: z.string(),
    parameters: rankingParameters,
    inputCounts: rankingInputCounts,
    computedAt: isoDate,
    computedBy: z.string().nullable().describe('shown to the campaign office only'),
    publishedAt: isoDate.nullable(),
    publishedBy: z.string().nullable().describe('shown to the campaign office only'),
    supersedes: z.uuid().nullable().describe('更正版: the published ranking of the cycle this correction replaced'),
    correctionReason: z.string().nullable().describe('why the correction was published'),
    period: rankingPeriod.nullable().describe('分期排名: the month or quarter ranked; null for a whole-cycle ranking'),
  })
  .meta({ id: 'Ranking', description: '排名: a composite-score computation of a cycle; published ones are immutable snapshots' });
export type RankingDto = z.infer<typeof ranking>;

const interval = z.object({ low: z.number(), high: z.number() }).meta({ id: 'ScoreInterval' });

export const rankingEntry = z
  .object({
    rankingId: z.uuid(),
    unitId: z.uuid(),
    unitName: z.string().describe('as when computed'),
    departmentId: z.uuid(),
    departmentName: z.string(),
    regionId: z.uuid(),
    regionName: z.string(),
    category: categorySchema,
    categoryLabel: labelSchema,
    rank: z
      .number()
      .int()
      .nullable()
      .describe(
        'within the category, 1 = best, among units with sufficient samples only; null for an entry flagged insufficient_sample (样本不足: listed after the ranked units, no earned place). Snapshots published before this rule keep the ranks they were published with',
      ),
    rankInFilter: z.number().int().nullable().describe('within the category among the ranked entries matching the filter; null when rank is null'),
    position: z.number().int().describe('place in the category’s list, 1…n: ranked entries in rank order, then unranked ones by score'),
    score: z.number().describe('composite score S, rounded to 2 decimals'),
    assessment: z.number().nullable().describe('A 考评 (0–100); null when missing'),
    inspection: z.number().nullable().describe('M 暗访 (0–100); null when missing'),
    publicSatisfaction: z.number().nullable().describe('P 群众满意度, Bayesian-adjusted (0–100); null when missing'),
    deductions: z.number().describe('D'),
    bonus: z.number().describe('B (capped)'),
    flags: z.array(rankingFlagSchema),
    samples: z.object({ ratings: z.number().int(), scorecards: z.number().int(), inspectionReports: z.number().int() }),
    publicSatisfactionInterval: interval.nullable().describe('95% interval of the raw satisfaction mean; null under 2 ratings'),
  })
  .meta({ id: 'RankingEntry' });
export type RankingEntryDto = z.infer<typeof rankingEntry>;

export const inputExclusion = z
  .object({
    appealId: z.uuid(),
    kind: z.enum(['rating', 'scorecard_deduction', 'inspection_finding', 'complaint']).describe('a rating out of P, a deduction given back in A, a finding out of M, a complaint out of D'),
    subjectId: z.uuid(),
  })
  .meta({ id: 'ScoreExclusion', description: 'an input an upheld appeal (申诉成立) left out of the computation' });
export type InputExclusionDto = z.infer<typeof inputExclusion>;

const countLine = z.object({ key: z.string(), count: z.number().int(), pointsEach: z.number(), points: z.number() }).meta({ id: 'ScoreCountLine' });

export const scoreExplanation = z
  .object({
    rankingId: z.uuid(),
    rankingStatus: z.enum(rankingStatuses),
    publicationVersion: z.number().int().nullable(),
    unitId: z.uuid(),
    unitName: z.string(),
    category: categorySchema,
    rank: z.number().int().nullable().describe('within the category; null when flagged insufficient_sample (not ranked)'),
    formulaVersion: z.string(),
    formula: z.string(),
    score: z.number(),
    base: z.number().describe('wA·A + wM·M + wP·P after renormalization'),
    renormalized: z.boolean().describe('true when a component was missing and the weights were rescaled over the others'),
    components: z.array(
      z
        .object({
          key: z.enum(allComponentKeys),
          label: labelSchema,
          value: z.number().nullable(),
          present: z.boolean(),
          weight: z.number().describe("the cycle's weight"),
          effectiveWeight: z.number().describe('after renormalization'),
          contribution: z.number(),
        })
        .meta({ id: 'ScoreComponent' }),
    ),
    assessment: z.object({ scorecards: z.number().int(), meanTotal: z.number().nullable() }).meta({ id: 'ScoreAssessmentInputs' }),
    inspection: z
      .object({
        reports: z.number().int(),
        meanRating: z.number().nullable().describe('mean of the reports’ mean ratings, 1–5'),
        meanReportScore: z.number().nullable(),
        findings: z.array(countLine),
        findingPoints: z.number(),
      })
      .meta({ id: 'ScoreInspectionInputs' }),
    publicSatisfaction: z
      .object({
        ratings: z.number().int(),
        levels: z.array(countLine),
        rawMean: z.number().nullable(),
        standardDeviation: z.number().nullable(),
        categoryMean: z.number().nullable(),
        priorWeight: z.number(),
        value: z.number().nullable(),
        interval: interval.nullable(),
        defaultRatings: z
          .object({
            counted: z.boolean().describe("the cycle's scoring.defaultsCountTowardP"),
            included: z.number().int().describe('默认评价 counted in `ratings`'),
            excluded: z.number().int().describe('默认评价 left out of P'),
          })
          .describe('默认评价 (a case left unrated past DEFAULT_RATING_DAYS) and whether they count toward P')
          .meta({ id: 'ScoreDefaultRatings' }),
      })
      .meta({ id: 'ScoreSatisfactionInputs' }),
    deductions: z.object({ total: z.number(), complaints: z.array(countLine), overdueProblems: countLine }).meta({ id: 'ScoreDeductions' }),
    bonus: z
      .object({
        total: z.number(),
        uncapped: z.number(),
        cap: z.number(),
        deeds: countLine,
        commendations: countLine,
        commendationsCounted: z.boolean().describe('false while the system records no higher-level commendations'),
      })
      .meta({ id: 'ScoreBonus' }),
    samples: minimumSamples,
    minimumSamples,
    timeliness: z
      .object({
        completed: z.number().int().describe('办件 completed in the cycle'),
        onTime: z.number().int().describe('按时办结'),
        oneWeek: z.number().int().describe('一周办结'),
        onTimeRate: z.number().nullable().describe('限时办结率, %'),
        oneWeekRate: z.number().nullable().describe('一周办结率, % (shown, not scored)'),
        minimumCompletedCases: z.number().int(),
        value: z.number().nullable().describe('T as scored; null under the minimum sample'),
        weight: z.number().describe('wT; 0 = not scored'),
      })
      .meta({ id: 'ScoreTimelinessInputs' })
      .nullable()
      .describe('T 限时办结; null for rankings computed before cases were counted'),
    flags: z.array(rankingFlagSchema),
    notes: z.array(z.string()),
    exclusions: z.array(inputExclusion).describe('inputs of this unit left out by upheld appeals, each with its appeal'),
    heldRatings: z
      .object({ held: z.number().int().describe('held for review (待核), out of P until cleared'), rejected: z.number().int().describe('rejected by the review, out of P') })
      .meta({ id: 'ScoreHeldRatings' }),
  })
  .meta({ id: 'ScoreExplanation', description: '得分说明: every component, weight, contribution and input of one unit’s score' });
export type ScoreExplanationDto = z.infer<typeof scoreExplanation>;

export const entriesQuery = z.object({
  category: categorySchema.optional(),
  regionId: z.uuid().optional().describe('this region and all regions below it'),
  departmentId: z.uuid().optional(),
  flag: rankingFlagSchema.optional(),
});
export type EntriesFilter = z.infer<typeof entriesQuery>;

export const bottomQuery = z.object({ category: categorySchema.optional() });

export const bottomList = z
  .object({
    rankingId: z.uuid(),
    mode: z.enum(['count', 'percent']),
    value: z.number(),
    categories: z.array(
      z
        .object({
          category: categorySchema,
          categoryLabel: labelSchema,
          rankedUnits: z.number().int().describe('units holding an earned rank (the bottom list is drawn from these)'),
          bottomCount: z.number().int(),
          entries: z.array(rankingEntry).describe('worst first, ranked units only'),
          insufficientSample: z
            .array(rankingEntry)
            .describe('units with too few samples (样本不足): marked, not named worst; in list order'),
        })
        .meta({ id: 'RankingBottomCategory' }),
    ),
  })
  .meta({ id: 'RankingBottomList', description: '排名靠后: the bottom of each category’s ranked units, for accountability; units under the minimum sample are listed apart' });
export type BottomListDto = z.infer<typeof bottomList>;

export const cycleParams = z.object({ cycleId: z.uuid() });
export const entryParams = z.object({ id: z.uuid(), unitId: z.uuid() });
export const publishBody = z
  .object({ reason: z.string().trim().min(1).max(2000).optional().describe('更正原因: required when the cycle already has a published ranking (the new one is a correction)') })
  .describe('publishing takes the draft as it is');

const diffSide = z
  .object({ rank: z.number().int().nullable(), position: z.number().int(), score: z.number(), eligible: z.boolean().describe('holds an earned rank (may be named)') })
  .meta({ id: 'RankingDiffSide' });
export const rankingDiff = z
  .object({
    rankingId: z.uuid(),
    previousId: z.uuid().describe('the ranking compared against: the one this correction supersedes (for a draft: the current published one)'),
    correctionReason: z.string().nullable(),
    entries: z.array(
      z
        .object({
          unitId: z.uuid(),
          unitName: z.string(),
          category: categorySchema,
          before: diffSide.nullable().describe('null: not in the previous ranking'),
          after: diffSide.nullable().describe('null: not in this ranking'),
          changed: z.array(z.enum(['rank', 'score', 'eligibility', 'presence'])),
          why: z.enum(['appeal', 'recomputed']).describe('appeal: upheld appeals newly excluded inputs of this unit; recomputed: moved by others or by new data'),
          appeals: z.array(inputExclusion).describe('the upheld appeals whose exclusions touched this unit since the previous ranking'),
        })
        .meta({ id: 'RankingDiffEntry' }),
    ),
  })
  .meta({ id: 'RankingDiff', description: '更正对比: the entries whose rank, score or eligibility changed from the previous published ranking, and why' });
export type RankingDiffDto = z.infer<typeof rankingDiff>;

export const publicRanking = z
  .object({
    ranking,
    entries: z.array(rankingEntry).describe('ordered by category and position (ranked first, then unranked)'),
    auditCheckpoint: auditCheckpoint.describe('the audit chain head signed when the ranking was published: it covers the ranking.published entry'),
  })
  .meta({ id: 'PublicRanking', description: 'a published ranking with all its entries' });
export type PublicRankingDto = z.infer<typeof publicRanking>;

export const publicRankingPage = z
  .object({
    ranking,
    entries: z.array(rankingEntry).describe('this page of the entries matching the filter, ordered by category and position (ranked first, then unranked)'),
    total: z.number().int().describe('entries matching the filter, over all pages'),
    nextCursor: z.string().nullable(),
    auditCheckpoint: auditCheckpoint.describe('the audit chain head signed when the ranking was published'),
  })
  .meta({ id: 'PublicRankingPage', description: 'a page of a published ranking: its header and entries' });
export type PublicRankingPageDto = z.infer<typeof publicRankingPage>;
