import { z } from 'zod';
import { isoDate, labelSchema } from '../../lib/http.js';
import type { Role } from '../../lib/principal.js';

/** The office and assessors record any department's cleanup; a department its own. */
export const POWER_LIST_WRITERS: Role[] = ['admin', 'inspector', 'department'];
export const POWER_LIST_READERS: Role[] = ['admin', 'inspector', 'department', 'integration'];

export const powerItemKinds = ['administrative_power', 'service_item'] as const;
export type PowerItemKind = (typeof powerItemKinds)[number];
export const powerItemKindLabels: Record<PowerItemKind, { zhCN: string; en: string }> = {
  administrative_power: { zhCN: '行政权力', en: 'Administrative power' },
  service_item: { zhCN: '政务服务事项', en: 'Government service item' },
};
export const powerItemKindSchema = z.enum(powerItemKinds).meta({ id: 'PowerItemKind', description: '行政权力 / 政务服务事项' });

export const cleanupOutcomes = ['kept', 'merged', 'abolished'] as const;
export type CleanupOutcome = (typeof cleanupOutcomes)[number];
export const cleanupOutcomeLabels: Record<CleanupOutcome, { zhCN: string; en: string }> = {
  kept: { zhCN: '保留', en: 'Kept' },
  merged: { zhCN: '合并', en: 'Merged' },
  abolished: { zhCN: '取消', en: 'Abolished' },
};

export const powerLevels = ['prefecture', 'county', 'township'] as const;
export type PowerLevel = (typeof powerLevels)[number];
export const powerLevelLabels: Record<PowerLevel, { zhCN: string; en: string }> = {
  prefecture: { zhCN: '州直', en: 'Prefecture-level' },
  county: { zhCN: '县市', en: 'County-level' },
  township: { zhCN: '乡镇', en: 'Township-level' },
};

export const MAX_POWER_ITEMS = 100_000;
export const MAX_LISTED_ITEMS = 2000;
const n = z.number().int().min(0).max(MAX_POWER_ITEMS);

const listedItem = z.strictObject({
  name: z.string().trim().min(1).max(500),
  outcome: z.enum(cleanupOutcomes),
  serviceItemCode: z.string().trim().min(1).max(100).nullable().optional().describe('kept items: the code in the service-item catalogue (政务服务事项目录), when it exists'),
});

export const createCleanupBody = z
  .strictObject({
    departmentId: z.uuid(),
    cycleId: z.uuid().nullable().optional(),
    itemKind: powerItemKindSchema,
    registered: n.describe('items registered for cleanup (清理事项)'),
    kept: n.describe('保留'),
    merged: n.describe('合并'),
    abolished: n.describe('取消'),
    notes: z.string().trim().max(2000).nullable().optional(),
    items: z.array(listedItem).max(MAX_LISTED_ITEMS).default([]).describe('optionally, the items one by one'),
  })
  .superRefine((b, ctx) => {
    if (b.kept + b.merged + b.abolished > b.registered) ctx.addIssue({ code: 'custom', path: ['registered'], message: 'kept + merged + abolished cannot exceed registered' });
    for (const o of cleanupOutcomes) {
      if (b.items.filter((i) => i.outcome === o).length > b[o]) ctx.addIssue({ code: 'custom', path: ['items'], message: `more items listed as ${o} than the ${o} count` });
    }
    b.items.forEach((i, k) => {
      if (i.serviceItemCode && i.outcome !== 'kept') ctx.addIssue({ code: 'custom', path: ['items', k, 'serviceItemCode'], message: 'only a kept item has a service-item code' });
    });
  });
export type CreateCleanupInput = z.infer<typeof createCleanupBody>;

/** A correction of the counts (or notes): the version read is required (If-Match or `version`). */
export const correctCleanupBody = z.strictObject({
  registered: n.optional(),
  kept: n.optional(),
  merged: n.optional(),
  abolished: n.optional(),
  notes: z.string().trim().max(2000).nullable().optional(),
  version: z.number().int().optional().describe('the version read, if you do not send If-Match'),
});
export type CorrectCleanupInput = z.infer<typeof correctCleanupBody>;

export const powerListItem = z
  .object({ id: z.uuid(), name: z.string(), outcome: z.enum(cleanupOutcomes), outcomeLabel: labelSchema, serviceItemCode: z.string().nullable() })
  .meta({ id: 'PowerListItem' });

export const powerListCleanup = z
  .object({
    id: z.uuid(),
    departmentId: z.uuid(),
    cycleId: z.uuid().nullable(),
    itemKind: powerItemKindSchema,
    itemKindLabel: labelSchema,
    level: z.enum(powerLevels).describe("the department's level when recorded"),
    levelLabel: labelSchema,
    registered: z.number().int(),
    kept: z.number().int(),
    merged: z.number().int(),
    abolished: z.number().int(),
    pending: z.number().int().describe('registered but not yet decided'),
    notes: z.string().nullable(),
    items: z.array(powerListItem),
    version: z.number().int(),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .meta({ id: 'PowerListCleanup', description: '行政权力清理: a department\'s registered powers or service items and the cleanup outcome' });
export type PowerListCleanupDto = z.infer<typeof powerListCleanup>;

export const listCleanupsQuery = z.object({
  departmentId: z.uuid().optional(),
  cycleId: z.uuid().optional(),
  itemKind: powerItemKindSchema.optional(),
  level: z.enum(powerLevels).optional(),
});
export type ListCleanupsFilter = z.infer<typeof listCleanupsQuery>;
