import type { Db } from '../../db/client.js';
import { forbidden } from '../../lib/errors.js';
import { paginate } from '../../lib/http.js';
import type { Page } from '../../lib/http.js';
import type { RequestContext, Role } from '../../lib/principal.js';
import type { UnitsService } from '../units/service.js';
import { toFeedbackDto } from './mappers.js';
import { reportsRepository } from './repository.js';
import type { FeedbackDto } from './schemas.js';

/** Who may read the redacted feedback: the office and assessors for every unit, a department its units, a unit its own. */
export const FEEDBACK_READERS: Role[] = ['admin', 'inspector', 'department', 'unit'];

export function createFeedbackService({ db, units }: { db: Db; units: UnitsService }) {
  return {
    /**
     * 暗访反馈 as a unit or its department sees it: only reported or reviewed visits, and never who made them
     * (the DTO is built from the report alone). A unit outside the caller's scope is a 404.
     */
    async forUnit(ctx: RequestContext, unitId: string, page: { limit: number; cursor?: string }): Promise<Page<FeedbackDto>> {
      if (!FEEDBACK_READERS.includes(ctx.principal.role)) throw forbidden();
      await units.get(ctx, unitId);
      const p = await paginate(page, ({ after, limit }) => reportsRepository.feedbackForUnit(db, unitId, { afterId: after, limit }), { key: (r) => r.report.id });
      const findings = await reportsRepository.findingsByReportIds(
        db,
        p.items.map((r) => r.report.id),
      );
      return {
        items: p.items.map((r) =>
          toFeedbackDto(
            r.report,
            r.cycleId,
            r.report.reviewedAt !== null,
            findings.filter((f) => f.reportId === r.report.id),
          ),
        ),
        nextCursor: p.nextCursor,
      };
    },

  };
}

export type FeedbackService = ReturnType<typeof createFeedbackService>;
