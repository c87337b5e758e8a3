import { sql } from 'drizzle-orm';
import { date, doublePrecision, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps, version } from '../../db/columns.js';
import { units, unitCategory } from '../units/tables.js';
import { cycles } from '../cycles/tables.js';
import { rankings } from '../rankings/tables.js';
/** 命名表彰 tiers: top10 十佳, top100 百佳. A unit holds at most one award per cycle. */
export const awardTier = pgEnum('award_tier', ['top10', 'top100']);

/** 在牌 → 限期整改 → 黄牌警告 → 撤销荣誉 (摘牌); see modules/awards/transitions.ts for the legal moves. */
export const awardStatus = pgEnum('award_status', ['active', 'rectification_ordered', 'yellow_card', 'revoked']);

/** A naming proposal: proposed (editable by strikes) → confirmed (awards made) | superseded (by a newer proposal). */
export const nominationStatus = pgEnum('nomination_status', ['proposed', 'confirmed', 'superseded']);

/** Higher-level commendations: 省纠风领导小组命名表彰, 省主管部门表彰, other. */
export const commendationLevel = pgEnum('commendation_level', ['provincial_leading_group', 'provincial_department', 'other']);

export type AwardEvidenceType = 'complaint' | 'inspection_report' | 'inspection_finding' | 'problem';
export interface AwardEvidence {
  type: AwardEvidenceType;
  id: string;
}
export interface NominationStrike {
  unitId: string;
  reason: string;
  by: string;
  at: string;
}
export interface PassedOver {
  unitId: string;
  reasons: string[];
  evidence: AwardEvidence[];
}

/** 命名建议: the office's proposal of 十佳/百佳 from one published ranking. */
export const nominations = pgTable(
  'nominations',
  {
    id: id(),
    cycleId: uuid('cycle_id')
      .notNull()
      .references(() => cycles.id),
    rankingId: uuid('ranking_id')
      .notNull()
      .references(() => rankings.id),
    status: nominationStatus('status').notNull().default('proposed'),
    /** The quotas the proposal was made with (a copy of the cycle's settings at the time). */
    quotas: jsonb('quotas').$type<{ top100: number; top10: number; perCategory: Record<string, { top100: number; top10: number }> | null }>().notNull(),
    strikes: jsonb('strikes').$type<NominationStrike[]>().notNull().default([]),
    /** Every ranked unit that cannot be named, with why; judged when proposed. */
    passedOver: jsonb('passed_over').$type<PassedOver[]>().notNull().default([]),
    createdBy: text('created_by').notNull(),
    confirmedBy: text('confirmed_by'),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true, mode: 'date' }),
    version: version(),
    ...timestamps(),
  },
  (t) => [
    index('nominations_cycle_idx').on(t.cycleId, t.id),
    // At most one open or confirmed proposal per cycle.
    uniqueIndex('nominations_cycle_current_key').on(t.cycleId).where(sql`${t.status} <> 'superseded'`),
  ],
);

/** The candidates of a proposal, recomputed whole after every strike. */
export const nominationCandidates = pgTable(
  'nomination_candidates',
  {
    nominationId: uuid('nomination_id')
      .notNull()
      .references(() => nominations.id),
    unitId: uuid('unit_id')
      .notNull()
      .references(() => units.id),
    tier: awardTier('tier').notNull(),
    category: unitCategory('category').notNull(),
    /** 1 = best, within the pool the quota applies to (all units, or the category when split). */
    position: integer('position').notNull(),
    score: doublePrecision('score').notNull(),
    /** Rank within the category in the ranking. */
    rank: integer('rank').notNull(),
  },
  (t) => [primaryKey({ columns: [t.nominationId, t.unitId] })],
);

/** 命名表彰: one unit's 十佳 or 百佳 of one cycle, under dynamic management (动态管理). */
export const awards = pgTable(
  'awards',
  {
    id: id(),
    cycleId: uuid('cycle_id')
      .notNull()
      .references(() => cycles.id),
    unitId: uuid('unit_id')
      .notNull()
      .references(() => units.id),
    tier: awardTier('tier').notNull(),
    category: unitCategory('category').notNull(),
    /** e.g. MY2026-T10-0001, MY2026-T100-0001. */
    certificateNo: text('certificate_no').notNull(),
    status: awardStatus('status').notNull().default('active'),
    rectificationDeadline: timestamp('rectification_deadline', { withTimezone: true, mode: 'date' }),
    nominationId: uuid('nomination_id')
      .notNull()
      .references(() => nominations.id),
    rankingId: uuid('ranking_id')
      .notNull()
      .references(() => rankings.id),
    namedAt: timestamp('named_at', { withTimezone: true, mode: 'date' }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
    revocationReason: text('revocation_reason'),
    version: version(),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('awards_cycle_unit_key').on(t.cycleId, t.unitId),
    uniqueIndex('awards_certificate_no_key').on(t.certificateNo),
    index('awards_cycle_status_idx').on(t.cycleId, t.status, t.id),
    index('awards_cycle_tier_idx').on(t.cycleId, t.tier, t.id),
    index('awards_unit_idx').on(t.unitId),
    index('awards_overdue_idx').on(t.rectificationDeadline).where(sql`${t.status} = 'rectification_ordered'`),
  ],
);

/** Every move of an award: who, why, on what evidence. Append-only. */
export const awardTransitions = pgTable(
  'award_transitions',
  {
    id: id(),
    awardId: uuid('award_id')
      .notNull()
      .references(() => awards.id),
    fromStatus: awardStatus('from_status').notNull(),
    toStatus: awardStatus('to_status').notNull(),
    reason: text('reason').notNull(),
    evidence: jsonb('evidence').$type<AwardEvidence[]>().notNull().default([]),
    deadline: timestamp('deadline', { withTimezone: true, mode: 'date' }),
    actor: text('actor').notNull(),
    role: text('role').notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('award_transitions_award_idx').on(t.awardId, t.id)],
);

/** Commendations from higher levels (省纠风领导小组命名表彰, 省主管部门表彰), recorded per unit. */
export const commendations = pgTable(
  'commendations',
  {
    id: id(),
    unitId: uuid('unit_id')
      .notNull()
      .references(() => units.id),
    cycleId: uuid('cycle_id').references(() => cycles.id),
    level: commendationLevel('level').notNull(),
    title: text('title').notNull(),
    conferredBy: text('conferred_by').notNull(),
    conferredOn: date('conferred_on', { mode: 'string' }).notNull(),
    note: text('note'),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('commendations_unit_idx').on(t.unitId, t.id),
    index('commendations_cycle_idx').on(t.cycleId, t.id),
    index('commendations_level_idx').on(t.level, t.id),
  ],
);
