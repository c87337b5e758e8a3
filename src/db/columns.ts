import { integer, timestamp, uuid } from 'drizzle-orm/pg-core';
import { uuidv7 } from '../lib/ids.js';

export const id = () => uuid('id').primaryKey().$defaultFn(() => uuidv7());
export const version = () => integer('version').notNull().default(1);
export const timestamps = () => ({
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});
