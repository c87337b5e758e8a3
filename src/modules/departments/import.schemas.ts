import { z } from 'zod';
import { importJobSchema, importQueryOf } from '../../lib/import-routes.js';
import { divisionCodeSchema } from '../../lib/official-codes.js';
import { createDepartmentBody, updateDepartmentBody } from './schemas.js';

export const departmentImportQuery = importQueryOf(z.string().trim().min(1).max(100).default('file').describe('where the file comes from (kept on the job, e.g. 机构编制台账)'));
export type DepartmentImportOptions = z.infer<typeof departmentImportQuery>;

export const departmentImport = importJobSchema({
  id: 'DepartmentImport',
  description: 'A bulk create/update of departments (部门/行业) and its progress.',
  accepted: 'rows committed (created + updated)',
  duplicates: 'valid rows not applied because the department changed (another writer) between check and commit',
  extra: { created: z.number().int().describe('departments created'), updated: z.number().int().describe('departments updated') },
});
export type DepartmentImportDto = z.infer<typeof departmentImport>;

/** The columns (CSV header) / keys (NDJSON) of a department import row: the create fields, plus id and version to update and active. */
export const departmentImportColumns = ['id', 'version', 'orgCode', 'name', 'nameEn', 'sector', 'level', 'regionId', 'regionDivisionCode', 'active'] as const;

const create = createDepartmentBody.shape;
/** CSV cells are text: true/false (or 1/0) for a boolean. */
const booleanCell = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : v), schema);

/**
 * One department to create or update. The field rules are the departments module's own (schemas.ts); which fields a
 * new department needs and what an update may change are decided once the row is matched (import-service.ts).
 */
export const departmentImportRow = z.object({
  id: z.uuid().optional().describe('update this department'),
  version: z.coerce.number().int().min(1).optional().describe('the version you read: the row is rejected if the department changed since'),
  orgCode: create.orgCode,
  name: create.name.optional(),
  nameEn: create.nameEn,
  sector: create.sector.optional(),
  level: create.level.optional(),
  regionId: create.regionId.optional(),
  regionDivisionCode: divisionCodeSchema.optional().describe('the region by its 行政区划代码 (GB/T 2260), instead of regionId'),
  active: booleanCell(updateDepartmentBody.shape.active),
});
export type DepartmentImportRowInput = z.infer<typeof departmentImportRow>;
