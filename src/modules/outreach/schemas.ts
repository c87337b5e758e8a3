import { z } from 'zod';
import { isoDate, isoDay, labelSchema } from '../../lib/http.js';
import type { Role } from '../../lib/principal.js';
import { subjectFilterFields, subjectInputFields } from '../../lib/subject.js';

/** The office and assessors record and read any; a department and a unit their own subject. */
export const OUTREACH_WRITERS: Role[] = ['admin', 'inspector', 'department', 'unit'];
export const OUTREACH_READERS: Role[] = ['admin', 'inspector', 'department', 'unit'];

export const outreachKinds = ['opinion_forms', 'household_visits', 'forums', 'questionnaires', 'phone_inquiries', 'sms'] as const;
export type OutreachKind = (typeof outreachKinds)[number];
export const outreachKindLabels: Record<OutreachKind, { zhCN: string; en: string }> = {
  opinion_forms: { zhCN: '发放征求意见表', en: 'Opinion forms distributed' },
  household_visits: { zhCN: '走访服务对象', en: 'Households visited' },
  forums: { zhCN: '召开座谈会', en: 'Forums held' },
  questionnaires: { zhCN: '发放问卷测评表', en: 'Questionnaires distributed' },
  phone_inquiries: { zhCN: '电话询访', en: 'Phone inquiries (households)' },
  sms: { zhCN: '编发短信', en: 'Text messages sent' },
};
export const outreachKindSchema = z.enum(outreachKinds).meta({ id: 'OutreachKind', description: '征求意见表 / 走访 / 座谈会 / 问卷测评表 / 电话询访 / 短信' });

export const suggestionStatuses = ['received', 'answered', 'adopted'] as const;
export type SuggestionStatus = (typeof suggestionStatuses)[number];
export const suggestionStatusLabels: Record<SuggestionStatus, { zhCN: string; en: string }> = {
  received: { zhCN: '已收集', en: 'Received' },
  answered: { zhCN: '已答复', en: 'Answered' },
  adopted: { zhCN: '已采纳', en: 'Adopted' },
};
export const suggestionStatusSchema = z.enum(suggestionStatuses).meta({ id: 'SuggestionStatus', description: '已收集 → 已答复 / 已采纳' });

/** One office may enter a prefecture's three-year total as one record (e.g. 200,000 text messages). */
export const MAX_OUTREACH_COUNT = 10_000_000;
const count = z.number().int().min(0).max(MAX_OUTREACH_COUNT);
const day = isoDay.describe('calendar date, YYYY-MM-DD');

const common = {
  heldOn: day.describe('when it was held (for an aggregate: the last day it covers)'),
  cycleId: z.uuid().nullable().optional(),
  ...subjectInputFields,
  notes: z.string().trim().max(2000).nullable().optional(),
};

/** Each kind carries its own counts, and only those (a count of another kind is refused, naming it). */
export const createOutreachBody = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('opinion_forms'), distributed: count.describe('征求意见表 distributed (份)'), returned: count.nullable().optional().describe('returned (份)'), ...common }),
  z.strictObject({ kind: z.literal('household_visits'), households: count.describe('households visited (户)'), ...common }),
  z.strictObject({ kind: z.literal('forums'), sessions: count.describe('座谈会 sessions (场次)'), participants: count.nullable().optional().describe('people taking part (人次)'), ...common }),
  z.strictObject({ kind: z.literal('questionnaires'), distributed: count.describe('问卷测评表 distributed (份)'), returned: count.nullable().optional(), ...common }),
  z.strictObject({ kind: z.literal('phone_inquiries'), households: count.describe('households asked by phone (户)'), ...common }),
  z.strictObject({ kind: z.literal('sms'), messages: count.describe('text messages sent (条)'), ...common }),
]);
export type CreateOutreachInput = z.infer<typeof createOutreachBody>;

/** A correction of a recorded activity: its own kind's counts, the date or the notes; the version read is required. */
export const correctOutreachBody = z.strictObject({
  heldOn: day.optional(),
  notes: z.string().trim().max(2000).nullable().optional(),
  distributed: count.optional(),
  returned: count.nullable().optional(),
  households: count.optional(),
  sessions: count.optional(),
  participants: count.nullable().optional(),
  messages: count.optional(),
  version: z.number().int().optional().describe('the version read, if you do not send If-Match'),
});
export type CorrectOutreachInput = z.infer<typeof correctOutreachBody>;

const nCount = z.number().int().nullable();
export const outreachActivity = z
  .object({
    id: z.uuid(),
    kind: outreachKindSchema,
    kindLabel: labelSchema,
    heldOn: day,
    cycleId: z.uuid().nullable(),
    unitId: z.uuid().nullable(),
    departmentId: z.uuid().nullable(),
    regionId: z.uuid().nullable(),
    distributed: nCount.describe('opinion forms and questionnaires'),
    returned: nCount,
    households: nCount.describe('household visits and phone inquiries'),
    sessions: nCount.describe('forums'),
    participants: nCount,
    messages: nCount.describe('sms'),
    notes: z.string().nullable(),
    version: z.number().int(),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .meta({ id: 'OutreachActivity', description: '群众评价机制: an outreach activity (or an aggregate of many) with its counts' });
export type OutreachActivityDto = z.infer<typeof outreachActivity>;

export const listOutreachQuery = z.object({
  kind: outreachKindSchema.optional(),
  cycleId: z.uuid().optional(),
  ...subjectFilterFields,
  from: day.optional().describe('held on or after'),
  to: day.optional().describe('held on or before'),
});
export type ListOutreachFilter = z.infer<typeof listOutreachQuery>;

// ---- 意见建议 ----

export const suggestionInput = z.strictObject({
  text: z.string().trim().min(1).max(4000),
  activityId: z.uuid().nullable().optional().describe('the outreach activity it was collected at'),
  cycleId: z.uuid().nullable().optional(),
  unitId: subjectInputFields.unitId.describe('the unit it is about; exactly one of unitId, departmentId'),
  departmentId: subjectInputFields.departmentId,
  receivedOn: day,
});
export type SuggestionInput = z.infer<typeof suggestionInput>;

/** Offices enter suggestions by the thousand: one request, one transaction, all or none. */
export const MAX_BULK_SUGGESTIONS = 1000;
export const bulkSuggestionsBody = z.strictObject({ items: z.array(suggestionInput).min(1).max(MAX_BULK_SUGGESTIONS) });

export const replySuggestionBody = z.strictObject({
  status: z.enum(['answered', 'adopted']).describe('答复 or 采纳'),
  reply: z.string().trim().min(1).max(4000).describe('the reply to the public (required)'),
  version: z.number().int().optional().describe('the version read (or If-Match)'),
});
export type ReplySuggestionInput = z.infer<typeof replySuggestionBody>;

export const suggestion = z
  .object({
    id: z.uuid(),
    text: z.string(),
    activityId: z.uuid().nullable(),
    cycleId: z.uuid().nullable(),
    unitId: z.uuid().nullable(),
    departmentId: z.uuid().nullable(),
    receivedOn: day,
    status: suggestionStatusSchema,
    statusLabel: labelSchema,
    reply: z.string().nullable(),
    repliedBy: z.string().nullable(),
    repliedAt: isoDate.nullable(),
    version: z.number().int(),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .meta({ id: 'Suggestion', description: '意见建议: a suggestion from the public and the reply to it' });
export type SuggestionDto = z.infer<typeof suggestion>;

export const listSuggestionsQuery = z.object({
  status: suggestionStatusSchema.optional(),
  activityId: z.uuid().optional(),
  cycleId: z.uuid().optional(),
  unitId: z.uuid().optional(),
  departmentId: z.uuid().optional().describe('suggestions about this department or any of its units'),
  from: day.optional(),
  to: day.optional(),
});
export type ListSuggestionsFilter = z.infer<typeof listSuggestionsQuery>;
