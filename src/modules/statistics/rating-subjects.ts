import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { forbidden } from '../../lib/errors.js';
import { labelSchema } from '../../lib/http.js';
import type { RequestContext } from '../../lib/principal.js';
import { summarizeLevels, satisfactionSummary } from '../ratings/satisfaction.js';
import { channelLabels, ratingSubjectKinds, subjectKindLabels, subjectKindSchema } from '../ratings/schemas.js';
import type { RatingChannel, RatingSubjectKind } from '../ratings/schemas.js';
import type { RegionsService } from '../regions/service.js';
import { subjectCounts } from './rating-subjects.repository.js';
import { resolveCycles } from './service.js';
import type { StatisticsInput } from './schemas.js';

export const ratingSubjectFigures = z
  .object({
    subjectKind: subjectKindSchema,
    label: labelSchema,
    satisfaction: satisfactionSummary,
    byChannel: z.array(z.object({ channel: z.string(), label: labelSchema, count: z.number().int() })).describe('channels that have ratings of this kind, most first'),
  })
  .meta({ id: 'RatingSubjectFigures' });

export const ratingSubjectStatistics = z
  .object({
    cycleIds: z.array(z.uuid()).describe('the cycles covered (ratings count toward the cycle they are attributed to, 归属周期)'),
    items: z.array(ratingSubjectFigures).describe('one item per subject kind: unit, department, leadership (always all three)'),
  })
  .meta({
    id: 'RatingSubjectStatistics',
    description:
      '群众评价 per subject: units (基层站所/窗口), departments (万人评机关) and leadership teams (领导班子). departmentId filters unit ratings to its units and the others to ' +
      'that department; regionId to units / departments in the region and below; category applies to units only (department and leadership ratings then count 0). ' +
      'Held or rejected ratings (评价防刷) are not counted.',
  });
export type RatingSubjectStatisticsDto = z.infer<typeof ratingSubjectStatistics>;

/**
 * 群众评价 per subject kind (issue 10): the same cycle scope and filters as GET /statistics; a department role sees its own
 * department only.
 */
export async function ratingSubjectFiguresOf(db: Db, regions: RegionsService, ctx: RequestContext, input: StatisticsInput): Promise<RatingSubjectStatisticsDto> {
  let departmentId = input.departmentId;
  if (ctx.principal.role === 'department') {
    if (departmentId && departmentId !== ctx.principal.departmentId) {
      throw forbidden('departmentId: a department sees its own figures only', { errors: [{ field: 'departmentId', message: 'not your department' }] });
    }
    departmentId = ctx.principal.departmentId;
  }
  const [{ cycles }, regionPath] = await Promise.all([resolveCycles(db, input), input.regionId ? regions.pathOf(input.regionId, 'regionId') : Promise.resolve(undefined)]);
  const cycleIds = cycles.map((c) => c.id);
  const rows = await subjectCounts(db, { cycleIds, departmentId, regionPath, category: input.category });
  const items = ratingSubjectKinds.map((kind: RatingSubjectKind) => {
    const mine = rows.filter((x) => x.subjectKind === kind);
    const byChannel = new Map<RatingChannel, number>();
    for (const x of mine) byChannel.set(x.channel, (byChannel.get(x.channel) ?? 0) + x.n);
    return {
      subjectKind: kind,
      label: subjectKindLabels[kind],
      satisfaction: summarizeLevels(mine),
      byChannel: [...byChannel].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([channel, n]) => ({ channel, label: channelLabels[channel], count: n })),
    };
  });
  return { cycleIds, items };
}
