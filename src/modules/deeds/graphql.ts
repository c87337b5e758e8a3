import type { IResolvers, MercuriusLoaders } from 'mercurius';
import { guard, loadBy } from '../../lib/graphql.js';
import { pageQuery } from '../../lib/http.js';
import { parseArgs } from '../../plugins/graphql.js';
import { DEED_READERS, DEED_RECORDERS, DEED_VERIFIERS, bulkDeedsBody, createDeedBody, deedDecisionBody, listDeedsQuery } from './schemas.js';
import type { DeedDto } from './schemas.js';

export const deedTypeDefs = /* GraphQL */ `
  "为群众办实事: a practical thing a unit did for the public"
  type Deed {
    id: ID!
    unitId: ID!
    cycleId: ID
    title: String!
    description: String!
    "YYYY-MM-DD"
    doneOn: String!
    beneficiaries: Int
    evidence: [String!]!
    recordedByRole: String!
    "热点难点"
    isHot: Boolean!
    "reported → verified | rejected by the office; only verified deeds earn bonus points"
    status: DeedStatus!
    statusLabel: Label!
    decidedAt: DateTime
    rejectionReason: String
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
    unit: Unit!
  }
  enum DeedStatus { reported verified rejected }
  enum DeedDecision { verify reject }
  type DeedPage { items: [Deed!]! nextCursor: String }
  input CreateDeedInput { unitId: ID!, cycleId: ID, title: String!, description: String!, doneOn: String!, beneficiaries: Int, evidence: [String!], isHot: Boolean }

  extend type Query {
    deeds(unitId: ID, departmentId: ID, cycleId: ID, from: String, to: String, status: DeedStatus, isHot: Boolean, limit: Int, cursor: String): DeedPage!
    deed(id: ID!): Deed
  }
  extend type Mutation {
    recordDeed(input: CreateDeedInput!): Deed!
    "many deeds, all or nothing"
    recordDeeds(deeds: [CreateDeedInput!]!): [Deed!]!
    "核实: verify or reject reported deeds, all or nothing (a rejection needs a reason)"
    decideDeeds(ids: [ID!]!, decision: DeedDecision!, reason: String): [Deed!]!
  }
`;

export const deedResolvers: IResolvers = {
  Query: {
    deeds: guard(DEED_READERS, (args: Record<string, unknown>, { ctx, services }) => {
      const { limit, cursor } = parseArgs(pageQuery, args);
      return services.deeds.list(ctx, parseArgs(listDeedsQuery, args), { limit, cursor });
    }),
    deed: guard(DEED_READERS, ({ id }: { id: string }, { ctx, services }) => services.deeds.get(ctx, id)),
  },
  Mutation: {
    recordDeed: guard(DEED_RECORDERS, ({ input }: { input: unknown }, { ctx, services }) => services.deeds.create(ctx, parseArgs(createDeedBody, input, 'input'))),
    recordDeeds: guard(DEED_RECORDERS, (args: { deeds: unknown }, { ctx, services }) => services.deeds.createMany(ctx, parseArgs(bulkDeedsBody, args).deeds)),
    decideDeeds: guard(DEED_VERIFIERS, (args: Record<string, unknown>, { ctx, services }) => services.deeds.decide(ctx, parseArgs(deedDecisionBody, args))),
  },
};

export const deedLoaders: MercuriusLoaders = {
  Deed: {
    unit: (queries: { obj: DeedDto }[], { ctx, services }) => loadBy(queries, (d) => d.unitId, (ids) => services.units.byIds(ctx, ids)),
  },
};
