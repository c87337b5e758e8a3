import { z } from 'zod';
import { enrollmentStatus } from './tables.js';
import { isoDate, labelSchema } from '../../lib/http.js';
import { categorySchema } from '../units/schemas.js';

export const enrollmentStatuses = enrollmentStatus.enumValues;
export type EnrollmentStatus = (typeof enrollmentStatuses)[number];
export const enrollmentStatusLabels: Record<EnrollmentStatus, { zhCN: string; en: string }> = {
  enrolled: { zhCN: '参评', en: 'Enrolled' },
  withdrawn: { zhCN: '退出', en: 'Withdrawn' },
  disqualified: { zhCN: '取消评比资格', en: 'Disqualified' },
};
export const enrollmentStatusSchema = z.enum(enrollmentStatuses).meta({ id: 'EnrollmentStatus', description: '参评 / 退出 / 取消评比资格' });

export const evidenceTypes = ['complaint', 'inspection_finding', 'problem', 'other'] as const;
export const enrollmentEvidence = z
  .object({
    type: z.enum(evidenceTypes).describe('投诉举报 / 暗访发现 / 问题 / other'),
    id: z.uuid().describe('id of the record in its module'),
  })
  .meta({ id: 'EnrollmentEvidence' });

export const enrollment = z
  .object({
    id: z.uuid(),
    cycleId: z.uuid(),
    unitId: z.uuid(),
    category: categorySchema.describe("the unit's category when it enrolled: the standard it is judged by in this cycle"),
    status: enrollmentStatusSchema,
    statusLabel: labelSchema,
    reason: z.string().nullable().describe('why it was withdrawn or disqualified'),
    evidence: z.array(enrollmentEvidence),
    statusChangedAt: isoDate,
    version: z.number().int(),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .meta({ id: 'Enrollment', description: 'A unit taking part in a cycle (参评)' });
export type EnrollmentDto = z.infer<typeof enrollment>;

export const enrollBody = z.object({ unitId: z.uuid() });

export const bulkEnrollBody = z.object({
  category: categorySchema.optional(),
  regionId: z.uuid().optional().describe('this region and all regions below it'),
  departmentId: z.uuid().optional(),
  unitIds: z.array(z.uuid()).min(1).max(10_000).optional(),
});
export type BulkEnrollInput = z.infer<typeof bulkEnrollBody>;

export const bulkEnrollResult = z
  .object({
    matched: z.number().int().describe('active units matching the filter'),
    enrolled: z.number().int().describe('newly enrolled'),
    reenrolled: z.number().int().describe('withdrawn before, enrolled again'),
    alreadyEnrolled: z.number().int(),
    disqualified: z.number().int().describe('left out: disqualified in this cycle (取消评比资格)'),
  })
  .meta({ id: 'BulkEnrollResult' });
export type BulkEnrollResult = z.infer<typeof bulkEnrollResult>;

export const withdrawBody = z.object({
  reason: z.string().trim().min(1).max(2000).optional(),
  version: z.number().int().optional(),
});

export const disqualifyBody = z.object({
  reason: z.string().trim().min(1).max(2000).describe('取消评比资格的理由'),
  evidence: z.array(enrollmentEvidence).max(50).default([]),
  version: z.number().int().optional(),
});
export type DisqualifyInput = z.infer<typeof disqualifyBody>;

export const listEnrollmentsQuery = z.object({
  status: enrollmentStatusSchema.optional(),
  category: categorySchema.optional(),
  regionId: z.uuid().optional().describe("the unit's region and all regions below it"),
  departmentId: z.uuid().optional(),
  q: z.string().trim().min(1).max(100).optional().describe('unit name contains'),
});
export type ListEnrollmentsFilter = z.infer<typeof listEnrollmentsQuery>;

export const cycleIdParams = z.object({ id: z.uuid().describe('cycle id') });
