import type { Db } from '../db/client.js';
import { checkedEvidenceTypes, existingEvidenceIds } from '../db/evidence.js';
import { invalidMany } from './errors.js';

/**
 * Every cited record must exist: one query per evidence type, and the 422 names each missing `evidence.N.id`.
 * Types without a table of their own (e.g. `other`) are taken as given.
 */
export async function checkEvidence(tx: Db, evidence: readonly { type: string; id: string }[]): Promise<void> {
  const missing: { field: string; message: string }[] = [];
  for (const type of checkedEvidenceTypes) {
    const wanted = evidence.map((e, i) => ({ ...e, i })).filter((e) => e.type === type);
    if (wanted.length === 0) continue;
    const found = await existingEvidenceIds(tx, type, [...new Set(wanted.map((e) => e.id))]);
    for (const e of wanted) if (!found.has(e.id)) missing.push({ field: `evidence.${e.i}.id`, message: `${type} ${e.id} does not exist` });
  }
  if (missing.length) throw invalidMany(missing.sort((a, b) => a.field.localeCompare(b.field, 'en', { numeric: true })));
}
