import { z } from 'zod';
import { importJobSchema, importQueryOf } from '../../lib/import-routes.js';
import { orgCodeSchema } from '../../lib/official-codes.js';
import { categorySchema, serviceItem, unitFields } from './schemas.js';

export const unitImportQuery = importQueryOf(z.string().trim().min(1).max(100).default('file').describe('where the file comes from (kept on the job, e.g. 机构编制台账)'));
export type UnitImportOptions = z.infer<typeof unitImportQuery>;

export const unitImport = importJobSchema({
  id: 'UnitImport',
  description: 'A bulk create/update of units (基层站所/窗口) and its progress.',
  accepted: 'rows committed (created + updated)',
  duplicates: 'valid rows not applied because the unit changed (another writer) between check and commit',
  extra: { created: z.number().int().describe('units created'), updated: z.number().int().describe('units updated') },
});
export type UnitImportDto = z.infer<typeof unitImport>;

/** The columns (CSV header) / keys (NDJSON) of a unit import row: the unit's create fields, plus id and version to update. */
export const unitImportColumns = [
  'id',
  'version',
  'orgCode',
  'departmentId',
  'departmentOrgCode',
  'regionId',
  'regionCode',
  'category',
  'name',
  'nameEn',
  'headName',
  'headTitle',
  'address',
  'phone',
  'commitments',
  'serviceItems',
] as const;

/** A CSV cell holding a list is JSON text (`["…","…"]`); NDJSON carries the list itself. */
const jsonCell = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => {
    if (typeof v !== 'string') return v;
    try {
      return JSON.parse(v) as unknown;
    } catch {
      return v;
    }
  }, schema);

/**
 * One unit to create or update. The field rules are the units module's own (schemas.ts `unitFields`); which fields a new
 * unit needs (departmentId, regionId, category, name) is decided once the row is matched (import-service.ts).
 */
export const unitImportRow = z.object({
  id: z.uuid().optional().describe('update this unit'),
  version: z.coerce.number().int().min(1).optional().describe('the version you read: the row is rejected if the unit changed since'),
  departmentId: z.uuid().optional(),
  departmentOrgCode: orgCodeSchema.optional().describe("the department by its org code, instead of departmentId"),
  regionId: z.uuid().optional(),
  regionCode: z.string().trim().min(1).max(32).optional().describe('the region by its code (regions.code), instead of regionId'),
  category: categorySchema.optional(),
  ...unitFields,
  name: unitFields.name.optional(),
  commitments: jsonCell(unitFields.commitments),
  serviceItems: jsonCell(z.array(serviceItem).max(200).optional()),
});
export type UnitImportRowInput = z.infer<typeof unitImportRow>;
