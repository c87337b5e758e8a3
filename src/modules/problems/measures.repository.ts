import { and, asc, eq, gt } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { updateVersioned } from '../../db/versioned.js';
import { unitQueries } from '../units/queries.js';
import { problemMeasures } from './tables.js';
import type { ListMeasuresFilter } from './schemas.js';

export type MeasureRow = typeof problemMeasures.$inferSelect;

export const measuresRepository = {
  async insertMany(db: Db, rows: (typeof problemMeasures.$inferInsert)[]): Promise<MeasureRow[]> {
    if (rows.length === 0) return [];
    return db.insert(problemMeasures).values(rows).returning();
  },
  async byId(db: Db, id: string): Promise<MeasureRow | undefined> {
    return (await db.select().from(problemMeasures).where(eq(problemMeasures.id, id)))[0];
  },
  update(db: Db, id: string, expectedVersion: number, patch: Partial<typeof problemMeasures.$inferInsert>): Promise<MeasureRow | undefined> {
    return updateVersioned(db, problemMeasures, id, expectedVersion, patch);
  },
  list(db: Db, f: ListMeasuresFilter & { afterId?: string; limit: number }): Promise<MeasureRow[]> {
    return db
      .select()
      .from(problemMeasures)
      .where(
        and(
          f.problemId ? eq(problemMeasures.problemId, f.problemId) : undefined,
          f.unitId ? eq(problemMeasures.unitId, f.unitId) : undefined,
          f.departmentId ? eq(problemMeasures.departmentId, f.departmentId) : undefined,
          f.status ? eq(problemMeasures.status, f.status) : undefined,
          f.afterId ? gt(problemMeasures.id, f.afterId) : undefined,
        ),
      )
      .orderBy(asc(problemMeasures.id))
      .limit(f.limit);
  },
  async unitById(db: Db, id: string): Promise<{ id: string; departmentId: string } | undefined> {
    const u = await unitQueries.byId(db, id);
    return u && { id: u.id, departmentId: u.departmentId };
  },
};
