import t from 'tap';
import { gql, onPglite, setup } from './helper.js';
import { asSupervisor, createRound, generate, goodRatings, minutesAgo, openWindow, supervisionWorld, tasksOf } from './supervision-fixtures.js';

const h = await setup(t);
const w = await supervisionWorld(h);

const TASK_FIELDS = `id roundId supervisorId unitId status statusLabel { zhCN en } window { startsAt endsAt } focus instructions acceptedAt reportedAt reviewedAt closedAt version
  report { id taskId unitId visitedAt summary ratings { attitude efficiency quality environment discipline } findings { id taskId unitId description severity evidenceLinks status reviewNote problemId enrollmentId reviewedAt } }`;

t.test('a supervisor created through GraphQL reads the same through REST', async (t) => {
  const g = await gql(
    h,
    'admin',
    `mutation($input: CreateSupervisorInput!) { createSupervisor(input: $input) { id name affiliation sector departmentId contact { phone email } termStart termEnd active version department { name } } }`,
    { input: { name: '人大代表戊', affiliation: '州人大', sector: 'npc', departmentId: w.departments.forestry.id, termStart: '2024-01-01', contact: { email: 'wu@example.org' } } },
  );
  t.same(g.errors, undefined);
  const created = g.data!.createSupervisor as Record<string, unknown>;
  t.same(created.department, { name: '州林业局' });
  const rest = (await h.as('admin', { method: 'GET', url: `/api/v1/supervisors/${created.id as string}` })).json();
  for (const k of ['id', 'name', 'affiliation', 'sector', 'departmentId', 'contact', 'termStart', 'termEnd', 'active', 'version']) t.same(created[k], rest[k], k);
  const upd = await gql(h, 'admin', `mutation { updateSupervisor(id: "${created.id as string}", version: 1, input: { active: false }) { active version } }`);
  t.same(upd.data, { updateSupervisor: { active: false, version: 2 } });
});

t.test('rounds and tasks through GraphQL match REST', async (t) => {
  const g = await gql(
    h,
    'admin',
    `mutation($input: CreateInspectionRoundInput!) { createInspectionRound(input: $input) { id kind status seed tasksPerUnit filter { category } window { startsAt endsAt } } }`,
    { input: { kind: 'sweep', name: 'GraphQL 轮次', filter: { category: 'public_service' }, window: openWindow(), seed: 31 } },
  );
  t.same(g.errors, undefined);
  const roundId = (g.data!.createInspectionRound as { id: string }).id;
  const restRound = (await h.as('admin', { method: 'GET', url: `/api/v1/inspection-rounds/${roundId}` })).json();
  t.same(g.data!.createInspectionRound, { id: roundId, kind: 'sweep', status: 'draft', seed: 31, tasksPerUnit: 1, filter: { category: 'public_service' }, window: restRound.window });

  const gen = await gql(h, 'admin', `mutation { generateInspectionTasks(id: "${roundId}") { tasksCreated taskIds unassigned { unitId } round { status } } }`);
  t.same(gen.errors, undefined);
  t.match(gen.data!.generateInspectionTasks, { tasksCreated: 2, unassigned: [], round: { status: 'generated' } });

  const list = await gql(h, 'admin', `{ inspectionTasks(roundId: "${roundId}") { items { ${TASK_FIELDS} } nextCursor } }`);
  t.same(list.errors, undefined);
  const rest = await tasksOf(h, roundId);
  const strip = (x: Record<string, unknown>) => {
    const { createdAt: _c, updatedAt: _u, statusReason: _s, ...rest } = x;
    return rest;
  };
  t.same((list.data!.inspectionTasks as { items: Record<string, unknown>[] }).items, rest.map((x) => strip(x as unknown as Record<string, unknown>)));
});

t.test('the supervisor flow through GraphQL: accept, report, and the admin reviews', async (t) => {
  const r = await createRound(h, { kind: 'targeted', unitIds: [w.units.forestStation.id] });
  await generate(h, r.id);
  const [task] = await tasksOf(h, r.id);
  const me = asSupervisor(task.supervisorId);
  const mine = await gql(h, me, `{ mySupervisorProfile { id contact { phone email } } inspectionTasks { items { id round { id } supervisor { id contact { phone email } } unit { name } } } }`);
  t.same(mine.errors, undefined);
  t.equal((mine.data!.mySupervisorProfile as { id: string }).id, task.supervisorId);
  const items = (mine.data!.inspectionTasks as { items: { id: string; round: unknown; unit: { name: string } }[] }).items;
  const item = items.find((x) => x.id === task.id)!;
  t.equal(item.round, null, 'the round (and its list of targets) stays with the office');
  t.equal(item.unit.name, '汪营林业站');

  t.same((await gql(h, me, `mutation { acceptInspectionTask(id: "${task.id}") { status } }`)).data, { acceptInspectionTask: { status: 'accepted' } });
  const bad = await gql(h, me, `mutation($input: InspectionReportInput!) { reportInspectionTask(id: "${task.id}", input: $input) { status } }`, {
    input: { visitedAt: minutesAgo(10), ratings: { ...goodRatings, quality: 9 } },
  });
  t.equal(bad.errors?.[0].extensions?.code, 'validation_failed');
  t.equal(bad.errors?.[0].extensions?.errors?.[0].field, 'input.ratings.quality');
  const rep = await gql(h, me, `mutation($input: InspectionReportInput!) { reportInspectionTask(id: "${task.id}", input: $input) { status report { findings { id severity } } } }`, {
    input: { visitedAt: minutesAgo(10), ratings: goodRatings, findings: [{ description: '首问负责制未落实', severity: 'major', evidenceLinks: ['https://evidence.example.org/a.png'] }] },
  });
  t.same(rep.errors, undefined);
  const findingId = (rep.data!.reportInspectionTask as { report: { findings: { id: string }[] } }).report.findings[0].id;
  const again = await gql(h, me, `mutation { reportInspectionTask(id: "${task.id}", input: { visitedAt: "${minutesAgo(5)}", ratings: { attitude: 1, efficiency: 1, quality: 1, environment: 1, discipline: 1 } }) { status } }`);
  t.equal(again.errors?.[0].extensions?.code, 'already_reported');

  const rev = await gql(h, 'admin', `mutation { reviewInspectionTask(id: "${task.id}", decisions: [{ findingId: "${findingId}", accepted: true }]) { status report { findings { status problemId } } } }`);
  t.same(rev.errors, undefined);
  const f = (rev.data!.reviewInspectionTask as { report: { findings: { status: string; problemId: string }[] } }).report.findings[0];
  t.equal(f.status, 'accepted');
  t.ok(f.problemId);

  const unit = { role: 'unit' as const, unitId: task.unitId };
  const fbG = await gql(h, unit, `{ inspectionFeedback(unitId: "${task.unitId}") { items { id unitId cycleId visitedAt summary reviewed ratings { attitude efficiency quality environment discipline } findings { id category categoryLabel { zhCN en } description severity status problemId evidenceLinks severityLabel { zhCN en } statusLabel { zhCN en } } } nextCursor } }`);
  const fbR = (await h.as(unit, { method: 'GET', url: `/api/v1/units/${task.unitId}/inspection-feedback` })).json();
  t.same(fbG.data!.inspectionFeedback, fbR, 'the unit’s feedback is the same through both APIs');
});

t.test('GraphQL denials carry codes', async (t) => {
  t.equal((await gql(h, 'inspector', `{ inspectionTasks { items { id } } }`)).errors?.[0].extensions?.code, 'forbidden');
  t.equal((await gql(h, 'anonymous', `{ supervisors { items { id } } }`)).errors?.[0].extensions?.code, 'unauthorized');
  t.equal((await gql(h, asSupervisor(w.supervisors.teacher.id), `{ inspectionTask(id: "0190d7a0-0000-7000-8000-000000000000") { id } }`)).errors?.[0].extensions?.code, 'not_found');
});

t.test('no N+1: a task list with nested supervisor, unit, round and report costs the same for 3 or 15 tasks', { skip: onPglite && 'query counting needs PostgreSQL' }, async (t) => {
  const small = await createRound(h, { kind: 'sweep', filter: { departmentId: w.departments.tax.id } });
  await generate(h, small.id);
  const big = await createRound(h, { kind: 'sweep', filter: {}, tasksPerUnit: 3 });
  await generate(h, big.id);
  // Report on some tasks of each so reports and findings are loaded too.
  for (const id of [small.id, big.id]) {
    for (const task of (await tasksOf(h, id)).slice(0, 2)) {
      await h.as(asSupervisor(task.supervisorId), {
        method: 'POST',
        url: `/api/v1/inspection-tasks/${task.id}/report`,
        payload: { visitedAt: minutesAgo(3), ratings: goodRatings, findings: [{ description: 'x', severity: 'minor' }] },
      });
    }
  }
  const q = (roundId: string) =>
    `{ inspectionTasks(roundId: "${roundId}") { items { id supervisor { name department { name } } unit { name department { name } region { nameZh } } round { name } report { ratings { attitude } findings { id enrollmentId } } } } }`;
  const a = await h.countQueries(() => gql(h, 'admin', q(small.id)));
  const b = await h.countQueries(() => gql(h, 'admin', q(big.id)));
  t.same(a.result.errors, undefined);
  t.equal((a.result.data!.inspectionTasks as { items: unknown[] }).items.length, 3);
  t.equal((b.result.data!.inspectionTasks as { items: unknown[] }).items.length, 15);
  t.equal(b.queries, a.queries, `${a.queries} statements either way`);
});
