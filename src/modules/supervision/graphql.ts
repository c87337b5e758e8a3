import type { IResolvers, MercuriusLoaders } from 'mercurius';
import { guard, loadBy } from '../../lib/graphql.js';
import { pageQuery } from '../../lib/http.js';
import { parseArgs } from '../../plugins/graphql.js';
import { FEEDBACK_READERS } from './feedback.js';
import {
  createRoundBody,
  createSupervisorBody,
  listFindingsQuery,
  listReportsQuery,
  listRoundsQuery,
  listSupervisorsQuery,
  listTasksQuery,
  reasonBody,
  reportBody,
  reviewBody,
  updateRoundBody,
  updateSupervisorBody,
  walkInBody,
} from './schemas.js';
import type { SupervisorDto, TaskDto } from './schemas.js';
import { departmentById } from '../departments/graphql.js';
import { unitById } from '../units/graphql.js';

/*
 * The unit's view (InspectionFeedback, InspectionFeedbackFinding) is a separate type with no path to a task or a
 * supervisor, so no selection set a unit or department can write reaches who inspected it.
 */
export const supervisionTypeDefs = /* GraphQL */ `
  enum InspectionRoundKind { sweep targeted }
  enum InspectionRoundStatus { draft generated closed }
  enum InspectionTaskStatus { assigned accepted reported reviewed expired cancelled }
  enum InspectionFindingSeverity { minor major serious }
  enum InspectionFindingStatus { pending accepted dismissed }
  "what a feedback item (反馈暗访信息) is about"
  enum InspectionFindingCategory { attitude efficiency quality environment discipline other }
  "task: of a dispatched task; walk_in: 随机暗访, on the supervisor's own initiative"
  enum InspectionReportOrigin { task walk_in }

  type SupervisorContact { phone: String email: String }
  "义务监督员: a volunteer supervisor"
  type Supervisor {
    id: ID!
    name: String!
    "工作单位"
    affiliation: String!
    sector: String!
    departmentId: ID
    department: Department
    "private: null unless you are the admin or the supervisor"
    contact: SupervisorContact
    termStart: String!
    termEnd: String
    active: Boolean!
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
  }
  type SupervisorPage { items: [Supervisor!]! nextCursor: String }

  type InspectionRoundFilter { category: Category regionId: ID departmentId: ID }
  type InspectionWindow { startsAt: DateTime! endsAt: DateTime! }
  "暗访轮次: a sweep (拉网式) or targeted round"
  type InspectionRound {
    id: ID!
    name: String!
    cycleId: ID
    kind: InspectionRoundKind!
    kindLabel: Label!
    filter: InspectionRoundFilter
    unitIds: [ID!]
    window: InspectionWindow!
    focus: String
    instructions: String
    seed: Int!
    tasksPerUnit: Int!
    status: InspectionRoundStatus!
    statusLabel: Label!
    generatedAt: DateTime
    closedAt: DateTime
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
  }
  type InspectionRoundPage { items: [InspectionRound!]! nextCursor: String }
  type UnassignedUnit { unitId: ID! missing: Int! reason: String! }
  type InspectionTaskGeneration { round: InspectionRound! taskIds: [ID!]! tasksCreated: Int! unassigned: [UnassignedUnit!]! }
  type InspectionTaskExpiry { expired: [ID!]! }

  type InspectionRatings { attitude: Int! efficiency: Int! quality: Int! environment: Int! discipline: Int! }
  "反馈暗访信息 (one 条次): a problem or observation of a report"
  type InspectionFinding {
    id: ID!
    "null on a walk-in report"
    taskId: ID
    reportId: ID!
    unitId: ID!
    category: InspectionFindingCategory!
    categoryLabel: Label!
    description: String!
    severity: InspectionFindingSeverity!
    severityLabel: Label!
    evidenceLinks: [String!]!
    status: InspectionFindingStatus!
    statusLabel: Label!
    reviewNote: String
    problemId: ID
    "the unit's enrollment in the round's cycle (POST /enrollments/{id}/disqualify for a serious finding)"
    enrollmentId: ID
    reviewedAt: DateTime
  }
  type InspectionFindingPage { items: [InspectionFinding!]! nextCursor: String }
  "暗访反馈: the supervisor report, of a task or a walk-in"
  type InspectionReport {
    id: ID!
    origin: InspectionReportOrigin!
    originLabel: Label!
    taskId: ID
    roundId: ID
    supervisorId: ID
    unitId: ID!
    visitedAt: DateTime!
    ratings: InspectionRatings!
    summary: String
    findings: [InspectionFinding!]!
    reviewedAt: DateTime
    createdAt: DateTime!
  }
  type InspectionReportPage { items: [InspectionReport!]! nextCursor: String }
  "点对点 task: one supervisor, one unit, a time window"
  type InspectionTask {
    id: ID!
    roundId: ID!
    supervisorId: ID!
    unitId: ID!
    window: InspectionWindow!
    focus: String
    instructions: String
    status: InspectionTaskStatus!
    statusLabel: Label!
    statusReason: String
    acceptedAt: DateTime
    reportedAt: DateTime
    reviewedAt: DateTime
    closedAt: DateTime
    report: InspectionReport
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
    supervisor: Supervisor
    unit: Unit
    "the office only; null for a supervisor"
    round: InspectionRound
  }
  type InspectionTaskPage { items: [InspectionTask!]! nextCursor: String }

  type InspectionFeedbackFinding {
    id: ID!
    category: InspectionFindingCategory!
    categoryLabel: Label!
    description: String!
    severity: InspectionFindingSeverity!
    severityLabel: Label!
    evidenceLinks: [String!]!
    status: InspectionFindingStatus!
    statusLabel: Label!
    problemId: ID
  }
  "暗访反馈 as the unit sees it: who inspected is never shown"
  type InspectionFeedback {
    id: ID!
    unitId: ID!
    cycleId: ID
    visitedAt: DateTime!
    ratings: InspectionRatings!
    summary: String
    reviewed: Boolean!
    findings: [InspectionFeedbackFinding!]!
  }
  type InspectionFeedbackPage { items: [InspectionFeedback!]! nextCursor: String }

  input SupervisorContactInput { phone: String, email: String }
  input CreateSupervisorInput {
    name: String!, affiliation: String!, sector: String!, departmentId: ID, contact: SupervisorContactInput,
    termStart: String!, termEnd: String, active: Boolean
  }
  input UpdateSupervisorInput {
    name: String, affiliation: String, sector: String, departmentId: ID, contact: SupervisorContactInput,
    termStart: String, termEnd: String, active: Boolean
  }
  input InspectionRoundFilterInput { category: Category, regionId: ID, departmentId: ID }
  input InspectionWindowInput { startsAt: String!, endsAt: String! }
  input CreateInspectionRoundInput {
    kind: InspectionRoundKind!, name: String!, cycleId: ID, filter: InspectionRoundFilterInput, unitIds: [ID!],
    window: InspectionWindowInput!, focus: String, instructions: String, seed: Int, tasksPerUnit: Int
  }
  input UpdateInspectionRoundInput {
    name: String, cycleId: ID, filter: InspectionRoundFilterInput, unitIds: [ID!], window: InspectionWindowInput,
    focus: String, instructions: String, seed: Int, tasksPerUnit: Int
  }
  input InspectionRatingsInput { attitude: Int!, efficiency: Int!, quality: Int!, environment: Int!, discipline: Int! }
  input InspectionFindingInput { category: InspectionFindingCategory, description: String!, severity: InspectionFindingSeverity, evidenceLinks: [String!] }
  input InspectionReportInput { visitedAt: String!, ratings: InspectionRatingsInput!, summary: String, findings: [InspectionFindingInput!] }
  input WalkInReportInput { unitId: ID!, roundId: ID, visitedAt: String!, ratings: InspectionRatingsInput!, summary: String, findings: [InspectionFindingInput!] }
  input InspectionFindingDecisionInput { findingId: ID!, accepted: Boolean!, note: String }

  extend type Query {
    supervisors(active: Boolean, departmentId: ID, sector: String, q: String, limit: Int, cursor: String): SupervisorPage!
    supervisor(id: ID!): Supervisor
    mySupervisorProfile: Supervisor!
    inspectionRounds(cycleId: ID, status: InspectionRoundStatus, kind: InspectionRoundKind, limit: Int, cursor: String): InspectionRoundPage!
    inspectionRound(id: ID!): InspectionRound
    inspectionTasks(roundId: ID, supervisorId: ID, unitId: ID, status: InspectionTaskStatus, limit: Int, cursor: String): InspectionTaskPage!
    inspectionTask(id: ID!): InspectionTask
    inspectionFindings(roundId: ID, unitId: ID, status: InspectionFindingStatus, severity: InspectionFindingSeverity, limit: Int, cursor: String): InspectionFindingPage!
    inspectionFeedback(unitId: ID!, limit: Int, cursor: String): InspectionFeedbackPage!
    "reports of tasks and walk-ins; a supervisor sees only its own"
    inspectionReports(origin: InspectionReportOrigin, supervisorId: ID, roundId: ID, unitId: ID, limit: Int, cursor: String): InspectionReportPage!
    inspectionReport(id: ID!): InspectionReport
  }
  extend type Mutation {
    createSupervisor(input: CreateSupervisorInput!): Supervisor!
    updateSupervisor(id: ID!, version: Int!, input: UpdateSupervisorInput!): Supervisor!
    createInspectionRound(input: CreateInspectionRoundInput!): InspectionRound!
    updateInspectionRound(id: ID!, version: Int!, input: UpdateInspectionRoundInput!): InspectionRound!
    generateInspectionTasks(id: ID!): InspectionTaskGeneration!
    expireOverdueInspectionTasks(roundId: ID!): InspectionTaskExpiry!
    closeInspectionRound(id: ID!, version: Int): InspectionRound!
    acceptInspectionTask(id: ID!): InspectionTask!
    reportInspectionTask(id: ID!, input: InspectionReportInput!): InspectionTask!
    reviewInspectionTask(id: ID!, decisions: [InspectionFindingDecisionInput!]!): InspectionTask!
    expireInspectionTask(id: ID!, reason: String): InspectionTask!
    cancelInspectionTask(id: ID!, reason: String): InspectionTask!
    "随机暗访: a walk-in visit on the supervisor's own initiative"
    fileWalkInReport(input: WalkInReportInput!): InspectionReport!
    reviewWalkInReport(id: ID!, decisions: [InspectionFindingDecisionInput!]!): InspectionReport!
  }
`;

type Args = Record<string, unknown>;
const page = (args: Args) => parseArgs(pageQuery, { limit: args.limit, cursor: args.cursor });

export const supervisionResolvers: IResolvers = {
  Query: {
    supervisors: guard(['admin'], (args: Args, { ctx, services }) =>
      services.supervision.supervisors.list(ctx, parseArgs(listSupervisorsQuery, args), page(args)),
    ),
    supervisor: guard(['admin'], ({ id }: { id: string }, { ctx, services }) => services.supervision.supervisors.get(ctx, id)),
    mySupervisorProfile: guard(['supervisor'], (_args, { ctx, services }) => services.supervision.supervisors.me(ctx)),
    inspectionRounds: guard(['admin'], (args: Args, { ctx, services }) =>
      services.supervision.rounds.list(ctx, parseArgs(listRoundsQuery, { ...args, limit: undefined, cursor: undefined }), page(args)),
    ),
    inspectionRound: guard(['admin'], ({ id }: { id: string }, { ctx, services }) => services.supervision.rounds.get(ctx, id)),
    inspectionTasks: guard(['admin', 'supervisor'], (args: Args, { ctx, services }) =>
      services.supervision.tasks.list(ctx, parseArgs(listTasksQuery, { ...args, limit: undefined, cursor: undefined }), page(args)),
    ),
    inspectionTask: guard(['admin', 'supervisor'], ({ id }: { id: string }, { ctx, services }) => services.supervision.tasks.get(ctx, id)),
    inspectionFindings: guard(['admin'], (args: Args, { ctx, services }) =>
      services.supervision.tasks.listFindings(ctx, parseArgs(listFindingsQuery, { ...args, limit: undefined, cursor: undefined }), page(args)),
    ),
    inspectionReports: guard(['admin', 'supervisor'], (args: Args, { ctx, services }) =>
      services.supervision.reports.list(ctx, parseArgs(listReportsQuery, { ...args, limit: undefined, cursor: undefined }), page(args)),
    ),
    inspectionReport: guard(['admin', 'supervisor'], ({ id }: { id: string }, { ctx, services }) => services.supervision.reports.get(ctx, id)),
    inspectionFeedback: guard(FEEDBACK_READERS, (args: Args & { unitId: string }, { ctx, services }) => services.supervision.feedback.forUnit(ctx, args.unitId, page(args))),
  },
  Mutation: {
    createSupervisor: guard(['admin'], ({ input }: { input: unknown }, { ctx, services }) =>
      services.supervision.supervisors.create(ctx, parseArgs(createSupervisorBody, input, 'input')),
    ),
    updateSupervisor: guard(['admin'], ({ id, version, input }: { id: string; version: number; input: unknown }, { ctx, services }) =>
      services.supervision.supervisors.update(ctx, id, version, parseArgs(updateSupervisorBody, input, 'input')),
    ),
    createInspectionRound: guard(['admin'], ({ input }: { input: unknown }, { ctx, services }) =>
      services.supervision.rounds.create(ctx, parseArgs(createRoundBody, input, 'input')),
    ),
    updateInspectionRound: guard(['admin'], ({ id, version, input }: { id: string; version: number; input: unknown }, { ctx, services }) =>
      services.supervision.rounds.update(ctx, id, version, parseArgs(updateRoundBody, input, 'input')),
    ),
    generateInspectionTasks: guard(['admin'], ({ id }: { id: string }, { ctx, services }) => services.supervision.rounds.generateTasks(ctx, id)),
    expireOverdueInspectionTasks: guard(['admin'], ({ roundId }: { roundId: string }, { ctx, services }) => services.supervision.rounds.expireOverdue(ctx, roundId)),
    closeInspectionRound: guard(['admin'], ({ id, version }: { id: string; version?: number | null }, { ctx, services }) =>
      services.supervision.rounds.close(ctx, id, version ?? undefined),
    ),
    acceptInspectionTask: guard(['supervisor'], ({ id }: { id: string }, { ctx, services }) => services.supervision.tasks.accept(ctx, id)),
    reportInspectionTask: guard(['supervisor'], ({ id, input }: { id: string; input: unknown }, { ctx, services }) =>
      services.supervision.tasks.report(ctx, id, parseArgs(reportBody, input, 'input')),
    ),
    reviewInspectionTask: guard(['admin'], ({ id, decisions }: { id: string; decisions: unknown }, { ctx, services }) =>
      services.supervision.tasks.review(ctx, id, parseArgs(reviewBody, { decisions })),
    ),
    expireInspectionTask: guard(['admin'], ({ id, reason }: { id: string; reason?: string }, { ctx, services }) =>
      services.supervision.tasks.expire(ctx, id, parseArgs(reasonBody, { reason }).reason),
    ),
    fileWalkInReport: guard(['supervisor'], ({ input }: { input: unknown }, { ctx, services }) =>
      services.supervision.reports.file(ctx, parseArgs(walkInBody, input, 'input')),
    ),
    reviewWalkInReport: guard(['admin'], ({ id, decisions }: { id: string; decisions: unknown }, { ctx, services }) =>
      services.supervision.reports.review(ctx, id, parseArgs(reviewBody, { decisions })),
    ),
    cancelInspectionTask: guard(['admin'], ({ id, reason }: { id: string; reason?: string }, { ctx, services }) =>
      services.supervision.tasks.cancel(ctx, id, parseArgs(reasonBody, { reason }).reason),
    ),
  },
};

export const supervisionLoaders: MercuriusLoaders = {
  Supervisor: {
    department: departmentById.by((s: SupervisorDto) => s.departmentId),
  },
  InspectionTask: {
    supervisor: (queries: { obj: TaskDto }[], { ctx, services }) => loadBy(queries, (t) => t.supervisorId, (ids) => services.supervision.supervisors.byIds(ctx, ids)),
    unit: unitById.by((t: TaskDto) => t.unitId),
    round: (queries: { obj: TaskDto }[], { ctx, services }) => loadBy(queries, (t) => t.roundId, (ids) => services.supervision.rounds.byIds(ctx, ids)),
  },
};
