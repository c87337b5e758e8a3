import { inArray, sql } from 'drizzle-orm';
import { importJobStore } from '../../db/import-jobs.js';
import { copyText, openCopyStage } from '../../db/copy-stage.js';
import type { CopyStage, StageLayout } from '../../db/copy-stage.js';
import type { Database, Db } from '../../db/client.js';
import { isUniqueViolation } from '../../db/errors.js';
import { mergeClaimingKeys } from '../../lib/bulk-import.js';
import type { MergeRejection } from '../../lib/bulk-import.js';
import { orgCodeTaken } from './errors.js';
import { unitImportErrors, unitImports, units } from './tables.js';
import type { UnitRow } from './repository.js';

export type UnitImportRow = typeof unitImports.$inferSelect;

/** A checked unit on its way into `units`: every column as it will be (an update carries the unit's current values for what the row left out). */
export interface StagedUnit {
  /** The row of the file it comes from (for a row error the merge may still raise). */
  rowNumber: number;
  id: string;
  isNew: boolean;
  /** The version the row was checked against (updates only): a unit changed meanwhile is left alone. */
  expectedVersion: number | null;
  departmentId: string;
  regionId: string;
  category: UnitRow['category'];
  name: string;
  nameEn: string | null;
  orgCode: string | null;
  headName: string | null;
  headTitle: string | null;
  address: string | null;
  phone: string | null;
  commitments: string[];
  serviceItems: UnitRow['serviceItems'];
}

const STAGE_LAYOUT: StageLayout<StagedUnit> = {
  prefix: 'unit_import_stage',
  columns: 'row_number, id, is_new, expected_version, department_id, region_id, category, name, name_en, org_code, head_name, head_title, address, phone, commitments, service_items',
  ddl: `(row_number int not null, id uuid not null, is_new boolean not null, expected_version int, department_id uuid not null, region_id uuid not null, category text not null,
    name text not null, name_en text, org_code text, head_name text, head_title text, address text, phone text, commitments text not null, service_items text not null)`,
  copyLine: (r) =>
    `${r.rowNumber}\t${r.id}\t${r.isNew ? 't' : 'f'}\t${r.expectedVersion ?? '\\N'}\t${r.departmentId}\t${r.regionId}\t${r.category}\t${copyText(r.name)}\t${copyText(r.nameEn)}\t` +
    `${copyText(r.orgCode)}\t${copyText(r.headName)}\t${copyText(r.headTitle)}\t${copyText(r.address)}\t${copyText(r.phone)}\t` +
    `${copyText(JSON.stringify(r.commitments))}\t${copyText(JSON.stringify(r.serviceItems))}\n`,
  values: (r) =>
    sql`(${r.rowNumber}, ${r.id}, ${r.isNew}, ${r.expectedVersion}, ${r.departmentId}, ${r.regionId}, ${r.category}, ${r.name}, ${r.nameEn}, ${r.orgCode}, ${r.headName}, ${r.headTitle}, ${r.address}, ${r.phone}, ${JSON.stringify(r.commitments)}, ${JSON.stringify(r.serviceItems)})`,
};

export interface UnitStage extends CopyStage<StagedUnit> {
  /**
   * Moves the staged units into `units` in one statement: new ones inserted, matched ones updated (version + 1) when
   * still at the version checked. Returns the ids written, by operation, and the rows refused because another writer
   * took their org code since they were checked (row errors, not a failed job).
   */
  apply(tx: Db): Promise<{ created: string[]; updated: string[]; rejected: MergeRejection[] }>;
}

export async function openUnitStage(database: Database): Promise<UnitStage> {
  const stage = await openCopyStage(database, STAGE_LAYOUT);
  const merge = async (tx: Db) => {
    const res = await tx.execute(sql`
      with upd as (
        update units u set department_id = s.department_id, region_id = s.region_id, category = s.category::unit_category, name = s.name,
               name_en = s.name_en, org_code = s.org_code, head_name = s.head_name, head_title = s.head_title, address = s.address, phone = s.phone,
               commitments = s.commitments::jsonb, service_items = s.service_items::jsonb, version = u.version + 1, updated_at = now()
        from ${stage.table} s
        where not s.is_new and u.id = s.id and u.version = s.expected_version
        returning u.id
      ), ins as (
        insert into units (id, department_id, region_id, category, name, name_en, org_code, head_name, head_title, address, phone, commitments, service_items)
        select s.id, s.department_id, s.region_id, s.category::unit_category, s.name, s.name_en, s.org_code, s.head_name, s.head_title, s.address, s.phone,
               s.commitments::jsonb, s.service_items::jsonb
        from ${stage.table} s
        where s.is_new
        returning id
      )
      select 'created' as op, id from ins union all select 'updated' as op, id from upd`);
    const rows = (res as unknown as { rows: { op: 'created' | 'updated'; id: string }[] }).rows;
    return { created: rows.filter((r) => r.op === 'created').map((r) => r.id), updated: rows.filter((r) => r.op === 'updated').map((r) => r.id) };
  };
  /** Staged rows whose org code another unit holds now, taken out of the stage. */
  const takeClashes = async (tx: Db): Promise<MergeRejection[]> => {
    const res = await tx.execute(sql`
      delete from ${stage.table} s using units u where u.org_code = s.org_code and u.id <> s.id returning s.row_number, s.org_code`);
    return (res as unknown as { rows: { row_number: number; org_code: string }[] }).rows.map((r) => ({ rowNumber: r.row_number, field: 'orgCode', code: 'org_code_taken' as const, message: orgCodeTaken(r.org_code) }));
  };
  const apply = async (tx: Db) => {
    const { result, rejected } = await mergeClaimingKeys(tx, { apply: merge, isClash: (err) => isUniqueViolation(err, 'units_org_code_key'), takeClashes });
    return { ...result, rejected };
  };
  return { ...stage, apply };
}

/** Units by official code (组织机构代码/统一社会信用代码), for matching a batch's rows in one query. */
export function unitsByOrgCodes(db: Db, codes: readonly string[]): Promise<UnitRow[]> {
  if (!codes.length) return Promise.resolve([]);
  return db.select().from(units).where(inArray(units.orgCode, [...codes]));
}

/** Units by id, in chunks that stay under PostgreSQL's parameter limit. */
export async function unitsByIdsChunked(db: Db, ids: readonly string[]): Promise<UnitRow[]> {
  const out: UnitRow[] = [];
  for (let i = 0; i < ids.length; i += 10000) out.push(...(await db.select().from(units).where(inArray(units.id, ids.slice(i, i + 10000)))));
  return out;
}

/** The unit import jobs and their per-row errors (the job store of lib/bulk-import.ts, from db/import-jobs.ts). */
export const unitImportRepository = importJobStore(unitImports, unitImportErrors);
