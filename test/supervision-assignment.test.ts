import t from 'tap';
import { assignSupervisors } from '../src/modules/supervision/assignment.js';
import { setup } from './helper.js';
import { createRound, generate, supervisionWorld, tasksOf } from './supervision-fixtures.js';

const h = await setup(t);
const w = await supervisionWorld(h);
const allUnits = Object.values(w.units);
const deptOf = new Map(allUnits.map((u) => [u.id, u.departmentId]));
const supDept = new Map(Object.values(w.supervisors).map((s) => [s.id, s.departmentId]));

// A larger synthetic world for the pure assignment function: 6 departments, 60 units, 13 supervisors.
const depts = ['d1', 'd2', 'd3', 'd4', 'd5', 'd6'];
const synthUnits = Array.from({ length: 60 }, (_, i) => ({ id: `u${String(i).padStart(3, '0')}`, departmentId: depts[i % depts.length] }));
const synthSupervisors = Array.from({ length: 13 }, (_, i) => ({ id: `s${String(i).padStart(3, '0')}`, departmentId: i < 6 ? depts[i] : null }));
const loads = (pairs: { supervisorId: string }[]) => {
  const m = new Map<string, number>(synthSupervisors.map((s) => [s.id, 0]));
  for (const p of pairs) m.set(p.supervisorId, m.get(p.supervisorId)! + 1);
  return [...m.values()];
};

t.test('no supervisor is ever assigned to a unit of its own department', async (t) => {
  for (const seed of [1, 2, 3, 42, 99999]) {
    const { assignments } = assignSupervisors(synthUnits, synthSupervisors, 2, seed);
    const unitDept = new Map(synthUnits.map((u) => [u.id, u.departmentId]));
    const sDept = new Map(synthSupervisors.map((s) => [s.id, s.departmentId]));
    t.ok(assignments.every((a) => sDept.get(a.supervisorId) !== unitDept.get(a.unitId)), `seed ${seed}`);
  }
});

t.test('the load is spread evenly: busiest and idlest supervisor differ by at most one', async (t) => {
  for (const [perUnit, seed] of [[1, 7], [2, 8], [3, 9]]) {
    const { assignments, unassigned } = assignSupervisors(synthUnits, synthSupervisors, perUnit, seed);
    t.equal(unassigned.length, 0);
    t.equal(assignments.length, synthUnits.length * perUnit);
    const l = loads(assignments);
    t.ok(Math.max(...l) - Math.min(...l) <= 1, `perUnit ${perUnit}: loads ${l.join(',')}`);
  }
});

t.test('each unit gets distinct supervisors', async (t) => {
  const { assignments } = assignSupervisors(synthUnits, synthSupervisors, 3, 5);
  const per = new Map<string, Set<string>>();
  for (const a of assignments) per.set(a.unitId, (per.get(a.unitId) ?? new Set()).add(a.supervisorId));
  t.ok([...per.values()].every((s) => s.size === 3));
});

t.test('the same seed gives the same assignment, whatever the input order', async (t) => {
  const a = assignSupervisors(synthUnits, synthSupervisors, 2, 1234);
  const b = assignSupervisors([...synthUnits].reverse(), [...synthSupervisors].reverse(), 2, 1234);
  const key = (x: typeof a) => x.assignments.map((p) => `${p.unitId}>${p.supervisorId}`).sort();
  t.same(key(b), key(a));
});

t.test('a different seed (usually) gives a different assignment', async (t) => {
  const key = (seed: number) =>
    assignSupervisors(synthUnits, synthSupervisors, 1, seed)
      .assignments.map((p) => `${p.unitId}>${p.supervisorId}`)
      .sort()
      .join();
  const seeds = [11, 12, 13, 14, 15];
  t.ok(new Set(seeds.map(key)).size > 1, 'at least two of five seeds differ');
});

t.test('a unit with no eligible supervisor is reported, not silently skipped', async (t) => {
  const { assignments, unassigned } = assignSupervisors([{ id: 'u1', departmentId: 'd1' }, { id: 'u2', departmentId: 'd2' }], [{ id: 's1', departmentId: 'd1' }], 1, 3);
  t.same(assignments, [{ unitId: 'u2', supervisorId: 's1' }]);
  t.same(unassigned, [{ unitId: 'u1', missing: 1, reason: 'no_eligible_supervisor' }]);
});

t.test('generating a sweep round assigns every active unit, never to the own department, evenly', async (t) => {
  const round = await createRound(h, { kind: 'sweep', filter: {}, seed: 77, tasksPerUnit: 2 });
  const gen = await generate(h, round.id);
  t.equal(gen.tasksCreated, allUnits.length * 2);
  t.same(gen.unassigned, []);
  const tasks = await tasksOf(h, round.id);
  t.equal(tasks.length, gen.tasksCreated);
  t.same(tasks.map((x) => x.id).sort(), [...gen.taskIds].sort());
  t.ok(tasks.every((x) => supDept.get(x.supervisorId) !== deptOf.get(x.unitId)), 'never own department');
  const load = new Map<string, number>();
  for (const x of tasks) load.set(x.supervisorId, (load.get(x.supervisorId) ?? 0) + 1);
  t.equal(load.size, 4);
  t.ok(Math.max(...load.values()) - Math.min(...load.values()) <= 1, [...load.values()].join(','));
  t.ok(tasks.every((x) => x.status === 'assigned'));
});

t.test('two rounds with the same seed over the same units produce the same pairs', async (t) => {
  const a = await createRound(h, { kind: 'sweep', filter: { departmentId: w.departments.tax.id }, seed: 2024 });
  const b = await createRound(h, { kind: 'sweep', filter: { departmentId: w.departments.tax.id }, seed: 2024 });
  await generate(h, a.id);
  await generate(h, b.id);
  const pairs = async (id: string) => (await tasksOf(h, id)).map((x) => `${x.unitId}>${x.supervisorId}`).sort();
  t.same(await pairs(b.id), await pairs(a.id));
  t.equal((await pairs(a.id)).length, 3, 'the three tax units');
});

t.test('a round without a seed gets a random one, stored and shown', async (t) => {
  const r = await createRound(h, { kind: 'targeted', unitIds: [w.units.forestStation.id] });
  t.type(r.seed, 'number');
  const again = await h.as('admin', { method: 'GET', url: `/api/v1/inspection-rounds/${r.id}` });
  t.equal(again.json().seed, r.seed);
});

t.test('a targeted round covers only the named units and reports those nobody can inspect', async (t) => {
  // Only forestry's own supervisor remains active: the forestry unit cannot be inspected.
  const ctx = { principal: { role: 'admin' as const, subject: 'test' }, requestId: 't' };
  const s = h.app.services.supervision.supervisors;
  for (const sup of [w.supervisors.taxman, w.supervisors.teacher, w.supervisors.doctor]) {
    const cur = await s.get(ctx, sup.id);
    await s.update(ctx, sup.id, cur.version, { active: false });
  }
  t.teardown(async () => {
    for (const sup of [w.supervisors.taxman, w.supervisors.teacher, w.supervisors.doctor]) {
      const cur = await s.get(ctx, sup.id);
      await s.update(ctx, sup.id, cur.version, { active: true });
    }
  });
  const r = await createRound(h, { kind: 'targeted', unitIds: [w.units.forestPolice.id, w.units.taxHallA.id] });
  const gen = await generate(h, r.id);
  t.equal(gen.tasksCreated, 1);
  t.same(gen.unassigned, [{ unitId: w.units.forestPolice.id, missing: 1, reason: 'no_eligible_supervisor' }]);
  const [only] = await tasksOf(h, r.id);
  t.equal(only.unitId, w.units.taxHallA.id);
  t.equal(only.supervisorId, w.supervisors.forester.id);
});

t.test('supervisors outside their term are not assigned', async (t) => {
  const r = await h.as('admin', {
    method: 'POST',
    url: '/api/v1/inspection-rounds',
    payload: { name: 'old', kind: 'targeted', unitIds: [w.units.taxAudit.id], window: { startsAt: '2019-03-01T00:00:00Z', endsAt: '2019-03-10T00:00:00Z' } },
  });
  t.equal(r.statusCode, 201, r.body);
  const gen = await generate(h, r.json().id);
  t.equal(gen.tasksCreated, 0, 'every supervisor’s term starts in 2020');
  t.equal(gen.unassigned.length, 1);
});

t.test('tasks are generated once: a second generation is a 409', async (t) => {
  const r = await createRound(h, { kind: 'targeted', unitIds: [w.units.taxAudit.id] });
  await generate(h, r.id);
  const again = await h.as('admin', { method: 'POST', url: `/api/v1/inspection-rounds/${r.id}/generate-tasks` });
  t.equal(again.statusCode, 409);
  t.equal(again.json().code, 'illegal_transition');
});

t.test('generation writes one audit entry naming every task', async (t) => {
  const r = await createRound(h, { kind: 'sweep', filter: { category: 'public_service' } });
  const gen = await generate(h, r.id);
  const audit = await h.as('admin', { method: 'GET', url: `/api/v1/audit-log?entityType=inspection_round&entityId=${r.id}` });
  const entries = audit.json().items as { action: string; after: { taskIds: string[] } }[];
  t.same(
    entries.map((e) => e.action),
    ['inspection_round.created', 'inspection_round.tasks_generated'],
  );
  t.same([...entries[1].after.taskIds].sort(), [...gen.taskIds].sort());
});

t.test('a sweep round of a cycle covers only units enrolled in it', async (t) => {
  const [cycle] = await h.sql<{ id: string }>(
    `insert into cycles (id, name, year, settings) values (gen_random_uuid(), '2024', 2024, '{}'::jsonb) returning id`,
  );
  await h.sql(`insert into enrollments (id, cycle_id, unit_id, category) values (gen_random_uuid(), $1, $2, 'public_service')`, [cycle.id, w.units.taxHallB.id]);
  const r = await createRound(h, { kind: 'sweep', cycleId: cycle.id, filter: {} });
  const gen = await generate(h, r.id);
  t.equal(gen.tasksCreated, 1);
  t.equal((await tasksOf(h, r.id))[0].unitId, w.units.taxHallB.id);
});

t.test('round validation names the field', async (t) => {
  const bad = await h.as('admin', { method: 'POST', url: '/api/v1/inspection-rounds', payload: { name: 'x', kind: 'targeted', unitIds: [w.units.taxAudit.id, '0190d7a0-0000-7000-8000-000000000000'], window: { startsAt: '2024-01-02T00:00:00Z', endsAt: '2024-01-05T00:00:00Z' } } });
  t.equal(bad.statusCode, 422);
  t.equal(bad.json().errors[0].field, 'unitIds.1');
  const inverted = await h.as('admin', { method: 'POST', url: '/api/v1/inspection-rounds', payload: { name: 'x', kind: 'sweep', window: { startsAt: '2024-01-05T00:00:00Z', endsAt: '2024-01-02T00:00:00Z' } } });
  t.equal(inverted.statusCode, 400);
  t.match(inverted.json().errors[0].field, /window\.endsAt/);
  const unknownCycle = await h.as('admin', { method: 'POST', url: '/api/v1/inspection-rounds', payload: { name: 'x', kind: 'sweep', cycleId: '0190d7a0-0000-7000-8000-000000000000', window: { startsAt: '2024-01-02T00:00:00Z', endsAt: '2024-01-05T00:00:00Z' } } });
  t.equal(unknownCycle.statusCode, 422);
  t.equal(unknownCycle.json().errors[0].field, 'cycleId');
});

t.test('a draft round can be edited; a generated one cannot', async (t) => {
  const r = await createRound(h, { kind: 'targeted', unitIds: [w.units.taxAudit.id] });
  const ok = await h.as('admin', { method: 'PATCH', url: `/api/v1/inspection-rounds/${r.id}`, headers: { 'if-match': `"${r.version}"` }, payload: { focus: '窗口服务态度', seed: 5 } });
  t.equal(ok.statusCode, 200, ok.body);
  t.equal(ok.json().focus, '窗口服务态度');
  t.equal(ok.json().seed, 5);
  await generate(h, r.id);
  const late = await h.as('admin', { method: 'PATCH', url: `/api/v1/inspection-rounds/${r.id}`, headers: { 'if-match': '"3"' }, payload: { focus: 'x' } });
  t.equal(late.statusCode, 409);
  t.equal(late.json().code, 'round_not_draft');
});
