// drizzle-kit reads the tables from here. Each table belongs to its module (src/modules/<noun>/tables.ts);
// application code never imports this file: a module reads another module's data through its queries.
export * from '../../modules/regions/tables.js';
export * from '../../modules/departments/tables.js';
export * from '../../modules/units/tables.js';
export * from '../../modules/cycles/tables.js';
export * from '../../modules/enrollments/tables.js';
export * from '../../modules/criteria/tables.js';
export * from '../../modules/assessments/tables.js';
export * from '../../modules/audit/tables.js';
export * from '../../modules/complaints/tables.js';
export * from '../../modules/supervision/tables.js';
export * from '../../modules/problems/tables.js';
export * from '../../modules/deeds/tables.js';
export * from '../../modules/accountability/tables.js';
export * from '../../modules/ratings/tables.js';
export * from '../../modules/webhooks/tables.js';
export * from '../../modules/rankings/tables.js';
export * from '../../modules/awards/tables.js';
