import type { IResolvers, MercuriusLoaders } from 'mercurius';
import { guard } from '../../lib/graphql.js';
import { pageQuery } from '../../lib/http.js';
import { parseArgs } from '../../plugins/graphql.js';
import { PROBLEM_READERS, RECTIFIERS, bulkTransitionBody, createProblemBody, listProblemsQuery, noteBody, rejectProblemBody, submitProblemBody, updateProblemBody } from './schemas.js';
import type { ProblemDto } from './schemas.js';
import { unitById } from '../units/graphql.js';

export const problemTypeDefs = /* GraphQL */ `
  "考评扣分 / 暗访发现 / 投诉举报 / 群众差评 / 媒体曝光 / 其他"
  enum ProblemSourceType { assessment_deduction inspection_finding complaint rating media manual }
  "一般 / 较重 / 严重"
  enum ProblemSeverity { minor major serious }
  "待整改 / 整改中 / 已提交整改 / 已整改销号"
  enum ProblemStatus { open rectifying submitted verified }

  "One step in the history of a problem"
  type ProblemEvent {
    id: ID!
    problemId: ID!
    action: String!
    fromStatus: ProblemStatus
    toStatus: ProblemStatus!
    actorRole: String!
    note: String
    at: DateTime!
  }

  "问题整改: a problem found by any channel and its rectification"
  type Problem {
    id: ID!
    unitId: ID!
    cycleId: ID
    sourceType: ProblemSourceType!
    sourceTypeLabel: Label!
    sourceId: ID
    severity: ProblemSeverity!
    severityLabel: Label!
    description: String!
    deadline: DateTime!
    overdue: Boolean!
    responsiblePerson: String
    "整改责任书 signed"
    responsibilityLetterSigned: Boolean!
    signedAt: DateTime
    status: ProblemStatus!
    statusLabel: Label!
    "整改措施 as free text (older rows); the records are at GET /problems/{id}/measures"
    measures: String
    "热点难点问题"
    isHot: Boolean!
    "the office user who submitted on the department's behalf (代为提交)"
    submittedOnBehalfBy: String
    evidence: [String!]!
    rejectionReason: String
    submittedAt: DateTime
    verifiedAt: DateTime
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
    unit: Unit!
    events: [ProblemEvent!]!
  }
  type ProblemPage { items: [Problem!]! nextCursor: String }
  input CreateProblemInput {
    unitId: ID!, cycleId: ID, sourceType: ProblemSourceType!, sourceId: ID, severity: ProblemSeverity!, description: String!,
    deadline: String, responsiblePerson: String, isHot: Boolean
  }
  input UpdateProblemInput { deadline: String, responsiblePerson: String, severity: ProblemSeverity }
  input MeasureInput { text: String!, responsibleParty: String, dueOn: String, status: MeasureStatus, evidence: [String!] }
  enum MeasureStatus { planned in_progress done }
  enum ProblemBulkAction { start submit verify reject }
  input SubmitProblemInput { measures: String, measureItems: [MeasureInput!], evidence: [String!]! }

  extend type Query {
    problems(
      status: ProblemStatus, unitId: ID, departmentId: ID, cycleId: ID, severity: ProblemSeverity, sourceType: ProblemSourceType,
      overdue: Boolean, isHot: Boolean, limit: Int, cursor: String
    ): ProblemPage!
    problem(id: ID!): Problem
  }
  extend type Mutation {
    createProblem(input: CreateProblemInput!): Problem!
    updateProblem(id: ID!, version: Int!, input: UpdateProblemInput!): Problem!
    signProblemLetter(id: ID!, version: Int, note: String): Problem!
    startProblemRectification(id: ID!, version: Int, note: String): Problem!
    submitProblemRectification(id: ID!, version: Int, input: SubmitProblemInput!): Problem!
    verifyProblem(id: ID!, version: Int, note: String): Problem!
    rejectProblem(id: ID!, version: Int, reason: String!): Problem!
    "one decision for many problems, all or nothing"
    transitionProblems(ids: [ID!]!, action: ProblemBulkAction!, note: String, evidence: [String!]): [Problem!]!
  }
`;

type Transition = { id: string; version?: number | null; note?: string | null };

export const problemResolvers: IResolvers = {
  Query: {
    problems: guard({ roles: PROBLEM_READERS, regionScoped: true }, (args: Record<string, unknown>, { ctx, services }) => {
      const { limit, cursor } = parseArgs(pageQuery, args);
      return services.problems.list(ctx, parseArgs(listProblemsQuery, args), { limit, cursor });
    }),
    problem: guard({ roles: PROBLEM_READERS, regionScoped: true }, ({ id }: { id: string }, { ctx, services }) => services.problems.get(ctx, id)),
  },
  Mutation: {
    createProblem: guard(['admin'], async ({ input }: { input: unknown }, { ctx, services }) => {
      const { deadline, ...rest } = parseArgs(createProblemBody, input, 'input');
      return (await services.problems.create(ctx, { ...rest, deadline: deadline ? new Date(deadline) : null })).problem;
    }),
    updateProblem: guard(['admin'], ({ id, version, input }: { id: string; version: number; input: unknown }, { ctx, services }) =>
      services.problems.update(ctx, id, version, parseArgs(updateProblemBody, input, 'input')),
    ),
    signProblemLetter: guard(RECTIFIERS, ({ id, version, note }: Transition, { ctx, services }) =>
      services.problems.signLetter(ctx, id, version ?? undefined, parseArgs(noteBody, { note }).note),
    ),
    startProblemRectification: guard(RECTIFIERS, ({ id, version, note }: Transition, { ctx, services }) =>
      services.problems.start(ctx, id, version ?? undefined, parseArgs(noteBody, { note }).note),
    ),
    transitionProblems: guard({ roles: ['admin'], regionScoped: true }, (args: Record<string, unknown>, { ctx, services }) => services.problems.bulkTransition(ctx, parseArgs(bulkTransitionBody, args))),
    submitProblemRectification: guard(['admin', 'department', 'unit'], ({ id, version, input }: Transition & { input: unknown }, { ctx, services }) =>
      services.problems.submit(ctx, id, version ?? undefined, parseArgs(submitProblemBody, input, 'input')),
    ),
    verifyProblem: guard(['admin'], ({ id, version, note }: Transition, { ctx, services }) =>
      services.problems.verify(ctx, id, version ?? undefined, parseArgs(noteBody, { note }).note),
    ),
    rejectProblem: guard(['admin'], ({ id, version, reason }: Transition & { reason: string }, { ctx, services }) =>
      services.problems.reject(ctx, id, version ?? undefined, parseArgs(rejectProblemBody, { reason }).reason),
    ),
  },
};

export const problemLoaders: MercuriusLoaders = {
  Problem: {
    unit: unitById.by((p: ProblemDto) => p.unitId),
    events: async (queries: { obj: ProblemDto }[], { services }) => {
      const byProblem = await services.problems.eventsFor(queries.map((q) => q.obj.id));
      return queries.map((q) => byProblem.get(q.obj.id) ?? []);
    },
  },
};
