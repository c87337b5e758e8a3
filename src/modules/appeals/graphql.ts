import type { IResolvers, MercuriusLoaders } from 'mercurius';
import { guard, loadBy } from '../../lib/graphql.js';
import { pageQuery } from '../../lib/http.js';
import { STAFF } from '../../lib/principal.js';
import { parseArgs } from '../../plugins/graphql.js';
import { APPEAL_READERS, APPELLANTS, DECIDERS, appealStatisticsQuery, decideAppealBody, fileAppealBody, listAppealsQuery, withdrawAppealBody } from './schemas.js';
import type { AppealDto } from './schemas.js';

export const appealTypeDefs = /* GraphQL */ `
  "群众差评 / 考评扣分 / 暗访发现问题 / 取消评比资格 / 命名状态变更 / 投诉属实认定"
  enum AppealKind { rating scorecard_deduction inspection_finding disqualification award_transition complaint }
  "已提交 / 复核中 / 申诉成立 / 申诉不成立 / 已撤回"
  enum AppealStatus { filed under_review upheld rejected withdrawn }
  enum AppealOutcome { upheld rejected }
  type AppealEvidence { type: String! id: ID! }
  "申诉复核: an appeal against one recorded input and its decision"
  type Appeal {
    id: ID!
    kind: AppealKind!
    kindLabel: Label!
    subjectId: ID!
    "the unit the subject concerns; null for a department appealing its own bad rating"
    unitId: ID
    "the department appealing its own (万人评机关) or its leadership team's (领导班子) bad rating"
    departmentId: ID
    cycleId: ID
    appellantRole: String!
    "申诉理由"
    grounds: String!
    evidence: [AppealEvidence!]!
    links: [String!]!
    status: AppealStatus!
    statusLabel: Label!
    filedAt: DateTime!
    "复核期限"
    deadline: DateTime!
    overdue: Boolean!
    reviewStartedAt: DateTime
    decidedAt: DateTime
    deciderRole: String
    "复核意见"
    decisionReason: String
    remedy: String
    version: Int!
    unit: Unit
    department: Department
  }
  type AppealPage { items: [Appeal!]! nextCursor: String }
  type AppealKindCount { kind: AppealKind! kindLabel: Label! filed: Int! upheld: Int! rejected: Int! withdrawn: Int! open: Int! }
  "申诉统计"
  type AppealStatistics { cycleId: ID total: Int! open: Int! overdue: Int! byKind: [AppealKindCount!]! medianHoursToDecision: Float }
  input AppealEvidenceInput { type: String!, id: ID! }
  input FileAppealInput { kind: AppealKind!, subjectId: ID!, grounds: String!, evidence: [AppealEvidenceInput!], links: [String!] }

  extend type Query {
    appeals(status: AppealStatus, kind: AppealKind, unitId: ID, departmentId: ID, cycleId: ID, subjectId: ID, overdue: Boolean, limit: Int, cursor: String): AppealPage!
    appeal(id: ID!): Appeal
    appealStatistics(cycleId: ID): AppealStatistics!
  }
  extend type Mutation {
    fileAppeal(input: FileAppealInput!): Appeal!
    startAppealReview(id: ID!, version: Int): Appeal!
    decideAppeal(id: ID!, version: Int, outcome: AppealOutcome!, reason: String!): Appeal!
    withdrawAppeal(id: ID!, version: Int, note: String): Appeal!
  }
`;

type Move = { id: string; version?: number | null };

export const appealResolvers: IResolvers = {
  Query: {
    appeals: guard(APPEAL_READERS, (args: Record<string, unknown>, { ctx, services }) => {
      const { limit, cursor } = parseArgs(pageQuery, args);
      return services.appeals.list(ctx, parseArgs(listAppealsQuery, args), { limit, cursor });
    }),
    appeal: guard(APPEAL_READERS, ({ id }: { id: string }, { ctx, services }) => services.appeals.get(ctx, id)),
    appealStatistics: guard(STAFF, (args: Record<string, unknown>, { services }) => services.appeals.statistics(parseArgs(appealStatisticsQuery, args).cycleId)),
  },
  Mutation: {
    fileAppeal: guard(APPELLANTS, ({ input }: { input: unknown }, { ctx, services }) => services.appeals.file(ctx, parseArgs(fileAppealBody, input, 'input'))),
    startAppealReview: guard(DECIDERS, ({ id, version }: Move, { ctx, services }) => services.appeals.startReview(ctx, id, version ?? undefined)),
    decideAppeal: guard(DECIDERS, ({ id, version, outcome, reason }: Move & { outcome: string; reason: string }, { ctx, services }) =>
      services.appeals.decide(ctx, id, version ?? undefined, parseArgs(decideAppealBody, { outcome, reason })),
    ),
    withdrawAppeal: guard(APPELLANTS, ({ id, version, note }: Move & { note?: string | null }, { ctx, services }) =>
      services.appeals.withdraw(ctx, id, version ?? undefined, parseArgs(withdrawAppealBody, { note: note ?? undefined }).note),
    ),
  },
};

export const appealLoaders: MercuriusLoaders = {
  Appeal: {
    unit: (queries: { obj: AppealDto }[], { ctx, services }) => loadBy(queries, (a) => a.unitId, (ids) => services.units.byIds(ctx, ids)),
    department: (queries: { obj: AppealDto }[], { services }) => loadBy(queries, (a) => a.departmentId, services.departments.byIds),
  },
};
