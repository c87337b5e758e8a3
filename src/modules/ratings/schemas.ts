import { z } from 'zod';
import { ratingChannels, ratingSubjectKinds } from './tables.js';
import type { RatingChannel, RatingSubjectKind } from './tables.js';
import { isoDate, labelSchema } from '../../lib/http.js';
import { DEFAULT_RATING_BOUNDS, defaultRatingChannels, PUBLIC_RATING_LIMIT } from './rules.js';

export { ratingChannels, ratingSubjectKinds };
export type { RatingChannel, RatingSubjectKind };

type Label = { zhCN: string; en: string };

/** 群众评价 channels, as the source document lists them. */
export const channelLabels: Record<RatingChannel, Label> = {
  questionnaire: { zhCN: '征求意见表/问卷', en: 'Questionnaire' },
  household_visit: { zhCN: '走访', en: 'Household visit' },
  forum: { zhCN: '座谈会', en: 'Forum' },
  phone_inquiry: { zhCN: '电话询访', en: 'Phone inquiry' },
  sms: { zhCN: '短信', en: 'SMS' },
  hotline: { zhCN: '政风行风热线', en: 'Conduct hotline' },
  portal: { zhCN: '门户网站', en: 'Portal' },
  mailbox: { zhCN: '信箱', en: 'Mailbox' },
  tv_inquiry: { zhCN: '电视问政', en: 'TV inquiry' },
  qr_code: { zhCN: '扫码评价', en: 'QR code' },
  face_to_face_review: { zhCN: '面对面评议', en: 'Face-to-face review' },
  ten_thousand_review: { zhCN: '万人评机关', en: 'Ten-thousand-people review' },
  three_party_inquiry: { zhCN: '三方询访', en: 'Three-party inquiry' },
  window_device: { zhCN: '窗口评价器', en: 'Rating device at the window' },
  kiosk: { zhCN: '自助终端', en: 'Self-service terminal' },
  app: { zhCN: '移动端/小程序', en: 'App or mini-program' },
};

/** The national 好差评 five levels; 1 and 2 are bad ratings (差评). */
export const levelLabels: Record<number, Label> = {
  5: { zhCN: '非常满意', en: 'Very satisfied' },
  4: { zhCN: '满意', en: 'Satisfied' },
  3: { zhCN: '基本满意', en: 'Basically satisfied' },
  2: { zhCN: '不满意', en: 'Dissatisfied' },
  1: { zhCN: '非常不满意', en: 'Very dissatisfied' },
};

/** What a rating rates (评价对象). */
export const subjectKindLabels: Record<RatingSubjectKind, Label> = {
  unit: { zhCN: '基层站所(窗口)', en: 'Unit' },
  department: { zhCN: '部门(机关)', en: 'Department' },
  leadership: { zhCN: '部门领导班子', en: "Department's leadership team" },
};
export const subjectKindSchema = z.enum(ratingSubjectKinds).meta({
  id: 'RatingSubjectKind',
  description: 'unit 基层站所/窗口 (default); department 部门/机关 (万人评机关); leadership 部门领导班子 (领导班子面对面评议, 电视问政测评)',
});
/** The subject of a rating other than a unit: a department, or its leadership team. Absent: the unit in `unitId`. */
export const ratingSubjectInput = z
  .object({
    kind: subjectKindSchema,
    departmentId: z.uuid().optional().describe('the rated department (kind department or leadership); absent for kind unit'),
  })
  .meta({ id: 'RatingSubject', description: '评价对象: absent or kind unit rates the unit in unitId; department / leadership rate the department in departmentId (then no unitId)' });
export type RatingSubjectInput = z.infer<typeof ratingSubjectInput>;

export const channelSchema = z.enum(ratingChannels).meta({
  id: 'RatingChannel',
  description: '征求意见表/问卷, 走访, 座谈会, 电话询访, 短信, 政风行风热线, 门户网站, 信箱, 电视问政, 面对面评议, 万人评机关, 三方询访, 扫码评价',
});
export const levelSchema = z.number().int().min(1).max(5).describe('5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意; 1–2 are bad ratings (差评)');
/** PostgreSQL text cannot hold NUL; refuse it as a field error instead of failing the statement. */
export const noNul = (s: string) => !s.includes('\u0000');
const comment = z.string().trim().min(1).max(2000).refine(noNul, 'must not contain NUL characters');
const respondentKey = z
  .string()
  .trim()
  .min(3)
  .max(200)
  .describe('phone number, ID number or account of the respondent; stored only as a keyed hash, never returned');
export const sourceSchema = z
  .string()
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_.:-]{0,63}$/, 'lower-case letters, digits and _ . : - (at most 64)')
  .describe('the sending system, e.g. hotline-12345; `public` is reserved for the public route');

export const rating = z
  .object({
    id: z.uuid(),
    unitId: z.uuid().nullable().describe('the rated unit; null when the subject is a department or its leadership team'),
    subjectKind: subjectKindSchema,
    subjectKindLabel: labelSchema,
    departmentId: z.uuid().nullable().describe('the rated department (subjectKind department or leadership); null for a unit rating'),
    cycleId: z.uuid().nullable(),
    channel: channelSchema,
    channelLabel: labelSchema,
    level: levelSchema,
    levelLabel: labelSchema,
    bad: z.boolean().describe('差评: level ≤ 2'),
    comment: z.string().nullable(),
    collectedAt: isoDate,
    receivedAt: isoDate,
    source: z.string(),
    externalId: z.string().nullable(),
    importId: z.uuid().nullable(),
    presenceBound: z.boolean().describe("given through the unit's QR code (二维码) at its window"),
    caseId: z.uuid().nullable().describe('一事一评: the case (办件) rated'),
    default: z.boolean().describe('默认评价: given by the system to a case left unrated past DEFAULT_RATING_DAYS; a real rating of the case replaces it'),
  })
  .meta({ id: 'Rating', description: '群众评价: one public satisfaction response (the respondent is never identifiable)' });
export type RatingDto = z.infer<typeof rating>;

export const publicRatingBody = z.object({
  unitId: z.uuid().optional().describe('the rated unit: required unless subject names a department or its leadership team'),
  subject: ratingSubjectInput.optional(),
  channel: channelSchema.describe(`the public may use ${PUBLIC_RATING_LIMIT.channels.join(', ')}`),
  level: levelSchema,
  comment: comment.optional(),
  respondentKey: respondentKey.optional().describe(`required on ${PUBLIC_RATING_LIMIT.channels.join(', ')}: it counts against the daily limit per respondent and unit`),
});
export type PublicRatingInput = z.infer<typeof publicRatingBody>;

/** 扫码评价: the unit and channel come from the QR code; the respondent key counts against the daily limit. */
export const qrRatingBody = z.object({
  level: levelSchema,
  comment: comment.optional(),
  respondentKey: respondentKey.describe('phone number or ID of the respondent: one rating per respondent, unit and day'),
});
export type QrRatingInput = z.infer<typeof qrRatingBody>;

export const submitRatingBody = publicRatingBody.extend({
  channel: channelSchema,
  source: sourceSchema,
  externalId: z.string().trim().min(1).max(128).refine(noNul, 'must not contain NUL characters').optional().describe('the id in the sending system; a repeat is recognised and not stored twice'),
  collectedAt: isoDate.optional().describe('when the response was given; default now'),
  cycleId: z.uuid().optional().describe('default (归属周期): the newest cycle the unit takes part in whose assessment window contains collectedAt'),
  respondentKey: respondentKey.optional(),
  caseId: z.uuid().optional().describe('一事一评: the case (办件) rated, of the same unit; a case takes one rating'),
  staffCode: z.string().trim().min(1).max(64).optional().describe('the staff member who served; stored only as a keyed hash, never shown'),
});
export type SubmitRatingInput = z.infer<typeof submitRatingBody>;

export const ratingReceipt = z
  .object({
    id: z.uuid(),
    duplicate: z.boolean().describe('true when (source, externalId) was already stored: the existing rating'),
    cycleId: z.uuid().nullable(),
    followUpId: z.uuid().nullable().describe('the 差评核实 loop every bad rating (level 1–2) opens'),
    callBackToken: z
      .string()
      .nullable()
      .describe("for the rater of a public bad rating: their single-use link to re-rate after rectification, POST /api/v1/public/call-backs/{token}; keep it, it is shown once"),
  })
  .meta({ id: 'RatingReceipt' });
export type RatingReceiptDto = z.infer<typeof ratingReceipt>;

export const listRatingsQuery = z.object({
  unitId: z.uuid().optional(),
  subjectKind: subjectKindSchema.optional(),
  departmentId: z.uuid().optional().describe("the rated department's own ratings (subjectKind department / leadership) and its units' ratings"),
  cycleId: z.uuid().optional(),
  channel: channelSchema.optional(),
  level: z.number().int().min(1).max(5).optional(),
  from: isoDate.optional().describe('collected at or after'),
  to: isoDate.optional().describe('collected before'),
});
export type ListRatingsFilter = z.infer<typeof listRatingsQuery>;

export const ratingCountsQuery = z.object({
  cycleId: z.uuid().optional().describe('only ratings attributed to this cycle; default all'),
  unitId: z.uuid().optional(),
  departmentId: z.uuid().optional(),
  regionId: z.uuid().optional().describe('units in this region and all regions below it'),
});
export type RatingCountsFilter = z.infer<typeof ratingCountsQuery>;

export const ratingCountCell = z.object({ channel: channelSchema, level: levelSchema, count: z.number().int() }).meta({ id: 'RatingCountCell' });
export const ratingCounts = z
  .object({
    unitId: z.uuid(),
    cycleId: z.uuid().nullable().describe('the cycle asked for, or null for all'),
    total: z.number().int(),
    bad: z.number().int().describe('差评 (level ≤ 2)'),
    cells: z.array(ratingCountCell).describe('one cell per channel × level that has ratings'),
  })
  .meta({ id: 'RatingCounts', description: 'ratings of one unit by channel and level' });
export type RatingCountsDto = z.infer<typeof ratingCounts>;

export const channelInfo = z.object({ code: channelSchema, label: labelSchema, publicLimit: z.boolean() }).meta({ id: 'RatingChannelInfo' });
export const levelInfo = z.object({ level: levelSchema, label: labelSchema, bad: z.boolean() }).meta({ id: 'RatingLevelInfo' });

/**
 * 默认评价 settings of a cycle (`settings.defaultRating`): for the cases whose default rating is attributed to the cycle
 * (completed within its window), the level, the days the applicant may still rate, and the channel recorded. A field
 * left out or null takes its env value (DEFAULT_RATING_LEVEL, DEFAULT_RATING_DAYS, DEFAULT_RATING_CHANNEL).
 */
export const defaultRatingSettings = z
  .object({
    level: z
      .number()
      .int()
      .min(DEFAULT_RATING_BOUNDS.level.min)
      .max(DEFAULT_RATING_BOUNDS.level.max)
      .nullable()
      .default(null)
      .describe('3 基本满意 … 5 非常满意 (a default is never a bad rating); null: DEFAULT_RATING_LEVEL'),
    days: z
      .number()
      .int()
      .min(DEFAULT_RATING_BOUNDS.days.min)
      .max(DEFAULT_RATING_BOUNDS.days.max)
      .nullable()
      .default(null)
      .describe('calendar days after completion the applicant may still rate; null: DEFAULT_RATING_DAYS'),
    channel: z.enum(defaultRatingChannels(ratingChannels)).nullable().default(null).describe('the channel recorded (any but qr_code); null: DEFAULT_RATING_CHANNEL'),
  })
  .describe('默认评价 of the cases attributed to this cycle; null fields take the env defaults');
export type DefaultRatingSettings = z.infer<typeof defaultRatingSettings>;
/** The name of that group in the cycle settings document. */
export const DEFAULT_RATING_GROUP = 'defaultRating';
