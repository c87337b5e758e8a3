import type { Db } from '../../db/client.js';
import { forbidden } from '../../lib/errors.js';
import { decodeCursor, toPage } from '../../lib/http.js';
import type { Page } from '../../lib/http.js';
import type { RequestContext, Role } from '../../lib/principal.js';
import type { UnitsService } from '../units/service.js';
import { toFeedbackDto } from './mappers.js';
import { reportsRepository } from './repository.js';
import { ratingKeys, severities } from './schemas.js';
import type { FeedbackDto, Ratings, Severity } from './schemas.js';

/** Who may read the redacted feedback: the office and assessors for every unit, a department its units, a unit its own. */
export const FEEDBACK_READERS: Role[] = ['admin', 'inspector', 'department', 'unit'];

export interface UnitInspectionSummary {
  unitId: string;
  /** Reviewed reports in the cycle. */
  reports: number;
  /** Mean of each rating over those reports (null without reports); `overall` is the mean of the five means. */
  ratings: (Ratings & { overall: number }) | null;
  /** Accepted findings by severity. */
  findings: Record<Severity, number>;
}

export function createFeedbackService({ db, units }: { db: Db; units: UnitsService }) {
  return {
    /**
     * 暗访反馈 as a unit or its department sees it: only reported or reviewed visits, and never who made them
     * (the DTO is built from the report alone). A unit outside the caller's scope is a 404.
     */
    async forUnit(ctx: RequestContext, unitId: string, page: { limit: number; cursor?: string }): Promise<Page<FeedbackDto>> {
      if (!FEEDBACK_READERS.includes(ctx.principal.role)) throw forbidden();
      await units.get(ctx, unitId);
      const rows = await reportsRepository.feedbackForUnit(db, unitId, { afterId: decodeCursor(page.cursor), limit: page.limit + 1 });
      const p = toPage(rows, page.limit, (r) => r.report.id);
      const findings = await reportsRepository.findingsByReportIds(
        db,
        p.items.map((r) => r.report.id),
      );
      return {
        items: p.items.map((r) =>
          toFeedbackDto(
            r.report,
            r.cycleId,
            r.taskStatus === 'reviewed',
            findings.filter((f) => f.reportId === r.report.id),
          ),
        ),
        nextCursor: p.nextCursor,
      };
    },

    /** For rankings: per unit, the reviewed reports of a cycle (rating means, accepted findings by severity), in unitIds order. */
    async reviewedReportsForUnits(cycleId: string, unitIds: readonly string[]): Promise<UnitInspectionSummary[]> {
      if (unitIds.length === 0) return [];
      const [means, counts] = await Promise.all([reportsRepository.reviewedRatingMeans(db, cycleId, unitIds), reportsRepository.acceptedFindingCounts(db, cycleId, unitIds)]);
      const meanBy = new Map(means.map((m) => [m.unitId, m]));
      return unitIds.map((unitId) => {
        const m = meanBy.get(unitId);
        const findings = Object.fromEntries(severities.map((s) => [s, 0])) as Record<Severity, number>;
        for (const c of counts) if (c.unitId === unitId) findings[c.severity] = Number(c.n);
        if (!m) return { unitId, reports: 0, ratings: null, findings };
        const r = Object.fromEntries(ratingKeys.map((k) => [k, Number(m[k])])) as Ratings;
        const overall = ratingKeys.reduce((sum, k) => sum + r[k], 0) / ratingKeys.length;
        return { unitId, reports: Number(m.reports), ratings: { ...r, overall }, findings };
      });
    },
  };
}

export type FeedbackService = ReturnType<typeof createFeedbackService>;
