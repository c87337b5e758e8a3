import { z } from 'zod';

const points = z.number().min(0).max(1000);
/** 命名表彰 management and 部门行风考核挂钩 (the awards group of a cycle's settings, registered into cycles; read with `awardSettingsOf`). */
export const awardSettings = z
  .object({
    autoEscalateOverdue: z.boolean().default(false).describe('yellow-card overdue rectifications automatically (逾期未整改自动黄牌)'),
    departmentBonus: z.object({ top10: points.default(3), top100: points.default(1) }).default({ top10: 3, top100: 1 }).describe('points a department gains per named unit, by tier'),
    departmentPenalty: z.object({ yellowCard: points.default(1), revoked: points.default(2) }).default({ yellowCard: 1, revoked: 2 }).describe('points a department loses per award yellow-carded or revoked'),
    commendationBonus: z
      .object({ provincial_leading_group: points.default(2), provincial_department: points.default(1), other: points.default(0) })
      .default({ provincial_leading_group: 2, provincial_department: 1, other: 0 })
      .describe('points a department gains per higher-level commendation of one of its units in the cycle (被各级命名表彰的，对其主管部门行风建设考核予以加分)'),
  })
  .describe('awards (命名表彰) and the department scoreboard; optional: left out, the defaults apply');
export type AwardSettingsDto = z.infer<typeof awardSettings>;
/** The awards group of stored settings, with defaults for anything missing (cycles created before the group existed). */
export const awardSettingsOf = (settings: unknown): AwardSettingsDto => {
  const parsed = awardSettings.safeParse((settings as { awards?: unknown } | null)?.awards ?? {});
  return parsed.success ? parsed.data : awardSettings.parse({});
};

