import { and, asc, desc, eq, gt, gte, inArray, isNull, lt, ne, or } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { updateVersioned } from '../../db/versioned.js';
import { complaintContacts, complaintEvents, complaints } from './tables.js';
import { departmentQueries } from '../departments/queries.js';
import { unitQueries } from '../units/queries.js';
import type { ComplaintCategory, ComplaintSource, ComplaintStatus } from './schemas.js';

export type ComplaintRow = typeof complaints.$inferSelect;
export type ComplaintEventRow = typeof complaintEvents.$inferSelect;
export type ComplaintContactRow = typeof complaintContacts.$inferSelect;
/** A complaint with its unit's department (through the unit, so a unit moving department moves its complaints). */
export interface ComplaintView {
  c: ComplaintRow;
  departmentId: string | null;
  /** The region of the unit it is against (county-office scope). */
  unitRegionId: string | null;
  departmentName: string | null;
}

export interface ComplaintFilter {
  status?: ComplaintStatus;
  /** Exclude a status (scoping: departments and units see complaints only once triaged). */
  notStatus?: ComplaintStatus;
  closed?: boolean;
  unitId?: string;
  departmentId?: string;
  /** Complaints against units in these regions (a county office's subtree); complaints with no unit yet are outside. */
  regionIds?: readonly string[];
  cycleId?: string;
  category?: ComplaintCategory;
  /** Any of these categories (Open311 comma lists). */
  categories?: readonly ComplaintCategory[];
  source?: ComplaintSource;
  overdue?: boolean;
  now?: Date;
  from?: Date;
  to?: Date;
  trackingCodes?: string[];
}

function where(db: Db, f: ComplaintFilter): SQL | undefined {
  const now = f.now ?? new Date();
  const w: (SQL | undefined)[] = [];
  if (f.status) w.push(eq(complaints.status, f.status));
  if (f.notStatus) w.push(ne(complaints.status, f.notStatus));
  if (f.closed === true) w.push(eq(complaints.status, 'closed'));
  if (f.closed === false) w.push(ne(complaints.status, 'closed'));
  if (f.unitId) w.push(eq(complaints.unitId, f.unitId));
  if (f.departmentId) w.push(unitQueries.ofDepartment(db, complaints.unitId, f.departmentId));
  if (f.regionIds) w.push(unitQueries.unitIn(db, complaints.unitId, { regionIds: f.regionIds }));
  if (f.cycleId) w.push(eq(complaints.cycleId, f.cycleId));
  if (f.category) w.push(eq(complaints.category, f.category));
  if (f.categories) w.push(inArray(complaints.category, [...f.categories]));
  if (f.source) w.push(eq(complaints.source, f.source));
  if (f.overdue === true) w.push(and(lt(complaints.stageDeadline, now), ne(complaints.status, 'closed')));
  if (f.overdue === false) w.push(or(isNull(complaints.stageDeadline), gte(complaints.stageDeadline, now), eq(complaints.status, 'closed')));
  if (f.from) w.push(gte(complaints.receivedAt, f.from));
  if (f.to) w.push(lt(complaints.receivedAt, f.to));
  if (f.trackingCodes) w.push(inArray(complaints.trackingCode, f.trackingCodes));
  return and(...w);
}

const view = (db: Db) => {
  const units = unitQueries.facts(db);
  const departments = departmentQueries.names(db);
  return db
    .select({ c: complaints, departmentId: units.departmentId, unitRegionId: units.regionId, departmentName: departments.name })
    .from(complaints)
    .leftJoin(units, eq(units.id, complaints.unitId))
    .leftJoin(departments, eq(departments.id, units.departmentId));
};

export const complaintsRepository = {
  async insert(db: Db, row: typeof complaints.$inferInsert): Promise<ComplaintRow> {
    const [r] = await db.insert(complaints).values(row).returning();
    return r;
  },
  async insertContact(db: Db, row: typeof complaintContacts.$inferInsert): Promise<void> {
    await db.insert(complaintContacts).values(row);
  },
  async insertEvent(db: Db, row: typeof complaintEvents.$inferInsert): Promise<ComplaintEventRow> {
    const [r] = await db.insert(complaintEvents).values(row).returning();
    return r;
  },
  async byId(db: Db, id: string): Promise<ComplaintView | undefined> {
    const rows = await view(db).where(eq(complaints.id, id));
    return rows[0];
  },
  /** Locks the row for a state transition, so two concurrent moves cannot both pass the state check. */
  async lock(db: Db, id: string): Promise<ComplaintRow | undefined> {
    const rows = await db.select().from(complaints).where(eq(complaints.id, id)).for('update');
    return rows[0];
  },
  byIds(db: Db, ids: readonly string[]): Promise<ComplaintView[]> {
    return view(db).where(inArray(complaints.id, [...ids]));
  },
  async byTrackingCode(db: Db, code: string): Promise<ComplaintView | undefined> {
    const rows = await view(db).where(eq(complaints.trackingCode, code));
    return rows[0];
  },
  async bySourceExternalId(db: Db, source: ComplaintSource, externalId: string): Promise<ComplaintRow | undefined> {
    const rows = await db
      .select()
      .from(complaints)
      .where(and(eq(complaints.source, source), eq(complaints.externalId, externalId)));
    return rows[0];
  },
  update(db: Db, id: string, expectedVersion: number, patch: Partial<typeof complaints.$inferInsert>): Promise<ComplaintRow | undefined> {
    return updateVersioned(db, complaints, id, expectedVersion, patch);
  },
  list(db: Db, f: ComplaintFilter & { afterId?: string; limit: number }): Promise<ComplaintView[]> {
    return view(db)
      .where(and(where(db, f), f.afterId ? gt(complaints.id, f.afterId) : undefined))
      .orderBy(asc(complaints.id))
      .limit(f.limit);
  },
  /** Newest first (Open311 lists). */
  listRecent(db: Db, f: ComplaintFilter & { limit: number }): Promise<ComplaintView[]> {
    return view(db).where(where(db, f)).orderBy(desc(complaints.id)).limit(f.limit);
  },
  contactsFor(db: Db, complaintIds: readonly string[]): Promise<ComplaintContactRow[]> {
    if (complaintIds.length === 0) return Promise.resolve([]);
    return db.select().from(complaintContacts).where(inArray(complaintContacts.complaintId, [...complaintIds]));
  },
  eventsFor(db: Db, complaintIds: readonly string[]): Promise<ComplaintEventRow[]> {
    if (complaintIds.length === 0) return Promise.resolve([]);
    return db
      .select()
      .from(complaintEvents)
      .where(inArray(complaintEvents.complaintId, [...complaintIds]))
      .orderBy(asc(complaintEvents.id));
  },
  substantiated(db: Db, cycleId: string | null | undefined, unitIds: readonly string[]): Promise<ComplaintRow[]> {
    if (unitIds.length === 0) return Promise.resolve([]);
    return db
      .select()
      .from(complaints)
      .where(and(inArray(complaints.unitId, [...unitIds]), eq(complaints.substantiated, true), cycleId ? eq(complaints.cycleId, cycleId) : undefined))
      .orderBy(asc(complaints.id));
  },
};
