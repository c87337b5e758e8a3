import type { Db } from '../../db/client.js';
import { conflict, invalidMany } from '../../lib/errors.js';
import type { FieldError } from '../../lib/errors.js';
import type { RequestContext } from '../../lib/principal.js';
import { reportsRepository } from './repository.js';
import type { ReportRow } from './repository.js';
import type { ReportDto, ReportInput, ReviewInput } from './schemas.js';
import type { ProblemOpener } from './tasks.js';

/** A report and its feedback items (反馈暗访信息), of a task or a walk-in, in the caller's transaction. */
export async function insertReport(
  tx: Db,
  head: Pick<ReportRow, 'origin' | 'taskId' | 'supervisorId' | 'roundId' | 'unitId' | 'visitedAt'>,
  input: Pick<ReportInput, 'ratings' | 'summary' | 'findings'>,
): Promise<ReportRow> {
  const report = await reportsRepository.insert(tx, { ...head, ...input.ratings, summary: input.summary ?? null });
  await reportsRepository.insertFindings(
    tx,
    input.findings.map((f, i) => ({
      taskId: head.taskId,
      reportId: report.id,
      unitId: head.unitId,
      position: i,
      category: f.category,
      description: f.description,
      severity: f.severity,
      evidence: f.evidenceLinks,
    })),
  );
  return report;
}

/**
 * The office's review of a report: a decision for every feedback item; each accepted one opens a problem (问题)
 * in the caller's transaction, so a review never half-happens. Task reports and walk-ins share this rule.
 */
export async function decideFindings(
  tx: Db,
  ctx: RequestContext,
  r: { report: ReportDto; unitId: string; cycleId: string | null; decisions: ReviewInput['decisions']; now: Date; problems: () => ProblemOpener | undefined },
): Promise<void> {
  const byId = new Map(r.report.findings.map((f) => [f.id, f]));
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  r.decisions.forEach((d, i) => {
    if (!byId.has(d.findingId)) errors.push({ field: `decisions.${i}.findingId`, message: `finding ${d.findingId} is not part of this report` });
    else if (seen.has(d.findingId)) errors.push({ field: `decisions.${i}.findingId`, message: `finding ${d.findingId} is decided twice` });
    seen.add(d.findingId);
  });
  const missing = r.report.findings.filter((f) => !seen.has(f.id)).map((f) => f.id);
  if (missing.length) errors.push({ field: 'decisions', message: `a decision is required for every finding; missing: ${missing.join(', ')}` });
  if (errors.length) throw invalidMany(errors);

  const opener = r.problems();
  if (r.decisions.some((d) => d.accepted) && !opener) throw conflict('problems_unavailable', 'the problems module is not available to open problems from findings');
  for (const d of r.decisions) {
    await reportsRepository.reviewFinding(tx, d.findingId, { status: d.accepted ? 'accepted' : 'dismissed', reviewNote: d.note ?? null, reviewedAt: r.now });
    if (!d.accepted) continue;
    const f = byId.get(d.findingId)!;
    const problem = await opener!.openFromSource(
      ctx,
      { unitId: r.unitId, cycleId: r.cycleId, sourceType: 'inspection_finding', sourceId: f.id, severity: f.severity, description: f.description },
      { tx },
    );
    await reportsRepository.setProblem(tx, f.id, problem.id);
  }
  await reportsRepository.markReviewed(tx, r.report.id, r.now);
}
