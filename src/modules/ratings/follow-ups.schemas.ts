import { z } from 'zod';
import { isoDate, labelSchema } from '../../lib/http.js';
import { levelSchema, rating } from './schemas.js';

/** 回访 states: open → contacted → resolved. */
export const followUpStatuses = ['open', 'contacted', 'resolved'] as const;
export type FollowUpStatus = (typeof followUpStatuses)[number];
export const followUpStatusLabels: Record<FollowUpStatus, { zhCN: string; en: string }> = {
  open: { zhCN: '待回访', en: 'Open' },
  contacted: { zhCN: '已联系', en: 'Contacted' },
  resolved: { zhCN: '已办结', en: 'Resolved' },
};
export const followUpStatusSchema = z.enum(followUpStatuses).meta({ id: 'FollowUpStatus', description: '待回访 / 已联系 / 已办结' });

export const followUp = z
  .object({
    id: z.uuid(),
    ratingId: z.uuid(),
    unitId: z.uuid(),
    status: followUpStatusSchema,
    statusLabel: labelSchema,
    deadline: isoDate,
    overdue: z.boolean().describe('not resolved and past its deadline'),
    contactNote: z.string().nullable(),
    contactedAt: isoDate.nullable(),
    contactedBy: z.string().nullable(),
    resolution: z.string().nullable(),
    reRatingLevel: levelSchema.nullable().describe("the respondent's level after the follow-up; the original rating is kept"),
    resolvedAt: isoDate.nullable(),
    resolvedBy: z.string().nullable(),
    version: z.number().int(),
    createdAt: isoDate,
    updatedAt: isoDate,
    rating,
  })
  .meta({ id: 'FollowUp', description: '回访: the follow-up of a bad rating with a comment' });
export type FollowUpDto = z.infer<typeof followUp>;

export const contactFollowUpBody = z.object({
  note: z.string().trim().min(1).max(2000).describe('how and when the respondent was reached, what was said'),
  version: z.number().int().optional().describe('the version you read, if you do not send If-Match'),
});
export const resolveFollowUpBody = z.object({
  resolution: z.string().trim().min(1).max(2000),
  reRatingLevel: levelSchema.optional(),
  version: z.number().int().optional(),
});
export type ResolveFollowUpInput = z.infer<typeof resolveFollowUpBody>;

export const listFollowUpsQuery = z.object({
  status: followUpStatusSchema.optional(),
  unitId: z.uuid().optional(),
  overdue: z
    .boolean()
    .optional()
    .describe('true: only unresolved follow-ups past their deadline'),
});
export type ListFollowUpsFilter = z.infer<typeof listFollowUpsQuery>;
