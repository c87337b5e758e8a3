import { invalid } from '../../lib/errors.js';
import type { RatingSubjectInput } from './schemas.js';
import type { RatingSubjectKind } from './tables.js';

/** A rating's subject, resolved: a unit, or a department (万人评机关) or its leadership team (领导班子). */
export type ResolvedSubject =
  | { kind: 'unit'; unitId: string; departmentId: null }
  | { kind: Exclude<RatingSubjectKind, 'unit'>; unitId: null; departmentId: string };

/**
 * The one rule of a rating's subject (the table's ratings_subject_check says the same): a unit rating names its unit and
 * no department; a department or leadership rating names its department and no unit — nor a case (一事一评 rates a
 * unit's case) nor the staff who served. `fieldPrefix` names the fields as the caller's input spells them.
 */
export function resolveSubject(
  input: { unitId?: string; subject?: RatingSubjectInput; caseId?: string; staffCode?: string },
  fieldPrefix = '',
): ResolvedSubject {
  const kind = input.subject?.kind ?? 'unit';
  const departmentId = input.subject?.departmentId;
  if (kind === 'unit') {
    if (departmentId) throw invalid(`${fieldPrefix}subject.departmentId`, 'a unit rating names no department (its unit belongs to one)');
    if (!input.unitId) throw invalid(`${fieldPrefix}unitId`, 'required: the rated unit (or subject.kind department / leadership with subject.departmentId)');
    return { kind, unitId: input.unitId, departmentId: null };
  }
  if (!departmentId) throw invalid(`${fieldPrefix}subject.departmentId`, `required when subject.kind is ${kind}`);
  if (input.unitId) throw invalid(`${fieldPrefix}unitId`, `a ${kind} rating rates the department, not a unit: leave unitId out`);
  if (input.caseId) throw invalid(`${fieldPrefix}caseId`, `一事一评 rates a unit's case; a ${kind} rating has no case`);
  if (input.staffCode) throw invalid(`${fieldPrefix}staffCode`, `a ${kind} rating has no serving staff member`);
  return { kind, unitId: null, departmentId };
}
