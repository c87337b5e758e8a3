import type { IResolvers } from 'mercurius';
import { guard } from '../../lib/graphql.js';
import { pageQuery } from '../../lib/http.js';
import { STAFF } from '../../lib/principal.js';
import { parseArgs } from '../../plugins/graphql.js';
import { listHoldsQuery, reviewHoldsBody, scanHoldsBody } from './integrity.js';

export const ratingIntegrityTypeDefs = /* GraphQL */ `
  "同一评价人集中评价 / 同一来源地址集中评价 / 评价过多单位 / 同一秒大量评价 / 等级分布突变"
  enum IntegritySignal { respondent_burst ip_burst respondent_spread same_second level_shift }
  "待核 / 已放行 / 已剔除"
  enum RatingHoldStatus { held cleared rejected }
  enum RatingHoldDecision { clear reject }
  "待核评价: a rating held by the integrity signals, and its review"
  type RatingHold {
    ratingId: ID! unitId: ID subjectKind: RatingSubjectKind! departmentId: ID cycleId: ID level: Int! channel: String! source: String! collectedAt: DateTime! receivedAt: DateTime!
    holdStatus: RatingHoldStatus! signals: [IntegritySignal!]! heldAt: DateTime reviewedAt: DateTime
  }
  type RatingHoldPage { items: [RatingHold!]! nextCursor: String }
  type RatingHoldSignalCount { signal: IntegritySignal! held: Int! }
  type RatingHoldScan { held: Int! "every rating in scope was examined (全量), not only the new ones" full: Boolean! bySignal: [RatingHoldSignalCount!]! }
  type RatingHoldReview { decision: RatingHoldDecision! reviewed: Int! ratingIds: [ID!]! }
  "评价防刷统计"
  type RatingHoldStatistics { cycleId: ID held: Int! cleared: Int! rejected: Int! }
  extend type Query {
    ratingHolds(status: RatingHoldStatus, unitId: ID, departmentId: ID, cycleId: ID, signal: IntegritySignal, limit: Int, cursor: String): RatingHoldPage!
    ratingHoldStatistics(cycleId: ID): RatingHoldStatistics!
  }
  extend type Mutation {
    "evaluate the integrity signals now (a cycle, or the last 7 days) and hold the suspects"
    scanRatingIntegrity(cycleId: ID, full: Boolean): RatingHoldScan!
    "clear (back into P) or reject held ratings in bulk: by ids, or by signal and unit (or department)"
    reviewRatingHolds(decision: RatingHoldDecision!, ratingIds: [ID!], signal: IntegritySignal, unitId: ID, departmentId: ID, note: String): RatingHoldReview!
  }
`;

const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));

export const ratingIntegrityResolvers: IResolvers = {
  Query: {
    ratingHolds: guard(STAFF, (args: Record<string, unknown>, { services }) => {
      const { limit, cursor } = parseArgs(pageQuery, { limit: args.limit, cursor: args.cursor });
      return services.ratingIntegrity.list(parseArgs(listHoldsQuery, defined({ status: args.status, unitId: args.unitId, departmentId: args.departmentId, cycleId: args.cycleId, signal: args.signal })), { limit, cursor });
    }),
    ratingHoldStatistics: guard(STAFF, (args: { cycleId?: string | null }, { services }) => services.ratingIntegrity.statistics(args.cycleId ?? undefined)),
  },
  Mutation: {
    scanRatingIntegrity: guard(['admin'], (args: { cycleId?: string | null; full?: boolean | null }, { ctx, services }) => {
      const input = parseArgs(scanHoldsBody, defined(args));
      return services.ratingIntegrity.scan(ctx, { cycleId: input.cycleId, full: input.full });
    }),
    reviewRatingHolds: guard(['admin'], (args: Record<string, unknown>, { ctx, services }) => services.ratingIntegrity.review(ctx, parseArgs(reviewHoldsBody, defined(args)))),
  },
};
