import { z } from 'zod';
import { isoDate, labelSchema } from '../../lib/http.js';
import type { Role } from '../../lib/principal.js';
import { categorySchema } from '../units/schemas.js';

/** Only the office decides accountability; a department reads actions against itself or its units, a unit its own. */
export const ACCOUNTABILITY_READERS: Role[] = ['admin', 'department', 'unit'];

/** 问责 */
export const accountabilityTypes = ['interview', 'notice_of_criticism', 'disciplinary_action', 'demotion'] as const;
export type AccountabilityType = (typeof accountabilityTypes)[number];
export const accountabilityTypeLabels: Record<AccountabilityType, { zhCN: string; en: string }> = {
  interview: { zhCN: '约谈', en: 'Admonitory interview' },
  notice_of_criticism: { zhCN: '通报批评', en: 'Notice of criticism' },
  disciplinary_action: { zhCN: '党纪政纪处分', en: 'Party or administrative disciplinary action' },
  demotion: { zhCN: '降职', en: 'Demotion' },
};
export const accountabilityTypeSchema = z.enum(accountabilityTypes).meta({ id: 'AccountabilityType', description: '约谈 / 通报批评 / 党纪政纪处分 / 降职' });

export const targetKinds = ['person', 'unit', 'department'] as const;
export const causeTypes = ['inspection_finding', 'complaint', 'problem', 'ranking_entry'] as const;
export type AccountabilityCauseType = (typeof causeTypes)[number];

/** 通报批评 范围 (the source: 在全县范围内通报批评). */
export const criticismScopes = ['department', 'township', 'county', 'prefecture'] as const;
export type CriticismScope = (typeof criticismScopes)[number];
export const criticismScopeLabels: Record<CriticismScope, { zhCN: string; en: string }> = {
  department: { zhCN: '本系统内', en: 'Within the department’s sector' },
  township: { zhCN: '全乡(镇)范围', en: 'Township-wide' },
  county: { zhCN: '全县(市)范围', en: 'County-wide' },
  prefecture: { zhCN: '全州范围', en: 'Prefecture-wide' },
};
export const criticismScopeSchema = z
  .enum(criticismScopes)
  .meta({ id: 'CriticismScope', description: '通报批评 范围: department 本系统内, township 全乡(镇)范围, county 全县(市)范围, prefecture 全州范围' });

const name = (max: number) => z.string().trim().min(1).max(max);

/** Who is held accountable. A person is named with the unit or department they serve in, when known. */
export const accountabilityTargetInput = z.discriminatedUnion('kind', [
  z
    .strictObject({
      kind: z.literal('person'),
      personId: z.uuid().optional().describe('the person’s record (persons): name, post, unit and department default from it'),
      personName: name(100).optional().describe('required without personId'),
      personRole: name(100).optional().describe('the post held, e.g. 站长'),
      unitId: z.uuid().optional(),
      departmentId: z.uuid().optional(),
    })
    .refine((p) => p.personId || p.personName, { message: 'name the person: personId or personName', path: ['personName'] }),
  z.strictObject({ kind: z.literal('unit'), unitId: z.uuid() }),
  z.strictObject({ kind: z.literal('department'), departmentId: z.uuid() }),
]);
export type AccountabilityTargetInput = z.infer<typeof accountabilityTargetInput>;

export const accountabilityTarget = z
  .object({
    kind: z.enum(targetKinds),
    unitId: z.uuid().nullable(),
    departmentId: z.uuid().nullable(),
    personName: z.string().nullable(),
    personRole: z.string().nullable(),
    personId: z.uuid().nullable().optional().describe('the person’s record, when the person is registered (admin only: GET /persons/{id}/record)'),
  })
  .meta({ id: 'AccountabilityTarget' });

export const accountabilityCause = z
  .object({
    type: z.enum(causeTypes),
    id: z.uuid().describe('the finding, complaint or problem; for ranking_entry the published ranking'),
    unitId: z.uuid().optional().describe('ranking_entry: the unit whose entry (排名靠后) is cited; only with ranking_entry'),
  })
  .meta({ id: 'AccountabilityCause', description: 'the inspection finding, complaint, problem or published ranking entry (排名靠后) behind the action' });
export type AccountabilityCauseDto = z.infer<typeof accountabilityCause>;

export const accountabilityAction = z
  .object({
    id: z.uuid(),
    type: accountabilityTypeSchema,
    typeLabel: labelSchema,
    target: accountabilityTarget,
    reason: z.string(),
    decidedAt: isoDate,
    cause: accountabilityCause,
    relatedCauses: z.array(accountabilityCause).describe('further causes cited, e.g. the earlier rankings of a 连续排名靠后 streak'),
    scope: criticismScopeSchema.nullable().describe('通报批评 only: how far the notice goes'),
    scopeLabel: labelSchema.nullable(),
    version: z.number().int(),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .meta({ id: 'AccountabilityAction', description: '问责: an accountability action and what caused it' });
export type AccountabilityActionDto = z.infer<typeof accountabilityAction>;

export const createAccountabilityBody = z.object({
  type: accountabilityTypeSchema,
  target: accountabilityTargetInput,
  reason: z.string().trim().min(1).max(5000),
  decidedAt: isoDate,
  cause: accountabilityCause,
  relatedCauses: z.array(accountabilityCause).max(24).optional().describe('further causes, each validated like the cause'),
  scope: criticismScopeSchema.optional().describe('notice_of_criticism (通报批评) only: how far it goes (left out: not recorded); refused for the other types'),
});
export type CreateAccountabilityInput = z.infer<typeof createAccountabilityBody>;

export const listAccountabilityQuery = z.object({
  type: accountabilityTypeSchema.optional(),
  targetKind: z.enum(targetKinds).optional(),
  unitId: z.uuid().optional().describe('actions against this unit or a person in it'),
  departmentId: z.uuid().optional().describe('actions against this department, its units or people in them'),
  causeType: z.enum(causeTypes).optional(),
  causeId: z.uuid().optional(),
  personId: z.uuid().optional().describe('actions against this registered person'),
  from: isoDate.optional().describe('decided at or after'),
  to: isoDate.optional().describe('decided before'),
});
export type ListAccountabilityFilter = z.infer<typeof listAccountabilityQuery>;

/**
 * 连续排名靠后 → 问责: the cycle's rule (settings group `accountability`). A unit in the bottom `bottomN` of its
 * category's ranked units in `consecutivePeriods` consecutive published period rankings is due `actionType`.
 */
export const dueRule = z
  .object({
    bottomN: z.number().int().min(1).max(1000).describe('N: the bottom N ranked units of each category'),
    consecutivePeriods: z.number().int().min(1).max(24).describe('K: in K consecutive period rankings'),
    actionType: accountabilityTypeSchema.default('interview').describe('what is due, e.g. interview (约谈)'),
  })
  .meta({ id: 'AccountabilityDueRule' });
export type DueRule = z.infer<typeof dueRule>;
export const accountabilitySettings = z
  .object({ dueRule: dueRule.nullable().default(null).describe('null: no rule, nothing is listed as due') })
  .describe('问责 rules of the cycle');

export const dueQuery = z.object({ cycleId: z.uuid() });

const dueRanking = z
  .object({ rankingId: z.uuid(), period: z.string(), publicationVersion: z.number().int().nullable(), rank: z.number().int(), rankedUnits: z.number().int(), score: z.number() })
  .meta({ id: 'AccountabilityDueRanking' });

export const dueList = z
  .object({
    cycleId: z.uuid(),
    rule: dueRule.nullable(),
    periodRankings: z.number().int().describe('current published period rankings of the cycle considered'),
    items: z.array(
      z
        .object({
          unitId: z.uuid(),
          unitName: z.string(),
          departmentId: z.uuid(),
          category: categorySchema,
          actionType: accountabilityTypeSchema,
          rankings: z.array(dueRanking).describe('the K consecutive period rankings, oldest first'),
          action: z
            .object({
              type: accountabilityTypeSchema,
              target: z.object({ kind: z.literal('unit'), unitId: z.uuid() }),
              cause: accountabilityCause,
              relatedCauses: z.array(accountabilityCause),
            })
            .describe('the body to POST to /accountability-actions, with your reason and decidedAt (and scope for a notice of criticism)'),
        })
        .meta({ id: 'AccountabilityDueItem' }),
    ),
  })
  .meta({
    id: 'AccountabilityDueList',
    description:
      '应问责: units in the bottom N of K consecutive published period rankings, not yet acted on (no action cites the streak’s last entry). A streak counts once: after K periods it starts again. A period with no published ranking breaks it',
  });
export type DueListDto = z.infer<typeof dueList>;
