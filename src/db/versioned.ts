import { and, eq } from 'drizzle-orm';
import type { PgColumn, PgTable, PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { Db } from './client.js';

/** A table with optimistic concurrency: an `id`, a `version` and an `updatedAt`. */
type VersionedTable = PgTable & { id: PgColumn; version: PgColumn; updatedAt: PgColumn };

/**
 * Compare-and-set update used by every repository: applies `patch` and bumps the version only if the row is
 * still at `expected`. Returns undefined when another writer got there first (the service answers 412).
 */
export async function updateVersioned<T extends VersionedTable>(
  db: Db,
  table: T,
  id: string,
  expected: number,
  patch: PgUpdateSetSource<T>,
): Promise<T['$inferSelect'] | undefined> {
  const set = { ...patch, version: expected + 1, updatedAt: new Date() } as PgUpdateSetSource<T>;
  const rows = (await db
    .update(table)
    .set(set)
    .where(and(eq(table.id, id), eq(table.version, expected)))
    .returning()) as T['$inferSelect'][];
  return rows[0];
}
