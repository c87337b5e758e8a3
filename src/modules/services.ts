import type { Database } from '../db/client.js';
import { auditService } from './audit/service.js';
import { createRegionsService } from './regions/service.js';

/** Wires every domain service over one database; REST routes and GraphQL resolvers both use these. */
export function createServices(database: Database) {
  const db = database.db;
  const audit = auditService;
  const regions = createRegionsService({ db, audit });
  return { database, db, audit, regions };
}

export type Services = ReturnType<typeof createServices>;
