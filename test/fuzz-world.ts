import { sampleCriteriaDocument } from '../src/demo/criteria-document.js';
import { systemContext } from '../src/lib/principal.js';
import { categories } from '../src/modules/units/schemas.js';
import { referenceWorld } from './fixtures.js';
import type { TestApp } from './helper.js';
import { createRound, generate, openWindow } from './supervision-fixtures.js';

const ctx = systemContext('fuzz-world');

async function api<T = { id: string }>(h: TestApp, method: 'POST', url: string, payload: object): Promise<T> {
  const res = await h.as('admin', { method, url, payload });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json() as T;
}

/**
 * The fuzz test's world, every row written by the services or the API (rows a service could never write would
 * make false findings): the reference world (regions, two departments, five units), a cycle in enrollment, and a
 * cycle walked to naming with a published ranking and confirmed awards; a supervisor, a round with tasks, a
 * complaint, a problem, a rating, a webhook subscription.
 */
export async function fuzzWorld(h: TestApp) {
  const s = h.app.services;
  const reference = await referenceWorld(h);
  const units = Object.values(reference.units);
  const departmentId = reference.departments.forestry.id;
  const pick = categories.map((c) => units.find((u) => u.category === c)!);

  // A cycle open for enrollment, every unit enrolled.
  const open = await s.cycles.create(ctx, { name: '报名中的周期', year: 2026 });
  await s.cycles.transition(ctx, open.id, open.version, 'enrollment');
  await s.enrollments.enrollMany(ctx, open.id, {});

  // No minimum samples, so the ranking names units without ratings, scorecards or reports.
  let cycle = await s.cycles.create(ctx, { name: '模糊测试周期', year: 2025, settings: { quotas: { top100: 2, top10: 1, perCategory: null }, minimumSamples: { ratings: 0, scorecards: 0, inspectionReports: 0 } } });
  cycle = await s.cycles.transition(ctx, cycle.id, cycle.version, 'enrollment');
  for (const u of pick) await s.enrollments.enroll(ctx, cycle.id, u.id);
  for (const category of categories) await s.criteria.save(ctx, cycle.id, category, undefined, sampleCriteriaDocument);
  cycle = await s.cycles.transition(ctx, cycle.id, cycle.version, 'assessment');

  const unit = pick[0];
  await api(h, 'POST', '/api/v1/ratings', { unitId: unit.id, level: 2, comment: '态度差', channel: 'hotline', source: 'fuzz' });
  const complaint = await api(h, 'POST', '/api/v1/complaints', { category: 'discipline', subject: '窗口人员上班玩游戏', description: '办税窗口工作人员在玩手机游戏', source: 'hotline', unitId: unit.id });
  await api(h, 'POST', '/api/v1/problems', { unitId: unit.id, cycleId: cycle.id, sourceType: 'complaint', sourceId: complaint.id, severity: 'minor', description: '整改' });

  const supervisor = await s.supervision.supervisors.create(ctx, { name: '监督员', affiliation: '州政协', sector: 'citizen', departmentId: null, contact: { phone: '13900000009' }, termStart: '2020-01-01', termEnd: null });
  const round = await createRound(h, { kind: 'targeted', unitIds: pick.map((u) => u.id), cycleId: cycle.id, window: openWindow() });
  await generate(h, round.id);
  await s.webhooks.create(ctx, { url: 'https://example.org/hook', events: ['*'], signing: 'hmac' });

  cycle = await s.cycles.transition(ctx, cycle.id, cycle.version, 'ranking');
  const ranking = await s.rankings.compute(ctx, cycle.id);
  await s.rankings.publish(ctx, ranking.id);
  cycle = await s.cycles.transition(ctx, cycle.id, cycle.version, 'naming');
  const nomination = await s.awards.propose(ctx, cycle.id, ranking.id);
  await s.awards.confirm(ctx, nomination.id, undefined);
  return { unitId: unit.id, departmentId, supervisorId: supervisor.id, cycleId: cycle.id };
}
