import { sql } from 'drizzle-orm';
import { doublePrecision, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id } from '../../db/columns.js';
import { regions } from '../regions/tables.js';
import { departments } from '../departments/tables.js';
import { units, unitCategory } from '../units/tables.js';
import { cycles } from '../cycles/tables.js';
/** 排名 status: a computed draft, or a published snapshot (immutable: the database refuses any change). */
export const rankingStatus = pgEnum('ranking_status', ['draft', 'published']);
/** A period ranking's kind (分期排名): a month or a quarter within the cycle (cycle setting `periods`). */
export const rankingPeriodKind = pgEnum('ranking_period_kind', ['month', 'quarter']);

/** What went into a computation, kept with the snapshot. */
export interface RankingInputCounts {
  units: number;
  ratings: number;
  scorecards: number;
  reports: number;
  findings: number;
  complaints: number;
  problems: number;
  deeds: number;
  commendations?: number;
  /** Inputs left out by upheld appeals (申诉成立). */
  excluded?: number;
  /** Ratings held by the integrity review (or rejected by it), out of P. */
  heldRatings?: number;
}

/** A composite-score computation of one cycle (排名). Publishing freezes it and gives it a version number. */
export const rankings = pgTable(
  'rankings',
  {
    id: id(),
    cycleId: uuid('cycle_id').notNull().references(() => cycles.id),
    status: rankingStatus('status').notNull().default('draft'),
    /** 1, 2, 3 … per cycle, in publication order; null while a draft. */
    publicationVersion: integer('publication_version'),
    formulaVersion: text('formula_version').notNull(),
    /** The scoring settings, weights, minimum samples and category means used (see modules/rankings/scoring.ts). */
    parameters: jsonb('parameters').$type<Record<string, unknown>>().notNull(),
    inputCounts: jsonb('input_counts').$type<RankingInputCounts>().notNull(),
    computedAt: timestamp('computed_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    computedBy: text('computed_by').notNull(),
    publishedAt: timestamp('published_at', { withTimezone: true, mode: 'date' }),
    publishedBy: text('published_by'),
    /** A correction (更正版): the published ranking of the cycle this one replaced, and why. */
    supersedes: uuid('supersedes'),
    correctionReason: text('correction_reason'),
    /**
     * A period ranking (分期排名): the month (2016-03) or quarter (2016-Q2) it ranks, and its window [start, end) in
     * TIME_ZONE; the ratings, mystery-shopper reports and complaints inside it are counted. Null: the whole cycle.
     * Each period has its own publication versions; naming reads the whole-cycle ranking only.
     */
    periodKind: rankingPeriodKind('period_kind'),
    period: text('period'),
    periodStart: timestamp('period_start', { withTimezone: true, mode: 'date' }),
    periodEnd: timestamp('period_end', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    index('rankings_cycle_idx').on(t.cycleId, t.id),
    uniqueIndex('rankings_cycle_publication_key').on(t.cycleId, t.publicationVersion).where(sql`${t.publicationVersion} is not null and ${t.period} is null`),
    uniqueIndex('rankings_period_publication_key').on(t.cycleId, t.period, t.publicationVersion).where(sql`${t.publicationVersion} is not null and ${t.period} is not null`),
  ],
);

/** One unit's place in a ranking, with its full score explanation. */
export const rankingEntries = pgTable(
  'ranking_entries',
  {
    rankingId: uuid('ranking_id')
      .notNull()
      .references(() => rankings.id),
    unitId: uuid('unit_id')
      .notNull()
      .references(() => units.id),
    /** The unit's name when computed, so a snapshot reads as it was published. */
    unitName: text('unit_name').notNull(),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    regionId: uuid('region_id')
      .notNull()
      .references(() => regions.id),
    category: unitCategory('category').notNull(),
    /**
     * Rank within the category, 1 = best, among the units with sufficient samples only; unique (ties broken by more
     * ratings, then unit id). Null for an entry flagged insufficient_sample: it is listed, but holds no earned place.
     * (Snapshots computed before migration 0010 keep the ranks they were published with, flagged entries included.)
     */
    rank: integer('rank'),
    /** Place in its category's list, 1…n: the ranked entries in rank order, then the unranked ones by score. */
    position: integer('position').notNull(),
    /** Unrounded composite score S. */
    score: doublePrecision('score').notNull(),
    /** The components of S (0–100 each; null when missing), for lists and exports without reading the explanation. */
    assessment: doublePrecision('assessment'),
    inspection: doublePrecision('inspection'),
    publicSatisfaction: doublePrecision('public_satisfaction'),
    deductions: doublePrecision('deductions').notNull().default(0),
    bonus: doublePrecision('bonus').notNull().default(0),
    /** The full explanation (ScoreExplanation without ids). */
    components: jsonb('components').$type<Record<string, unknown>>().notNull(),
    /** e.g. insufficient_sample (under the cycle's minimum sample: not ranked, cannot be named). */
    flags: text('flags').array().notNull().default([]),
    ratings: integer('ratings').notNull(),
    scorecards: integer('scorecards').notNull(),
    reports: integer('reports').notNull(),
    /** 95% interval of the raw satisfaction mean (0–100); null under 2 ratings. */
    pLow: doublePrecision('p_low'),
    pHigh: doublePrecision('p_high'),
  },
  (t) => [
    primaryKey({ columns: [t.rankingId, t.unitId] }),
    uniqueIndex('ranking_entries_rank_key').on(t.rankingId, t.category, t.rank),
    uniqueIndex('ranking_entries_position_key').on(t.rankingId, t.category, t.position),
    index('ranking_entries_department_idx').on(t.rankingId, t.departmentId),
    index('ranking_entries_region_idx').on(t.rankingId, t.regionId),
    index('ranking_entries_unit_idx').on(t.unitId),
  ],
);
