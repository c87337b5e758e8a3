import type { IResolvers, MercuriusLoaders } from 'mercurius';
import { guard, loadBy } from '../../lib/graphql.js';
import { pageQuery } from '../../lib/http.js';
import { ALL_AUTHENTICATED } from '../../lib/principal.js';
import { parseArgs } from '../../plugins/graphql.js';
import { bulkEnrollBody, disqualifyBody, enrollBody, listEnrollmentsQuery, withdrawBody } from './schemas.js';
import type { EnrollmentDto } from './schemas.js';

export const enrollmentTypeDefs = /* GraphQL */ `
  "参评 / 退出 / 取消评比资格"
  enum EnrollmentStatus { enrolled withdrawn disqualified }
  enum EnrollmentEvidenceType { complaint inspection_finding problem other }
  type EnrollmentEvidence { type: EnrollmentEvidenceType! id: ID! }
  input EnrollmentEvidenceInput { type: EnrollmentEvidenceType!, id: ID! }

  "A unit taking part in a cycle (参评)"
  type Enrollment {
    id: ID!
    cycleId: ID!
    unitId: ID!
    category: Category!
    status: EnrollmentStatus!
    statusLabel: Label!
    reason: String
    evidence: [EnrollmentEvidence!]!
    statusChangedAt: DateTime!
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
    unit: Unit!
    cycle: Cycle!
  }
  type EnrollmentPage { items: [Enrollment!]! nextCursor: String }
  type BulkEnrollResult { matched: Int! enrolled: Int! reenrolled: Int! alreadyEnrolled: Int! disqualified: Int! }
  input EnrollUnitsInput { category: Category, regionId: ID, departmentId: ID, unitIds: [ID!] }

  extend type Query {
    enrollments(cycleId: ID!, status: EnrollmentStatus, category: Category, regionId: ID, departmentId: ID, q: String, limit: Int, cursor: String): EnrollmentPage!
    enrollment(id: ID!): Enrollment
  }
  extend type Mutation {
    enrollUnit(cycleId: ID!, unitId: ID!): Enrollment!
    enrollUnits(cycleId: ID!, input: EnrollUnitsInput!): BulkEnrollResult!
    withdrawEnrollment(id: ID!, version: Int!, reason: String): Enrollment!
    disqualifyEnrollment(id: ID!, version: Int!, reason: String!, evidence: [EnrollmentEvidenceInput!]): Enrollment!
  }
`;

export const enrollmentResolvers: IResolvers = {
  Query: {
    enrollments: guard({ roles: ALL_AUTHENTICATED, scopes: ['reference:read'] }, (args: Record<string, unknown> & { cycleId: string }, { ctx, services }) => {
      const { limit, cursor } = parseArgs(pageQuery, args);
      const { cycleId, limit: _l, cursor: _c, ...filter } = args;
      return services.enrollments.list(ctx, cycleId, parseArgs(listEnrollmentsQuery, filter), { limit, cursor });
    }),
    enrollment: guard({ roles: ALL_AUTHENTICATED, scopes: ['reference:read'] }, ({ id }: { id: string }, { ctx, services }) => services.enrollments.get(ctx, id)),
  },
  Mutation: {
    enrollUnit: guard(['admin'], ({ cycleId, unitId }: { cycleId: string; unitId: string }, { ctx, services }) =>
      services.enrollments.enroll(ctx, cycleId, parseArgs(enrollBody, { unitId }).unitId),
    ),
    enrollUnits: guard(['admin'], ({ cycleId, input }: { cycleId: string; input: unknown }, { ctx, services }) =>
      services.enrollments.enrollMany(ctx, cycleId, parseArgs(bulkEnrollBody, input, 'input')),
    ),
    withdrawEnrollment: guard(['admin'], ({ id, version, reason }: { id: string; version: number; reason?: string }, { ctx, services }) =>
      services.enrollments.withdraw(ctx, id, version, parseArgs(withdrawBody, { reason }).reason),
    ),
    disqualifyEnrollment: guard(['admin'], (args: { id: string; version: number; reason: string; evidence?: unknown }, { ctx, services }) =>
      services.enrollments.disqualify(ctx, args.id, args.version, parseArgs(disqualifyBody, { reason: args.reason, evidence: args.evidence })),
    ),
  },
};

export const enrollmentLoaders: MercuriusLoaders = {
  Enrollment: {
    unit: (queries: { obj: EnrollmentDto }[], { ctx, services }) => loadBy(queries, (e) => e.unitId, (ids) => services.units.byIds(ctx, ids)),
    cycle: (queries: { obj: EnrollmentDto }[], { services }) => loadBy(queries, (e) => e.cycleId, services.cycles.byIds),
  },
};
