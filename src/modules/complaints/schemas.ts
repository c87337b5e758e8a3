import { z } from 'zod';
import { complaintCategories, complaintSeverities, complaintSources, complaintStatuses } from './tables.js';
import { isoDate, labelSchema } from '../../lib/http.js';

export { complaintCategories, complaintSeverities, complaintSources, complaintStatuses };
export type ComplaintCategory = (typeof complaintCategories)[number];
export type ComplaintSource = (typeof complaintSources)[number];
export type ComplaintStatus = (typeof complaintStatuses)[number];
export type ComplaintSeverity = (typeof complaintSeverities)[number];
type Label = { zhCN: string; en: string };

/** Category groups (Open311 `group`). */
export const complaintCategoryGroups = {
  conduct: { zhCN: '作风纪律', en: 'Conduct and discipline' },
  integrity: { zhCN: '廉政', en: 'Integrity' },
  environment: { zhCN: '服务环境', en: 'Service environment' },
  other: { zhCN: '其他', en: 'Other' },
} satisfies Record<string, Label>;

export const complaintCategoryInfo: Record<ComplaintCategory, { label: Label; description: string; group: keyof typeof complaintCategoryGroups; keywords: string[] }> = {
  service_attitude: {
    label: { zhCN: '服务态度', en: 'Service attitude' },
    description: '工作人员态度生硬、推诿、刁难 (rude, evasive or obstructive staff)',
    group: 'conduct',
    keywords: ['态度', '推诿', '刁难', 'attitude'],
  },
  efficiency: {
    label: { zhCN: '办事效率', en: 'Efficiency' },
    description: '办事拖拉、超时限办结 (slow handling, promised time limits missed)',
    group: 'conduct',
    keywords: ['效率', '拖拉', '超时', 'delay'],
  },
  discipline: {
    label: { zhCN: '工作纪律', en: 'Work discipline' },
    description: '上班迟到早退、脱岗、玩游戏 (late, absent or playing games on duty)',
    group: 'conduct',
    keywords: ['纪律', '脱岗', '玩游戏', 'discipline'],
  },
  dress_and_conduct: {
    label: { zhCN: '着装仪容', en: 'Dress and appearance' },
    description: '着装不规范、未佩证上岗 (improper dress, no staff badge)',
    group: 'conduct',
    keywords: ['着装', '仪容', '挂牌', 'dress'],
  },
  fees: {
    label: { zhCN: '乱收费', en: 'Unauthorised fees' },
    description: '违规收费、搭车收费 (fees without a legal basis)',
    group: 'integrity',
    keywords: ['收费', '乱收费', 'fees'],
  },
  integrity: {
    label: { zhCN: '廉洁', en: 'Integrity' },
    description: '吃拿卡要、索贿受贿 (soliciting gifts or bribes)',
    group: 'integrity',
    keywords: ['廉洁', '吃拿卡要', 'bribery'],
  },
  environment: {
    label: { zhCN: '服务环境', en: 'Service environment' },
    description: '服务场所设施、公示、标识不规范 (facilities, public notices, signage)',
    group: 'environment',
    keywords: ['环境', '设施', '公示', 'facilities'],
  },
  other: { label: { zhCN: '其他', en: 'Other' }, description: '其他问题 (anything else)', group: 'other', keywords: ['其他', 'other'] },
};

export const complaintSourceLabels: Record<ComplaintSource, Label> = {
  portal: { zhCN: '门户网站投诉平台', en: 'Portal complaint platform' },
  hotline: { zhCN: '12345/政风行风热线', en: 'Hotline (12345)' },
  mailbox: { zhCN: '投诉信箱', en: 'Mailbox' },
  sms: { zhCN: '短信', en: 'SMS' },
  media: { zhCN: '媒体', en: 'Media' },
  integration: { zhCN: '系统对接', en: 'System integration' },
  walk_in: { zhCN: '来访', en: 'Walk-in' },
};

export const complaintStatusLabels: Record<ComplaintStatus, Label> = {
  received: { zhCN: '已受理', en: 'Received' },
  triaged: { zhCN: '已分办', en: 'Triaged' },
  investigating: { zhCN: '调查中', en: 'Investigating' },
  substantiated: { zhCN: '属实', en: 'Substantiated' },
  unsubstantiated: { zhCN: '不属实', en: 'Unsubstantiated' },
  closed: { zhCN: '已办结', en: 'Closed' },
};

export const complaintSeverityLabels: Record<ComplaintSeverity, Label> = {
  minor: { zhCN: '轻微', en: 'Minor' },
  major: { zhCN: '较重', en: 'Major' },
  serious: { zhCN: '严重', en: 'Serious' },
};

export const complaintCategorySchema = z.enum(complaintCategories).meta({ id: 'ComplaintCategory', description: '投诉类别 (also the Open311 service_code)' });
export const complaintSourceSchema = z.enum(complaintSources).meta({ id: 'ComplaintSource', description: '受理渠道' });
export const complaintStatusSchema = z.enum(complaintStatuses).meta({ id: 'ComplaintStatus', description: '已受理 → 已分办 → 调查中 → 属实/不属实 → 已办结' });
export const complaintSeveritySchema = z.enum(complaintSeverities).meta({ id: 'ComplaintSeverity', description: '轻微 / 较重 / 严重' });

export const complaintContact = z
  .object({
    name: z.string().trim().min(1).max(100).nullable().optional(),
    phone: z.string().trim().min(3).max(40).nullable().optional(),
    email: z.email().max(200).nullable().optional(),
    deviceId: z.string().trim().min(1).max(200).nullable().optional().describe('the sending app\'s device id (Open311 device_id); present only when given'),
    accountId: z.string().trim().min(1).max(200).nullable().optional().describe('the sending app\'s user account id (Open311 account_id); present only when given'),
  })
  .meta({ id: 'ComplaintContact', description: "The complainant's contact (protected): shown to admins only" });
export type ComplaintContactInput = z.infer<typeof complaintContact>;

export const complaintEvent = z
  .object({
    id: z.uuid(),
    kind: z.enum(['received', 'status_changed', 'response']),
    fromStatus: complaintStatusSchema.nullable(),
    toStatus: complaintStatusSchema.nullable(),
    note: z.string().nullable().describe('internal note, findings, reply or a department response'),
    actor: z.string(),
    actorRole: z.string(),
    at: isoDate,
  })
  .meta({ id: 'ComplaintEvent' });
export type ComplaintEventDto = z.infer<typeof complaintEvent>;

export const complaint = z
  .object({
    id: z.uuid(),
    trackingCode: z.string().describe('查询码, given to the complainant'),
    source: complaintSourceSchema,
    externalId: z.string().nullable(),
    category: complaintCategorySchema,
    categoryLabel: labelSchema,
    status: complaintStatusSchema,
    statusLabel: labelSchema,
    subject: z.string(),
    description: z.string(),
    unitId: z.uuid().nullable(),
    departmentId: z.uuid().nullable(),
    cycleId: z.uuid().nullable().describe('归属周期, set at triage: the newest cycle the unit takes part in whose evaluation window (assessment through naming) contains receivedAt'),
    receivedAt: isoDate,
    stageDeadline: isoDate.nullable().describe("the current stage's deadline (working days); null once closed"),
    overdue: z.boolean(),
    substantiated: z.boolean().nullable(),
    severity: complaintSeveritySchema.nullable(),
    findings: z.string().nullable(),
    reply: z.string().nullable().describe('答复: the reply to the complainant'),
    decidedAt: isoDate.nullable(),
    closedAt: isoDate.nullable(),
    address: z.string().nullable(),
    addressId: z.string().nullable().describe("the sender's own id for the place (Open311 address_id)"),
    mediaUrl: z.string().nullable().describe('a link to a photo or other media (Open311 media_url)'),
    lat: z.number().nullable(),
    long: z.number().nullable(),
    contact: complaintContact.nullable().describe('admins only; null for every other role'),
    version: z.number().int(),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .meta({ id: 'Complaint', description: '投诉举报' });
export type ComplaintDto = z.infer<typeof complaint>;

export const complaintDetail = complaint.extend({ events: z.array(complaintEvent) }).meta({ id: 'ComplaintDetail' });
export type ComplaintDetailDto = z.infer<typeof complaintDetail>;

/** What anyone holding the tracking code sees: no personal data, no internal notes, no actors. */
export const publicComplaint = z
  .object({
    trackingCode: z.string(),
    category: complaintCategorySchema,
    categoryLabel: labelSchema,
    status: complaintStatusSchema,
    statusLabel: labelSchema,
    receivedAt: isoDate,
    stageDeadline: isoDate.nullable(),
    history: z.array(z.object({ stage: complaintStatusSchema, stageLabel: labelSchema, at: isoDate })),
    reply: z.string().nullable().describe('the reply, once closed'),
    closedAt: isoDate.nullable(),
  })
  .meta({ id: 'PublicComplaint' });
export type PublicComplaintDto = z.infer<typeof publicComplaint>;

export const complaintReceipt = z
  .object({ trackingCode: z.string(), status: complaintStatusSchema })
  .meta({ id: 'ComplaintReceipt', description: 'keep the tracking code to follow the complaint' });

const intakeFields = {
  category: complaintCategorySchema,
  subject: z.string().trim().min(1).max(200),
  description: z.string().trim().min(1).max(10_000),
  unitId: z.uuid().optional().describe('the unit complained about, if known (confirmed at triage)'),
  contact: complaintContact.optional(),
  address: z.string().trim().min(1).max(500).optional(),
  addressId: z.string().trim().min(1).max(200).optional().describe("the sender's own id for the place (Open311 address_id)"),
  mediaUrl: z.url({ protocol: /^https?$/ }).max(2000).optional().describe('a link to a photo or other media (http or https)'),
  lat: z.number().min(-90).max(90).optional(),
  long: z.number().min(-180).max(180).optional(),
};

export const publicComplaintBody = z.object(intakeFields);
export type PublicComplaintInput = z.infer<typeof publicComplaintBody>;

export const createComplaintBody = z.object({
  ...intakeFields,
  source: complaintSourceSchema,
  externalId: z.string().trim().min(1).max(200).optional().describe('your id; repeating it with the same source returns the existing complaint'),
  receivedAt: isoDate.optional().describe('when the complaint was received at the source; defaults to now'),
});
export type CreateComplaintInput = z.infer<typeof createComplaintBody>;

const versionField = z.number().int().optional().describe('the version you read, if you do not send If-Match (optional)');
export const triageBody = z.object({ unitId: z.uuid().optional().describe('required unless given at intake'), note: z.string().trim().min(1).max(2000).optional(), version: versionField });
export const startInvestigationBody = z.object({ note: z.string().trim().min(1).max(2000).optional(), version: versionField });
export const decideBody = z.object({
  substantiated: z.boolean(),
  findings: z.string().trim().min(1).max(10_000),
  severity: complaintSeveritySchema.optional().describe('required when substantiated'),
  version: versionField,
});
export const closeBody = z.object({ reply: z.string().trim().min(1).max(10_000), version: versionField });
export const responseBody = z.object({ text: z.string().trim().min(1).max(10_000) });
export type TriageInput = z.infer<typeof triageBody>;
export type DecideInput = z.infer<typeof decideBody>;

export const listComplaintsQuery = z.object({
  status: complaintStatusSchema.optional(),
  unitId: z.uuid().optional(),
  departmentId: z.uuid().optional(),
  cycleId: z.uuid().optional(),
  category: complaintCategorySchema.optional(),
  source: complaintSourceSchema.optional(),
  overdue: z
    .boolean()
    .optional()
    .describe('true: past the stage deadline and not closed'),
  from: isoDate.optional().describe('received at or after'),
  to: isoDate.optional().describe('received before'),
});
export type ListComplaintsFilter = z.infer<typeof listComplaintsQuery>;

export const trackingCodeParams = z.object({ trackingCode: z.string().trim().min(1).max(40) });

export const complaintCategoryItem = z
  .object({ code: complaintCategorySchema, label: labelSchema, description: z.string(), group: z.string(), groupLabel: labelSchema, keywords: z.array(z.string()) })
  .meta({ id: 'ComplaintCategoryInfo' });

export const complaintCategoryList = () =>
  complaintCategories.map((code) => {
    const info = complaintCategoryInfo[code];
    return { code, label: info.label, description: info.description, group: info.group, groupLabel: complaintCategoryGroups[info.group], keywords: info.keywords };
  });
