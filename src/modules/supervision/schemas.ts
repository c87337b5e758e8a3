import { z } from 'zod';
import { evidenceLinks, isoDate, isoDay, labelSchema } from '../../lib/http.js';
import { categorySchema } from '../units/schemas.js';

type Labels<K extends string> = Record<K, { zhCN: string; en: string }>;

// ── Supervisors (义务监督员) ──────────────────────────────────────────────


export const supervisorContact = z
  .object({ phone: z.string().nullable(), email: z.string().nullable() })
  .meta({ id: 'SupervisorContact', description: 'private: only the campaign office and the supervisor see it' });

export const supervisor = z
  .object({
    id: z.uuid(),
    name: z.string(),
    affiliation: z.string().describe('工作单位'),
    sector: z.string(),
    departmentId: z.uuid().nullable().describe('own department: never assigned to inspect its units'),
    contact: supervisorContact.nullable().describe('null unless you are the admin or the supervisor'),
    termStart: isoDay,
    termEnd: isoDay.nullable(),
    active: z.boolean(),
    version: z.number().int(),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .meta({ id: 'Supervisor', description: '义务监督员: a volunteer supervisor' });
export type SupervisorDto = z.infer<typeof supervisor>;

const contactInput = z.object({
  phone: z.string().trim().min(3).max(40).nullable().optional(),
  email: z.email().max(200).nullable().optional(),
});

const supervisorFields = {
  name: z.string().trim().min(1).max(100),
  affiliation: z.string().trim().min(1).max(200),
  sector: z.string().trim().min(1).max(64),
  departmentId: z.uuid().nullable().optional(),
  contact: contactInput.optional(),
  termStart: isoDay,
  termEnd: isoDay.nullable().optional(),
  active: z.boolean().optional(),
};

const termOrder = (v: { termStart?: string; termEnd?: string | null }) => !v.termStart || !v.termEnd || v.termEnd >= v.termStart;
const termOrderIssue = { message: 'termEnd must not be before termStart', path: ['termEnd'] };

export const createSupervisorBody = z.object(supervisorFields).refine(termOrder, termOrderIssue);
export type CreateSupervisorInput = z.infer<typeof createSupervisorBody>;

export const updateSupervisorBody = z
  .object(supervisorFields)
  .partial()
  .extend({ version: z.number().int().optional().describe('the version you read, if you do not send If-Match') })
  .refine(termOrder, termOrderIssue);
export type UpdateSupervisorInput = z.infer<typeof updateSupervisorBody>;

export const listSupervisorsQuery = z.object({
  active: z.boolean().optional(),
  departmentId: z.uuid().optional(),
  sector: z.string().trim().min(1).max(64).optional(),
  q: z.string().trim().min(1).max(100).optional().describe('name contains'),
});
export type ListSupervisorsFilter = z.infer<typeof listSupervisorsQuery>;

// ── Inspection rounds (暗访轮次) ──────────────────────────────────────────

export const roundKinds = ['sweep', 'targeted'] as const;
export const roundKindLabels: Labels<(typeof roundKinds)[number]> = {
  sweep: { zhCN: '拉网式暗访', en: 'Sweep' },
  targeted: { zhCN: '点对点暗访', en: 'Point-to-point' },
};
export const roundStatuses = ['draft', 'generated', 'closed'] as const;
export const roundStatusLabels: Labels<(typeof roundStatuses)[number]> = {
  draft: { zhCN: '草稿', en: 'Draft' },
  generated: { zhCN: '已派发', en: 'Tasks generated' },
  closed: { zhCN: '已结束', en: 'Closed' },
};

export const roundFilter = z
  .object({
    category: categorySchema.optional(),
    regionId: z.uuid().optional().describe('this region and all regions below it'),
    departmentId: z.uuid().optional(),
  })
  .meta({ id: 'InspectionRoundFilter' });

const window = z
  .object({ startsAt: isoDate, endsAt: isoDate })
  .refine((w) => Date.parse(w.endsAt) > Date.parse(w.startsAt), { message: 'endsAt must be after startsAt', path: ['endsAt'] })
  .meta({ id: 'InspectionWindow' });

export const round = z
  .object({
    id: z.uuid(),
    name: z.string(),
    cycleId: z.uuid().nullable(),
    kind: z.enum(roundKinds),
    kindLabel: labelSchema,
    filter: roundFilter.nullable().describe('sweep rounds: which units'),
    unitIds: z.array(z.uuid()).nullable().describe('targeted rounds: which units'),
    window: z.object({ startsAt: isoDate, endsAt: isoDate }),
    focus: z.string().nullable(),
    instructions: z.string().nullable(),
    seed: z.number().int().describe('seed of the point-to-point assignment; the same seed and inputs give the same tasks'),
    tasksPerUnit: z.number().int(),
    status: z.enum(roundStatuses),
    statusLabel: labelSchema,
    generatedAt: isoDate.nullable(),
    closedAt: isoDate.nullable(),
    version: z.number().int(),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .meta({ id: 'InspectionRound', description: '暗访轮次: a sweep (拉网式) or targeted round of mystery-shopper visits' });
export type RoundDto = z.infer<typeof round>;

const roundFields = {
  name: z.string().trim().min(1).max(200),
  cycleId: z.uuid().nullable().optional(),
  window,
  focus: z.string().trim().min(1).max(2000).nullable().optional().describe('检查重点'),
  instructions: z.string().trim().min(1).max(5000).nullable().optional(),
  seed: z.number().int().min(0).max(2147483647).optional().describe('default: random, and stored'),
  tasksPerUnit: z.number().int().min(1).max(10).optional(),
};

export const createRoundBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sweep'), filter: roundFilter.default({}), ...roundFields }),
  z.object({ kind: z.literal('targeted'), unitIds: z.array(z.uuid()).min(1).max(5000), ...roundFields }),
]);
export type CreateRoundInput = z.infer<typeof createRoundBody>;

export const updateRoundBody = z
  .object({ ...roundFields, filter: roundFilter, unitIds: z.array(z.uuid()).min(1).max(5000) })
  .partial()
  .extend({ version: z.number().int().optional() });
export type UpdateRoundInput = z.infer<typeof updateRoundBody>;

export const listRoundsQuery = z.object({
  cycleId: z.uuid().optional(),
  status: z.enum(roundStatuses).optional(),
  kind: z.enum(roundKinds).optional(),
});
export type ListRoundsFilter = z.infer<typeof listRoundsQuery>;

export const roundVersionBody = z.object({ version: z.number().int().optional() });

export const unassignedUnit = z
  .object({
    unitId: z.uuid(),
    missing: z.number().int().describe('how many of tasksPerUnit could not be assigned'),
    reason: z.enum(['no_eligible_supervisor', 'unit_inactive']),
  })
  .meta({ id: 'UnassignedUnit' });

// ── Tasks (点对点) ─────────────────────────────────────────────────────────

export const taskStatuses = ['assigned', 'accepted', 'reported', 'reviewed', 'expired', 'cancelled'] as const;
export type TaskStatus = (typeof taskStatuses)[number];
export const taskStatusLabels: Labels<TaskStatus> = {
  assigned: { zhCN: '已派发', en: 'Assigned' },
  accepted: { zhCN: '已接受', en: 'Accepted' },
  reported: { zhCN: '已反馈', en: 'Reported' },
  reviewed: { zhCN: '已审核', en: 'Reviewed' },
  expired: { zhCN: '已过期', en: 'Expired' },
  cancelled: { zhCN: '已取消', en: 'Cancelled' },
};

export const severities = ['minor', 'major', 'serious'] as const;
export type Severity = (typeof severities)[number];
export const severityLabels: Labels<Severity> = {
  minor: { zhCN: '一般', en: 'Minor' },
  major: { zhCN: '较重', en: 'Major' },
  serious: { zhCN: '严重', en: 'Serious' },
};
export const findingStatuses = ['pending', 'accepted', 'dismissed'] as const;
export const findingStatusLabels: Labels<(typeof findingStatuses)[number]> = {
  pending: { zhCN: '待审核', en: 'Pending review' },
  accepted: { zhCN: '已采纳', en: 'Accepted' },
  dismissed: { zhCN: '未采纳', en: 'Dismissed' },
};

/** What a feedback item (反馈暗访信息) is about. */
export const findingCategories = ['attitude', 'efficiency', 'quality', 'environment', 'discipline', 'other'] as const;
export type FindingCategory = (typeof findingCategories)[number];
export const findingCategoryLabels: Labels<FindingCategory> = {
  attitude: { zhCN: '服务态度', en: 'Attitude' },
  efficiency: { zhCN: '办事效率', en: 'Efficiency' },
  quality: { zhCN: '服务质量', en: 'Quality' },
  environment: { zhCN: '办事环境', en: 'Environment' },
  discipline: { zhCN: '工作纪律', en: 'Discipline' },
  other: { zhCN: '其他', en: 'Other' },
};

/** Where a report comes from: a dispatched task, or the supervisor's own walk-in visit (随机暗访). */
export const reportOrigins = ['task', 'walk_in'] as const;
export type ReportOrigin = (typeof reportOrigins)[number];
export const reportOriginLabels: Labels<ReportOrigin> = {
  task: { zhCN: '任务暗访', en: 'Dispatched task' },
  walk_in: { zhCN: '随机暗访', en: 'Walk-in visit' },
};

export const ratingKeys = ['attitude', 'efficiency', 'quality', 'environment', 'discipline'] as const;
const rating = z.number().int().min(1).max(5);
export const ratings = z
  .object({
    attitude: rating.describe('服务态度'),
    efficiency: rating.describe('办事效率'),
    quality: rating.describe('服务质量'),
    environment: rating.describe('办事环境'),
    discipline: rating.describe('工作纪律'),
  })
  .meta({ id: 'InspectionRatings', description: 'ratings 1 (worst) to 5 (best)' });
export type Ratings = z.infer<typeof ratings>;

export const finding = z
  .object({
    id: z.uuid(),
    taskId: z.uuid().nullable().describe('null on a walk-in report'),
    reportId: z.uuid(),
    unitId: z.uuid(),
    category: z.enum(findingCategories),
    categoryLabel: labelSchema,
    description: z.string(),
    severity: z.enum(severities),
    severityLabel: labelSchema,
    evidenceLinks: z.array(z.string()),
    status: z.enum(findingStatuses),
    statusLabel: labelSchema,
    reviewNote: z.string().nullable(),
    problemId: z.uuid().nullable().describe('the problem (问题) opened when the finding was accepted'),
    enrollmentId: z.uuid().nullable().describe("the unit's enrollment in the round's cycle (to disqualify it for a serious finding)"),
    reviewedAt: isoDate.nullable(),
  })
  .meta({ id: 'InspectionFinding', description: '反馈暗访信息 (one 条次): a problem or observation of a report' });
export type FindingDto = z.infer<typeof finding>;

export const report = z
  .object({
    id: z.uuid(),
    origin: z.enum(reportOrigins),
    originLabel: labelSchema,
    taskId: z.uuid().nullable().describe('null on a walk-in (随机暗访)'),
    roundId: z.uuid().nullable(),
    supervisorId: z.uuid().nullable(),
    unitId: z.uuid(),
    visitedAt: isoDate,
    ratings,
    summary: z.string().nullable(),
    findings: z.array(finding).describe('the feedback items (反馈暗访信息, 条次)'),
    reviewedAt: isoDate.nullable(),
    createdAt: isoDate,
  })
  .meta({ id: 'InspectionReport', description: '暗访反馈: the supervisor report, of a task or a walk-in' });
export type ReportDto = z.infer<typeof report>;

export const task = z
  .object({
    id: z.uuid(),
    roundId: z.uuid(),
    supervisorId: z.uuid(),
    unitId: z.uuid(),
    window: z.object({ startsAt: isoDate, endsAt: isoDate }),
    focus: z.string().nullable(),
    instructions: z.string().nullable(),
    status: z.enum(taskStatuses),
    statusLabel: labelSchema,
    statusReason: z.string().nullable(),
    acceptedAt: isoDate.nullable(),
    reportedAt: isoDate.nullable(),
    reviewedAt: isoDate.nullable(),
    closedAt: isoDate.nullable(),
    report: report.nullable(),
    version: z.number().int(),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .meta({ id: 'InspectionTask', description: '点对点暗访任务: one supervisor, one unit, a time window' });
export type TaskDto = z.infer<typeof task>;

export const generation = z
  .object({
    round,
    taskIds: z.array(z.uuid()),
    tasksCreated: z.number().int(),
    unassigned: z.array(unassignedUnit),
  })
  .meta({ id: 'InspectionTaskGeneration' });
export type GenerationDto = z.infer<typeof generation>;

export const expiry = z.object({ expired: z.array(z.uuid()) }).meta({ id: 'InspectionTaskExpiry' });

export const listTasksQuery = z.object({
  roundId: z.uuid().optional(),
  supervisorId: z.uuid().optional(),
  unitId: z.uuid().optional(),
  status: z.enum(taskStatuses).optional(),
});
export type ListTasksFilter = z.infer<typeof listTasksQuery>;

export const reasonBody = z.object({ reason: z.string().trim().min(1).max(1000).optional() });
/** POSTs that need no body accept none (null when sent without a payload). */
export const emptyBody = z.object({}).nullish();

export const reportBody = z.object({
  visitedAt: isoDate.describe('when the visit took place: within the task window, not in the future'),
  ratings,
  summary: z.string().trim().min(1).max(5000).nullable().optional(),
  findings: z
    .array(
      z.object({
        category: z.enum(findingCategories).default('other'),
        description: z.string().trim().min(1).max(5000),
        severity: z.enum(severities).default('minor').describe('default minor (一般)'),
        evidenceLinks,
      }),
    )
    .max(50)
    .default([])
    .describe('the feedback items (反馈暗访信息): each one 条次'),
});
export type ReportInput = z.infer<typeof reportBody>;

export const walkInBody = reportBody.extend({
  unitId: z.uuid().describe('the unit visited'),
  roundId: z.uuid().nullable().optional().describe('the round the visit belongs to, if any: it must have generated its tasks and not be closed'),
  visitedAt: isoDate.describe('when the visit took place: not in the future; within the round window when a round is named'),
});
export type WalkInInput = z.infer<typeof walkInBody>;

export const listReportsQuery = z.object({
  origin: z.enum(reportOrigins).optional(),
  supervisorId: z.uuid().optional(),
  roundId: z.uuid().optional(),
  unitId: z.uuid().optional(),
});
export type ListReportsFilter = z.infer<typeof listReportsQuery>;

export const reviewBody = z.object({
  decisions: z
    .array(z.object({ findingId: z.uuid(), accepted: z.boolean(), note: z.string().trim().min(1).max(2000).optional() }))
    .max(50)
    .describe('one decision per finding of the report'),
});
export type ReviewInput = z.infer<typeof reviewBody>;

export const listFindingsQuery = z.object({
  roundId: z.uuid().optional(),
  unitId: z.uuid().optional(),
  status: z.enum(findingStatuses).optional(),
  severity: z.enum(severities).optional(),
});
export type ListFindingsFilter = z.infer<typeof listFindingsQuery>;

// ── What a unit and its department see (redacted: no supervisor identity anywhere) ──

export const feedbackFinding = z
  .object({
    id: z.uuid(),
    category: z.enum(findingCategories),
    categoryLabel: labelSchema,
    description: z.string(),
    severity: z.enum(severities),
    severityLabel: labelSchema,
    evidenceLinks: z.array(z.string()),
    status: z.enum(findingStatuses),
    statusLabel: labelSchema,
    problemId: z.uuid().nullable(),
  })
  .meta({ id: 'InspectionFeedbackFinding' });

export const feedback = z
  .object({
    id: z.uuid().describe('the report id'),
    unitId: z.uuid(),
    cycleId: z.uuid().nullable(),
    visitedAt: isoDate,
    ratings,
    summary: z.string().nullable(),
    reviewed: z.boolean(),
    findings: z.array(feedbackFinding),
  })
  .meta({ id: 'InspectionFeedback', description: '暗访反馈 as the unit sees it: who inspected is never shown' });
export type FeedbackDto = z.infer<typeof feedback>;

export const feedbackParams = z.object({ unitId: z.uuid() });
