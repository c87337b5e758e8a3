import { systemContext } from '../src/lib/principal.js';
import { cycleInPhase } from './fixtures-cycles.js';
import { referenceWorld } from './fixtures.js';
import type { TestApp } from './helper.js';

const ctx = systemContext('fixtures');
type Severity = 'minor' | 'major' | 'serious';

/**
 * Rows straight into the evaluation channels' tables (their modules' rules are not under test here), so a ranking
 * can be computed over a world whose every number is known.
 */
export function scoreRows(h: TestApp, cycleId: string) {
  let roundId: string | null = null;
  let seq = 0;

  /** One round of the cycle; a supervisor per report (tasks are unique per round, unit and supervisor). */
  async function round(): Promise<{ supervisorId: string; roundId: string }> {
    const [{ id: supervisorId }] = await h.sql<{ id: string }>(
      `insert into supervisors (id, name, affiliation, sector, term_start) values (gen_random_uuid(), '监督员', '州政协', 'citizen', '2024-01-01') returning id`,
    );
    if (!roundId) {
      [{ id: roundId }] = await h.sql<{ id: string }>(
        `insert into inspection_rounds (id, name, cycle_id, kind, starts_at, ends_at, seed, status)
         values (gen_random_uuid(), '暗访', $1, 'sweep', now() - interval '30 days', now(), 1, 'generated') returning id`,
        [cycleId],
      );
    }
    return { supervisorId, roundId: roundId! };
  }

  return {
    /** Scorecards of the unit with these totals (status confirmed unless said otherwise). */
    async scorecards(unitId: string, totals: number[], status: 'draft' | 'submitted' | 'confirmed' = 'confirmed') {
      for (const total of totals) {
        await h.sql(
          `insert into scorecards (id, cycle_id, unit_id, enrollment_id, criteria_set_id, inspector_subject, status, total, regular_total, assessed_on)
           select gen_random_uuid(), e.cycle_id, e.unit_id, e.id,
                  (select id from criteria_sets where cycle_id = e.cycle_id and category = e.category order by revision desc limit 1),
                  'inspector-1', $3, $4, $4, '2024-05-01'
           from enrollments e where e.cycle_id = $1 and e.unit_id = $2`,
          [cycleId, unitId, status, total],
        );
      }
    },

    /** One inspection report with the same 1–5 rating on all five dimensions, and its findings. */
    async report(unitId: string, rating: number, findings: { severity: Severity; status?: 'pending' | 'accepted' | 'dismissed' }[] = [], taskStatus = 'reviewed') {
      const r = await round();
      const [{ id: taskId }] = await h.sql<{ id: string }>(
        `insert into inspection_tasks (id, round_id, supervisor_id, unit_id, starts_at, ends_at, status)
         values (gen_random_uuid(), $1, $2, $3, now() - interval '10 days', now(), $4) returning id`,
        [r.roundId, r.supervisorId, unitId, taskStatus],
      );
      const [{ id: reportId }] = await h.sql<{ id: string }>(
        `insert into inspection_reports (id, task_id, unit_id, visited_at, attitude, efficiency, quality, environment, discipline)
         values (gen_random_uuid(), $1, $2, now(), $3, $3, $3, $3, $3) returning id`,
        [taskId, unitId, rating],
      );
      for (const [i, f] of findings.entries()) {
        await h.sql(
          `insert into inspection_findings (id, task_id, report_id, unit_id, position, description, severity, status)
           values (gen_random_uuid(), $1, $2, $3, $4, '窗口无人', $5, $6)`,
          [taskId, reportId, unitId, i, f.severity, f.status ?? 'accepted'],
        );
      }
    },

    /** `count` ratings at `level` (generate_series: fast for thousands). */
    async ratings(unitId: string, level: number, count: number, inCycle = true) {
      await h.sql(
        `insert into ratings (id, unit_id, cycle_id, channel, level, collected_at, source, submitted_by)
         select gen_random_uuid(), $1, $2, 'questionnaire', $3, now(), 'fixtures', 'fixtures' from generate_series(1, $4)`,
        [unitId, inCycle ? cycleId : null, level, count],
      );
    },

    async complaint(unitId: string, o: { substantiated: boolean; severity: Severity | null }) {
      seq++;
      await h.sql(
        `insert into complaints (id, tracking_code, source, category, subject, description, unit_id, cycle_id, status, substantiated, severity, received_at)
         values (gen_random_uuid(), $1, 'hotline', 'service_attitude', '态度差', '态度差', $2, $3, $4, $5, $6, now())`,
        [`T-${cycleId.slice(0, 8)}-${seq}`, unitId, cycleId, o.substantiated ? 'substantiated' : 'unsubstantiated', o.substantiated, o.severity],
      );
    },

    /** A problem with a deadline `daysFromNow` away (negative: passed); verified `verifiedDaysFromNow` if given. */
    async problem(unitId: string, daysFromNow: number, verifiedDaysFromNow?: number) {
      await h.sql(
        `insert into problems (id, unit_id, cycle_id, source_type, severity, description, deadline, status, verified_at)
         values (gen_random_uuid(), $1, $2, 'manual', 'minor', '整改', now() + make_interval(days => $3::int), $4,
                 case when $5::int is null then null else now() + make_interval(days => $5::int) end)`,
        [unitId, cycleId, daysFromNow, verifiedDaysFromNow === undefined ? 'open' : 'verified', verifiedDaysFromNow ?? null],
      );
    },

    /** Self-reported deeds, then verified by the office (核实): only verified deeds earn bonus points. */
    async deeds(unitId: string, count: number) {
      const rows = await h.sql<{ id: string }>(
        `insert into deeds (id, unit_id, cycle_id, title, description, done_on, recorded_by, recorded_by_role)
         select gen_random_uuid(), $1, $2, '办实事', '为群众办实事', '2024-04-01', 'fixtures', 'admin' from generate_series(1, $3) returning id`,
        [unitId, cycleId, count],
      );
      await h.app.services.deeds.decide(systemContext('fixtures'), { ids: rows.map((r) => r.id), decision: 'verify' });
    },
  };
}

/**
 * The reference world's five units in a cycle in assessment, plus a disqualified sixth, with known inputs:
 *
 * | unit | category | scorecards | report (rating, findings) | ratings | other |
 * |---|---|---|---|---|---|
 * | forestStation | law_enforcement | 90, 80 (+ a draft 10) | 5, accepted minor (+ dismissed serious) | 40×5, 10×4 | substantiated major complaint, 1 overdue problem, 3 deeds |
 * | forestPolice | law_enforcement | 70 | 3 | 20×3 (under 30: insufficient) | |
 * | taxHallA | public_service | 85 | none (M missing; insufficient) | 60×4 | |
 * | taxHallB | public_service | 75 | 4 | 50×5 | 30 deeds (bonus capped), a problem verified late |
 * | taxAudit | economic_social_management | 60 | 2 | 40×2 | |
 * | disqualified | law_enforcement | 100 | 5 | 100×5 | disqualified: not ranked |
 */
export async function scoredWorld(h: TestApp) {
  const world = await referenceWorld(h);
  const u = world.units;
  const disqualified = await h.app.services.units.create(ctx, { name: '被取消资格站', departmentId: world.departments.forestry.id, regionId: world.regions.countyB.id, category: 'law_enforcement' });
  const unitIds = [u.forestStation.id, u.forestPolice.id, u.taxHallA.id, u.taxHallB.id, u.taxAudit.id, disqualified.id];
  const cycle = await cycleInPhase(h, 'assessment', unitIds, '2024年度创建');
  await h.sql(`update enrollments set status = 'disqualified', reason = '属实投诉' where cycle_id = $1 and unit_id = $2`, [cycle.id, disqualified.id]);

  const rows = scoreRows(h, cycle.id);
  await rows.scorecards(u.forestStation.id, [90, 80]);
  await rows.scorecards(u.forestStation.id, [10], 'draft');
  await rows.report(u.forestStation.id, 5, [{ severity: 'minor' }, { severity: 'serious', status: 'dismissed' }]);
  await rows.ratings(u.forestStation.id, 5, 40);
  await rows.ratings(u.forestStation.id, 4, 10);
  await rows.ratings(u.forestStation.id, 1, 25, false); // outside any cycle: not counted
  await rows.complaint(u.forestStation.id, { substantiated: true, severity: 'major' });
  await rows.complaint(u.forestStation.id, { substantiated: false, severity: null });
  await rows.problem(u.forestStation.id, -5);
  await rows.problem(u.forestStation.id, -5, -6); // verified in time
  await rows.deeds(u.forestStation.id, 3);

  await rows.scorecards(u.forestPolice.id, [70]);
  await rows.report(u.forestPolice.id, 3);
  await rows.ratings(u.forestPolice.id, 3, 20);

  await rows.scorecards(u.taxHallA.id, [85]);
  await rows.ratings(u.taxHallA.id, 4, 60);

  await rows.scorecards(u.taxHallB.id, [75]);
  await rows.report(u.taxHallB.id, 4);
  await rows.ratings(u.taxHallB.id, 5, 50);
  await rows.deeds(u.taxHallB.id, 30);
  await rows.problem(u.taxHallB.id, -10, -2); // verified after the deadline

  await rows.scorecards(u.taxAudit.id, [60]);
  await rows.report(u.taxAudit.id, 2);
  await rows.ratings(u.taxAudit.id, 2, 40);

  await rows.scorecards(disqualified.id, [100]);
  await rows.report(disqualified.id, 5);
  await rows.ratings(disqualified.id, 5, 100);

  return { ...world, cycle, disqualified, rows };
}
export type ScoredWorld = Awaited<ReturnType<typeof scoredWorld>>;
