import { z } from 'zod';
import { isoDate } from '../../lib/http.js';
import { orgCodeSchema } from '../../lib/official-codes.js';
import { regionLevels } from '../regions/schemas.js';

export const department = z
  .object({
    id: z.uuid(),
    name: z.string(),
    nameEn: z.string().nullable(),
    sector: z.string().max(64).describe('sector code, e.g. power_supply, state_tax, health, forestry'),
    level: z.enum(regionLevels),
    regionId: z.uuid(),
    orgCode: z.string().nullable().describe('统一社会信用代码 or 组织机构代码'),
    active: z.boolean(),
    version: z.number().int(),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .meta({ id: 'Department', description: '部门/行业: a department or sector taking part in the campaign' });
export type DepartmentDto = z.infer<typeof department>;

const sector = z.string().trim().max(64).regex(/^[a-z][a-z0-9_]{1,63}$/, 'lower_snake_case code, e.g. power_supply');

export const createDepartmentBody = z.object({
  name: z.string().trim().min(1).max(200),
  nameEn: z.string().trim().min(1).max(200).nullable().optional(),
  sector,
  level: z.enum(regionLevels),
  regionId: z.uuid(),
  orgCode: orgCodeSchema.nullable().optional(),
});
export type CreateDepartmentInput = z.infer<typeof createDepartmentBody>;

export const updateDepartmentBody = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  nameEn: z.string().trim().min(1).max(200).nullable().optional(),
  sector: sector.optional(),
  orgCode: orgCodeSchema.nullable().optional(),
  active: z.boolean().optional(),
  version: z.number().int().optional().describe('the version you read, if you do not send If-Match'),
});
export type UpdateDepartmentInput = z.infer<typeof updateDepartmentBody>;

export const listDepartmentsQuery = z.object({
  sector: z.string().max(64).optional(),
  regionId: z.uuid().optional().describe('this region and its descendants'),
  active: z.boolean().optional(),
  q: z.string().trim().min(1).max(100).optional().describe('name contains'),
  orgCode: orgCodeSchema.optional(),
});
export type ListDepartmentsFilter = z.infer<typeof listDepartmentsQuery>;
