import { sql } from 'drizzle-orm';
import { importJobStore } from '../../db/import-jobs.js';
import { copyEscape, copyText, openCopyStage } from '../../db/copy-stage.js';
import type { StageLayout } from '../../db/copy-stage.js';
import type { Database, Db } from '../../db/client.js';
import { cycleQueries } from '../cycles/queries.js';
import { participationWindows } from '../enrollments/queries.js';
import { ratingImportErrors, ratingImports } from './tables.js';
import { unitQueries } from '../units/queries.js';
import { departmentQueries } from '../departments/queries.js';
import { caseQueries } from '../cases/queries.js';
import { ratings } from './tables.js';
import { eq, inArray } from 'drizzle-orm';
import { isUniqueViolation } from '../../db/errors.js';
import { mergeClaimingKeys } from '../../lib/bulk-import.js';
import type { MergeRejection } from '../../lib/bulk-import.js';
import { caseAlreadyRatedMessage } from './rules.js';

export type RatingImportRow = typeof ratingImports.$inferSelect;

/** A validated row on its way into `ratings`, with ids made here (UUIDv7) so the merge needs no generator. */
export interface StagedRating {
  /** The row of the file it comes from (for a row error the merge may still raise). */
  rowNumber: number;
  id: string;
  /** Null exactly for a department or leadership rating (then departmentId). */
  unitId: string | null;
  subjectKind: string;
  departmentId: string | null;
  /** 一事一评: the rated case (checked in the batch: import-service.ts). */
  caseId: string | null;
  cycleId: string | null;
  channel: string;
  level: number;
  comment: string | null;
  collectedAt: string;
  externalId: string;
  respondentHash: string | null;
  /** Set when the row opens a 回访 (bad with a comment). */
  followUpId: string | null;
}

const STAGE_COLUMNS = 'row_number, id, unit_id, cycle_id, channel, level, comment, collected_at, external_id, respondent_hash, follow_up_id, subject_kind, department_id, case_id';
const STAGE_DDL = `(row_number int not null, id uuid not null, unit_id uuid, cycle_id uuid, channel text not null, level smallint not null, comment text,
  collected_at timestamptz not null, external_id text not null, respondent_hash text, follow_up_id uuid, subject_kind text not null, department_id uuid, case_id uuid)`;

/** A case of the batch (一事一评): its unit, and its rating if it has one. */
export interface CaseFact {
  unitId: string;
  rating: { isDefault: boolean; source: string; externalId: string | null } | undefined;
}

/** The rating import jobs and their per-row errors (db/import-jobs.ts), and the reference checks of a batch. */
export const importRepository = {
  ...importJobStore(ratingImports, ratingImportErrors),
  /** Of the given unit ids, those that exist and are active (one query per batch). */
  async activeUnitIds(db: Db, ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    return new Set((await unitQueries.byIds(db, ids)).filter((u) => u.active).map((u) => u.id));
  },
  async existingCycleIds(db: Db, ids: string[]): Promise<Set<string>> {
    return cycleQueries.existing(db, ids);
  },
  /** Of the given department ids, those that exist and are active (one query per batch; 万人评机关 / 领导班子 rows). */
  async activeDepartmentIds(db: Db, ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    return new Set((await departmentQueries.byIds(db, ids)).filter((d) => d.active).map((d) => d.id));
  },
  /** The batch's cases with their unit and rating, in one statement (SET-BASED CASE CHECK of the import; uses ratings_case_key). */
  async caseFacts(db: Db, caseIds: string[]): Promise<Map<string, CaseFact>> {
    if (!caseIds.length) return new Map();
    const c = caseQueries.facts(db, 'import_cases');
    const rows = await db
      .select({ caseId: c.id, unitId: c.unitId, ratingId: ratings.id, isDefault: ratings.isDefault, source: ratings.source, externalId: ratings.externalId })
      .from(c)
      .leftJoin(ratings, eq(ratings.caseId, c.id))
      .where(inArray(c.id, caseIds));
    return new Map(rows.map((r) => [r.caseId, { unitId: r.unitId, rating: r.ratingId ? { isDefault: r.isDefault!, source: r.source!, externalId: r.externalId } : undefined }]));
  },
};

export interface MergeJob {
  importId: string;
  source: string;
  submittedBy: string;
  verifyBy: Date;
  followUpDeadline: Date;
  /** Whether a staged row names a case; when none does, the 默认评价 replacement (one more statement per batch) is skipped. */
  withCases: boolean;
}

export interface MergeResult {
  inserted: number;
  followUps: number;
  /** The cycles the inserted ratings were attributed to (for the integrity scan soon after intake). */
  cycleIds: string[];
  /** Staged rows refused after all: their case was rated by another writer since the batch was checked (一事一评). */
  rejected: MergeRejection[];
  /** 默认评价 removed because an imported rating of their case replaces them (the caller audits them). */
  replacedDefaults: { id: string; caseId: string; unitId: string; level: number }[];
}

/**
 * One import's staging area: a temporary table on ONE database session. On PostgreSQL rows arrive with
 * COPY FROM STDIN on a dedicated pooled connection; on PGlite (no COPY) with multi-row INSERTs. `merge`
 * moves the staged rows into `ratings` with one INSERT … SELECT … ON CONFLICT (source, external_id)
 * DO NOTHING (attributing the cycle in the same statement) and opens the follow-ups in the same statement.
 */
export interface StageSession {
  /** Drizzle over the session's connection: transactions here include the staged rows. */
  db: Db;
  append(db: Db, rows: StagedRating[]): Promise<void>;
  merge(db: Db, job: MergeJob): Promise<MergeResult>;
  clear(db: Db): Promise<void>;
  release(): Promise<void>;
}

const STAGE_LAYOUT: StageLayout<StagedRating> = {
  prefix: 'rating_import_stage',
  columns: STAGE_COLUMNS,
  ddl: STAGE_DDL,
  copyLine: (r) =>
    `${r.rowNumber}\t${r.id}\t${r.unitId ?? '\\N'}\t${r.cycleId ?? '\\N'}\t${r.channel}\t${r.level}\t${copyText(r.comment)}\t${r.collectedAt}\t${copyEscape(r.externalId)}\t${r.respondentHash ?? '\\N'}\t${r.followUpId ?? '\\N'}\t${r.subjectKind}\t${r.departmentId ?? '\\N'}\t${r.caseId ?? '\\N'}\n`,
  values: (r) =>
    sql`(${r.rowNumber}, ${r.id}, ${r.unitId}, ${r.cycleId}, ${r.channel}, ${r.level}, ${r.comment}, ${r.collectedAt}, ${r.externalId}, ${r.respondentHash}, ${r.followUpId}, ${r.subjectKind}, ${r.departmentId}, ${r.caseId})`,
};

export async function openStage(database: Database): Promise<StageSession> {
  const stage = await openCopyStage(database, STAGE_LAYOUT);
  const insertStaged = async (tx: Db, job: MergeJob): Promise<Omit<MergeResult, 'rejected'>> => {
    // 默认评价: a staged rating of a case replaces its default rating (not a re-imported row, which stays a duplicate).
    const replaced = !job.withCases
      ? { rows: [] }
      : await tx.execute(sql`
        delete from ratings d using ${stage.table} s
        where s.case_id is not null and d.case_id = s.case_id and d.is_default
          and not exists (select 1 from ratings r where r.source = ${job.source} and r.external_id = s.external_id)
        returning d.id, d.case_id, d.unit_id, d.level`);
    const res = await tx.execute(sql`
        with windows as materialized ${participationWindows('assessment')}, ins as (
          insert into ratings (id, unit_id, subject_kind, department_id, case_id, cycle_id, channel, level, comment, collected_at, received_at, source, external_id, respondent_hash, import_id, submitted_by)
          select s.id, s.unit_id, s.subject_kind::rating_subject_kind, s.department_id, s.case_id, coalesce(s.cycle_id, a.cycle_id, dw.cycle_id), s.channel::rating_channel, s.level, s.comment, s.collected_at, now(),
                 ${job.source}, s.external_id, s.respondent_hash, ${job.importId}, ${job.submittedBy}
          from ${stage.table} s
          left join lateral (
            select w.cycle_id from windows w where w.unit_id = s.unit_id and w.starts_at <= s.collected_at and s.collected_at < w.ends_at
            order by w.cycle_id desc limit 1
          ) a on true
          -- 万人评机关 / 领导班子: departments do not enrol; the newest cycle whose assessment window holds collected_at (as one by one).
          left join lateral (
            select w.id as cycle_id from ${cycleQueries.windowsSql('assessment')} w
            where s.department_id is not null and w.starts_at <= s.collected_at and s.collected_at < w.ends_at order by w.id desc limit 1
          ) dw on true
          on conflict (source, external_id) do nothing
          returning id, unit_id, department_id, cycle_id
        ), fu as (
          insert into rating_follow_ups (id, rating_id, unit_id, department_id, verify_by, deadline)
          select s.follow_up_id, ins.id, ins.unit_id, ins.department_id, ${job.verifyBy.toISOString()}::timestamptz, ${job.followUpDeadline.toISOString()}::timestamptz
          from ins join ${stage.table} s on s.id = ins.id
          where s.follow_up_id is not null
          returning 1
        )
        select (select count(*) from ins)::int as inserted, (select count(*) from fu)::int as follow_ups,
               (select coalesce(array_agg(distinct cycle_id::text), '{}') from ins where cycle_id is not null) as cycle_ids`);
    const row = (res as unknown as { rows: { inserted: number; follow_ups: number; cycle_ids: string[] }[] }).rows[0];
    const defaults = (replaced as unknown as { rows: { id: string; case_id: string; unit_id: string; level: number }[] }).rows;
    return {
      inserted: Number(row.inserted),
      followUps: Number(row.follow_ups),
      cycleIds: row.cycle_ids,
      replacedDefaults: defaults.map((d) => ({ id: d.id, caseId: d.case_id, unitId: d.unit_id, level: d.level })),
    };
  };
  /**
   * 一事一评 raced: staged rows whose case another writer (a single rating, another import) rated since the batch was
   * checked, taken out of the stage. A re-imported row (its own source and externalId) stays: it is a duplicate.
   */
  const takeRatedCases = (job: MergeJob) => async (tx: Db): Promise<MergeRejection[]> => {
    const res = await tx.execute(sql`
      delete from ${stage.table} s using ratings r
      where s.case_id is not null and r.case_id = s.case_id and not r.is_default
        and not (r.source = ${job.source} and r.external_id = s.external_id)
      returning s.row_number, s.case_id`);
    return (res as unknown as { rows: { row_number: number; case_id: string }[] }).rows.map((r) => ({ rowNumber: r.row_number, field: 'caseId', code: 'case_already_rated', message: caseAlreadyRatedMessage(r.case_id) }));
  };
  /** Under a savepoint (bulk-import.ts mergeClaimingKeys): a case rated concurrently is a row error, not a failed batch. */
  const merge = async (tx: Db, job: MergeJob): Promise<MergeResult> => {
    const { result, rejected } = await mergeClaimingKeys(tx, { apply: (sp) => insertStaged(sp, job), isClash: (err) => isUniqueViolation(err, 'ratings_case_key'), takeClashes: takeRatedCases(job) });
    return { ...result, rejected };
  };
  // The stage's session, append, clear and release, with this kind's merge.
  return { ...stage, merge };
}
