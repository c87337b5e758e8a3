import t from 'tap';
import { isValidOrganisationCode, isValidUscc, orgCodeCheckChar, usccCheckChar } from '../src/lib/official-codes.js';
import { referenceWorld } from './fixtures.js';
import { gql, setup } from './helper.js';

const h = await setup(t);
const w = await referenceWorld(h);
const forestryDept = { role: 'department' as const, departmentId: w.departments.forestry.id };
const taxDept = { role: 'department' as const, departmentId: w.departments.tax.id };
const stationStaff = { role: 'unit' as const, unitId: w.units.forestStation.id };

type Item = Record<string, unknown> & { id: string; version: number };
let n = 0;
const itemBody = (body: Record<string, unknown> = {}) => ({
  departmentId: w.departments.forestry.id,
  code: `LY-${++n}`,
  name: '林木采伐许可证核发',
  promisedDays: 5,
  modes: ['time_limited', 'first_contact_responsibility'],
  ...body,
});
const createItem = (who: Parameters<typeof h.as>[0], body: Record<string, unknown> = {}) => h.as(who, { method: 'POST', url: '/api/v1/service-items', payload: itemBody(body) });

t.test('统一社会信用代码 and 组织机构代码 check characters (GB 32100-2015, GB 11714)', async (t) => {
  t.ok(isValidUscc('91350100M000100Y43'), 'a known-valid credit code');
  t.equal(usccCheckChar('91350100M000100Y4'), '3');
  t.notOk(isValidUscc('91350100M000100Y44'), 'a wrong check character');
  t.notOk(isValidUscc('91350100M000100I43'), 'I is not in the alphabet');
  t.ok(isValidOrganisationCode('M000100Y4'), 'the organisation code inside it');
  t.equal(orgCodeCheckChar('M000100Y'), '4');
  t.notOk(isValidOrganisationCode('M000100Y5'));
});

t.test('a department and a unit carry an org code: validated, normalized, unique, filterable', async (t) => {
  const bad = await h.as('admin', { method: 'PATCH', url: `/api/v1/departments/${w.departments.forestry.id}`, headers: { 'if-match': '"1"' }, payload: { orgCode: '91350100M000100Y44' } });
  t.equal(bad.statusCode, 400, bad.body);
  t.equal(bad.json().errors[0].field, 'body.orgCode');
  t.match(bad.json().errors[0].message, /check character/);
  const ok = await h.as('admin', { method: 'PATCH', url: `/api/v1/departments/${w.departments.forestry.id}`, headers: { 'if-match': '"1"' }, payload: { orgCode: 'm000100y-4' } });
  t.equal(ok.statusCode, 200, ok.body);
  t.equal(ok.json().orgCode, 'M000100Y4');
  const taken = await h.as('admin', { method: 'PATCH', url: `/api/v1/departments/${w.departments.tax.id}`, headers: { 'if-match': '"1"' }, payload: { orgCode: 'M000100Y4' } });
  t.equal(taken.statusCode, 409);
  t.equal(taken.json().code, 'duplicate_org_code');
  const listed = await h.as('admin', { method: 'GET', url: '/api/v1/departments?orgCode=M000100Y4' });
  t.same(listed.json().items.map((d: { id: string }) => d.id), [w.departments.forestry.id]);

  const unit = await h.as('admin', { method: 'POST', url: '/api/v1/units', payload: { name: '利川林业服务窗口', departmentId: w.departments.forestry.id, regionId: w.regions.countyA.id, category: 'public_service', orgCode: '91350100M000100Y43' } });
  t.equal(unit.statusCode, 201, unit.body);
  t.equal(unit.json().orgCode, '91350100M000100Y43');
  const twin = await h.as('admin', { method: 'POST', url: '/api/v1/units', payload: { name: '另一窗口', departmentId: w.departments.forestry.id, regionId: w.regions.countyA.id, category: 'public_service', orgCode: '91350100M000100Y43' } });
  t.equal(twin.statusCode, 409);
  const short = await h.as('admin', { method: 'POST', url: '/api/v1/units', payload: { name: '另一窗口', departmentId: w.departments.forestry.id, regionId: w.regions.countyA.id, category: 'public_service', orgCode: '12345' } });
  t.equal(short.statusCode, 400);
  t.equal(short.json().errors[0].field, 'body.orgCode');
  const g = await gql(h, 'admin', `{ units(orgCode: "91350100M000100Y43") { items { id orgCode } } }`);
  t.same((g.data!.units as { items: unknown[] }).items, [{ id: unit.json().id, orgCode: '91350100M000100Y43' }]);
});

t.test('a region carries a 6-digit administrative division code (GB/T 2260), unique', async (t) => {
  const bad = await h.as('admin', { method: 'POST', url: '/api/v1/regions', payload: { parentId: null, level: 'prefecture', code: 'P9', nameZh: '大理州', divisionCode: '53290' } });
  t.equal(bad.statusCode, 400);
  t.equal(bad.json().errors[0].field, 'body.divisionCode');
  const province = await h.as('admin', { method: 'POST', url: '/api/v1/regions', payload: { parentId: null, level: 'prefecture', code: 'P9', nameZh: '大理州', divisionCode: '992900' } });
  t.equal(province.statusCode, 400);
  const ok = await h.as('admin', { method: 'POST', url: '/api/v1/regions', payload: { parentId: null, level: 'prefecture', code: 'P9', nameZh: '大理州', divisionCode: '532900' } });
  t.equal(ok.statusCode, 201, ok.body);
  t.equal(ok.json().divisionCode, '532900');
  const dup = await h.as('admin', { method: 'POST', url: '/api/v1/regions', payload: { parentId: null, level: 'prefecture', code: 'P10', nameZh: '楚雄州', divisionCode: '532900' } });
  t.equal(dup.statusCode, 409);
  const listed = await h.as('admin', { method: 'GET', url: '/api/v1/regions?divisionCode=532900' });
  t.same(listed.json().items.map((r: { id: string }) => r.id), [ok.json().id]);
});

t.test('a department adds items to its own catalogue; the office to any; codes are unique', async (t) => {
  const r = await createItem(forestryDept, { code: 'LY-001', nameEn: 'Logging permit' });
  t.equal(r.statusCode, 201, r.body);
  t.match(r.json(), { code: 'LY-001', promisedDays: 5, status: 'active', modes: ['time_limited', 'first_contact_responsibility'] });
  t.same(r.json().modeLabels[0], { zhCN: '限时服务', en: 'Time-limited service' });
  t.equal((await createItem(forestryDept, { code: 'LY-001' })).json().code, 'duplicate_item_code');
  const other = await createItem(forestryDept, { departmentId: w.departments.tax.id });
  t.equal(other.statusCode, 422);
  t.equal(other.json().errors[0].field, 'departmentId');
  t.equal((await createItem('admin', { departmentId: w.departments.tax.id, name: '增值税发票领用' })).statusCode, 201);
  t.equal((await createItem('admin', { promisedDays: -1 })).statusCode, 400);
  t.equal((await createItem('admin', { modes: ['by_appointment', 'by_appointment'] })).statusCode, 400);
  t.equal((await createItem('admin', { modes: ['teleport'] })).statusCode, 400);
});

t.test('roles that may not keep the catalogue are refused; everyone signed in reads it', async (t) => {
  for (const who of ['inspector', 'integration', stationStaff] as const) t.equal((await createItem(who)).statusCode, 403);
  t.equal((await createItem('anonymous')).statusCode, 401);
  t.equal((await h.as('anonymous', { method: 'GET', url: '/api/v1/service-items' })).statusCode, 401);
  t.equal((await h.as(stationStaff, { method: 'GET', url: '/api/v1/service-items' })).statusCode, 200);
  const item = (await createItem(forestryDept)).json() as Item;
  const foreign = await h.as(taxDept, { method: 'PATCH', url: `/api/v1/service-items/${item.id}`, headers: { 'if-match': '"1"' }, payload: { name: 'x' } });
  t.equal(foreign.statusCode, 403);
  const g = await gql(h, 'inspector', `mutation { createServiceItem(input: { departmentId: "${w.departments.forestry.id}", code: "G-1", name: "x", promisedDays: 1 }) { id } }`);
  t.equal(g.errors?.[0].extensions?.code, 'forbidden');
});

t.test('an item is updated and retired with its version; each change is audited', async (t) => {
  const item = (await createItem(forestryDept)).json() as Item;
  const noVersion = await h.as(forestryDept, { method: 'PATCH', url: `/api/v1/service-items/${item.id}`, payload: { promisedDays: 3 } });
  t.equal(noVersion.statusCode, 428);
  const u = await h.as(forestryDept, { method: 'PATCH', url: `/api/v1/service-items/${item.id}`, headers: { 'if-match': '"1"' }, payload: { promisedDays: 3 } });
  t.equal(u.statusCode, 200, u.body);
  t.equal(u.json().promisedDays, 3);
  const stale = await h.as(forestryDept, { method: 'PATCH', url: `/api/v1/service-items/${item.id}`, headers: { 'if-match': '"1"' }, payload: { status: 'retired' } });
  t.equal(stale.statusCode, 412);
  const retired = await h.as(forestryDept, { method: 'PATCH', url: `/api/v1/service-items/${item.id}`, headers: { 'if-match': '"2"' }, payload: { status: 'retired' } });
  t.equal(retired.json().status, 'retired');
  t.ok(retired.json().retiredAt);
  const log = await h.as('admin', { method: 'GET', url: `/api/v1/audit-log?entityType=service_item&entityId=${item.id}` });
  t.same(log.json().items.map((e: { action: string }) => e.action), ['service_item.created', 'service_item.updated', 'service_item.updated']);
});

t.test('the units of the item’s department offer it; the list filters by unit, mode, status and department', async (t) => {
  const item = (await createItem(forestryDept, { modes: ['by_appointment'] })).json() as Item;
  const wrong = await h.as(forestryDept, { method: 'PUT', url: `/api/v1/service-items/${item.id}/units`, payload: { unitIds: [w.units.forestStation.id, w.units.taxHallA.id] } });
  t.equal(wrong.statusCode, 422);
  t.equal(wrong.json().errors[0].field, 'unitIds.1');
  const set = await h.as(forestryDept, { method: 'PUT', url: `/api/v1/service-items/${item.id}/units`, payload: { unitIds: [w.units.forestStation.id, w.units.forestPolice.id] } });
  t.equal(set.statusCode, 200, set.body);
  t.same(set.json().unitIds, [w.units.forestStation.id, w.units.forestPolice.id].sort());
  const ids = async (q: string) => (await h.as(stationStaff, { method: 'GET', url: `/api/v1/service-items?limit=200&${q}` })).json().items.map((i: Item) => i.id);
  t.same(await ids(`unitId=${w.units.forestStation.id}&mode=by_appointment`), [item.id]);
  t.same(await ids(`unitId=${w.units.taxHallA.id}&mode=by_appointment`), []);
  t.ok((await ids(`departmentId=${w.departments.forestry.id}&status=active`)).includes(item.id));
  t.same(await ids(`code=${item.code as string}`), [item.id]);
  const got = await h.as(stationStaff, { method: 'GET', url: `/api/v1/service-items/${item.id}/units` });
  t.equal(got.json().unitIds.length, 2);
  const log = await h.as('admin', { method: 'GET', url: `/api/v1/audit-log?entityType=service_item&entityId=${item.id}` });
  t.ok(log.json().items.some((e: { action: string }) => e.action === 'service_item.units_set'));
});

t.test('GraphQL lists the catalogue with departments loaded in one query', async (t) => {
  for (let i = 0; i < 3; i++) await createItem('admin', { departmentId: i % 2 ? w.departments.tax.id : w.departments.forestry.id });
  const g = await h.countQueries(() => gql(h, stationStaff, `{ serviceItems(limit: 200) { items { id code department { name } } } }`));
  t.same(g.result.errors, undefined);
  const items = (g.result.data!.serviceItems as { items: { department: { name: string } }[] }).items;
  t.ok(items.length >= 3 && items.every((i) => i.department.name));
  if (g.queries >= 0) t.ok(g.queries <= 3, `${g.queries} queries`);
});
