import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps, version } from './common.js';
import { unitCategory, units } from './reference.js';

/** 创建周期 phases, forward only. */
export const cyclePhase = pgEnum('cycle_phase', ['draft', 'enrollment', 'assessment', 'ranking', 'naming', 'closed']);

export interface CycleSettings {
  /** Scoring weights per evaluation channel (sum 1). */
  weights: { assessment: number; inspection: number; publicSatisfaction: number };
  /** Award quotas: top100 百佳 / top10 十佳, optionally split per category. */
  quotas: {
    top100: number;
    top10: number;
    perCategory: Record<string, { top100: number; top10: number }> | null;
  };
  /** Minimum sample sizes below which a unit is ranked but cannot be named. */
  minimumSamples: { ratings: number; scorecards: number; inspectionReports: number };
  deadlines: { enrollmentEndsAt: string | null; assessmentEndsAt: string | null; rankingAt: string | null; namingAt: string | null };
}

export const cycles = pgTable(
  'cycles',
  {
    id: id(),
    name: text('name').notNull(),
    year: integer('year').notNull(),
    phase: cyclePhase('phase').notNull().default('draft'),
    settings: jsonb('settings').$type<CycleSettings>().notNull(),
    phaseChangedAt: timestamp('phase_changed_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    version: version(),
    ...timestamps(),
  },
  (t) => [index('cycles_year_idx').on(t.year, t.id), index('cycles_phase_idx').on(t.phase, t.id)],
);

export type EnrollmentEvidenceType = 'complaint' | 'inspection_finding' | 'problem' | 'other';
export interface EnrollmentEvidence {
  type: EnrollmentEvidenceType;
  id: string;
}

export const enrollmentStatus = pgEnum('enrollment_status', ['enrolled', 'withdrawn', 'disqualified']);

/** A unit taking part in a cycle; disqualification (取消评比资格) keeps the row with its reason. */
export const enrollments = pgTable(
  'enrollments',
  {
    id: id(),
    cycleId: uuid('cycle_id').notNull().references(() => cycles.id),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    /** The unit's category when it enrolled: the standard it is judged by for this cycle. */
    category: unitCategory('category').notNull(),
    status: enrollmentStatus('status').notNull().default('enrolled'),
    reason: text('reason'),
    /** What a disqualification rests on: complaints, inspection findings, problems. */
    evidence: jsonb('evidence').$type<EnrollmentEvidence[]>().notNull().default([]),
    statusChangedAt: timestamp('status_changed_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    version: version(),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('enrollments_cycle_unit_key').on(t.cycleId, t.unitId),
    index('enrollments_cycle_status_idx').on(t.cycleId, t.status, t.id),
    index('enrollments_cycle_category_idx').on(t.cycleId, t.category, t.id),
    index('enrollments_unit_idx').on(t.unitId),
  ],
);

export type CheckMethod = 'on_site' | 'documents' | 'survey';
export interface CriteriaDocument {
  sections: {
    key: string;
    title: { zhCN: string; en?: string | null };
    items: {
      key: string;
      title: { zhCN: string; en?: string | null };
      maxPoints: number;
      checkMethod: CheckMethod;
      deductionRules: { key: string; description: string; pointsPerOccurrence: number; cap: number | null }[];
    }[];
  }[];
  bonusItems: { key: string; description: string; maxPoints: number }[];
  bonusCap: number;
}

/**
 * 创建标准/考核实施办法: one per cycle and category. Every save appends a revision; the newest is current.
 * Frozen (derived, not stored) once the cycle leaves `enrollment`.
 */
export const criteriaSets = pgTable(
  'criteria_sets',
  {
    id: id(),
    cycleId: uuid('cycle_id').notNull().references(() => cycles.id),
    category: unitCategory('category').notNull(),
    revision: integer('revision').notNull(),
    document: jsonb('document').$type<CriteriaDocument>().notNull(),
    copiedFromId: uuid('copied_from_id'),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('criteria_sets_cycle_category_revision_key').on(t.cycleId, t.category, t.revision)],
);
