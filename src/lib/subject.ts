import { z } from 'zod';
import { forbidden, invalid } from './errors.js';
import type { RequestContext } from './principal.js';

/**
 * A record about exactly one of a unit (基层站所), a department (部门) or a region (行政区): outreach activities,
 * suggestions and investments. The owning module looks the subject up; these helpers hold the one rule of who
 * may write and read about which subject.
 */
export const subjectKinds = ['unit', 'department', 'region'] as const;
export type SubjectKind = (typeof subjectKinds)[number];

export const subjectInputFields = {
  unitId: z.uuid().nullable().optional().describe('the unit (基层站所/窗口) this is about; exactly one of unitId, departmentId, regionId'),
  departmentId: z.uuid().nullable().optional().describe('the department (部门) this is about'),
  regionId: z.uuid().nullable().optional().describe('the region (行政区) this is about, for county- or prefecture-wide work'),
};

export const subjectFilterFields = {
  unitId: z.uuid().optional(),
  departmentId: z.uuid().optional().describe('records about this department or any of its units'),
  regionId: z.uuid().optional().describe('records about this region itself'),
};

export interface SubjectInput {
  unitId?: string | null;
  departmentId?: string | null;
  regionId?: string | null;
}

/** The subject as stored: exactly one id set, and the department the record falls under (a unit's own). */
export interface ResolvedSubject {
  unitId: string | null;
  departmentId: string | null;
  regionId: string | null;
}

export interface SubjectLookup {
  unit(id: string): Promise<{ id: string; departmentId: string } | undefined>;
  departmentExists(id: string): Promise<boolean>;
  regionExists(id: string): Promise<boolean>;
}

/**
 * Checks the one subject exists and the caller may write about it: the office (admin) any; a department itself and
 * its units; a unit itself. `prefix` names the field path (e.g. `items.3.`) for bulk paths.
 */
export async function resolveSubject(ctx: RequestContext, input: SubjectInput, lookup: SubjectLookup, prefix = ''): Promise<ResolvedSubject> {
  const given = (['unitId', 'departmentId', 'regionId'] as const).filter((k) => input[k]);
  if (given.length !== 1) throw invalid(`${prefix}${given[1] ?? 'unitId'}`, 'give exactly one of unitId, departmentId, regionId');
  const p = ctx.principal;
  if (input.unitId) {
    const u = await lookup.unit(input.unitId);
    const mine = u && (p.role === 'department' ? u.departmentId === p.departmentId : p.role === 'unit' ? u.id === p.unitId : true);
    if (!u || !mine) throw invalid(`${prefix}unitId`, `unit ${input.unitId} does not exist or is not one of yours`);
    return { unitId: u.id, departmentId: null, regionId: null };
  }
  if (input.departmentId) {
    const ok = (await lookup.departmentExists(input.departmentId)) && (p.role !== 'department' || p.departmentId === input.departmentId) && p.role !== 'unit';
    if (!ok) throw invalid(`${prefix}departmentId`, `department ${input.departmentId} does not exist or is not yours`);
    return { unitId: null, departmentId: input.departmentId, regionId: null };
  }
  if (p.role === 'department' || p.role === 'unit') throw forbidden(`${prefix}regionId: region-wide records are the office's`, { errors: [{ field: `${prefix}regionId`, message: 'only the office records region-wide work' }] });
  if (!(await lookup.regionExists(input.regionId!))) throw invalid(`${prefix}regionId`, `region ${input.regionId} does not exist`);
  return { unitId: null, departmentId: null, regionId: input.regionId! };
}

/** What a role's list is narrowed to: a department its own and its units', a unit its own; others everything. */
export function subjectScope(ctx: RequestContext): { departmentId?: string; unitId?: string } {
  const p = ctx.principal;
  if (p.role === 'department') return { departmentId: p.departmentId };
  if (p.role === 'unit') return { unitId: p.unitId };
  return {};
}

/** Whether the caller may read a record about this subject (`unitDepartmentId`: the department of its unit). */
export function canSeeSubject(ctx: RequestContext, r: ResolvedSubject & { unitDepartmentId: string | null }): boolean {
  const s = subjectScope(ctx);
  if (s.unitId) return r.unitId === s.unitId;
  if (s.departmentId) return r.departmentId === s.departmentId || r.unitDepartmentId === s.departmentId;
  return true;
}

/** Readers a module's repository hands in (from the units, departments and regions modules' queries). */
export interface SubjectReaders {
  units(ids: string[]): Promise<{ id: string; departmentId: string }[]>;
  departments(ids: string[]): Promise<{ id: string }[]>;
  regionExists(id: string): Promise<boolean>;
}

/** A lookup for every subject a request names: one query for its units and one for its departments, however many. */
export async function prefetchSubjects(ref: { unitIds: string[]; departmentIds: string[] }, readers: SubjectReaders): Promise<SubjectLookup> {
  const [us, ds] = await Promise.all([
    ref.unitIds.length ? readers.units([...new Set(ref.unitIds)]) : Promise.resolve([]),
    ref.departmentIds.length ? readers.departments([...new Set(ref.departmentIds)]) : Promise.resolve([]),
  ]);
  const unitById = new Map(us.map((u) => [u.id, { id: u.id, departmentId: u.departmentId }]));
  const depts = new Set(ds.map((d) => d.id));
  return { unit: async (id) => unitById.get(id), departmentExists: async (id) => depts.has(id), regionExists: readers.regionExists };
}
