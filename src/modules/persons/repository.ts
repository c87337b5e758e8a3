import { and, asc, desc, eq, gt, ilike } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { containsPattern } from '../../db/like.js';
import { updateVersioned } from '../../db/versioned.js';
import { awardQueries } from '../awards/queries.js';
import { departmentQueries } from '../departments/queries.js';
import { regionQueries } from '../regions/queries.js';
import { unitQueries } from '../units/queries.js';
import { personRecordItems, persons } from './tables.js';
import type { ListPersonsFilter } from './schemas.js';

export type PersonRow = typeof persons.$inferSelect;
export type RecordItemRow = typeof personRecordItems.$inferSelect;

export const personsRepository = {
  async byId(db: Db, id: string): Promise<PersonRow | undefined> {
    return (await db.select().from(persons).where(eq(persons.id, id)))[0];
  },
  async insert(db: Db, row: typeof persons.$inferInsert): Promise<PersonRow> {
    const [r] = await db.insert(persons).values(row).returning();
    return r;
  },
  update(db: Db, id: string, expectedVersion: number, patch: Partial<typeof persons.$inferInsert>): Promise<PersonRow | undefined> {
    return updateVersioned(db, persons, id, expectedVersion, patch);
  },
  async remove(db: Db, id: string): Promise<void> {
    await db.delete(persons).where(eq(persons.id, id));
  },
  list(db: Db, f: ListPersonsFilter & { afterId?: string; limit: number }): Promise<PersonRow[]> {
    const where: (SQL | undefined)[] = [
      f.role ? eq(persons.role, f.role) : undefined,
      f.unitId ? eq(persons.unitId, f.unitId) : undefined,
      f.departmentId ? eq(persons.departmentId, f.departmentId) : undefined,
      f.regionId ? eq(persons.regionId, f.regionId) : undefined,
      f.q ? ilike(persons.name, containsPattern(f.q)) : undefined,
      f.afterId ? gt(persons.id, f.afterId) : undefined,
    ];
    return db.select().from(persons).where(and(...where)).orderBy(asc(persons.id)).limit(f.limit);
  },
  async insertItem(db: Db, row: typeof personRecordItems.$inferInsert): Promise<RecordItemRow> {
    const [r] = await db.insert(personRecordItems).values(row).returning();
    return r;
  },
  items(db: Db, personId: string): Promise<RecordItemRow[]> {
    return db.select().from(personRecordItems).where(eq(personRecordItems.personId, personId)).orderBy(desc(personRecordItems.decidedAt), desc(personRecordItems.id));
  },
  async hasItems(db: Db, personId: string): Promise<boolean> {
    return (await db.select({ id: personRecordItems.id }).from(personRecordItems).where(eq(personRecordItems.personId, personId)).limit(1)).length > 0;
  },
  async unitById(db: Db, id: string): Promise<{ id: string; departmentId: string } | undefined> {
    const u = await unitQueries.byId(db, id);
    return u && { id: u.id, departmentId: u.departmentId };
  },
  departmentExists: departmentQueries.exists,
  regionExists: regionQueries.exists,
  awardUnit: awardQueries.unitOfAward,
};
