import { index, integer, jsonb, pgEnum, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { id, timestamps, version } from '../../db/columns.js';
/** 创建周期 phases, forward only. */
export const cyclePhase = pgEnum('cycle_phase', ['draft', 'enrollment', 'assessment', 'ranking', 'naming', 'closed']);

/** Phase → when the cycle entered it. */
export type PhaseEnteredAt = Partial<Record<(typeof cyclePhase.enumValues)[number], string>>;

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
    /**
     * When the cycle entered each phase it has reached (ISO timestamps). Phases only move forward, so these are
     * the cycle's windows: attribution of ratings and complaints reads them (cycles/queries.ts).
     */
    phaseEnteredAt: jsonb('phase_entered_at').$type<PhaseEnteredAt>().notNull().default({}),
    version: version(),
    ...timestamps(),
  },
  (t) => [index('cycles_year_idx').on(t.year, t.id), index('cycles_phase_idx').on(t.phase, t.id)],
);
