import { createHash } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../../lib/canonical.js';
import { complaintSources, complaintStatuses } from '../complaints/schemas.js';
import { followUpStatuses } from '../ratings/follow-ups.schemas.js';
import { ratingChannels } from '../ratings/schemas.js';
import { activityFiguresShape } from './activity-figures.js';
import { haochaShape } from './haocha-figures.js';
import type { HaochaFigures } from './haocha-figures.js';
import { ratingLevels, statistics, statisticsFigures, statisticsLabels } from './schemas.js';
import type { StatisticsDto } from './schemas.js';

/**
 * 公开统计 for newspapers and TV: aggregate figures only, never a person's name, and small-cell suppression on every
 * figure counted from ratings or complaints (and the follow-ups of ratings): a count from 1 to `minCell - 1` is
 * published as null with `suppressed: true`. Zero stays zero (it singles no one out). Where a group's cells add up to a
 * published total, a lone suppressed cell would follow by subtraction, so the next smallest cell is suppressed too;
 * 差评 (bad) is suppressed whenever one of its levels is.
 */
export const suppressibleCount = z
  .object({ count: z.number().int().min(0).nullable(), suppressed: z.boolean() })
  .meta({ id: 'SuppressibleCount', description: 'a published count; null with suppressed: true when below PUBLIC_STATS_MIN_CELL' });
type Cell = z.infer<typeof suppressibleCount>;

const cellsOf = <K extends string | number>(keys: readonly K[]) => z.object(Object.fromEntries(keys.map((k) => [String(k), suppressibleCount])) as Record<`${K}`, typeof suppressibleCount>);
const channelCells = z.object({ total: suppressibleCount, byLevel: cellsOf(ratingLevels) }).meta({ id: 'PublicRatingChannel' });

const f = statisticsFigures.shape;
const hc = haochaShape.haocha.shape;
const caseFigures = hc.cases.shape;
const publicMonth = z
  .object({ completedCases: z.number().int(), onTime: z.number().int(), oneWeek: z.number().int(), appealsFiled: z.number().int(), appealsDecided: z.number().int() })
  .meta({ id: 'PublicHaochaMonth' });
/** 好差评 for the press: case and appeal figures as they are (no person in them); counts of ratings suppressed. */
const publicHaocha = z
  .object({
    cases: z
      .object({
        completed: caseFigures.completed,
        rated: suppressibleCount,
        activeRatings: suppressibleCount,
        defaultRatings: suppressibleCount,
        unrated: suppressibleCount,
        activeRatingRate: caseFigures.activeRatingRate.describe('主动评价率; null when activeRatings is suppressed'),
        defaultRatingRate: caseFigures.defaultRatingRate.describe('null when defaultRatings is suppressed'),
        onTime: caseFigures.onTime,
        oneWeek: caseFigures.oneWeek,
        onTimeRate: caseFigures.onTimeRate,
        oneWeekRate: caseFigures.oneWeekRate,
      })
      .meta({ id: 'PublicCaseRatings' }),
    appeals: hc.appeals,
    holds: z.object({ held: suppressibleCount, cleared: suppressibleCount, rejected: suppressibleCount, total: suppressibleCount }).meta({ id: 'PublicRatingHolds' }),
    monthly: z.record(z.string().regex(/^\d{4}-\d{2}$/), publicMonth).describe('cases and appeals by month (YYYY-MM, UTC+8)'),
  })
  .meta({ id: 'PublicHaocha' });
export const publicStatistics = z
  .object({
    scope: statistics.shape.scope,
    asOf: statistics.shape.asOf,
    minCell: z.number().int().describe('PUBLIC_STATS_MIN_CELL: counts from ratings and complaints below it are suppressed'),
    figures: z
      .object({
        unitsTakingPart: f.unitsTakingPart,
        departmentsCovered: f.departmentsCovered,
        awards: f.awards,
        commendations: f.commendations,
        problems: f.problems,
        deeds: f.deeds,
        ...activityFiguresShape,
        ratings: z
          .object({
            total: suppressibleCount,
            bad: suppressibleCount,
            byLevel: cellsOf(ratingLevels),
            byChannel: z.object(Object.fromEntries(ratingChannels.map((c) => [c, channelCells])) as Record<(typeof ratingChannels)[number], typeof channelCells>),
          })
          .meta({ id: 'PublicRatings' }),
        complaints: z
          .object({ total: suppressibleCount, byStatus: cellsOf(complaintStatuses), bySource: cellsOf(complaintSources), substantiated: suppressibleCount, overdue: suppressibleCount })
          .meta({ id: 'PublicComplaints' }),
        followUps: z.object({ total: suppressibleCount, byStatus: cellsOf(followUpStatuses), overdue: suppressibleCount }).meta({ id: 'PublicFollowUps' }),
        haocha: publicHaocha,
      })
      .meta({ id: 'PublicStatisticsFigures' }),
    labels: statisticsLabels,
  })
  .meta({ id: 'PublicStatistics', description: '公开统计: the campaign figures for the press, with small-cell suppression' });
export type PublicStatisticsDto = z.infer<typeof publicStatistics>;

export function suppressor(minCell: number) {
  const cell = (count: number): Cell => (count > 0 && count < minCell ? { count: null, suppressed: true } : { count, suppressed: false });
  /** Cells of one group that add up to a published total: never leave a single suppressed cell. */
  const group = <K extends string>(counts: Record<K, number>): Record<K, Cell> => {
    const cells = Object.fromEntries(Object.entries<number>(counts).map(([k, v]) => [k, cell(v)])) as Record<K, Cell>;
    const entries = Object.entries<Cell>(cells);
    if (entries.filter(([, c]) => c.suppressed).length === 1) {
      const next = entries.filter(([, c]) => !c.suppressed && (c.count ?? 0) > 0).sort(([, a], [, b]) => a.count! - b.count!)[0];
      if (next) cells[next[0] as K] = { count: null, suppressed: true };
    }
    return cells;
  };
  return { cell, group };
}

export function toPublicStatistics(s: StatisticsDto, minCell: number): PublicStatisticsDto {
  const { cell, group } = suppressor(minCell);
  const x = s.figures;
  const byLevel = group(x.ratings.byLevel);
  const badSuppressed = byLevel['1'].suppressed || byLevel['2'].suppressed;
  return {
    scope: s.scope,
    asOf: s.asOf,
    minCell,
    figures: {
      unitsTakingPart: x.unitsTakingPart,
      departmentsCovered: x.departmentsCovered,
      awards: x.awards,
      commendations: x.commendations,
      problems: x.problems,
      deeds: x.deeds,
      outreach: x.outreach,
      suggestions: x.suggestions,
      media: x.media,
      powerList: x.powerList,
      investments: x.investments,
      monthly: x.monthly,
      ratings: {
        total: cell(x.ratings.total),
        bad: badSuppressed ? { count: null, suppressed: true } : cell(x.ratings.bad),
        byLevel,
        byChannel: Object.fromEntries(Object.entries(x.ratings.byChannel).map(([c, v]) => [c, { total: cell(v.total), byLevel: group(v.byLevel) }])) as PublicStatisticsDto['figures']['ratings']['byChannel'],
      },
      complaints: {
        total: cell(x.complaints.total),
        byStatus: group(x.complaints.byStatus),
        bySource: group(x.complaints.bySource),
        substantiated: cell(x.complaints.substantiated),
        overdue: cell(x.complaints.overdue),
      },
      followUps: { total: cell(x.followUps.total), byStatus: group(x.followUps.byStatus), overdue: cell(x.followUps.overdue) },
      haocha: toPublicHaocha(x.haocha, minCell),
    },
    labels: s.labels,
  };
}

/**
 * Active, default and unrated add up to the published number of completed cases, so they are one group; `rated` (active +
 * default) goes with them whenever one of those is suppressed, and a rate only with its count.
 */
function toPublicHaocha(h: HaochaFigures, minCell: number): z.infer<typeof publicHaocha> {
  const { cell, group } = suppressor(minCell);
  const g = group({ activeRatings: h.cases.activeRatings, defaultRatings: h.cases.defaultRatings, unrated: h.cases.unrated });
  const anySuppressed = g.activeRatings.suppressed || g.defaultRatings.suppressed || g.unrated.suppressed;
  const holds = group({ held: h.holds.held, cleared: h.holds.cleared, rejected: h.holds.rejected });
  return {
    cases: {
      completed: h.cases.completed,
      rated: anySuppressed ? { count: null, suppressed: true } : cell(h.cases.rated),
      ...g,
      activeRatingRate: g.activeRatings.suppressed ? null : h.cases.activeRatingRate,
      defaultRatingRate: g.defaultRatings.suppressed ? null : h.cases.defaultRatingRate,
      onTime: h.cases.onTime,
      oneWeek: h.cases.oneWeek,
      onTimeRate: h.cases.onTimeRate,
      oneWeekRate: h.cases.oneWeekRate,
    },
    appeals: h.appeals,
    holds: { ...holds, total: holds.held.suppressed || holds.cleared.suppressed || holds.rejected.suppressed ? { count: null, suppressed: true } : cell(h.holds.total) },
    monthly: Object.fromEntries(
      Object.entries(h.monthly).map(([m, v]) => [m, { completedCases: v.completedCases, onTime: v.onTime, oneWeek: v.oneWeek, appealsFiled: v.appealsFiled, appealsDecided: v.appealsDecided }]),
    ),
  };
}

/** A strong ETag over everything but `asOf`: the same figures give the same tag. */
export function publicStatisticsTag(p: PublicStatisticsDto): string {
  const { asOf: _asOf, ...content } = p;
  return `"stats-${createHash('sha256').update(canonicalJson(content)).digest('base64url').slice(0, 32)}"`;
}
