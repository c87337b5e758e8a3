import { z } from 'zod';
import { isoDate, isoDay, labelSchema } from '../../lib/http.js';
import type { Role } from '../../lib/principal.js';
import { subjectFilterFields, subjectInputFields } from '../../lib/subject.js';

/** The office and assessors any; a department for itself and its units, a unit for itself. */
export const INVESTMENT_WRITERS: Role[] = ['admin', 'inspector', 'department', 'unit'];
export const INVESTMENT_READERS: Role[] = ['admin', 'inspector', 'department', 'unit'];

export const fundSources = ['fiscal', 'self_raised', 'enterprise', 'mixed'] as const;
export type FundSource = (typeof fundSources)[number];
export const fundSourceLabels: Record<FundSource, { zhCN: string; en: string }> = {
  fiscal: { zhCN: '财政', en: 'Public funds' },
  self_raised: { zhCN: '自筹', en: 'Self-raised' },
  enterprise: { zhCN: '企业', en: 'Enterprise' },
  mixed: { zhCN: '多方筹资', en: 'Mixed sources' },
};
export const fundSourceSchema = z.enum(fundSources).meta({ id: 'FundSource', description: '财政 / 自筹 / 企业 / 多方筹资' });

/** 1,000亿元 in fen: far above any one project, far below 2^53. */
export const MAX_AMOUNT_FEN = 10_000_000_000_000;
const day = isoDay.describe('calendar date, YYYY-MM-DD');

export const createInvestmentBody = z
  .strictObject({
    ...subjectInputFields,
    projectName: z.string().trim().min(1).max(300).nullable().optional().describe('e.g. 新住院大楼'),
    cycleId: z.uuid().nullable().optional(),
    investedOn: day.describe('when spent (for an aggregate: the last day it covers)'),
    amountFen: z.number().int().min(1).max(MAX_AMOUNT_FEN).describe('amount in fen (分): 1,200万元 is 1200000000; integers only, never floats'),
    currency: z.literal('CNY').default('CNY'),
    fundSource: fundSourceSchema,
    purpose: z.string().trim().min(1).max(2000).describe('what the money was for'),
    builtQuantity: z.number().int().min(0).max(1_000_000).nullable().optional().describe('how many of what was built, e.g. 230 (windows)'),
    builtWhat: z.string().trim().min(1).max(200).nullable().optional().describe('what was built, e.g. 供电服务窗口'),
  })
  .superRefine((b, ctx) => {
    if ((b.builtQuantity ?? null) !== null && !b.builtWhat) ctx.addIssue({ code: 'custom', path: ['builtWhat'], message: 'say what was built' });
  });
export type CreateInvestmentInput = z.infer<typeof createInvestmentBody>;

/** A correction (amount, source, purpose, what was built, date): the version read is required (If-Match or `version`). */
export const correctInvestmentBody = z
  .strictObject({
    projectName: createInvestmentBody.shape.projectName,
    investedOn: day.optional(),
    amountFen: z.number().int().min(1).max(MAX_AMOUNT_FEN).optional(),
    fundSource: fundSourceSchema.optional(),
    purpose: z.string().trim().min(1).max(2000).optional(),
    builtQuantity: z.number().int().min(0).max(1_000_000).nullable().optional(),
    builtWhat: z.string().trim().min(1).max(200).nullable().optional(),
    version: z.number().int().optional().describe('the version read, if you do not send If-Match'),
  });
export type CorrectInvestmentInput = z.infer<typeof correctInvestmentBody>;

export const investment = z
  .object({
    id: z.uuid(),
    unitId: z.uuid().nullable(),
    departmentId: z.uuid().nullable(),
    regionId: z.uuid().nullable(),
    projectName: z.string().nullable(),
    cycleId: z.uuid().nullable(),
    investedOn: day,
    amountFen: z.number().int().describe('分'),
    amountYuan: z.string().describe('the same in yuan with two decimals, e.g. "12000000.00"'),
    currency: z.literal('CNY'),
    fundSource: fundSourceSchema,
    fundSourceLabel: labelSchema,
    purpose: z.string(),
    builtQuantity: z.number().int().nullable(),
    builtWhat: z.string().nullable(),
    version: z.number().int(),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .meta({ id: 'Investment', description: '硬件建设投入: money spent on facilities and what it built' });
export type InvestmentDto = z.infer<typeof investment>;

export const listInvestmentsQuery = z.object({
  fundSource: fundSourceSchema.optional(),
  cycleId: z.uuid().optional(),
  ...subjectFilterFields,
  from: day.optional(),
  to: day.optional(),
});
export type ListInvestmentsFilter = z.infer<typeof listInvestmentsQuery>;

/** Fen as yuan with two decimals, exactly (integer arithmetic). */
export const fenToYuan = (fen: number) => `${Math.trunc(fen / 100)}.${String(Math.abs(fen % 100)).padStart(2, '0')}`;
