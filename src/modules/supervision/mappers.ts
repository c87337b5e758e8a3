import { toIso, toIsoOrNull } from '../../lib/http.js';
import type { FindingRow, ReportRow, RoundRow, SupervisorRow, TaskRow } from './repository.js';
import { findingCategoryLabels, findingStatusLabels, reportOriginLabels, roundKindLabels, roundStatusLabels, severityLabels, taskStatusLabels } from './schemas.js';
import type { FeedbackDto, FindingDto, ReportDto, RoundDto, SupervisorDto, TaskDto } from './schemas.js';

export function toSupervisorDto(r: SupervisorRow, withContact: boolean): SupervisorDto {
  return {
    id: r.id,
    name: r.name,
    affiliation: r.affiliation,
    sector: r.sector,
    departmentId: r.departmentId,
    contact: withContact ? { phone: r.phone, email: r.email } : null,
    termStart: r.termStart,
    termEnd: r.termEnd,
    active: r.active,
    version: r.version,
    createdAt: toIso(r.createdAt),
    updatedAt: toIso(r.updatedAt),
  };
}

export function toRoundDto(r: RoundRow): RoundDto {
  return {
    id: r.id,
    name: r.name,
    cycleId: r.cycleId,
    kind: r.kind,
    kindLabel: roundKindLabels[r.kind],
    filter: r.kind === 'sweep' ? (r.filter ?? {}) : null,
    unitIds: r.kind === 'targeted' ? (r.unitIds ?? []) : null,
    window: { startsAt: toIso(r.startsAt), endsAt: toIso(r.endsAt) },
    focus: r.focus,
    instructions: r.instructions,
    seed: r.seed,
    tasksPerUnit: r.tasksPerUnit,
    status: r.status,
    statusLabel: roundStatusLabels[r.status],
    generatedAt: toIsoOrNull(r.generatedAt),
    closedAt: toIsoOrNull(r.closedAt),
    version: r.version,
    createdAt: toIso(r.createdAt),
    updatedAt: toIso(r.updatedAt),
  };
}

export function toFindingDto(f: FindingRow): FindingDto {
  return {
    id: f.id,
    taskId: f.taskId,
    reportId: f.reportId,
    unitId: f.unitId,
    category: f.category,
    categoryLabel: findingCategoryLabels[f.category],
    description: f.description,
    severity: f.severity,
    severityLabel: severityLabels[f.severity],
    evidenceLinks: f.evidence,
    status: f.status,
    statusLabel: findingStatusLabels[f.status],
    reviewNote: f.reviewNote,
    problemId: f.problemId,
    enrollmentId: f.enrollmentId,
    reviewedAt: toIsoOrNull(f.reviewedAt),
  };
}

const ratingsOf = (r: ReportRow) => ({
  attitude: r.attitude,
  efficiency: r.efficiency,
  quality: r.quality,
  environment: r.environment,
  discipline: r.discipline,
});

export function toReportDto(r: ReportRow, findings: FindingRow[]): ReportDto {
  return {
    id: r.id,
    origin: r.origin,
    originLabel: reportOriginLabels[r.origin],
    taskId: r.taskId,
    roundId: r.roundId,
    supervisorId: r.supervisorId,
    unitId: r.unitId,
    visitedAt: toIso(r.visitedAt),
    ratings: ratingsOf(r),
    summary: r.summary,
    findings: findings.map(toFindingDto),
    reviewedAt: toIsoOrNull(r.reviewedAt),
    createdAt: toIso(r.createdAt),
  };
}

export function toTaskDto(t: TaskRow, report: ReportDto | null): TaskDto {
  return {
    id: t.id,
    roundId: t.roundId,
    supervisorId: t.supervisorId,
    unitId: t.unitId,
    window: { startsAt: toIso(t.startsAt), endsAt: toIso(t.endsAt) },
    focus: t.focus,
    instructions: t.instructions,
    status: t.status,
    statusLabel: taskStatusLabels[t.status],
    statusReason: t.statusReason,
    acceptedAt: toIsoOrNull(t.acceptedAt),
    reportedAt: toIsoOrNull(t.reportedAt),
    reviewedAt: toIsoOrNull(t.reviewedAt),
    closedAt: toIsoOrNull(t.closedAt),
    report,
    version: t.version,
    createdAt: toIso(t.createdAt),
    updatedAt: toIso(t.updatedAt),
  };
}

/**
 * The unit's view of a report. Built field by field from the report alone (never from the task), so no
 * supervisor id, name or affiliation can slip in when the task or report grows new columns.
 */
export function toFeedbackDto(r: ReportRow, cycleId: string | null, reviewed: boolean, findings: FindingRow[]): FeedbackDto {
  return {
    id: r.id,
    unitId: r.unitId,
    cycleId,
    visitedAt: toIso(r.visitedAt),
    ratings: ratingsOf(r),
    summary: r.summary,
    reviewed,
    findings: findings.map((f) => ({
      id: f.id,
      category: f.category,
      categoryLabel: findingCategoryLabels[f.category],
      description: f.description,
      severity: f.severity,
      severityLabel: severityLabels[f.severity],
      evidenceLinks: f.evidence,
      status: f.status,
      statusLabel: findingStatusLabels[f.status],
      problemId: f.problemId,
    })),
  };
}
