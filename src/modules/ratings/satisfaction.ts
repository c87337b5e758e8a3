import { z } from 'zod';
import { isBad } from './rules.js';

/**
 * 满意度 of a set of ratings, the one definition the scoreboard and statistics share: the mean level (1–5), the same
 * mean as points ((level − 1) × 25, the scale of the ranking's P) and the satisfied share — 非常满意, 满意 and 基本满意,
 * i.e. every rating that is not a 差评 (好差评: levels 3–5 are 好评).
 */
export const satisfactionSummary = z
  .object({
    count: z.number().int(),
    bad: z.number().int().describe('差评 (level ≤ 2)'),
    meanLevel: z.number().nullable().describe('mean level 1–5, 2 decimals; null without ratings'),
    meanPoints: z.number().nullable().describe('mean of (level − 1) × 25 (0–100, the scale of P), 2 decimals; null without ratings'),
    satisfiedShare: z.number().nullable().describe('share of levels 3–5 (满意率: 非常满意, 满意, 基本满意), 4 decimals; null without ratings'),
  })
  .meta({ id: 'SatisfactionSummary', description: '满意度: how many ratings, how many 差评, the mean and the satisfied share' });
export type SatisfactionSummaryDto = z.infer<typeof satisfactionSummary>;

const round = (x: number, places: number) => Math.round(x * 10 ** places) / 10 ** places;

/** The summary of ratings given as (level, n) pairs. */
export function summarizeLevels(counts: Iterable<{ level: number; n: number }>): SatisfactionSummaryDto {
  let count = 0;
  let bad = 0;
  let sum = 0;
  for (const { level, n } of counts) {
    count += n;
    sum += level * n;
    if (isBad(level)) bad += n;
  }
  if (!count) return { count, bad, meanLevel: null, meanPoints: null, satisfiedShare: null };
  const mean = sum / count;
  return { count, bad, meanLevel: round(mean, 2), meanPoints: round((mean - 1) * 25, 2), satisfiedShare: round((count - bad) / count, 4) };
}
