import type { IResolvers } from 'mercurius';
import { guard } from '../../lib/graphql.js';
import { pageQuery } from '../../lib/http.js';
import { ALL_AUTHENTICATED } from '../../lib/principal.js';
import { parseArgs } from '../../plugins/graphql.js';
import { cycleSchemas, listCyclesQuery } from './schemas.js';
import type { CycleSettingsDto, Phase } from './schemas.js';

export const cycleTypeDefs = /* GraphQL */ `
  "草稿/报名/考评/排名/命名/结束"
  enum CyclePhase { draft enrollment assessment ranking naming closed }
  type CycleWeights { assessment: Float! inspection: Float! publicSatisfaction: Float! }
  type CycleCategoryQuota { category: Category! top100: Int! top10: Int! }
  "百佳 top100 / 十佳 top10"
  type CycleQuotas { top100: Int! top10: Int! perCategory: [CycleCategoryQuota!] }
  type CycleMinimumSamples { ratings: Int! scorecards: Int! inspectionReports: Int! }
  type CycleDeadlines { enrollmentEndsAt: DateTime assessmentEndsAt: DateTime rankingAt: DateTime namingAt: DateTime }
  type CycleSettings { weights: CycleWeights! quotas: CycleQuotas! minimumSamples: CycleMinimumSamples! deadlines: CycleDeadlines! }

  "创建周期: one round of the campaign, usually a year"
  type Cycle {
    id: ID!
    name: String!
    year: Int!
    phase: CyclePhase!
    phaseLabel: Label!
    nextPhase: CyclePhase
    settings: CycleSettings!
    phaseChangedAt: DateTime!
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
  }
  type CyclePage { items: [Cycle!]! nextCursor: String }

  input CycleWeightsInput { assessment: Float!, inspection: Float!, publicSatisfaction: Float! }
  input CycleCategoryQuotaInput { category: Category!, top100: Int!, top10: Int! }
  input CycleQuotasInput { top100: Int!, top10: Int!, perCategory: [CycleCategoryQuotaInput!] }
  input CycleMinimumSamplesInput { ratings: Int!, scorecards: Int!, inspectionReports: Int! }
  input CycleDeadlinesInput { enrollmentEndsAt: String, assessmentEndsAt: String, rankingAt: String, namingAt: String }
  input CycleSettingsInput { weights: CycleWeightsInput, quotas: CycleQuotasInput, minimumSamples: CycleMinimumSamplesInput, deadlines: CycleDeadlinesInput }
  input CreateCycleInput { name: String!, year: Int!, settings: CycleSettingsInput }
  input UpdateCycleInput { name: String, year: Int, settings: CycleSettingsInput }

  extend type Query {
    cycles(year: Int, phase: CyclePhase, limit: Int, cursor: String): CyclePage!
    cycle(id: ID!): Cycle
  }
  extend type Mutation {
    createCycle(input: CreateCycleInput!): Cycle!
    updateCycle(id: ID!, version: Int!, input: UpdateCycleInput!): Cycle!
    moveCyclePhase(id: ID!, version: Int!, to: CyclePhase!): Cycle!
  }
`;

type CategoryQuota = { category: string; top100: number; top10: number };
type GqlSettings = Record<string, unknown> & {
  quotas?: { perCategory?: CategoryQuota[] | null } | null;
  scoring?: (Record<string, unknown> & { levelPoints?: { level: number; points: number }[] | null }) | null;
};

/** GraphQL has no maps: per-category quotas and rating-level points travel as lists; null groups mean "left out". */
function settingsFromGraphql(settings: GqlSettings | null | undefined) {
  if (!settings) return undefined;
  const groups = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== null && v !== undefined));
  if (settings.quotas?.perCategory) {
    groups.quotas = { ...settings.quotas, perCategory: Object.fromEntries(settings.quotas.perCategory.map(({ category, ...q }) => [category, q])) };
  }
  if (settings.scoring?.levelPoints) {
    groups.scoring = { ...settings.scoring, levelPoints: Object.fromEntries(settings.scoring.levelPoints.map((l) => [String(l.level), l.points])) };
  }
  return groups;
}

const cycleInput = (input: { settings?: GqlSettings | null }) => ({ ...input, settings: settingsFromGraphql(input.settings) });

export const cycleResolvers: IResolvers = {
  CycleQuotas: {
    perCategory: (q: CycleSettingsDto['quotas']) => (q.perCategory ? Object.entries(q.perCategory).map(([category, v]) => ({ category, ...v })) : null),
  },
  Query: {
    cycles: guard({ roles: ALL_AUTHENTICATED, scopes: ['reference:read'], regionScoped: true }, (args: Record<string, unknown>, { ctx, services }) => {
      const { limit, cursor } = parseArgs(pageQuery, args);
      return services.cycles.list(ctx, parseArgs(listCyclesQuery, { year: args.year, phase: args.phase }), { limit, cursor });
    }),
    cycle: guard({ roles: ALL_AUTHENTICATED, scopes: ['reference:read'], regionScoped: true }, ({ id }: { id: string }, { ctx, services }) => services.cycles.get(ctx, id)),
  },
  Mutation: {
    createCycle: guard(['admin'], ({ input }: { input: { settings?: GqlSettings } }, { ctx, services }) =>
      services.cycles.create(ctx, parseArgs(cycleSchemas().createCycleBody, cycleInput(input), 'input')),
    ),
    updateCycle: guard(['admin'], ({ id, version, input }: { id: string; version: number; input: { settings?: GqlSettings } }, { ctx, services }) =>
      services.cycles.update(ctx, id, version, parseArgs(cycleSchemas().updateCycleBody, cycleInput(input), 'input')),
    ),
    moveCyclePhase: guard(['admin'], ({ id, version, to }: { id: string; version: number; to: Phase }, { ctx, services }) =>
      services.cycles.transition(ctx, id, version, to),
    ),
  },
};
