import { z } from 'zod';
import { isoDate, labelSchema } from '../../lib/http.js';
import type { Role } from '../../lib/principal.js';

/** Integrations (政务服务 platforms) file and move cases; the office may too. */
export const CASE_WRITERS: Role[] = ['admin', 'integration'];
/** Figures, not cases: integrations file cases but do not read the campaign's statistics. */
export const CASE_STATISTICS_READERS: Role[] = ['admin', 'inspector', 'department', 'unit'];
/** A department reads its units' cases, a unit its own; the office and inspectors all. */
export const CASE_READERS: Role[] = ['admin', 'inspector', 'department', 'unit', 'integration'];

export const caseStates = ['received', 'accepted', 'completed', 'returned', 'refused'] as const;
export type CaseState = (typeof caseStates)[number];
export const caseStateLabels: Record<CaseState, { zhCN: string; en: string }> = {
  received: { zhCN: '已收件', en: 'Received' },
  accepted: { zhCN: '已受理', en: 'Accepted' },
  completed: { zhCN: '已办结', en: 'Completed' },
  returned: { zhCN: '退回补正', en: 'Returned for correction' },
  refused: { zhCN: '不予受理', en: 'Refused' },
};
export const caseStateSchema = z.enum(caseStates).meta({ id: 'CaseState', description: '已收件 / 已受理 / 已办结 / 退回补正 / 不予受理' });

export const caseDto = z
  .object({
    id: z.uuid(),
    source: z.string(),
    caseNumber: z.string().describe('办件编号'),
    itemId: z.uuid(),
    unitId: z.uuid(),
    state: caseStateSchema,
    stateLabel: labelSchema,
    receivedAt: isoDate,
    acceptedAt: isoDate.nullable(),
    closedAt: isoDate.nullable().describe('completed, returned or refused at'),
    reason: z.string().nullable().describe('why it was returned or refused'),
    promisedDays: z.number().int().describe('承诺时限 (working days) when the case arrived'),
    deadline: isoDate.describe('promised deadline: the working days after acceptance (or receipt, before it)'),
    onTime: z.boolean().nullable().describe('按时办结; null until completed'),
    oneWeek: z.boolean().nullable().describe('一周办结: completed within 7 calendar days of receipt; null until completed'),
    firstResponderRef: z.string().nullable().describe('首问负责人, pseudonymous (HMAC of the staff code)'),
    importId: z.uuid().nullable(),
    version: z.number().int(),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .meta({ id: 'Case', description: '办件: one application handled under a service item at a unit' });
export type CaseDto = z.infer<typeof caseDto>;

export const source = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'lower-case letters, digits, dot, dash or underscore (e.g. zwfw_yunnan)');
export const caseNumber = z.string().trim().min(1).max(64);
export const staffCode = z.string().trim().min(1).max(64).describe('the staff code of the 首问负责人; stored only as an HMAC');

export const createCaseBody = z.object({
  source,
  caseNumber,
  itemId: z.uuid(),
  unitId: z.uuid(),
  receivedAt: isoDate,
  firstResponder: staffCode.nullable().optional(),
});
export type CreateCaseInput = z.infer<typeof createCaseBody>;

export const caseMoveBody = z.object({
  at: isoDate.optional().describe('when it happened in the source system; now if not given'),
  version: z.number().int().optional(),
});
export const caseCloseBody = caseMoveBody.extend({ reason: z.string().trim().min(1).max(2000).describe('required: why') });
export type CaseMoveInput = z.infer<typeof caseCloseBody>;

export const caseStatisticsQuery = z.object({
  groupBy: z.enum(['unit', 'department', 'region']).default('unit').describe("per unit, per department, or per unit's region"),
  from: isoDate.optional().describe('cases received at or after'),
  to: isoDate.optional().describe('cases received before'),
});
export type CaseStatisticsFilter = z.infer<typeof caseStatisticsQuery>;

const count = z.number().int();
export const caseStatisticsRow = z
  .object({
    key: z.uuid().describe('the unit, department or region id'),
    total: count,
    byState: z.object({ received: count, accepted: count, completed: count, returned: count, refused: count }).meta({ id: 'CaseStateCounts' }),
    onTime: count.describe('completed by the deadline (按时办结)'),
    oneWeek: count.describe('completed within 7 calendar days of receipt (一周办结)'),
    onTimeRate: z.number().nullable().describe('限时办结率: onTime / completed, %; null without completed cases'),
    oneWeekRate: z.number().nullable().describe('一周办结率: oneWeek / completed, %'),
  })
  .meta({ id: 'CaseStatisticsRow' });
export type CaseStatisticsRowDto = z.infer<typeof caseStatisticsRow>;
export const caseStatistics = z
  .object({ groupBy: z.enum(['unit', 'department', 'region']), rows: z.array(caseStatisticsRow) })
  .meta({ id: 'CaseStatistics', description: '办件 statistics: cases by state, on-time and one-week rates' });
export type CaseStatisticsDto = z.infer<typeof caseStatistics>;

export const listCasesQuery = z.object({
  unitId: z.uuid().optional(),
  departmentId: z.uuid().optional(),
  itemId: z.uuid().optional(),
  state: caseStateSchema.optional(),
  source: z.string().trim().min(1).max(64).optional(),
  caseNumber: caseNumber.optional(),
  onTime: z.boolean().optional(),
  from: isoDate.optional().describe('received at or after'),
  to: isoDate.optional().describe('received before'),
});
export type ListCasesFilter = z.infer<typeof listCasesQuery>;
