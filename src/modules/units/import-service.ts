import type { Readable } from 'node:stream';
import type { Database, Db } from '../../db/client.js';
import { createImportRunner, importJobReads } from '../../lib/bulk-import.js';
import type { ImportCounters, ImportKind, ImportStage } from '../../lib/bulk-import.js';
import { importJobDto } from '../../lib/import-routes.js';
import { uuidv7 } from '../../lib/ids.js';
import { systemContext } from '../../lib/principal.js';
import type { RequestContext } from '../../lib/principal.js';
import type { AuditService } from '../audit/service.js';
import { departmentQueries } from '../departments/queries.js';
import { regionQueries } from '../regions/queries.js';
import { openUnitStage, unitImportRepository, unitsByIdsChunked, unitsByOrgCodes } from './import.repository.js';
import type { StagedUnit, UnitImportRow } from './import.repository.js';
import { unitsRepository } from './repository.js';
import type { UnitRow } from './repository.js';
import { unitImportColumns, unitImportRow } from './import.schemas.js';
import type { UnitImportDto, UnitImportOptions, UnitImportRowInput } from './import.schemas.js';
import { toUnitDto } from './service.js';
import { orgCodeTaken } from './errors.js';
import type { UnitDto } from './schemas.js';

type UnitImportCounters = ImportCounters & { created: number; updated: number };

export function toUnitImportDto(r: UnitImportRow): UnitImportDto {
  return { ...importJobDto(r), created: r.created, updated: r.updated };
}

const header = { required: [] as string[], optional: [...unitImportColumns] };
/** What a new unit must have (the create body's required fields, units/schemas.ts createUnitBody). */
const REQUIRED_FOR_CREATE = ['departmentId', 'regionId', 'category', 'name'] as const;

/**
 * Bulk create/update of units (基层站所/窗口), on the bulk import runner the rating and case imports use: streamed,
 * validated row by row with the units module's field rules, matched by `id` or else by official code (orgCode), checked
 * against the batch's references in one query each, staged with COPY and written with one statement per batch. One audit
 * entry per created or updated unit (unit.created / unit.updated, with before and after), in the transaction that
 * commits it, plus the runner's entries per batch and per job.
 */
export function createUnitImportsService({ database, audit, lease }: { database: Database; audit: AuditService; lease: { leaseMs: number; heartbeatMs: number } }) {
  const runner = createImportRunner<UnitImportRow, UnitImportCounters, UnitImportDto>({ database, audit, jobs: unitImportRepository, toDto: toUnitImportDto, lease });
  const reads = importJobReads({ database, jobs: unitImportRepository, toDto: toUnitImportDto, label: 'unit import' });

  function run(ctx: RequestContext, opts: UnitImportOptions, input: Readable): Promise<UnitImportDto> {
    /** Units already matched or codes already claimed by an earlier row of this file (a unit is written once per file). */
    const seenUnits = new Map<string, number>();
    const seenCodes = new Map<string, number>();
    /** The units as they were before this import, for the audit entries of the updates (until audited). */
    const before = new Map<string, UnitDto>();

    const kind: ImportKind<UnitImportRowInput, StagedUnit, UnitImportCounters> = {
      entity: 'unit_import',
      header,
      columns: unitImportColumns,
      secret: [],
      rowSchema: unitImportRow,
      extraCounters: { created: 0, updated: 0 },
      async openStage(database): Promise<ImportStage<StagedUnit, UnitImportCounters>> {
        const stage = await openUnitStage(database);
        const merge = async (tx: Db) => {
          const { created, updated, rejected } = await stage.apply(tx);
          const rows = new Map((await unitsByIdsChunked(tx, [...created, ...updated])).map((u) => [u.id, u]));
          await audit.record(tx, ctx, [
            ...created.map((id) => ({ action: 'unit.created', entityType: 'unit', entityId: id, after: toUnitDto(rows.get(id)!) })),
            ...updated.map((id) => ({ action: 'unit.updated', entityType: 'unit', entityId: id, before: before.get(id), after: toUnitDto(rows.get(id)!) })),
          ]);
          for (const id of updated) before.delete(id);
          return { inserted: created.length + updated.length, extra: { created: created.length, updated: updated.length }, rejected };
        };
        return { ...stage, merge };
      },
      async prepareBatch(tx, batch, reject) {
        const ids = [...new Set(batch.flatMap((p) => (p.row.id ? [p.row.id] : [])))];
        const codes = [...new Set(batch.flatMap((p) => (p.row.orgCode ? [p.row.orgCode] : [])))];
        const byId = new Map((ids.length ? await unitsRepository.byIds(tx, ids) : []).map((u) => [u.id, u]));
        const byCode = new Map((await unitsByOrgCodes(tx, codes)).map((u) => [u.orgCode!, u]));
        // Departments and regions named by code are resolved first (one query each), then checked like ids.
        const deptCodes = [...new Set(batch.flatMap((p) => (p.row.departmentOrgCode ? [p.row.departmentOrgCode] : [])))];
        const regionCodes = [...new Set(batch.flatMap((p) => (p.row.regionCode ? [p.row.regionCode] : [])))];
        const deptByCode = new Map((deptCodes.length ? await departmentQueries.codes(tx, { orgCodes: deptCodes }) : []).map((d) => [d.orgCode!, d.id]));
        const regionByCode = new Map((regionCodes.length ? await regionQueries.byCodes(tx, regionCodes) : []).map((r) => [r.code, r.id]));
        const resolved: typeof batch = [];
        for (const p of batch) {
          const { departmentOrgCode: dc, regionCode: rc } = p.row;
          const d = dc ? deptByCode.get(dc) : undefined;
          const r = rc ? regionByCode.get(rc) : undefined;
          if (dc && !d) reject(p, 'departmentOrgCode', 'unknown_department', `no department has org code ${dc}`);
          else if (rc && !r) reject(p, 'regionCode', 'unknown_region', `no region has code ${rc}`);
          else if (d && p.row.departmentId && d !== p.row.departmentId) reject(p, 'departmentOrgCode', 'reference_mismatch', `names department ${d}, not departmentId ${p.row.departmentId}`);
          else if (r && p.row.regionId && r !== p.row.regionId) reject(p, 'regionCode', 'reference_mismatch', `names region ${r}, not regionId ${p.row.regionId}`);
          else resolved.push({ ...p, row: { ...p.row, departmentId: p.row.departmentId ?? d, regionId: p.row.regionId ?? r } });
        }
        batch = resolved;
        const deptIds = [...new Set(batch.flatMap((p) => (p.row.departmentId ? [p.row.departmentId] : [])))];
        const regionIds = [...new Set(batch.flatMap((p) => (p.row.regionId ? [p.row.regionId] : [])))];
        const depts = new Set((deptIds.length ? await departmentQueries.byIds(tx, deptIds) : []).map((d) => d.id));
        const regions = new Set((regionIds.length ? await regionQueries.byIds(tx, regionIds) : []).map((r) => r.id));
        const staged: StagedUnit[] = [];
        for (const p of batch) {
          const { row } = p;
          const target: UnitRow | undefined = row.id ? byId.get(row.id) : row.orgCode ? byCode.get(row.orgCode) : undefined;
          if (row.id && !target) {
            reject(p, 'id', 'unknown_id', `unit ${row.id} does not exist`);
            continue;
          }
          const missing = target ? undefined : REQUIRED_FOR_CREATE.find((f) => row[f] === undefined);
          const holder = row.orgCode ? byCode.get(row.orgCode) : undefined;
          const earlier = (target && seenUnits.get(target.id)) ?? (row.orgCode && seenCodes.get(row.orgCode));
          if (missing) reject(p, missing, 'required', `required for a new unit (no unit matches the row's id or orgCode)${missing === 'departmentId' ? ': departmentId or departmentOrgCode' : missing === 'regionId' ? ': regionId or regionCode' : ''}`);
          else if (earlier) reject(p, target && seenUnits.has(target.id) ? 'id' : 'orgCode', 'duplicate_in_file', `the same unit is already in row ${earlier} of this file`);
          else if (target && row.version !== undefined && row.version !== target.version) reject(p, 'version', 'version_conflict', `unit ${target.id} is at version ${target.version}, not ${row.version}`);
          else if (holder && target && holder.id !== target.id) reject(p, 'orgCode', 'org_code_taken', orgCodeTaken(row.orgCode));
          else if (row.departmentId && !depts.has(row.departmentId)) reject(p, 'departmentId', 'unknown_department', `department ${row.departmentId} does not exist`);
          else if (row.regionId && !regions.has(row.regionId)) reject(p, 'regionId', 'unknown_region', `region ${row.regionId} does not exist`);
          else {
            const id = target?.id ?? uuidv7();
            seenUnits.set(id, p.rowNumber);
            if (row.orgCode) seenCodes.set(row.orgCode, p.rowNumber);
            if (target?.orgCode) seenCodes.set(target.orgCode, p.rowNumber);
            if (target) before.set(id, toUnitDto(target));
            const pick = <K extends keyof StagedUnit & keyof UnitImportRowInput>(k: K, fallback: StagedUnit[K]): StagedUnit[K] =>
              row[k] !== undefined ? (row[k] as StagedUnit[K]) : target ? (target[k as keyof UnitRow] as StagedUnit[K]) : fallback;
            staged.push({
              rowNumber: p.rowNumber,
              id,
              isNew: !target,
              expectedVersion: target?.version ?? null,
              departmentId: pick('departmentId', ''),
              regionId: pick('regionId', ''),
              category: pick('category', 'public_service'),
              name: pick('name', ''),
              nameEn: pick('nameEn', null),
              orgCode: pick('orgCode', null),
              headName: pick('headName', null),
              headTitle: pick('headTitle', null),
              address: pick('address', null),
              phone: pick('phone', null),
              commitments: pick('commitments', []),
              serviceItems: pick('serviceItems', []),
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
    /** Fails unit imports orphaned by a stopped process (see lib/bulk-import.ts). */
    failOrphaned: (now?: Date) => runner.failOrphaned(systemContext('unit-import-lease-sweep'), 'unit_import', now),
    ...reads,
  };
}

export type UnitImportsService = ReturnType<typeof createUnitImportsService>;
