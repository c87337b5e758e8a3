import type { Database } from '../db/client.js';
import { auditService } from './audit/service.js';
import { createDepartmentsService } from './departments/service.js';
import { createRegionsService } from './regions/service.js';
import { createUnitsService } from './units/service.js';

/** Wires every domain service over one database; REST routes and GraphQL resolvers both use these. */
export function createServices(database: Database) {
  const db = database.db;
  const audit = auditService;
  const regions = createRegionsService({ db, audit });
  const departments = createDepartmentsService({ db, audit, regions });
  const units = createUnitsService({ db, audit, regions });
  return { database, db, audit, regions, departments, units };
}

export type Services = ReturnType<typeof createServices>;
