import { sql } from 'drizzle-orm';
import { boolean, check, date, index, integer, jsonb, pgEnum, pgTable, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps, version } from '../../db/columns.js';
import { departments } from '../departments/tables.js';
import { units } from '../units/tables.js';
import { cycles } from '../cycles/tables.js';
/** 义务监督员: a volunteer supervisor. Contact details are private to the campaign office. */
export const supervisors = pgTable(
  'supervisors',
  {
    id: id(),
    name: text('name').notNull(),
    /** 工作单位: where the supervisor works. */
    affiliation: text('affiliation').notNull(),
    sector: text('sector').notNull(),
    /** The supervisor's own department, if any: never assigned to inspect its units. */
    departmentId: uuid('department_id').references(() => departments.id),
    phone: text('phone'),
    email: text('email'),
    termStart: date('term_start', { mode: 'string' }).notNull(),
    termEnd: date('term_end', { mode: 'string' }),
    active: boolean('active').notNull().default(true),
    version: version(),
    ...timestamps(),
  },
  (t) => [
    index('supervisors_active_idx').on(t.active, t.id),
    index('supervisors_department_idx').on(t.departmentId),
    index('supervisors_sector_idx').on(t.sector),
  ],
);

export const inspectionRoundKind = pgEnum('inspection_round_kind', ['sweep', 'targeted']);
export const inspectionRoundStatus = pgEnum('inspection_round_status', ['draft', 'generated', 'closed']);

export interface InspectionRoundFilter {
  category?: 'law_enforcement' | 'public_service' | 'economic_social_management';
  regionId?: string;
  departmentId?: string;
}

/** 暗访轮次: a 拉网式 sweep over the units matching a filter, or a targeted round over named units. */
export const inspectionRounds = pgTable(
  'inspection_rounds',
  {
    id: id(),
    name: text('name').notNull(),
    cycleId: uuid('cycle_id').references(() => cycles.id),
    kind: inspectionRoundKind('kind').notNull(),
    filter: jsonb('filter').$type<InspectionRoundFilter>(),
    unitIds: jsonb('unit_ids').$type<string[]>(),
    startsAt: timestamp('starts_at', { withTimezone: true, mode: 'date' }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true, mode: 'date' }).notNull(),
    focus: text('focus'),
    instructions: text('instructions'),
    /** Seed of the point-to-point assignment, kept so a generation can be reproduced. */
    seed: integer('seed').notNull(),
    tasksPerUnit: integer('tasks_per_unit').notNull().default(1),
    status: inspectionRoundStatus('status').notNull().default('draft'),
    generatedAt: timestamp('generated_at', { withTimezone: true, mode: 'date' }),
    closedAt: timestamp('closed_at', { withTimezone: true, mode: 'date' }),
    version: version(),
    ...timestamps(),
  },
  (t) => [index('inspection_rounds_cycle_idx').on(t.cycleId, t.id), index('inspection_rounds_status_idx').on(t.status, t.id)],
);

export const inspectionTaskStatus = pgEnum('inspection_task_status', ['assigned', 'accepted', 'reported', 'reviewed', 'expired', 'cancelled']);

/** 点对点 task: one supervisor, one unit, a time window, a focus. Confidential until reported. */
export const inspectionTasks = pgTable(
  'inspection_tasks',
  {
    id: id(),
    roundId: uuid('round_id').notNull().references(() => inspectionRounds.id),
    supervisorId: uuid('supervisor_id').notNull().references(() => supervisors.id),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    startsAt: timestamp('starts_at', { withTimezone: true, mode: 'date' }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true, mode: 'date' }).notNull(),
    focus: text('focus'),
    instructions: text('instructions'),
    status: inspectionTaskStatus('status').notNull().default('assigned'),
    statusReason: text('status_reason'),
    acceptedAt: timestamp('accepted_at', { withTimezone: true, mode: 'date' }),
    reportedAt: timestamp('reported_at', { withTimezone: true, mode: 'date' }),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true, mode: 'date' }),
    closedAt: timestamp('closed_at', { withTimezone: true, mode: 'date' }),
    version: version(),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('inspection_tasks_round_unit_supervisor_key').on(t.roundId, t.unitId, t.supervisorId),
    index('inspection_tasks_round_idx').on(t.roundId, t.id),
    index('inspection_tasks_supervisor_idx').on(t.supervisorId, t.id),
    index('inspection_tasks_unit_status_idx').on(t.unitId, t.status, t.id),
    index('inspection_tasks_status_idx').on(t.status, t.id),
  ],
);

/** Where a report comes from: a dispatched task (点对点/拉网式), or a supervisor's own walk-in visit (随机暗访). */
export const inspectionReportOrigin = pgEnum('inspection_report_origin', ['task', 'walk_in']);

/**
 * 暗访反馈: what the supervisor saw on one visit; at most one per task, and walk-ins (随机暗访) with no task.
 * `supervisorId` and `roundId` are kept on the report itself so a walk-in needs no task (backfilled for old rows).
 */
export const inspectionReports = pgTable(
  'inspection_reports',
  {
    id: id(),
    origin: inspectionReportOrigin('origin').notNull().default('task'),
    taskId: uuid('task_id').references(() => inspectionTasks.id),
    supervisorId: uuid('supervisor_id').references(() => supervisors.id),
    roundId: uuid('round_id').references(() => inspectionRounds.id),
    unitId: uuid('unit_id')
      .notNull()
      .references(() => units.id),
    visitedAt: timestamp('visited_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** Ratings 1–5: 服务态度, 办事效率, 服务质量, 办事环境, 工作纪律. */
    attitude: smallint('attitude').notNull(),
    efficiency: smallint('efficiency').notNull(),
    quality: smallint('quality').notNull(),
    environment: smallint('environment').notNull(),
    discipline: smallint('discipline').notNull(),
    summary: text('summary'),
    /** Walk-ins are reviewed on their own (a task report is reviewed with its task). */
    reviewedAt: timestamp('reviewed_at', { withTimezone: true, mode: 'date' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('inspection_reports_task_key').on(t.taskId),
    index('inspection_reports_unit_idx').on(t.unitId, t.id),
    index('inspection_reports_origin_idx').on(t.origin, t.id),
    index('inspection_reports_supervisor_idx').on(t.supervisorId, t.id),
    index('inspection_reports_round_idx').on(t.roundId, t.id),
    check('inspection_reports_origin_task_check', sql`(${t.origin} = 'task') = (${t.taskId} is not null)`),
  ],
);

export const findingSeverity = pgEnum('finding_severity', ['minor', 'major', 'serious']);
export const findingStatus = pgEnum('finding_status', ['pending', 'accepted', 'dismissed']);
/** What a feedback item (反馈暗访信息) is about: the five rated aspects, or something else. */
export const findingCategory = pgEnum('finding_category', ['attitude', 'efficiency', 'quality', 'environment', 'discipline', 'other']);

/**
 * 反馈暗访信息 (one 条次): one item of feedback of a report, a problem the supervisor found or an observation;
 * accepted on review, it opens a 问题 (problemId). `taskId` is null on a walk-in's items.
 */
export const inspectionFindings = pgTable(
  'inspection_findings',
  {
    id: id(),
    taskId: uuid('task_id').references(() => inspectionTasks.id),
    reportId: uuid('report_id')
      .notNull()
      .references(() => inspectionReports.id),
    unitId: uuid('unit_id')
      .notNull()
      .references(() => units.id),
    position: integer('position').notNull(),
    category: findingCategory('category').notNull().default('other'),
    description: text('description').notNull(),
    severity: findingSeverity('severity').notNull(),
    evidence: jsonb('evidence').$type<string[]>().notNull().default([]),
    status: findingStatus('status').notNull().default('pending'),
    reviewNote: text('review_note'),
    /** The problem opened from this finding (owned by the problems module). */
    problemId: uuid('problem_id'),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true, mode: 'date' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('inspection_findings_report_idx').on(t.reportId, t.position),
    index('inspection_findings_task_idx').on(t.taskId),
    index('inspection_findings_unit_status_idx').on(t.unitId, t.status, t.id),
    index('inspection_findings_status_severity_idx').on(t.status, t.severity, t.id),
  ],
);
