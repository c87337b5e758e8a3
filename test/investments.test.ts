import t from 'tap';
import { referenceWorld } from './fixtures.js';
import { gql, setup } from './helper.js';

const h = await setup(t);
const w = await referenceWorld(h);
const { forestStation, taxHallA } = w.units;
const forestryDept = { role: 'department' as const, departmentId: w.departments.forestry.id };
const stationStaff = { role: 'unit' as const, unitId: forestStation.id };
type Who = Parameters<typeof h.as>[0];

const record = (who: Who, body: Record<string, unknown> = {}) =>
  h.as(who, {
    method: 'POST',
    url: '/api/v1/investments',
    payload: { unitId: forestStation.id, investedOn: '2014-12-01', amountFen: 1_200_000_000, fundSource: 'enterprise', purpose: '建立和整改供电服务窗口', builtQuantity: 230, builtWhat: '供电服务窗口', ...body },
  });

t.test('an investment is recorded in fen, shown also in yuan, with its source of funds and what it built', async (t) => {
  const r = await record(stationStaff);
  t.equal(r.statusCode, 201, r.body);
  t.match(r.json(), { amountFen: 1_200_000_000, amountYuan: '12000000.00', currency: 'CNY', fundSource: 'enterprise', fundSourceLabel: { zhCN: '企业' }, builtQuantity: 230 });
  const odd = await record('admin', { amountFen: 10_001, departmentId: w.departments.tax.id, unitId: null, projectName: '95598 系统', builtQuantity: null, builtWhat: null, fundSource: 'mixed' });
  t.equal(odd.json().amountYuan, '100.01');
  t.equal(odd.json().fundSourceLabel.zhCN, '多方筹资');
  t.same((await h.as(forestryDept, { method: 'GET', url: `/api/v1/investments/${r.json().id}` })).json(), r.json());
});

t.test('amounts are whole fen within bounds; validation names the field', async (t) => {
  const field = async (body: Record<string, unknown>) => {
    const r = await record('admin', body);
    return [r.statusCode, r.json().errors?.[0]?.field];
  };
  t.same(await field({ amountFen: 12.5 }), [400, 'body.amountFen']);
  t.same(await field({ amountFen: 0 }), [400, 'body.amountFen']);
  t.same(await field({ amountFen: 2 ** 53 }), [400, 'body.amountFen']);
  t.same(await field({ currency: 'USD' }), [400, 'body.currency']);
  t.same(await field({ fundSource: 'lottery' }), [400, 'body.fundSource']);
  t.same(await field({ builtWhat: null }), [400, 'body.builtWhat']);
  t.same(await field({ unitId: null }), [422, 'unitId']);
  t.same(await field({ investedOn: '2999-01-01' }), [422, 'investedOn']);
});

t.test('a unit and a department record and see their own only', async (t) => {
  t.equal((await record(stationStaff, { unitId: taxHallA.id })).json().errors[0].field, 'unitId');
  t.equal((await record(forestryDept, { unitId: taxHallA.id })).statusCode, 422);
  t.equal((await record(forestryDept, { unitId: null, regionId: w.regions.countyA.id })).statusCode, 403);
  const other = (await record('admin', { unitId: taxHallA.id })).json();
  t.equal((await h.as(forestryDept, { method: 'GET', url: `/api/v1/investments/${other.id}` })).statusCode, 404);
  const mine = (await h.as(forestryDept, { method: 'GET', url: '/api/v1/investments' })).json().items as { unitId: string }[];
  t.ok(mine.length > 0 && mine.every((i) => i.unitId === forestStation.id));
  t.equal((await h.as('admin', { method: 'GET', url: '/api/v1/investments?fundSource=mixed' })).json().items.length, 1);
  t.equal((await record('integration')).statusCode, 403);
  t.equal((await record('anonymous')).statusCode, 401);
  t.equal((await h.as({ role: 'supervisor', supervisorId: '0190a000-0000-7000-8000-0000000005e1' }, { method: 'GET', url: '/api/v1/investments' })).statusCode, 403);
});

t.test('an investment is corrected with the version read, by whoever may record about its subject', async (t) => {
  const r = (await record(stationStaff, { amountFen: 100_000 })).json() as { id: string };
  const patch = (who: Who, body: Record<string, unknown>) => h.as(who, { method: 'PATCH', url: `/api/v1/investments/${r.id}`, payload: body });
  t.equal((await patch(stationStaff, { amountFen: 200_000 })).statusCode, 428);
  t.equal((await patch(stationStaff, { amountFen: 1.5, version: 1 })).json().errors[0].field, 'body.amountFen');
  t.equal((await patch(stationStaff, { builtWhat: null, version: 1 })).json().errors[0].field, 'builtWhat');
  t.equal((await patch({ role: 'unit', unitId: taxHallA.id }, { amountFen: 1, version: 1 })).statusCode, 404);
  const fixed = await patch(forestryDept, { amountFen: 250_050, fundSource: 'fiscal', version: 1 });
  t.match(fixed.json(), { amountFen: 250_050, amountYuan: '2500.50', fundSource: 'fiscal', version: 2 });
  t.equal((await patch(stationStaff, { amountFen: 1, version: 1 })).statusCode, 412);
  const log = (await h.as('admin', { method: 'GET', url: `/api/v1/audit-log?entityType=investment&entityId=${r.id}` })).json().items;
  t.same(log.map((e: { action: string }) => e.action), ['investment.recorded', 'investment.corrected']);
  t.equal(log[1].before.amountFen, 100_000);
});

t.test('the record is audited and GraphQL reads the same amount', async (t) => {
  const r = (await record('admin', { amountFen: 5_000_000_000, unitId: taxHallA.id, purpose: '新住院大楼', builtQuantity: 1, builtWhat: '住院大楼' })).json();
  const log = await h.as('admin', { method: 'GET', url: `/api/v1/audit-log?entityType=investment&entityId=${r.id}` });
  t.same(log.json().items.map((e: { action: string }) => e.action), ['investment.recorded']);
  const g = await gql(h, 'admin', `{ investment(id: "${r.id}") { amountFen amountYuan fundSource } }`);
  t.same(g.data!.investment, { amountFen: 5_000_000_000, amountYuan: '50000000.00', fundSource: 'enterprise' });
});
