import t from 'tap';
import { gql, setup } from './helper.js';
import { referenceWorld } from './fixtures.js';
import { insertCriteriaSet } from './fixtures-cycles.js';

const h = await setup(t);
const w = await referenceWorld(h);

type Who = Parameters<typeof h.as>[0];
const OTHER_ROLES: Who[] = [
  'inspector',
  'integration',
  { role: 'supervisor', supervisorId: w.units.taxHallA.id },
  { role: 'department', departmentId: w.departments.tax.id },
  { role: 'unit', unitId: w.units.taxHallA.id },
];

const create = (payload: object, who: Who = 'admin') => h.as(who, { method: 'POST', url: '/api/v1/cycles', payload });
const patch = (id: string, payload: object, headers: Record<string, string> = {}, who: Who = 'admin') =>
  h.as(who, { method: 'PATCH', url: `/api/v1/cycles/${id}`, payload, headers });
const move = (id: string, to: string, version: number, who: Who = 'admin') =>
  h.as(who, { method: 'POST', url: `/api/v1/cycles/${id}/transitions`, payload: { to }, headers: { 'if-match': `"${version}"` } });
const enroll = (cycleId: string, unitId: string) => h.as('admin', { method: 'POST', url: `/api/v1/cycles/${cycleId}/enrollments`, payload: { unitId } });

async function newCycle(name = '2024年度创建周期', settings?: object) {
  const res = await create({ name, year: 2024, ...(settings ? { settings } : {}) });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json() as { id: string; version: number; phase: string };
}

const perCategory = {
  law_enforcement: { top100: 40, top10: 4 },
  public_service: { top100: 40, top10: 4 },
  economic_social_management: { top100: 20, top10: 2 },
};

t.test('an admin creates a cycle in draft with default settings', async (t) => {
  const res = await create({ name: '2024年度创建周期', year: 2024 });
  t.equal(res.statusCode, 201, res.body);
  t.equal(res.headers.etag, '"1"');
  t.match(res.json(), {
    name: '2024年度创建周期',
    year: 2024,
    phase: 'draft',
    phaseLabel: { zhCN: '草稿', en: 'Draft' },
    nextPhase: 'enrollment',
    version: 1,
    settings: {
      weights: { assessment: 0.4, inspection: 0.3, publicSatisfaction: 0.3 },
      quotas: { top100: 100, top10: 10, perCategory: null },
      minimumSamples: { ratings: 30, scorecards: 1, inspectionReports: 1 },
      deadlines: { enrollmentEndsAt: null, assessmentEndsAt: null, rankingAt: null, namingAt: null },
    },
  });
});

t.test('a cycle is configured with weights, a per-category quota split, samples and deadlines', async (t) => {
  const settings = {
    weights: { assessment: 0.5, inspection: 0.2, publicSatisfaction: 0.3 },
    quotas: { top100: 100, top10: 10, perCategory },
    minimumSamples: { ratings: 50, scorecards: 2, inspectionReports: 0 },
    deadlines: { enrollmentEndsAt: '2024-03-31T16:00:00Z', assessmentEndsAt: '2024-10-31T16:00:00Z', rankingAt: null, namingAt: '2024-12-20T02:00:00+08:00' },
  };
  const res = await create({ name: '2025', year: 2025, settings });
  t.equal(res.statusCode, 201, res.body);
  t.same(res.json().settings, settings);
  const read = await h.as('inspector', { method: 'GET', url: `/api/v1/cycles/${res.json().id}` });
  t.same(read.json().settings, settings);
});

t.test('weights that do not sum to 1 are refused naming settings.weights', async (t) => {
  const res = await create({ name: 'x', year: 2024, settings: { weights: { assessment: 0.5, inspection: 0.3, publicSatisfaction: 0.3 } } });
  t.equal(res.statusCode, 400);
  t.ok(res.json().errors.some((e: { field: string }) => e.field === 'body.settings.weights'), res.body);
  const tiny = await create({ name: 'x', year: 2024, settings: { weights: { assessment: 0.1, inspection: 0.2, publicSatisfaction: 0.7 } } });
  t.equal(tiny.statusCode, 201, 'floating-point sums within tolerance are accepted');
  const c = await newCycle();
  const upd = await patch(c.id, { settings: { weights: { assessment: 1, inspection: 1, publicSatisfaction: 0 } } }, { 'if-match': '"1"' });
  t.equal(upd.statusCode, 400);
  t.equal(upd.json().errors[0].field, 'body.settings.weights');
});

t.test('quotas and deadlines that contradict each other are refused naming the field', async (t) => {
  const fields = async (settings: object) => (await create({ name: 'x', year: 2024, settings })).json().errors.map((e: { field: string }) => e.field);
  t.ok((await fields({ quotas: { top100: 5, top10: 10 } })).includes('body.settings.quotas.top10'));
  t.ok((await fields({ quotas: { top100: 100, top10: 10, perCategory: { ...perCategory, public_service: { top100: 10, top10: 4 } } } })).includes('body.settings.quotas.perCategory'));
  const missing = await fields({ quotas: { top100: 80, top10: 8, perCategory: { law_enforcement: perCategory.law_enforcement, public_service: perCategory.public_service } } });
  t.ok(missing.some((f: string) => f.startsWith('body.settings.quotas.perCategory')), JSON.stringify(missing));
  t.ok((await fields({ minimumSamples: { ratings: -1, scorecards: 1, inspectionReports: 1 } })).includes('body.settings.minimumSamples.ratings'));
  const order = await fields({ deadlines: { enrollmentEndsAt: '2024-05-01T00:00:00Z', assessmentEndsAt: '2024-04-01T00:00:00Z' } });
  t.ok(order.includes('body.settings.deadlines.assessmentEndsAt'), JSON.stringify(order));
  t.ok((await fields({ deadlines: { rankingAt: 'next week' } })).includes('body.settings.deadlines.rankingAt'));
});

t.test('settings change with If-Match; groups left out keep their values; the change is audited', async (t) => {
  const c = await newCycle('改设置');
  const res = await patch(c.id, { name: '改设置（修订）', settings: { minimumSamples: { ratings: 100, scorecards: 3, inspectionReports: 2 } } }, { 'if-match': '"1"' });
  t.equal(res.statusCode, 200, res.body);
  t.equal(res.headers.etag, '"2"');
  t.equal(res.json().name, '改设置（修订）');
  t.same(res.json().settings.minimumSamples, { ratings: 100, scorecards: 3, inspectionReports: 2 });
  t.same(res.json().settings.weights, { assessment: 0.4, inspection: 0.3, publicSatisfaction: 0.3 });
  const audit = await h.as('admin', { method: 'GET', url: `/api/v1/audit-log?entityType=cycle&entityId=${c.id}` });
  t.same(audit.json().items.map((e: { action: string }) => e.action), ['cycle.created', 'cycle.updated']);
  t.equal(audit.json().items[1].before.settings.minimumSamples.ratings, 30);
  t.equal(audit.json().items[1].after.settings.minimumSamples.ratings, 100);
});

t.test('an update with a stale version is 412, without one 428', async (t) => {
  const c = await newCycle('并发');
  t.equal((await patch(c.id, { name: 'a' }, { 'if-match': '"1"' })).statusCode, 200);
  const stale = await patch(c.id, { name: 'b' }, { 'if-match': '"1"' });
  t.equal(stale.statusCode, 412);
  t.equal(stale.json().code, 'version_mismatch');
  t.equal(stale.json().currentVersion, 2);
  const none = await patch(c.id, { name: 'c' });
  t.equal(none.statusCode, 428);
  t.equal(none.json().code, 'version_required');
  t.equal((await patch(c.id, { name: 'd', version: 2 })).statusCode, 200, 'version in the body works too');
  const staleMove = await move(c.id, 'enrollment', 1);
  t.equal(staleMove.statusCode, 412);
  const noVersion = await h.as('admin', { method: 'POST', url: `/api/v1/cycles/${c.id}/transitions`, payload: { to: 'enrollment' } });
  t.equal(noVersion.statusCode, 428);
});

t.test('a cycle moves only forward, one phase at a time', async (t) => {
  const c = await newCycle('只能前进');
  const skip = await move(c.id, 'assessment', 1);
  t.equal(skip.statusCode, 409);
  t.match(skip.json(), { code: 'illegal_transition', from: 'draft', to: 'assessment' });
  t.match(skip.json().detail, /only to enrollment/);
  const ok = await move(c.id, 'enrollment', 1);
  t.equal(ok.statusCode, 200, ok.body);
  t.match(ok.json(), { phase: 'enrollment', phaseLabel: { zhCN: '报名' }, nextPhase: 'assessment', version: 2 });
  t.equal(ok.headers.etag, '"2"');
  const back = await move(c.id, 'draft', 2);
  t.equal(back.statusCode, 409);
  t.match(back.json(), { code: 'illegal_transition', from: 'enrollment', to: 'draft' });
  const same = await move(c.id, 'enrollment', 2);
  t.equal(same.json().code, 'illegal_transition');
  const unknown = await move(c.id, 'archived', 2);
  t.equal(unknown.statusCode, 400);
  t.equal(unknown.json().errors[0].field, 'body.to');
});

t.test('leaving draft needs award quotas above zero', async (t) => {
  const c = await newCycle('零名额', { quotas: { top100: 0, top10: 0, perCategory: null } });
  const res = await move(c.id, 'enrollment', 1);
  t.equal(res.statusCode, 409);
  t.equal(res.json().code, 'preconditions_failed');
  t.same(res.json().failed.map((f: { check: string }) => f.check), ['quotas_positive']);
});

t.test('leaving enrollment lists every failing precondition: no units, then categories without criteria', async (t) => {
  const c = await newCycle('前置条件');
  await move(c.id, 'enrollment', 1);
  const empty = await move(c.id, 'assessment', 2);
  t.equal(empty.statusCode, 409);
  t.match(empty.json(), { code: 'preconditions_failed', from: 'enrollment', to: 'assessment' });
  t.same(empty.json().failed.map((f: { check: string }) => f.check), ['units_enrolled']);

  await enroll(c.id, w.units.taxHallA.id);
  await enroll(c.id, w.units.forestStation.id);
  await enroll(c.id, w.units.taxAudit.id);
  await insertCriteriaSet(h, c.id, 'public_service');
  const missing = await move(c.id, 'assessment', 2);
  t.equal(missing.statusCode, 409);
  const failed = missing.json().failed as { check: string; message: string }[];
  t.same(failed.map((f) => f.check), ['criteria_sets_present', 'criteria_sets_present']);
  t.match(failed[0].message, /economic_social_management/);
  t.match(failed[1].message, /law_enforcement/);

  await insertCriteriaSet(h, c.id, 'law_enforcement');
  await insertCriteriaSet(h, c.id, 'economic_social_management');
  const ok = await move(c.id, 'assessment', 2);
  t.equal(ok.statusCode, 200, ok.body);
  t.equal(ok.json().phase, 'assessment');
});

t.test('settings are frozen once assessment starts; the name can still change', async (t) => {
  const c = await newCycle('冻结');
  await move(c.id, 'enrollment', 1);
  const during = await patch(c.id, { settings: { quotas: { top100: 50, top10: 5 } } }, { 'if-match': '"2"' });
  t.equal(during.statusCode, 200, 'still editable during enrollment');
  await enroll(c.id, w.units.taxHallB.id);
  await insertCriteriaSet(h, c.id, 'public_service');
  t.equal((await move(c.id, 'assessment', 3)).statusCode, 200);
  const frozen = await patch(c.id, { settings: { quotas: { top100: 60, top10: 6 } } }, { 'if-match': '"4"' });
  t.equal(frozen.statusCode, 409);
  t.match(frozen.json(), { code: 'cycle_settings_frozen', phase: 'assessment' });
  const rename = await patch(c.id, { name: '冻结（更名）' }, { 'if-match': '"4"' });
  t.equal(rename.statusCode, 200);
  t.equal(rename.json().settings.quotas.top100, 50);
});

t.test('a cycle walks to closed; every move is audited with the phases before and after', async (t) => {
  const c = await newCycle('走完');
  let version = 1;
  for (const to of ['enrollment', 'assessment', 'ranking', 'naming', 'closed']) {
    if (to === 'assessment') {
      await enroll(c.id, w.units.forestPolice.id);
      await insertCriteriaSet(h, c.id, 'law_enforcement');
    }
    if (to === 'naming') {
      const refused = await move(c.id, to, version);
      t.match(refused.json(), { code: 'preconditions_failed' }, 'naming needs a published ranking');
      const ranking = (await h.as('admin', { method: 'POST', url: `/api/v1/cycles/${c.id}/rankings` })).json();
      t.equal((await h.as('admin', { method: 'POST', url: `/api/v1/rankings/${ranking.id}/publish` })).statusCode, 200);
    }
    const res = await move(c.id, to, version);
    t.equal(res.statusCode, 200, `${to}: ${res.body}`);
    version = res.json().version;
  }
  const closed = await h.as('admin', { method: 'GET', url: `/api/v1/cycles/${c.id}` });
  t.match(closed.json(), { phase: 'closed', phaseLabel: { zhCN: '结束', en: 'Closed' }, nextPhase: null });
  const after = await move(c.id, 'draft', version);
  t.match(after.json(), { code: 'illegal_transition', from: 'closed' });
  const audit = await h.as('admin', { method: 'GET', url: `/api/v1/audit-log?entityType=cycle&entityId=${c.id}&action=cycle.phase_changed` });
  t.same(
    audit.json().items.map((e: { before: { phase: string }; after: { phase: string } }) => [e.before.phase, e.after.phase]),
    [
      ['draft', 'enrollment'],
      ['enrollment', 'assessment'],
      ['assessment', 'ranking'],
      ['ranking', 'naming'],
      ['naming', 'closed'],
    ],
  );
});

t.test('writes are admin-only; the public gets 401', async (t) => {
  const c = await newCycle('权限');
  for (const who of OTHER_ROLES) {
    const label = JSON.stringify(who);
    t.equal((await create({ name: 'x', year: 2024 }, who)).statusCode, 403, `${label} create`);
    t.equal((await patch(c.id, { name: 'x' }, { 'if-match': '"1"' }, who)).statusCode, 403, `${label} update`);
    t.equal((await move(c.id, 'enrollment', 1, who)).statusCode, 403, `${label} move`);
  }
  t.equal((await create({ name: 'x', year: 2024 }, 'anonymous')).statusCode, 401);
  t.equal((await patch(c.id, { name: 'x' }, { 'if-match': '"1"' }, 'anonymous')).statusCode, 401);
  t.equal((await move(c.id, 'enrollment', 1, 'anonymous')).statusCode, 401);
  const unchanged = await h.as('admin', { method: 'GET', url: `/api/v1/cycles/${c.id}` });
  t.match(unchanged.json(), { phase: 'draft', version: 1 });
});

t.test('every signed-in role reads cycles; the public does not', async (t) => {
  for (const who of OTHER_ROLES) {
    const res = await h.as(who, { method: 'GET', url: '/api/v1/cycles?limit=1' });
    t.equal(res.statusCode, 200, JSON.stringify(who));
  }
  t.equal((await h.as('anonymous', { method: 'GET', url: '/api/v1/cycles' })).statusCode, 401);
  t.equal((await h.as('admin', { method: 'GET', url: '/api/v1/cycles/01900000-0000-7000-8000-000000000000' })).json().code, 'not_found');
});

t.test('cycles filter by year and phase and page stably by cursor', async (t) => {
  for (let i = 0; i < 5; i++) await create({ name: `2030-${i}`, year: 2030 });
  const c = await newCycle('2030 报名');
  await patch(c.id, { year: 2030 }, { 'if-match': '"1"' });
  await move(c.id, 'enrollment', 2);
  const all = (await h.as('admin', { method: 'GET', url: '/api/v1/cycles?year=2030&limit=200' })).json().items.map((x: { id: string }) => x.id);
  t.equal(all.length, 6);
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const qs: string = cursor ? `&cursor=${cursor}` : '';
    const page = (await h.as('admin', { method: 'GET', url: `/api/v1/cycles?year=2030&limit=4${qs}` })).json();
    seen.push(...page.items.map((x: { id: string }) => x.id));
    cursor = page.nextCursor;
  } while (cursor);
  t.same(seen, all, 'pages cover every cycle once, in order');
  const enrolling = (await h.as('admin', { method: 'GET', url: '/api/v1/cycles?year=2030&phase=enrollment' })).json().items;
  t.same(enrolling.map((x: { id: string }) => x.id), [c.id]);
  t.equal((await h.as('admin', { method: 'GET', url: '/api/v1/cycles?phase=nope' })).statusCode, 400);
});

t.test('GraphQL creates, configures and moves a cycle, returning what REST returns', async (t) => {
  const created = await gql(
    h,
    'admin',
    `mutation($input: CreateCycleInput!) { createCycle(input: $input) { id version phase settings { quotas { top100 perCategory { category top100 top10 } } } } }`,
    {
      input: {
        name: 'GraphQL 周期',
        year: 2026,
        settings: { quotas: { top100: 100, top10: 10, perCategory: Object.entries(perCategory).map(([category, q]) => ({ category, ...q })) } },
      },
    },
  );
  t.same(created.errors, undefined, JSON.stringify(created.errors));
  const id = (created.data!.createCycle as { id: string }).id;
  const moved = await gql(h, 'admin', `mutation($id: ID!) { moveCyclePhase(id: $id, version: 1, to: enrollment) { phase version } }`, { id });
  t.same(moved.data!.moveCyclePhase, { phase: 'enrollment', version: 2 });
  const illegal = await gql(h, 'admin', `mutation($id: ID!) { moveCyclePhase(id: $id, version: 2, to: closed) { phase } }`, { id });
  t.equal(illegal.errors![0].extensions!.code, 'illegal_transition');
  const badWeights = await gql(h, 'admin', `mutation($id: ID!) { updateCycle(id: $id, version: 2, input: { settings: { weights: { assessment: 0.9, inspection: 0.9, publicSatisfaction: 0 } } }) { id } }`, { id });
  t.equal(badWeights.errors![0].extensions!.code, 'validation_failed');
  t.same(badWeights.errors![0].extensions!.errors!.map((e) => e.field), ['input.settings.weights']);

  const rest = (await h.as('inspector', { method: 'GET', url: `/api/v1/cycles/${id}` })).json();
  const g = await gql(
    h,
    'inspector',
    `query($id: ID!) { cycle(id: $id) { id name year phase phaseLabel { zhCN en } nextPhase version phaseChangedAt createdAt updatedAt
      settings { weights { assessment inspection publicSatisfaction } quotas { top100 top10 perCategory { category top100 top10 } }
        minimumSamples { ratings scorecards inspectionReports } deadlines { enrollmentEndsAt assessmentEndsAt rankingAt namingAt } } } }`,
    { id },
  );
  t.same(g.errors, undefined);
  const gc = g.data!.cycle as { settings: { quotas: { perCategory: { category: string; top100: number; top10: number }[] } } };
  const asMap = Object.fromEntries(gc.settings.quotas.perCategory.map(({ category, ...q }) => [category, q]));
  t.same({ ...gc, settings: { ...gc.settings, quotas: { ...gc.settings.quotas, perCategory: asMap } } }, rest);

  const list = await gql(h, { role: 'unit', unitId: w.units.taxHallA.id }, `{ cycles(year: 2026) { items { id } nextCursor } }`);
  t.same(list.data!.cycles, { items: [{ id }], nextCursor: null });
  const denied = await gql(h, 'inspector', `mutation { createCycle(input: { name: "x", year: 2024 }) { id } }`);
  t.equal(denied.errors![0].extensions!.code, 'forbidden');
});

t.test('scoring parameters are set and read on both APIs; a bad one names its field', async (t) => {
  const g = await gql(
    h,
    'admin',
    `mutation { createCycle(input: { name: "计分参数", year: 2026, settings: { scoring: { priorWeight: 80, levelPoints: [{ level: 5, points: 100 }, { level: 4, points: 80 }, { level: 3, points: 60 }, { level: 2, points: 30 }, { level: 1, points: 0 }], bottom: { mode: percent, value: 10 } } } }) {
      id settings { scoring { priorWeight levelPoints { level points } bottom { mode value } bonusCap } } } }`,
  );
  t.same(g.errors, undefined);
  const created = g.data!.createCycle as { id: string; settings: { scoring: { priorWeight: number; levelPoints: { level: number; points: number }[]; bottom: unknown; bonusCap: number } } };
  t.equal(created.settings.scoring.priorWeight, 80);
  t.same(created.settings.scoring.bottom, { mode: 'percent', value: 10 });
  t.equal(created.settings.scoring.bonusCap, 5, 'anything left out takes its default');
  const rest = (await h.as('admin', { method: 'GET', url: `/api/v1/cycles/${created.id}` })).json();
  t.equal(rest.settings.scoring.levelPoints['4'], 80);
  const bad = await h.as('admin', { method: 'POST', url: '/api/v1/cycles', payload: { name: 'x', year: 2026, settings: { scoring: { bottom: { mode: 'percent', value: 150 } } } } });
  t.equal(bad.statusCode, 400);
  t.match(bad.json().errors[0].field, /settings\.scoring\.bottom/);
});
