import { canonicalJson, sha256 } from '../../lib/canonical.js';

/** The `prev_hash` of position 1. */
export const GENESIS_HASH = '0'.repeat(64);

/** What an entry's digest covers: everything it says, but not its place (the link binds seq and position). */
export interface EntryContent {
  occurredAt: Date;
  actor: string;
  role: string;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
  requestId: string | null;
}

/** SHA-256 of the entry's canonical JSON (keys sorted, dates as ISO strings); the writer stores it beside the entry. */
export function entryDigest(e: EntryContent): string {
  return sha256(entryCanonicalJson(e));
}

/** The text entryDigest hashes. */
export function entryCanonicalJson(e: EntryContent): string {
  return canonicalJson({
    occurredAt: e.occurredAt.toISOString(),
    actor: e.actor,
    role: e.role,
    action: e.action,
    entityType: e.entityType,
    entityId: e.entityId,
    before: e.before ?? null,
    after: e.after ?? null,
    requestId: e.requestId ?? null,
  });
}

/** A link's hash: its position, the entry it seals (seq and digest) and the previous link's hash. */
export function linkHash(link: { position: number; entrySeq: number; digest: string; prevHash: string }): string {
  return sha256(`manyi-audit-link|${link.position}|${link.entrySeq}|${link.digest}|${link.prevHash}`);
}
