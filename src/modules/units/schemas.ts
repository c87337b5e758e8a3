import { z } from 'zod';
import { isoDate, labelSchema } from '../../lib/http.js';
import { orgCodeSchema } from '../../lib/official-codes.js';

/** The three fixed categories; each has its own standard and its own ranking. */
export const categories = ['law_enforcement', 'public_service', 'economic_social_management'] as const;
export type Category = (typeof categories)[number];
export const categoryLabels: Record<Category, { zhCN: string; en: string }> = {
  law_enforcement: { zhCN: '行政执法', en: 'Administrative law enforcement' },
  public_service: { zhCN: '公共服务', en: 'Public service' },
  economic_social_management: { zhCN: '经济和社会管理', en: 'Economic and social management' },
};
export const categorySchema = z.enum(categories).meta({ id: 'Category', description: '行政执法 / 公共服务 / 经济和社会管理' });

import { serviceModes } from './tables.js';

export { serviceModes };
export const serviceModeLabels: Record<(typeof serviceModes)[number], { zhCN: string; en: string }> = {
  full_process: { zhCN: '全程服务', en: 'Full-process service' },
  first_contact_responsibility: { zhCN: '首问负责', en: 'First-contact responsibility' },
  committed: { zhCN: '承诺服务', en: 'Committed service' },
  time_limited: { zhCN: '限时服务', en: 'Time-limited service' },
  by_appointment: { zhCN: '预约服务', en: 'Service by appointment' },
};

export const serviceItem = z
  .object({
    name: z.string().trim().min(1).max(200),
    timeLimitDays: z.number().int().min(0).max(365).nullable().describe('promised time limit in working days (限时办结); null if none'),
    modes: z.array(z.enum(serviceModes)).max(5).default([]),
  })
  .meta({ id: 'ServiceItem' });

export const unit = z
  .object({
    id: z.uuid(),
    departmentId: z.uuid(),
    regionId: z.uuid(),
    category: categorySchema,
    name: z.string(),
    nameEn: z.string().nullable(),
    orgCode: z.string().nullable().describe('统一社会信用代码 or 组织机构代码'),
    headName: z.string().nullable().describe('负责人'),
    headTitle: z.string().nullable(),
    address: z.string().nullable(),
    phone: z.string().nullable(),
    commitments: z.array(z.string()).describe('公开服务承诺'),
    serviceItems: z.array(serviceItem),
    active: z.boolean(),
    deactivatedAt: isoDate.nullable(),
    deactivationReason: z.string().nullable(),
    version: z.number().int(),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .meta({ id: 'Unit', description: '基层站所/窗口: a grassroots service station or window' });
export type UnitDto = z.infer<typeof unit>;

export const unitFields = {
  name: z.string().trim().min(1).max(200),
  nameEn: z.string().trim().min(1).max(200).nullable().optional(),
  orgCode: orgCodeSchema.nullable().optional(),
  headName: z.string().trim().min(1).max(100).nullable().optional(),
  headTitle: z.string().trim().min(1).max(100).nullable().optional(),
  address: z.string().trim().min(1).max(500).nullable().optional(),
  phone: z.string().trim().min(3).max(40).nullable().optional(),
  commitments: z.array(z.string().trim().min(1).max(500)).max(50).optional(),
  serviceItems: z.array(serviceItem).max(200).optional(),
};

export const createUnitBody = z.object({
  departmentId: z.uuid(),
  regionId: z.uuid(),
  category: categorySchema,
  ...unitFields,
});
export type CreateUnitInput = z.infer<typeof createUnitBody>;

export const updateUnitBody = createUnitBody.partial().extend({
  version: z.number().int().optional().describe('the version you read, if you do not send If-Match'),
});
export type UpdateUnitInput = z.infer<typeof updateUnitBody>;

export const deactivateUnitBody = z.object({
  reason: z.string().trim().min(1).max(1000),
  version: z.number().int().optional(),
});
export const reactivateUnitBody = z.object({ version: z.number().int().optional() });

export const listUnitsQuery = z.object({
  category: categorySchema.optional(),
  regionId: z.uuid().optional().describe('this region and all regions below it'),
  departmentId: z.uuid().optional(),
  q: z.string().trim().min(1).max(100).optional().describe('name contains'),
  active: z.boolean().optional(),
  orgCode: orgCodeSchema.optional(),
});
export type ListUnitsFilter = z.infer<typeof listUnitsQuery>;

export const categoryInfo = z.object({ code: categorySchema, label: labelSchema }).meta({ id: 'CategoryInfo' });

/** What the public may see of a unit (公开): no internal state. */
export const publicUnit = unit
  .pick({ id: true, name: true, nameEn: true, category: true, headName: true, headTitle: true, address: true, phone: true, commitments: true, serviceItems: true, active: true })
  .extend({ categoryLabel: labelSchema, departmentName: z.string(), regionName: z.string() })
  .meta({ id: 'PublicUnit' });
export type PublicUnitDto = z.infer<typeof publicUnit>;
