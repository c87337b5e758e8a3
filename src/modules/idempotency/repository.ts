import { and, eq, inArray, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { idempotencyKeys } from './tables.js';
import type { StoredHeaders } from './tables.js';

export type IdempotencyKeyRow = typeof idempotencyKeys.$inferSelect;

const inMs = (ms: number) => sql`now() + (${ms} * interval '1 millisecond')`;
const owned = (scope: string, key: string, token: string) =>
  and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key), eq(idempotencyKeys.leaseToken, token), eq(idempotencyKeys.state, 'in_progress'));

/** Every time comparison uses the database clock, so several copies of the service agree on leases and expiry. */
export const idempotencyRepository = {
  /**
   * Takes the key for a request: a new row, or one whose time is up (completed and expired, or in progress with its
   * lease run out: the process running it died). Undefined when someone else holds it or has completed it; one statement, so two
   * racing requests cannot both win.
   */
  async claim(
    db: Db,
    row: { scope: string; key: string; route: string; fingerprint: string | null; leaseToken: string },
    { leaseMs, ttlMs }: { leaseMs: number; ttlMs: number },
  ): Promise<IdempotencyKeyRow | undefined> {
    const fresh = {
      route: row.route,
      fingerprint: row.fingerprint,
      state: 'in_progress' as const,
      leaseToken: row.leaseToken,
      leaseExpiresAt: inMs(leaseMs),
      responseStatus: null,
      responseHeaders: null,
      responseBody: null,
      createdAt: sql`now()`,
      completedAt: null,
      expiresAt: inMs(ttlMs),
    };
    const [r] = await db
      .insert(idempotencyKeys)
      .values({ scope: row.scope, key: row.key, ...fresh })
      .onConflictDoUpdate({
        target: [idempotencyKeys.scope, idempotencyKeys.key],
        set: fresh,
        // A request still holding its lease keeps the key, even past its expiry (a long import).
        setWhere: or(
          and(eq(idempotencyKeys.state, 'completed'), lte(idempotencyKeys.expiresAt, sql`now()`)),
          and(eq(idempotencyKeys.state, 'in_progress'), lte(idempotencyKeys.leaseExpiresAt, sql`now()`)),
        ),
      })
      .returning();
    return r;
  },
  async find(db: Db, scope: string, key: string): Promise<IdempotencyKeyRow | undefined> {
    const rows = await db.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
    return rows[0];
  },
  /** Extends a running request's lease; false when it no longer holds the key. */
  async renew(db: Db, scope: string, key: string, token: string, leaseMs: number): Promise<boolean> {
    const rows = await db.update(idempotencyKeys).set({ leaseExpiresAt: inMs(leaseMs) }).where(owned(scope, key, token)).returning({ key: idempotencyKeys.key });
    return rows.length > 0;
  },
  /** Stores the response to replay; false when the request no longer held the key (its lease ran out and another took it). */
  async complete(
    db: Db,
    scope: string,
    key: string,
    token: string,
    response: { fingerprint: string; status: number; headers: StoredHeaders; body: string | null },
  ): Promise<boolean> {
    const rows = await db
      .update(idempotencyKeys)
      .set({
        state: 'completed',
        fingerprint: response.fingerprint,
        leaseToken: null,
        leaseExpiresAt: null,
        responseStatus: response.status,
        responseHeaders: response.headers,
        responseBody: response.body,
        completedAt: sql`now()`,
      })
      .where(owned(scope, key, token))
      .returning({ key: idempotencyKeys.key });
    return rows.length > 0;
  },
  /** Forgets a key whose request produced nothing to replay (a 5xx), so a retry runs again. */
  async release(db: Db, scope: string, key: string, token: string): Promise<void> {
    await db.delete(idempotencyKeys).where(owned(scope, key, token));
  },
  /**
   * Deletes up to `limit` expired keys (a request still running past its expiry keeps its key until its lease ends);
   * returns how many. Walks the expires_at index.
   */
  async deleteExpired(db: Db, limit: number): Promise<number> {
    const due = db
      .select({ scope: idempotencyKeys.scope, key: idempotencyKeys.key })
      .from(idempotencyKeys)
      .where(
        and(
          lte(idempotencyKeys.expiresAt, sql`now()`),
          or(eq(idempotencyKeys.state, 'completed'), lte(idempotencyKeys.leaseExpiresAt, sql`now()`)),
        ),
      )
      .limit(limit);
    const rows = await db
      .delete(idempotencyKeys)
      .where(inArray(sql`(${idempotencyKeys.scope}, ${idempotencyKeys.key})`, due))
      .returning({ key: idempotencyKeys.key });
    return rows.length;
  },
};
