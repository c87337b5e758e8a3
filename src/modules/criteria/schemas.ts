import { z } from 'zod';
import type { CheckMethod, CriteriaDocument } from './tables.js';
export type { CheckMethod, CriteriaDocument };
import { isoDate, labelSchema } from '../../lib/http.js';
import { categorySchema } from '../units/schemas.js';

/** How an item is checked: 看现场 on site, 查资料 from documents, or by survey (问卷/测评). */
export const checkMethods = ['on_site', 'documents', 'survey'] as const satisfies readonly CheckMethod[];
export const checkMethodSchema = z.enum(checkMethods).meta({ id: 'CriteriaCheckMethod', description: '看现场 on_site / 查资料 documents / survey 问卷测评' });

/** Regular items of a set add up to exactly this many points (百分制). */
export const CRITERIA_TOTAL_POINTS = 100;
/** Bonus points (加分) a set may offer at most. */
export const MAX_BONUS_CAP = 20;

/** Points are kept in hundredths internally: 0.1 + 0.2 must compare equal to 0.3. */
export const toHundredths = (points: number) => Math.round(points * 100);

const hasAtMostTwoDecimals = (v: number) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-6;
const points = (max: number) =>
  z
    .number()
    .positive()
    .max(max)
    .refine(hasAtMostTwoDecimals, { message: 'at most 2 decimals' });

/** lower_snake or kebab identifiers: stable keys that scorecards refer to. */
const key = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*$/, 'a lower_snake or kebab-case identifier, e.g. "signage" or "public_notice"');

const title = z
  .object({
    zhCN: z.string().trim().min(1).max(200),
    en: z.string().trim().min(1).max(200).nullable().optional(),
  })
  .meta({ id: 'CriteriaTitle' });

const deductionRule = z
  .object({
    key,
    description: z.string().trim().min(1).max(500).describe('e.g. 每发现一次扣1分'),
    pointsPerOccurrence: points(CRITERIA_TOTAL_POINTS).describe('deducted per occurrence; at most the item\'s maxPoints'),
    cap: points(CRITERIA_TOTAL_POINTS).nullable().describe('most this rule may deduct in total; null: up to the item\'s maxPoints'),
  })
  .meta({ id: 'CriteriaDeductionRule', description: '扣分规则' });

const item = z
  .object({
    key,
    title,
    maxPoints: points(CRITERIA_TOTAL_POINTS),
    checkMethod: checkMethodSchema,
    deductionRules: z.array(deductionRule).max(50),
  })
  .meta({ id: 'CriteriaItem', description: '考核项目' });

const section = z
  .object({ key, title, items: z.array(item).min(1).max(100) })
  .meta({ id: 'CriteriaSection', description: 'e.g. 硬件标准化, 软件标准化, 群众路线' });

const bonusItem = z
  .object({ key, description: z.string().trim().min(1).max(500), maxPoints: points(MAX_BONUS_CAP) })
  .meta({ id: 'CriteriaBonusItem', description: '加分项目' });

const documentShape = {
  sections: z.array(section).min(1).max(50),
  bonusItems: z.array(bonusItem).max(50).default([]),
  bonusCap: z.number().min(0).max(MAX_BONUS_CAP).refine(hasAtMostTwoDecimals, { message: 'at most 2 decimals' }).default(0),
};

type DocumentInput = { [K in keyof typeof documentShape]: z.output<(typeof documentShape)[K]> };

/**
 * The rules that span fields: unique keys per scope and points that fit their item. Reported with the
 * full path so an editor can point at the offending input.
 */
function checkDocument(doc: DocumentInput, ctx: z.RefinementCtx) {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const sectionKeys = new Set<string>();
  const itemKeys = new Set<string>();
  doc.sections.forEach((s, si) => {
    if (sectionKeys.has(s.key)) issue(['sections', si, 'key'], `duplicate section key "${s.key}"`);
    sectionKeys.add(s.key);
    s.items.forEach((it, ii) => {
      const at = ['sections', si, 'items', ii];
      if (itemKeys.has(it.key)) issue([...at, 'key'], `duplicate item key "${it.key}" (item keys are unique across the set)`);
      itemKeys.add(it.key);
      const ruleKeys = new Set<string>();
      it.deductionRules.forEach((r, ri) => {
        const rat = [...at, 'deductionRules', ri];
        if (ruleKeys.has(r.key)) issue([...rat, 'key'], `duplicate rule key "${r.key}" in item "${it.key}"`);
        ruleKeys.add(r.key);
        if (r.pointsPerOccurrence > it.maxPoints) issue([...rat, 'pointsPerOccurrence'], `must not exceed the item's maxPoints (${it.maxPoints})`);
        if (r.cap !== null && r.cap > it.maxPoints) issue([...rat, 'cap'], `must not exceed the item's maxPoints (${it.maxPoints})`);
      });
    });
  });
  const bonusKeys = new Set<string>();
  doc.bonusItems.forEach((b, bi) => {
    if (bonusKeys.has(b.key)) issue(['bonusItems', bi, 'key'], `duplicate bonus item key "${b.key}"`);
    bonusKeys.add(b.key);
    if (b.maxPoints > doc.bonusCap) issue(['bonusItems', bi, 'maxPoints'], `must not exceed bonusCap (${doc.bonusCap})`);
  });
}

/** 创建标准/考核实施办法 document: sections of items, deduction rules, bonus items with a cap. */
export const criteriaDocument = z.object(documentShape).superRefine(checkDocument).meta({ id: 'CriteriaDocument' });

// The stored type lives with the table; this keeps the two from drifting apart.
const _sameShape: CriteriaDocument = {} as z.output<typeof criteriaDocument>;
void _sameShape;

export const criteriaSet = z
  .object({
    id: z.uuid(),
    cycleId: z.uuid(),
    category: categorySchema,
    revision: z.number().int().describe('1, 2, …; the newest is current'),
    frozen: z.boolean().describe('true once the cycle has left enrollment: no more revisions'),
    totalPoints: z.number().describe('sum of the regular items\' maxPoints (100)'),
    document: criteriaDocument,
    copiedFromId: z.uuid().nullable().describe('the criteria set revision this one was copied from'),
    createdBy: z.string(),
    createdAt: isoDate,
  })
  .meta({ id: 'CriteriaSet', description: '创建标准/考核实施办法: one revision of a category\'s standard in a cycle' });
export type CriteriaSetDto = z.infer<typeof criteriaSet>;

export const cycleParams = z.object({ cycleId: z.uuid() });
export const cycleCategoryParams = cycleParams.extend({ category: categorySchema });
export const revisionParams = cycleCategoryParams.extend({ revision: z.coerce.number().int().min(1) });

/** PUT body: the document itself, plus the revision you read if you do not send If-Match. */
export const saveCriteriaSetBody = z
  .object({
    ...documentShape,
    revision: z.number().int().min(1).optional().describe('the current revision you edited, if you do not send If-Match'),
  })
  .superRefine((b, ctx) => checkDocument(b, ctx));
export type SaveCriteriaSetBody = z.infer<typeof saveCriteriaSetBody>;

export const copyCriteriaSetBody = z.object({
  fromCycleId: z.uuid().describe('the earlier cycle whose current set of this category is copied'),
  revision: z.number().int().min(1).optional().describe('when this cycle already has a set: the current revision you expect to replace'),
});

export const checkMethodInfo = z.object({ code: checkMethodSchema, label: labelSchema }).meta({ id: 'CriteriaCheckMethodInfo' });
