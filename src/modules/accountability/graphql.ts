import type { IResolvers, MercuriusLoaders } from 'mercurius';
import { guard, loadBy } from '../../lib/graphql.js';
import { pageQuery } from '../../lib/http.js';
import { parseArgs } from '../../plugins/graphql.js';
import { ACCOUNTABILITY_READERS, createAccountabilityBody, listAccountabilityQuery } from './schemas.js';
import type { AccountabilityActionDto } from './schemas.js';

export const accountabilityTypeDefs = /* GraphQL */ `
  "约谈 / 通报批评 / 党纪政纪处分 / 降职"
  enum AccountabilityType { interview notice_of_criticism disciplinary_action demotion }
  enum AccountabilityTargetKind { person unit department }
  enum AccountabilityCauseType { inspection_finding complaint problem }

  type AccountabilityTarget { kind: AccountabilityTargetKind! unitId: ID departmentId: ID personName: String personRole: String }
  "the inspection finding, complaint or problem behind the action"
  type AccountabilityCause { type: AccountabilityCauseType! id: ID! }

  "问责: an accountability action and what caused it"
  type AccountabilityAction {
    id: ID!
    type: AccountabilityType!
    typeLabel: Label!
    target: AccountabilityTarget!
    reason: String!
    decidedAt: DateTime!
    cause: AccountabilityCause!
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
    "the target unit (or the unit a person serves in)"
    unit: Unit
    "the target department (or the department a person serves in)"
    department: Department
  }
  type AccountabilityActionPage { items: [AccountabilityAction!]! nextCursor: String }
  input AccountabilityTargetInput { kind: AccountabilityTargetKind!, unitId: ID, departmentId: ID, personName: String, personRole: String }
  input AccountabilityCauseInput { type: AccountabilityCauseType!, id: ID! }
  input CreateAccountabilityActionInput {
    type: AccountabilityType!, target: AccountabilityTargetInput!, reason: String!, decidedAt: String!, cause: AccountabilityCauseInput!
  }

  extend type Query {
    accountabilityActions(
      type: AccountabilityType, targetKind: AccountabilityTargetKind, unitId: ID, departmentId: ID, causeType: AccountabilityCauseType, causeId: ID,
      from: String, to: String, limit: Int, cursor: String
    ): AccountabilityActionPage!
    accountabilityAction(id: ID!): AccountabilityAction
  }
  extend type Mutation {
    createAccountabilityAction(input: CreateAccountabilityActionInput!): AccountabilityAction!
  }
`;

/** GraphQL sends explicit nulls inside input objects; zod optional() wants them absent. */
const withoutNulls = (o: unknown) =>
  o && typeof o === 'object' ? Object.fromEntries(Object.entries(o as Record<string, unknown>).filter(([, v]) => v !== null)) : o;

export const accountabilityResolvers: IResolvers = {
  Query: {
    accountabilityActions: guard(ACCOUNTABILITY_READERS, (args: Record<string, unknown>, { ctx, services }) => {
      const { limit, cursor } = parseArgs(pageQuery, args);
      return services.accountability.list(ctx, parseArgs(listAccountabilityQuery, args), { limit, cursor });
    }),
    accountabilityAction: guard(ACCOUNTABILITY_READERS, ({ id }: { id: string }, { ctx, services }) => services.accountability.get(ctx, id)),
  },
  Mutation: {
    createAccountabilityAction: guard(['admin'], ({ input }: { input: { target?: unknown } }, { ctx, services }) =>
      services.accountability.create(ctx, parseArgs(createAccountabilityBody, { ...input, target: withoutNulls(input.target) }, 'input')),
    ),
  },
};

export const accountabilityLoaders: MercuriusLoaders = {
  AccountabilityAction: {
    unit: (queries: { obj: AccountabilityActionDto }[], { ctx, services }) =>
      loadBy(queries, (x) => x.target.unitId, (ids) => services.units.byIds(ctx, ids)),
    department: (queries: { obj: AccountabilityActionDto }[], { services }) =>
      loadBy(queries, (x) => x.target.departmentId, (ids) => services.departments.byIds(ids)),
  },
};
