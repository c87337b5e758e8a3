import type { Db } from './client.js';
import { complaintQueries } from '../modules/complaints/queries.js';
import { problemQueries } from '../modules/problems/queries.js';
import { supervisionQueries } from '../modules/supervision/queries.js';

/** The records a decision may cite as evidence (awards transitions, disqualifications), by type: each module says which of its ids exist. */
const evidenceReaders = {
  complaint: complaintQueries.existingIds,
  inspection_report: supervisionQueries.existingReportIds,
  inspection_finding: supervisionQueries.existingFindingIds,
  problem: problemQueries.existingIds,
} satisfies Record<string, (db: Db, ids: readonly string[]) => Promise<Set<string>>>;
export type CheckedEvidenceType = keyof typeof evidenceReaders;
export const checkedEvidenceTypes = Object.keys(evidenceReaders) as CheckedEvidenceType[];

/** Which of these ids exist among the records of an evidence type (one query). */
export function existingEvidenceIds(db: Db, type: CheckedEvidenceType, ids: readonly string[]): Promise<Set<string>> {
  return evidenceReaders[type](db, ids);
}
