import type { Readable } from 'node:stream';
import type { Database, Db } from '../../db/client.js';
import { createImportRunner, importJobReads } from '../../lib/bulk-import.js';
import type { ImportCounters, ImportKind, ImportStage } from '../../lib/bulk-import.js';
import { importJobDto } from '../../lib/import-routes.js';
import { uuidv7 } from '../../lib/ids.js';
import { systemContext } from '../../lib/principal.js';
import type { RequestContext } from '../../lib/principal.js';
import type { AuditService } from '../audit/service.js';
import { regionQueries } from '../regions/queries.js';
import { departmentImportRepository, departmentsByIdsChunked, departmentsByNames, departmentsByOrgCodes, openDepartmentStage } from './import.repository.js';
import type { DepartmentImportRow, StagedDepartment } from './import.repository.js';
import { departmentImportColumns, departmentImportRow } from './import.schemas.js';
import type { DepartmentImportDto, DepartmentImportOptions, DepartmentImportRowInput } from './import.schemas.js';
import { departmentsRepository } from './repository.js';
import type { DepartmentRow } from './repository.js';
import { levelProblem, nameTaken, orgCodeTaken } from './rules.js';
import type { DepartmentDto } from './schemas.js';
import { toDepartmentDto } from './service.js';

type DepartmentImportCounters = ImportCounters & { created: number; updated: number };

export function toDepartmentImportDto(r: DepartmentImportRow): DepartmentImportDto {
  return { ...importJobDto(r), created: r.created, updated: r.updated };
}

const header = { required: [] as string[], optional: [...departmentImportColumns] };
/** What a new department must have (the create body's required fields, schemas.ts createDepartmentBody). */
const REQUIRED_FOR_CREATE = ['name', 'sector', 'level', 'regionId'] as const;
/** A department's name is unique within its region. */
const nameKey = (regionId: string, name: string) => `${regionId}\u0000${name}`;

/**
 * Bulk create/update of departments (部门/行业), on the bulk import runner the other imports use: streamed, validated row
 * by row with the departments module's field rules (schemas.ts) and row rules (rules.ts, the single create's), matched
 * by `id` or else by official code (orgCode), checked against the batch's references in one query each, staged with
 * COPY and written with one statement per batch. One audit entry per created or updated department
 * (department.created / department.updated, with before and after), in the transaction that commits it, plus the
 * runner's entries per batch and per job.
 */
export function createDepartmentImportsService({ database, audit, lease }: { database: Database; audit: AuditService; lease: { leaseMs: number; heartbeatMs: number } }) {
  const runner = createImportRunner<DepartmentImportRow, DepartmentImportCounters, DepartmentImportDto>({ database, audit, jobs: departmentImportRepository, toDto: toDepartmentImportDto, lease });
  const reads = importJobReads({ database, jobs: departmentImportRepository, toDto: toDepartmentImportDto, label: 'department import' });

  function run(ctx: RequestContext, opts: DepartmentImportOptions, input: Readable): Promise<DepartmentImportDto> {
    /** Departments, org codes and names (per region) already claimed by an earlier row of this file: each is written once per file. */
    const seenDepartments = new Map<string, number>();
    const seenCodes = new Map<string, number>();
    const seenNames = new Map<string, number>();
    /** The departments as they were before this import, for the audit entries of the updates (until audited). */
    const before = new Map<string, DepartmentDto>();

    const kind: ImportKind<DepartmentImportRowInput, StagedDepartment, DepartmentImportCounters> = {
      entity: 'department_import',
      header,
      columns: departmentImportColumns,
      secret: [],
      rowSchema: departmentImportRow,
      extraCounters: { created: 0, updated: 0 },
      async openStage(database): Promise<ImportStage<StagedDepartment, DepartmentImportCounters>> {
        const stage = await openDepartmentStage(database);
        const merge = async (tx: Db) => {
          const { created, updated, rejected } = await stage.apply(tx);
          const rows = new Map((await departmentsByIdsChunked(tx, [...created, ...updated])).map((d) => [d.id, d]));
          await audit.record(tx, ctx, [
            ...created.map((id) => ({ action: 'department.created', entityType: 'department', entityId: id, after: toDepartmentDto(rows.get(id)!) })),
            ...updated.map((id) => ({ action: 'department.updated', entityType: 'department', entityId: id, before: before.get(id), after: toDepartmentDto(rows.get(id)!) })),
          ]);
          for (const id of updated) before.delete(id);
          return { inserted: created.length + updated.length, extra: { created: created.length, updated: updated.length }, rejected };
        };
        return { ...stage, merge };
      },
      async prepareBatch(tx, batch, reject) {
        const distinct = (pick: (r: DepartmentImportRowInput) => string | null | undefined) => [...new Set(batch.flatMap((p) => pick(p.row) ?? []))];
        // Regions named by division code are resolved first (one query), then checked like ids.
        const divisionCodes = distinct((r) => r.regionDivisionCode);
        const byDivision = new Map((divisionCodes.length ? await regionQueries.byDivisionCodes(tx, divisionCodes) : []).map((r) => [r.divisionCode!, r.id]));
        const resolved: typeof batch = [];
        for (const p of batch) {
          const { regionDivisionCode: dc, regionId } = p.row;
          const r = dc ? byDivision.get(dc) : undefined;
          if (dc && !r) reject(p, 'regionDivisionCode', 'unknown_region', `no region has 行政区划代码 ${dc}`);
          else if (r && regionId && r !== regionId) reject(p, 'regionDivisionCode', 'reference_mismatch', `names region ${r}, not regionId ${regionId}`);
          else resolved.push({ ...p, row: { ...p.row, regionId: regionId ?? r } });
        }
        batch = resolved;
        const ids = distinct((r) => r.id);
        const byId = new Map((ids.length ? await departmentsRepository.byIds(tx, ids) : []).map((d) => [d.id, d]));
        const byCode = new Map((await departmentsByOrgCodes(tx, distinct((r) => r.orgCode))).map((d) => [d.orgCode!, d]));
        const byName = new Map((await departmentsByNames(tx, distinct((r) => r.name))).map((d) => [nameKey(d.regionId, d.name), d]));
        const regionIds = distinct((r) => r.regionId);
        const regions = new Map((regionIds.length ? await regionQueries.byIds(tx, regionIds) : []).map((r) => [r.id, r]));
        const staged: StagedDepartment[] = [];
        for (const p of batch) {
          const { row } = p;
          const target: DepartmentRow | undefined = row.id ? byId.get(row.id) : row.orgCode ? byCode.get(row.orgCode) : undefined;
          if (row.id && !target) {
            reject(p, 'id', 'unknown_id', `department ${row.id} does not exist`);
            continue;
          }
          const missing = target ? undefined : REQUIRED_FOR_CREATE.find((f) => row[f] === undefined);
          if (missing) {
            reject(p, missing, 'required', `required for a new department (no department matches the row's id or orgCode)${missing === 'regionId' ? ': regionId or regionDivisionCode' : ''}`);
            continue;
          }
          const regionId = target?.regionId ?? row.regionId!;
          const name = row.name ?? target!.name;
          const holder = row.orgCode ? byCode.get(row.orgCode) : undefined;
          const namesake = byName.get(nameKey(regionId, name));
          const earlier = (target && seenDepartments.get(target.id)) || (row.orgCode && seenCodes.get(row.orgCode)) || seenNames.get(nameKey(regionId, name));
          const region = regions.get(regionId);
          const badLevel = !target && region ? levelProblem(row.level!, region.level) : null;
          if (earlier) reject(p, target && seenDepartments.has(target.id) ? 'id' : row.orgCode && seenCodes.has(row.orgCode) ? 'orgCode' : 'name', 'duplicate_in_file', `the same department is already in row ${earlier} of this file`);
          else if (target && row.version !== undefined && row.version !== target.version) reject(p, 'version', 'version_conflict', `department ${target.id} is at version ${target.version}, not ${row.version}`);
          // As PATCH /departments: an existing department keeps its region and level.
          else if (target && row.regionId && row.regionId !== target.regionId) reject(p, row.regionDivisionCode ? 'regionDivisionCode' : 'regionId', 'immutable_field', `department ${target.id} is in region ${target.regionId}: a department does not move`);
          else if (target && row.level && row.level !== target.level) reject(p, 'level', 'immutable_field', `department ${target.id} is ${target.level}-level: its level follows its region`);
          else if (!target && row.active === false) reject(p, 'active', 'invalid_value', 'a new department is active (deactivate it by a later update)');
          else if (!target && !region) reject(p, 'regionId', 'unknown_region', `region ${regionId} does not exist`);
          else if (badLevel) reject(p, 'level', 'invalid_value', badLevel);
          else if (holder && target && holder.id !== target.id) reject(p, 'orgCode', 'org_code_taken', orgCodeTaken(row.orgCode));
          else if (namesake && namesake.id !== target?.id) reject(p, 'name', 'name_taken', nameTaken(name));
          else {
            const id = target?.id ?? uuidv7();
            seenDepartments.set(id, p.rowNumber);
            seenNames.set(nameKey(regionId, name), p.rowNumber);
            if (row.orgCode) seenCodes.set(row.orgCode, p.rowNumber);
            if (target) {
              if (target.orgCode) seenCodes.set(target.orgCode, p.rowNumber);
              seenNames.set(nameKey(target.regionId, target.name), p.rowNumber);
              before.set(id, toDepartmentDto(target));
            }
            const pick = <K extends keyof StagedDepartment & keyof DepartmentImportRowInput>(k: K, fallback: StagedDepartment[K]): StagedDepartment[K] =>
              row[k] !== undefined ? (row[k] as StagedDepartment[K]) : target ? (target[k as keyof DepartmentRow] as StagedDepartment[K]) : fallback;
            staged.push({
              rowNumber: p.rowNumber,
              id,
              isNew: !target,
              expectedVersion: target?.version ?? null,
              name,
              nameEn: pick('nameEn', null),
              sector: pick('sector', ''),
              level: target?.level ?? row.level!,
              regionId,
              orgCode: pick('orgCode', null),
              active: pick('active', true),
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
    /** Fails department imports orphaned by a stopped process (see lib/bulk-import.ts). */
    failOrphaned: (now?: Date) => runner.failOrphaned(systemContext('department-import-lease-sweep'), 'department_import', now),
    ...reads,
  };
}

export type DepartmentImportsService = ReturnType<typeof createDepartmentImportsService>;
