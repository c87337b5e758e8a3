import type { Readable } from 'node:stream';
import type { Database } from '../../db/client.js';
import { createImportRunner, importJobReads } from '../../lib/bulk-import.js';
import type { ImportCounters, ImportKind } from '../../lib/bulk-import.js';
import { importJobDto } from '../../lib/import-routes.js';
import { uuidv7 } from '../../lib/ids.js';
import { systemContext } from '../../lib/principal.js';
import type { RowErrorCode } from '../../lib/row-errors.js';
import type { RequestContext } from '../../lib/principal.js';
import type { CalendarService } from '../calendar/service.js';
import type { AuditService } from '../audit/service.js';
import { isInFuture } from '../../lib/time.js';
import { ratingImportHeader } from './import-rows.js';
import type { RatingIntegrityService } from './integrity.js';
import { importRepository, openStage } from './import.repository.js';
import type { RatingImportRow, StagedRating } from './import.repository.js';
import { importColumns, importRow } from './import.schemas.js';
import type { ImportOptions, ImportRow, RatingImportDto } from './import.schemas.js';
import { caseRatingIssue, loopDeadlines, needsFollowUp } from './rules.js';
import { checkSubject } from './subjects.js';
import type { ResolvedSubject } from './subjects.js';
import type { CaseFact } from './import.repository.js';
import type { RespondentHasher } from './rules.js';

export { IMPORT_BATCH_ROWS } from '../../lib/bulk-import.js';

/** A file's flat columns, as the subject rule (subjects.ts) names them in a row's error. */
const IMPORT_SUBJECT_FIELDS = { unitId: 'unitId', departmentId: 'departmentId', caseId: 'caseId', staffCode: 'staffCode' };
/** The subject of an import row by the single rating's rule: subjectKind and departmentId as columns. */
const subjectOf = (row: ImportRow) =>
  checkSubject(
    { unitId: row.unitId, subject: row.subjectKind || row.departmentId ? { kind: row.subjectKind ?? 'unit', departmentId: row.departmentId } : undefined, caseId: row.caseId },
    IMPORT_SUBJECT_FIELDS,
  );

type RatingImportCounters = ImportCounters & { followUpsOpened: number };

export function toImportDto(r: RatingImportRow): RatingImportDto {
  return { ...importJobDto(r), followUpsOpened: r.followUpsOpened };
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
  integrity,
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
  /** 评价防刷 soon after intake: the cycles an import's ratings went to are scanned next (integrity.ts). */
  integrity: Pick<RatingIntegrityService, 'markDirty'>;
}) {
  const runner = createImportRunner<RatingImportRow, RatingImportCounters, RatingImportDto>({ database, audit, jobs: importRepository, toDto: toImportDto, lease });

  const reads = importJobReads({ database, jobs: importRepository, toDto: toImportDto, label: 'rating import' });


  const toStaged = (rowNumber: number, row: ImportRow, subject: ResolvedSubject): StagedRating => {
    const comment = row.comment ? row.comment : null;
    return {
      rowNumber,
      id: uuidv7(),
      unitId: subject.unitId,
      subjectKind: subject.kind,
      departmentId: subject.departmentId,
      caseId: row.caseId ?? null,
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
    // 一事一评 across the whole file: a case rated by an earlier row (staged, maybe not merged yet) is not rated again.
    const seenCases = new Set<string>();
    /** The cycles this import's ratings went to (marked dirty for the integrity scan once it ends). */
    const touched = new Set<string>();
    /** The single rating's case rule (rules.ts caseRatingIssue) on the batch's case facts; a re-imported row is a duplicate, not a second rating. */
    const caseIssue = (row: ImportRow, unitId: string, facts: Map<string, CaseFact>): { code: RowErrorCode; message: string } | null => {
      const caseId = row.caseId!;
      if (seenCases.has(caseId)) return { code: 'duplicate_in_file', message: `case ${caseId} is already rated by an earlier row of this file (一事一评)` };
      const f = facts.get(caseId);
      if (f?.rating && f.rating.source === opts.source && f.rating.externalId === row.externalId) return null;
      const issue = caseRatingIssue(caseId, unitId, f, f?.rating);
      return issue && { code: issue.code === 'case_unknown' ? 'unknown_case' : issue.code, message: issue.message };
    };
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
      checkRow: (row) => {
        if (isInFuture(Date.parse(row.collectedAt))) return { field: 'collectedAt', code: 'in_future', message: 'lies in the future' };
        const s = subjectOf(row);
        return 'field' in s ? s : null;
      },
      extraCounters: { followUpsOpened: 0 },
      // A batch claims its (source, externalId) and its cases (一事一评): two batches claiming none of each other's are
      // written at once (lib/bulk-import.ts), everything else they read (units, cycles, departments) they only read.
      claimedKeys: (r) => (r.caseId ? [`e:${r.externalId}`, `c:${r.caseId}`] : [`e:${r.externalId}`]),
      async openStage(database) {
        const stage = await openStage(database);
        /** Whether a row staged on this session since its last merge names a case. */
        let casesStaged = false;
        return {
          ...stage,
          async append(db, rows) {
            if (rows.some((r) => r.caseId)) casesStaged = true;
            await stage.append(db, rows);
          },
          async merge(tx, importId) {
            const r = await stage.merge(tx, { ...mergeJob, importId, withCases: casesStaged });
            // all_or_nothing merges once, over every batch staged; partial merges each batch right after it is staged.
            casesStaged = false;
            // Marked before the batch commits (a scan then sees it soon after) and again once the import ends (integrity.ts).
            for (const id of r.cycleIds) touched.add(id);
            integrity.markDirty(r.cycleIds);
            // 默认评价 replaced by an imported rating of their case: removed in the merge's transaction, each audited.
            if (r.replacedDefaults.length) {
              await audit.record(tx, ctx, r.replacedDefaults.map((d) => ({ action: 'rating.default_replaced', entityType: 'rating', entityId: d.id, before: { ...d, default: true } })));
            }
            return { inserted: r.inserted, extra: { followUpsOpened: r.followUps }, rejected: r.rejected };
          },
        };
      },
      async prepareBatch(tx, batch, reject) {
        const ids = <T>(f: (r: ImportRow) => T | undefined) => [...new Set(batch.flatMap((p) => { const v = f(p.row); return v === undefined ? [] : [v]; }))];
        const units = await importRepository.activeUnitIds(tx, ids((r) => r.unitId));
        const cycles = await importRepository.existingCycleIds(tx, ids((r) => r.cycleId));
        const departments = await importRepository.activeDepartmentIds(tx, ids((r) => r.departmentId));
        // 一事一评, set-based: one read of the batch's cases and their ratings (import.repository.ts caseFacts).
        const cases = await importRepository.caseFacts(tx, ids((r) => r.caseId));
        const staged: StagedRating[] = [];
        for (const p of batch) {
          // checkRow let only rows with a valid subject through.
          const subject = (subjectOf(p.row) as { subject: ResolvedSubject }).subject;
          const caseProblem = p.row.caseId ? caseIssue(p.row, subject.unitId!, cases) : null;
          if (subject.unitId && !units.has(subject.unitId)) reject(p, 'unitId', 'unknown_unit', `unit ${subject.unitId} does not exist or is deactivated`);
          else if (subject.departmentId && !departments.has(subject.departmentId)) reject(p, 'departmentId', 'unknown_department', `department ${subject.departmentId} does not exist or is deactivated`);
          else if (p.row.cycleId && !cycles.has(p.row.cycleId)) reject(p, 'cycleId', 'unknown_cycle', `cycle ${p.row.cycleId} does not exist`);
          else if (caseProblem) reject(p, 'caseId', caseProblem.code, caseProblem.message);
          else {
            if (p.row.caseId) seenCases.add(p.row.caseId);
            staged.push(toStaged(p.rowNumber, p.row, subject));
          }
        }
        return staged;
      },
    };
    // Whatever the outcome: a partial import that failed later has committed its earlier batches.
    return runner.run(ctx, kind, opts, input).finally(() => integrity.markDirty(touched));
  }

  return {
    run,
    failOrphaned: (now?: Date) => runner.failOrphaned(systemContext('rating-import-lease-sweep'), 'rating_import', now),
    ...reads,
  };
}

export type RatingImportsService = ReturnType<typeof createRatingImportsService>;
