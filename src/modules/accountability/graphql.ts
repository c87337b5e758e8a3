import type { IResolvers, MercuriusLoaders } from 'mercurius';
import { guard, loadBy } from '../../lib/graphql.js';
import { pageQuery } from '../../lib/http.js';
import { parseArgs } from '../../plugins/graphql.js';
import { ACCOUNTABILITY_READERS, createAccountabilityBody, dueQuery, listAccountabilityQuery } from './schemas.js';
import type { AccountabilityActionDto } from './schemas.js';

export const accountabilityTypeDefs = /* GraphQL */ `
  "约谈 / 通报批评 / 党纪政纪处分 / 降职"
  enum AccountabilityType { interview notice_of_criticism disciplinary_action demotion }
  enum AccountabilityTargetKind { person unit department }
  enum AccountabilityCauseType { inspection_finding complaint problem ranking_entry }
  "通报批评 范围: 本系统内 / 全乡(镇) / 全县(市) / 全州"
  enum CriticismScope { department township county prefecture }

  type AccountabilityTarget { kind: AccountabilityTargetKind! unitId: ID departmentId: ID personName: String personRole: String personId: ID }
  "the inspection finding, complaint, problem or published ranking entry (排名靠后; id: the ranking, unitId: the unit) behind the action"
  type AccountabilityCause { type: AccountabilityCauseType! id: ID! unitId: ID }

  "问责: an accountability action and what caused it"
  type AccountabilityAction {
    id: ID!
    type: AccountabilityType!
    typeLabel: Label!
    target: AccountabilityTarget!
    reason: String!
    decidedAt: DateTime!
    cause: AccountabilityCause!
    relatedCauses: [AccountabilityCause!]!
    "通报批评 only"
    scope: CriticismScope
    scopeLabel: Label
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
    "the target unit (or the unit a person serves in)"
    unit: Unit
    "the target department (or the department a person serves in)"
    department: Department
  }
  type AccountabilityActionPage { items: [AccountabilityAction!]! nextCursor: String }
  input AccountabilityTargetInput { kind: AccountabilityTargetKind!, unitId: ID, departmentId: ID, personId: ID, personName: String, personRole: String }
  input AccountabilityCauseInput { type: AccountabilityCauseType!, id: ID!, unitId: ID }
  input CreateAccountabilityActionInput {
    type: AccountabilityType!, target: AccountabilityTargetInput!, reason: String!, decidedAt: String!, cause: AccountabilityCauseInput!
    relatedCauses: [AccountabilityCauseInput!], scope: CriticismScope
  }
  "连续排名靠后 → 问责: bottom N of K consecutive period rankings"
  type AccountabilityDueRule { bottomN: Int! consecutivePeriods: Int! actionType: AccountabilityType! }
  input AccountabilityDueRuleInput { bottomN: Int!, consecutivePeriods: Int!, actionType: AccountabilityType! }
  "问责 rules of the cycle"
  type CycleAccountabilitySettings { dueRule: AccountabilityDueRule }
  input CycleAccountabilitySettingsInput { dueRule: AccountabilityDueRuleInput }
  extend input CycleSettingsInput { accountability: CycleAccountabilitySettingsInput }
  extend type CycleSettings {
    "问责 rules; null when left out (no rule)"
    accountability: CycleAccountabilitySettings
  }
  type AccountabilityDueRanking { rankingId: ID! period: String! publicationVersion: Int rank: Int! rankedUnits: Int! score: Float! }
  type AccountabilityDueTarget { kind: AccountabilityTargetKind! unitId: ID! }
  "the body to pass to createAccountabilityAction with a reason and decidedAt"
  type AccountabilityDueAction { type: AccountabilityType! target: AccountabilityDueTarget! cause: AccountabilityCause! relatedCauses: [AccountabilityCause!]! }
  type AccountabilityDueItem {
    unitId: ID! unitName: String! departmentId: ID! category: Category! actionType: AccountabilityType!
    rankings: [AccountabilityDueRanking!]! action: AccountabilityDueAction!
  }
  "应问责: units due an action by the cycle's rule, not yet acted on"
  type AccountabilityDueList { cycleId: ID! rule: AccountabilityDueRule periodRankings: Int! items: [AccountabilityDueItem!]! }

  extend type Query {
    accountabilityActions(
      type: AccountabilityType, targetKind: AccountabilityTargetKind, unitId: ID, departmentId: ID, causeType: AccountabilityCauseType, causeId: ID, personId: ID,
      from: String, to: String, limit: Int, cursor: String
    ): AccountabilityActionPage!
    accountabilityAction(id: ID!): AccountabilityAction
    "应问责 (the office; a county office gets the due units of its region only)"
    accountabilityDue(cycleId: ID!): AccountabilityDueList!
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
    accountabilityDue: guard({ roles: ['admin'], regionScoped: true }, (args: { cycleId: string }, { ctx, services }) => services.accountability.due(ctx, parseArgs(dueQuery, args).cycleId)),
  },
  Mutation: {
    createAccountabilityAction: guard(['admin'], ({ input }: { input: { target?: unknown; cause?: unknown; relatedCauses?: unknown[] | null; scope?: unknown } }, { ctx, services }) =>
      services.accountability.create(
        ctx,
        parseArgs(
          createAccountabilityBody,
          withoutNulls({ ...input, target: withoutNulls(input.target), cause: withoutNulls(input.cause), relatedCauses: input.relatedCauses?.map(withoutNulls) }),
          'input',
        ),
      ),
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
