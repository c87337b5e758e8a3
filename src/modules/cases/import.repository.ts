import { sql } from 'drizzle-orm';
import { importJobStore } from '../../db/import-jobs.js';
import { copyEscape, copyText, openCopyStage } from '../../db/copy-stage.js';
import type { StageLayout } from '../../db/copy-stage.js';
import type { Database, Db } from '../../db/client.js';
import type { ImportCounters, ImportStage } from '../../lib/bulk-import.js';
import { caseImportErrors, caseImports } from './tables.js';

export type CaseImportRow = typeof caseImports.$inferSelect;

/** A validated case on its way into `cases`, with its id, deadline and completion facts computed in the service. */
export interface StagedCase {
  id: string;
  caseNumber: string;
  itemId: string;
  unitId: string;
  state: string;
  receivedAt: string;
  acceptedAt: string | null;
  closedAt: string | null;
  reason: string | null;
  promisedDays: number;
  deadline: string;
  onTime: boolean | null;
  oneWeek: boolean | null;
  firstResponderHash: string | null;
}

const bool = (b: boolean | null) => (b === null ? '\\N' : b ? 't' : 'f');

const STAGE_LAYOUT: StageLayout<StagedCase> = {
  prefix: 'case_import_stage',
  columns: 'id, case_number, item_id, unit_id, state, received_at, accepted_at, closed_at, reason, promised_days, deadline, on_time, one_week, first_responder_hash',
  ddl: `(id uuid not null, case_number text not null, item_id uuid not null, unit_id uuid not null, state text not null, received_at timestamptz not null,
    accepted_at timestamptz, closed_at timestamptz, reason text, promised_days int not null, deadline timestamptz not null, on_time boolean, one_week boolean,
    first_responder_hash text)`,
  copyLine: (r) =>
    `${r.id}\t${copyEscape(r.caseNumber)}\t${r.itemId}\t${r.unitId}\t${r.state}\t${r.receivedAt}\t${r.acceptedAt ?? '\\N'}\t${r.closedAt ?? '\\N'}\t${copyText(r.reason)}\t` +
    `${r.promisedDays}\t${r.deadline}\t${bool(r.onTime)}\t${bool(r.oneWeek)}\t${r.firstResponderHash ?? '\\N'}\n`,
  values: (r) =>
    sql`(${r.id}, ${r.caseNumber}, ${r.itemId}, ${r.unitId}, ${r.state}, ${r.receivedAt}, ${r.acceptedAt}, ${r.closedAt}, ${r.reason}, ${r.promisedDays}, ${r.deadline}, ${r.onTime}, ${r.oneWeek}, ${r.firstResponderHash})`,
};

/**
 * A case import's staging session (db/copy-stage.ts); `merge` moves the staged cases into `cases` with one
 * INSERT … SELECT … ON CONFLICT (source, case_number) DO NOTHING: a re-imported case counts as a duplicate.
 */
export async function openCaseStage(database: Database, job: { source: string; createdBy: string }): Promise<ImportStage<StagedCase, ImportCounters>> {
  const stage = await openCopyStage(database, STAGE_LAYOUT);
  const merge = async (tx: Db, importId: string) => {
    const res = await tx.execute(sql`
      with ins as (
        insert into cases (id, source, case_number, item_id, unit_id, state, received_at, accepted_at, closed_at, reason, promised_days, deadline,
                           on_time, one_week, first_responder_hash, import_id, created_by)
        select s.id, ${job.source}, s.case_number, s.item_id, s.unit_id, s.state::case_state, s.received_at, s.accepted_at, s.closed_at, s.reason,
               s.promised_days, s.deadline, s.on_time, s.one_week, s.first_responder_hash, ${importId}, ${job.createdBy}
        from ${stage.table} s
        on conflict (source, case_number) do nothing
        returning 1
      )
      select count(*)::int as inserted from ins`);
    return { inserted: Number((res as unknown as { rows: { inserted: number }[] }).rows[0].inserted) };
  };
  // The stage's session, append, clear and release, with this kind's merge.
  return { ...stage, merge };
}

/** The case import jobs and their per-row errors (the job store of lib/bulk-import.ts, from db/import-jobs.ts). */
export const caseImportRepository = importJobStore(caseImports, caseImportErrors);
