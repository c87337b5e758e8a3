import { z } from 'zod';
import { evidenceLinks, isoDate, isoDay } from '../../lib/http.js';
import type { Role } from '../../lib/principal.js';

/** A unit or its department records its own deeds; the office records any. */
export const DEED_RECORDERS: Role[] = ['admin', 'department', 'unit'];
/** Assessors also read them (群众路线 is a criteria section). */
export const DEED_READERS: Role[] = ['admin', 'inspector', 'department', 'unit'];

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
});
export type CreateDeedInput = z.infer<typeof createDeedBody>;

export const listDeedsQuery = z.object({
  unitId: z.uuid().optional(),
  departmentId: z.uuid().optional(),
  cycleId: z.uuid().optional(),
  from: day.optional().describe('done on or after'),
  to: day.optional().describe('done on or before'),
});
export type ListDeedsFilter = z.infer<typeof listDeedsQuery>;
