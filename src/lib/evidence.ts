import type { Db } from '../db/client.js';
import { invalidMany } from './errors.js';

/** Which of some ids exist among one kind of record (one query); each module that owns such records has one. */
export type ExistingIds = (db: Db, ids: readonly string[]) => Promise<Set<string>>;

/** Checks that every cited record exists (throws 422 naming each missing `evidence.N.id`). */
export type EvidenceCheck = (tx: Db, evidence: readonly { type: string; id: string }[]) => Promise<void>;

/**
 * The check decisions run on the records they cite (award transitions, disqualifications): one query per
 * evidence type, through the reader of the module that owns the type. Types without a reader (e.g. `other`)
 * are taken as given. The readers are handed in where the services are wired, so lib knows no module.
 */
export function evidenceChecker(readers: Record<string, ExistingIds>): EvidenceCheck {
  return async (tx, evidence) => {
    const missing: { field: string; message: string }[] = [];
    for (const [type, existing] of Object.entries(readers)) {
      const wanted = evidence.map((e, i) => ({ ...e, i })).filter((e) => e.type === type);
      if (wanted.length === 0) continue;
      const found = await existing(tx, [...new Set(wanted.map((e) => e.id))]);
      for (const e of wanted) if (!found.has(e.id)) missing.push({ field: `evidence.${e.i}.id`, message: `${type} ${e.id} does not exist` });
    }
    if (missing.length) throw invalidMany(missing.sort((a, b) => a.field.localeCompare(b.field, 'en', { numeric: true })));
  };
}
