import { z } from 'zod';
import { isoDate, labelSchema } from '../../lib/http.js';
import type { Role } from '../../lib/principal.js';
import { serviceModeLabels, serviceModes } from '../units/schemas.js';

/** The office keeps every department's catalogue; a department keeps its own. */
export const ITEM_EDITORS: Role[] = ['admin', 'department'];
/** The catalogue is no secret: every signed-in role reads it (integrations need the ids to file cases). */
export const ITEM_READERS: Role[] = ['admin', 'inspector', 'supervisor', 'department', 'unit', 'integration'];

export const serviceItemStatuses = ['active', 'retired'] as const;
export type ServiceItemStatus = (typeof serviceItemStatuses)[number];
export const serviceItemStatusLabels: Record<ServiceItemStatus, { zhCN: string; en: string }> = {
  active: { zhCN: '在办', en: 'Active' },
  retired: { zhCN: '已取消', en: 'Retired' },
};

export const serviceModeSchema = z.enum(serviceModes).meta({ id: 'ServiceMode', description: '全程服务 / 首问负责 / 承诺服务 / 限时服务 / 预约服务' });

export const serviceItemDto = z
  .object({
    id: z.uuid(),
    departmentId: z.uuid(),
    code: z.string().describe('事项编码'),
    name: z.string(),
    nameEn: z.string().nullable(),
    promisedDays: z.number().int().describe('承诺时限 in working days; 0 = 即办'),
    modes: z.array(serviceModeSchema),
    modeLabels: z.array(labelSchema),
    status: z.enum(serviceItemStatuses),
    statusLabel: labelSchema,
    retiredAt: isoDate.nullable(),
    version: z.number().int(),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .meta({ id: 'CatalogueServiceItem', description: '政务服务事项: an item of a department’s service catalogue' });
export type ServiceItemDto = z.infer<typeof serviceItemDto>;

const itemCode = z
  .string()
  .trim()
  .regex(/^[0-9A-Za-z][0-9A-Za-z._-]{1,63}$/, 'letters, digits, dot, dash or underscore (事项编码), 2–64 characters');
const modes = z
  .array(serviceModeSchema)
  .max(serviceModes.length)
  .refine((m) => new Set(m).size === m.length, 'each mode once');

export const createServiceItemBody = z.object({
  departmentId: z.uuid(),
  code: itemCode,
  name: z.string().trim().min(1).max(200),
  nameEn: z.string().trim().min(1).max(200).nullable().optional(),
  promisedDays: z.number().int().min(0).max(365),
  modes: modes.default([]),
});
export type CreateServiceItemInput = z.infer<typeof createServiceItemBody>;

export const updateServiceItemBody = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  nameEn: z.string().trim().min(1).max(200).nullable().optional(),
  promisedDays: z.number().int().min(0).max(365).optional().describe('applies to cases received from now on'),
  modes: modes.optional(),
  status: z.enum(serviceItemStatuses).optional(),
  version: z.number().int().optional().describe('the version you read, if you do not send If-Match'),
});
export type UpdateServiceItemInput = z.infer<typeof updateServiceItemBody>;

export const listServiceItemsQuery = z.object({
  departmentId: z.uuid().optional(),
  unitId: z.uuid().optional().describe('items this unit offers'),
  status: z.enum(serviceItemStatuses).optional(),
  mode: serviceModeSchema.optional(),
  code: z.string().trim().min(1).max(64).optional(),
  q: z.string().trim().min(1).max(100).optional().describe('name contains'),
});
export type ListServiceItemsFilter = z.infer<typeof listServiceItemsQuery>;

export const setItemUnitsBody = z.object({
  unitIds: z
    .array(z.uuid())
    .max(2000)
    .refine((ids) => new Set(ids).size === ids.length, 'each unit once')
    .describe('the units that offer the item, replacing the previous set'),
});
export const itemUnits = z.object({ itemId: z.uuid(), unitIds: z.array(z.uuid()) }).meta({ id: 'ServiceItemUnits' });
export type ItemUnitsDto = z.infer<typeof itemUnits>;

export { serviceModeLabels };
