import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps, version } from '../../db/columns.js';
import type { Scope } from '../../lib/scopes.js';

/**
 * 集成客户端: a registered integration (a portal, the 12345 hotline, a survey vendor) that obtains short-lived tokens
 * with the client-credentials grant. Its secret is kept only as a SHA-256 digest; a rotated secret's digest stays
 * beside the new one until `previous_secret_expires_at` (the grace period).
 */
export const integrationClients = pgTable(
  'integration_clients',
  {
    id: id(),
    name: text('name').notNull(),
    description: text('description'),
    scopes: jsonb('scopes').$type<Scope[]>().notNull(),
    status: text('status', { enum: ['active', 'revoked'] }).notNull().default('active'),
    secretHash: text('secret_hash').notNull(),
    previousSecretHash: text('previous_secret_hash'),
    previousSecretExpiresAt: timestamp('previous_secret_expires_at', { withTimezone: true, mode: 'date' }),
    createdBy: text('created_by').notNull(),
    rotatedAt: timestamp('rotated_at', { withTimezone: true, mode: 'date' }),
    rotatedBy: text('rotated_by'),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
    revokedBy: text('revoked_by'),
    version: version(),
    ...timestamps(),
  },
  (t) => [index('integration_clients_status_idx').on(t.status, t.id)],
);

/** An Open311 api_key (GeoReport v2) issued to a client: kept as a SHA-256 digest, looked up by it. */
export const integrationApiKeys = pgTable(
  'integration_api_keys',
  {
    id: id(),
    clientId: uuid('client_id').notNull().references(() => integrationClients.id),
    keyHash: text('key_hash').notNull(),
    /** The key's first characters, so an admin can tell keys apart without the key. */
    prefix: text('prefix').notNull(),
    label: text('label'),
    status: text('status', { enum: ['active', 'revoked'] }).notNull().default('active'),
    createdBy: text('created_by').notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
    revokedBy: text('revoked_by'),
    ...timestamps(),
  },
  (t) => [uniqueIndex('integration_api_keys_hash_idx').on(t.keyHash), index('integration_api_keys_client_idx').on(t.clientId, t.id)],
);
