import { inArray, sql } from 'drizzle-orm';
import { importJobStore } from '../../db/import-jobs.js';
import { copyText, openCopyStage } from '../../db/copy-stage.js';
import type { CopyStage, StageLayout } from '../../db/copy-stage.js';
import type { Database, Db } from '../../db/client.js';
import { isUniqueViolation } from '../../db/errors.js';
import { mergeClaimingKeys } from '../../lib/bulk-import.js';
import type { MergeRejection } from '../../lib/bulk-import.js';
import { departmentImportErrors, departmentImports, departments } from './tables.js';
import type { DepartmentRow } from './repository.js';
import { nameTaken, orgCodeTaken } from './rules.js';

export type DepartmentImportRow = typeof departmentImports.$inferSelect;

/** A checked department on its way into `departments`: every column as it will be (an update carries the current values for what the row left out). */
export interface StagedDepartment {
  /** The row of the file it comes from (for a row error the merge may still raise). */
  rowNumber: number;
  id: string;
  isNew: boolean;
  /** The version the row was checked against (updates only): a department changed meanwhile is left alone. */
  expectedVersion: number | null;
  name: string;
  nameEn: string | null;
  sector: string;
  level: DepartmentRow['level'];
  regionId: string;
  orgCode: string | null;
  active: boolean;
}

const STAGE_LAYOUT: StageLayout<StagedDepartment> = {
  prefix: 'department_import_stage',
  columns: 'row_number, id, is_new, expected_version, name, name_en, sector, level, region_id, org_code, active',
  ddl: `(row_number int not null, id uuid not null, is_new boolean not null, expected_version int, name text not null, name_en text, sector text not null,
    level text not null, region_id uuid not null, org_code text, active boolean not null)`,
  copyLine: (r) =>
    `${r.rowNumber}\t${r.id}\t${r.isNew ? 't' : 'f'}\t${r.expectedVersion ?? '\\N'}\t${copyText(r.name)}\t${copyText(r.nameEn)}\t${copyText(r.sector)}\t` +
    `${r.level}\t${r.regionId}\t${copyText(r.orgCode)}\t${r.active ? 't' : 'f'}\n`,
  values: (r) => sql`(${r.rowNumber}, ${r.id}, ${r.isNew}, ${r.expectedVersion}, ${r.name}, ${r.nameEn}, ${r.sector}, ${r.level}, ${r.regionId}, ${r.orgCode}, ${r.active})`,
};

export interface DepartmentStage extends CopyStage<StagedDepartment> {
  /**
   * Moves the staged departments into `departments` in one statement: new ones inserted, matched ones updated
   * (version + 1) when still at the version checked. Returns the ids written, by operation, and the rows refused
   * because another writer took their org code or name since they were checked (row errors, not a failed job).
   */
  apply(tx: Db): Promise<{ created: string[]; updated: string[]; rejected: MergeRejection[] }>;
}

export async function openDepartmentStage(database: Database): Promise<DepartmentStage> {
  const stage = await openCopyStage(database, STAGE_LAYOUT);
  const merge = async (tx: Db) => {
    const res = await tx.execute(sql`
      with upd as (
        update departments d set name = s.name, name_en = s.name_en, sector = s.sector, org_code = s.org_code, active = s.active,
               version = d.version + 1, updated_at = now()
        from ${stage.table} s
        where not s.is_new and d.id = s.id and d.version = s.expected_version
        returning d.id
      ), ins as (
        insert into departments (id, name, name_en, sector, level, region_id, org_code, active)
        select s.id, s.name, s.name_en, s.sector, s.level::region_level, s.region_id, s.org_code, s.active
        from ${stage.table} s
        where s.is_new
        returning id
      )
      select 'created' as op, id from ins union all select 'updated' as op, id from upd`);
    const rows = (res as unknown as { rows: { op: 'created' | 'updated'; id: string }[] }).rows;
    return { created: rows.filter((r) => r.op === 'created').map((r) => r.id), updated: rows.filter((r) => r.op === 'updated').map((r) => r.id) };
  };
  /** Staged rows whose org code, or name in their region, another department holds now, taken out of the stage. */
  const takeClashes = async (tx: Db): Promise<MergeRejection[]> => {
    const res = await tx.execute(sql`
      delete from ${stage.table} s using departments d
      where d.id <> s.id and (d.org_code = s.org_code or (d.name = s.name and d.region_id = s.region_id))
      returning s.row_number, s.org_code, s.name, d.org_code = s.org_code as code_taken`);
    return (res as unknown as { rows: { row_number: number; org_code: string; name: string; code_taken: boolean }[] }).rows.map((r) =>
      r.code_taken ? { rowNumber: r.row_number, field: 'orgCode', code: 'org_code_taken' as const, message: orgCodeTaken(r.org_code) } : { rowNumber: r.row_number, field: 'name', code: 'name_taken' as const, message: nameTaken(r.name) },
    );
  };
  const isClash = (err: unknown) => isUniqueViolation(err, 'departments_org_code_key') || isUniqueViolation(err, 'departments_name_region_key');
  const apply = async (tx: Db) => {
    const { result, rejected } = await mergeClaimingKeys(tx, { apply: merge, isClash, takeClashes });
    return { ...result, rejected };
  };
  return { ...stage, apply };
}

/** Departments by official code (统一社会信用代码/组织机构代码), for matching a batch's rows in one query. */
export function departmentsByOrgCodes(db: Db, codes: readonly string[]): Promise<DepartmentRow[]> {
  if (!codes.length) return Promise.resolve([]);
  return db.select().from(departments).where(inArray(departments.orgCode, [...codes]));
}

/** Departments by name (any region), for checking a batch's names in one query. */
export function departmentsByNames(db: Db, names: readonly string[]): Promise<DepartmentRow[]> {
  if (!names.length) return Promise.resolve([]);
  return db.select().from(departments).where(inArray(departments.name, [...names]));
}

/** Departments by id, in chunks that stay under PostgreSQL's parameter limit. */
export async function departmentsByIdsChunked(db: Db, ids: readonly string[]): Promise<DepartmentRow[]> {
  const out: DepartmentRow[] = [];
  for (let i = 0; i < ids.length; i += 10000) out.push(...(await db.select().from(departments).where(inArray(departments.id, ids.slice(i, i + 10000)))));
  return out;
}

/** The department import jobs and their per-row errors (the job store of lib/bulk-import.ts, from db/import-jobs.ts). */
export const departmentImportRepository = importJobStore(departmentImports, departmentImportErrors);
