import { and, asc, eq, gt, gte, inArray, lte } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { cycleQueries } from '../cycles/queries.js';
import { departmentQueries } from '../departments/queries.js';
import { unitQueries } from '../units/queries.js';
import { mediaInquiryAppearances, mediaItemDepartments, mediaItemUnits, mediaItems } from './tables.js';
import type { MediaKind } from './schemas.js';

export type MediaItemRow = typeof mediaItems.$inferSelect;
export type AppearanceRow = typeof mediaInquiryAppearances.$inferSelect;
export interface MediaItemWithLinks extends MediaItemRow {
  departmentIds: string[];
  unitIds: string[];
  appearances: AppearanceRow[];
}

export interface MediaFilter {
  kind?: MediaKind;
  outlet?: string;
  cycleId?: string;
  departmentId?: string;
  unitId?: string;
  from?: string;
  to?: string;
}

const group = <T, K extends keyof T>(rows: T[], key: K) => {
  const m = new Map<T[K], T[]>();
  for (const r of rows) m.set(r[key], [...(m.get(r[key]) ?? []), r]);
  return m;
};

export const mediaRepository = {
  cycleExists: cycleQueries.exists,
  async existingDepartments(db: Db, ids: string[]): Promise<Set<string>> {
    return new Set(ids.length ? (await departmentQueries.byIds(db, ids)).map((d) => d.id) : []);
  },
  async existingUnits(db: Db, ids: string[]): Promise<Set<string>> {
    return new Set(ids.length ? (await unitQueries.byIds(db, ids)).map((u) => u.id) : []);
  },

  async insert(db: Db, row: typeof mediaItems.$inferInsert, links: { departmentIds: string[]; unitIds: string[]; appearances: Omit<typeof mediaInquiryAppearances.$inferInsert, 'mediaItemId' | 'position'>[] }): Promise<MediaItemWithLinks> {
    const [item] = await db.insert(mediaItems).values(row).returning();
    if (links.departmentIds.length) await db.insert(mediaItemDepartments).values(links.departmentIds.map((departmentId) => ({ mediaItemId: item.id, departmentId })));
    if (links.unitIds.length) await db.insert(mediaItemUnits).values(links.unitIds.map((unitId) => ({ mediaItemId: item.id, unitId })));
    const appearances = links.appearances.length
      ? await db.insert(mediaInquiryAppearances).values(links.appearances.map((a, position) => ({ ...a, mediaItemId: item.id, position }))).returning()
      : [];
    return { ...item, departmentIds: links.departmentIds, unitIds: links.unitIds, appearances };
  },

  /** Items with their coverage and appearances: three statements for any number of items. */
  async withLinks(db: Db, items: MediaItemRow[]): Promise<MediaItemWithLinks[]> {
    if (!items.length) return [];
    const ids = items.map((i) => i.id);
    const [ds, us, as] = await Promise.all([
      db.select().from(mediaItemDepartments).where(inArray(mediaItemDepartments.mediaItemId, ids)).orderBy(asc(mediaItemDepartments.departmentId)),
      db.select().from(mediaItemUnits).where(inArray(mediaItemUnits.mediaItemId, ids)).orderBy(asc(mediaItemUnits.unitId)),
      db.select().from(mediaInquiryAppearances).where(inArray(mediaInquiryAppearances.mediaItemId, ids)).orderBy(asc(mediaInquiryAppearances.position)),
    ]);
    const [byD, byU, byA] = [group(ds, 'mediaItemId'), group(us, 'mediaItemId'), group(as, 'mediaItemId')];
    return items.map((i) => ({
      ...i,
      departmentIds: (byD.get(i.id) ?? []).map((d) => d.departmentId),
      unitIds: (byU.get(i.id) ?? []).map((u) => u.unitId),
      appearances: byA.get(i.id) ?? [],
    }));
  },

  async byId(db: Db, id: string): Promise<MediaItemRow | undefined> {
    return (await db.select().from(mediaItems).where(eq(mediaItems.id, id)))[0];
  },

  list(db: Db, f: MediaFilter & { afterId?: string; limit: number }): Promise<MediaItemRow[]> {
    const m = mediaItems;
    return db
      .select()
      .from(m)
      .where(
        and(
          f.kind ? eq(m.kind, f.kind) : undefined,
          f.outlet ? eq(m.outlet, f.outlet) : undefined,
          f.cycleId ? eq(m.cycleId, f.cycleId) : undefined,
          f.from ? gte(m.publishedOn, f.from) : undefined,
          f.to ? lte(m.publishedOn, f.to) : undefined,
          f.departmentId ? inArray(m.id, db.select({ id: mediaItemDepartments.mediaItemId }).from(mediaItemDepartments).where(eq(mediaItemDepartments.departmentId, f.departmentId))) : undefined,
          f.unitId ? inArray(m.id, db.select({ id: mediaItemUnits.mediaItemId }).from(mediaItemUnits).where(eq(mediaItemUnits.unitId, f.unitId))) : undefined,
          f.afterId ? gt(m.id, f.afterId) : undefined,
        ),
      )
      .orderBy(asc(m.id))
      .limit(f.limit);
  },
};
