import type { IResolvers, MercuriusLoaders } from 'mercurius';
import { guard, loadBy } from '../../lib/graphql.js';
import { pageQuery } from '../../lib/http.js';
import { parseArgs } from '../../plugins/graphql.js';
import { DEED_READERS, DEED_RECORDERS, createDeedBody, listDeedsQuery } from './schemas.js';
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
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
    unit: Unit!
  }
  type DeedPage { items: [Deed!]! nextCursor: String }
  input CreateDeedInput { unitId: ID!, cycleId: ID, title: String!, description: String!, doneOn: String!, beneficiaries: Int, evidence: [String!] }

  extend type Query {
    deeds(unitId: ID, departmentId: ID, cycleId: ID, from: String, to: String, limit: Int, cursor: String): DeedPage!
    deed(id: ID!): Deed
  }
  extend type Mutation {
    recordDeed(input: CreateDeedInput!): Deed!
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
  },
};

export const deedLoaders: MercuriusLoaders = {
  Deed: {
    unit: (queries: { obj: DeedDto }[], { ctx, services }) => loadBy(queries, (d) => d.unitId, (ids) => services.units.byIds(ctx, ids)),
  },
};
