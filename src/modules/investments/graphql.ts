import type { IResolvers } from 'mercurius';
import { guard } from '../../lib/graphql.js';
import { pageQuery } from '../../lib/http.js';
import { parseArgs } from '../../plugins/graphql.js';
import { INVESTMENT_READERS, INVESTMENT_WRITERS, correctInvestmentBody, createInvestmentBody, listInvestmentsQuery } from './schemas.js';
import { versionRequired } from '../../lib/errors.js';

export const investmentTypeDefs = /* GraphQL */ `
  "财政 / 自筹 / 企业 / 多方筹资"
  enum FundSource { fiscal self_raised enterprise mixed }
  "硬件建设投入: money spent on facilities and what it built; amountFen in fen (分)"
  type Investment {
    id: ID!
    unitId: ID
    departmentId: ID
    regionId: ID
    projectName: String
    cycleId: ID
    investedOn: String!
    "分; a Float only because GraphQL Int is 32-bit: always a whole number"
    amountFen: Float!
    amountYuan: String!
    currency: String!
    fundSource: FundSource!
    fundSourceLabel: Label!
    purpose: String!
    builtQuantity: Int
    builtWhat: String
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
  }
  type InvestmentPage { items: [Investment!]! nextCursor: String }
  input RecordInvestmentInput {
    unitId: ID, departmentId: ID, regionId: ID, projectName: String, cycleId: ID, investedOn: String!,
    "分, a whole number"
    amountFen: Float!, fundSource: FundSource!, purpose: String!, builtQuantity: Int, builtWhat: String
  }

  input CorrectInvestmentInput {
    projectName: String, investedOn: String,
    "分, a whole number"
    amountFen: Float, fundSource: FundSource, purpose: String, builtQuantity: Int, builtWhat: String, version: Int!
  }

  extend type Query {
    investments(fundSource: FundSource, cycleId: ID, unitId: ID, departmentId: ID, regionId: ID, from: String, to: String, limit: Int, cursor: String): InvestmentPage!
    investment(id: ID!): Investment
  }
  extend type Mutation {
    recordInvestment(input: RecordInvestmentInput!): Investment!
    correctInvestment(id: ID!, input: CorrectInvestmentInput!): Investment!
  }
`;

export const investmentResolvers: IResolvers = {
  Query: {
    investments: guard(INVESTMENT_READERS, (args: Record<string, unknown>, { ctx, services }) => {
      const { limit, cursor } = parseArgs(pageQuery, args);
      return services.investments.list(ctx, parseArgs(listInvestmentsQuery, args), { limit, cursor });
    }),
    investment: guard(INVESTMENT_READERS, ({ id }: { id: string }, { ctx, services }) => services.investments.get(ctx, id)),
  },
  Mutation: {
    recordInvestment: guard(INVESTMENT_WRITERS, ({ input }: { input: unknown }, { ctx, services }) =>
      services.investments.create(ctx, parseArgs(createInvestmentBody, input, 'input')),
    ),
    correctInvestment: guard(INVESTMENT_WRITERS, ({ id, input }: { id: string; input: unknown }, { ctx, services }) => {
      const body = parseArgs(correctInvestmentBody, input, 'input');
      if (body.version === undefined) throw versionRequired();
      return services.investments.correct(ctx, id, body.version, body);
    }),
  },
};
