import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const idempotencyStates = ['in_progress', 'completed'] as const;
export type IdempotencyState = (typeof idempotencyStates)[number];

/** The response headers a replay repeats (lower-case names); the others are the replay's own (request id, CORS). */
export type StoredHeaders = Partial<Record<'location' | 'etag' | 'content-type', string>>;

/**
 * One Idempotency-Key a caller sent (IETF httpapi draft), per (caller scope, key): what the request was (its
 * fingerprint), whether it is still running, and the response a retry is answered with. Not a domain record: the
 * creation it guards is stored and audited by its own module; rows expire and are swept.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    /** Whose key: `<role>:<subject>` of the token, or `anonymous` (the public shares one scope, see service.ts). */
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    /** `POST /api/v1/regions`: the route pattern the key was first used on, to name it in a refusal. */
    route: text('route').notNull(),
    /**
     * sha-256 of method, route, parameters, query, If-Match and body. Null only while a streamed body (a rating import) is
     * still being read: its digest is known once the handler has read the body to its end.
     */
    fingerprint: text('fingerprint'),
    state: text('state', { enum: idempotencyStates }).notNull().default('in_progress'),
    /** The claim of the request that runs it; completion and release only touch the row while it holds this. */
    leaseToken: uuid('lease_token'),
    /** While `in_progress`: past this instant the running process is presumed dead and another request may take the key. */
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true, mode: 'date' }),
    responseStatus: integer('response_status'),
    responseHeaders: jsonb('response_headers').$type<StoredHeaders>(),
    responseBody: text('response_body'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'date' }),
    /** created_at + IDEMPOTENCY_KEY_TTL_MS: afterwards the key is forgotten (and swept). */
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    primaryKey({ name: 'idempotency_keys_pkey', columns: [t.scope, t.key] }),
    // The expiry sweep filters on this.
    index('idempotency_keys_expires_at_idx').on(t.expiresAt),
    check('idempotency_keys_state_check', sql`${t.state} in ('in_progress', 'completed')`),
    check('idempotency_keys_completed_check', sql`${t.state} <> 'completed' or (${t.responseStatus} is not null and ${t.fingerprint} is not null)`),
  ],
);
