import type { Readable } from 'node:stream';
import type { Database } from '../../db/client.js';
import { createImportRunner, importJobReads } from '../../lib/bulk-import.js';
import type { ImportCounters, ImportKind } from '../../lib/bulk-import.js';
import { toIso, toIsoOrNull } from '../../lib/http.js';
import { uuidv7 } from '../../lib/ids.js';
import { systemContext } from '../../lib/principal.js';
import type { RequestContext } from '../../lib/principal.js';
import type { CalendarService } from '../calendar/service.js';
import type { AuditService } from '../audit/service.js';
import { isInFuture } from '../../lib/time.js';
import { ratingImportHeader } from './import-rows.js';
import { importRepository, openStage } from './import.repository.js';
import type { RatingImportRow, StagedRating } from './import.repository.js';
import { importColumns, importRow } from './import.schemas.js';
import type { ImportOptions, ImportRow, RatingImportDto } from './import.schemas.js';
import { loopDeadlines, needsFollowUp } from './rules.js';
import type { RespondentHasher } from './rules.js';

export { IMPORT_BATCH_ROWS } from '../../lib/bulk-import.js';

type RatingImportCounters = ImportCounters & { followUpsOpened: number };

export function toImportDto(r: RatingImportRow): RatingImportDto {
  return {
    id: r.id,
    status: r.status,
    format: r.format,
    source: r.source,
    policy: r.policy,
    rowsRead: r.rowsRead,
    accepted: r.accepted,
    duplicates: r.duplicates,
    rejected: r.rejected,
    followUpsOpened: r.followUpsOpened,
    failureReason: r.failureReason,
    startedAt: toIso(r.startedAt),
    finishedAt: toIsoOrNull(r.finishedAt),
    createdBy: r.createdBy,
  };
}

/**
 * Bulk rating import (问卷/万人评机关 campaigns), run by the shared bulk import runner (lib/bulk-import.ts): streamed,
 * validated row by row, staged with COPY in batches; progress is committed per batch, so GET /rating-imports/:id shows
 * it while the upload runs.
 */
export function createRatingImportsService({
  database,
  audit,
  hashRespondent,
  followUpWorkingDays,
  verificationWorkingDays,
  lease,
  calendar,
}: {
  database: Database;
  audit: AuditService;
  hashRespondent: RespondentHasher;
  /** FOLLOW_UP_WORKING_DAYS */
  followUpWorkingDays: number;
  /** VERIFICATION_WORKING_DAYS */
  verificationWorkingDays: number;
  /** RATING_IMPORT_LEASE_MS and RATING_IMPORT_HEARTBEAT_MS */
  lease: { leaseMs: number; heartbeatMs: number };
  /** One 回访 deadline per import, on the national holiday calendar. */
  calendar: Pick<CalendarService, 'addWorkingDays'>;
}) {
  const runner = createImportRunner<RatingImportRow, RatingImportCounters, RatingImportDto>({ database, audit, jobs: importRepository, toDto: toImportDto, lease });

  const reads = importJobReads({ database, jobs: importRepository, toDto: toImportDto, label: 'rating import' });


  const toStaged = (row: ImportRow): StagedRating => {
    const comment = row.comment ? row.comment : null;
    return {
      id: uuidv7(),
      unitId: row.unitId,
      cycleId: row.cycleId ?? null,
      channel: row.channel,
      level: row.level,
      comment,
      collectedAt: row.collectedAt,
      externalId: row.externalId,
      respondentHash: row.respondentKey ? hashRespondent(row.respondentKey) : null,
      followUpId: needsFollowUp(row.level) ? uuidv7() : null,
    };
  };

  function run(ctx: RequestContext, opts: ImportOptions, input: Readable): Promise<RatingImportDto> {
    // 差评核实: every imported bad rating opens the loop, set-based in the merge statement, with the same deadlines as one by one.
    const { verifyBy, deadline: followUpDeadline } = loopDeadlines(calendar, new Date(), verificationWorkingDays, followUpWorkingDays);
    const mergeJob = { source: opts.source, submittedBy: ctx.principal.subject, verifyBy, followUpDeadline };
    const kind: ImportKind<ImportRow, StagedRating, RatingImportCounters> = {
      entity: 'rating_import',
      header: ratingImportHeader,
      columns: importColumns,
      // The respondent key is never stored in clear, not even in the error report.
      secret: ['respondentKey'],
      rowSchema: importRow,
      checkRow: (row) => (isInFuture(Date.parse(row.collectedAt)) ? { field: 'collectedAt', message: 'lies in the future' } : null),
      extraCounters: { followUpsOpened: 0 },
      async openStage(database) {
        const stage = await openStage(database);
        return {
          ...stage,
          async merge(tx, importId) {
            const r = await stage.merge(tx, { ...mergeJob, importId });
            return { inserted: r.inserted, extra: { followUpsOpened: r.followUps } };
          },
        };
      },
      async prepareBatch(tx, batch, reject) {
        const units = await importRepository.activeUnitIds(tx, [...new Set(batch.map((p) => p.row.unitId))]);
        const cycles = await importRepository.existingCycleIds(tx, [...new Set(batch.flatMap((p) => (p.row.cycleId ? [p.row.cycleId] : [])))]);
        const staged: StagedRating[] = [];
        for (const p of batch) {
          if (!units.has(p.row.unitId)) reject(p, 'unitId', `unit ${p.row.unitId} does not exist or is deactivated`);
          else if (p.row.cycleId && !cycles.has(p.row.cycleId)) reject(p, 'cycleId', `cycle ${p.row.cycleId} does not exist`);
          else staged.push(toStaged(p.row));
        }
        return staged;
      },
    };
    return runner.run(ctx, kind, opts, input);
  }

  return {
    run,
    failOrphaned: (now?: Date) => runner.failOrphaned(systemContext('rating-import-lease-sweep'), 'rating_import', now),
    ...reads,
  };
}

export type RatingImportsService = ReturnType<typeof createRatingImportsService>;
