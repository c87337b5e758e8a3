import { z } from 'zod';
import { isoDate, labelSchema } from '../../lib/http.js';
import type { Role } from '../../lib/principal.js';

/** Only the office decides accountability; a department reads actions against itself or its units, a unit its own. */
export const ACCOUNTABILITY_READERS: Role[] = ['admin', 'department', 'unit'];

/** 问责 */
export const accountabilityTypes = ['interview', 'notice_of_criticism', 'disciplinary_action', 'demotion'] as const;
export type AccountabilityType = (typeof accountabilityTypes)[number];
export const accountabilityTypeLabels: Record<AccountabilityType, { zhCN: string; en: string }> = {
  interview: { zhCN: '约谈', en: 'Admonitory interview' },
  notice_of_criticism: { zhCN: '通报批评', en: 'Notice of criticism' },
  disciplinary_action: { zhCN: '党纪政纪处分', en: 'Party or administrative disciplinary action' },
  demotion: { zhCN: '降职', en: 'Demotion' },
};
export const accountabilityTypeSchema = z.enum(accountabilityTypes).meta({ id: 'AccountabilityType', description: '约谈 / 通报批评 / 党纪政纪处分 / 降职' });

export const targetKinds = ['person', 'unit', 'department'] as const;
export const causeTypes = ['inspection_finding', 'complaint', 'problem'] as const;
export type AccountabilityCauseType = (typeof causeTypes)[number];

const name = (max: number) => z.string().trim().min(1).max(max);

/** Who is held accountable. A person is named with the unit or department they serve in, when known. */
export const accountabilityTargetInput = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('person'),
    personName: name(100),
    personRole: name(100).optional().describe('the post held, e.g. 站长'),
    unitId: z.uuid().optional(),
    departmentId: z.uuid().optional(),
  }),
  z.strictObject({ kind: z.literal('unit'), unitId: z.uuid() }),
  z.strictObject({ kind: z.literal('department'), departmentId: z.uuid() }),
]);
export type AccountabilityTargetInput = z.infer<typeof accountabilityTargetInput>;

export const accountabilityTarget = z
  .object({
    kind: z.enum(targetKinds),
    unitId: z.uuid().nullable(),
    departmentId: z.uuid().nullable(),
    personName: z.string().nullable(),
    personRole: z.string().nullable(),
  })
  .meta({ id: 'AccountabilityTarget' });

export const accountabilityCause = z
  .object({ type: z.enum(causeTypes), id: z.uuid() })
  .meta({ id: 'AccountabilityCause', description: 'the inspection finding, complaint or problem behind the action' });

export const accountabilityAction = z
  .object({
    id: z.uuid(),
    type: accountabilityTypeSchema,
    typeLabel: labelSchema,
    target: accountabilityTarget,
    reason: z.string(),
    decidedAt: isoDate,
    cause: accountabilityCause,
    version: z.number().int(),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .meta({ id: 'AccountabilityAction', description: '问责: an accountability action and what caused it' });
export type AccountabilityActionDto = z.infer<typeof accountabilityAction>;

export const createAccountabilityBody = z.object({
  type: accountabilityTypeSchema,
  target: accountabilityTargetInput,
  reason: z.string().trim().min(1).max(5000),
  decidedAt: isoDate,
  cause: accountabilityCause,
});
export type CreateAccountabilityInput = z.infer<typeof createAccountabilityBody>;

export const listAccountabilityQuery = z.object({
  type: accountabilityTypeSchema.optional(),
  targetKind: z.enum(targetKinds).optional(),
  unitId: z.uuid().optional().describe('actions against this unit or a person in it'),
  departmentId: z.uuid().optional().describe('actions against this department, its units or people in them'),
  causeType: z.enum(causeTypes).optional(),
  causeId: z.uuid().optional(),
  from: isoDate.optional().describe('decided at or after'),
  to: isoDate.optional().describe('decided before'),
});
export type ListAccountabilityFilter = z.infer<typeof listAccountabilityQuery>;
