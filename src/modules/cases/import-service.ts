import type { Readable } from 'node:stream';
import type { Database } from '../../db/client.js';
import { createImportRunner, importJobReads } from '../../lib/bulk-import.js';
import type { ImportCounters, ImportKind } from '../../lib/bulk-import.js';
import { importJobDto } from '../../lib/import-routes.js';
import { uuidv7 } from '../../lib/ids.js';
import { systemContext } from '../../lib/principal.js';
import type { RequestContext } from '../../lib/principal.js';
import { isInFuture } from '../../lib/time.js';
import type { AuditService } from '../audit/service.js';
import { serviceItemQueries } from '../service-items/queries.js';
import { unitQueries } from '../units/queries.js';
import { caseImportRepository, openCaseStage } from './import.repository.js';
import type { CaseImportRow, StagedCase } from './import.repository.js';
import { caseImportColumns, caseImportRow, requiredCaseImportColumns } from './import.schemas.js';
import type { CaseImportDto, CaseImportOptions, CaseImportRowInput } from './import.schemas.js';
import { caseDeadline, completionFacts, historyProblem } from './rules.js';
import type { CalendarService } from '../calendar/service.js';
import type { StaffHasher } from './service.js';

export function toCaseImportDto(r: CaseImportRow): CaseImportDto {
  return importJobDto(r);
}

const header = { required: requiredCaseImportColumns, optional: caseImportColumns.filter((c) => !(requiredCaseImportColumns as readonly string[]).includes(c)) };

/**
 * Bulk case import (办件 from a 政务服务 platform), run by the bulk import runner the rating imports use: streamed,
 * validated row by row with the case rules (rules.ts), staged with COPY in batches, merged idempotently by
 * (source, caseNumber). One audit entry per committed batch and per job, as for ratings.
 */
export function createCaseImportsService({
  database,
  audit,
  hashStaff,
  lease,
  calendar,
}: {
  database: Database;
  audit: AuditService;
  hashStaff: StaffHasher;
  /** 承诺时限 is counted on the holiday calendar (national schedule). */
  calendar: Pick<CalendarService, 'addWorkingDays'>;
  /** RATING_IMPORT_LEASE_MS and RATING_IMPORT_HEARTBEAT_MS: one lease setting for every bulk import */
  lease: { leaseMs: number; heartbeatMs: number };
}) {
  const runner = createImportRunner<CaseImportRow, ImportCounters, CaseImportDto>({ database, audit, jobs: caseImportRepository, toDto: toCaseImportDto, lease });

  const reads = importJobReads({ database, jobs: caseImportRepository, toDto: toCaseImportDto, label: 'case import' });


  const dates = (row: CaseImportRowInput) => ({
    receivedAt: new Date(row.receivedAt),
    acceptedAt: row.acceptedAt ? new Date(row.acceptedAt) : undefined,
    closedAt: row.closedAt ? new Date(row.closedAt) : undefined,
  });

  function run(ctx: RequestContext, opts: CaseImportOptions, input: Readable): Promise<CaseImportDto> {
    const kind: ImportKind<CaseImportRowInput, StagedCase, ImportCounters> = {
      entity: 'case_import',
      header,
      columns: caseImportColumns,
      // The staff code is kept only as an HMAC, and never in the error report.
      secret: ['firstResponder'],
      rowSchema: caseImportRow,
      checkRow(row) {
        const d = dates(row);
        for (const [field, at] of Object.entries(d)) if (at && isInFuture(at)) return { field, code: 'in_future', message: 'lies in the future' };
        const history = historyProblem({ ...d, state: row.state, reason: row.reason });
        return history && { ...history, code: 'invalid_history' };
      },
      extraCounters: {},
      openStage: (database) => openCaseStage(database, { source: opts.source, createdBy: ctx.principal.subject }),
      async prepareBatch(tx, batch, reject) {
        const units = new Map((await unitQueries.byIds(tx, [...new Set(batch.map((p) => p.row.unitId))])).map((u) => [u.id, u]));
        const items = new Map((await serviceItemQueries.byIds(tx, [...new Set(batch.map((p) => p.row.itemId))])).map((i) => [i.id, i]));
        const offered = await serviceItemQueries.offeredPairs(tx, [...units.keys()], [...items.keys()]);
        const staged: StagedCase[] = [];
        for (const p of batch) {
          const { row } = p;
          const unit = units.get(row.unitId);
          const item = items.get(row.itemId);
          if (!unit?.active) reject(p, 'unitId', 'unknown_unit', `unit ${row.unitId} does not exist or is deactivated`);
          else if (!item || item.status !== 'active') reject(p, 'itemId', 'unknown_service_item', `service item ${row.itemId} does not exist or is retired`);
          else if (!offered.has(`${unit.id}:${item.id}`)) reject(p, 'itemId', 'item_not_offered', `unit ${unit.id} does not offer service item ${item.id}`);
          else {
            const d = dates(row);
            const deadline = caseDeadline(calendar, d.acceptedAt ?? d.receivedAt, item.promisedDays);
            const facts = row.state === 'completed' ? completionFacts({ receivedAt: d.receivedAt, deadline }, d.closedAt!) : { onTime: null, oneWeek: null };
            staged.push({
              id: uuidv7(),
              caseNumber: row.caseNumber,
              itemId: item.id,
              unitId: unit.id,
              state: row.state,
              receivedAt: d.receivedAt.toISOString(),
              acceptedAt: d.acceptedAt?.toISOString() ?? null,
              closedAt: d.closedAt?.toISOString() ?? null,
              reason: row.reason ?? null,
              promisedDays: item.promisedDays,
              deadline: deadline.toISOString(),
              ...facts,
              firstResponderHash: row.firstResponder ? hashStaff(row.firstResponder) : null,
            });
          }
        }
        return staged;
      },
    };
    return runner.run(ctx, kind, opts, input);
  }

  return {
    run,
    /** Fails case imports orphaned by a stopped process (see lib/bulk-import.ts). */
    failOrphaned: (now?: Date) => runner.failOrphaned(systemContext('case-import-lease-sweep'), 'case_import', now),
    ...reads,
  };
}

export type CaseImportsService = ReturnType<typeof createCaseImportsService>;
