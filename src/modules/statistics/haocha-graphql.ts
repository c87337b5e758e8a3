import type { StatisticsDto } from './schemas.js';

type LabelMap = Record<string, { zhCN: string; en: string }>;
const list = (counts: Record<string, number>, labels: LabelMap) => Object.entries(counts).map(([code, count]) => ({ code, label: labels[code], count }));

/** The GraphQL side of haocha-figures.ts: maps become labelled lists, the monthly record a list of months. */
export const haochaFigureTypeDefs = /* GraphQL */ `
  "一事一评 over the cases completed in the cycles: 主动评价率, 默认评价, 限时办结率, 一周办结率 (rates in [0, 1], null when nothing was completed)"
  type StatisticsCaseRatings {
    completed: Int! rated: Int! activeRatings: Int! defaultRatings: Int! unrated: Int!
    activeRatingRate: Float defaultRatingRate: Float onTime: Int! oneWeek: Int! onTimeRate: Float oneWeekRate: Float
  }
  "复核用时 in calendar days (null without a decided appeal)"
  type StatisticsAppealDecisionTime { decided: Int! meanDays: Float medianDays: Float }
  type StatisticsAppealKind { code: String! label: Label! total: Int! byStatus: [StatisticsCount!]! decisionTime: StatisticsAppealDecisionTime! }
  "申诉复核 by kind and outcome"
  type StatisticsAppeals { total: Int! byStatus: [StatisticsCount!]! byKind: [StatisticsAppealKind!]! upheldRate: Float decisionTime: StatisticsAppealDecisionTime! }
  "评价防刷: ratings the integrity review held, by what became of them"
  type StatisticsRatingHolds { held: Int! cleared: Int! rejected: Int! total: Int! }
  type StatisticsHaochaMonth { month: String! completedCases: Int! activeRatings: Int! defaultRatings: Int! onTime: Int! oneWeek: Int! appealsFiled: Int! appealsDecided: Int! ratingsHeld: Int! }
  "好差评 and the loop's figures; the call-back and rectification rates are in followUps"
  type StatisticsHaocha { cases: StatisticsCaseRatings! appeals: StatisticsAppeals! holds: StatisticsRatingHolds! monthly: [StatisticsHaochaMonth!]! }
`;

/** The field StatisticsFigures gains (inside its type body). */
export const haochaFigureFields = 'haocha: StatisticsHaocha!';

export function toGraphqlHaocha(f: StatisticsDto['figures'], l: StatisticsDto['labels']) {
  const a = f.haocha.appeals;
  return {
    haocha: {
      cases: f.haocha.cases,
      holds: f.haocha.holds,
      appeals: {
        total: a.total,
        upheldRate: a.upheldRate,
        decisionTime: a.decisionTime,
        byStatus: list(a.byStatus, l.appealStatuses),
        byKind: Object.entries(a.byKind).map(([code, total]) => ({
          code,
          label: (l.appealKinds as LabelMap)[code],
          total,
          byStatus: list(a.byKindAndStatus[code as keyof typeof a.byKindAndStatus], l.appealStatuses),
          decisionTime: a.decisionTimeByKind[code as keyof typeof a.decisionTimeByKind],
        })),
      },
      monthly: Object.entries(f.haocha.monthly).map(([month, m]) => ({ month, ...m })),
    },
  };
}
