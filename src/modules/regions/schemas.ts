import { z } from 'zod';
import { isoDate, labelSchema } from '../../lib/http.js';
import { divisionCodeSchema } from '../../lib/official-codes.js';

export const regionLevels = ['prefecture', 'county', 'township'] as const;
/** 行政区 level labels (zh-CN / en). */
export const regionLevelLabels = {
  prefecture: { zhCN: '州/市', en: 'Prefecture' },
  county: { zhCN: '县/市', en: 'County or city' },
  township: { zhCN: '乡镇', en: 'Township' },
} as const;

export const region = z
  .object({
    id: z.uuid(),
    parentId: z.uuid().nullable(),
    level: z.enum(regionLevels),
    levelLabel: labelSchema,
    code: z.string(),
    divisionCode: z.string().nullable().describe('行政区划代码 (GB/T 2260, 6 digits)'),
    nameZh: z.string(),
    nameEn: z.string().nullable(),
    version: z.number().int(),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .meta({ id: 'Region', description: '行政区: prefecture → county/city → township' });
export type RegionDto = z.infer<typeof region>;

export const createRegionBody = z.object({
  parentId: z.uuid().nullable().default(null).describe('parent region; null only for a prefecture'),
  level: z.enum(regionLevels),
  code: z.string().trim().min(1).max(32).describe('administrative division code, unique'),
  divisionCode: divisionCodeSchema.nullable().optional(),
  nameZh: z.string().trim().min(1).max(100),
  nameEn: z.string().trim().min(1).max(100).nullable().optional(),
});
export type CreateRegionInput = z.infer<typeof createRegionBody>;

export const updateRegionBody = z.object({
  code: z.string().trim().min(1).max(32).optional(),
  divisionCode: divisionCodeSchema.nullable().optional(),
  nameZh: z.string().trim().min(1).max(100).optional(),
  nameEn: z.string().trim().min(1).max(100).nullable().optional(),
  version: z.number().int().optional().describe('the version you read, if you do not send If-Match'),
});
export type UpdateRegionInput = z.infer<typeof updateRegionBody>;

export const listRegionsQuery = z.object({
  parentId: z.uuid().optional(),
  level: z.enum(regionLevels).optional(),
  within: z.uuid().optional().describe('only this region and its descendants'),
  q: z.string().trim().min(1).max(100).optional().describe('name contains'),
  divisionCode: divisionCodeSchema.optional(),
});
export type ListRegionsFilter = z.infer<typeof listRegionsQuery>;
