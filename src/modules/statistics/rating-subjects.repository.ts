import { and, count, eq, inArray, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { departmentQueries } from '../departments/queries.js';
import { ratingQueries } from '../ratings/queries.js';
import { unitQueries } from '../units/queries.js';
import type { StatisticsInput } from './schemas.js';

/** Counts per subject kind, channel and level over the scope: ONE grouped statement. */
export function subjectCounts(db: Db, s: { cycleIds: string[]; departmentId?: string; regionPath?: string; category?: StatisticsInput['category'] }) {
  const r = ratingQueries.subjectFacts(db);
  const unitFilter = { departmentId: s.departmentId, regionPath: s.regionPath, category: s.category };
  const filtered = Object.values(unitFilter).some((v) => v !== undefined);
  const unitRatings = and(eq(r.subjectKind, 'unit'), filtered ? inArray(r.unitId, unitQueries.idsWhere(db, unitFilter)) : undefined);
  const departmentRatings = s.category
    ? sql`false`
    : and(
        sql`${r.subjectKind} <> 'unit'`,
        s.departmentId ? eq(r.departmentId, s.departmentId) : undefined,
        s.regionPath ? inArray(r.departmentId, departmentQueries.idsWithin(db, s.regionPath)) : undefined,
      );
  return db
    .select({ subjectKind: r.subjectKind, channel: r.channel, level: r.level, n: count() })
    .from(r)
    .where(and(s.cycleIds.length ? inArray(r.cycleId, s.cycleIds) : sql`false`, sql`${r.counts}`, or(unitRatings, departmentRatings)))
    .groupBy(r.subjectKind, r.channel, r.level);
}

