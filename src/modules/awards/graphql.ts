import mercurius from 'mercurius';
import type { IResolvers, MercuriusContext, MercuriusLoaders } from 'mercurius';
import type { FieldWeights } from '../../lib/graphql-limits.js';
import { guard, loadBy } from '../../lib/graphql.js';
import { pageQuery } from '../../lib/http.js';
import { ALL_AUTHENTICATED, EVERYONE, STAFF } from '../../lib/principal.js';
import type { Role } from '../../lib/principal.js';
import { parseArgs } from '../../plugins/graphql.js';
import type { Publication } from '../../plugins/pubsub.js';
import { canSeeUnit } from '../units/service.js';
import { createCommendationBody, listAwardsQuery, listCommendationsQuery, proposeBody, strikeBody, transitionBody } from './schemas.js';
import type { AwardDto, AwardStatusChangedEvent, CommendationDto, NominationCandidateDto, NominationDto } from './schemas.js';

/** The in-process pubsub topic of committed award status changes. */
export const AWARD_STATUS_TOPIC = 'award.status_changed';
const AWARD_READERS: Role[] = ['admin', 'inspector', 'department', 'unit'];

export const awardTypeDefs = /* GraphQL */ `
  "top10 十佳 / top100 百佳"
  enum AwardTier { top10 top100 }
  "在牌 / 限期整改 / 黄牌警告 / 撤销荣誉(摘牌)"
  enum AwardStatus { active rectification_ordered yellow_card revoked }
  enum NominationStatus { proposed confirmed superseded }
  "省纠风领导小组命名表彰 / 省主管部门表彰 / 其他"
  enum CommendationLevel { provincial_leading_group provincial_department other }
  enum AwardEvidenceType { complaint inspection_report inspection_finding problem }
  enum NominationPassOverReason { disqualified withdrawn insufficient_sample open_serious_problem substantiated_serious_complaint }

  type AwardEvidence { type: AwardEvidenceType! id: ID! }
  input AwardEvidenceInput { type: AwardEvidenceType!, id: ID! }

  type AwardTransition {
    id: ID! awardId: ID! from: AwardStatus! to: AwardStatus! reason: String! evidence: [AwardEvidence!]!
    deadline: DateTime actor: String! role: String! at: DateTime!
  }

  "命名表彰: a unit named 十佳 or 百佳 in a cycle, under dynamic management"
  type Award {
    id: ID!
    cycleId: ID!
    unitId: ID!
    unitName: String!
    departmentId: ID!
    category: Category!
    tier: AwardTier!
    tierLabel: Label!
    certificateNo: String!
    status: AwardStatus!
    statusLabel: Label!
    rectificationDeadline: DateTime
    dueForYellowCard: Boolean!
    nominationId: ID!
    rankingId: ID!
    namedAt: DateTime!
    revokedAt: DateTime
    revocationReason: String
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
    unit: Unit
    department: Department
    transitions: [AwardTransition!]!
  }
  type AwardPage { items: [Award!]! nextCursor: String }

  type NominationCandidate {
    unitId: ID! unitName: String! departmentId: ID! departmentName: String! category: Category! tier: AwardTier! tierLabel: Label!
    position: Int! score: Float! rank: Int!
    unit: Unit
  }
  type NominationStrike { unitId: ID! reason: String! by: String! at: DateTime! }
  type NominationPassedOver { unitId: ID! reasons: [NominationPassOverReason!]! evidence: [AwardEvidence!]! }
  type NominationCategoryQuota { category: Category! top100: Int! top10: Int! }
  type NominationQuotas { top100: Int! top10: Int! perCategory: [NominationCategoryQuota!] }
  "命名建议: a proposal of 十佳/百佳 from a published ranking"
  type Nomination {
    id: ID! cycleId: ID! rankingId: ID! status: NominationStatus! statusLabel: Label! quotas: NominationQuotas!
    candidates: [NominationCandidate!]! strikes: [NominationStrike!]! passedOver: [NominationPassedOver!]!
    createdBy: String! createdAt: DateTime! confirmedBy: String confirmedAt: DateTime version: Int!
  }
  type NominationConfirmed { nomination: Nomination! awards: [Award!]! }
  type AwardEscalationSkip { awardId: ID! code: String! detail: String! }
  type AwardEscalation { escalated: [Award!]! skipped: [AwardEscalationSkip!]! }

  "上级表彰: a commendation from a higher level"
  type Commendation {
    id: ID! unitId: ID! cycleId: ID level: CommendationLevel! levelLabel: Label! title: String! conferredBy: String!
    conferredOn: String! note: String createdBy: String! createdAt: DateTime!
    unit: Unit
  }
  type CommendationPage { items: [Commendation!]! nextCursor: String }

  type AwardRollHolder {
    unitId: ID! unitName: String! departmentName: String! category: Category! tier: AwardTier! tierLabel: Label!
    certificateNo: String! status: AwardStatus! statusLabel: Label! namedAt: DateTime!
  }
  type AwardRollRevoked { unitId: ID! unitName: String! tier: AwardTier! tierLabel: Label! certificateNo: String! revokedAt: DateTime! reason: String! }
  "荣誉榜: current holders and the revoked (摘牌) list"
  type AwardRoll { cycleId: ID! holders: [AwardRollHolder!]! revoked: [AwardRollRevoked!]! }

  "A committed award status change"
  type AwardStatusEvent {
    awardId: ID! cycleId: ID! unitId: ID! tier: AwardTier! from: AwardStatus! to: AwardStatus! reason: String!
    evidence: [AwardEvidence!]! at: DateTime!
  }

  type CycleDepartmentBonus { top10: Float! top100: Float! }
  type CycleDepartmentPenalty { yellowCard: Float! revoked: Float! }
  "points per higher-level commendation of a unit, by level (上级表彰 加分)"
  type CycleCommendationBonus { provincial_leading_group: Float! provincial_department: Float! other: Float! }
  type CycleAwardSettings { autoEscalateOverdue: Boolean! departmentBonus: CycleDepartmentBonus! departmentPenalty: CycleDepartmentPenalty! commendationBonus: CycleCommendationBonus! }
  extend type CycleSettings {
    "命名表彰 settings; null when left out (the defaults apply)"
    awards: CycleAwardSettings
  }
  input CycleDepartmentBonusInput { top10: Float, top100: Float }
  input CycleDepartmentPenaltyInput { yellowCard: Float, revoked: Float }
  input CycleCommendationBonusInput { provincial_leading_group: Float, provincial_department: Float, other: Float }
  input CycleAwardSettingsInput { autoEscalateOverdue: Boolean, departmentBonus: CycleDepartmentBonusInput, departmentPenalty: CycleDepartmentPenaltyInput, commendationBonus: CycleCommendationBonusInput }
  extend input CycleSettingsInput { awards: CycleAwardSettingsInput }

  input TransitionAwardInput { to: AwardStatus!, reason: String!, evidence: [AwardEvidenceInput!], deadline: String, seriousViolation: Boolean, version: Int }
  input RecordCommendationInput { unitId: ID!, cycleId: ID, level: CommendationLevel!, title: String!, conferredBy: String!, conferredOn: String!, note: String }

  extend type Query {
    awards(cycleId: ID!, status: AwardStatus, tier: AwardTier, unitId: ID, departmentId: ID, dueForYellowCard: Boolean, limit: Int, cursor: String): AwardPage!
    award(id: ID!): Award
    currentNomination(cycleId: ID!): Nomination
    commendations(unitId: ID, cycleId: ID, level: CommendationLevel, limit: Int, cursor: String): CommendationPage!
    awardRoll(cycleId: ID!): AwardRoll!
  }
  extend type Mutation {
    proposeNomination(cycleId: ID!, rankingId: ID!): Nomination!
    strikeCandidate(nominationId: ID!, unitId: ID!, reason: String!, version: Int): Nomination!
    confirmNomination(nominationId: ID!, version: Int): NominationConfirmed!
    transitionAward(id: ID!, input: TransitionAwardInput!): Award!
    escalateOverdueAwards(cycleId: ID!): AwardEscalation!
    recordCommendation(input: RecordCommendationInput!): Commendation!
  }
  type Subscription {
    "Committed status changes of the cycle's awards that the caller may see: made on any copy of the service when it runs with REDIS_URL, on the copy this WebSocket is connected to otherwise"
    awardStatusChanged(cycleId: ID!): AwardStatusEvent!
  }
`;

/** Cost weights (see lib/graphql-limits.ts): the roll reads every award of the cycle, for anyone. */
export const awardWeights: FieldWeights = { 'Query.awardRoll': 200 };

/** Mercurius withFilter: only the cycle asked for, and only units the subscriber may see. */
const awardStatusChanged = mercurius.withFilter<{ awardStatusChanged: AwardStatusChangedEvent }, unknown, MercuriusContext, { cycleId: string }>(
  (_root, _args, { pubsub }) => pubsub.subscribe(AWARD_STATUS_TOPIC),
  ({ awardStatusChanged: e }, { cycleId }, { ctx }) => e.cycleId === cycleId && canSeeUnit(ctx, { id: e.unitId, departmentId: e.departmentId }),
);

export const awardResolvers: IResolvers = {
  NominationQuotas: {
    perCategory: (q: NominationDto['quotas']) => (q.perCategory ? Object.entries(q.perCategory).map(([category, v]) => ({ category, ...v })) : null),
  },
  Query: {
    awards: guard(AWARD_READERS, (args: Record<string, unknown>, { ctx, services }) => {
      const { limit, cursor } = parseArgs(pageQuery, args);
      const filter = parseArgs(listAwardsQuery, args);
      return services.awards.list(ctx, args.cycleId as string, filter, { limit, cursor });
    }),
    award: guard(AWARD_READERS, ({ id }: { id: string }, { ctx, services }) => services.awards.get(ctx, id)),
    currentNomination: guard(STAFF, ({ cycleId }: { cycleId: string }, { ctx, services }) => services.awards.currentNomination(ctx, cycleId)),
    commendations: guard({ roles: ALL_AUTHENTICATED, scopes: ['reference:read'] }, (args: Record<string, unknown>, { ctx, services }) => {
      const { limit, cursor } = parseArgs(pageQuery, args);
      return services.awards.listCommendations(ctx, parseArgs(listCommendationsQuery, args), { limit, cursor });
    }),
    awardRoll: guard(EVERYONE, ({ cycleId }: { cycleId: string }, { services }) => services.awards.roll(cycleId)),
  },
  Mutation: {
    proposeNomination: guard(['admin'], (args: { cycleId: string; rankingId: string }, { ctx, services }) =>
      services.awards.propose(ctx, args.cycleId, parseArgs(proposeBody, { rankingId: args.rankingId }).rankingId),
    ),
    strikeCandidate: guard(['admin'], (args: { nominationId: string; unitId: string; reason: string; version?: number | null }, { ctx, services }) => {
      const input = parseArgs(strikeBody, { unitId: args.unitId, reason: args.reason, version: args.version });
      return services.awards.strike(ctx, args.nominationId, input.version, input);
    }),
    confirmNomination: guard(['admin'], (args: { nominationId: string; version?: number | null }, { ctx, services }) =>
      services.awards.confirm(ctx, args.nominationId, args.version ?? undefined),
    ),
    transitionAward: guard(['admin'], ({ id, input }: { id: string; input: unknown }, { ctx, services }) => {
      const body = parseArgs(transitionBody, input, 'input');
      return services.awards.transition(ctx, id, body.version, body);
    }),
    escalateOverdueAwards: guard(['admin'], ({ cycleId }: { cycleId: string }, { ctx, services }) => services.awards.escalateOverdue(ctx, cycleId)),
    recordCommendation: guard(['admin'], ({ input }: { input: unknown }, { ctx, services }) =>
      services.awards.recordCommendation(ctx, parseArgs(createCommendationBody, input, 'input')),
    ),
  },
  Subscription: {
    awardStatusChanged: {
      subscribe: guard(AWARD_READERS, (args: { cycleId: string }, context, parent) => awardStatusChanged(parent, args, context, undefined as never)),
      resolve: (payload: { awardStatusChanged: AwardStatusChangedEvent }) => payload.awardStatusChanged,
    },
  },
};

export const awardLoaders: MercuriusLoaders = {
  Award: {
    unit: (queries: { obj: AwardDto }[], { ctx, services }) => loadBy(queries, (a) => a.unitId, (ids) => services.units.byIds(ctx, ids)),
    department: (queries: { obj: AwardDto }[], { services }) => loadBy(queries, (a) => a.departmentId, services.departments.byIds),
    transitions: async (queries: { obj: AwardDto }[], { services }) => {
      const byAward = await services.awards.transitionsOf(queries.map((q) => q.obj.id));
      return queries.map((q) => byAward.get(q.obj.id) ?? []);
    },
  },
  NominationCandidate: {
    unit: (queries: { obj: NominationCandidateDto }[], { ctx, services }) => loadBy(queries, (c) => c.unitId, (ids) => services.units.byIds(ctx, ids)),
  },
  Commendation: {
    unit: (queries: { obj: CommendationDto }[], { ctx, services }) => loadBy(queries, (c) => c.unitId, (ids) => services.units.byIds(ctx, ids)),
  },
};

/** The award status changes this module publishes to GraphQL subscribers (wired by the pubsub plugin). */
export const awardPublications: Publication[] = [
  {
    topic: AWARD_STATUS_TOPIC,
    listen: (services, publish) => services.awards.onStatusChanged((event) => publish({ awardStatusChanged: event })),
  },
];
