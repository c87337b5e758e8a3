import type { Category } from '../units/schemas.js';
import { INSUFFICIENT_SAMPLE } from './scoring.js';
import type { InputExclusionDto, RankingDiffDto } from './schemas.js';

/** One entry as the diff reads it: its place, score, flags and the exclusions its explanation lists. */
export interface DiffEntry {
  unitId: string;
  unitName: string;
  category: Category;
  rank: number | null;
  position: number;
  score: number;
  flags: string[];
  exclusions: InputExclusionDto[];
}

const SCORE_EPSILON = 0.005;
const eligible = (e: DiffEntry) => e.rank !== null && !e.flags.includes(INSUFFICIENT_SAMPLE);
const side = (e: DiffEntry | undefined) => (e ? { rank: e.rank, position: e.position, score: Math.round(e.score * 100) / 100, eligible: eligible(e) } : null);

/**
 * 更正对比: the entries whose rank, score (to the cent) or eligibility changed between two rankings of a cycle. The reason
 * is the upheld appeals newly excluded for that unit (in `after`'s explanation, not in `before`'s); without any, the entry
 * was recomputed (moved by other units' changes or by new data).
 */
export function diffEntries(before: readonly DiffEntry[], after: readonly DiffEntry[]): RankingDiffDto['entries'] {
  const old = new Map(before.map((e) => [e.unitId, e]));
  const now = new Map(after.map((e) => [e.unitId, e]));
  const unitIds = [...new Set([...after.map((e) => e.unitId), ...before.map((e) => e.unitId)])];
  const out: RankingDiffDto['entries'] = [];
  for (const unitId of unitIds) {
    const b = old.get(unitId);
    const a = now.get(unitId);
    const changed: RankingDiffDto['entries'][number]['changed'] = [];
    if (!a || !b) changed.push('presence');
    else {
      if (a.rank !== b.rank) changed.push('rank');
      if (Math.abs(a.score - b.score) >= SCORE_EPSILON) changed.push('score');
      if (eligible(a) !== eligible(b)) changed.push('eligibility');
    }
    if (changed.length === 0) continue;
    const seen = new Set((b?.exclusions ?? []).map((x) => x.appealId));
    const appeals = (a?.exclusions ?? []).filter((x) => !seen.has(x.appealId));
    const e = (a ?? b)!;
    out.push({ unitId, unitName: e.unitName, category: e.category, before: side(b), after: side(a), changed, why: appeals.length ? 'appeal' : 'recomputed', appeals });
  }
  return out.sort((x, y) => x.category.localeCompare(y.category) || (x.after?.position ?? Infinity) - (y.after?.position ?? Infinity) || x.unitId.localeCompare(y.unitId));
}
