import { and, asc, count, desc, eq, getTableColumns, gt, inArray, isNotNull, isNull, max, or, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Db } from '../../db/client.js';
import { copyEscape, copyText } from '../../db/copy-stage.js';
import { departmentQueries } from '../departments/queries.js';
import { enrollmentQueries } from '../enrollments/queries.js';
import { regionQueries } from '../regions/queries.js';
import { unitQueries } from '../units/queries.js';
import { INSUFFICIENT_SAMPLE } from './scoring.js';
import { rankingEntries, rankings } from './tables.js';
import type { Category } from '../units/schemas.js';

export type RankingRow = typeof rankings.$inferSelect;
export type RankingEntryInsert = typeof rankingEntries.$inferInsert;

const INSERT_CHUNK = 500;

/** An entry with its department and region names and its rank among the filtered ranked entries. */
export interface EntryRow {
  rankingId: string;
  unitId: string;
  unitName: string;
  departmentId: string;
  departmentName: string;
  regionId: string;
  regionName: string;
  category: Category;
  /** Null: under the minimum sample, not ranked (see scoring.ts rankWithinCategories). */
  rank: number | null;
  rankInFilter: number | null;
  position: number;
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
  /** Only while the ranking is published (the public's view): folds the visibility check into the same statement. */
  publishedOnly?: boolean;
}

function entryWhere(db: Db, rankingId: string, f: EntryFilter): SQL | undefined {
  return and(
    eq(rankingEntries.rankingId, rankingId),
    f.category ? eq(rankingEntries.category, f.category) : undefined,
    f.departmentId ? eq(rankingEntries.departmentId, f.departmentId) : undefined,
    f.flag ? sql`${rankingEntries.flags} @> array[${f.flag}]::text[]` : undefined,
    f.regionPath ? regionQueries.within(db, rankingEntries.regionId, f.regionPath) : undefined,
    // uncorrelated (the ranking's id, not the entry's column): one look-up for the statement, not one per entry
    f.publishedOnly ? sql`exists (select 1 from ${rankings} where ${rankings.id} = ${rankingId} and ${rankings.status} = 'published')` : undefined,
  );
}

const entryColumns = (departments: ReturnType<typeof departmentQueries.names>, regions: ReturnType<typeof regionQueries.names>) => ({
  rankingId: rankingEntries.rankingId,
  unitId: rankingEntries.unitId,
  unitName: rankingEntries.unitName,
  departmentId: rankingEntries.departmentId,
  departmentName: sql<string>`${departments.name}`.as('department_name'),
  regionId: rankingEntries.regionId,
  regionName: sql<string>`${regions.nameZh}`.as('region_name'),
  category: rankingEntries.category,
  rank: rankingEntries.rank,
  position: rankingEntries.position,
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
});

function selectEntries(db: Db, where: SQL | undefined) {
  const departments = departmentQueries.names(db);
  const regions = regionQueries.names(db);
  return db
    .select({
      ...entryColumns(departments, regions),
      // counted over the ranked entries the filter keeps; an unranked entry has no place among them
      rankInFilter: sql<number | null>`case when ${rankingEntries.rank} is null then null else row_number() over (partition by ${rankingEntries.category}, ${rankingEntries.rank} is null order by ${rankingEntries.position}) end`
        .mapWith((v) => (v === null ? null : Number(v)))
        .as('rank_in_filter'),
    })
    .from(rankingEntries)
    .innerJoin(departments, eq(departments.id, rankingEntries.departmentId))
    .innerJoin(regions, eq(regions.id, rankingEntries.regionId))
    .where(where);
}

/** The whole-cycle rankings (period null) or one period's. */
const samePeriod = (period: string | null) => (period === null ? isNull(rankings.period) : eq(rankings.period, period));

/** What the 排名靠后 list may name: an earned rank, and no insufficient_sample flag. */
const bottomEligible = () => sql`(${rankingEntries.rank} is not null and not (${rankingEntries.flags} @> array[${INSUFFICIENT_SAMPLE}]::text[]))`;

const COPY_COLUMNS =
  'ranking_id, unit_id, unit_name, department_id, region_id, category, rank, position, score, assessment, inspection, public_satisfaction, deductions, bonus, components, flags, ratings, scorecards, reports, p_low, p_high';

/**
 * The connection a drizzle transaction runs on (node-postgres), so COPY joins the transaction; undefined for a
 * pool-wide handle (a COPY there would run on whichever connection, outside any transaction) and on PGlite.
 */
function transactionClient(db: Db): pg.ClientBase | undefined {
  const client = (db as unknown as { session?: { client?: unknown } }).session?.client;
  return client instanceof pg.Client ? client : undefined;
}

const copyNumber = (n: number | null | undefined) => (n === null || n === undefined ? '\\N' : String(n));
/** A text[] in COPY text format: an array literal with every element quoted. */
const copyTextArray = (xs: readonly string[]) => copyEscape(`{${xs.map((x) => `"${x.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`);

/**
 * A jsonb value in COPY text format. JSON.stringify writes no raw tab, newline or carriage return (inside strings they
 * are escaped), so only a backslash needs doubling, and most explanations have none: no scan of 3 KB per entry by regex.
 */
const copyJson = (value: unknown) => {
  const json = JSON.stringify(value);
  return json.includes('\\') ? json.replaceAll('\\', '\\\\') : json;
};

function* copyLines(rows: RankingEntryInsert[]): Generator<string> {
  let buf = '';
  for (const r of rows) {
    buf +=
      [
        r.rankingId,
        r.unitId,
        copyText(r.unitName),
        r.departmentId,
        r.regionId,
        r.category,
        copyNumber(r.rank),
        copyNumber(r.position),
        copyNumber(r.score),
        copyNumber(r.assessment),
        copyNumber(r.inspection),
        copyNumber(r.publicSatisfaction),
        copyNumber(r.deductions ?? 0),
        copyNumber(r.bonus ?? 0),
        copyJson(r.components),
        copyTextArray(r.flags ?? []),
        copyNumber(r.ratings),
        copyNumber(r.scorecards),
        copyNumber(r.reports),
        copyNumber(r.pLow),
        copyNumber(r.pHigh),
      ].join('\t') + '\n';
    if (buf.length > 65536) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}

/** An entry's department and region names as scalar subqueries: read for the rows a statement returns (after its limit). */
function entryNames(db: Db) {
  const d = departmentQueries.names(db);
  const r = regionQueries.names(db);
  return {
    departmentName: sql<string>`(select ${d.name} from ${d} where ${d.id} = ${rankingEntries.departmentId})`,
    regionName: sql<string>`(select ${r.nameZh} from ${r} where ${r.id} = ${rankingEntries.regionId})`,
  };
}

/**
 * A page of entries with no filter but the category (GET /rankings/{id}/entries, the hot read): an index range scan
 * of ranking_entries_position_key from the cursor that stops at the limit, the names read for those rows only. With no
 * filter but the category, the rank among the matches IS the rank (ranked entries hold positions 1…k in rank order).
 * Built once per database handle and sent as named prepared statements (parsed and planned once per connection), over
 * plain columns: no subquery whose proxied fields drizzle would inspect for every value of every row.
 */
function preparePage(db: Db, name: string, after: boolean) {
  const { components: _explanation, ...listed } = getTableColumns(rankingEntries);
  return db
    .select({ ...listed, ...entryNames(db) })
    .from(rankingEntries)
    .where(
      and(
        eq(rankingEntries.rankingId, sql.placeholder('rankingId')),
        sql`(${sql.placeholder('category')}::unit_category is null or ${rankingEntries.category} = ${sql.placeholder('category')}::unit_category)`,
        // the whole index key in the row comparison, so the scan starts at the cursor rather than filtering up to it
        after
          ? sql`(${rankingEntries.rankingId}, ${rankingEntries.category}, ${rankingEntries.position}) > (${sql.placeholder('rankingId')}::uuid, ${sql.placeholder('afterCategory')}::unit_category, ${sql.placeholder('afterPosition')}::int)`
          : undefined,
        // uncorrelated: one look-up for the statement (an InitPlan), not one per entry
        sql`(not ${sql.placeholder('publishedOnly')}::boolean or exists (select 1 from ${rankings} where ${rankings.id} = ${sql.placeholder('rankingId')}::uuid and ${rankings.status} = 'published'))`,
      ),
    )
    .orderBy(asc(rankingEntries.category), asc(rankingEntries.position))
    .limit(sql.placeholder('limit'))
    .prepare(name);
}
const pageStatements = new WeakMap<Db, { first: ReturnType<typeof preparePage>; after: ReturnType<typeof preparePage> }>();
function pageStatementsOf(db: Db) {
  let s = pageStatements.get(db);
  if (!s) pageStatements.set(db, (s = { first: preparePage(db, 'ranking_entries_first_page', false), after: preparePage(db, 'ranking_entries_page_after', true) }));
  return s;
}

export const rankingsRepository = {
  async byId(db: Db, id: string): Promise<RankingRow | undefined> {
    const rows = await db.select().from(rankings).where(eq(rankings.id, id));
    return rows[0];
  },

  byIds(db: Db, ids: readonly string[]): Promise<RankingRow[]> {
    return db.select().from(rankings).where(inArray(rankings.id, [...ids]));
  },

  /** `period`: undefined lists every ranking of the cycle, null the whole-cycle ones, a key that period's; `periodsOnly`: every period ranking. */
  listByCycle(db: Db, f: { cycleId: string; publishedOnly: boolean; period?: string | null; periodsOnly?: boolean; afterId?: string; limit: number }): Promise<RankingRow[]> {
    return db
      .select()
      .from(rankings)
      .where(
        and(
          eq(rankings.cycleId, f.cycleId),
          f.publishedOnly ? eq(rankings.status, 'published') : undefined,
          f.period === undefined ? undefined : samePeriod(f.period),
          f.periodsOnly ? isNotNull(rankings.period) : undefined,
          f.afterId ? gt(rankings.id, f.afterId) : undefined,
        ),
      )
      .orderBy(asc(rankings.id))
      .limit(f.limit);
  },

  async insert(db: Db, row: typeof rankings.$inferInsert): Promise<RankingRow> {
    const [r] = await db.insert(rankings).values(row).returning();
    return r;
  },

  /**
   * Bulk insert of a computation's entries. Inside a transaction on PostgreSQL: ONE `COPY … FROM STDIN` on the
   * transaction's own connection (the explanation arrives as jsonb text, parsed once; at 10× campaign size this is
   * about half the time of the json_populate_recordset chunks, which parse every explanation twice). Elsewhere (PGlite,
   * or no transaction to hold the connection): chunks of ONE json parameter expanded by json_populate_recordset.
   */
  async insertEntries(db: Db, rows: RankingEntryInsert[]): Promise<void> {
    if (rows.length === 0) return;
    const client = transactionClient(db);
    if (client) {
      await pipeline(Readable.from(copyLines(rows)), client.query(copyFrom(`copy ranking_entries (${COPY_COLUMNS}) from stdin`)));
      return;
    }
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const chunk = rows.slice(i, i + INSERT_CHUNK).map((r) => ({
        ranking_id: r.rankingId,
        unit_id: r.unitId,
        unit_name: r.unitName,
        department_id: r.departmentId,
        region_id: r.regionId,
        category: r.category,
        rank: r.rank ?? null,
        position: r.position,
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

  /**
   * Refreshes the planner's statistics of ranking_id after a computation's bulk insert. Until then the new ranking's
   * id is in no statistics, the planner takes its ~20,000 entries for one, and an entries page joins and sorts the
   * whole ranking instead of reading 51 rows of ranking_entries_position_key. Samples 300 × the column's statistics
   * target (30, migration 0022) rows, not the table.
   */
  /**
   * Settings of a computation's own transaction: the aggregates over a cycle's ratings (one group per unit, level and
   * kind: ~100,000 at 10× campaign size) fit in memory instead of spilling to disk in batches at the default 4 MB.
   */
  async computeSettings(tx: Db): Promise<void> {
    await tx.execute(sql`set local work_mem = '64MB'`);
  },

  async analyzeEntries(db: Db): Promise<void> {
    await db.execute(sql`analyze ${rankingEntries} (ranking_id)`);
  },

  /** Serializes publications of one cycle: locks its rankings and returns the highest publication version. */
  async lockCycleVersions(db: Db, cycleId: string, period: string | null = null): Promise<number> {
    await db.select({ id: rankings.id }).from(rankings).where(eq(rankings.cycleId, cycleId)).for('update');
    const [r] = await db.select({ v: max(rankings.publicationVersion) }).from(rankings).where(and(eq(rankings.cycleId, cycleId), samePeriod(period)));
    return r?.v ?? 0;
  },

  async publish(db: Db, id: string, version: number, by: string, at: Date, correction: { supersedes: string | null; correctionReason: string | null }): Promise<RankingRow | undefined> {
    const [r] = await db
      .update(rankings)
      .set({ status: 'published', publicationVersion: version, publishedAt: at, publishedBy: by, ...correction })
      .where(and(eq(rankings.id, id), eq(rankings.status, 'draft')))
      .returning();
    return r;
  },

  /** The cycle's published ranking of that version (rankings_cycle_publication_key). */
  async publishedVersion(db: Db, cycleId: string, version: number, period: string | null = null): Promise<RankingRow | undefined> {
    const rows = await db.select().from(rankings).where(and(eq(rankings.cycleId, cycleId), eq(rankings.publicationVersion, version), samePeriod(period)));
    return rows[0];
  },

  /** The cycle's current published ranking: the highest publication version (of the whole cycle, or of one period). */
  async latestPublished(db: Db, cycleId: string, period: string | null = null): Promise<RankingRow | undefined> {
    const rows = await db
      .select()
      .from(rankings)
      .where(and(eq(rankings.cycleId, cycleId), eq(rankings.status, 'published'), samePeriod(period)))
      .orderBy(desc(rankings.publicationVersion))
      .limit(1);
    return rows[0];
  },

  /** What a diff reads of each entry: place, score, flags and the exclusions its explanation lists (not the whole explanation). */
  async diffRows(db: Db, rankingId: string) {
    const rows = await db
      .select({
        unitId: rankingEntries.unitId,
        unitName: rankingEntries.unitName,
        category: rankingEntries.category,
        rank: rankingEntries.rank,
        position: rankingEntries.position,
        score: rankingEntries.score,
        flags: rankingEntries.flags,
        exclusions: sql<unknown>`coalesce(${rankingEntries.components} -> 'exclusions', '[]'::jsonb)`,
      })
      .from(rankingEntries)
      .where(eq(rankingEntries.rankingId, rankingId));
    return rows;
  },

  /**
   * Entries matching the filter, in (category, position) order, with their rank among the ranked matches.
   *
   * With no filter but the category, a page is one of the prepared page statements (preparePage): its cost is the
   * page, not the ranking; without a limit, the whole ranking joined to the names. A department, region or flag filter
   * numbers its matches with a window over the filtered entries (bounded by the filter, read through the department and
   * region indexes), then pages them.
   */
  async entries(db: Db, rankingId: string, f: EntryFilter & { after?: { category: Category; position: number }; limit?: number }): Promise<EntryRow[]> {
    const narrowed = f.departmentId !== undefined || f.regionPath !== undefined || f.flag !== undefined;
    if (!narrowed && f.limit !== undefined) {
      const statements = pageStatementsOf(db);
      const params = { rankingId, category: f.category ?? null, publishedOnly: f.publishedOnly ?? false, limit: f.limit };
      const rows = f.after
        ? await statements.after.execute({ ...params, afterCategory: f.after.category, afterPosition: f.after.position })
        : await statements.first.execute(params);
      return rows.map((r) => ({ ...r, rankInFilter: r.rank }));
    }
    if (!narrowed) {
      // the whole ranking (snapshots, exports): every entry in order, joined to the names; plain columns, so drizzle
      // maps each value without inspecting a subquery's proxied fields
      const { components: _explanation, ...listed } = getTableColumns(rankingEntries);
      const departments = departmentQueries.names(db);
      const regions = regionQueries.names(db);
      const rows = await db
        .select({ ...listed, departmentName: sql<string>`${departments.name}`, regionName: sql<string>`${regions.nameZh}` })
        .from(rankingEntries)
        .innerJoin(departments, eq(departments.id, rankingEntries.departmentId))
        .innerJoin(regions, eq(regions.id, rankingEntries.regionId))
        .where(entryWhere(db, rankingId, f))
        .orderBy(asc(rankingEntries.category), asc(rankingEntries.position));
      return rows.map((r) => ({ ...r, rankInFilter: r.rank }));
    }
    const filtered = selectEntries(db, entryWhere(db, rankingId, f)).as('filtered');
    const q = db
      .select()
      .from(filtered)
      .where(f.after ? sql`(${filtered.category}, ${filtered.position}) > (${f.after.category}::unit_category, ${f.after.position})` : undefined)
      .orderBy(asc(filtered.category), asc(filtered.position));
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

  /**
   * The explanations of some (ranking, unit) pairs with what is shown of their ranking (id, status, version): one
   * statement for a loader's whole batch; `staff` false keeps drafts out in the same statement.
   */
  explanationsWithRanking(db: Db, rankingIds: readonly string[], unitIds: readonly string[], staff: boolean) {
    return db
      .select({
        rankingId: rankingEntries.rankingId,
        unitId: rankingEntries.unitId,
        unitName: rankingEntries.unitName,
        category: rankingEntries.category,
        rank: rankingEntries.rank,
        components: rankingEntries.components,
        status: rankings.status,
        publicationVersion: rankings.publicationVersion,
      })
      .from(rankingEntries)
      .innerJoin(rankings, eq(rankings.id, rankingEntries.rankingId))
      .where(and(inArray(rankingEntries.rankingId, [...rankingIds]), inArray(rankingEntries.unitId, [...unitIds]), staff ? undefined : eq(rankings.status, 'published')));
  },

  /** The categories that have entries in the ranking. */
  async presentCategories(db: Db, rankingId: string): Promise<Category[]> {
    const rows = await db
      .selectDistinct({ category: rankingEntries.category })
      .from(rankingEntries)
      .where(eq(rankingEntries.rankingId, rankingId))
      .orderBy(asc(rankingEntries.category));
    return rows.map((r) => r.category);
  },

  /** Per category, the units the bottom list counts: ranked and not flagged insufficient_sample (older snapshots ranked flagged units too). */
  async categorySizes(db: Db, rankingId: string): Promise<{ category: Category; n: number }[]> {
    return db
      .select({ category: rankingEntries.category, n: count() })
      .from(rankingEntries)
      .where(and(eq(rankingEntries.rankingId, rankingId), bottomEligible()))
      .groupBy(rankingEntries.category)
      .orderBy(asc(rankingEntries.category));
  },

  /** Ranked entries ranked below `threshold` in each category (worst first); flagged entries are never among them. */
  async bottom(db: Db, rankingId: string, thresholds: { category: Category; above: number }[]): Promise<EntryRow[]> {
    if (thresholds.length === 0) return [];
    const rows = await selectEntries(
      db,
      and(
        eq(rankingEntries.rankingId, rankingId),
        bottomEligible(),
        or(...thresholds.map((t) => and(eq(rankingEntries.category, t.category), gt(rankingEntries.rank, t.above)))),
      ),
    ).orderBy(asc(rankingEntries.category), desc(rankingEntries.rank));
    // The window above ranks among the bottom only; the bottom list shows category ranks, so rankInFilter = rank.
    return rows.map((r) => ({ ...r, rankInFilter: r.rank })) as EntryRow[];
  },

  /** Entries flagged insufficient_sample (too few samples to be named worst), in (category, position) order. */
  async insufficientSample(db: Db, rankingId: string, category?: Category): Promise<EntryRow[]> {
    const rows = await selectEntries(
      db,
      and(eq(rankingEntries.rankingId, rankingId), category ? eq(rankingEntries.category, category) : undefined, sql`not (${bottomEligible()})`),
    ).orderBy(asc(rankingEntries.category), asc(rankingEntries.position));
    return rows.map((r) => ({ ...r, rankInFilter: null })) as EntryRow[];
  },

  // ---- inputs: the units taking part; each channel's aggregate comes from the module that owns it (service.ts) ----

  /** Units taking part (参评: status enrolled), with the category they enrolled in and their unit facts. */
  enrolledUnits(db: Db, cycleId: string) {
    const p = enrollmentQueries.participantsOf(db, cycleId);
    const u = unitQueries.facts(db);
    return db
      .select({ unitId: p.unitId, category: p.category, unitName: u.name, departmentId: u.departmentId, regionId: u.regionId })
      .from(p)
      .innerJoin(u, eq(u.id, p.unitId));
  },
};
