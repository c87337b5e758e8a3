import type { StatisticsDto } from './schemas.js';

type LabelMap = Record<string, { zhCN: string; en: string }>;
const list = (counts: Record<string, number>, labels: LabelMap) => Object.entries(counts).map(([code, count]) => ({ code, label: labels[code], count }));

const outreachFields = 'opinionFormsDistributed: Int! opinionFormsReturned: Int! householdsVisited: Int! forumSessions: Int! forumParticipants: Int! questionnairesDistributed: Int! questionnairesReturned: Int! phoneInquiryHouseholds: Int! smsMessages: Int!';
const mediaFields = 'newspaperColumns: Int! newsItems: Int! newsWords: Int! tvSpecials: Int! tvSpecialEpisodes: Int! tvInquirySessions: Int! tvInquiryAppearances: Int! smsPublicityMessages: Int!';

/** The GraphQL side of activity-figures.ts: maps become labelled lists, the monthly record a list of months. */
export const activityFigureTypeDefs = /* GraphQL */ `
  "群众评价机制 volumes"
  type StatisticsOutreach { ${outreachFields} activitiesByKind: [StatisticsCount!]! }
  "意见建议"
  type StatisticsSuggestions { total: Int! byStatus: [StatisticsCount!]! }
  "媒体参与"
  type StatisticsMedia { ${mediaFields} itemsByKind: [StatisticsCount!]! departmentsCovered: Int! unitsCovered: Int! }
  type StatisticsPowerLevel { code: String! label: Label! registered: Int! kept: Int! merged: Int! abolished: Int! }
  "行政权力清理"
  type StatisticsPowerList { registered: Int! kept: Int! merged: Int! abolished: Int! byLevel: [StatisticsPowerLevel!]! byItemKind: [StatisticsCount!]! }
  "an amount in fen (分) under a code; Float only because GraphQL Int is 32-bit"
  type StatisticsAmount { code: String! label: Label! fen: Float! }
  "硬件建设投入, in fen"
  type StatisticsInvestments { totalFen: Float! records: Int! builtQuantity: Int! byFundSourceFen: [StatisticsAmount!]! }
  "the additive figures of one month (YYYY-MM, UTC+8)"
  type StatisticsMonth { month: String! ${outreachFields} suggestions: Int! ${mediaFields} powerListRegistered: Int! investmentsFen: Float! }
`;

/** The fields StatisticsFigures gains (inside its type body). */
export const activityFigureFields = 'outreach: StatisticsOutreach! suggestions: StatisticsSuggestions! media: StatisticsMedia! powerList: StatisticsPowerList! investments: StatisticsInvestments! monthly: [StatisticsMonth!]!';

export function toGraphqlActivities(f: StatisticsDto['figures'], l: StatisticsDto['labels']) {
  return {
    outreach: { ...f.outreach, activitiesByKind: list(f.outreach.activitiesByKind, l.outreachKinds) },
    suggestions: { ...f.suggestions, byStatus: list(f.suggestions.byStatus, l.suggestionStatuses) },
    media: { ...f.media, itemsByKind: list(f.media.itemsByKind, l.mediaKinds) },
    powerList: {
      ...f.powerList,
      byLevel: Object.entries(f.powerList.byLevel).map(([code, c]) => ({ code, label: (l.powerLevels as LabelMap)[code], ...c })),
      byItemKind: list(f.powerList.byItemKind, l.powerItemKinds),
    },
    investments: { ...f.investments, byFundSourceFen: Object.entries(f.investments.byFundSourceFen).map(([code, fen]) => ({ code, label: (l.fundSources as LabelMap)[code], fen })) },
    monthly: Object.entries(f.monthly).map(([month, m]) => ({ month, ...m })),
  };
}
