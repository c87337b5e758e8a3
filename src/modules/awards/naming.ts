/**
 * Who is proposed for 十佳/百佳 (pure: no database). A unit gets ONE award per cycle: the best `top10` eligible
 * units of a pool get top10, the next `top100 − top10` get top100, so the 百佳 list of `top100` includes the 十佳.
 * A pool is every ranked unit (ordered by score; ties: more ratings, then unit id — the ranking's own tie rule), or,
 * when the cycle splits quotas per category, each category (ordered by its rank). An entry without a rank (under the
 * minimum sample, see rankings/scoring.ts) is in no pool.
 */
import { categories } from '../units/schemas.js';
import type { Category } from '../units/schemas.js';
import type { PassOverReason, Tier } from './schemas.js';

export interface RankedUnit {
  unitId: string;
  category: Category;
  /** Null: under the minimum sample, no earned rank. */
  rank: number | null;
  score: number;
  ratings: number;
}

export interface Quotas {
  top100: number;
  top10: number;
  perCategory: Partial<Record<string, { top100: number; top10: number }>> | null;
}

export interface SelectedCandidate {
  unitId: string;
  tier: Tier;
  category: Category;
  position: number;
  score: number;
  rank: number;
}

const byScore = (a: RankedUnit, b: RankedUnit) => b.score - a.score || b.ratings - a.ratings || (a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0);
type Ranked = RankedUnit & { rank: number };
const hasRank = (u: RankedUnit): u is Ranked => u.rank !== null;
const byRank = (a: Ranked, b: Ranked) => a.rank - b.rank;

function fromPool(pool: Ranked[], quota: { top100: number; top10: number }, excluded: ReadonlySet<string>): SelectedCandidate[] {
  const eligible = pool.filter((u) => !excluded.has(u.unitId)).slice(0, Math.max(quota.top100, quota.top10));
  return eligible.map((u, i) => ({
    unitId: u.unitId,
    tier: i < quota.top10 ? 'top10' : 'top100',
    category: u.category,
    position: i + 1,
    score: u.score,
    rank: u.rank,
  }));
}

/** Candidates in order: per pool, by position (top10 first). `excluded`: passed-over and struck units. */
export function selectCandidates(entries: readonly RankedUnit[], quotas: Quotas, excluded: ReadonlySet<string>): SelectedCandidate[] {
  const ranked = entries.filter(hasRank);
  if (!quotas.perCategory) return fromPool(ranked.sort(byScore), quotas, excluded);
  return categories.flatMap((c) => {
    const q = quotas.perCategory![c] ?? { top100: 0, top10: 0 };
    return fromPool(
      ranked.filter((e) => e.category === c).sort(byRank),
      q,
      excluded,
    );
  });
}

export interface EligibilityFacts {
  flags: readonly string[];
  enrollmentStatus: string | null;
  openSeriousProblemIds: readonly string[];
  seriousComplaintIds: readonly string[];
}

/** Why a ranked unit cannot be named (empty: it can). */
export function passOverReasons(f: EligibilityFacts): PassOverReason[] {
  const reasons: PassOverReason[] = [];
  if (f.enrollmentStatus === 'disqualified') reasons.push('disqualified');
  else if (f.enrollmentStatus !== 'enrolled') reasons.push('withdrawn');
  if (f.flags.includes('insufficient_sample')) reasons.push('insufficient_sample');
  if (f.openSeriousProblemIds.length > 0) reasons.push('open_serious_problem');
  if (f.seriousComplaintIds.length > 0) reasons.push('substantiated_serious_complaint');
  return reasons;
}
