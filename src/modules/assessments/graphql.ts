import type { IResolvers, MercuriusContext, MercuriusLoaders } from 'mercurius';
import { guard, loadBy } from '../../lib/graphql.js';
import { pageQuery } from '../../lib/http.js';
import { STAFF } from '../../lib/principal.js';
import { parseArgs } from '../../plugins/graphql.js';
import {
  feedbackParams,
  listScorecardsQuery,
  openScorecardBody,
  returnScorecardBody,
  setBonusesBody,
  setDeductionsBody,
  updateScorecardBody,
} from './schemas.js';
import type { AssessmentFeedbackDto, ScorecardDetailDto, ScorecardDto } from './schemas.js';

export const assessmentTypeDefs = /* GraphQL */ `
  "草稿 / 已提交 / 已确认"
  enum ScorecardStatus { draft submitted confirmed }
  type ScorecardTitle { zhCN: String! en: String }

  "扣分"
  type ScorecardDeduction {
    position: Int!
    itemKey: String!
    ruleKey: String!
    ruleDescription: String!
    occurrences: Int!
    pointsPerOccurrence: Float!
    cap: Float
    points: Float!
    note: String
    evidence: [String!]!
  }
  type ScorecardItem {
    key: String!
    title: ScorecardTitle!
    maxPoints: Float!
    checkMethod: String!
    deducted: Float!
    score: Float!
    deductions: [ScorecardDeduction!]!
  }
  type ScorecardSection { key: String! title: ScorecardTitle! maxPoints: Float! score: Float! items: [ScorecardItem!]! }
  "加分"
  type ScorecardBonus { position: Int! bonusKey: String! description: String! maxPoints: Float! claimedPoints: Float! points: Float! note: String }

  "考评打分: an inspector scorecard of one unit"
  type Scorecard {
    id: ID!
    cycleId: ID!
    unitId: ID!
    enrollmentId: ID!
    criteriaSetId: ID!
    inspectorSubject: String!
    status: ScorecardStatus!
    statusLabel: Label!
    returnedReason: String
    total: Float!
    regularTotal: Float!
    bonusTotal: Float!
    assessedOn: String!
    summary: String
    submittedAt: DateTime
    confirmedAt: DateTime
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
    unit: Unit
    sections: [ScorecardSection!]!
    bonuses: [ScorecardBonus!]!
    bonusCap: Float!
  }
  type ScorecardPage { items: [Scorecard!]! nextCursor: String }

  type AssessmentFeedbackDeduction {
    sectionTitle: ScorecardTitle!
    itemTitle: ScorecardTitle!
    itemKey: String!
    ruleKey: String!
    ruleDescription: String!
    occurrences: Int!
    points: Float!
    note: String
    evidence: [String!]!
  }
  type AssessmentFeedbackBonus { bonusKey: String! description: String! points: Float! note: String }
  "A confirmed scorecard as feedback; it never names the inspector"
  type AssessmentFeedbackScorecard {
    id: ID!
    assessedOn: String!
    total: Float!
    regularTotal: Float!
    bonusTotal: Float!
    summary: String
    deductions: [AssessmentFeedbackDeduction!]!
    bonuses: [AssessmentFeedbackBonus!]!
  }
  "考评反馈: the score and every deduction (既反馈分值，也反馈扣分情况)"
  type AssessmentFeedback {
    cycleId: ID!
    unitId: ID!
    assessmentScore: Float
    scorecardCount: Int!
    scorecards: [AssessmentFeedbackScorecard!]!
    unit: Unit
  }

  input OpenScorecardInput { cycleId: ID!, unitId: ID!, assessedOn: String, summary: String }
  input UpdateScorecardInput { assessedOn: String, summary: String }
  input ScorecardDeductionInput { itemKey: String!, ruleKey: String!, occurrences: Int!, note: String, evidence: [String!] }
  input ScorecardBonusInput { bonusKey: String!, points: Float!, note: String }

  extend type Query {
    scorecards(cycleId: ID, unitId: ID, status: ScorecardStatus, mine: Boolean, limit: Int, cursor: String): ScorecardPage!
    scorecard(id: ID!): Scorecard
    assessmentFeedback(cycleId: ID!, unitId: ID!): AssessmentFeedback!
  }
  extend type Mutation {
    openScorecard(input: OpenScorecardInput!): Scorecard!
    updateScorecard(id: ID!, version: Int!, input: UpdateScorecardInput!): Scorecard!
    setScorecardDeductions(id: ID!, version: Int!, deductions: [ScorecardDeductionInput!]!): Scorecard!
    setScorecardBonuses(id: ID!, version: Int!, bonuses: [ScorecardBonusInput!]!): Scorecard!
    submitScorecard(id: ID!, version: Int!): Scorecard!
    confirmScorecard(id: ID!, version: Int!): Scorecard!
    returnScorecard(id: ID!, version: Int!, reason: String!): Scorecard!
  }
`;

type IdVersion = { id: string; version: number };

export const assessmentResolvers: IResolvers = {
  Query: {
    scorecards: guard(STAFF, (args: Record<string, unknown>, { ctx, services }) => {
      const { limit, cursor } = parseArgs(pageQuery, args);
      return services.assessments.list(ctx, parseArgs(listScorecardsQuery, args), { limit, cursor });
    }),
    scorecard: guard(STAFF, ({ id }: { id: string }, { ctx, services }) => services.assessments.get(ctx, id)),
    assessmentFeedback: guard(['admin', 'inspector', 'department', 'unit'], (args: unknown, { ctx, services }) => {
      const { cycleId, unitId } = parseArgs(feedbackParams, args);
      return services.assessments.feedback(ctx, cycleId, unitId);
    }),
  },
  Mutation: {
    openScorecard: guard(STAFF, ({ input }: { input: unknown }, { ctx, services }) => services.assessments.open(ctx, parseArgs(openScorecardBody, input, 'input'))),
    updateScorecard: guard(STAFF, ({ id, version, input }: IdVersion & { input: unknown }, { ctx, services }) =>
      services.assessments.update(ctx, id, version, parseArgs(updateScorecardBody, input, 'input')),
    ),
    setScorecardDeductions: guard(STAFF, ({ id, version, deductions }: IdVersion & { deductions: unknown }, { ctx, services }) =>
      services.assessments.setDeductions(ctx, id, version, parseArgs(setDeductionsBody, { deductions })),
    ),
    setScorecardBonuses: guard(STAFF, ({ id, version, bonuses }: IdVersion & { bonuses: unknown }, { ctx, services }) =>
      services.assessments.setBonuses(ctx, id, version, parseArgs(setBonusesBody, { bonuses })),
    ),
    submitScorecard: guard(STAFF, ({ id, version }: IdVersion, { ctx, services }) => services.assessments.submit(ctx, id, version)),
    confirmScorecard: guard(['admin'], ({ id, version }: IdVersion, { ctx, services }) => services.assessments.confirm(ctx, id, version)),
    returnScorecard: guard(['admin'], ({ id, version, reason }: IdVersion & { reason: string }, { ctx, services }) =>
      services.assessments.returnToDraft(ctx, id, version, parseArgs(returnScorecardBody, { reason }).reason),
    ),
  },
};

/**
 * Breakdowns of the scorecards of one request, fetched once and shared by the sections, bonuses and
 * bonusCap loaders (each of which mercurius batches separately).
 */
const detailCache = new WeakMap<object, Map<string, Promise<ScorecardDetailDto | null>>>();

function details(queries: { obj: ScorecardDto | ScorecardDetailDto }[], context: MercuriusContext): Promise<(ScorecardDetailDto | null)[]> {
  let cache = detailCache.get(context.reply);
  if (!cache) detailCache.set(context.reply, (cache = new Map()));
  const missing = [...new Set(queries.filter((q) => !('sections' in q.obj) && !cache.has(q.obj.id)).map((q) => q.obj.id))];
  if (missing.length) {
    const batch = context.services.assessments.detailsByIds(context.ctx, missing);
    for (const id of missing) cache.set(id, batch.then((rows) => rows.find((r) => r.id === id) ?? null));
  }
  // A mutation or `scorecard(id)` already returns the breakdown; nothing to fetch then.
  return Promise.all(queries.map((q) => ('sections' in q.obj ? (q.obj as ScorecardDetailDto) : cache.get(q.obj.id)!)));
}

export const assessmentLoaders: MercuriusLoaders = {
  Scorecard: {
    unit: (queries: { obj: ScorecardDto }[], { ctx, services }) => loadBy(queries, (s) => s.unitId, (ids) => services.units.byIds(ctx, ids)),
    sections: async (queries: { obj: ScorecardDto }[], context) => (await details(queries, context)).map((d) => d?.sections ?? []),
    bonuses: async (queries: { obj: ScorecardDto }[], context) => (await details(queries, context)).map((d) => d?.bonuses ?? []),
    bonusCap: async (queries: { obj: ScorecardDto }[], context) => (await details(queries, context)).map((d) => d?.bonusCap ?? 0),
  },
  AssessmentFeedback: {
    unit: (queries: { obj: AssessmentFeedbackDto }[], { ctx, services }) => loadBy(queries, (f) => f.unitId, (ids) => services.units.byIds(ctx, ids)),
  },
};
