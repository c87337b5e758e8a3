import type { IResolvers, MercuriusLoaders } from 'mercurius';
import { z } from 'zod';
import type { CheckMethod } from './tables.js';
import { guard, loadBy } from '../../lib/graphql.js';
import { DomainError } from '../../lib/errors.js';
import { idParams, pageQuery } from '../../lib/http.js';
import { EVERYONE } from '../../lib/principal.js';
import { parseArgs } from '../../plugins/graphql.js';
import { checkMethods, criteriaDocument, cycleCategoryParams, cycleParams } from './schemas.js';
import type { CriteriaSetDto } from './schemas.js';
import { checkMethodLabel } from './service.js';

export const criteriaTypeDefs = /* GraphQL */ `
  "看现场 on_site / 查资料 documents / survey 问卷测评"
  enum CriteriaCheckMethod { on_site documents survey }
  type CriteriaCheckMethodInfo { code: CriteriaCheckMethod! label: Label! }
  type CriteriaTitle { zhCN: String! en: String }
  "扣分规则, e.g. 每发现一次扣1分"
  type CriteriaDeductionRule { key: String! description: String! pointsPerOccurrence: Float! cap: Float }
  "考核项目"
  type CriteriaItem {
    key: String!
    title: CriteriaTitle!
    maxPoints: Float!
    checkMethod: CriteriaCheckMethod!
    checkMethodLabel: Label!
    deductionRules: [CriteriaDeductionRule!]!
  }
  "e.g. 硬件标准化, 软件标准化, 群众路线"
  type CriteriaSection { key: String! title: CriteriaTitle! items: [CriteriaItem!]! }
  "加分项目"
  type CriteriaBonusItem { key: String! description: String! maxPoints: Float! }
  type CriteriaDocument { sections: [CriteriaSection!]! bonusItems: [CriteriaBonusItem!]! bonusCap: Float! }
  "What a criteria set shows of its cycle"
  type CriteriaCycle { id: ID! name: String! year: Int! phase: String! }

  "创建标准/考核实施办法: one revision of a category's standard in a cycle"
  type CriteriaSet {
    id: ID!
    cycleId: ID!
    category: Category!
    revision: Int!
    frozen: Boolean!
    totalPoints: Float!
    document: CriteriaDocument!
    copiedFromId: ID
    createdBy: String!
    createdAt: DateTime!
    cycle: CriteriaCycle
  }
  type CriteriaSetPage { items: [CriteriaSet!]! nextCursor: String }

  input CriteriaTitleInput { zhCN: String!, en: String }
  input CriteriaDeductionRuleInput { key: String!, description: String!, pointsPerOccurrence: Float!, cap: Float }
  input CriteriaItemInput { key: String!, title: CriteriaTitleInput!, maxPoints: Float!, checkMethod: CriteriaCheckMethod!, deductionRules: [CriteriaDeductionRuleInput!]! }
  input CriteriaSectionInput { key: String!, title: CriteriaTitleInput!, items: [CriteriaItemInput!]! }
  input CriteriaBonusItemInput { key: String!, description: String!, maxPoints: Float! }
  input CriteriaDocumentInput { sections: [CriteriaSectionInput!]!, bonusItems: [CriteriaBonusItemInput!], bonusCap: Float }

  extend type Query {
    criteriaCheckMethods: [CriteriaCheckMethodInfo!]!
    "The current set of each category in a cycle"
    criteriaSets(cycleId: ID!): [CriteriaSet!]!
    "A category's current set; null if none"
    criteriaSet(cycleId: ID!, category: Category!): CriteriaSet
    criteriaSetRevisions(cycleId: ID!, category: Category!, limit: Int, cursor: String): CriteriaSetPage!
    criteriaSetById(id: ID!): CriteriaSet
  }
  extend type Mutation {
    "Saves a new revision; revision is the current one you edited (omit only for the first save)"
    saveCriteriaSet(cycleId: ID!, category: Category!, revision: Int, document: CriteriaDocumentInput!): CriteriaSet!
    "Copies a category's current set from an earlier cycle as a new revision here"
    copyCriteriaSet(cycleId: ID!, category: Category!, fromCycleId: ID!, revision: Int): CriteriaSet!
  }
`;

const copyArgs = cycleCategoryParams.extend({ fromCycleId: z.uuid(), revision: z.number().int().min(1).optional() });
const saveArgs = cycleCategoryParams.extend({ revision: z.number().int().min(1).optional() });

/** GraphQL answers a missing row with null where REST answers 404. */
async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof DomainError && err.status === 404) return null;
    throw err;
  }
}

export const criteriaResolvers: IResolvers = {
  Query: {
    criteriaCheckMethods: guard(EVERYONE, () => checkMethods.map((code) => ({ code, label: checkMethodLabel(code) }))),
    criteriaSets: guard(EVERYONE, (args: unknown, { ctx, services }) => services.criteria.listCurrent(ctx, parseArgs(cycleParams, args).cycleId)),
    criteriaSet: guard(EVERYONE, (args: unknown, { ctx, services }) => {
      const { cycleId, category } = parseArgs(cycleCategoryParams, args);
      return orNull(services.criteria.getCurrent(ctx, cycleId, category));
    }),
    criteriaSetRevisions: guard(EVERYONE, (args: Record<string, unknown>, { ctx, services }) => {
      const { cycleId, category } = parseArgs(cycleCategoryParams, args);
      return services.criteria.revisions(ctx, cycleId, category, parseArgs(pageQuery, args));
    }),
    criteriaSetById: guard(EVERYONE, (args: unknown, { ctx, services }) => orNull(services.criteria.get(ctx, parseArgs(idParams, args).id))),
  },
  Mutation: {
    saveCriteriaSet: guard(['admin'], (args: Record<string, unknown>, { ctx, services }) => {
      const { cycleId, category, revision } = parseArgs(saveArgs, args);
      const document = parseArgs(criteriaDocument, args.document, 'document');
      return services.criteria.save(ctx, cycleId, category, revision, document);
    }),
    copyCriteriaSet: guard(['admin'], (args: Record<string, unknown>, { ctx, services }) => {
      const { cycleId, category, fromCycleId, revision } = parseArgs(copyArgs, args);
      return services.criteria.copy(ctx, cycleId, category, fromCycleId, revision);
    }),
  },
  CriteriaItem: {
    checkMethodLabel: (item: { checkMethod: CheckMethod }) => checkMethodLabel(item.checkMethod),
  },
};

export const criteriaLoaders: MercuriusLoaders = {
  CriteriaSet: {
    cycle: (queries: { obj: CriteriaSetDto }[], { services }) => loadBy(queries, (s) => s.cycleId, services.criteria.cyclesByIds),
  },
};
