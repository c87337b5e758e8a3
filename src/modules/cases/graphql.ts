import type { IResolvers, MercuriusLoaders } from 'mercurius';
import { guard, loadBy } from '../../lib/graphql.js';
import { pageQuery } from '../../lib/http.js';
import { parseArgs } from '../../plugins/graphql.js';
import { CASE_READERS, CASE_STATISTICS_READERS, CASE_WRITERS, caseCloseBody, caseMoveBody, caseStatisticsQuery, createCaseBody, listCasesQuery } from './schemas.js';
import type { CaseDto } from './schemas.js';
import { DEFAULT_RATING_RUNNERS } from './default-ratings.schemas.js';
import type { CaseMove } from './service.js';

export const caseTypeDefs = /* GraphQL */ `
  enum CaseState { received accepted completed returned refused }
  "办件: one application handled under a service item at a unit"
  type Case {
    id: ID!
    source: String!
    "办件编号"
    caseNumber: String!
    itemId: ID!
    unitId: ID!
    state: CaseState!
    stateLabel: Label!
    receivedAt: DateTime!
    acceptedAt: DateTime
    closedAt: DateTime
    reason: String
    promisedDays: Int!
    deadline: DateTime!
    onTime: Boolean
    oneWeek: Boolean
    "首问负责人, pseudonymous"
    firstResponderRef: String
    importId: ID
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
    unit: Unit
    item: CatalogueServiceItem!
  }
  type CasePage { items: [Case!]! nextCursor: String }
  enum CaseStatisticsGroupBy { unit department region }
  type CaseStateCounts { received: Int! accepted: Int! completed: Int! returned: Int! refused: Int! }
  type CaseStatisticsRow { key: ID! total: Int! byState: CaseStateCounts! onTime: Int! oneWeek: Int! onTimeRate: Float oneWeekRate: Float }
  "办件 statistics: cases by state, on-time and one-week rates"
  type CaseStatistics { groupBy: CaseStatisticsGroupBy! rows: [CaseStatisticsRow!]! }
  "默认评价: one run of the default-rating job"
  type DefaultRatingRun { given: Int! completedBefore: DateTime! days: Int! level: Int! channel: String! batches: Int! }
  input CreateCaseInput { source: String!, caseNumber: String!, itemId: ID!, unitId: ID!, receivedAt: DateTime!, firstResponder: String }

  extend type Query {
    cases(unitId: ID, departmentId: ID, itemId: ID, state: CaseState, source: String, caseNumber: String, onTime: Boolean, from: DateTime, to: DateTime, limit: Int, cursor: String): CasePage!
    case(id: ID!): Case
    caseStatistics(groupBy: CaseStatisticsGroupBy, from: DateTime, to: DateTime): CaseStatistics!
  }
  extend type Mutation {
    createCase(input: CreateCaseInput!): Case!
    acceptCase(id: ID!, at: DateTime, version: Int): Case!
    completeCase(id: ID!, at: DateTime, version: Int): Case!
    returnCase(id: ID!, reason: String!, at: DateTime, version: Int): Case!
    refuseCase(id: ID!, reason: String!, at: DateTime, version: Int): Case!
    "默认评价 now: completed cases left unrated past DEFAULT_RATING_DAYS get the default rating (the scheduled job's run)"
    runDefaultRatings: DefaultRatingRun!
  }
`;

const mover = (to: CaseMove, needsReason: boolean) =>
  guard({ roles: CASE_WRITERS, scopes: ['cases:write'] }, ({ id, ...args }: { id: string } & Record<string, unknown>, { ctx, services }) =>
    services.cases.move(ctx, id, to, parseArgs(needsReason ? caseCloseBody : caseMoveBody, args)),
  );

export const caseResolvers: IResolvers = {
  Query: {
    cases: guard({ roles: CASE_READERS, scopes: ['cases:read'] }, (args: Record<string, unknown>, { ctx, services }) => {
      const { limit, cursor } = parseArgs(pageQuery, args);
      return services.cases.list(ctx, parseArgs(listCasesQuery, args), { limit, cursor });
    }),
    caseStatistics: guard(CASE_STATISTICS_READERS, (args: Record<string, unknown>, { ctx, services }) => services.cases.statistics(ctx, parseArgs(caseStatisticsQuery, args))),
    case: guard({ roles: CASE_READERS, scopes: ['cases:read'] }, ({ id }: { id: string }, { ctx, services }) => services.cases.get(ctx, id)),
  },
  Mutation: {
    createCase: guard({ roles: CASE_WRITERS, scopes: ['cases:write'] }, ({ input }: { input: unknown }, { ctx, services }) => services.cases.create(ctx, parseArgs(createCaseBody, input, 'input'))),
    acceptCase: mover('accepted', false),
    completeCase: mover('completed', false),
    returnCase: mover('returned', true),
    refuseCase: mover('refused', true),
    runDefaultRatings: guard(DEFAULT_RATING_RUNNERS, (_args: unknown, { ctx, services }) => services.defaultRatings.run(ctx)),
  },
};

export const caseLoaders: MercuriusLoaders = {
  Case: {
    unit: (queries: { obj: CaseDto }[], { ctx, services }) => loadBy(queries, (c) => c.unitId, (ids) => services.units.byIds(ctx, ids)),
    item: (queries: { obj: CaseDto }[], { services }) => loadBy(queries, (c) => c.itemId, services.serviceItems.byIds),
  },
};
