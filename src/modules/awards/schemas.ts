import { z } from 'zod';
import { awardStatus, awardTier, commendationLevel, nominationStatus } from './tables.js';
import { isoDate, isoDay, labelSchema } from '../../lib/http.js';
import { categorySchema } from '../units/schemas.js';

type Label = { zhCN: string; en: string };

/** 十佳 / 百佳 */
export const tiers = awardTier.enumValues;
export type Tier = (typeof tiers)[number];
export const tierLabels: Record<Tier, Label> = {
  top10: { zhCN: '十佳', en: 'Top 10' },
  top100: { zhCN: '百佳', en: 'Top 100' },
};
export const tierSchema = z.enum(tiers).meta({ id: 'AwardTier', description: 'top10 十佳 / top100 百佳' });

/** 在牌 / 限期整改 / 黄牌警告 / 撤销荣誉 */
export const awardStatuses = awardStatus.enumValues;
export type AwardStatus = (typeof awardStatuses)[number];
export const awardStatusLabels: Record<AwardStatus, Label> = {
  active: { zhCN: '在牌', en: 'Active' },
  rectification_ordered: { zhCN: '限期整改', en: 'Ordered to rectify' },
  yellow_card: { zhCN: '黄牌警告', en: 'Yellow card' },
  revoked: { zhCN: '撤销荣誉', en: 'Revoked' },
};
export const awardStatusSchema = z.enum(awardStatuses).meta({ id: 'AwardStatus', description: '在牌 / 限期整改 / 黄牌警告 / 撤销荣誉(摘牌)' });

export const nominationStatuses = nominationStatus.enumValues;
export type NominationStatus = (typeof nominationStatuses)[number];
export const nominationStatusLabels: Record<NominationStatus, Label> = {
  proposed: { zhCN: '拟命名', en: 'Proposed' },
  confirmed: { zhCN: '已命名', en: 'Confirmed' },
  superseded: { zhCN: '已作废', en: 'Superseded' },
};

export const commendationLevels = commendationLevel.enumValues;
export type CommendationLevel = (typeof commendationLevels)[number];
export const commendationLevelLabels: Record<CommendationLevel, Label> = {
  provincial_leading_group: { zhCN: '省纠风领导小组命名表彰', en: 'Provincial leading group commendation' },
  provincial_department: { zhCN: '省主管部门表彰', en: 'Provincial department commendation' },
  other: { zhCN: '其他表彰', en: 'Other commendation' },
};
export const commendationLevelSchema = z.enum(commendationLevels).meta({ id: 'CommendationLevel', description: '省纠风领导小组命名表彰 / 省主管部门表彰 / 其他' });

export const evidenceTypes = ['complaint', 'inspection_report', 'inspection_finding', 'problem'] as const;
export const awardEvidence = z
  .object({ type: z.enum(evidenceTypes), id: z.uuid() })
  .meta({ id: 'AwardEvidence', description: 'a complaint, inspection report or finding, or problem the move rests on' });

/** Why a ranked unit was passed over when naming. */
export const passOverReasons = ['disqualified', 'withdrawn', 'insufficient_sample', 'open_serious_problem', 'substantiated_serious_complaint'] as const;
export type PassOverReason = (typeof passOverReasons)[number];

// ---- nominations (命名建议) ----

export const nominationCandidate = z
  .object({
    unitId: z.uuid(),
    unitName: z.string(),
    departmentId: z.uuid(),
    departmentName: z.string(),
    category: categorySchema,
    tier: tierSchema,
    tierLabel: labelSchema,
    position: z.number().int().describe('1 = best, within the pool the quota applies to (all units, or the category when split)'),
    score: z.number().describe('composite score in the ranking'),
    rank: z.number().int().describe('rank within the category in the ranking'),
  })
  .meta({ id: 'NominationCandidate' });
export type NominationCandidateDto = z.infer<typeof nominationCandidate>;

const quotaPair = z.object({ top100: z.number().int(), top10: z.number().int() });

export const nomination = z
  .object({
    id: z.uuid(),
    cycleId: z.uuid(),
    rankingId: z.uuid(),
    status: z.enum(nominationStatuses),
    statusLabel: labelSchema,
    quotas: quotaPair.extend({ perCategory: z.record(z.string(), quotaPair).nullable() }).describe('as configured when proposed'),
    candidates: z.array(nominationCandidate).describe('top10 first, then top100, each by position (category by category when split)'),
    strikes: z.array(z.object({ unitId: z.uuid(), reason: z.string(), by: z.string(), at: isoDate })),
    passedOver: z
      .array(z.object({ unitId: z.uuid(), reasons: z.array(z.enum(passOverReasons)), evidence: z.array(awardEvidence) }))
      .describe('ranked units that cannot be named, with why'),
    createdBy: z.string(),
    createdAt: isoDate,
    confirmedBy: z.string().nullable(),
    confirmedAt: isoDate.nullable(),
    version: z.number().int(),
  })
  .meta({ id: 'Nomination', description: '命名建议: a proposal of 十佳/百佳 from a published ranking' });
export type NominationDto = z.infer<typeof nomination>;

export const proposeBody = z.object({ rankingId: z.uuid().describe('a published ranking of this cycle') });
export const strikeBody = z.object({
  unitId: z.uuid(),
  reason: z.string().trim().min(1).max(1000),
  version: z.number().int().optional().describe('the version you read, if you do not send If-Match; optional'),
});
export type StrikeInput = z.infer<typeof strikeBody>;
export const confirmBody = z.object({ version: z.number().int().optional().describe('the version you read, if you do not send If-Match; optional') });

// ---- awards (命名表彰) ----

export const awardTransition = z
  .object({
    id: z.uuid(),
    awardId: z.uuid(),
    from: awardStatusSchema,
    to: awardStatusSchema,
    reason: z.string(),
    evidence: z.array(awardEvidence),
    deadline: isoDate.nullable(),
    actor: z.string(),
    role: z.string(),
    at: isoDate,
  })
  .meta({ id: 'AwardTransition' });
export type AwardTransitionDto = z.infer<typeof awardTransition>;

export const award = z
  .object({
    id: z.uuid(),
    cycleId: z.uuid(),
    unitId: z.uuid(),
    unitName: z.string(),
    departmentId: z.uuid(),
    category: categorySchema,
    tier: tierSchema,
    tierLabel: labelSchema,
    certificateNo: z.string().describe('e.g. MY2026-T10-0001'),
    status: awardStatusSchema,
    statusLabel: labelSchema,
    rectificationDeadline: isoDate.nullable(),
    dueForYellowCard: z.boolean().describe('ordered to rectify and past the deadline (逾期未整改)'),
    nominationId: z.uuid(),
    rankingId: z.uuid(),
    namedAt: isoDate,
    revokedAt: isoDate.nullable(),
    revocationReason: z.string().nullable(),
    version: z.number().int(),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .meta({ id: 'Award', description: '命名表彰: a unit named 十佳 or 百佳 in a cycle, under dynamic management' });
export type AwardDto = z.infer<typeof award>;

export const awardWithTransitions = award.extend({ transitions: z.array(awardTransition) }).meta({ id: 'AwardWithTransitions' });
export type AwardWithTransitionsDto = z.infer<typeof awardWithTransitions>;

export const confirmResult = z.object({ nomination, awards: z.array(award) }).meta({ id: 'NominationConfirmed' });

export const listAwardsQuery = z.object({
  status: awardStatusSchema.optional(),
  tier: tierSchema.optional(),
  unitId: z.uuid().optional(),
  departmentId: z.uuid().optional(),
  dueForYellowCard: z.boolean().optional().describe('true: only awards ordered to rectify whose deadline has passed'),
});
export type ListAwardsFilter = z.infer<typeof listAwardsQuery>;

export const transitionBody = z.object({
  to: awardStatusSchema,
  reason: z.string().trim().min(1).max(2000),
  evidence: z.array(awardEvidence).max(50).default([]),
  deadline: isoDate.optional().describe('rectification deadline; required (and in the future) for rectification_ordered, refused otherwise'),
  seriousViolation: z.boolean().optional().describe('must be true to revoke an active award at once (严重违规直接撤销)'),
  version: z.number().int().optional().describe('the version you read, if you do not send If-Match; optional'),
});
export type TransitionInput = z.infer<typeof transitionBody>;

export const escalationResult = z
  .object({
    escalated: z.array(award).describe('awards yellow-carded now'),
    skipped: z.array(z.object({ awardId: z.uuid(), code: z.string(), detail: z.string() })).describe('awards changed by someone else meanwhile'),
  })
  .meta({ id: 'AwardEscalation' });
export type EscalationResultDto = z.infer<typeof escalationResult>;

// ---- public award roll (公示) ----

export const awardRoll = z
  .object({
    cycleId: z.uuid(),
    holders: z.array(
      z.object({
        unitId: z.uuid(),
        unitName: z.string(),
        departmentName: z.string(),
        category: categorySchema,
        tier: tierSchema,
        tierLabel: labelSchema,
        certificateNo: z.string(),
        status: z.enum(['active', 'rectification_ordered', 'yellow_card']),
        statusLabel: labelSchema,
        namedAt: isoDate,
      }),
    ),
    revoked: z.array(
      z.object({ unitId: z.uuid(), unitName: z.string(), tier: tierSchema, tierLabel: labelSchema, certificateNo: z.string(), revokedAt: isoDate, reason: z.string() }),
    ),
  })
  .meta({ id: 'AwardRoll', description: '荣誉榜: current holders with their status, and the revoked (摘牌) list' });
export type AwardRollDto = z.infer<typeof awardRoll>;

// ---- commendations (上级表彰) ----

export const commendation = z
  .object({
    id: z.uuid(),
    unitId: z.uuid(),
    cycleId: z.uuid().nullable(),
    level: commendationLevelSchema,
    levelLabel: labelSchema,
    title: z.string(),
    conferredBy: z.string(),
    conferredOn: z.iso.date(),
    note: z.string().nullable(),
    createdBy: z.string(),
    createdAt: isoDate,
  })
  .meta({ id: 'Commendation', description: 'a commendation from a higher level (省纠风领导小组命名表彰, 省主管部门表彰)' });
export type CommendationDto = z.infer<typeof commendation>;

export const createCommendationBody = z.object({
  unitId: z.uuid(),
  cycleId: z.uuid().nullable().optional(),
  level: commendationLevelSchema,
  title: z.string().trim().min(1).max(300),
  conferredBy: z.string().trim().min(1).max(300).describe('e.g. 湖北省纠风领导小组'),
  conferredOn: isoDay,
  note: z.string().trim().min(1).max(2000).nullable().optional(),
});
export type CreateCommendationInput = z.infer<typeof createCommendationBody>;

export const listCommendationsQuery = z.object({
  unitId: z.uuid().optional(),
  cycleId: z.uuid().optional(),
  level: commendationLevelSchema.optional(),
});
export type ListCommendationsFilter = z.infer<typeof listCommendationsQuery>;

export const cycleParams = z.object({ cycleId: z.uuid() });

/** What the GraphQL subscription and in-process listeners receive after a committed status change. */
export interface AwardStatusChangedEvent {
  awardId: string;
  cycleId: string;
  unitId: string;
  departmentId: string;
  tier: Tier;
  from: AwardStatus;
  to: AwardStatus;
  reason: string;
  evidence: { type: (typeof evidenceTypes)[number]; id: string }[];
  at: string;
}
