import t from 'tap';
import { systemContext } from '../src/lib/principal.js';
import { referenceWorld } from './fixtures.js';
import { gql, setup } from './helper.js';

const h = await setup(t);
const w = await referenceWorld(h);
const { forestry, tax } = w.departments;
const county = await h.app.services.departments.create(systemContext('test'), { name: '利川市林业局', sector: 'forestry', level: 'county', regionId: w.regions.countyA.id });
const forestryDept = { role: 'department' as const, departmentId: forestry.id };
const cycle = await h.app.services.cycles.create(systemContext('test'), { name: '2015 创建', year: 2015 });
type Who = Parameters<typeof h.as>[0];

const record = (who: Who, body: Record<string, unknown> = {}) =>
  h.as(who, { method: 'POST', url: '/api/v1/power-list-cleanups', payload: { departmentId: forestry.id, cycleId: cycle.id, itemKind: 'administrative_power', registered: 120, kept: 80, merged: 25, abolished: 15, ...body } });

t.test("a department records its cleanup; the level is the department's", async (t) => {
  const r = await record(forestryDept, { items: [{ name: '林木采伐许可', outcome: 'kept', serviceItemCode: 'LY-001' }, { name: '木材运输证核发', outcome: 'abolished' }] });
  t.equal(r.statusCode, 201, r.body);
  t.match(r.json(), { departmentId: forestry.id, level: 'prefecture', levelLabel: { zhCN: '州直' }, itemKindLabel: { zhCN: '行政权力' }, registered: 120, kept: 80, merged: 25, abolished: 15, pending: 0 });
  t.match(r.json().items, [{ name: '林木采伐许可', outcome: 'kept', serviceItemCode: 'LY-001', outcomeLabel: { zhCN: '保留' } }, { outcome: 'abolished', serviceItemCode: null }]);
  const c = await record('admin', { departmentId: county.id, registered: 300, kept: 200, merged: 0, abolished: 50 });
  t.match(c.json(), { level: 'county', pending: 50 });
  const got = await h.as(forestryDept, { method: 'GET', url: `/api/v1/power-list-cleanups/${r.json().id}` });
  t.same(got.json(), r.json());
});

t.test('one record per department, cycle and kind; counts must add up', async (t) => {
  const dup = await record('admin');
  t.equal(dup.statusCode, 409);
  t.equal(dup.json().code, 'duplicate');
  t.equal((await record('admin', { itemKind: 'service_item' })).statusCode, 201);
  const field = async (body: Record<string, unknown>) => {
    const r = await record('admin', { itemKind: 'service_item', cycleId: null, ...body });
    return [r.statusCode, r.json().errors?.[0]?.field];
  };
  t.same(await field({ kept: 100, merged: 20, abolished: 1 }), [400, 'body.registered']);
  t.same(await field({ kept: -1 }), [400, 'body.kept']);
  t.same(await field({ registered: 1_000_000 }), [400, 'body.registered']);
  t.same(await field({ items: [{ name: 'x', outcome: 'merged', serviceItemCode: 'A' }] }), [400, 'body.items.0.serviceItemCode']);
  t.same(await field({ departmentId: '0190a000-0000-7000-8000-000000000000' }), [422, 'departmentId']);
  t.same(await field({ cycleId: '0190a000-0000-7000-8000-000000000000' }), [422, 'cycleId']);
});

t.test('a department sees and records its own only; lists filter by level and kind', async (t) => {
  t.equal((await record(forestryDept, { departmentId: tax.id })).json().errors[0].field, 'departmentId');
  const mine = (await h.as(forestryDept, { method: 'GET', url: '/api/v1/power-list-cleanups' })).json().items as { departmentId: string }[];
  t.ok(mine.length === 2 && mine.every((c) => c.departmentId === forestry.id));
  const countyRows = (await h.as('admin', { method: 'GET', url: '/api/v1/power-list-cleanups?level=county' })).json().items as { departmentId: string }[];
  t.same(countyRows.map((c) => c.departmentId), [county.id]);
  t.equal((await h.as('admin', { method: 'GET', url: '/api/v1/power-list-cleanups?itemKind=service_item' })).json().items.length, 1);
  const other = (await h.as('admin', { method: 'GET', url: `/api/v1/power-list-cleanups?departmentId=${county.id}` })).json().items[0];
  t.equal((await h.as(forestryDept, { method: 'GET', url: `/api/v1/power-list-cleanups/${other.id}` })).statusCode, 404);
  t.equal((await record({ role: 'unit', unitId: w.units.forestStation.id })).statusCode, 403);
  t.equal((await record('integration')).statusCode, 403);
  t.equal((await h.as('anonymous', { method: 'GET', url: '/api/v1/power-list-cleanups' })).statusCode, 401);
});

t.test('counts are corrected with the version read, and must still add up', async (t) => {
  const c = (await record('admin', { departmentId: tax.id, cycleId: null, itemKind: 'service_item', items: [{ name: '发票领购', outcome: 'kept' }] })).json() as { id: string };
  const patch = (who: Who, body: Record<string, unknown>) => h.as(who, { method: 'PATCH', url: `/api/v1/power-list-cleanups/${c.id}`, payload: body });
  t.equal((await patch('admin', { abolished: 20 })).statusCode, 428);
  t.equal((await patch('admin', { abolished: 30, version: 1 })).json().errors[0].field, 'registered');
  t.equal((await patch('admin', { kept: 0, version: 1 })).json().errors[0].field, 'kept');
  t.equal((await patch(forestryDept, { abolished: 20, version: 1 })).statusCode, 404);
  const fixed = await patch('admin', { registered: 130, abolished: 25, version: 1 });
  t.match(fixed.json(), { registered: 130, abolished: 25, pending: 0, version: 2, items: [{ name: '发票领购' }] });
  const log = (await h.as('admin', { method: 'GET', url: `/api/v1/audit-log?entityType=power_list_cleanup&entityId=${c.id}` })).json().items;
  t.same(log.map((e: { action: string }) => e.action), ['power_list_cleanup.recorded', 'power_list_cleanup.corrected']);
  const g = await gql(h, 'admin', `mutation { correctPowerListCleanup(id: "${c.id}", input: { registered: 131, version: 2 }) { registered pending version } }`);
  t.same(g.data!.correctPowerListCleanup, { registered: 131, pending: 1, version: 3 });
});

t.test('the record is audited and GraphQL reads the same', async (t) => {
  const r = (await record('admin', { departmentId: tax.id })).json() as { id: string };
  const log = await h.as('admin', { method: 'GET', url: `/api/v1/audit-log?entityType=power_list_cleanup&entityId=${r.id}` });
  t.same(log.json().items.map((e: { action: string }) => e.action), ['power_list_cleanup.recorded']);
  const g = await gql(h, 'admin', `{ powerListCleanup(id: "${r.id}") { registered kept level levelLabel { zhCN } } }`);
  t.same(g.data!.powerListCleanup, { registered: 120, kept: 80, level: 'prefecture', levelLabel: { zhCN: '州直' } });
});
