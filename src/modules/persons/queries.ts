import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { persons } from './tables.js';

/** What other modules may read of persons (人员): who someone is and where they serve. Never for public output. */
export const personQueries = {
  async byId(db: Db, id: string): Promise<{ id: string; name: string; post: string | null; unitId: string | null; departmentId: string | null } | undefined> {
    return (await db.select({ id: persons.id, name: persons.name, post: persons.post, unitId: persons.unitId, departmentId: persons.departmentId }).from(persons).where(eq(persons.id, id)))[0];
  },
};
