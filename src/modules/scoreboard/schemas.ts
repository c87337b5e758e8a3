import { z } from 'zod';
import { labelSchema } from '../../lib/http.js';
import { awardStatusSchema } from '../awards/schemas.js';
import { satisfactionSummary } from '../ratings/satisfaction.js';

const namedUnit = z.object({ unitId: z.uuid(), unitName: z.string(), certificateNo: z.string(), status: awardStatusSchema, statusLabel: labelSchema }).meta({ id: 'ScoreboardNamedUnit' });
const tierCount = z.object({ count: z.number().int(), units: z.array(namedUnit) });

export const departmentScore = z
  .object({
    departmentId: z.uuid(),
    departmentName: z.string(),
    enrolledUnits: z.number().int().describe('units of the department taking part in the cycle (enrollment status enrolled: withdrawn and disqualified units do not take part)'),
    top10: tierCount.describe('十佳 named in the cycle (whatever their status now)'),
    top100: tierCount.describe('百佳 named in the cycle, not counting the 十佳'),
    commendations: z
      .object({
        count: z.number().int(),
        byLevel: z.object({ provincial_leading_group: z.number().int(), provincial_department: z.number().int(), other: z.number().int() }),
        points: z.number().describe('Σ count × commendationBonus[level]'),
      })
      .describe('higher-level commendations (上级表彰) of the department\'s units in the cycle: 省纠风领导小组命名表彰, 省主管部门表彰')
      .meta({ id: 'ScoreboardCommendations' }),
    bonusPoints: z.number().describe('top10 × departmentBonus.top10 + top100 × departmentBonus.top100 + commendations.points'),
    penalties: z.object({
      yellowCards: z.number().int().describe('awards now yellow-carded (黄牌警告)'),
      revoked: z.number().int().describe('awards revoked (撤销荣誉)'),
      points: z.number(),
    }),
    netPoints: z.number().describe('bonus minus penalties'),
    problems: z.object({ open: z.number().int(), overdue: z.number().int(), rectified: z.number().int() }).describe('问题 of the cycle over the participating units; overdue: deadline passed and not verified by it (verified late stays overdue)'),
    complaints: z.object({ received: z.number().int(), substantiated: z.number().int() }).describe('投诉 of the cycle against the units'),
    ownSatisfaction: z
      .object({
        department: satisfactionSummary.describe('万人评机关: ratings of the department itself (subject kind department)'),
        leadership: satisfactionSummary.describe('领导班子: ratings of its leadership team (领导班子面对面评议, 电视问政测评)'),
        all: satisfactionSummary.describe('both together'),
        exclusions: z
          .array(z.object({ appealId: z.uuid(), ratingId: z.uuid() }).meta({ id: 'ScoreboardOwnExclusion' }))
          .describe("the department's own ratings an upheld appeal (申诉成立) took out of the lines above, each with its appeal (as upheld appeals take unit ratings out of P)"),
      })
      .describe(
        "the department's own satisfaction (its department and leadership ratings attributed to the cycle; held or rejected ones and those upheld appeals exclude are left out), a separate line: it does not change bonusPoints, " +
          "penalties or netPoints, which stay the units' honours (部门行风考核挂钩); 万人评机关 rates the 机关 itself and is weighed by the office's own assessment of departments",
      )
      .meta({ id: 'ScoreboardOwnSatisfaction' }),
  })
  .meta({ id: 'DepartmentScore', description: '部门行风考核挂钩: what the department gains and loses from its units\' honours' });
export type DepartmentScoreDto = z.infer<typeof departmentScore>;

export const departmentScoreboard = z
  .object({
    cycleId: z.uuid(),
    departmentBonus: z.object({ top10: z.number(), top100: z.number() }),
    departmentPenalty: z.object({ yellowCard: z.number(), revoked: z.number() }),
    commendationBonus: z.object({ provincial_leading_group: z.number(), provincial_department: z.number(), other: z.number() }),
    items: z.array(departmentScore).describe('highest net points first'),
  })
  .meta({ id: 'DepartmentScoreboard' });
export type DepartmentScoreboardDto = z.infer<typeof departmentScoreboard>;

export const cycleParams = z.object({ cycleId: z.uuid() });
