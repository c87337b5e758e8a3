import { and, asc, count, desc, eq, gt, inArray, like, max, or, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { prefixPattern } from '../../db/like.js';
import { complaints } from '../complaints/tables.js';
import { commendations } from '../awards/tables.js';
import { deeds } from '../deeds/tables.js';
import { departments } from '../departments/tables.js';
import { enrollments } from '../enrollments/tables.js';
import { inspectionFindings, inspectionReports, inspectionRounds, inspectionTasks } from '../supervision/tables.js';
import { problems } from '../problems/tables.js';
import { rankingEntries, rankings } from './tables.js';
import { ratings } from '../ratings/tables.js';
import { regions } from '../regions/tables.js';
import { scorecards } from '../assessments/tables.js';
import { units } from '../units/tables.js';
import type { Category } from '../units/schemas.js';

export type RankingRow = typeof rankings.$inferSelect;
export type RankingEntryInsert = typeof rankingEntries.$inferInsert;

const INSERT_CHUNK = 500;

/** An entry with its department and region names and its rank among the filtered entries. */
export interface EntryRow {
  rankingId: string;
  unitId: string;
  unitName: string;
  departmentId: string;
  departmentName: string;
  regionId: string;
  regionName: string;
  category: Category;
  rank: number;
  rankInFilter: number;
  score: number;
  assessment: number | null;
  inspection: number | null;
  publicSatisfaction: number | null;
  deductions: number;
  bonus: number;
  flags: string[];
  ratings: number;
  scorecards: number;
  reports: number;
  pLow: number | null;
  pHigh: number | null;
}

export interface EntryFilter {
  category?: Category;
  regionPath?: string;
  departmentId?: string;
  flag?: string;
}

const num = (column: SQL) => column.mapWith(Number);

function entryWhere(db: Db, rankingId: string, f: EntryFilter): SQL | undefined {
  return and(
    eq(rankingEntries.rankingId, rankingId),
    f.category ? eq(rankingEntries.category, f.category) : undefined,
    f.departmentId ? eq(rankingEntries.departmentId, f.departmentId) : undefined,
    f.flag ? sql`${rankingEntries.flags} @> array[${f.flag}]::text[]` : undefined,
    f.regionPath ? inArray(rankingEntries.regionId, db.select({ id: regions.id }).from(regions).where(like(regions.path, prefixPattern(f.regionPath)))) : undefined,
  );
}

const entryColumns = {
  rankingId: rankingEntries.rankingId,
  unitId: rankingEntries.unitId,
  unitName: rankingEntries.unitName,
  departmentId: rankingEntries.departmentId,
  departmentName: sql<string>`${departments.name}`.as('department_name'),
  regionId: rankingEntries.regionId,
  regionName: sql<string>`${regions.nameZh}`.as('region_name'),
  category: rankingEntries.category,
  rank: rankingEntries.rank,
  score: rankingEntries.score,
  assessment: rankingEntries.assessment,
  inspection: rankingEntries.inspection,
  publicSatisfaction: rankingEntries.publicSatisfaction,
  deductions: rankingEntries.deductions,
  bonus: rankingEntries.bonus,
  flags: rankingEntries.flags,
  ratings: rankingEntries.ratings,
  scorecards: rankingEntries.scorecards,
  reports: rankingEntries.reports,
  pLow: rankingEntries.pLow,
  pHigh: rankingEntries.pHigh,
};

function selectEntries(db: Db, where: SQL | undefined) {
  return db
    .select({ ...entryColumns, rankInFilter: sql<number>`row_number() over (partition by ${rankingEntries.category} order by ${rankingEntries.rank})`.mapWith(Number).as('rank_in_filter') })
    .from(rankingEntries)
    .innerJoin(departments, eq(departments.id, rankingEntries.departmentId))
    .innerJoin(regions, eq(regions.id, rankingEntries.regionId))
    .where(where);
}

export const rankingsRepository = {
  async byId(db: Db, id: string): Promise<RankingRow | undefined> {
    const rows = await db.select().from(rankings).where(eq(rankings.id, id));
    return rows[0];
  },

  byIds(db: Db, ids: readonly string[]): Promise<RankingRow[]> {
    return db.select().from(rankings).where(inArray(rankings.id, [...ids]));
  },

  listByCycle(db: Db, f: { cycleId: string; publishedOnly: boolean; afterId?: string; limit: number }): Promise<RankingRow[]> {
    return db
      .select()
      .from(rankings)
      .where(and(eq(rankings.cycleId, f.cycleId), f.publishedOnly ? eq(rankings.status, 'published') : undefined, f.afterId ? gt(rankings.id, f.afterId) : undefined))
      .orderBy(asc(rankings.id))
      .limit(f.limit);
  },

  async insert(db: Db, row: typeof rankings.$inferInsert): Promise<RankingRow> {
    const [r] = await db.insert(rankings).values(row).returning();
    return r;
  },

  /**
   * Bulk insert in chunks, each chunk ONE json parameter expanded by json_populate_recordset: at campaign scale this is
   * several times faster than a multi-row VALUES with twenty parameters per row (drizzle builds and binds each one).
   */
  async insertEntries(db: Db, rows: RankingEntryInsert[]): Promise<void> {
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const chunk = rows.slice(i, i + INSERT_CHUNK).map((r) => ({
        ranking_id: r.rankingId,
        unit_id: r.unitId,
        unit_name: r.unitName,
        department_id: r.departmentId,
        region_id: r.regionId,
        category: r.category,
        rank: r.rank,
        score: r.score,
        assessment: r.assessment ?? null,
        inspection: r.inspection ?? null,
        public_satisfaction: r.publicSatisfaction ?? null,
        deductions: r.deductions ?? 0,
        bonus: r.bonus ?? 0,
        components: r.components,
        flags: r.flags ?? [],
        ratings: r.ratings,
        scorecards: r.scorecards,
        reports: r.reports,
        p_low: r.pLow ?? null,
        p_high: r.pHigh ?? null,
      }));
      await db.execute(sql`insert into ${rankingEntries} select * from json_populate_recordset(null::ranking_entries, ${JSON.stringify(chunk)}::json)`);
    }
  },

  /** Serializes publications of one cycle: locks its rankings and returns the highest publication version. */
  async lockCycleVersions(db: Db, cycleId: string): Promise<number> {
    await db.select({ id: rankings.id }).from(rankings).where(eq(rankings.cycleId, cycleId)).for('update');
    const [r] = await db.select({ v: max(rankings.publicationVersion) }).from(rankings).where(eq(rankings.cycleId, cycleId));
    return r?.v ?? 0;
  },

  async publish(db: Db, id: string, version: number, by: string, at: Date): Promise<RankingRow | undefined> {
    const [r] = await db
      .update(rankings)
      .set({ status: 'published', publicationVersion: version, publishedAt: at, publishedBy: by })
      .where(and(eq(rankings.id, id), eq(rankings.status, 'draft')))
      .returning();
    return r;
  },

  /** Entries matching the filter, in (category, rank) order, with their rank among the matches. */
  async entries(db: Db, rankingId: string, f: EntryFilter & { after?: { category: Category; rank: number }; limit?: number }): Promise<EntryRow[]> {
    const filtered = selectEntries(db, entryWhere(db, rankingId, f)).as('filtered');
    const q = db
      .select()
      .from(filtered)
      .where(f.after ? sql`(${filtered.category}, ${filtered.rank}) > (${f.after.category}::unit_category, ${f.after.rank})` : undefined)
      .orderBy(asc(filtered.category), asc(filtered.rank));
    return (f.limit ? await q.limit(f.limit) : await q) as EntryRow[];
  },

  /** The explanations (and places) of some units in some rankings: one query for all. */
  explanations(db: Db, rankingIds: readonly string[], unitIds: readonly string[]) {
    return db
      .select({
        rankingId: rankingEntries.rankingId,
        unitId: rankingEntries.unitId,
        unitName: rankingEntries.unitName,
        category: rankingEntries.category,
        rank: rankingEntries.rank,
        components: rankingEntries.components,
      })
      .from(rankingEntries)
      .where(and(inArray(rankingEntries.rankingId, [...rankingIds]), inArray(rankingEntries.unitId, [...unitIds])));
  },

  async categorySizes(db: Db, rankingId: string): Promise<{ category: Category; n: number }[]> {
    return db
      .select({ category: rankingEntries.category, n: count() })
      .from(rankingEntries)
      .where(eq(rankingEntries.rankingId, rankingId))
      .groupBy(rankingEntries.category)
      .orderBy(asc(rankingEntries.category));
  },

  /** Entries ranked below `threshold` in each category (worst first). */
  async bottom(db: Db, rankingId: string, thresholds: { category: Category; above: number }[]): Promise<EntryRow[]> {
    if (thresholds.length === 0) return [];
    const rows = await selectEntries(
      db,
      and(eq(rankingEntries.rankingId, rankingId), or(...thresholds.map((t) => and(eq(rankingEntries.category, t.category), gt(rankingEntries.rank, t.above))))),
    ).orderBy(asc(rankingEntries.category), desc(rankingEntries.rank));
    // The window above ranks among the bottom only; the bottom list shows category ranks, so rankInFilter = rank.
    return rows.map((r) => ({ ...r, rankInFilter: r.rank })) as EntryRow[];
  },

  // ---- inputs: one aggregate query per channel over the whole cycle ----

  /** Units taking part (enrolled; not withdrawn or disqualified), with the category they enrolled in. */
  enrolledUnits(db: Db, cycleId: string) {
    return db
      .select({ unitId: enrollments.unitId, category: enrollments.category, unitName: units.name, departmentId: units.departmentId, regionId: units.regionId })
      .from(enrollments)
      .innerJoin(units, eq(units.id, enrollments.unitId))
      .where(and(eq(enrollments.cycleId, cycleId), eq(enrollments.status, 'enrolled')));
  },

  /** 考评: confirmed scorecards per unit, with their mean total. */
  scorecardStats(db: Db, cycleId: string) {
    return db
      .select({ unitId: scorecards.unitId, n: count(), mean: num(sql`avg(${scorecards.total})::float8`) })
      .from(scorecards)
      .where(and(eq(scorecards.cycleId, cycleId), eq(scorecards.status, 'confirmed')))
      .groupBy(scorecards.unitId);
  },

  /** 暗访: reports of reviewed tasks of the cycle's rounds, with the mean of each report's mean rating. */
  reportStats(db: Db, cycleId: string) {
    const r = inspectionReports;
    return db
      .select({
        unitId: r.unitId,
        n: count(),
        meanRating: num(sql`avg((${r.attitude} + ${r.efficiency} + ${r.quality} + ${r.environment} + ${r.discipline})::float8 / 5)`),
      })
      .from(r)
      .innerJoin(inspectionTasks, eq(inspectionTasks.id, r.taskId))
      .innerJoin(inspectionRounds, eq(inspectionRounds.id, inspectionTasks.roundId))
      .where(and(eq(inspectionRounds.cycleId, cycleId), eq(inspectionTasks.status, 'reviewed')))
      .groupBy(r.unitId);
  },

  /** Accepted findings of reviewed tasks of the cycle, per unit and severity. */
  findingCounts(db: Db, cycleId: string) {
    return db
      .select({ unitId: inspectionFindings.unitId, severity: inspectionFindings.severity, n: count() })
      .from(inspectionFindings)
      .innerJoin(inspectionTasks, eq(inspectionTasks.id, inspectionFindings.taskId))
      .innerJoin(inspectionRounds, eq(inspectionRounds.id, inspectionTasks.roundId))
      .where(and(eq(inspectionRounds.cycleId, cycleId), eq(inspectionTasks.status, 'reviewed'), eq(inspectionFindings.status, 'accepted')))
      .groupBy(inspectionFindings.unitId, inspectionFindings.severity);
  },

  /** 群众评价: ratings of the cycle per unit and level. */
  ratingLevels(db: Db, cycleId: string) {
    return db
      .select({ unitId: ratings.unitId, level: ratings.level, n: count() })
      .from(ratings)
      .where(eq(ratings.cycleId, cycleId))
      .groupBy(ratings.unitId, ratings.level);
  },

  /** Substantiated complaints (投诉属实) of the cycle per unit and severity (null: not recorded). */
  complaintCounts(db: Db, cycleId: string) {
    return db
      .select({ unitId: complaints.unitId, severity: complaints.severity, n: count() })
      .from(complaints)
      .where(and(eq(complaints.cycleId, cycleId), eq(complaints.substantiated, true)))
      .groupBy(complaints.unitId, complaints.severity);
  },

  /** Overdue problems of the cycle: deadline passed and not verified, or verified after the deadline. */
  overdueProblemCounts(db: Db, cycleId: string, now: Date) {
    return db
      .select({ unitId: problems.unitId, n: count() })
      .from(problems)
      .where(
        and(
          eq(problems.cycleId, cycleId),
          or(
            and(sql`${problems.status} <> 'verified'`, sql`${problems.deadline} < ${now.toISOString()}::timestamptz`),
            and(eq(problems.status, 'verified'), sql`${problems.verifiedAt} > ${problems.deadline}`),
          ),
        ),
      )
      .groupBy(problems.unitId);
  },

  /** Higher-level commendations (省纠风领导小组命名表彰, 省主管部门表彰 …) recorded for the cycle, per unit. */
  commendationCounts(db: Db, cycleId: string) {
    return db
      .select({ unitId: commendations.unitId, n: count() })
      .from(commendations)
      .where(eq(commendations.cycleId, cycleId))
      .groupBy(commendations.unitId);
  },

  /** 为群众办实事 deeds of the cycle per unit. */
  deedCounts(db: Db, cycleId: string) {
    return db.select({ unitId: deeds.unitId, n: count() }).from(deeds).where(eq(deeds.cycleId, cycleId)).groupBy(deeds.unitId);
  },
};
