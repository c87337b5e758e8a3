import { z } from 'zod';
import { evidenceLinks, isoDate, isoDay, labelSchema } from '../../lib/http.js';
import type { Role } from '../../lib/principal.js';

/** A unit or its department records its own deeds; the office records any. */
export const DEED_RECORDERS: Role[] = ['admin', 'department', 'unit'];
/** Assessors also read them (群众路线 is a criteria section). */
export const DEED_READERS: Role[] = ['admin', 'inspector', 'department', 'unit'];
/** The office verifies (核实) deeds; assessors may too. */
export const DEED_VERIFIERS: Role[] = ['admin', 'inspector'];

/** reported (self-reported) → verified | rejected by the office; only verified deeds earn bonus points. */
export const deedStatuses = ['reported', 'verified', 'rejected'] as const;
export type DeedStatus = (typeof deedStatuses)[number];
export const deedStatusLabels: Record<DeedStatus, { zhCN: string; en: string }> = {
  reported: { zhCN: '已上报', en: 'Reported' },
  verified: { zhCN: '已核实', en: 'Verified' },
  rejected: { zhCN: '未通过核实', en: 'Rejected' },
};
export const deedStatusSchema = z.enum(deedStatuses).meta({ id: 'DeedStatus', description: '已上报 / 已核实 / 未通过核实' });

const day = isoDay.describe('calendar date, YYYY-MM-DD');

export const deed = z
  .object({
    id: z.uuid(),
    unitId: z.uuid(),
    cycleId: z.uuid().nullable(),
    title: z.string(),
    description: z.string(),
    doneOn: day,
    beneficiaries: z.number().int().nullable().describe('people who benefited, if counted'),
    evidence: z.array(z.string()),
    recordedByRole: z.string(),
    isHot: z.boolean().describe('solves a hot or difficult issue (热点难点)'),
    status: deedStatusSchema,
    statusLabel: labelSchema,
    decidedAt: isoDate.nullable().describe('when the office verified or rejected it'),
    rejectionReason: z.string().nullable(),
    version: z.number().int(),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .meta({ id: 'Deed', description: '为群众办实事: a practical thing a unit did for the public' });
export type DeedDto = z.infer<typeof deed>;

export const createDeedBody = z.object({
  unitId: z.uuid(),
  cycleId: z.uuid().nullable().optional(),
  title: z.string().trim().min(1).max(200),
  description: z.string().trim().min(1).max(5000),
  doneOn: day,
  beneficiaries: z.number().int().min(0).max(100_000_000).nullable().optional(),
  evidence: evidenceLinks,
  isHot: z.boolean().default(false).describe('热点难点'),
});
export type CreateDeedInput = z.infer<typeof createDeedBody>;

export const listDeedsQuery = z.object({
  unitId: z.uuid().optional(),
  departmentId: z.uuid().optional(),
  cycleId: z.uuid().optional(),
  from: day.optional().describe('done on or after'),
  to: day.optional().describe('done on or before'),
  status: deedStatusSchema.optional(),
  isHot: z.boolean().optional().describe('热点难点 only (true) or the others (false)'),
});
export type ListDeedsFilter = z.infer<typeof listDeedsQuery>;

export const MAX_BULK_DEEDS = 1000;

/** Many deeds in one all-or-nothing request (a unit's or department's yearly return). */
export const bulkDeedsBody = z.object({ deeds: z.array(createDeedBody).min(1).max(MAX_BULK_DEEDS) });
export const bulkDeedsResult = z.object({ items: z.array(deed) }).meta({ id: 'DeedBulkResult' });

/** The office's decision on one or many reported deeds; a rejection needs a reason. */
export const deedDecisionBody = z
  .object({
    ids: z.array(z.uuid()).min(1).max(MAX_BULK_DEEDS).describe('deeds to decide, all reported; all or nothing'),
    decision: z.enum(['verify', 'reject']),
    reason: z.string().trim().min(1).max(2000).optional().describe('required to reject'),
  })
  .refine((b) => b.decision !== 'reject' || !!b.reason, { message: 'a rejection needs a reason', path: ['reason'] });
export type DeedDecisionInput = z.infer<typeof deedDecisionBody>;
