import { z } from 'zod';
import { appealKindLabels, appealKinds, appealStatusLabels, appealStatuses } from '../appeals/schemas.js';
import type { AppealKind, AppealStatus } from '../appeals/schemas.js';
import type { haochaFigureQueries } from './haocha.repository.js';

/**
 * 好差评 and the loop's figures (issue 10): 主动评价率 and 默认评价 over the cases completed in the cycles, 限时办结率 and
 * 一周办结率, appeals (申诉复核) by kind and outcome with the time to decision, and the integrity holds (评价防刷); each
 * additive figure also by month (YYYY-MM, UTC+8). The call-back (回访率) and rectification (整改率) rates of the
 * bad-rating loop are `followUps.callBackRate` and `followUps.rectificationRate`.
 *
 * A case counts when it was completed inside its unit's assessment window of one of the cycles (as T in the ranking).
 * Its rating is active (主动评价) when a rater gave it, default (默认评价) when the system did; a rating the integrity
 * review rejected counts as none. Appeals count by their cycle, or without one by the day filed in the covered years;
 * holds by the cycle of the held rating. Every filter applies through the unit.
 */

const n = z.number().int().min(0);
/** A share in [0, 1] (4 places); null when its denominator is 0. */
const rate = z.number().min(0).max(1).nullable();
const days = z.number().min(0).nullable();
const countsOf = <K extends string>(keys: readonly K[], description?: string) => {
  const o = z.object(Object.fromEntries(keys.map((k) => [k, n])) as Record<K, typeof n>);
  return description ? o.describe(description) : o;
};
const decisionTime = z
  .object({ decided: n.describe('upheld or rejected'), meanDays: days.describe('mean calendar days from filing to decision'), medianDays: days.describe('median calendar days') })
  .meta({ id: 'StatisticsAppealDecisionTime' });
const byStatus = countsOf(appealStatuses);

const monthShape = {
  completedCases: n,
  activeRatings: n,
  defaultRatings: n,
  onTime: n,
  oneWeek: n,
  appealsFiled: n,
  appealsDecided: n,
  ratingsHeld: n.describe('ratings held by the integrity review, whatever became of them'),
};

export const haochaShape = {
  haocha: z
    .object({
      cases: z
        .object({
          completed: n.describe('cases (办件) completed in the cycles'),
          rated: n.describe('of those, with a rating (active or default)'),
          activeRatings: n.describe('rated by the applicant (主动评价)'),
          defaultRatings: n.describe('given the default rating (默认评价) after DEFAULT_RATING_DAYS'),
          unrated: n.describe('not rated yet'),
          activeRatingRate: rate.describe('主动评价率: activeRatings / completed'),
          defaultRatingRate: rate.describe('defaultRatings / completed'),
          onTime: n.describe('completed by the promised deadline (按时办结)'),
          oneWeek: n.describe('completed within 7 calendar days of receipt (一周办结)'),
          onTimeRate: rate.describe('限时办结率: onTime / completed'),
          oneWeekRate: rate.describe('一周办结率: oneWeek / completed'),
        })
        .meta({ id: 'StatisticsCaseRatings' }),
      appeals: z
        .object({
          total: n,
          byKind: countsOf(appealKinds),
          byStatus: byStatus.describe('已提交 / 复核中 / 申诉成立 / 申诉不成立 / 已撤回'),
          byKindAndStatus: z.object(Object.fromEntries(appealKinds.map((k) => [k, byStatus])) as Record<AppealKind, typeof byStatus>),
          upheldRate: rate.describe('申诉成立率: upheld / (upheld + rejected)'),
          decisionTime: decisionTime.describe('复核用时 over every kind'),
          decisionTimeByKind: z.object(Object.fromEntries(appealKinds.map((k) => [k, decisionTime])) as Record<AppealKind, typeof decisionTime>),
        })
        .describe('申诉复核 by kind and outcome, with the time to decision')
        .meta({ id: 'StatisticsAppeals' }),
      holds: z
        .object({
          held: n.describe('held for review now (out of P until cleared)'),
          cleared: n.describe('cleared on review (back in P)'),
          rejected: n.describe('rejected on review (out for good)'),
          total: n.describe('every rating the review ever held'),
        })
        .describe('评价防刷: ratings the integrity review held, by what became of them')
        .meta({ id: 'StatisticsRatingHolds' }),
      monthly: z
        .record(z.string().regex(/^\d{4}-\d{2}$/), z.object(monthShape).meta({ id: 'StatisticsHaochaMonth' }))
        .describe('cases by month completed, appeals by month filed, holds by month collected (YYYY-MM, UTC+8); months with any record only'),
    })
    .describe('好差评: 主动评价率 and 默认评价, 限时办结率 and 一周办结率, 申诉 and 评价防刷')
    .meta({ id: 'StatisticsHaocha' }),
};
export type HaochaFigures = z.infer<(typeof haochaShape)['haocha']>;
type Month = z.infer<z.ZodObject<typeof monthShape>>;

export const haochaLabelValues = { appealKinds: appealKindLabels, appealStatuses: appealStatusLabels };
export const haochaLabelKeys = { appealKinds, appealStatuses };

const zeros = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
const share = (part: number, whole: number) => (whole ? Math.round((part / whole) * 10_000) / 10_000 : null);
const round2 = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);

export function assembleHaochaFigures(r: Awaited<ReturnType<typeof haochaFigureQueries>>): { haocha: HaochaFigures } {
  const months = new Map<string, Month>();
  const at = (m: string) => months.get(m) ?? months.set(m, zeros(Object.keys(monthShape) as (keyof Month)[])).get(m)!;

  const cases = { completed: 0, rated: 0, activeRatings: 0, defaultRatings: 0, onTime: 0, oneWeek: 0 };
  for (const x of r.cases) {
    cases.completed += x.completed;
    cases.rated += x.rated;
    cases.activeRatings += x.active;
    cases.defaultRatings += x.defaults;
    cases.onTime += x.onTime;
    cases.oneWeek += x.oneWeek;
    const m = at(x.month);
    m.completedCases += x.completed;
    m.activeRatings += x.active;
    m.defaultRatings += x.defaults;
    m.onTime += x.onTime;
    m.oneWeek += x.oneWeek;
  }

  const byKind = zeros(appealKinds);
  const byStatusAll = zeros(appealStatuses);
  const byKindAndStatus = Object.fromEntries(appealKinds.map((k) => [k, zeros(appealStatuses)])) as Record<AppealKind, Record<AppealStatus, number>>;
  let total = 0;
  for (const x of r.appeals) {
    total += x.n;
    byKind[x.kind] += x.n;
    byStatusAll[x.status] += x.n;
    byKindAndStatus[x.kind][x.status] += x.n;
    const m = at(x.month);
    m.appealsFiled += x.n;
    if (x.status === 'upheld' || x.status === 'rejected') m.appealsDecided += x.n;
  }
  const none = { decided: 0, meanDays: null, medianDays: null };
  const time = (x: (typeof r.decisions)[number] | undefined) => (x ? { decided: x.decided, meanDays: round2(x.meanDays), medianDays: round2(x.medianDays) } : none);
  const decisionTimeByKind = Object.fromEntries(appealKinds.map((k) => [k, time(r.decisions.find((d) => d.overall === 0 && d.kind === k))])) as HaochaFigures['appeals']['decisionTimeByKind'];

  const holds = { held: 0, cleared: 0, rejected: 0, total: 0 };
  for (const x of r.holds) {
    if (x.status === 'none') continue;
    holds[x.status] += x.n;
    holds.total += x.n;
    at(x.month).ratingsHeld += x.n;
  }

  return {
    haocha: {
      cases: {
        ...cases,
        unrated: cases.completed - cases.rated,
        activeRatingRate: share(cases.activeRatings, cases.completed),
        defaultRatingRate: share(cases.defaultRatings, cases.completed),
        onTimeRate: share(cases.onTime, cases.completed),
        oneWeekRate: share(cases.oneWeek, cases.completed),
      },
      appeals: {
        total,
        byKind,
        byStatus: byStatusAll,
        byKindAndStatus,
        upheldRate: share(byStatusAll.upheld, byStatusAll.upheld + byStatusAll.rejected),
        decisionTime: time(r.decisions.find((d) => d.overall === 1)),
        decisionTimeByKind,
      },
      holds,
      monthly: Object.fromEntries([...months.entries()].sort(([a], [b]) => a.localeCompare(b))),
    },
  };
}
