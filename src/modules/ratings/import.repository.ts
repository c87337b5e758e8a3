import { sql } from 'drizzle-orm';
import { importJobStore } from '../../db/import-jobs.js';
import { copyEscape, copyText, openCopyStage } from '../../db/copy-stage.js';
import type { StageLayout } from '../../db/copy-stage.js';
import type { Database, Db } from '../../db/client.js';
import { cycleQueries } from '../cycles/queries.js';
import { participationWindows } from '../enrollments/queries.js';
import { ratingImportErrors, ratingImports } from './tables.js';
import { unitQueries } from '../units/queries.js';

export type RatingImportRow = typeof ratingImports.$inferSelect;

/** A validated row on its way into `ratings`, with ids made here (UUIDv7) so the merge needs no generator. */
export interface StagedRating {
  id: string;
  unitId: string;
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

const STAGE_COLUMNS = 'id, unit_id, cycle_id, channel, level, comment, collected_at, external_id, respondent_hash, follow_up_id';
const STAGE_DDL = `(id uuid not null, unit_id uuid not null, cycle_id uuid, channel text not null, level smallint not null, comment text,
  collected_at timestamptz not null, external_id text not null, respondent_hash text, follow_up_id uuid)`;

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
};

export interface MergeJob {
  importId: string;
  source: string;
  submittedBy: string;
  verifyBy: Date;
  followUpDeadline: Date;
}

export interface MergeResult {
  inserted: number;
  followUps: number;
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
    `${r.id}\t${r.unitId}\t${r.cycleId ?? '\\N'}\t${r.channel}\t${r.level}\t${copyText(r.comment)}\t${r.collectedAt}\t${copyEscape(r.externalId)}\t${r.respondentHash ?? '\\N'}\t${r.followUpId ?? '\\N'}\n`,
  values: (r) =>
    sql`(${r.id}, ${r.unitId}, ${r.cycleId}, ${r.channel}, ${r.level}, ${r.comment}, ${r.collectedAt}, ${r.externalId}, ${r.respondentHash}, ${r.followUpId})`,
};

export async function openStage(database: Database): Promise<StageSession> {
  const stage = await openCopyStage(database, STAGE_LAYOUT);
  const merge = async (tx: Db, job: MergeJob): Promise<MergeResult> => {
    const res = await tx.execute(sql`
        with windows as materialized ${participationWindows('assessment')}, ins as (
          insert into ratings (id, unit_id, cycle_id, channel, level, comment, collected_at, received_at, source, external_id, respondent_hash, import_id, submitted_by)
          select s.id, s.unit_id, coalesce(s.cycle_id, a.cycle_id), s.channel::rating_channel, s.level, s.comment, s.collected_at, now(),
                 ${job.source}, s.external_id, s.respondent_hash, ${job.importId}, ${job.submittedBy}
          from ${stage.table} s
          left join lateral (
            select w.cycle_id from windows w where w.unit_id = s.unit_id and w.starts_at <= s.collected_at and s.collected_at < w.ends_at
            order by w.cycle_id desc limit 1
          ) a on true
          on conflict (source, external_id) do nothing
          returning id, unit_id
        ), fu as (
          insert into rating_follow_ups (id, rating_id, unit_id, verify_by, deadline)
          select s.follow_up_id, ins.id, ins.unit_id, ${job.verifyBy.toISOString()}::timestamptz, ${job.followUpDeadline.toISOString()}::timestamptz
          from ins join ${stage.table} s on s.id = ins.id
          where s.follow_up_id is not null
          returning 1
        )
        select (select count(*) from ins)::int as inserted, (select count(*) from fu)::int as follow_ups`);
    const row = (res as unknown as { rows: { inserted: number; follow_ups: number }[] }).rows[0];
    return { inserted: Number(row.inserted), followUps: Number(row.follow_ups) };
  };
  // The stage's session, append, clear and release, with this kind's merge.
  return { ...stage, merge };
}
