import t from 'tap';
import { systemContext } from '../src/lib/principal.js';
import { referenceWorld } from './fixtures.js';
import { gql, setup } from './helper.js';

const h = await setup(t);
const w = await referenceWorld(h);
const { forestStation, forestPolice, taxHallA } = w.units;
const forestryDept = { role: 'department' as const, departmentId: w.departments.forestry.id };
const stationStaff = { role: 'unit' as const, unitId: forestStation.id };
const cycle = await h.app.services.cycles.create(systemContext('test'), { name: '2016 创建', year: 2016 });

type Deed = Record<string, unknown> & { id: string; unitId: string };

const deedBody = (body: Record<string, unknown> = {}) => ({
  unitId: forestStation.id,
  title: '为山区群众上门办理林权证',
  description: '组织党员干部进村入户，现场受理林权证申请',
  doneOn: '2016-05-12',
  beneficiaries: 120,
  evidence: ['https://files.example.org/deeds/1.jpg'],
  ...body,
});
const record = (who: Parameters<typeof h.as>[0], body: Record<string, unknown> = {}) => h.as(who, { method: 'POST', url: '/api/v1/deeds', payload: deedBody(body) });

t.test('a unit records a practical thing it did for the public (为群众办实事)', async (t) => {
  const r = await record(stationStaff, { cycleId: cycle.id });
  t.equal(r.statusCode, 201, r.body);
  const d = r.json();
  t.match(d, { unitId: forestStation.id, cycleId: cycle.id, title: '为山区群众上门办理林权证', doneOn: '2016-05-12', beneficiaries: 120, recordedByRole: 'unit' });
  t.same(d.evidence, ['https://files.example.org/deeds/1.jpg']);
  const got = await h.as(stationStaff, { method: 'GET', url: `/api/v1/deeds/${d.id}` });
  t.same(got.json(), d);
});

t.test('a department records for its units and the office for any; not for someone else’s unit', async (t) => {
  t.equal((await record(forestryDept, { unitId: forestPolice.id, beneficiaries: null })).statusCode, 201);
  t.equal((await record('admin', { unitId: taxHallA.id })).statusCode, 201);
  const otherDept = await record(forestryDept, { unitId: taxHallA.id });
  t.equal(otherDept.statusCode, 422);
  t.equal(otherDept.json().errors[0].field, 'unitId');
  const otherUnit = await record(stationStaff, { unitId: forestPolice.id });
  t.equal(otherUnit.statusCode, 422);
  t.equal(otherUnit.json().errors[0].field, 'unitId');
});

t.test('a deed is recorded with a valid date that is not in the future, and a real cycle', async (t) => {
  const future = await record(stationStaff, { doneOn: '2999-01-01' });
  t.equal(future.statusCode, 422);
  t.equal(future.json().errors[0].field, 'doneOn');
  const noCycle = await record(stationStaff, { cycleId: '0190a000-0000-7000-8000-000000000000' });
  t.equal(noCycle.statusCode, 422);
  t.equal(noCycle.json().errors[0].field, 'cycleId');
  t.equal((await record(stationStaff, { doneOn: '12/05/2016' })).statusCode, 400);
  t.equal((await record(stationStaff, { title: '' })).statusCode, 400);
  t.equal((await record(stationStaff, { beneficiaries: -1 })).statusCode, 400);
});

t.test('the list filters by unit, department, cycle and date range, scoped to the caller', async (t) => {
  const a = (await record('admin', { unitId: w.units.taxAudit.id, doneOn: '2017-03-01', cycleId: cycle.id })).json() as Deed;
  const b = (await record('admin', { unitId: w.units.taxAudit.id, doneOn: '2017-06-01' })).json() as Deed;
  const ids = async (who: Parameters<typeof h.as>[0], q: string) =>
    (await h.as(who, { method: 'GET', url: `/api/v1/deeds?limit=200&${q}` })).json().items.map((d: Deed) => d.id);
  t.same(await ids('admin', `unitId=${w.units.taxAudit.id}`), [a.id, b.id]);
  t.same(await ids('admin', `unitId=${w.units.taxAudit.id}&from=2017-04-01`), [b.id]);
  t.same(await ids('admin', `unitId=${w.units.taxAudit.id}&to=2017-04-01`), [a.id]);
  t.same(await ids('admin', `cycleId=${cycle.id}&departmentId=${w.departments.tax.id}`), [a.id]);
  t.equal((await h.as('admin', { method: 'GET', url: '/api/v1/deeds?from=2017-05-01&to=2017-01-01' })).statusCode, 422);

  const deptItems = (await h.as(forestryDept, { method: 'GET', url: '/api/v1/deeds?limit=200' })).json().items as Deed[];
  t.ok(deptItems.length > 0 && deptItems.every((d) => d.unitId === forestStation.id || d.unitId === forestPolice.id));
  t.same(await ids(forestryDept, `departmentId=${w.departments.tax.id}`), []);
  const unitItems = (await h.as(stationStaff, { method: 'GET', url: '/api/v1/deeds?limit=200' })).json().items as Deed[];
  t.ok(unitItems.length > 0 && unitItems.every((d) => d.unitId === forestStation.id));
  t.equal((await h.as(stationStaff, { method: 'GET', url: `/api/v1/deeds/${a.id}` })).statusCode, 404);
  t.equal((await h.as(forestryDept, { method: 'GET', url: `/api/v1/deeds/${a.id}` })).statusCode, 404);
  t.equal((await h.as('inspector', { method: 'GET', url: `/api/v1/deeds/${a.id}` })).statusCode, 200);
});

t.test('roles that may not record or read deeds are refused', async (t) => {
  const supervisor = { role: 'supervisor' as const, supervisorId: '0190a000-0000-7000-8000-0000000005e1' };
  t.equal((await record('anonymous')).statusCode, 401);
  t.equal((await record('inspector')).statusCode, 403);
  t.equal((await record(supervisor)).statusCode, 403);
  t.equal((await record('integration')).statusCode, 403);
  t.equal((await h.as('anonymous', { method: 'GET', url: '/api/v1/deeds' })).statusCode, 401);
  t.equal((await h.as(supervisor, { method: 'GET', url: '/api/v1/deeds' })).statusCode, 403);
  t.equal((await h.as('integration', { method: 'GET', url: '/api/v1/deeds' })).statusCode, 403);
});

t.test('recording a deed is audited', async (t) => {
  const d = (await record(stationStaff)).json() as Deed;
  const log = await h.as('admin', { method: 'GET', url: `/api/v1/audit-log?entityType=deed&entityId=${d.id}` });
  t.same(log.json().items.map((e: { action: string; role: string }) => [e.action, e.role]), [['deed.recorded', 'unit']]);
  t.equal(log.json().items[0].after.title, d.title);
});

t.test('GraphQL records and lists the same deeds as REST, with the unit loaded in one query', async (t) => {
  const created = await gql(h, stationStaff, `mutation { recordDeed(input: { unitId: "${forestStation.id}", title: "义务植树", description: "组织群众植树", doneOn: "2016-03-12" }) { id title doneOn unit { name } } }`);
  t.same(created.errors, undefined);
  t.equal((created.data!.recordDeed as { unit: { name: string } }).unit.name, forestStation.name);
  const rest = (await h.as(forestryDept, { method: 'GET', url: '/api/v1/deeds?limit=200' })).json().items as Deed[];
  const q = `{ deeds(limit: 200) { items { id unitId title doneOn beneficiaries evidence unit { name } } } }`;
  const g = await h.countQueries(() => gql(h, forestryDept, q));
  const items = (g.result.data!.deeds as { items: (Deed & { unit: { name: string } })[] }).items;
  t.same(items.map(({ unit: _u, ...d }) => d), rest.map((d) => ({ id: d.id, unitId: d.unitId, title: d.title, doneOn: d.doneOn, beneficiaries: d.beneficiaries, evidence: d.evidence })));
  t.ok(items.every((i) => i.unit.name));
  if (g.queries >= 0) t.ok(g.queries <= 3, `list + units: ${g.queries} queries for ${items.length} deeds`);
  const denied = await gql(h, 'inspector', `mutation { recordDeed(input: { unitId: "${forestStation.id}", title: "x", description: "x", doneOn: "2016-03-12" }) { id } }`);
  t.equal(denied.errors?.[0].extensions?.code, 'forbidden');
});
