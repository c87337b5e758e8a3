import type { Db } from '../../db/client.js';
import { uuidv7 } from '../../lib/ids.js';
import type { RequestContext } from '../../lib/principal.js';
import type { AuditService } from '../audit/service.js';
import { defaultRatingsRepository } from './defaults.repository.js';
import type { RatingIntegrityService } from './integrity.js';
import type { RatingChannel } from './tables.js';

/** The source and submitter of a default rating: the system, not a rater or an integration. */
export const DEFAULT_RATING_SOURCE = 'system:default-rating';
const DAY_MS = 86_400_000;
const BATCH = 500;

export interface DefaultRatingRun {
  /** Default ratings given by this run. */
  given: number;
  /** Cases completed before this instant and still unrated were due, unless their cycle sets its own days. */
  completedBefore: string;
  /** The env defaults, for cases whose cycle does not set its own. */
  days: number;
  level: number;
  channel: RatingChannel;
  batches: number;
}

/**
 * 默认评价 (好差评, 国办发〔2019〕51号): a completed case its applicant has not rated within DEFAULT_RATING_DAYS calendar
 * days of completion is deemed rated at DEFAULT_RATING_LEVEL (默认好评), flagged `default`. Calendar days: the
 * rating period is the applicant's time, like 一周办结, not the office's working days. The rating is attributed to
 * the cycle whose window holds the case's completion (collectedAt = closedAt), like the case's on-time figures, and
 * that cycle's `settings.defaultRating` (ratings/schemas.ts) sets its days, level and channel; what the cycle
 * leaves out, or a case of no cycle, takes the env values.
 * Idempotent and bulk: a batch of due cases is read, then inserted with their audit entries in one statement; a case
 * with any rating (a default included) is never given another. A real rating that arrives later replaces the default
 * (ratings/service.ts): the scheme lets the applicant still rate.
 */
export function createDefaultRatingsService({
  db,
  audit,
  days,
  level,
  channel,
  batchSize = BATCH,
  integrity,
}: {
  db: Db;
  audit: Pick<AuditService, 'prepare'>;
  /** DEFAULT_RATING_DAYS */
  days: number;
  /** DEFAULT_RATING_LEVEL (3–5: a default is never a bad rating, so it opens no 差评核实 loop) */
  level: number;
  /** DEFAULT_RATING_CHANNEL */
  channel: RatingChannel;
  batchSize?: number;
  /** 评价防刷 soon after intake: the cycles given default ratings are scanned next (integrity.ts). */
  integrity: Pick<RatingIntegrityService, 'markDirty'>;
}) {
  return {
    async run(ctx: RequestContext, now = new Date()): Promise<DefaultRatingRun> {
      const before = new Date(now.getTime() - days * DAY_MS);
      const fallback = { days, level, channel };
      let given = 0;
      let batches = 0;
      for (;;) {
        const due = await defaultRatingsRepository.dueCases(db, now, fallback, batchSize);
        if (!due.length) break;
        const [entry] = audit.prepare(ctx, { action: 'rating.defaulted', entityType: 'rating', entityId: 'per-row' }, { digest: false });
        const inserted = await defaultRatingsRepository.insertAudited(
          db,
          due.map((d) => ({ ...d, id: uuidv7() })),
          { receivedAt: now, source: DEFAULT_RATING_SOURCE, submittedBy: ctx.principal.subject },
          entry,
        );
        integrity.markDirty(new Set(inserted.map((r) => r.cycleId)));
        given += inserted.length;
        batches++;
        // A short batch was the last; an empty insert means another run took these cases first.
        if (due.length < batchSize || inserted.length === 0) break;
      }
      return { given, completedBefore: before.toISOString(), days, level, channel, batches };
    },
  };
}

export type DefaultRatingsService = ReturnType<typeof createDefaultRatingsService>;
