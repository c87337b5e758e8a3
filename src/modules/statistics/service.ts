import type { Db } from '../../db/client.js';
import { accountabilityTypes } from '../accountability/schemas.js';
import { awardStatuses, commendationLevels, tiers } from '../awards/schemas.js';
import { complaintSources, complaintStatuses } from '../complaints/schemas.js';
import { isBad } from '../ratings/rules.js';
import { measureStatuses, problemStatuses } from '../problems/schemas.js';
import { deedStatuses } from '../deeds/schemas.js';
import { ratingChannels } from '../ratings/schemas.js';
import { forbidden, invalid } from '../../lib/errors.js';
import type { RequestContext } from '../../lib/principal.js';
import { followUpStatuses } from '../ratings/follow-ups.schemas.js';
import type { FollowUpStatus } from '../ratings/follow-ups.schemas.js';
import { assertCoversRegion } from '../regions/scope.js';
import type { RegionsService } from '../regions/service.js';
import { findingStatuses, reportOrigins, roundKinds, severities } from '../supervision/schemas.js';
import { assembleActivityFigures } from './activity-figures.js';
import { ratingSubjectFiguresOf } from './rating-subjects.js';
import { assembleHaochaFigures } from './haocha-figures.js';
import { publicStatisticsTag, toPublicStatistics } from './public.js';
import type { PublicStatisticsDto } from './public.js';
import { statisticsQueries, statisticsRepository } from './repository.js';
import type { StatisticsScope } from './repository.js';
import { MAX_CYCLES, MAX_YEAR_SPAN, ratingLevels, statisticsLabelValues } from './schemas.js';
import type { StatisticsDto, StatisticsFiguresDto, StatisticsInput } from './schemas.js';

const zeros = <K extends string | number>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [String(k), 0])) as Record<`${K}`, number>;

/** Which cycles and years a request covers; every 4xx names the argument at fault. */
export async function resolveCycles(db: Db, input: StatisticsInput) {
  const ids = [...new Set([...(input.cycleId ? [input.cycleId] : []), ...(input.cycleIds ?? [])])];
  const byYear = input.fromYear !== undefined || input.toYear !== undefined;
  if (ids.length && byYear) throw invalid(input.fromYear !== undefined ? 'fromYear' : 'toYear', 'give cycles (cycleId, cycleIds) or a year range (fromYear, toYear), not both');
  if (ids.length) {
    if (ids.length > MAX_CYCLES) throw invalid('cycleIds', `at most ${MAX_CYCLES} cycles`);
    const found = await statisticsRepository.cyclesByIds(db, ids);
    const missing = ids.find((id) => !found.some((c) => c.id === id));
    if (missing) throw invalid(input.cycleId === missing ? 'cycleId' : 'cycleIds', `cycle ${missing} does not exist`);
    return { cycles: found, years: [...new Set(found.map((c) => c.year))].sort((a, b) => a - b) };
  }
  if (!byYear) throw invalid('cycleId', 'give a cycle (cycleId), several (cycleIds) or a year range (fromYear, toYear)');
  const from = input.fromYear ?? input.toYear!;
  const to = input.toYear ?? input.fromYear!;
  if (from > to) throw invalid('toYear', `must not be before fromYear (${from})`);
  if (to - from >= MAX_YEAR_SPAN) throw invalid('toYear', `a range spans at most ${MAX_YEAR_SPAN} years`);
  const years = Array.from({ length: to - from + 1 }, (_, i) => from + i);
  return { cycles: await statisticsRepository.cyclesInYears(db, from, to), years };
}

/** A rate in [0, 1], rounded to 4 places; null when there is nothing to divide by. */
const share = (part: number, whole: number) => (whole ? Math.round((part / whole) * 10_000) / 10_000 : null);

export function createStatisticsService({ db, regions, publicMinCell = 5 }: { db: Db; regions: RegionsService; publicMinCell?: number }) {
  const service = {
    /** 群众评价 per subject kind (unit, department, leadership): rating-subjects.ts. */
    ratingSubjects: (ctx: RequestContext, input: StatisticsInput) => ratingSubjectFiguresOf(db, regions, ctx, input),

    /**
     * 工作统计. A department manager sees its own department's figures only (the filter is forced); asking for
     * another department is refused. A county office (两级办公室) sees its region's (the filter defaults to its region;
     * another region is refused), every figure included: supervision tasks, reports, feedback items and walk-ins follow
     * their unit, supervisors count those who inspected the region's units (repository.ts), measures and actions of a
     * department itself follow the department's region.
     */
    async figures(ctx: RequestContext, input: StatisticsInput, now = new Date()): Promise<StatisticsDto> {
      let departmentId = input.departmentId;
      if (ctx.principal.role === 'department') {
        const own = ctx.principal.departmentId;
        if (departmentId && departmentId !== own) {
          throw forbidden('departmentId: a department sees its own figures only', {
            errors: [{ field: 'departmentId', message: 'not your department' }],
          });
        }
        departmentId = own;
      }
      // A county office's figures are its region's: a region outside it is refused, no region means its own.
      if (input.regionId) assertCoversRegion(ctx, input.regionId);
      const regionId = input.regionId ?? ctx.principal.regionId;
      const [{ cycles, years }, regionPath] = await Promise.all([
        resolveCycles(db, input),
        regionId ? regions.pathOf(regionId, 'regionId') : Promise.resolve(undefined),
      ]);
      const scope: StatisticsScope = { cycleIds: cycles.map((c) => c.id), years, regionPath, departmentId, category: input.category, now };
      const q = statisticsQueries(db, scope);
      const haocha = q.haocha();
      // Awaited below; a failure elsewhere in the batch must not leave its rejection unhandled.
      haocha.catch(() => undefined);
      const [enr, aw, com, prob, deedRows, sup, insp, find, acc, rat, comp, fu, meas, reps, activities] = await Promise.all([
        q.enrollments(),
        q.awards(),
        q.commendations(),
        q.problems(),
        q.deeds(),
        q.supervisors(),
        q.inspections(),
        q.findings(),
        q.accountability(),
        q.ratings(),
        q.complaints(),
        q.followUps(),
        q.measures(),
        q.reports(),
        q.activities(),
      ]);

      const awards = { byTier: zeros(tiers), byStatus: zeros(awardStatuses) };
      for (const r of aw) {
        awards.byTier[r.tier] += r.n;
        awards.byStatus[r.status] += r.n;
      }
      const commendations = zeros(commendationLevels);
      for (const r of com) commendations[r.level] += r.n;

      const problems = { found: 0, rectified: 0, open: 0, overdue: 0, hot: 0, hotSolved: 0, byStatus: zeros(problemStatuses) };
      for (const r of prob) {
        problems.found += r.n;
        problems.hot += r.hot;
        if (r.status === 'verified') problems.hotSolved += r.hot;
        problems.byStatus[r.status] += r.n;
        problems.overdue += r.overdue;
        if (r.status === 'verified') problems.rectified += r.n;
        else problems.open += r.n;
      }

      const findings = { total: 0, bySeverity: zeros(severities), byStatus: zeros(findingStatuses), accepted: 0 };
      for (const r of find) {
        findings.total += r.n;
        findings.bySeverity[r.severity] += r.n;
        findings.byStatus[r.status] += r.n;
      }
      findings.accepted = findings.byStatus.accepted;

      const deeds = { byStatus: zeros(deedStatuses), hot: 0, hotVerified: 0 };
      let deedCount = 0;
      for (const r of deedRows) {
        deedCount += r.n;
        deeds.byStatus[r.status] += r.n;
        deeds.hot += r.hot;
        if (r.status === 'verified') deeds.hotVerified += r.hot;
      }

      const measures = { total: 0, ofProblems: 0, improvementPlans: 0, byStatus: zeros(measureStatuses) };
      for (const r of meas) {
        measures.total += r.n;
        measures.byStatus[r.status] += r.n;
        if (r.ofProblem) measures.ofProblems += r.n;
        else measures.improvementPlans += r.n;
      }

      const reportsByOrigin = zeros(reportOrigins);
      for (const r of reps) reportsByOrigin[r.origin] += r.n;

      const accountabilityActions = zeros(accountabilityTypes);
      for (const r of acc) accountabilityActions[r.type] += r.n;

      const byChannel = Object.fromEntries(ratingChannels.map((c) => [c, { total: 0, byLevel: zeros(ratingLevels) }])) as StatisticsFiguresDto['ratings']['byChannel'];
      const ratings = { total: 0, bad: 0, byLevel: zeros(ratingLevels), byChannel, presenceBound: 0, presenceBoundShare: null as number | null };
      for (const r of rat) {
        const level = String(r.level) as `${(typeof ratingLevels)[number]}`;
        ratings.total += r.n;
        ratings.presenceBound += r.presenceBound;
        ratings.byLevel[level] += r.n;
        if (isBad(r.level)) ratings.bad += r.n;
        byChannel[r.channel].total += r.n;
        byChannel[r.channel].byLevel[level] += r.n;
      }

      ratings.presenceBoundShare = share(ratings.presenceBound, ratings.total);

      const complaints = { total: 0, byStatus: zeros(complaintStatuses), bySource: zeros(complaintSources), substantiated: 0, overdue: 0 };
      for (const r of comp) {
        complaints.total += r.n;
        complaints.byStatus[r.status] += r.n;
        complaints.bySource[r.source] += r.n;
        complaints.substantiated += r.substantiated;
        complaints.overdue += r.overdue;
      }

      const followUps = {
        total: 0,
        byStatus: zeros(followUpStatuses),
        overdue: 0,
        awaitingVerification: 0,
        substantiated: 0,
        notSubstantiated: 0,
        malicious: 0,
        rectified: 0,
        rectificationRate: null as number | null,
        callBackDue: 0,
        calledBack: 0,
        calledBackByRater: 0,
        calledBackByPhone: 0,
        callBackRate: null as number | null,
      };
      for (const r of fu) {
        followUps.total += r.n;
        followUps.byStatus[r.status as FollowUpStatus] += r.n;
        followUps.overdue += r.overdue;
        if (r.status === 'open') followUps.awaitingVerification += r.n;
        if (r.verification === 'substantiated') followUps.substantiated += r.n;
        if (r.verification === 'not_substantiated') followUps.notSubstantiated += r.n;
        if (r.verification === 'malicious') followUps.malicious += r.n;
        if (r.verification === 'substantiated') followUps.rectified += r.rectified;
        followUps.callBackDue += r.callBackDue;
        if (r.callBackChannel && r.verification === 'substantiated') followUps.calledBack += r.n;
        if (r.callBackChannel === 'rater_link') followUps.calledBackByRater += r.n;
        if (r.callBackChannel === 'phone') followUps.calledBackByPhone += r.n;
      }
      followUps.rectificationRate = share(followUps.rectified, followUps.substantiated);
      followUps.callBackRate = share(followUps.calledBack, followUps.callBackDue);

      const inspectionRounds = zeros(roundKinds);
      inspectionRounds.sweep = insp.sweeps;
      inspectionRounds.targeted = insp.targeted;

      return {
        scope: { cycles, years, regionId: regionId ?? null, departmentId: departmentId ?? null, category: input.category ?? null },
        asOf: now.toISOString(),
        figures: {
          unitsTakingPart: enr.unitsTakingPart,
          departmentsCovered: enr.departmentsCovered,
          disqualifications: enr.disqualifications,
          awards,
          commendations,
          problems,
          deeds: deedCount,
          deedFigures: { verified: deeds.byStatus.verified, byStatus: deeds.byStatus, hot: deeds.hot, hotVerified: deeds.hotVerified },
          measures,
          supervisors: { active: sup.active, total: sup.total },
          inspectionRounds,
          inspectionTasks: { dispatched: insp.dispatched, reported: insp.reported, reviewed: insp.reviewed, byRoundKind: { sweep: insp.sweepTasks, targeted: insp.targetedTasks } },
          inspectionReports: reportsByOrigin.task + reportsByOrigin.walk_in,
          inspectionReportsByOrigin: reportsByOrigin,
          feedbackItems: findings.total,
          findings,
          accountabilityActions,
          ratings,
          complaints,
          followUps,
          ...assembleActivityFigures(activities),
          ...assembleHaochaFigures(await haocha),
        },
        labels: statisticsLabelValues as StatisticsDto['labels'],
      };
    },

    /** 公开统计: the same figures for the public, with small-cell suppression (public.ts) and its ETag. */
    async publicFigures(ctx: RequestContext, input: StatisticsInput): Promise<{ body: PublicStatisticsDto; etag: string }> {
      const body = toPublicStatistics(await service.figures(ctx, input), publicMinCell);
      return { body, etag: publicStatisticsTag(body) };
    },
  };
  return service;
}

export type StatisticsService = ReturnType<typeof createStatisticsService>;
