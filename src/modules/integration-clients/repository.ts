import { and, asc, eq, gt, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { integrationApiKeys, integrationClients } from './tables.js';

export type ClientRow = typeof integrationClients.$inferSelect;
export type ApiKeyRow = typeof integrationApiKeys.$inferSelect;
export type ClientPatch = Partial<Pick<ClientRow, 'name' | 'description' | 'scopes' | 'status' | 'secretHash' | 'previousSecretHash' | 'previousSecretExpiresAt' | 'rotatedAt' | 'rotatedBy' | 'revokedAt' | 'revokedBy'>>;

export const integrationClientsRepository = {
  async byId(db: Db, id: string): Promise<ClientRow | undefined> {
    const [r] = await db.select().from(integrationClients).where(eq(integrationClients.id, id));
    return r;
  },
  async insert(db: Db, row: typeof integrationClients.$inferInsert): Promise<ClientRow> {
    const [r] = await db.insert(integrationClients).values(row).returning();
    return r;
  },
  list(db: Db, f: { status?: ClientRow['status']; afterId?: string; limit: number }): Promise<ClientRow[]> {
    return db
      .select()
      .from(integrationClients)
      .where(and(f.status ? eq(integrationClients.status, f.status) : undefined, f.afterId ? gt(integrationClients.id, f.afterId) : undefined))
      .orderBy(asc(integrationClients.id))
      .limit(f.limit);
  },
  /** Compare-and-set on the version: undefined when another change came first. */
  async update(db: Db, id: string, expected: number, patch: ClientPatch): Promise<ClientRow | undefined> {
    const [r] = await db
      .update(integrationClients)
      .set({ ...patch, version: expected + 1, updatedAt: new Date() })
      .where(and(eq(integrationClients.id, id), eq(integrationClients.version, expected)))
      .returning();
    return r;
  },
  async statuses(db: Db, ids: string[]): Promise<{ id: string; status: ClientRow['status'] }[]> {
    if (!ids.length) return [];
    return db.select({ id: integrationClients.id, status: integrationClients.status }).from(integrationClients).where(inArray(integrationClients.id, ids));
  },

  async insertKey(db: Db, row: typeof integrationApiKeys.$inferInsert): Promise<ApiKeyRow> {
    const [r] = await db.insert(integrationApiKeys).values(row).returning();
    return r;
  },
  async keyById(db: Db, clientId: string, id: string): Promise<ApiKeyRow | undefined> {
    const [r] = await db.select().from(integrationApiKeys).where(and(eq(integrationApiKeys.id, id), eq(integrationApiKeys.clientId, clientId)));
    return r;
  },
  /** A key with its client, found by the key's digest (unique index). */
  async keyByHash(db: Db, keyHash: string): Promise<{ key: ApiKeyRow; client: ClientRow } | undefined> {
    const [r] = await db
      .select({ key: integrationApiKeys, client: integrationClients })
      .from(integrationApiKeys)
      .innerJoin(integrationClients, eq(integrationClients.id, integrationApiKeys.clientId))
      .where(eq(integrationApiKeys.keyHash, keyHash));
    return r;
  },
  listKeys(db: Db, f: { clientId: string; afterId?: string; limit: number }): Promise<ApiKeyRow[]> {
    return db
      .select()
      .from(integrationApiKeys)
      .where(and(eq(integrationApiKeys.clientId, f.clientId), f.afterId ? gt(integrationApiKeys.id, f.afterId) : undefined))
      .orderBy(asc(integrationApiKeys.id))
      .limit(f.limit);
  },
  /** Revokes the active key (undefined when it was revoked already). */
  async revokeKey(db: Db, id: string, by: string, at: Date): Promise<ApiKeyRow | undefined> {
    const [r] = await db
      .update(integrationApiKeys)
      .set({ status: 'revoked', revokedAt: at, revokedBy: by, updatedAt: at })
      .where(and(eq(integrationApiKeys.id, id), eq(integrationApiKeys.status, 'active')))
      .returning();
    return r;
  },
};
