import { z } from 'zod';
import { cyclePhase } from './tables.js';
import { isoDate, labelSchema } from '../../lib/http.js';
import { categories, categorySchema } from '../units/schemas.js';

/** 创建周期 phases in their only order: 草稿 → 报名 → 考评 → 排名 → 命名 → 结束. */
export const phases = cyclePhase.enumValues;
export type Phase = (typeof phases)[number];
export const phaseLabels: Record<Phase, { zhCN: string; en: string }> = {
  draft: { zhCN: '草稿', en: 'Draft' },
  enrollment: { zhCN: '报名', en: 'Enrollment' },
  assessment: { zhCN: '考评', en: 'Assessment' },
  ranking: { zhCN: '排名', en: 'Ranking' },
  naming: { zhCN: '命名', en: 'Naming' },
  closed: { zhCN: '结束', en: 'Closed' },
};
export const phaseSchema = z.enum(phases).meta({ id: 'CyclePhase', description: '草稿/报名/考评/排名/命名/结束' });

/** The phase after `p`, or null once closed. */
export const nextPhase = (p: Phase): Phase | null => phases[phases.indexOf(p) + 1] ?? null;

const WEIGHT_TOLERANCE = 1e-9;
const count = z.number().int().min(0).max(100_000);

/*
 * Settings are built group by group. Each group is a plain zod object with its own rules. The cycles module owns
 * the core groups below; a module that keeps parameters in a cycle (rankings' `scoring`, awards' `awards`)
 * registers its own group, so cycles never imports it: old cycles read back with the group's defaults and every
 * create/update path validates it.
 */
const weights = z
  .object({
    assessment: z.number().min(0).max(1).describe('考评打分'),
    inspection: z.number().min(0).max(1).describe('暗访'),
    publicSatisfaction: z.number().min(0).max(1).describe('群众评价'),
  })
  .refine((w) => Math.abs(w.assessment + w.inspection + w.publicSatisfaction - 1) <= WEIGHT_TOLERANCE, {
    message: 'weights must sum to 1',
  })
  .describe('weight of each evaluation channel in the composite score; they sum to 1');

const quotaPair = z.object({ top100: count.describe('百佳'), top10: count.describe('十佳') });

const quotas = quotaPair
  .extend({
    perCategory: z
      .record(categorySchema, quotaPair)
      .nullable()
      .default(null)
      .describe('optional split per category; when given, every category is listed and the numbers sum to the totals'),
  })
  .superRefine((q, c) => {
    if (q.top10 > q.top100) c.addIssue({ code: 'custom', path: ['top10'], message: 'top10 cannot exceed top100' });
    if (!q.perCategory) return;
    const split = categories.map((k) => q.perCategory![k]).filter(Boolean);
    for (const k of categories) {
      const p = q.perCategory[k];
      if (p && p.top10 > p.top100) c.addIssue({ code: 'custom', path: ['perCategory', k, 'top10'], message: 'top10 cannot exceed top100' });
    }
    for (const key of ['top100', 'top10'] as const) {
      const sum = split.reduce((s, p) => s + p[key], 0);
      if (sum !== q[key]) c.addIssue({ code: 'custom', path: ['perCategory'], message: `per-category ${key} sums to ${sum}, not ${q[key]}` });
    }
  })
  .describe('award quotas: 百佳 top100 and 十佳 top10');

const minimumSamples = z
  .object({
    ratings: count.describe('群众评价 responses'),
    scorecards: count.describe('考评 scorecards'),
    inspectionReports: count.describe('暗访 reports'),
  })
  .describe('below these a unit is ranked but cannot be named');

const deadlineKeys = ['enrollmentEndsAt', 'assessmentEndsAt', 'rankingAt', 'namingAt'] as const;
const deadlines = z
  .object({
    enrollmentEndsAt: isoDate.nullable().default(null).describe('报名截止'),
    assessmentEndsAt: isoDate.nullable().default(null).describe('考评截止'),
    rankingAt: isoDate.nullable().default(null).describe('排名'),
    namingAt: isoDate.nullable().default(null).describe('命名'),
  })
  .superRefine((d, c) => {
    let previous: { key: string; at: number } | null = null;
    for (const key of deadlineKeys) {
      const v = d[key];
      if (!v) continue;
      const at = Date.parse(v);
      if (previous && at < previous.at) c.addIssue({ code: 'custom', path: [key], message: `${key} cannot be before ${previous.key}` });
      previous = { key, at };
    }
  })
  .describe('deadlines in order: enrollmentEndsAt ≤ assessmentEndsAt ≤ rankingAt ≤ namingAt');

const name = z.string().trim().min(1).max(200);
const year = z.number().int().min(2000).max(2100);

/** The groups the cycles module owns. Other modules add theirs with `registerSettingsGroup`. */
export const coreSettingsGroups = { weights, quotas, minimumSamples, deadlines };
type CoreSettings = { [K in keyof typeof coreSettingsGroups]: z.infer<(typeof coreSettingsGroups)[K]> };

/**
 * The settings of a cycle (as stored and returned): the core groups, plus the groups other modules keep in the
 * document (e.g. `scoring` of rankings, `awards` of awards), which each module reads and validates itself.
 */
export type CycleSettingsDto = CoreSettings & { [group: string]: unknown };
/** Settings as a client sends them: any group left out keeps its default (create) or current value (update). */
export type SettingsInput = Partial<CoreSettings> & { [group: string]: unknown };

export const defaultSettings = {
  weights: { assessment: 0.4, inspection: 0.3, publicSatisfaction: 0.3 },
  quotas: { top100: 100, top10: 10, perCategory: null },
  minimumSamples: { ratings: 30, scorecards: 1, inspectionReports: 1 },
  deadlines: { enrollmentEndsAt: null, assessmentEndsAt: null, rankingAt: null, namingAt: null },
} satisfies CycleSettingsDto;

const extraGroups = new Map<string, z.ZodType>();
let built: ReturnType<typeof buildSchemas> | undefined;

/**
 * Adds a module's group to every cycle's settings document (validated on create and update, documented in
 * OpenAPI). Optional: a cycle without it reads back with the module's defaults. Register while the services are
 * wired, before the first request or route; registering the same group again is a no-op.
 */
export function registerSettingsGroup(name: string, group: z.ZodType): void {
  if (extraGroups.get(name) === group) return;
  if (name in coreSettingsGroups || extraGroups.has(name)) throw new Error(`cycle settings group ${name} is already defined`);
  if (built) throw new Error(`cycle settings group ${name} registered after the cycle schemas were built`);
  extraGroups.set(name, group);
}

function buildSchemas() {
  const groups = { ...coreSettingsGroups, ...Object.fromEntries([...extraGroups].map(([name, g]) => [name, g.optional()])) };
  const cycleSettings = z.object(groups).meta({ id: 'CycleSettings', description: '周期设置: weights, quotas, minimum samples, deadlines' });
  const settingsInput = z.object(groups).partial();
  const cycle = z
    .object({
      id: z.uuid(),
      name: z.string(),
      year: z.number().int(),
      phase: phaseSchema,
      phaseLabel: labelSchema,
      nextPhase: phaseSchema.nullable().describe('the only phase it can move to; null once closed'),
      settings: cycleSettings,
      phaseChangedAt: isoDate,
      version: z.number().int(),
      createdAt: isoDate,
      updatedAt: isoDate,
    })
    .meta({ id: 'Cycle', description: '创建周期: one round of the campaign, usually a year' });
  return {
    cycleSettings,
    settingsInput,
    cycle,
    createCycleBody: z.object({ name, year, settings: settingsInput.optional() }),
    updateCycleBody: z.object({
      name: name.optional(),
      year: year.optional(),
      settings: settingsInput.optional().describe('only in draft and enrollment; groups left out keep their values'),
      version: z.number().int().optional().describe('the version you read, if you do not send If-Match'),
    }),
  };
}

/** The cycle schemas over the core and the registered groups, built once, at first use. */
export const cycleSchemas = () => (built ??= buildSchemas());

export type CycleDto = z.infer<ReturnType<typeof cycleSchemas>['cycle']>;

export type CreateCycleInput = { name: string; year: number; settings?: SettingsInput };
export type UpdateCycleInput = { name?: string; year?: number; settings?: SettingsInput; version?: number };

export const transitionBody = z.object({
  to: phaseSchema.describe('the next phase; phases only move forward, one at a time'),
  version: z.number().int().optional(),
});

export const listCyclesQuery = z.object({
  year: z.number().int().min(2000).max(2100).optional(),
  phase: phaseSchema.optional(),
});
export type ListCyclesFilter = z.infer<typeof listCyclesQuery>;
