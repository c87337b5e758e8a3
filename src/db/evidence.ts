import { inArray } from 'drizzle-orm';
import type { Db } from './client.js';
import { complaints, inspectionFindings, inspectionReports, problems } from './schema/index.js';

/** The records a decision may cite as evidence (awards transitions, disqualifications), by type. */
const evidenceTables = {
  complaint: complaints,
  inspection_report: inspectionReports,
  inspection_finding: inspectionFindings,
  problem: problems,
} as const;
export type CheckedEvidenceType = keyof typeof evidenceTables;
export const checkedEvidenceTypes = Object.keys(evidenceTables) as CheckedEvidenceType[];

/** Which of these ids exist in the table of an evidence type (one query). */
export async function existingEvidenceIds(db: Db, type: CheckedEvidenceType, ids: readonly string[]): Promise<Set<string>> {
  const table = evidenceTables[type];
  const rows = await db.select({ id: table.id }).from(table).where(inArray(table.id, [...ids]));
  return new Set(rows.map((r) => r.id));
}
