import { z } from 'zod';
import { isoDate, labelSchema } from '../../lib/http.js';
import { levelSchema, noNul, rating } from './schemas.js';
import { badRatingLoopStates, callBackChannels, verificationOutcomes } from './tables.js';

/** 差评核实 loop states: 待核实 → 已核实 → 整改中 → 已回访 → 已办结. */
export const followUpStatuses = badRatingLoopStates;
export type FollowUpStatus = (typeof followUpStatuses)[number];
export const followUpStatusLabels: Record<FollowUpStatus, { zhCN: string; en: string }> = {
  open: { zhCN: '待核实', en: 'Awaiting verification' },
  verified: { zhCN: '已核实（属实）', en: 'Verified (substantiated)' },
  rectifying: { zhCN: '整改中', en: 'Rectifying' },
  called_back: { zhCN: '已回访', en: 'Called back' },
  closed: { zhCN: '已办结', en: 'Closed' },
};
export const followUpStatusSchema = z.enum(followUpStatuses).meta({ id: 'FollowUpStatus', description: '待核实 / 已核实 / 整改中 / 已回访 / 已办结' });

export type VerificationOutcome = (typeof verificationOutcomes)[number];
export const verificationOutcomeLabels: Record<VerificationOutcome, { zhCN: string; en: string }> = {
  substantiated: { zhCN: '属实', en: 'Substantiated' },
  not_substantiated: { zhCN: '不属实', en: 'Not substantiated' },
  malicious: { zhCN: '恶意差评', en: 'Malicious' },
};
export const verificationOutcomeSchema = z.enum(verificationOutcomes).meta({ id: 'VerificationOutcome', description: '核实结论: 属实 / 不属实 / 恶意差评' });
export type CallBackChannel = (typeof callBackChannels)[number];
export const callBackChannelSchema = z
  .enum(callBackChannels)
  .meta({ id: 'CallBackChannel', description: "rater_link: the rater's own signed link; phone: a phone call recorded by office staff" });

/** The problems module's severities (问题 一般 / 较重 / 严重), for the problem a substantiated bad rating opens. */
export const problemSeverities = ['minor', 'major', 'serious'] as const;
export type ProblemSeverity = (typeof problemSeverities)[number];
const problemSeveritySchema = z.enum(problemSeverities).describe('一般 / 较重 / 严重');

const note = (max: number) => z.string().trim().min(1).max(max).refine(noNul, 'must not contain NUL characters');

export const followUp = z
  .object({
    id: z.uuid(),
    ratingId: z.uuid(),
    unitId: z.uuid().nullable().describe('the rated unit; null when the bad rating rates a department or its leadership team'),
    departmentId: z.uuid().nullable().describe('the rated department (万人评机关) or whose leadership team (领导班子) was rated; null for a unit'),
    status: followUpStatusSchema,
    statusLabel: labelSchema,
    verifyBy: isoDate.nullable().describe('差评核实 deadline (VERIFICATION_WORKING_DAYS)'),
    deadline: isoDate.describe('回访 deadline (FOLLOW_UP_WORKING_DAYS; from the problem deadline once rectifying)'),
    overdue: z.boolean().describe('open past verifyBy, or not yet called back past deadline'),
    verification: verificationOutcomeSchema.nullable(),
    verificationLabel: labelSchema.nullable(),
    verificationReason: z.string().nullable(),
    verifiedAt: isoDate.nullable(),
    verifiedBy: z.string().nullable(),
    problemId: z.uuid().nullable().describe('the problem (问题整改) the substantiated bad rating is rectified through'),
    rectification: z.string().nullable().describe("a department's own bad rating: the rectification measures (整改措施) it recorded (no problem is opened)"),
    rectifyingAt: isoDate.nullable(),
    rectifyingBy: z.string().nullable(),
    reRatingLevel: levelSchema.nullable().describe("the rater's level at the call-back; the original rating is kept"),
    callBackComment: z.string().nullable(),
    callBackChannel: callBackChannelSchema.nullable(),
    calledBackAt: isoDate.nullable(),
    calledBackBy: z.string().nullable().describe('`rater` (their link) or the office staff who recorded the phone call'),
    closedAt: isoDate.nullable(),
    closedBy: z.string().nullable(),
    closeNote: z.string().nullable(),
    version: z.number().int(),
    createdAt: isoDate,
    updatedAt: isoDate,
    rating,
  })
  .meta({ id: 'FollowUp', description: '差评核实 → 整改 → 回访: the loop every bad rating (level 1–2) opens' });
export type FollowUpDto = z.infer<typeof followUp>;

const version = z.number().int().optional().describe('the version you read, if you do not send If-Match');

export const verifyFollowUpBody = z.object({
  outcome: verificationOutcomeSchema,
  reason: note(2000).describe('what the verification found'),
  version,
});
export type VerifyFollowUpInput = z.infer<typeof verifyFollowUpBody>;

export const rectifyFollowUpBody = z
  .object({
    problemId: z.uuid().optional().describe("an existing problem of the same unit; without it a problem is opened from the rating (not for a department's own bad rating)"),
    severity: problemSeveritySchema.optional().describe('for the problem opened (default minor)'),
    description: note(5000)
      .optional()
      .describe("for the problem opened (default: the rating comment or a standard text); required for a department's own bad rating: its rectification measures (整改措施)"),
    version,
  })
  .refine((b) => !(b.problemId && (b.severity || b.description)), { message: 'give problemId, or severity/description for a new problem, not both', path: ['problemId'] });
export type RectifyFollowUpInput = z.infer<typeof rectifyFollowUpBody>;

export const callBackBody = z.object({
  level: levelSchema,
  comment: note(2000).optional(),
});
export type CallBackInput = z.infer<typeof callBackBody>;

export const phoneCallBackBody = callBackBody.extend({ version });
export type PhoneCallBackInput = z.infer<typeof phoneCallBackBody>;

export const closeFollowUpBody = z.object({ note: note(2000).optional(), version });

export const callBackTokenParams = z.object({ token: z.string().min(10).max(200).regex(/^[A-Za-z0-9._-]+$/, 'a call-back link token') });

export const callBackReceipt = z
  .object({ followUpId: z.uuid(), status: followUpStatusSchema, reRatingLevel: levelSchema })
  .meta({ id: 'CallBackReceipt', description: "回访: the rater's re-rating was recorded" });

export const listFollowUpsQuery = z.object({
  status: followUpStatusSchema.optional(),
  unitId: z.uuid().optional(),
  departmentId: z.uuid().optional().describe("the department's loops: its units' and its own (department and leadership) bad ratings'"),
  overdue: z
    .boolean()
    .optional()
    .describe('true: only loops past their verification or call-back deadline'),
});
export type ListFollowUpsFilter = z.infer<typeof listFollowUpsQuery>;
