import { z } from 'zod';
import { isoDate, isoDay, labelSchema } from '../../lib/http.js';
import type { Role } from '../../lib/principal.js';

/** The office (and assessors) record media participation. */
export const MEDIA_WRITERS: Role[] = ['admin', 'inspector'];
/** Departments and integrations read the items; the heads' names only the office and assessors (PERSONAL_DATA_READERS). */
export const MEDIA_READERS: Role[] = ['admin', 'inspector', 'department', 'integration'];
export const PERSONAL_DATA_READERS: Role[] = ['admin', 'inspector'];

export const mediaKinds = ['newspaper_column', 'news_item', 'tv_special', 'tv_inquiry', 'sms_publicity'] as const;
export type MediaKind = (typeof mediaKinds)[number];
export const mediaKindLabels: Record<MediaKind, { zhCN: string; en: string }> = {
  newspaper_column: { zhCN: '专版', en: 'Newspaper column page' },
  news_item: { zhCN: '消息', en: 'News item' },
  tv_special: { zhCN: '电视专题', en: 'TV special' },
  tv_inquiry: { zhCN: '电视问政', en: 'TV public inquiry session' },
  sms_publicity: { zhCN: '编发短信', en: 'Publicity text messages' },
};
export const mediaKindSchema = z.enum(mediaKinds).meta({ id: 'MediaKind', description: '专版 / 消息 / 专题 / 电视问政 / 编发短信' });

export const inquiryResultKinds = ['satisfaction_percent', 'score'] as const;
export const inquiryResultKindLabels: Record<(typeof inquiryResultKinds)[number], { zhCN: string; en: string }> = {
  satisfaction_percent: { zhCN: '满意率（%）', en: 'Satisfaction (%)' },
  score: { zhCN: '测评得分', en: 'Score' },
};

export const MAX_COVERED = 1000;
export const MAX_APPEARANCES = 50;
const day = isoDay.describe('calendar date, YYYY-MM-DD');
const positive = z.number().int().min(1);

const appearanceInput = z.strictObject({
  personName: z.string().trim().min(1).max(100).describe('the head who faced the public (personal data: never public)'),
  personTitle: z.string().trim().max(100).nullable().optional().describe('e.g. 局长'),
  departmentId: z.uuid(),
  resultKind: z.enum(inquiryResultKinds).nullable().optional().describe('测评: a satisfaction percentage or a score'),
  result: z.number().min(0).max(1000).multipleOf(0.01).nullable().optional(),
});

export const createMediaItemBody = z
  .strictObject({
    kind: mediaKindSchema,
    outlet: z.string().trim().min(1).max(200).describe('e.g. 州日报, 州电视台'),
    title: z.string().trim().min(1).max(500),
    publishedOn: day.describe('published or aired on (for an aggregate: the last day it covers)'),
    cycleId: z.uuid().nullable().optional(),
    quantity: positive.max(100_000).default(1).describe('how many alike items this record stands for (e.g. 178 专版 entered as one)'),
    wordCount: z.number().int().min(0).max(100_000_000).nullable().optional().describe('news items: words (字)'),
    episodes: positive.max(10_000).nullable().optional().describe('TV specials: episodes (期)'),
    messages: z.number().int().min(0).max(100_000_000).nullable().optional().describe('publicity texts: messages (条)'),
    departmentIds: z.array(z.uuid()).max(MAX_COVERED).default([]).describe('departments covered (涉及部门)'),
    unitIds: z.array(z.uuid()).max(MAX_COVERED).default([]).describe('units covered (涉及基层站所、窗口)'),
    appearances: z.array(appearanceInput).max(MAX_APPEARANCES).default([]).describe('电视问政 only: the heads who appeared and their 测评 result'),
  })
  .superRefine((b, ctx) => {
    const only: [keyof typeof b, MediaKind][] = [['wordCount', 'news_item'], ['episodes', 'tv_special'], ['messages', 'sms_publicity']];
    for (const [field, kind] of only) {
      if (b[field] !== undefined && b[field] !== null && b.kind !== kind) ctx.addIssue({ code: 'custom', path: [field], message: `only for kind ${kind}` });
    }
    if (b.appearances.length && b.kind !== 'tv_inquiry') ctx.addIssue({ code: 'custom', path: ['appearances'], message: 'only for kind tv_inquiry' });
    if (b.kind === 'sms_publicity' && (b.messages === undefined || b.messages === null)) ctx.addIssue({ code: 'custom', path: ['messages'], message: 'required for sms_publicity' });
    if (b.kind === 'tv_special' && (b.episodes === undefined || b.episodes === null)) ctx.addIssue({ code: 'custom', path: ['episodes'], message: 'required for tv_special' });
    b.appearances.forEach((a, i) => {
      if ((a.result ?? null) !== null && !a.resultKind) ctx.addIssue({ code: 'custom', path: ['appearances', i, 'resultKind'], message: 'say what the result is' });
      if (a.resultKind === 'satisfaction_percent' && (a.result ?? 0) > 100) ctx.addIssue({ code: 'custom', path: ['appearances', i, 'result'], message: 'a percentage is at most 100' });
    });
  });
export type CreateMediaItemInput = z.infer<typeof createMediaItemBody>;

export const inquiryAppearance = z
  .object({
    personName: z.string().nullable().describe('null unless the caller is the office or an assessor'),
    personTitle: z.string().nullable(),
    departmentId: z.uuid(),
    resultKind: z.enum(inquiryResultKinds).nullable(),
    resultLabel: labelSchema.nullable(),
    result: z.number().nullable(),
  })
  .meta({ id: 'InquiryAppearance', description: '电视问政: a head who faced the public, and the 测评 result' });

export const mediaItem = z
  .object({
    id: z.uuid(),
    kind: mediaKindSchema,
    kindLabel: labelSchema,
    outlet: z.string(),
    title: z.string(),
    publishedOn: day,
    cycleId: z.uuid().nullable(),
    quantity: z.number().int(),
    wordCount: z.number().int().nullable(),
    episodes: z.number().int().nullable(),
    messages: z.number().int().nullable(),
    departmentIds: z.array(z.uuid()),
    unitIds: z.array(z.uuid()),
    appearances: z.array(inquiryAppearance),
    version: z.number().int(),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .meta({ id: 'MediaItem', description: '媒体参与: a newspaper column, news item, TV special, TV inquiry session or publicity texts' });
export type MediaItemDto = z.infer<typeof mediaItem>;

export const listMediaQuery = z.object({
  kind: mediaKindSchema.optional(),
  outlet: z.string().max(200).optional(),
  cycleId: z.uuid().optional(),
  departmentId: z.uuid().optional().describe('items covering this department'),
  unitId: z.uuid().optional().describe('items covering this unit'),
  from: day.optional(),
  to: day.optional(),
});
export type ListMediaFilter = z.infer<typeof listMediaQuery>;
