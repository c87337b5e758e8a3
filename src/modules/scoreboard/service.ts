import type { Db } from '../../db/client.js';
import type { RequestContext } from '../../lib/principal.js';
import { awardStatusLabels } from '../awards/schemas.js';
import { awardSettingsOf } from '../awards/settings.js';
import type { DepartmentAppealExclusion } from '../appeals/schemas.js';
import type { CyclesService } from '../cycles/service.js';
import type { ProblemsService } from '../problems/service.js';
import type { ExportFile, ExportFormat } from '../../lib/table-export.js';
import { scoreboardExport } from './csv.js';
import { scoreboardRepository as repo } from './repository.js';
import type { DepartmentScoreboardDto, DepartmentScoreDto } from './schemas.js';
import { summarizeLevels } from '../ratings/satisfaction.js';

/**
 * 部门行风考核挂钩: per department, the units named in a cycle add bonus points by tier, and so does every
 * higher-level commendation of its units (基层站所被各级命名表彰的，对其主管部门行风建设考核予以加分); awards now yellow-carded or
 * revoked take points away (a revoked award keeps its naming bonus and carries the revocation penalty). Problems and
 * complaints of the department's participating units are shown beside them.
 */
export function createScoreboardService({
  db,
  cycles,
  problems,
  appealExclusions,
}: {
  db: Db;
  cycles: CyclesService;
  problems: ProblemsService;
  /** The departments' own ratings upheld appeals exclude (appeals module: departmentExclusionsForCycle). */
  appealExclusions?: (cycleId: string) => Promise<DepartmentAppealExclusion[]>;
}) {
  async function scoreboard(ctx: RequestContext, cycleId: string): Promise<DepartmentScoreboardDto> {
    const cycle = await cycles.getCycle(cycleId);
    const { departmentBonus, departmentPenalty, commendationBonus } = awardSettingsOf(cycle.settings);
    // A department manager sees its own row only.
    const only = ctx.principal.role === 'department' ? ctx.principal.departmentId : undefined;

    const exclusions = ((await appealExclusions?.(cycleId)) ?? []).filter((x) => !only || x.departmentId === only);
    const [enrolled, named, complaintRows, commendationRows, ownRows] = await Promise.all([
      repo.enrolledUnits(db, cycleId, only),
      repo.awards(db, cycleId, only),
      repo.complaintCounts(db, cycleId, only),
      repo.commendationCounts(db, cycleId, only),
      repo.ownRatingCounts(db, cycleId, only, exclusions.map((x) => x.subjectId)),
    ]);
    const problemCounts = await problems.countsForUnits(cycleId, enrolled.map((e) => e.unitId));
    const departmentIds = [...new Set([...enrolled.map((e) => e.departmentId), ...named.map((a) => a.departmentId), ...commendationRows.map((c) => c.departmentId), ...ownRows.map((r) => r.departmentId!), ...exclusions.map((x) => x.departmentId)])];
    const names = new Map((await repo.departmentNames(db, departmentIds)).map((d) => [d.id, d.name]));
    const complaintsBy = new Map(complaintRows.map((c) => [c.departmentId, c]));

    const items = departmentIds.map((departmentId): DepartmentScoreDto => {
      const units = enrolled.filter((e) => e.departmentId === departmentId);
      const mine = named.filter((a) => a.departmentId === departmentId);
      const list = (tier: 'top10' | 'top100') => {
        const of = mine.filter((a) => a.tier === tier).map((a) => ({ unitId: a.unitId, unitName: a.unitName, certificateNo: a.certificateNo, status: a.status, statusLabel: awardStatusLabels[a.status] }));
        return { count: of.length, units: of };
      };
      const top10 = list('top10');
      const top100 = list('top100');
      const yellowCards = mine.filter((a) => a.status === 'yellow_card').length;
      const revoked = mine.filter((a) => a.status === 'revoked').length;
      const commendations = { count: 0, byLevel: { provincial_leading_group: 0, provincial_department: 0, other: 0 }, points: 0 };
      for (const c of commendationRows.filter((r) => r.departmentId === departmentId)) {
        commendations.count += c.n;
        commendations.byLevel[c.level] += c.n;
        commendations.points += c.n * commendationBonus[c.level];
      }
      const bonusPoints = top10.count * departmentBonus.top10 + top100.count * departmentBonus.top100 + commendations.points;
      const penaltyPoints = yellowCards * departmentPenalty.yellowCard + revoked * departmentPenalty.revoked;
      const p = { open: 0, overdue: 0, rectified: 0 };
      for (const u of units) {
        const c = problemCounts.get(u.unitId);
        if (c) {
          p.open += c.open;
          p.overdue += c.overdue;
          p.rectified += c.rectified;
        }
      }
      const c = complaintsBy.get(departmentId);
      const own = ownRows.filter((r) => r.departmentId === departmentId);
      return {
        departmentId,
        departmentName: names.get(departmentId) ?? '',
        enrolledUnits: units.length,
        top10,
        top100,
        commendations,
        bonusPoints,
        penalties: { yellowCards, revoked, points: penaltyPoints },
        netPoints: bonusPoints - penaltyPoints,
        problems: p,
        complaints: { received: c?.received ?? 0, substantiated: c?.substantiated ?? 0 },
        // A separate line: the department's own ratings do not move its points (see the schema's description).
        ownSatisfaction: {
          department: summarizeLevels(own.filter((r) => r.subjectKind === 'department')),
          leadership: summarizeLevels(own.filter((r) => r.subjectKind === 'leadership')),
          all: summarizeLevels(own),
          exclusions: exclusions.filter((x) => x.departmentId === departmentId).map((x) => ({ appealId: x.appealId, ratingId: x.subjectId })),
        },
      };
    });
    items.sort((a, b) => b.netPoints - a.netPoints || a.departmentName.localeCompare(b.departmentName, 'zh') || (a.departmentId < b.departmentId ? -1 : 1));
    return { cycleId, departmentBonus, departmentPenalty, commendationBonus, items };
  }

  return {
    departmentScoreboard: scoreboard,

    async departmentScoreboardExport(ctx: RequestContext, cycleId: string, format: ExportFormat): Promise<ExportFile> {
      return scoreboardExport((await scoreboard(ctx, cycleId)).items, format);
    },
  };
}

export type ScoreboardService = ReturnType<typeof createScoreboardService>;
