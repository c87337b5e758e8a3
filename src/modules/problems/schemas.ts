import { z } from 'zod';
import { evidenceLinks, isoDate, labelSchema } from '../../lib/http.js';
import type { Role } from '../../lib/principal.js';

/** Who reads problems: staff all; a department its units'; a unit its own. */
export const PROBLEM_READERS: Role[] = ['admin', 'inspector', 'department', 'unit'];
/** Who answers a rectification: the unit, its department, or the office. */
export const RECTIFIERS: Role[] = ['admin', 'department', 'unit'];

type Label = { zhCN: string; en: string };

/** Where a problem (问题) was found. */
export const problemSourceTypes = ['assessment_deduction', 'inspection_finding', 'complaint', 'rating', 'media', 'manual'] as const;
export type ProblemSourceType = (typeof problemSourceTypes)[number];
export const problemSourceTypeLabels: Record<ProblemSourceType, Label> = {
  assessment_deduction: { zhCN: '考评扣分', en: 'Assessment deduction' },
  inspection_finding: { zhCN: '暗访发现', en: 'Inspection finding' },
  complaint: { zhCN: '投诉举报', en: 'Substantiated complaint' },
  rating: { zhCN: '群众差评', en: 'Bad public rating' },
  media: { zhCN: '媒体曝光', en: 'Media report' },
  manual: { zhCN: '其他', en: 'Entered manually' },
};
/** Sources that are records in this system: a problem from one of them must name it. */
export const linkedSourceTypes: readonly ProblemSourceType[] = ['assessment_deduction', 'inspection_finding', 'complaint', 'rating'];

export const problemSeverities = ['minor', 'major', 'serious'] as const;
export type ProblemSeverity = (typeof problemSeverities)[number];
export const problemSeverityLabels: Record<ProblemSeverity, Label> = {
  minor: { zhCN: '一般', en: 'Minor' },
  major: { zhCN: '较重', en: 'Major' },
  serious: { zhCN: '严重', en: 'Serious' },
};
/** Default rectification time by severity, in working days (限期整改). */
export const deadlineWorkingDays: Record<ProblemSeverity, number> = { minor: 20, major: 10, serious: 5 };

export const problemStatuses = ['open', 'rectifying', 'submitted', 'verified'] as const;
export type ProblemStatus = (typeof problemStatuses)[number];
export const problemStatusLabels: Record<ProblemStatus, Label> = {
  open: { zhCN: '待整改', en: 'Open' },
  rectifying: { zhCN: '整改中', en: 'Rectifying' },
  submitted: { zhCN: '已提交整改', en: 'Rectification submitted' },
  verified: { zhCN: '已整改销号', en: 'Verified and closed' },
};

/** 整改措施: planned → in_progress → done. */
export const measureStatuses = ['planned', 'in_progress', 'done'] as const;
export type MeasureStatus = (typeof measureStatuses)[number];
export const measureStatusLabels: Record<MeasureStatus, Label> = {
  planned: { zhCN: '计划', en: 'Planned' },
  in_progress: { zhCN: '实施中', en: 'In progress' },
  done: { zhCN: '已完成', en: 'Done' },
};
export const measureStatusSchema = z.enum(measureStatuses).meta({ id: 'MeasureStatus', description: '计划 / 实施中 / 已完成' });

export const problemSourceTypeSchema = z.enum(problemSourceTypes).meta({ id: 'ProblemSourceType', description: '考评扣分 / 暗访发现 / 投诉举报 / 群众差评 / 媒体曝光 / 其他' });
export const problemSeveritySchema = z.enum(problemSeverities).meta({ id: 'ProblemSeverity', description: '一般 / 较重 / 严重' });
export const problemStatusSchema = z.enum(problemStatuses).meta({ id: 'ProblemStatus', description: '待整改 / 整改中 / 已提交整改 / 已整改销号' });

export const problem = z
  .object({
    id: z.uuid(),
    unitId: z.uuid(),
    cycleId: z.uuid().nullable(),
    sourceType: problemSourceTypeSchema,
    sourceTypeLabel: labelSchema,
    sourceId: z.uuid().nullable().describe('the deduction, finding, complaint or rating this problem came from'),
    severity: problemSeveritySchema,
    severityLabel: labelSchema,
    description: z.string(),
    deadline: isoDate.describe('整改期限'),
    overdue: z.boolean().describe('逾期: the deadline has passed without the rectification being verified by it (verified late stays overdue)'),
    responsiblePerson: z.string().nullable().describe('整改责任人'),
    responsibilityLetterSigned: z.boolean().describe('整改责任书 signed'),
    signedAt: isoDate.nullable(),
    status: problemStatusSchema,
    statusLabel: labelSchema,
    measures: z.string().nullable().describe('整改措施 as free text (rows before measures became records; see /problems/{id}/measures)'),
    isHot: z.boolean().describe('热点难点问题: a hot or difficult issue; solved = verified'),
    submittedOnBehalfBy: z.string().nullable().describe('the office user who submitted the rectification on the department\'s behalf (代为提交)'),
    evidence: z.array(z.string()),
    rejectionReason: z.string().nullable().describe('why the last submitted rectification was sent back'),
    submittedAt: isoDate.nullable(),
    verifiedAt: isoDate.nullable(),
    version: z.number().int(),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .meta({ id: 'Problem', description: '问题整改: a problem found by any channel and its rectification' });
export type ProblemDto = z.infer<typeof problem>;

export const problemEvent = z
  .object({
    id: z.uuid(),
    problemId: z.uuid(),
    action: z.enum(['opened', 'updated', 'letter_signed', 'started', 'submitted', 'verified', 'rejected']),
    fromStatus: problemStatusSchema.nullable(),
    toStatus: problemStatusSchema,
    actorRole: z.string(),
    note: z.string().nullable(),
    at: isoDate,
  })
  .meta({ id: 'ProblemEvent', description: 'One step in the history of a problem' });
export type ProblemEventDto = z.infer<typeof problemEvent>;
export type ProblemEventAction = ProblemEventDto['action'];

export const problemWithEvents = problem.extend({ events: z.array(problemEvent) }).meta({ id: 'ProblemWithHistory' });

const text = (max: number) => z.string().trim().min(1).max(max);

/** What openFromSource takes (the contract other modules call). */
export interface OpenProblemInput {
  unitId: string;
  cycleId?: string | null;
  sourceType: ProblemSourceType;
  sourceId?: string | null;
  severity: ProblemSeverity;
  description: string;
  deadline?: Date | null;
  responsiblePerson?: string | null;
  isHot?: boolean;
}

export const createProblemBody = z.object({
  unitId: z.uuid(),
  cycleId: z.uuid().nullable().optional(),
  sourceType: problemSourceTypeSchema,
  sourceId: z.uuid().nullable().optional().describe('required for assessment_deduction, inspection_finding, complaint and rating; absent for manual'),
  severity: problemSeveritySchema,
  description: text(5000),
  deadline: isoDate.nullable().optional().describe('defaults by severity: minor 20, major 10, serious 5 working days'),
  responsiblePerson: text(200).nullable().optional(),
  isHot: z.boolean().optional().describe('热点难点问题'),
});
export type CreateProblemBody = z.infer<typeof createProblemBody>;

export const updateProblemBody = z.object({
  deadline: isoDate.optional(),
  responsiblePerson: text(200).nullable().optional(),
  severity: problemSeveritySchema.optional(),
  version: z.number().int().optional().describe('the version you read, if you do not send If-Match'),
});
export type UpdateProblemInput = z.infer<typeof updateProblemBody>;

const optionalVersion = { version: z.number().int().optional().describe('checked when given (or If-Match)') };
export const noteBody = z.object({ note: text(2000).optional(), ...optionalVersion }).default({});
export const measureInput = z.object({
  text: text(5000),
  responsibleParty: text(200).nullable().optional().describe('责任人/责任部门'),
  dueOn: z.iso.date().nullable().optional().describe('YYYY-MM-DD'),
  status: measureStatusSchema.default('planned'),
  evidence: evidenceLinks,
});
export type MeasureInput = z.infer<typeof measureInput>;

export const submitProblemBody = z
  .object({
    measures: text(10000).optional().describe('整改措施 as free text (kept for older clients)'),
    measureItems: z.array(measureInput).max(50).default([]).describe('整改措施 as records, each counted'),
    evidence: evidenceLinks,
    ...optionalVersion,
  })
  .refine((b) => !!b.measures || b.measureItems.length > 0, { message: 'give the measures (整改措施): measureItems, or measures as text', path: ['measureItems'] });
export type SubmitProblemInput = z.infer<typeof submitProblemBody>;
export const rejectProblemBody = z.object({ reason: text(2000), ...optionalVersion });

export const listProblemsQuery = z.object({
  status: problemStatusSchema.optional(),
  unitId: z.uuid().optional(),
  departmentId: z.uuid().optional(),
  cycleId: z.uuid().optional(),
  severity: problemSeveritySchema.optional(),
  sourceType: problemSourceTypeSchema.optional(),
  overdue: z.boolean().optional(),
  isHot: z.boolean().optional().describe('热点难点问题 only (true) or the others'),
});
export type ListProblemsFilter = z.infer<typeof listProblemsQuery>;

/** Figures per unit for rankings and awards. */
export interface UnitProblemCounts {
  /** not yet verified */
  open: number;
  /** not verified and past the deadline */
  overdue: number;
  /** verified (已整改) */
  rectified: number;
}

// ---- measures (整改措施) ----

export const measure = z
  .object({
    id: z.uuid(),
    problemId: z.uuid().nullable().describe('null for a measure of an improvement plan'),
    unitId: z.uuid().nullable(),
    departmentId: z.uuid().nullable(),
    cycleId: z.uuid().nullable(),
    text: z.string(),
    responsibleParty: z.string().nullable(),
    dueOn: z.string().nullable(),
    status: measureStatusSchema,
    statusLabel: labelSchema,
    evidence: z.array(z.string()),
    version: z.number().int(),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .meta({ id: 'Measure', description: '整改措施: a rectification measure of a problem or of an improvement plan' });
export type MeasureDto = z.infer<typeof measure>;

export const improvementMeasureBody = measureInput
  .extend({ unitId: z.uuid().optional(), departmentId: z.uuid().optional(), cycleId: z.uuid().nullable().optional() })
  .refine((b) => !!b.unitId !== !!b.departmentId, { message: 'name the unit or the department of the improvement plan (one of them)', path: ['unitId'] });
export type ImprovementMeasureInput = z.infer<typeof improvementMeasureBody>;

export const measureStatusBody = z.object({ status: measureStatusSchema, evidence: evidenceLinks.optional(), version: z.number().int().optional() });
export type MeasureStatusInput = z.infer<typeof measureStatusBody>;

export const listMeasuresQuery = z.object({
  problemId: z.uuid().optional(),
  unitId: z.uuid().optional(),
  departmentId: z.uuid().optional(),
  status: measureStatusSchema.optional(),
});
export type ListMeasuresFilter = z.infer<typeof listMeasuresQuery>;

export const MAX_BULK_PROBLEMS = 1000;
export const bulkTransitionBody = z
  .object({
    ids: z.array(z.uuid()).min(1).max(MAX_BULK_PROBLEMS),
    action: z.enum(['start', 'submit', 'verify', 'reject']).describe("one decision for every problem; submit: the office's rectification on the departments' behalf (recorded)"),
    note: text(2000).optional().describe('the comment, recorded on every problem (the reason, to reject; the measures text, to submit)'),
    evidence: evidenceLinks.describe('to submit: the evidence of every rectification'),
  })
  .refine((b) => b.action !== 'reject' || !!b.note, { message: 'a rejection needs a reason', path: ['note'] })
  .refine((b) => b.action !== 'submit' || (!!b.note && b.evidence.length > 0), { message: 'a submission needs the measures (note) and evidence', path: ['evidence'] });
export type BulkTransitionInput = z.infer<typeof bulkTransitionBody>;
export const bulkCreateProblemsBody = z.object({ problems: z.array(createProblemBody).min(1).max(MAX_BULK_PROBLEMS) });
