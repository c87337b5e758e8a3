import type { CycleDto, Phase } from '../src/modules/cycles/schemas.js';
import { phases } from '../src/modules/cycles/schemas.js';
import { systemContext } from '../src/lib/principal.js';
import type { TestApp } from './helper.js';

const ctx = systemContext('fixtures');

/** A criteria set row straight in the table (the criteria module's rules are not under test here). */
export async function insertCriteriaSet(h: TestApp, cycleId: string, category: string): Promise<void> {
  await h.sql(
    `insert into criteria_sets (id, cycle_id, category, revision, document, created_by)
     values (gen_random_uuid(), $1, $2, coalesce((select max(revision) from criteria_sets where cycle_id = $1 and category = $2), 0) + 1, $3, 'fixtures')`,
    [cycleId, category, JSON.stringify({ sections: [], bonusItems: [], bonusCap: 0 })],
  );
}

/**
 * A cycle in `phase` with `unitIds` enrolled, built through the services. Categories of enrolled units get a
 * criteria set when the cycle has to leave enrollment. Other modules' tests use it to reach assessment or later.
 */
export async function cycleInPhase(h: TestApp, phase: Phase, unitIds: string[] = [], name = `周期 ${phase}`): Promise<CycleDto> {
  const s = h.app.services;
  let c = await s.cycles.create(ctx, { name, year: 2024 });
  const walk = phases.slice(1, phases.indexOf(phase) + 1);
  for (const to of walk) {
    if (c.phase === 'draft' || c.phase === 'enrollment') {
      for (const unitId of unitIds) if (!(await s.cycles.activeEnrollment(c.id, unitId))) await s.enrollments.enroll(ctx, c.id, unitId);
    }
    if (c.phase === 'enrollment') {
      const categories = new Set((await s.units.byIds(ctx, unitIds)).map((u) => u.category));
      for (const category of categories) await insertCriteriaSet(h, c.id, category);
    }
    if (to === 'naming') {
      // ranking → naming needs a published ranking.
      const ranking = await s.rankings.compute(ctx, c.id);
      await s.rankings.publish(ctx, ranking.id);
    }
    c = await s.cycles.transition(ctx, c.id, c.version, to);
  }
  if (c.phase === 'draft') for (const unitId of unitIds) await s.enrollments.enroll(ctx, c.id, unitId);
  return c;
}
