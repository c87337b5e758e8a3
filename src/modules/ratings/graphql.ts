import type { IResolvers, MercuriusLoaders } from 'mercurius';
import { guard, loadBy } from '../../lib/graphql.js';
import { pageQuery } from '../../lib/http.js';
import { parseArgs } from '../../plugins/graphql.js';
import { closeFollowUpBody, listFollowUpsQuery, phoneCallBackBody, rectifyFollowUpBody, verifyFollowUpBody } from './follow-ups.schemas.js';
import { LOOP_STAFF, PHONE_CALL_BACK_STAFF } from './follow-ups.service.js';
import type { FollowUpDto } from './follow-ups.schemas.js';
import { listRatingsQuery, ratingCountsQuery, submitRatingBody } from './schemas.js';
import type { RatingCountsDto, RatingDto } from './schemas.js';

export const ratingTypeDefs = /* GraphQL */ `
  "征求意见表/问卷, 走访, 座谈会, 电话询访, 短信, 政风行风热线, 门户网站, 信箱, 电视问政, 面对面评议, 万人评机关, 三方询访, 扫码评价"
  enum RatingChannel {
    questionnaire household_visit forum phone_inquiry sms hotline portal mailbox tv_inquiry face_to_face_review ten_thousand_review three_party_inquiry qr_code window_device kiosk app
  }
  "评价对象: unit 基层站所/窗口, department 部门/机关 (万人评机关), leadership 部门领导班子 (领导班子面对面评议, 电视问政测评)"
  enum RatingSubjectKind { unit department leadership }
  input RatingSubjectInput { kind: RatingSubjectKind!, departmentId: ID }
  "默认评价 of the cases attributed to the cycle; a null field takes its env default (DEFAULT_RATING_LEVEL, _DAYS, _CHANNEL)"
  type CycleDefaultRatingSettings {
    "3 基本满意 … 5 非常满意: a default is never a bad rating"
    level: Int
    "calendar days after completion the applicant may still rate"
    days: Int
    "any channel but qr_code"
    channel: RatingChannel
  }
  input CycleDefaultRatingSettingsInput { level: Int, days: Int, channel: RatingChannel }
  extend type CycleSettings {
    "默认评价 settings; null when left out (the env defaults apply)"
    defaultRating: CycleDefaultRatingSettings
  }
  extend input CycleSettingsInput { defaultRating: CycleDefaultRatingSettingsInput }
  "群众评价: one public satisfaction response; level 5 非常满意 … 1 非常不满意"
  type Rating {
    id: ID!
    "the rated unit; null when the subject is a department or its leadership team"
    unitId: ID
    subjectKind: RatingSubjectKind!
    subjectKindLabel: Label!
    "the rated department (subjectKind department or leadership)"
    departmentId: ID
    cycleId: ID
    channel: RatingChannel!
    channelLabel: Label!
    level: Int!
    levelLabel: Label!
    bad: Boolean!
    comment: String
    collectedAt: DateTime!
    receivedAt: DateTime!
    source: String!
    externalId: String
    importId: ID
    "given through the unit's QR code (二维码) at its window"
    presenceBound: Boolean!
    "一事一评: the case (办件) rated"
    caseId: ID
    "默认评价: given by the system to a case left unrated past DEFAULT_RATING_DAYS; a real rating of the case replaces it"
    default: Boolean!
    unit: Unit
    department: Department
  }
  type RatingPage { items: [Rating!]! nextCursor: String }
  type RatingReceipt { id: ID! duplicate: Boolean! cycleId: ID followUpId: ID callBackToken: String }
  type RatingCountCell { channel: RatingChannel! level: Int! count: Int! }
  "Ratings of one unit by channel and level"
  type RatingCounts { unitId: ID! cycleId: ID total: Int! bad: Int! cells: [RatingCountCell!]! unit: Unit }
  type RatingCountsPage { items: [RatingCounts!]! nextCursor: String }
  "待核实 / 已核实 / 整改中 / 已回访 / 已办结"
  enum FollowUpStatus { open verified rectifying called_back closed }
  "核实结论: 属实 / 不属实 / 恶意差评"
  enum VerificationOutcome { substantiated not_substantiated malicious }
  enum CallBackChannel { rater_link phone }
  "差评核实 → 整改 → 回访: the loop every bad rating (level 1–2) opens"
  type FollowUp {
    id: ID!
    ratingId: ID!
    "the rated unit; null when the bad rating rates a department or its leadership team"
    unitId: ID
    "the rated department (万人评机关) or whose leadership team (领导班子) was rated; null for a unit"
    departmentId: ID
    status: FollowUpStatus!
    statusLabel: Label!
    verifyBy: DateTime
    deadline: DateTime!
    overdue: Boolean!
    verification: VerificationOutcome
    verificationLabel: Label
    verificationReason: String
    verifiedAt: DateTime
    verifiedBy: String
    problemId: ID
    "a department's own bad rating: the rectification measures (整改措施) it recorded"
    rectification: String
    rectifyingAt: DateTime
    rectifyingBy: String
    reRatingLevel: Int
    callBackComment: String
    callBackChannel: CallBackChannel
    calledBackAt: DateTime
    calledBackBy: String
    closedAt: DateTime
    closedBy: String
    closeNote: String
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
    rating: Rating!
    unit: Unit
    department: Department
  }
  type FollowUpPage { items: [FollowUp!]! nextCursor: String }
  "A bulk rating import and its progress (the upload itself is REST: POST /api/v1/rating-imports)"
  type RatingImport {
    id: ID!
    status: String!
    format: String!
    source: String!
    policy: String!
    rowsRead: Int!
    accepted: Int!
    duplicates: Int!
    rejected: Int!
    followUpsOpened: Int!
    failureReason: String
    startedAt: DateTime!
    finishedAt: DateTime
    createdBy: String!
  }
  input SubmitRatingInput {
    "required unless subject names a department or its leadership team"
    unitId: ID, subject: RatingSubjectInput, channel: RatingChannel!, level: Int!, comment: String, respondentKey: String,
    source: String!, externalId: String, collectedAt: String, cycleId: ID, caseId: ID, staffCode: String
  }

  extend type Query {
    ratings(unitId: ID, subjectKind: RatingSubjectKind, departmentId: ID, cycleId: ID, channel: RatingChannel, level: Int, from: String, to: String, limit: Int, cursor: String): RatingPage!
    ratingCounts(cycleId: ID, unitId: ID, departmentId: ID, regionId: ID, limit: Int, cursor: String): RatingCountsPage!
    followUps(status: FollowUpStatus, unitId: ID, departmentId: ID, overdue: Boolean, limit: Int, cursor: String): FollowUpPage!
    ratingImport(id: ID!): RatingImport
  }
  extend type Mutation {
    "An integration's or the office's rating, idempotent by (source, externalId). The public uses REST POST /api/v1/public/ratings (rate-limited)."
    submitRating(input: SubmitRatingInput!): RatingReceipt!
    "差评核实 by the office or the unit's department (never the unit)"
    verifyFollowUp(id: ID!, version: Int!, outcome: VerificationOutcome!, reason: String!): FollowUp!
    "整改: link a problem of the same unit, or open one from the rating"
    rectifyFollowUp(id: ID!, version: Int!, problemId: ID, severity: ProblemSeverity, description: String): FollowUp!
    "电话回访 recorded by office staff (the rater's own link is REST: POST /api/v1/public/call-backs/{token})"
    recordPhoneCallBack(id: ID!, version: Int!, level: Int!, comment: String): FollowUp!
    closeFollowUp(id: ID!, version: Int!, note: String): FollowUp!
  }
`;

const followUpRoles = ['admin', 'department', 'unit'] as const;

export const ratingResolvers: IResolvers = {
  Query: {
    ratings: guard({ roles: ['admin', 'inspector', 'department', 'unit'], regionScoped: true }, (args: Record<string, unknown>, { ctx, services }) => {
      const { limit, cursor } = parseArgs(pageQuery, args);
      return services.ratings.list(ctx, parseArgs(listRatingsQuery, { ...args, limit: undefined, cursor: undefined }), { limit, cursor });
    }),
    ratingCounts: guard({ roles: ['admin', 'inspector', 'department', 'unit', 'integration'], scopes: ['ratings:read'], regionScoped: true }, (args: Record<string, unknown>, { ctx, services }) => {
      const { limit, cursor } = parseArgs(pageQuery, args);
      return services.ratings.counts(ctx, parseArgs(ratingCountsQuery, { ...args, limit: undefined, cursor: undefined }), { limit, cursor });
    }),
    followUps: guard(followUpRoles, (args: Record<string, unknown>, { ctx, services }) => {
      const { limit, cursor } = parseArgs(pageQuery, args);
      return services.ratingFollowUps.list(ctx, parseArgs(listFollowUpsQuery, args), { limit, cursor });
    }),
    ratingImport: guard({ roles: ['admin', 'integration'], scopes: ['ratings:write'] }, ({ id }: { id: string }, { ctx, services }) => services.ratingImports.get(ctx, id)),
  },
  Mutation: {
    // Anonymous GraphQL is not rate-limited like the public REST route, so the public rates over REST only.
    submitRating: guard({ roles: ['admin', 'integration'], scopes: ['ratings:write'] }, ({ input }: { input: unknown }, { ctx, services }) =>
      services.ratings.submit(ctx, parseArgs(submitRatingBody, input, 'input')),
    ),
    verifyFollowUp: guard(LOOP_STAFF, ({ id, version, ...args }: { id: string; version: number }, { ctx, services }) =>
      services.ratingFollowUps.verify(ctx, id, version, parseArgs(verifyFollowUpBody, args)),
    ),
    rectifyFollowUp: guard(LOOP_STAFF, ({ id, version, ...args }: { id: string; version: number }, { ctx, services }) =>
      services.ratingFollowUps.rectify(ctx, id, version, parseArgs(rectifyFollowUpBody, args)),
    ),
    recordPhoneCallBack: guard(PHONE_CALL_BACK_STAFF, ({ id, version, ...args }: { id: string; version: number }, { ctx, services }) =>
      services.ratingFollowUps.recordPhoneCallBack(ctx, id, version, parseArgs(phoneCallBackBody, args)),
    ),
    closeFollowUp: guard(LOOP_STAFF, ({ id, version, note }: { id: string; version: number; note?: string }, { ctx, services }) =>
      services.ratingFollowUps.close(ctx, id, version, parseArgs(closeFollowUpBody, { note }).note),
    ),
  },
};

export const ratingLoaders: MercuriusLoaders = {
  Rating: {
    unit: (queries: { obj: RatingDto }[], { ctx, services }) => loadBy(queries, (r) => r.unitId, (ids) => services.units.byIds(ctx, ids)),
    department: (queries: { obj: RatingDto }[], { services }) => loadBy(queries, (r) => r.departmentId, services.departments.byIds),
  },
  RatingCounts: {
    unit: (queries: { obj: RatingCountsDto }[], { ctx, services }) => loadBy(queries, (r) => r.unitId, (ids) => services.units.byIds(ctx, ids)),
  },
  FollowUp: {
    unit: (queries: { obj: FollowUpDto }[], { ctx, services }) => loadBy(queries, (f) => f.unitId, (ids) => services.units.byIds(ctx, ids)),
    department: (queries: { obj: FollowUpDto }[], { services }) => loadBy(queries, (f) => f.departmentId, services.departments.byIds),
  },
};
