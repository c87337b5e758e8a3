import t from 'tap';
import { cycleInPhase } from './fixtures-cycles.js';
import { referenceWorld } from './fixtures.js';
import { gql, setup } from './helper.js';
import type { TestApp } from './helper.js';

const h: TestApp = await setup(t);
const w = await referenceWorld(h);
const api = (p: string) => `/api/v1${p}`;
const cycle = await cycleInPhase(h, 'enrollment', [w.units.forestStation.id], '2024年度');

const record = (body: Record<string, unknown>, who: Parameters<TestApp['as']>[0] = 'admin') => h.as(who, { method: 'POST', url: api('/commendations'), payload: body });
const provincial = {
  unitId: w.units.forestStation.id,
  cycleId: cycle.id,
  level: 'provincial_leading_group',
  title: '全省人民满意基层站所',
  conferredBy: '湖北省纠风领导小组',
  conferredOn: '2024-12-20',
};

t.test('the office records a higher-level commendation for a unit, audited', async (t) => {
  const res = await record(provincial);
  t.equal(res.statusCode, 201, res.body);
  const c = res.json();
  t.match(c, { ...provincial, levelLabel: { zhCN: '省纠风领导小组命名表彰' }, note: null, createdBy: 'admin:local' });
  const audit = await h.as('admin', { method: 'GET', url: api(`/audit-log?entityType=commendation&entityId=${c.id}`) });
  t.match(audit.json().items, [{ action: 'commendation.recorded', after: { title: '全省人民满意基层站所' } }]);
});

t.test('commendations are listed with filters by unit, cycle and level, for every signed-in role', async (t) => {
  await record({ unitId: w.units.taxHallA.id, level: 'provincial_department', title: '全省国税系统文明窗口', conferredBy: '湖北省国税局', conferredOn: '2024-06-01', note: '无周期' });
  const all = await h.as({ role: 'unit', unitId: w.units.taxAudit.id }, { method: 'GET', url: api('/commendations') });
  t.equal(all.statusCode, 200);
  t.equal(all.json().items.length, 2);
  const byUnit = await h.as('integration', { method: 'GET', url: api(`/commendations?unitId=${w.units.taxHallA.id}`) });
  t.match(byUnit.json().items, [{ level: 'provincial_department', cycleId: null, note: '无周期' }]);
  t.equal((await h.as('inspector', { method: 'GET', url: api(`/commendations?cycleId=${cycle.id}`) })).json().items.length, 1);
  t.equal((await h.as('admin', { method: 'GET', url: api('/commendations?level=other') })).json().items.length, 0);
  t.equal((await h.as('anonymous', { method: 'GET', url: api('/commendations') })).statusCode, 401);
});

t.test('a commendation needs an existing unit and cycle, a known level and a date', async (t) => {
  const noUnit = await record({ ...provincial, unitId: '01900000-0000-7000-8000-000000000001' });
  t.equal(noUnit.statusCode, 422);
  t.equal(noUnit.json().errors[0].field, 'unitId');
  const noCycle = await record({ ...provincial, cycleId: '01900000-0000-7000-8000-000000000001' });
  t.equal(noCycle.json().errors[0].field, 'cycleId');
  t.equal((await record({ ...provincial, level: 'national' })).statusCode, 400);
  t.equal((await record({ ...provincial, conferredOn: '20 Dec 2024' })).statusCode, 400);
});

t.test('only the office records commendations', async (t) => {
  for (const who of ['inspector', 'integration', { role: 'department' as const, departmentId: w.departments.forestry.id }, { role: 'unit' as const, unitId: w.units.forestStation.id }] as const) {
    t.equal((await record(provincial, who)).statusCode, 403);
  }
  t.equal((await record(provincial, 'anonymous')).statusCode, 401);
});

t.test('GraphQL records and lists commendations like REST, units through a loader', async (t) => {
  const made = await gql(h, 'admin', `mutation($u: ID!) { recordCommendation(input: { unitId: $u, level: other, title: "州级文明单位", conferredBy: "恩施州委", conferredOn: "2024-03-08" }) { id levelLabel { zhCN } unit { name } } }`, { u: w.units.taxHallB.id });
  t.same(made.errors, undefined, JSON.stringify(made.errors));
  t.match(made.data!.recordCommendation, { levelLabel: { zhCN: '其他表彰' }, unit: { name: '建始国税办税服务厅' } });
  const fields = 'id unitId cycleId level levelLabel { zhCN en } title conferredBy conferredOn note createdBy createdAt';
  const g = await gql(h, { role: 'department', departmentId: w.departments.tax.id }, `{ commendations(limit: 50) { items { ${fields} } nextCursor } }`);
  const rest = (await h.as({ role: 'department', departmentId: w.departments.tax.id }, { method: 'GET', url: api('/commendations?limit=50') })).json();
  t.same(g.data!.commendations, rest);
  const bad = await gql(h, 'admin', `mutation($u: ID!) { recordCommendation(input: { unitId: $u, level: other, title: "", conferredBy: "x", conferredOn: "2024-03-08" }) { id } }`, { u: w.units.taxHallB.id });
  t.same(bad.errors![0].extensions!.errors!.map((e) => e.field), ['input.title']);
});
