import t from 'tap';
import { systemContext } from '../src/lib/principal.js';
import { referenceWorld } from './fixtures.js';
import { gql, setup } from './helper.js';

const h = await setup(t);
const w = await referenceWorld(h);
const { forestStation, forestPolice, taxHallA } = w.units;
const { forestry, tax } = w.departments;
const forestryDept = { role: 'department' as const, departmentId: forestry.id };
const stationStaff = { role: 'unit' as const, unitId: forestStation.id };
const missing = '0190a000-0000-7000-8000-000000000000';

const problem = await h.app.services.db.transaction((tx) =>
  h.app.services.problems.openFromSource(tx, systemContext('test'), { unitId: forestStation.id, sourceType: 'manual', severity: 'serious', description: '工作人员吃拿卡要' }),
);

type Action = Record<string, unknown> & { id: string; target: { kind: string; unitId: string | null; departmentId: string | null } };

const body = (over: Record<string, unknown> = {}) => ({
  type: 'interview',
  target: { kind: 'unit', unitId: forestStation.id },
  reason: '整改逾期，约谈站所负责人',
  decidedAt: '2016-08-01T09:00:00+08:00',
  cause: { type: 'problem', id: problem.id },
  ...over,
});
const create = (over: Record<string, unknown> = {}, who: Parameters<typeof h.as>[0] = 'admin') =>
  h.as(who, { method: 'POST', url: '/api/v1/accountability-actions', payload: body(over) });

t.test('the office records an interview (约谈) of a unit, linked to the problem behind it', async (t) => {
  const r = await create();
  t.equal(r.statusCode, 201, r.body);
  const a = r.json();
  t.equal(a.type, 'interview');
  t.same(a.typeLabel, { zhCN: '约谈', en: 'Admonitory interview' });
  t.same(a.target, { kind: 'unit', unitId: forestStation.id, departmentId: null, personName: null, personRole: null });
  t.same(a.cause, { type: 'problem', id: problem.id });
  t.equal(a.decidedAt, '2016-08-01T01:00:00.000Z');
});

t.test('every action type has bilingual labels; a person is named with the unit they serve in', async (t) => {
  const labels: Record<string, string> = { notice_of_criticism: '通报批评', disciplinary_action: '党纪政纪处分', demotion: '降职' };
  for (const [type, zhCN] of Object.entries(labels)) {
    const r = await create({ type, target: { kind: 'person', personName: '王某', personRole: '站长', unitId: forestStation.id, departmentId: forestry.id } });
    t.equal(r.statusCode, 201, r.body);
    t.equal(r.json().typeLabel.zhCN, zhCN);
    t.same(r.json().target, { kind: 'person', unitId: forestStation.id, departmentId: forestry.id, personName: '王某', personRole: '站长' });
  }
  const dept = await create({ type: 'notice_of_criticism', target: { kind: 'department', departmentId: tax.id } });
  t.equal(dept.statusCode, 201, dept.body);
});

t.test('the target and the cause must exist and agree', async (t) => {
  const field = async (over: Record<string, unknown>) => {
    const r = await create(over);
    t.equal(r.statusCode, 422, r.body);
    return r.json().errors[0].field;
  };
  t.equal(await field({ target: { kind: 'unit', unitId: missing } }), 'target.unitId');
  t.equal(await field({ target: { kind: 'department', departmentId: missing } }), 'target.departmentId');
  t.equal(await field({ target: { kind: 'person', personName: '王某', unitId: forestStation.id, departmentId: tax.id } }), 'target.departmentId');
  t.equal(await field({ cause: { type: 'problem', id: missing } }), 'cause.id');
  t.equal(await field({ cause: { type: 'inspection_finding', id: missing } }), 'cause.id');
  t.equal(await field({ cause: { type: 'complaint', id: missing } }), 'cause.id');
  t.equal(await field({ decidedAt: '2999-01-01T00:00:00Z' }), 'decidedAt');
  t.equal((await create({ type: 'fine' })).statusCode, 400);
  t.equal((await create({ target: { kind: 'person' } })).statusCode, 400, 'a person needs a name');
  t.equal((await create({ target: { kind: 'unit', unitId: forestStation.id, personName: 'x' } })).statusCode, 400, 'no stray fields');
  t.equal((await create({ cause: undefined })).statusCode, 400, 'the cause is required');
});

t.test('only the office records accountability actions', async (t) => {
  const supervisor = { role: 'supervisor' as const, supervisorId: '0190a000-0000-7000-8000-0000000005e1' };
  t.equal((await create({}, 'anonymous')).statusCode, 401);
  for (const who of ['inspector', 'integration', supervisor, forestryDept, stationStaff] as const) {
    t.equal((await create({}, who)).statusCode, 403, typeof who === 'string' ? who : who.role);
  }
  for (const who of ['inspector', 'integration', supervisor] as const) {
    t.equal((await h.as(who, { method: 'GET', url: '/api/v1/accountability-actions' })).statusCode, 403, `${typeof who === 'string' ? who : who.role} may not list`);
  }
});

t.test('a department sees actions against itself or its units; a unit those against itself', async (t) => {
  const onStation = (await create()).json() as Action;
  const onPoliceHead = (await create({ target: { kind: 'person', personName: '李某', unitId: forestPolice.id } })).json() as Action;
  const onForestry = (await create({ target: { kind: 'department', departmentId: forestry.id } })).json() as Action;
  const onTaxHall = (await create({ target: { kind: 'unit', unitId: taxHallA.id } })).json() as Action;
  const onTax = (await create({ target: { kind: 'department', departmentId: tax.id } })).json() as Action;

  const ids = async (who: Parameters<typeof h.as>[0], q = '') =>
    (await h.as(who, { method: 'GET', url: `/api/v1/accountability-actions?limit=200&${q}` })).json().items.map((a: Action) => a.id) as string[];
  const dept = await ids(forestryDept);
  t.ok([onStation.id, onPoliceHead.id, onForestry.id].every((id) => dept.includes(id)));
  t.notOk(dept.includes(onTaxHall.id) || dept.includes(onTax.id));
  const unit = await ids(stationStaff);
  t.ok(unit.includes(onStation.id));
  t.notOk(unit.includes(onPoliceHead.id) || unit.includes(onForestry.id) || unit.includes(onTaxHall.id));

  const adminByTax = await ids('admin', `departmentId=${tax.id}`);
  t.ok(adminByTax.includes(onTaxHall.id) && adminByTax.includes(onTax.id) && !adminByTax.includes(onStation.id));
  t.same(await ids(forestryDept, `departmentId=${tax.id}`), []);

  t.equal((await h.as(forestryDept, { method: 'GET', url: `/api/v1/accountability-actions/${onPoliceHead.id}` })).statusCode, 200);
  t.equal((await h.as(forestryDept, { method: 'GET', url: `/api/v1/accountability-actions/${onTax.id}` })).statusCode, 404);
  t.equal((await h.as(stationStaff, { method: 'GET', url: `/api/v1/accountability-actions/${onForestry.id}` })).statusCode, 404);
  t.equal((await h.as(stationStaff, { method: 'GET', url: `/api/v1/accountability-actions/${onStation.id}` })).statusCode, 200);
});

t.test('the list filters by type, target kind, cause and decision date', async (t) => {
  const demotion = (await create({ type: 'demotion', target: { kind: 'person', personName: '赵某', unitId: w.units.taxAudit.id }, decidedAt: '2015-01-10T00:00:00Z' })).json() as Action;
  const ids = async (q: string) => (await h.as('admin', { method: 'GET', url: `/api/v1/accountability-actions?limit=200&${q}` })).json().items.map((a: Action) => a.id);
  t.same(await ids(`type=demotion&unitId=${w.units.taxAudit.id}`), [demotion.id]);
  t.same(await ids(`targetKind=person&to=2015-02-01T00:00:00Z`), [demotion.id]);
  t.same(await ids(`from=2015-01-10T00:00:00Z&to=2015-01-11T00:00:00Z`), [demotion.id]);
  t.ok((await ids(`causeType=problem&causeId=${problem.id}`)).includes(demotion.id));
  t.same(await ids(`causeId=${missing}`), []);
});

t.test('recording an action is audited', async (t) => {
  const a = (await create({ type: 'notice_of_criticism' })).json() as Action;
  const log = await h.as('admin', { method: 'GET', url: `/api/v1/audit-log?entityType=accountability_action&entityId=${a.id}` });
  t.same(log.json().items.map((e: { action: string }) => e.action), ['accountability_action.created']);
  t.equal(log.json().items[0].after.cause.id, problem.id);
});

t.test('GraphQL records and lists the same actions as REST, loading units and departments in batches', async (t) => {
  const m = await gql(
    h,
    'admin',
    `mutation { createAccountabilityAction(input: { type: interview, target: { kind: person, personName: "周某", unitId: "${forestPolice.id}" }, reason: "约谈", decidedAt: "2016-09-01T00:00:00Z", cause: { type: problem, id: "${problem.id}" } }) { id typeLabel { zhCN } target { kind personName } unit { name } department { name } } }`,
  );
  t.same(m.errors, undefined);
  t.match(m.data!.createAccountabilityAction, { typeLabel: { zhCN: '约谈' }, target: { kind: 'person', personName: '周某' }, unit: { name: forestPolice.name }, department: null });

  const rest = (await h.as(forestryDept, { method: 'GET', url: '/api/v1/accountability-actions?limit=200' })).json().items as Action[];
  const q = `{ accountabilityActions(limit: 200) { items { id type reason decidedAt target { kind unitId departmentId personName personRole } cause { type id } unit { name } department { name } } } }`;
  const g = await h.countQueries(() => gql(h, forestryDept, q));
  t.same(g.result.errors, undefined);
  const items = (g.result.data!.accountabilityActions as { items: Record<string, unknown>[] }).items;
  t.same(
    items.map(({ unit: _u, department: _d, ...a }) => a),
    rest.map((a) => ({ id: a.id, type: a.type, reason: a.reason, decidedAt: a.decidedAt, target: a.target, cause: a.cause })),
  );
  if (g.queries >= 0) t.ok(g.queries <= 4, `list + units + departments: ${g.queries} queries for ${items.length} actions`);

  const denied = await gql(h, forestryDept, `mutation { createAccountabilityAction(input: { type: interview, target: { kind: department, departmentId: "${forestry.id}" }, reason: "x", decidedAt: "2016-09-01T00:00:00Z", cause: { type: problem, id: "${problem.id}" } }) { id } }`);
  t.equal(denied.errors?.[0].extensions?.code, 'forbidden');
  const invalidTarget = await gql(h, 'admin', `mutation { createAccountabilityAction(input: { type: interview, target: { kind: unit, unitId: "${missing}" }, reason: "x", decidedAt: "2016-09-01T00:00:00Z", cause: { type: problem, id: "${problem.id}" } }) { id } }`);
  t.equal(invalidTarget.errors?.[0].extensions?.errors?.[0].field, 'target.unitId');
});
