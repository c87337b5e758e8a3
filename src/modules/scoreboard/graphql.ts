import type { IResolvers, MercuriusLoaders } from 'mercurius';
import { guard, loadBy } from '../../lib/graphql.js';
import { SCOREBOARD_READERS } from './routes.js';
import type { DepartmentScoreDto } from './schemas.js';

export const scoreboardTypeDefs = /* GraphQL */ `
  type ScoreboardNamedUnit { unitId: ID! unitName: String! certificateNo: String! status: AwardStatus! statusLabel: Label! }
  type ScoreboardTier { count: Int! units: [ScoreboardNamedUnit!]! }
  type ScoreboardPenalties { yellowCards: Int! revoked: Int! points: Float! }
  type ScoreboardProblems { open: Int! overdue: Int! rectified: Int! }
  type ScoreboardComplaints { received: Int! substantiated: Int! }
  type ScoreboardCommendationLevels { provincial_leading_group: Int! provincial_department: Int! other: Int! }
  "上级表彰 of the department's units in the cycle, and the points they add"
  type ScoreboardCommendations { count: Int! byLevel: ScoreboardCommendationLevels! points: Float! }
  "满意度: how many ratings, how many 差评, the mean level, the mean as points (0–100) and the satisfied share (levels 3–5)"
  type SatisfactionSummary { count: Int! bad: Int! meanLevel: Float meanPoints: Float satisfiedShare: Float }
  "a department's own rating an upheld appeal (申诉成立) took out of its satisfaction"
  type ScoreboardOwnExclusion { appealId: ID! ratingId: ID! }
  "the department's own satisfaction: 万人评机关 (department), 领导班子 (leadership), both (all); it does not change the points"
  type ScoreboardOwnSatisfaction {
    department: SatisfactionSummary! leadership: SatisfactionSummary! all: SatisfactionSummary!
    "ratings upheld appeals left out, each with its appeal"
    exclusions: [ScoreboardOwnExclusion!]!
  }
  "部门行风考核挂钩: what a department gains and loses from its units' honours"
  type DepartmentScore {
    departmentId: ID!
    departmentName: String!
    enrolledUnits: Int!
    top10: ScoreboardTier!
    top100: ScoreboardTier!
    commendations: ScoreboardCommendations!
    bonusPoints: Float!
    penalties: ScoreboardPenalties!
    netPoints: Float!
    problems: ScoreboardProblems!
    complaints: ScoreboardComplaints!
    ownSatisfaction: ScoreboardOwnSatisfaction!
    department: Department
  }
  type DepartmentScoreboard { cycleId: ID! departmentBonus: CycleDepartmentBonus! departmentPenalty: CycleDepartmentPenalty! commendationBonus: CycleCommendationBonus! items: [DepartmentScore!]! }

  extend type Query {
    departmentScoreboard(cycleId: ID!): DepartmentScoreboard!
  }
`;

export const scoreboardResolvers: IResolvers = {
  Query: {
    departmentScoreboard: guard({ roles: SCOREBOARD_READERS, scopes: ['statistics:read'] }, ({ cycleId }: { cycleId: string }, { ctx, services }) => services.scoreboard.departmentScoreboard(ctx, cycleId)),
  },
};

export const scoreboardLoaders: MercuriusLoaders = {
  DepartmentScore: {
    department: (queries: { obj: DepartmentScoreDto }[], { services }) => loadBy(queries, (d) => d.departmentId, services.departments.byIds),
  },
};
