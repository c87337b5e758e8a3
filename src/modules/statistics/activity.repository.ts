import { and, eq, inArray, isNotNull, or, sql } from 'drizzle-orm';
import type { AnyColumn, SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { investmentQueries } from '../investments/queries.js';
import { mediaQueries } from '../media/queries.js';
import { outreachQueries } from '../outreach/queries.js';
import { powerListQueries } from '../power-list/queries.js';
import { regionQueries } from '../regions/queries.js';
import { departmentIn, num, ofCycles, unitFiltered } from './repository.js';
import type { StatisticsScope } from './repository.js';

/**
 * The statements behind activity-figures.ts: one aggregate per figure group, grouped by code and month, so the
 * totals and the monthly series come from the same rows. Each reads the owning module's facts (its queries.ts).
 */
const month = (col: AnyColumn) => sql<string>`to_char(${col}, 'YYYY-MM')`;
const monthCst = (col: AnyColumn) => sql<string>`to_char(${col} at time zone 'Asia/Shanghai', 'YYYY-MM')`;
const sum = (col: AnyColumn | SQL) => num(sql`coalesce(sum(${col}), 0)`);

interface Helpers {
  withScoped: () => ReturnType<Db['with']>;
  unitIn: (col: AnyColumn) => SQL | undefined;
}

export async function activityFigureQueries(db: Db, s: StatisticsScope, { withScoped, unitIn }: Helpers) {
  const filtered = unitFiltered(s);
  const deptIn = (col: AnyColumn) => departmentIn(db, s, col);
  const regionIn = (col: AnyColumn) => (s.category || s.departmentId || !s.regionPath ? sql`false` : and(isNotNull(col), regionQueries.within(db, col, s.regionPath))!);
  const subjectIn = (c: { unitId: AnyColumn; departmentId: AnyColumn; regionId?: AnyColumn }) =>
    filtered ? or(unitIn(c.unitId), deptIn(c.departmentId), c.regionId ? regionIn(c.regionId) : undefined) : undefined;

  const o = outreachQueries.activityFacts(db);
  const g = outreachQueries.suggestionFacts(db);
  const m = mediaQueries.itemFacts(db);
  const p = powerListQueries.cleanupFacts(db);
  const i = investmentQueries.facts(db);
  const md = mediaQueries.departmentCoverage(db);
  const mu = mediaQueries.unitCoverage(db);
  const ma = mediaQueries.appearanceFacts(db);

  // Under a filter, a media item counts when it covered a matching department or unit.
  const mediaInScope = filtered
    ? or(
        inArray(m.id, db.select({ id: md.mediaItemId }).from(md).where(deptIn(md.departmentId))),
        inArray(m.id, db.select({ id: mu.mediaItemId }).from(mu).where(unitIn(mu.unitId))),
      )
    : undefined;
  const mediaIds = db.select({ id: m.id }).from(m).where(and(ofCycles(m.cycleId, m.publishedOn, s, 'date'), mediaInScope));

  const [outreach, suggestions, media, power, invest] = await Promise.all([
    withScoped()
      .select({ kind: o.kind, month: month(o.heldOn), n: num(sql`count(*)`), quantity: sum(o.quantity), secondary: sum(o.secondary) })
      .from(o)
      .where(and(ofCycles(o.cycleId, o.heldOn, s, 'date'), subjectIn(o)))
      .groupBy(o.kind, month(o.heldOn)),
    withScoped()
      .select({ status: g.status, month: month(g.receivedOn), n: num(sql`count(*)`) })
      .from(g)
      .where(and(ofCycles(g.cycleId, g.receivedOn, s, 'date'), subjectIn(g)))
      .groupBy(g.status, month(g.receivedOn)),
    // One statement for the media: the sums by kind and month, the heads who appeared (a correlated count) and the
    // distinct departments and units covered (scalar subqueries, the same on every row).
    withScoped()
      .select({
        kind: m.kind,
        month: month(m.publishedOn),
        quantity: sum(m.quantity),
        words: sum(m.wordCount),
        episodes: sum(m.episodes),
        messages: sum(m.messages),
        appearances: sum(sql`(${db.select({ n: sql`count(*)` }).from(ma).where(eq(ma.mediaItemId, m.id))})`),
        departmentsCovered: num(sql`(${db.select({ n: sql`count(distinct ${md.departmentId})` }).from(md).where(and(inArray(md.mediaItemId, mediaIds), filtered ? deptIn(md.departmentId) : undefined))})`),
        unitsCovered: num(sql`(${db.select({ n: sql`count(distinct ${mu.unitId})` }).from(mu).where(and(inArray(mu.mediaItemId, mediaIds), unitIn(mu.unitId)))})`),
      })
      .from(m)
      .where(inArray(m.id, mediaIds))
      .groupBy(m.kind, month(m.publishedOn)),
    db
      .select({ level: p.level, itemKind: p.itemKind, month: monthCst(p.createdAt), registered: sum(p.registered), kept: sum(p.kept), merged: sum(p.merged), abolished: sum(p.abolished) })
      .from(p)
      .where(and(ofCycles(p.cycleId, p.createdAt, s), filtered ? deptIn(p.departmentId) : undefined))
      .groupBy(p.level, p.itemKind, monthCst(p.createdAt)),
    withScoped()
      .select({ source: i.fundSource, month: month(i.investedOn), n: num(sql`count(*)`), fen: sum(i.amountFen), built: sum(i.builtQuantity) })
      .from(i)
      .where(and(ofCycles(i.cycleId, i.investedOn, s, 'date'), subjectIn(i)))
      .groupBy(i.fundSource, month(i.investedOn)),
  ]);
  return { outreach, suggestions, media, covered: { departments: media[0]?.departmentsCovered ?? 0, units: media[0]?.unitsCovered ?? 0 }, power, invest };
}

