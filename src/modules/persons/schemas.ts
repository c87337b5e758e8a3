import { z } from 'zod';
import { isoDate, labelSchema } from '../../lib/http.js';
import type { Role } from '../../lib/principal.js';
import { personRecordType, personRole } from './tables.js';

/** A person's record is the basis for 晋职晋级: the campaign office only (never public, never in statistics). */
export const PERSON_READERS: Role[] = ['admin'];

type Label = { zhCN: string; en: string };

export const personRoles = personRole.enumValues;
export type PersonRole = (typeof personRoles)[number];
export const personRoleLabels: Record<PersonRole, Label> = {
  unit_head: { zhCN: '站所负责人', en: 'Head of unit' },
  unit_staff: { zhCN: '工作人员', en: 'Staff member' },
  department_leader: { zhCN: '部门领导', en: 'Department leader' },
  township_leader: { zhCN: '乡镇领导', en: 'Township leader' },
};
export const personRoleSchema = z.enum(personRoles).meta({ id: 'PersonRole', description: '站所负责人 / 工作人员 / 部门领导 / 乡镇领导' });

export const sanctionTypes = ['warning', 'demerit', 'major_demerit', 'downgrade', 'demotion', 'dismissal', 'expulsion', 'party_warning', 'party_serious_warning'] as const;
export const honourTypes = ['commendation', 'merit', 'honorary_title', 'award'] as const;
export type PersonRecordType = (typeof personRecordType.enumValues)[number];
export const recordTypeLabels: Record<PersonRecordType, Label> = {
  warning: { zhCN: '警告', en: 'Warning' },
  demerit: { zhCN: '记过', en: 'Demerit' },
  major_demerit: { zhCN: '记大过', en: 'Major demerit' },
  downgrade: { zhCN: '降级', en: 'Downgrade' },
  demotion: { zhCN: '降职', en: 'Demotion' },
  dismissal: { zhCN: '撤职', en: 'Dismissal from post' },
  expulsion: { zhCN: '开除', en: 'Expulsion' },
  party_warning: { zhCN: '党内警告', en: 'Party warning' },
  party_serious_warning: { zhCN: '党内严重警告', en: 'Serious Party warning' },
  commendation: { zhCN: '表彰', en: 'Commendation' },
  merit: { zhCN: '记功', en: 'Merit citation' },
  honorary_title: { zhCN: '荣誉称号', en: 'Honorary title' },
  award: { zhCN: '命名表彰', en: 'Award of their unit' },
};

const name = (max: number) => z.string().trim().min(1).max(max);

export const person = z
  .object({
    id: z.uuid(),
    name: z.string(),
    role: personRoleSchema,
    roleLabel: labelSchema,
    post: z.string().nullable().describe('职务, e.g. 站长'),
    unitId: z.uuid().nullable(),
    departmentId: z.uuid().nullable(),
    regionId: z.uuid().nullable(),
    version: z.number().int(),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .meta({ id: 'Person', description: '人员: a unit head, staff member or leader, with the unit, department or region they serve (admin only)' });
export type PersonDto = z.infer<typeof person>;

const placement = {
  post: name(100).nullable().optional().describe('职务, e.g. 站长, 分管副局长'),
  unitId: z.uuid().nullable().optional().describe('required for unit_head and unit_staff'),
  departmentId: z.uuid().nullable().optional().describe('required for department_leader; must be the unit’s department when both are given'),
  regionId: z.uuid().nullable().optional().describe('required for township_leader'),
};
export const createPersonBody = z.object({ name: name(100), role: personRoleSchema, ...placement });
export type CreatePersonInput = z.infer<typeof createPersonBody>;
export const updatePersonBody = z.object({
  name: name(100).optional(),
  role: personRoleSchema.optional(),
  ...placement,
  version: z.number().int().optional().describe('the version you read, if you do not send If-Match'),
});
export type UpdatePersonInput = z.infer<typeof updatePersonBody>;

export const listPersonsQuery = z.object({
  role: personRoleSchema.optional(),
  unitId: z.uuid().optional(),
  departmentId: z.uuid().optional(),
  regionId: z.uuid().optional(),
  q: z.string().trim().min(1).max(100).optional().describe('part of the name'),
});
export type ListPersonsFilter = z.infer<typeof listPersonsQuery>;

export const createRecordItemBody = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('sanction'),
    type: z.enum(sanctionTypes).describe('处分: 警告 记过 记大过 降级 撤职 开除; 降职; 党内警告 党内严重警告'),
    description: name(5000),
    decidedAt: isoDate,
    decidedBy: name(200).optional().describe('who decided it, e.g. 县纪委, when not the office'),
  }),
  z.strictObject({
    kind: z.literal('honour'),
    type: z.enum(honourTypes).describe('表彰 / 记功 / 荣誉称号 / 命名表彰 (award: cite it)'),
    description: name(5000),
    decidedAt: isoDate,
    decidedBy: name(200).optional(),
    awardId: z.uuid().optional().describe('命名表彰: the award (十佳/百佳) of the person’s unit this honour came with; required for type award'),
  }),
]);
export type CreateRecordItemInput = z.infer<typeof createRecordItemBody>;

export const recordEntry = z
  .object({
    id: z.uuid().describe('the record item, or the accountability action'),
    source: z.enum(['record_item', 'accountability_action']).describe('recorded on the person, or an accountability action (问责) against them'),
    kind: z.enum(['sanction', 'honour', 'accountability']).describe('accountability: an action (约谈, 通报批评, …) that is not itself a sanction'),
    type: z.string().describe('a sanction or honour type, or the accountability action type'),
    typeLabel: labelSchema,
    description: z.string(),
    decidedAt: isoDate,
    decidedBy: z.string().nullable(),
    awardId: z.uuid().nullable(),
    accountabilityActionId: z.uuid().nullable(),
  })
  .meta({ id: 'PersonRecordEntry' });
export type RecordEntryDto = z.infer<typeof recordEntry>;

export const personRecord = z
  .object({
    person,
    sanctions: z.number().int().describe('sanctions: recorded ones and disciplinary actions or demotions (党纪政纪处分, 降职) against the person'),
    honours: z.number().int(),
    entries: z.array(recordEntry).describe('newest first'),
  })
  .meta({ id: 'PersonRecord', description: '个人档案: sanctions, honours and accountability actions — the basis for 晋职晋级 (admin only, never public)' });
export type PersonRecordDto = z.infer<typeof personRecord>;
