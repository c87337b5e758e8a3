import { and, asc, eq, gt, not, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { updateVersioned } from '../../db/versioned.js';
import { ratingFollowUps, ratings } from './tables.js';
import { unitQueries } from '../units/queries.js';
import type { UnitFilter } from '../units/queries.js';
import type { FollowUpStatus } from './follow-ups.schemas.js';
import { loopOverdueSql } from './queries.js';

export type FollowUpRow = typeof ratingFollowUps.$inferSelect;
/** `departmentId`: the rated unit's department, or the rated department itself (万人评机关, 领导班子). */
export type FollowUpWithRating = { followUp: FollowUpRow; rating: typeof ratings.$inferSelect; departmentId: string };

export interface FollowUpFilter {
  status?: FollowUpStatus;
  unitId?: string;
  units?: UnitFilter;
  /** A department's loops: those of its units and of its own (department and leadership) bad ratings. */
  department?: string;
  /** true: past the verification or call-back deadline at `now` (rules.ts loopIsOverdue); false: the others. */
  overdue?: boolean;
  now?: Date;
}

/** Follow-ups with their rating and the department they concern (for scoping), in one join. */
const withRating = (db: Db) => {
  const units = unitQueries.facts(db);
  return db
    .select({ followUp: ratingFollowUps, rating: ratings, departmentId: sql<string>`coalesce(${units.departmentId}, ${ratingFollowUps.departmentId})` })
    .from(ratingFollowUps)
    .innerJoin(ratings, eq(ratings.id, ratingFollowUps.ratingId))
    .leftJoin(units, eq(units.id, ratingFollowUps.unitId));
};

export const followUpsRepository = {
  async byId(db: Db, id: string): Promise<FollowUpWithRating | undefined> {
    const rows = await withRating(db).where(eq(ratingFollowUps.id, id));
    return rows[0];
  },
  async insert(db: Db, row: typeof ratingFollowUps.$inferInsert): Promise<FollowUpRow> {
    const [r] = await db.insert(ratingFollowUps).values(row).returning();
    return r;
  },
  async byRatingId(db: Db, ratingId: string): Promise<FollowUpRow | undefined> {
    const rows = await db.select().from(ratingFollowUps).where(eq(ratingFollowUps.ratingId, ratingId));
    return rows[0];
  },
  update(db: Db, id: string, expectedVersion: number, patch: Partial<typeof ratingFollowUps.$inferInsert>): Promise<FollowUpRow | undefined> {
    return updateVersioned(db, ratingFollowUps, id, expectedVersion, patch);
  },
  list(db: Db, f: FollowUpFilter & { afterId?: string; limit: number }): Promise<FollowUpWithRating[]> {
    return withRating(db)
      .where(
        and(
          f.status ? eq(ratingFollowUps.state, f.status) : undefined,
          f.unitId ? eq(ratingFollowUps.unitId, f.unitId) : undefined,
          unitQueries.unitIn(db, ratingFollowUps.unitId, f.units),
          f.department ? or(eq(ratingFollowUps.departmentId, f.department), unitQueries.unitIn(db, ratingFollowUps.unitId, { departmentId: f.department })) : undefined,
          f.overdue === true ? loopOverdueSql(f.now ?? new Date()) : undefined,
          f.overdue === false ? not(loopOverdueSql(f.now ?? new Date())) : undefined,
          f.afterId ? gt(ratingFollowUps.id, f.afterId) : undefined,
        ),
      )
      .orderBy(asc(ratingFollowUps.id))
      .limit(f.limit);
  },
};
