import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/client.js';
import { idempotencyRepository } from './repository.js';
import type { IdempotencyKeyRow } from './repository.js';
import type { StoredHeaders } from './tables.js';

export type { IdempotencyKeyRow, StoredHeaders };

/**
 * Idempotency-Key (IETF httpapi draft): a retried POST is answered with the response of the first, so a timeout
 * never turns one complaint into two. The plugin (src/plugins/idempotency.ts) asks this service at three moments:
 * before the handler runs (`begin`), while it runs (`renew`, the lease) and once its response is known (`complete`
 * or `release`).
 *
 * - Scope: a token's holder (role and subject); the public shares the `anonymous` scope, so keys must be
 *   unpredictable (rules.ts).
 * - Fingerprint: method, route, path parameters, query, If-Match and body (canonical JSON of a parsed body; the
 *   sha-256 of a streamed one's bytes). Same key, other fingerprint → 422 idempotency_key_reused.
 * - What is replayed: every final response except 5xx (the key is released, so a retry runs again) and the 4xx
 *   that say "not now" rather than "not this" (408, 429, 409 concurrent_update). The draft replays errors too
 *   ("the result of the previously completed operation, success or an error"): a 409 rating_limit_reached or a 422
 *   is the answer to that request, and the client is to change the request (and its key) before trying again.
 *   Refusals before the handler (400 validation, 401, 403, 413, 415) never claim the key.
 * - Lease: the request that claims a key holds it for IDEMPOTENCY_LEASE_MS, renewed while it runs; a process that
 *   died leaves a row in progress that stops blocking when its lease ends, and the next retry runs the request.
 *   The response is stored after the handler's own transaction committed: a process killed between the two leaves
 *   a creation whose retry runs again (integration intake still has its (source, externalId) guard).
 * - Retention: IDEMPOTENCY_KEY_TTL_MS from first use (24 h by default), then the key is forgotten and swept.
 *
 * Keys are a replay cache of transport responses, not domain records: nothing here is audited; the creation a key
 * guards is audited by its own module in its own transaction. For the same reason no method takes `{ tx }`: a claim
 * must be committed before the handler runs, and its settlement must outlive the handler's rolled-back transaction.
 */
export type BeginOutcome =
  | { kind: 'owner'; token: string }
  | { kind: 'in_flight' }
  | { kind: 'reused'; route: string }
  | { kind: 'completed'; row: IdempotencyKeyRow };

export interface KeyRef {
  scope: string;
  key: string;
}

export function createIdempotencyService({ db, ttlMs, leaseMs }: { db: Db; ttlMs: number; leaseMs: number }) {
  return {
    leaseMs,

    /**
     * Claims the key for this request, or says why not: another request holds it (in flight), it was used for
     * another request (reused), or it completed (the caller compares fingerprints: a streamed body's is known only
     * once read). `fingerprint` is null for a streamed body, which is fingerprinted at completion.
     */
    async begin(ref: KeyRef & { route: string; fingerprint: string | null }): Promise<BeginOutcome> {
      // A key released between our claim and our read is claimed again; twice is plenty for that race.
      for (let attempt = 0; attempt < 3; attempt++) {
        const token = randomUUID();
        if (await idempotencyRepository.claim(db, { ...ref, leaseToken: token }, { leaseMs, ttlMs })) return { kind: 'owner', token };
        const row = await idempotencyRepository.find(db, ref.scope, ref.key);
        if (!row) continue;
        if (row.route !== ref.route) return { kind: 'reused', route: row.route };
        if (row.fingerprint !== null && ref.fingerprint !== null && row.fingerprint !== ref.fingerprint) return { kind: 'reused', route: row.route };
        if (row.state === 'in_progress') return { kind: 'in_flight' };
        return { kind: 'completed', row };
      }
      return { kind: 'in_flight' };
    },

    /** Extends the lease of a request still running; false once it lost the key. */
    renew: (ref: KeyRef, token: string): Promise<boolean> => idempotencyRepository.renew(db, ref.scope, ref.key, token, leaseMs),

    complete: (ref: KeyRef, token: string, response: { fingerprint: string; status: number; headers: StoredHeaders; body: string | null }): Promise<boolean> =>
      idempotencyRepository.complete(db, ref.scope, ref.key, token, response),

    release: (ref: KeyRef, token: string): Promise<void> => idempotencyRepository.release(db, ref.scope, ref.key, token),

    /** The expiry sweep: deletes expired keys in batches; returns how many went. */
    async sweepExpired(batchSize = 1000): Promise<number> {
      let total = 0;
      for (;;) {
        const n = await idempotencyRepository.deleteExpired(db, batchSize);
        total += n;
        if (n < batchSize) return total;
      }
    },
  };
}

export type IdempotencyService = ReturnType<typeof createIdempotencyService>;
