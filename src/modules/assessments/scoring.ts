/**
 * 考评打分 arithmetic, as pure functions over a criteria document. Points are handled in integer
 * hundredths so that sums never drift (0.1 + 0.2 is 0.3 here); callers see plain numbers with at most
 * two decimals.
 */
import type { CriteriaDocument } from '../criteria/schemas.js';
import type { FieldError } from '../../lib/errors.js';

export interface DeductionInput {
  itemKey: string;
  ruleKey: string;
  occurrences: number;
}

export interface BonusInput {
  bonusKey: string;
  points: number;
}

type Title = CriteriaDocument['sections'][number]['title'];

export interface ScoredDeduction {
  /** Index in the list as sent (and as stored). */
  position: number;
  itemKey: string;
  ruleKey: string;
  ruleDescription: string;
  occurrences: number;
  pointsPerOccurrence: number;
  cap: number | null;
  /** What this entry takes off, after the rule's cap (shared by all entries of one rule, first come first served). */
  points: number;
}

export interface ScoredItem {
  key: string;
  title: Title;
  maxPoints: number;
  checkMethod: string;
  /** Sum of the rule deductions, before the item's floor at 0. */
  deducted: number;
  score: number;
  deductions: ScoredDeduction[];
}

export interface ScoredSection {
  key: string;
  title: Title;
  maxPoints: number;
  score: number;
  items: ScoredItem[];
}

export interface ScoredBonus {
  position: number;
  bonusKey: string;
  description: string;
  maxPoints: number;
  claimedPoints: number;
  /** Claimed points capped at the bonus item's maximum (the overall bonus cap applies to the total). */
  points: number;
}

export interface ScoreBreakdown {
  sections: ScoredSection[];
  bonuses: ScoredBonus[];
  bonusCap: number;
  regularTotal: number;
  bonusTotal: number;
  total: number;
}

/** Points → integer hundredths (the only place a float is rounded). */
export const toCents = (points: number) => Math.round(points * 100);
export const fromCents = (cents: number) => cents / 100;

/** Names every deduction or bonus that refers to something the criteria set does not have. */
export function checkKeys(doc: CriteriaDocument, deductions: readonly DeductionInput[] | null, bonuses: readonly BonusInput[] | null): FieldError[] {
  const errors: FieldError[] = [];
  const items = new Map(doc.sections.flatMap((s) => s.items.map((i) => [i.key, i] as const)));
  deductions?.forEach((d, n) => {
    const item = items.get(d.itemKey);
    if (!item) errors.push({ field: `deductions.${n}.itemKey`, message: `the criteria set has no item "${d.itemKey}"` });
    else if (!item.deductionRules.some((r) => r.key === d.ruleKey)) {
      errors.push({ field: `deductions.${n}.ruleKey`, message: `item "${d.itemKey}" has no deduction rule "${d.ruleKey}"` });
    }
  });
  const bonusKeys = new Set(doc.bonusItems.map((b) => b.key));
  const seen = new Set<string>();
  bonuses?.forEach((b, n) => {
    if (!bonusKeys.has(b.bonusKey)) errors.push({ field: `bonuses.${n}.bonusKey`, message: `the criteria set has no bonus item "${b.bonusKey}"` });
    else if (seen.has(b.bonusKey)) errors.push({ field: `bonuses.${n}.bonusKey`, message: `bonus item "${b.bonusKey}" is listed twice` });
    seen.add(b.bonusKey);
  });
  return errors;
}

/**
 * Scores a scorecard. Per rule: min(occurrences × points per occurrence, cap); per item:
 * max(0, max points − its rule deductions); regular total = Σ items; bonus total =
 * min(bonus cap, Σ min(claimed, bonus item max)); total = regular + bonus.
 * Entries whose keys are unknown are ignored here: checkKeys refuses them before anything is stored.
 */
export function scoreScorecard(doc: CriteriaDocument, deductions: readonly DeductionInput[], bonuses: readonly BonusInput[]): ScoreBreakdown {
  let regularCents = 0;
  const sections = doc.sections.map((section): ScoredSection => {
    let sectionMax = 0;
    let sectionScore = 0;
    const items = section.items.map((item): ScoredItem => {
      const maxCents = toCents(item.maxPoints);
      // What each rule may still take off, as entries of the same rule consume its cap in list order.
      const remaining = new Map(item.deductionRules.map((r) => [r.key, r.cap === null ? Infinity : toCents(r.cap)]));
      const scored: ScoredDeduction[] = [];
      let deductedCents = 0;
      deductions.forEach((d, position) => {
        if (d.itemKey !== item.key) return;
        const rule = item.deductionRules.find((r) => r.key === d.ruleKey);
        if (!rule) return;
        const raw = d.occurrences * toCents(rule.pointsPerOccurrence);
        const cents = Math.min(raw, remaining.get(rule.key)!);
        remaining.set(rule.key, remaining.get(rule.key)! - cents);
        deductedCents += cents;
        scored.push({
          position,
          itemKey: item.key,
          ruleKey: rule.key,
          ruleDescription: rule.description,
          occurrences: d.occurrences,
          pointsPerOccurrence: rule.pointsPerOccurrence,
          cap: rule.cap,
          points: fromCents(cents),
        });
      });
      const scoreCents = Math.max(0, maxCents - deductedCents);
      sectionMax += maxCents;
      sectionScore += scoreCents;
      return {
        key: item.key,
        title: item.title,
        maxPoints: item.maxPoints,
        checkMethod: item.checkMethod,
        deducted: fromCents(deductedCents),
        score: fromCents(scoreCents),
        deductions: scored,
      };
    });
    regularCents += sectionScore;
    return { key: section.key, title: section.title, maxPoints: fromCents(sectionMax), score: fromCents(sectionScore), items };
  });

  const bonusItems = new Map(doc.bonusItems.map((b) => [b.key, b]));
  let claimedCents = 0;
  const scoredBonuses: ScoredBonus[] = [];
  bonuses.forEach((b, position) => {
    const item = bonusItems.get(b.bonusKey);
    if (!item) return;
    const cents = Math.min(toCents(b.points), toCents(item.maxPoints));
    claimedCents += cents;
    scoredBonuses.push({ position, bonusKey: b.bonusKey, description: item.description, maxPoints: item.maxPoints, claimedPoints: b.points, points: fromCents(cents) });
  });
  const bonusCents = Math.min(claimedCents, toCents(doc.bonusCap));

  return {
    sections,
    bonuses: scoredBonuses,
    bonusCap: doc.bonusCap,
    regularTotal: fromCents(regularCents),
    bonusTotal: fromCents(bonusCents),
    total: fromCents(regularCents + bonusCents),
  };
}
