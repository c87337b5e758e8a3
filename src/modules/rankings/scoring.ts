/**
 * The composite score (综合得分) of formula S1, as pure functions over per-unit counts: no database, no clock.
 *
 *   S = wA·A + wM·M + wP·P − D + B
 *
 * A 考评: mean total of confirmed scorecards. M 暗访: mean over reviewed reports of the mean of their five 1–5
 * ratings mapped (r−1)×25, minus points per accepted finding, floored at 0. P 群众评价: rating levels mapped to
 * points, shrunk toward the category mean (Bayesian average with prior weight m). D: substantiated complaints and
 * overdue problems. B: deeds (and higher-level commendations), capped. A missing component drops out and the
 * remaining weights are renormalized to sum to 1. Everything is computed in doubles; rounding is for presentation.
 *
 * T 限时办结 (optional, `scoring.timeliness`): the on-time rate of the unit's completed cases (办件) × 100, weighed
 * with wT on top of wA, wM, wP (the weights are renormalized over what is present). Its weight defaults to 0, so a
 * cycle that does not set it ranks exactly as before; under its minimum sample of completed cases T is missing.
 */
import { z } from 'zod';

export const FORMULA = 'S = wA·A + wM·M + wP·P − D + B';
export const severities = ['minor', 'major', 'serious'] as const;
export type Severity = (typeof severities)[number];
/** The three channels every cycle weighs; `timeliness` joins them when the cycle gives it a weight. */
export const componentKeys = ['assessment', 'inspection', 'publicSatisfaction'] as const;
export const allComponentKeys = [...componentKeys, 'timeliness'] as const;
export type ComponentKey = (typeof allComponentKeys)[number];
export const componentLabels: Record<ComponentKey, { zhCN: string; en: string }> = {
  assessment: { zhCN: '考评打分', en: 'Assessment' },
  inspection: { zhCN: '暗访', en: 'Inspection' },
  publicSatisfaction: { zhCN: '群众满意度', en: 'Public satisfaction' },
  timeliness: { zhCN: '限时办结率', en: 'On-time completion rate' },
};
export const INSUFFICIENT_SAMPLE = 'insufficient_sample';
export const rankingFlags = [INSUFFICIENT_SAMPLE] as const;
export type RankingFlag = (typeof rankingFlags)[number];

const pts = z.number().min(0).max(1000);
const levelPoint = (d: number) => z.number().min(0).max(100).default(d);

/**
 * Scoring parameters of a cycle (`settings.scoring`); anything left out takes its default. The cycles module owns the
 * settings document and merges this group into it.
 */
export const scoringSettings = z
  .object({
    formulaVersion: z.string().trim().min(1).max(20).default('S1').describe('carried by every ranking computed with these settings'),
    priorWeight: z.number().min(0).max(1_000_000).default(50).describe('Bayesian prior weight m: how many "virtual" category-mean ratings each unit starts with'),
    defaultsCountTowardP: z
      .boolean()
      .default(false)
      .describe('默认评价: whether default ratings (a case left unrated past DEFAULT_RATING_DAYS) count toward P; the explanation shows how many were included or left out'),
    levelPoints: z
      .object({ '5': levelPoint(100), '4': levelPoint(75), '3': levelPoint(50), '2': levelPoint(25), '1': levelPoint(0) })
      .prefault({})
      .describe('rating level → points: 非常满意 5, 满意 4, 基本满意 3, 不满意 2, 非常不满意 1'),
    findingPenalty: z
      .object({ minor: pts.default(2), major: pts.default(5), serious: pts.default(10) })
      .prefault({})
      .describe('points off M per accepted inspection finding, by severity'),
    complaintPenalty: z
      .object({ minor: pts.default(2), major: pts.default(5), serious: pts.default(10), unknown: pts.default(2) })
      .prefault({})
      .describe('points off S per substantiated complaint (投诉属实), by severity; unknown = no severity recorded'),
    overdueProblemPenalty: pts.default(3).describe('points off S per overdue problem (deadline passed and not verified, or verified late)'),
    deedPoints: pts.default(0.2).describe('bonus per deed (为群众办实事) in the cycle'),
    commendationPoints: pts.default(2).describe('bonus per higher-level commendation'),
    bonusCap: pts.default(5).describe('bonus B never exceeds this'),
    timeliness: z
      .object({
        weight: z.number().min(0).max(1).default(0).describe('wT, on top of the cycle weights (all renormalized); 0 = not scored'),
        minimumCompletedCases: z.number().int().min(0).max(1_000_000).default(10).describe('below this many completed cases T is missing for the unit'),
      })
      .prefault({})
      .describe('T 限时办结率: on-time rate of completed cases (办件), with the 一周办结 rate shown'),
    bottom: z
      .object({ mode: z.enum(['count', 'percent']).default('count'), value: z.number().min(0).max(10_000).default(5) })
      .prefault({})
      .refine((b) => b.mode !== 'percent' || b.value <= 100, { message: 'a percentage is at most 100', path: ['value'] })
      .describe('排名靠后: the bottom N units, or bottom x percent, of each category'),
  })
  .meta({ id: 'ScoringSettings', description: '综合得分参数 (formula S1)' });
export type ScoringSettings = z.infer<typeof scoringSettings>;

export interface Weights {
  assessment: number;
  inspection: number;
  publicSatisfaction: number;
  /** From `scoring.timeliness.weight`; absent = 0. */
  timeliness?: number;
}
export interface MinimumSamples {
  ratings: number;
  scorecards: number;
  inspectionReports: number;
}
export type SeverityCounts = Record<Severity, number>;

/** What the repository counts for one unit in one cycle. */
export interface UnitInputs {
  unitId: string;
  category: string;
  scorecards: number;
  /** Mean total of confirmed scorecards; null without any. */
  meanScorecardTotal: number | null;
  reports: number;
  /** Mean over reviewed reports of each report's mean rating (1–5); null without any. */
  meanReportRating: number | null;
  findings: SeverityCounts;
  /** Number of ratings at level 1..5 (index 0 = level 1). */
  ratingLevels: [number, number, number, number, number];
  complaints: SeverityCounts & { unknown: number };
  overdueProblems: number;
  deeds: number;
  /** Higher-level commendations; null while no such record exists in the system. */
  commendations: number | null;
  /** 默认评价 of the unit in the cycle: included in `ratingLevels` (the cycle counts them toward P) or left out; absent = none. */
  defaultRatings?: { included: number; excluded: number };
  /** 办件 completed in the cycle: how many, on time (按时办结), within a week (一周办结); absent = none. */
  cases?: CaseCounts;
}

export interface CaseCounts {
  completed: number;
  onTime: number;
  oneWeek: number;
}

export const emptyInputs = (unitId: string, category: string): UnitInputs => ({
  unitId,
  category,
  scorecards: 0,
  meanScorecardTotal: null,
  reports: 0,
  meanReportRating: null,
  findings: { minor: 0, major: 0, serious: 0 },
  ratingLevels: [0, 0, 0, 0, 0],
  complaints: { minor: 0, major: 0, serious: 0, unknown: 0 },
  overdueProblems: 0,
  deeds: 0,
  commendations: null,
});

export interface Interval {
  low: number;
  high: number;
}

export interface ComponentLine {
  key: ComponentKey;
  label: { zhCN: string; en: string };
  /** 0–100, null when missing. */
  value: number | null;
  present: boolean;
  /** The cycle's weight. */
  weight: number;
  /** After renormalization over the present components (0 when missing). */
  effectiveWeight: number;
  contribution: number;
}

export interface CountLine {
  key: string;
  count: number;
  pointsEach: number;
  points: number;
}

/** The full explanation of one unit's score, as stored with the ranking entry. */
export interface ScoreExplanationBody {
  formulaVersion: string;
  formula: string;
  score: number;
  /** wA·A + wM·M + wP·P after renormalization. */
  base: number;
  renormalized: boolean;
  components: ComponentLine[];
  assessment: { scorecards: number; meanTotal: number | null };
  inspection: { reports: number; meanRating: number | null; meanReportScore: number | null; findings: CountLine[]; findingPoints: number };
  publicSatisfaction: {
    ratings: number;
    levels: CountLine[];
    rawMean: number | null;
    standardDeviation: number | null;
    categoryMean: number | null;
    priorWeight: number;
    value: number | null;
    interval: Interval | null;
    /** 默认评价: whether they count toward P (the cycle's setting) and how many were included or left out; absent in rankings stored before. */
    defaultRatings?: { counted: boolean; included: number; excluded: number };
  };
  deductions: { total: number; complaints: CountLine[]; overdueProblems: CountLine };
  bonus: { total: number; uncapped: number; cap: number; deeds: CountLine; commendations: CountLine; commendationsCounted: boolean };
  samples: { ratings: number; scorecards: number; inspectionReports: number };
  minimumSamples: MinimumSamples;
  /** Absent from explanations computed before the component existed. */
  timeliness?: TimelinessExplanation;
  flags: RankingFlag[];
  notes: string[];
}

export interface TimelinessExplanation extends CaseCounts {
  /** onTime / completed × 100; null without completed cases. */
  onTimeRate: number | null;
  /** oneWeek / completed × 100; shown, not scored. */
  oneWeekRate: number | null;
  minimumCompletedCases: number;
  /** T as scored: the on-time rate, or null under the minimum sample. */
  value: number | null;
  weight: number;
}

/** T and what it shows; pure. */
export function timeliness(cases: CaseCounts | undefined, s: ScoringSettings): TimelinessExplanation {
  const c = cases ?? { completed: 0, onTime: 0, oneWeek: 0 };
  const rate = (n: number) => (c.completed === 0 ? null : (n / c.completed) * 100);
  const onTimeRate = rate(c.onTime);
  const value = c.completed >= Math.max(1, s.timeliness.minimumCompletedCases) ? onTimeRate : null;
  return { ...c, onTimeRate, oneWeekRate: rate(c.oneWeek), minimumCompletedCases: s.timeliness.minimumCompletedCases, value, weight: s.timeliness.weight };
}

export interface ScoredUnit {
  unitId: string;
  category: string;
  score: number;
  ratings: number;
  scorecards: number;
  reports: number;
  interval: Interval | null;
  flags: RankingFlag[];
  explanation: ScoreExplanationBody;
}

/** Mean and sample standard deviation (points) of a unit's ratings. */
export function ratingStats(levels: readonly number[], levelPoints: ScoringSettings['levelPoints']): { n: number; mean: number | null; sd: number | null } {
  const p = (i: number) => levelPoints[String(i + 1) as keyof ScoringSettings['levelPoints']];
  let n = 0;
  let sum = 0;
  levels.forEach((c, i) => {
    n += c;
    sum += c * p(i);
  });
  if (n === 0) return { n, mean: null, sd: null };
  const mean = sum / n;
  if (n < 2) return { n, mean, sd: null };
  let ss = 0;
  levels.forEach((c, i) => (ss += c * (p(i) - mean) ** 2));
  return { n, mean, sd: Math.sqrt(ss / (n - 1)) };
}

/** Bayesian average: (n·mean + m·prior)/(n + m). With no ratings there is nothing to shrink: null. */
export function bayesianMean(n: number, mean: number | null, priorWeight: number, prior: number | null): number | null {
  if (n === 0 || mean === null) return null;
  if (prior === null || priorWeight === 0) return mean;
  return (n * mean + priorWeight * prior) / (n + priorWeight);
}

/** 95% normal-approximation interval of the raw mean, clamped to 0–100; null under 2 ratings. */
export function satisfactionInterval(n: number, mean: number | null, sd: number | null): Interval | null {
  if (n < 2 || mean === null || sd === null) return null;
  const half = (1.96 * sd) / Math.sqrt(n);
  return { low: Math.max(0, mean - half), high: Math.min(100, mean + half) };
}

/** Pooled mean points of all ratings of each category's units. */
export function categoryMeans(units: readonly UnitInputs[], levelPoints: ScoringSettings['levelPoints']): Map<string, number | null> {
  const acc = new Map<string, number[]>();
  for (const u of units) {
    const a = acc.get(u.category) ?? [0, 0, 0, 0, 0];
    u.ratingLevels.forEach((c, i) => (a[i] += c));
    acc.set(u.category, a);
  }
  return new Map([...acc].map(([category, levels]) => [category, ratingStats(levels, levelPoints).mean]));
}

/** Inspection report rating r (1–5) → 0–100. */
export const ratingToPoints = (r: number) => (r - 1) * 25;

export function inspectionScore(reports: number, meanRating: number | null, findings: SeverityCounts, penalty: ScoringSettings['findingPenalty']) {
  const lines = severities.map((s) => ({ key: s, count: findings[s], pointsEach: penalty[s], points: findings[s] * penalty[s] }));
  const findingPoints = lines.reduce((t, l) => t + l.points, 0);
  if (reports === 0 || meanRating === null) return { value: null, meanReportScore: null, lines, findingPoints };
  const meanReportScore = ratingToPoints(meanRating);
  return { value: Math.max(0, meanReportScore - findingPoints), meanReportScore, lines, findingPoints };
}

export function deductions(complaints: UnitInputs['complaints'], overdue: number, s: ScoringSettings) {
  const keys = [...severities, 'unknown'] as const;
  const lines = keys.map((k) => ({ key: k, count: complaints[k], pointsEach: s.complaintPenalty[k], points: complaints[k] * s.complaintPenalty[k] }));
  const overdueLine = { key: 'overdue_problem', count: overdue, pointsEach: s.overdueProblemPenalty, points: overdue * s.overdueProblemPenalty };
  return { total: lines.reduce((t, l) => t + l.points, 0) + overdueLine.points, complaints: lines, overdueProblems: overdueLine };
}

export function bonus(deeds: number, commendations: number | null, s: ScoringSettings) {
  const deedLine = { key: 'deed', count: deeds, pointsEach: s.deedPoints, points: deeds * s.deedPoints };
  const c = commendations ?? 0;
  const commendationLine = { key: 'commendation', count: c, pointsEach: s.commendationPoints, points: c * s.commendationPoints };
  const uncapped = deedLine.points + commendationLine.points;
  return { total: Math.min(s.bonusCap, uncapped), uncapped, cap: s.bonusCap, deeds: deedLine, commendations: commendationLine, commendationsCounted: commendations !== null };
}

/** Weighted sum over the present components, weights renormalized to sum to 1 over them. */
export function combine(
  values: Partial<Record<ComponentKey, number | null>>,
  weights: Weights,
  keys: readonly ComponentKey[] = componentKeys,
): { base: number; renormalized: boolean; lines: ComponentLine[] } {
  const w = (k: ComponentKey) => weights[k] ?? 0;
  const v = (k: ComponentKey) => values[k] ?? null;
  const presentWeight = keys.reduce((t, k) => t + (v(k) === null ? 0 : w(k)), 0);
  const totalWeight = keys.reduce((t, k) => t + w(k), 0);
  const lines = keys.map((key) => {
    const value = v(key);
    const effectiveWeight = value === null || presentWeight === 0 ? 0 : w(key) / presentWeight;
    return { key, label: componentLabels[key], value, present: value !== null, weight: w(key), effectiveWeight, contribution: value === null ? 0 : effectiveWeight * value };
  });
  const renormalized = Math.abs(presentWeight - totalWeight) > 1e-12;
  return { base: lines.reduce((t, l) => t + l.contribution, 0), renormalized, lines };
}

const fmt = (x: number) => String(Math.round(x * 100) / 100);

/** The score of one unit with everything that went into it. */
export function scoreUnit(
  u: UnitInputs,
  ctx: { settings: ScoringSettings; weights: Weights; minimumSamples: MinimumSamples; categoryMean: number | null },
): ScoredUnit {
  const s = ctx.settings;
  const notes: string[] = [];
  const stats = ratingStats(u.ratingLevels, s.levelPoints);
  const p = bayesianMean(stats.n, stats.mean, s.priorWeight, ctx.categoryMean);
  const interval = satisfactionInterval(stats.n, stats.mean, stats.sd);
  const m = inspectionScore(u.reports, u.meanReportRating, u.findings, s.findingPenalty);
  const a = u.scorecards > 0 ? u.meanScorecardTotal : null;
  const t = timeliness(u.cases, s);
  // T is weighed only when the cycle gives it a weight: otherwise the score and its explanation are as before.
  const keys: readonly ComponentKey[] = t.weight > 0 ? allComponentKeys : componentKeys;
  const combined = combine({ assessment: a, inspection: m.value, publicSatisfaction: p, timeliness: t.value }, { ...ctx.weights, timeliness: t.weight }, keys);
  const d = deductions(u.complaints, u.overdueProblems, s);
  const b = bonus(u.deeds, u.commendations, s);
  const score = combined.base - d.total + b.total;

  const lp = s.levelPoints;
  notes.push(`rating levels map to points: 5→${lp['5']}, 4→${lp['4']}, 3→${lp['3']}, 2→${lp['2']}, 1→${lp['1']}`);
  if (p !== null) {
    notes.push(
      `P is a Bayesian average: (n·mean + m·categoryMean)/(n + m) with n = ${stats.n}, mean = ${fmt(stats.mean!)}, m = ${s.priorWeight}, categoryMean = ${ctx.categoryMean === null ? 'none' : fmt(ctx.categoryMean)}`,
    );
  }
  notes.push('inspection ratings map (r−1)×25; a report scores the mean of its five ratings; M = max(0, mean report score − finding points)');
  const dr = { counted: s.defaultsCountTowardP, included: u.defaultRatings?.included ?? 0, excluded: u.defaultRatings?.excluded ?? 0 };
  if (dr.included + dr.excluded > 0 || dr.counted) {
    notes.push(
      s.defaultsCountTowardP
        ? `default ratings (默认评价) count toward P in this cycle: ${dr.included} included`
        : `default ratings (默认评价) do not count toward P in this cycle: ${dr.excluded} left out`,
    );
  }
  const missing = combined.lines.filter((l) => !l.present);
  if (t.weight > 0) {
    notes.push(
      `T is the on-time rate (限时办结率) of ${t.completed} completed case(s): ${t.onTime} on time` +
        (t.value === null ? `; under the minimum of ${t.minimumCompletedCases} completed cases, T is missing` : '') +
        `; 一周办结 ${t.oneWeek} (shown, not scored)`,
    );
  }
  if (missing.length === keys.length) notes.push('no component has data: the weighted part of the score is 0');
  else if (combined.renormalized) {
    const present = combined.lines.filter((l) => l.present);
    notes.push(
      `missing: ${missing.map((l) => `${l.key} (${l.label.zhCN})`).join(', ')}; weights renormalized over ${present.map((l) => `${l.key} ${fmt(l.effectiveWeight * 100)}%`).join(', ')}`,
    );
  }
  if (!b.commendationsCounted) notes.push('higher-level commendations are not recorded in the system yet: the bonus counts deeds only');
  if (b.uncapped > b.cap) notes.push(`bonus capped at ${b.cap} (uncapped ${fmt(b.uncapped)})`);

  const short: string[] = [];
  if (stats.n < ctx.minimumSamples.ratings) short.push(`ratings ${stats.n} < ${ctx.minimumSamples.ratings}`);
  if (u.scorecards < ctx.minimumSamples.scorecards) short.push(`scorecards ${u.scorecards} < ${ctx.minimumSamples.scorecards}`);
  if (u.reports < ctx.minimumSamples.inspectionReports) short.push(`inspection reports ${u.reports} < ${ctx.minimumSamples.inspectionReports}`);
  const flags: RankingFlag[] = short.length ? [INSUFFICIENT_SAMPLE] : [];
  if (short.length) notes.push(`insufficient sample (${short.join('; ')}): not ranked and cannot be named; listed after the ranked units of its category`);

  const levels = u.ratingLevels.map((count, i) => {
    const pointsEach = lp[String(i + 1) as keyof typeof lp];
    return { key: String(i + 1), count, pointsEach, points: count * pointsEach };
  });
  return {
    unitId: u.unitId,
    category: u.category,
    score,
    ratings: stats.n,
    scorecards: u.scorecards,
    reports: u.reports,
    interval,
    flags,
    explanation: {
      formulaVersion: s.formulaVersion,
      formula: FORMULA,
      score,
      base: combined.base,
      renormalized: combined.renormalized,
      components: combined.lines,
      assessment: { scorecards: u.scorecards, meanTotal: a },
      inspection: { reports: u.reports, meanRating: u.meanReportRating, meanReportScore: m.meanReportScore, findings: m.lines, findingPoints: m.findingPoints },
      publicSatisfaction: {
        ratings: stats.n,
        levels,
        rawMean: stats.mean,
        standardDeviation: stats.sd,
        categoryMean: ctx.categoryMean,
        priorWeight: s.priorWeight,
        value: p,
        interval,
        defaultRatings: dr,
      },
      deductions: d,
      bonus: b,
      samples: { ratings: stats.n, scorecards: u.scorecards, inspectionReports: u.reports },
      minimumSamples: ctx.minimumSamples,
      timeliness: t,
      flags,
      notes,
    },
  };
}

/**
 * Order within a category: higher score first; ties by more ratings, then by unit id (stable across runs).
 */
export function compareScored(a: Pick<ScoredUnit, 'score' | 'ratings' | 'unitId'>, b: Pick<ScoredUnit, 'score' | 'ratings' | 'unitId'>): number {
  if (a.score !== b.score) return b.score - a.score;
  if (a.ratings !== b.ratings) return b.ratings - a.ratings;
  return a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0;
}

/** A rank is earned only with sufficient samples: a unit flagged insufficient_sample holds no place. */
export const earnsRank = (u: { flags: readonly string[] }) => !u.flags.includes(INSUFFICIENT_SAMPLE);

/**
 * The one rule of places (名次) within a category, read by every list, export and naming:
 * - `rank` 1…k goes to the units with sufficient samples only, by compareScored, with no gaps and no shared places;
 * - a unit flagged insufficient_sample gets `rank: null` and is listed after the ranked units, by compareScored;
 * - `position` 1…n is the place in the category's list (ranked first, then unranked), the stable key of pages.
 * A category where every unit is under the minimum sample has no ranks at all.
 */
export function rankWithinCategories<T extends Pick<ScoredUnit, 'score' | 'ratings' | 'unitId' | 'category' | 'flags'>>(
  units: readonly T[],
): (T & { rank: number | null; position: number })[] {
  const byCategory = new Map<string, T[]>();
  for (const u of units) {
    const list = byCategory.get(u.category);
    if (list) list.push(u);
    else byCategory.set(u.category, [u]);
  }
  return [...byCategory.values()].flatMap((list) => {
    const ranked = list.filter(earnsRank).sort(compareScored);
    const unranked = list.filter((u) => !earnsRank(u)).sort(compareScored);
    return [...ranked.map((u, i) => ({ ...u, rank: i + 1 as number | null })), ...unranked.map((u) => ({ ...u, rank: null }))].map((u, i) => ({ ...u, position: i + 1 }));
  });
}

/** Scores and places every unit of a cycle. */
export function scoreCycle(units: readonly UnitInputs[], ctx: { settings: ScoringSettings; weights: Weights; minimumSamples: MinimumSamples }) {
  const means = categoryMeans(units, ctx.settings.levelPoints);
  const scored = units.map((u) => scoreUnit(u, { ...ctx, categoryMean: means.get(u.category) ?? null }));
  return { categoryMeans: Object.fromEntries(means), entries: rankWithinCategories(scored) };
}

/** How many of a category's `size` ranked units the 排名靠后 list holds (unranked units are never counted in). */
export function bottomCount(size: number, bottom: ScoringSettings['bottom']): number {
  const n = bottom.mode === 'count' ? Math.floor(bottom.value) : Math.ceil((size * bottom.value) / 100);
  return Math.max(0, Math.min(size, n));
}

export const round2 = (x: number) => Math.round(x * 100) / 100;
export const round2OrNull = (x: number | null) => (x === null ? null : round2(x));
