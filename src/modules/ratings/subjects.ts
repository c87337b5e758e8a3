import { invalid } from '../../lib/errors.js';
import type { RequestContext } from '../../lib/principal.js';
import { canSeeUnit, unitScope } from '../units/service.js';
import type { RatingSubjectInput } from './schemas.js';
import type { RatingSubjectKind } from './tables.js';

/** A rating's subject, resolved: a unit, or a department (万人评机关) or its leadership team (领导班子). */
export type ResolvedSubject =
  | { kind: 'unit'; unitId: string; departmentId: null }
  | { kind: Exclude<RatingSubjectKind, 'unit'>; unitId: null; departmentId: string };

/** How the caller's input spells the fields the subject rule names (a file's flat columns differ from the JSON body). */
export interface SubjectFieldNames {
  unitId: string;
  departmentId: string;
  caseId: string;
  staffCode: string;
}
const BODY_FIELDS: SubjectFieldNames = { unitId: 'unitId', departmentId: 'subject.departmentId', caseId: 'caseId', staffCode: 'staffCode' };

/**
 * The one rule of a rating's subject (the table's ratings_subject_check says the same): a unit rating names its unit and
 * no department; a department or leadership rating names its department and no unit — nor a case (一事一评 rates a
 * unit's case) nor the staff who served. Returns the subject, or the field that breaks the rule (imports report it per row).
 */
export function checkSubject(
  input: { unitId?: string; subject?: RatingSubjectInput; caseId?: string; staffCode?: string },
  names: SubjectFieldNames = BODY_FIELDS,
): { subject: ResolvedSubject } | { field: string; code: 'required' | 'not_applicable'; message: string } {
  const kind = input.subject?.kind ?? 'unit';
  const departmentId = input.subject?.departmentId;
  if (kind === 'unit') {
    if (departmentId) return { field: names.departmentId, code: 'not_applicable', message: 'a unit rating names no department (its unit belongs to one)' };
    if (!input.unitId) return { field: names.unitId, code: 'required', message: 'required: the rated unit (or subject.kind department / leadership with subject.departmentId)' };
    return { subject: { kind, unitId: input.unitId, departmentId: null } };
  }
  if (!departmentId) return { field: names.departmentId, code: 'required', message: `required when subject.kind is ${kind}` };
  if (input.unitId) return { field: names.unitId, code: 'not_applicable', message: `a ${kind} rating rates the department, not a unit: leave unitId out` };
  if (input.caseId) return { field: names.caseId, code: 'not_applicable', message: `一事一评 rates a unit's case; a ${kind} rating has no case` };
  if (input.staffCode) return { field: names.staffCode, code: 'not_applicable', message: `a ${kind} rating has no serving staff member` };
  return { subject: { kind, unitId: null, departmentId } };
}

/** `checkSubject` for one request: 422 naming the field (prefixed as the caller's input nests it). */
export function resolveSubject(input: Parameters<typeof checkSubject>[0], fieldPrefix = ''): ResolvedSubject {
  const r = checkSubject(input);
  if ('field' in r) throw invalid(`${fieldPrefix}${r.field}`, r.message);
  return r.subject;
}

/**
 * Who may see something about a rated subject (a rating, its loop, an appeal against it): a unit's as the unit's scope
 * says (canSeeUnit); a department's own (department, leadership) the office's and that department's, never a unit's.
 */
export function canSeeSubject(ctx: RequestContext, s: { unitId: string | null; departmentId: string }): boolean {
  if (s.unitId) return canSeeUnit(ctx, { id: s.unitId, departmentId: s.departmentId });
  const scope = unitScope(ctx);
  return !scope.unitId && (!scope.departmentId || scope.departmentId === s.departmentId);
}
