import type { Db } from '../../db/client.js';
import { invalid } from '../../lib/errors.js';
import { assessmentQueries } from '../assessments/queries.js';
import { awardQueries } from '../awards/queries.js';
import type { AuditService } from '../audit/service.js';
import { complaintQueries } from '../complaints/queries.js';
import { enrollmentQueries } from '../enrollments/queries.js';
import { isBad } from '../ratings/rules.js';
import { ratingQueries } from '../ratings/queries.js';
import { supervisionQueries } from '../supervision/queries.js';
import type { AppealKind } from './schemas.js';

/** The contested record as the appeal sees it: whose it is, which cycle it counts toward, and who recorded or decided it. */
export interface AppealSubject {
  /** The unit it concerns; null for a department's own (department, leadership) bad rating. */
  unitId: string | null;
  /** The rated department of a department's own bad rating (万人评机关, 领导班子); null when the subject concerns a unit. */
  departmentId?: string | null;
  cycleId: string | null;
  /**
   * 原经办人 — who may not decide the appeal. rating: the principal that submitted it (an integration, an office
   * import) and whoever cleared it from an integrity hold; scorecard deduction: the scorecard's inspector; finding: whoever
   * reported or reviewed its inspection task (from the audit log); disqualification: whoever disqualified the unit (audit
   * log); award transition: whoever made the move; complaint: whoever moved it through triage, investigation and decision.
   */
  actors: string[];
}

const missing = (kind: AppealKind, id: string) => invalid('subjectId', `${kind} ${id} does not exist`);
const notAppealable = (message: string) => invalid('subjectId', message);

/** Actors of audit entries on one record (optionally one action): one indexed read of the audit log. */
async function auditActors(audit: AuditService, entityType: string, entityId: string, action?: string): Promise<string[]> {
  const entries = await audit.list({ entityType, entityId, action, limit: 200 });
  return entries.map((e) => e.actor);
}

/**
 * Resolves the subject of an appeal through the module that owns it (never its tables): 422 `subjectId` when it
 * does not exist or is not something one appeals (a good rating, an unsubstantiated complaint, a finding not accepted,
 * an enrollment not disqualified).
 */
export async function resolveSubject(db: Db, audit: AuditService, kind: AppealKind, id: string): Promise<AppealSubject> {
  const uniq = (a: string[]) => [...new Set(a)];
  switch (kind) {
    case 'rating': {
      const r = await ratingQueries.appealSubject(db, id);
      if (!r) throw missing(kind, id);
      if (!isBad(r.level)) throw notAppealable(`rating ${id} is not a bad rating (差评: level 1 or 2)`);
      return { unitId: r.unitId, departmentId: r.departmentId, cycleId: r.cycleId, actors: uniq(r.actors) };
    }
    case 'scorecard_deduction': {
      const r = await assessmentQueries.deductionSubject(db, id);
      if (!r) throw missing(kind, id);
      return { ...r, actors: uniq(r.actors) };
    }
    case 'inspection_finding': {
      const r = await supervisionQueries.findingSubject(db, id);
      if (!r) throw missing(kind, id);
      if (r.status !== 'accepted') throw notAppealable(`inspection finding ${id} is ${r.status}; only an accepted finding weighs on a unit`);
      return { unitId: r.unitId, cycleId: r.cycleId, actors: uniq(await auditActors(audit, r.trail.entityType, r.trail.entityId)) };
    }
    case 'disqualification': {
      const r = await enrollmentQueries.appealSubject(db, id);
      if (!r) throw missing(kind, id);
      if (r.status !== 'disqualified') throw notAppealable(`enrollment ${id} is ${r.status}, not disqualified`);
      return { unitId: r.unitId, cycleId: r.cycleId, actors: uniq(await auditActors(audit, 'enrollment', id, 'enrollment.disqualified')) };
    }
    case 'award_transition': {
      const r = await awardQueries.transitionSubject(db, id);
      if (!r) throw missing(kind, id);
      return { unitId: r.unitId, cycleId: r.cycleId, actors: uniq(r.actors) };
    }
    case 'complaint': {
      const r = await complaintQueries.appealSubject(db, id);
      if (!r) throw missing(kind, id);
      if (r.substantiated !== true || !r.unitId) throw notAppealable(`complaint ${id} is not substantiated against a unit (投诉属实)`);
      return { unitId: r.unitId, cycleId: r.cycleId, actors: uniq(r.actors) };
    }
  }
}
