import { z } from 'zod';
import { evidenceLinks, isoDate, labelSchema } from '../../lib/http.js';
import type { Role } from '../../lib/principal.js';

type Label = { zhCN: string; en: string };

/** Who files: a unit for itself, a department for itself or its units. */
export const APPELLANTS: Role[] = ['department', 'unit'];
/** Who decides: the office (admin) or an inspector, never one who recorded the contested input. */
export const DECIDERS: Role[] = ['admin', 'inspector'];
/** Who reads appeals: staff all; a department its units'; a unit its own. */
export const APPEAL_READERS: Role[] = ['admin', 'inspector', 'department', 'unit'];

export const appealKinds = ['rating', 'scorecard_deduction', 'inspection_finding', 'disqualification', 'award_transition', 'complaint'] as const;
export type AppealKind = (typeof appealKinds)[number];
export const appealKindLabels: Record<AppealKind, Label> = {
  rating: { zhCN: '群众差评', en: 'Bad public rating' },
  scorecard_deduction: { zhCN: '考评扣分', en: 'Scorecard deduction' },
  inspection_finding: { zhCN: '暗访发现问题', en: 'Inspection finding' },
  disqualification: { zhCN: '取消评比资格', en: 'Disqualification' },
  award_transition: { zhCN: '命名状态变更', en: 'Award transition' },
  complaint: { zhCN: '投诉属实认定', en: 'Substantiated complaint' },
};

export const appealStatuses = ['filed', 'under_review', 'upheld', 'rejected', 'withdrawn'] as const;
export type AppealStatus = (typeof appealStatuses)[number];
export const appealStatusLabels: Record<AppealStatus, Label> = {
  filed: { zhCN: '已提交', en: 'Filed' },
  under_review: { zhCN: '复核中', en: 'Under review' },
  upheld: { zhCN: '申诉成立', en: 'Upheld' },
  rejected: { zhCN: '申诉不成立', en: 'Rejected' },
  withdrawn: { zhCN: '已撤回', en: 'Withdrawn' },
};
export const OPEN_APPEAL_STATUSES: readonly AppealStatus[] = ['filed', 'under_review'];

export const appealKindSchema = z.enum(appealKinds).meta({ id: 'AppealKind', description: '群众差评 / 考评扣分 / 暗访发现问题 / 取消评比资格 / 命名状态变更 / 投诉属实认定' });
export const appealStatusSchema = z.enum(appealStatuses).meta({ id: 'AppealStatus', description: '已提交 / 复核中 / 申诉成立 / 申诉不成立 / 已撤回' });

const text = (max: number) => z.string().trim().min(1).max(max);

export const appealEvidenceItem = z.object({
  type: z.enum(['complaint', 'inspection_report', 'inspection_finding', 'problem', 'other']),
  id: z.uuid(),
});

export const appeal = z
  .object({
    id: z.uuid(),
    kind: appealKindSchema,
    kindLabel: labelSchema,
    subjectId: z.uuid().describe('the contested record: rating, scorecard deduction, inspection finding, enrollment (disqualification), award transition or complaint'),
    unitId: z.uuid().nullable().describe('the unit the subject concerns; null for a department appealing its own bad rating'),
    departmentId: z.uuid().nullable().describe("the department appealing its own (万人评机关) or its leadership team's (领导班子) bad rating; null for a unit's subject"),
    cycleId: z.uuid().nullable(),
    appellantRole: z.string(),
    grounds: z.string().describe('申诉理由'),
    evidence: z.array(appealEvidenceItem).describe('records cited, each checked to exist'),
    links: z.array(z.string()).describe('links to evidence files'),
    status: appealStatusSchema,
    statusLabel: labelSchema,
    filedAt: isoDate,
    deadline: isoDate.describe('复核期限 (working days from filing, APPEAL_DECISION_WORKING_DAYS)'),
    overdue: z.boolean().describe('逾期: the deadline has passed and the appeal is still undecided'),
    reviewStartedAt: isoDate.nullable(),
    decidedAt: isoDate.nullable(),
    deciderRole: z.string().nullable(),
    decisionReason: z.string().nullable().describe("复核意见 (for a withdrawal: the appellant's note)"),
    remedy: z.string().nullable().describe('what an upheld decision did beyond excluding the input from the next ranking'),
    version: z.number().int(),
  })
  .meta({ id: 'Appeal', description: '申诉复核: an appeal against one recorded input and its decision' });
export type AppealDto = z.infer<typeof appeal>;

export const fileAppealBody = z.object({
  kind: appealKindSchema,
  subjectId: z.uuid(),
  grounds: text(5000),
  evidence: z.array(appealEvidenceItem).max(20).default([]),
  links: evidenceLinks,
});
export type FileAppealInput = z.infer<typeof fileAppealBody>;

const optionalVersion = { version: z.number().int().optional().describe('checked when given (or If-Match)') };
export const startReviewBody = z.object({ ...optionalVersion }).default({});
export const decideAppealBody = z.object({
  outcome: z.enum(['upheld', 'rejected']),
  reason: text(5000).describe('复核意见 (required)'),
  ...optionalVersion,
});
export type DecideAppealInput = z.infer<typeof decideAppealBody>;
export const withdrawAppealBody = z.object({ note: text(2000).optional(), ...optionalVersion }).default({});

export const listAppealsQuery = z.object({
  status: appealStatusSchema.optional(),
  kind: appealKindSchema.optional(),
  unitId: z.uuid().optional(),
  departmentId: z.uuid().optional(),
  cycleId: z.uuid().optional(),
  subjectId: z.uuid().optional(),
  overdue: z.boolean().optional().describe('true: deadline passed and undecided'),
});
export type ListAppealsFilter = z.infer<typeof listAppealsQuery>;

export const appealStatisticsQuery = z.object({ cycleId: z.uuid().optional() });
export const appealStatistics = z
  .object({
    cycleId: z.uuid().nullable(),
    total: z.number().int(),
    open: z.number().int(),
    overdue: z.number().int(),
    byKind: z.array(z.object({ kind: appealKindSchema, kindLabel: labelSchema, filed: z.number().int(), upheld: z.number().int(), rejected: z.number().int(), withdrawn: z.number().int(), open: z.number().int() })),
    medianHoursToDecision: z.number().nullable().describe('median time from filing to decision, in hours, over decided appeals'),
  })
  .meta({ id: 'AppealStatistics', description: '申诉统计: appeals by kind and outcome, time to decision' });
export type AppealStatisticsDto = z.infer<typeof appealStatistics>;

/** An input an upheld appeal removes from the next ranking computation. */
export interface AppealExclusion {
  appealId: string;
  kind: AppealKind;
  subjectId: string;
  unitId: string;
}

/** A department's own rating (万人评机关, 领导班子) an upheld appeal removes from its satisfaction on the scoreboard. */
export interface DepartmentAppealExclusion {
  appealId: string;
  /** The excluded rating. */
  subjectId: string;
  departmentId: string;
}
