import { z } from 'zod';
import { evidenceLinks, isoDate, isoDay, labelSchema } from '../../lib/http.js';

/** 考评打分 scorecard states. */
export const scorecardStatuses = ['draft', 'submitted', 'confirmed'] as const;
export type ScorecardStatus = (typeof scorecardStatuses)[number];
export const scorecardStatusLabels: Record<ScorecardStatus, { zhCN: string; en: string }> = {
  draft: { zhCN: '草稿', en: 'Draft' },
  submitted: { zhCN: '已提交', en: 'Submitted' },
  confirmed: { zhCN: '已确认', en: 'Confirmed' },
};
export const scorecardStatusSchema = z.enum(scorecardStatuses).meta({ id: 'ScorecardStatus', description: '草稿 / 已提交 / 已确认' });

/** Points as the API shows them: at most two decimals. */
const points = z.number();
const calendarDate = isoDay.describe('calendar date, YYYY-MM-DD');
const criteriaTitle = z.object({ zhCN: z.string(), en: z.string().nullable() });

export const scorecard = z
  .object({
    id: z.uuid(),
    cycleId: z.uuid(),
    unitId: z.uuid(),
    enrollmentId: z.uuid(),
    criteriaSetId: z.uuid().describe('the criteria set (revision) the scorecard was opened against'),
    inspectorSubject: z.string().describe('token subject of the inspector (考评人员)'),
    status: scorecardStatusSchema,
    statusLabel: labelSchema,
    returnedReason: z.string().nullable().describe('why the office last returned it (退回原因)'),
    total: points.describe('regularTotal + bonusTotal'),
    regularTotal: points.describe('sum of item scores, 0..100'),
    bonusTotal: points.describe('加分, capped by the criteria set'),
    assessedOn: calendarDate,
    summary: z.string().nullable(),
    submittedAt: isoDate.nullable(),
    confirmedAt: isoDate.nullable(),
    version: z.number().int(),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .meta({ id: 'Scorecard', description: '考评打分: an inspector scorecard of one unit' });
export type ScorecardDto = z.infer<typeof scorecard>;

export const scorecardDeduction = z
  .object({
    position: z.number().int().describe('index in the list as last sent'),
    itemKey: z.string(),
    ruleKey: z.string(),
    ruleDescription: z.string(),
    occurrences: z.number().int(),
    pointsPerOccurrence: points,
    cap: points.nullable(),
    points: points.describe('points this entry takes off, after the rule cap'),
    note: z.string().nullable(),
    evidence: z.array(z.string()),
  })
  .meta({ id: 'ScorecardDeduction', description: '扣分' });

export const scorecardItem = z
  .object({
    key: z.string(),
    title: criteriaTitle,
    maxPoints: points,
    checkMethod: z.string().describe('on_site 看现场 / documents 查资料 / survey'),
    deducted: points.describe('sum of rule deductions before the floor at 0'),
    score: points,
    deductions: z.array(scorecardDeduction),
  })
  .meta({ id: 'ScorecardItem' });

export const scorecardSection = z
  .object({ key: z.string(), title: criteriaTitle, maxPoints: points, score: points, items: z.array(scorecardItem) })
  .meta({ id: 'ScorecardSection' });

export const scorecardBonus = z
  .object({
    position: z.number().int(),
    bonusKey: z.string(),
    description: z.string(),
    maxPoints: points,
    claimedPoints: points,
    points: points.describe('claimed points capped at the bonus item maximum'),
    note: z.string().nullable(),
  })
  .meta({ id: 'ScorecardBonus', description: '加分' });

export const scorecardDetail = scorecard
  .extend({ sections: z.array(scorecardSection), bonuses: z.array(scorecardBonus), bonusCap: points })
  .meta({ id: 'ScorecardDetail', description: 'A scorecard with its item-by-item breakdown' });
export type ScorecardDetailDto = z.infer<typeof scorecardDetail>;

const versionField = { version: z.number().int().optional().describe('the version you read, if you do not send If-Match') };

export const openScorecardBody = z.object({
  cycleId: z.uuid(),
  unitId: z.uuid(),
  assessedOn: calendarDate.optional().describe('defaults to today'),
  summary: z.string().trim().min(1).max(5000).optional(),
});
export type OpenScorecardInput = z.infer<typeof openScorecardBody>;

export const updateScorecardBody = z.object({
  assessedOn: calendarDate.optional(),
  summary: z.string().trim().min(1).max(5000).nullable().optional(),
  ...versionField,
});
export type UpdateScorecardInput = z.infer<typeof updateScorecardBody>;

export const deductionInput = z.object({
  itemKey: z.string().trim().min(1).max(100),
  ruleKey: z.string().trim().min(1).max(100),
  occurrences: z.number().int().min(1).max(1000),
  note: z.string().trim().min(1).max(2000).optional(),
  evidence: evidenceLinks,
});
export const setDeductionsBody = z.object({
  deductions: z.array(deductionInput).max(500).describe('the full list; replaces what was there'),
  ...versionField,
});
export type SetDeductionsInput = z.infer<typeof setDeductionsBody>;

export const bonusInput = z.object({
  bonusKey: z.string().trim().min(1).max(100),
  points: z.number().positive().max(100),
  note: z.string().trim().min(1).max(2000).optional(),
});
export const setBonusesBody = z.object({
  bonuses: z.array(bonusInput).max(100).describe('the full list; replaces what was there'),
  ...versionField,
});
export type SetBonusesInput = z.infer<typeof setBonusesBody>;

export const transitionBody = z.object({ ...versionField });
export const returnScorecardBody = z.object({ reason: z.string().trim().min(1).max(2000), ...versionField });

export const listScorecardsQuery = z.object({
  cycleId: z.uuid().optional(),
  unitId: z.uuid().optional(),
  status: scorecardStatusSchema.optional(),
  mine: z
    .boolean()
    .optional()
    .describe('only scorecards opened by the caller'),
});
export type ListScorecardsFilter = z.infer<typeof listScorecardsQuery>;

// —— Feedback (反馈): what the unit and its department see. ——

export const feedbackDeduction = z
  .object({
    sectionTitle: criteriaTitle,
    itemTitle: criteriaTitle,
    itemKey: z.string(),
    ruleKey: z.string(),
    ruleDescription: z.string(),
    occurrences: z.number().int(),
    points,
    note: z.string().nullable(),
    evidence: z.array(z.string()),
  })
  .meta({ id: 'AssessmentFeedbackDeduction' });

export const feedbackBonus = z
  .object({ bonusKey: z.string(), description: z.string(), points, note: z.string().nullable() })
  .meta({ id: 'AssessmentFeedbackBonus' });

/** A confirmed scorecard as the unit and its department see it: no inspector identity, by construction. */
export const feedbackScorecard = z
  .object({
    id: z.uuid(),
    assessedOn: calendarDate,
    total: points,
    regularTotal: points,
    bonusTotal: points,
    summary: z.string().nullable(),
    deductions: z.array(feedbackDeduction),
    bonuses: z.array(feedbackBonus),
  })
  .meta({ id: 'AssessmentFeedbackScorecard' });
export type FeedbackScorecardDto = z.infer<typeof feedbackScorecard>;

export const staffFeedbackScorecard = feedbackScorecard
  .extend({ inspectorSubject: z.string() })
  .meta({ id: 'AssessmentFeedbackScorecardForStaff' });

const feedbackFields = {
  cycleId: z.uuid(),
  unitId: z.uuid(),
  assessmentScore: points.nullable().describe('mean total of the confirmed scorecards; null when there are none'),
  scorecardCount: z.number().int().describe('confirmed scorecards'),
};

/** 反馈: the score and every deduction (既反馈分值，也反馈扣分情况), for the unit and its department. */
export const assessmentFeedback = z
  .object({ ...feedbackFields, scorecards: z.array(feedbackScorecard) })
  .meta({ id: 'AssessmentFeedback', description: '考评反馈 as the unit and its department see it' });
export type AssessmentFeedbackDto = z.infer<typeof assessmentFeedback>;

/** The same for the office and inspectors, naming who assessed. */
export const staffAssessmentFeedback = z
  .object({ ...feedbackFields, scorecards: z.array(staffFeedbackScorecard) })
  .meta({ id: 'AssessmentFeedbackForStaff' });
export type StaffAssessmentFeedbackDto = z.infer<typeof staffAssessmentFeedback>;

export const feedbackParams = z.object({ cycleId: z.uuid(), unitId: z.uuid() });
