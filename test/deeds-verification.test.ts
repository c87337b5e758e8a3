import t from 'tap';
import { systemContext } from '../src/lib/principal.js';
import { deedQueries } from '../src/modules/deeds/queries.js';
import { referenceWorld } from './fixtures.js';
import { gql, setup } from './helper.js';

const h = await setup(t);
const w = await referenceWorld(h);
const { forestStation, taxHallA } = w.units;
const station = { role: 'unit' as const, unitId: forestStation.id };
const cycle = await h.app.services.cycles.create(systemContext('test'), { name: '2016 创建', year: 2016 });

const deed = (body: Record<string, unknown> = {}) => ({ unitId: forestStation.id, cycleId: cycle.id, title: '上门办证', description: '进村入户受理林权证', doneOn: '2016-05-12', ...body });
const post = (who: Parameters<typeof h.as>[0], url: string, payload: unknown) => h.as(who, { method: 'POST', url: `/api/v1${url}`, payload: payload as Record<string, unknown> });

t.test('a self-reported deed starts reported; the office verifies it, or rejects it with a reason', async (t) => {
  const d = (await post(station, '/deeds', deed({ isHot: true }))).json();
  t.match(d, { status: 'reported', statusLabel: { zhCN: '已上报' }, isHot: true, decidedAt: null });
  t.equal((await post(station, `/deeds/${d.id}/verify`, {})).statusCode, 403, 'a unit cannot verify its own deed');
  const v = await post('admin', `/deeds/${d.id}/verify`, {});
  t.equal(v.statusCode, 200, v.body);
  t.match(v.json(), { status: 'verified', statusLabel: { zhCN: '已核实' } });
  t.ok(v.json().decidedAt);
  const again = await post('admin', `/deeds/${d.id}/reject`, { reason: '重复' });
  t.equal(again.statusCode, 409, 'a decided deed stays decided');
  t.equal(again.json().code, 'illegal_transition');

  const e = (await post(station, '/deeds', deed())).json();
  t.equal((await post('admin', `/deeds/${e.id}/reject`, {})).statusCode, 400, 'a rejection needs a reason');
  const r = await post('inspector', `/deeds/${e.id}/reject`, { reason: '无佐证材料' });
  t.match(r.json(), { status: 'rejected', rejectionReason: '无佐证材料' });
  const audit = await h.sql<{ action: string }>(`select action from audit_log where entity_id = $1 order by seq`, [e.id]);
  t.same(audit.map((a) => a.action), ['deed.recorded', 'deed.rejected']);
});

t.test('many deeds at once, and one decision for many: all or nothing, errors name the index', async (t) => {
  const bulk = await post(station, '/deeds/bulk', { deeds: [deed({ title: '一' }), deed({ title: '二', isHot: true }), deed({ title: '三' })] });
  t.equal(bulk.statusCode, 201, bulk.body);
  const ids = bulk.json().items.map((d: { id: string }) => d.id);
  t.equal(ids.length, 3);
  const bad = await post(station, '/deeds/bulk', { deeds: [deed(), deed({ unitId: taxHallA.id }), deed({ doneOn: '2999-01-01' })] });
  t.equal(bad.statusCode, 422);
  t.same(bad.json().errors.map((e: { field: string }) => e.field), ['deeds.1.unitId', 'deeds.2.doneOn']);
  t.equal((await h.as('admin', { method: 'GET', url: `/api/v1/deeds?unitId=${forestStation.id}&status=reported` })).json().items.length, 3, 'nothing of the bad batch was written');

  const unknown = await post('admin', '/deeds/decide', { ids: [ids[0], '0190a000-0000-7000-8000-000000000000'], decision: 'verify' });
  t.equal(unknown.statusCode, 422);
  t.equal(unknown.json().errors[0].field, 'ids.1');
  const ok = await post('admin', '/deeds/decide', { ids, decision: 'verify' });
  t.equal(ok.statusCode, 200, ok.body);
  t.same(ok.json().items.map((d: { status: string }) => d.status), ['verified', 'verified', 'verified']);
  const hot = await h.as('admin', { method: 'GET', url: `/api/v1/deeds?isHot=true&status=verified` });
  t.equal(hot.json().items.length, 2, 'hot deeds are filterable');
});

t.test('only verified deeds earn bonus points in the ranking', async (t) => {
  const s = h.app.services.deeds;
  const ctx = systemContext('test');
  const other = await h.app.services.cycles.create(ctx, { name: '2017 创建', year: 2017 });
  const mk = (n: number) => s.createMany(ctx, Array.from({ length: n }, (_, i) => ({ ...deed({ cycleId: other.id, title: `办实事${i}` }), evidence: [], isHot: false })));
  const reported = await mk(3);
  const count = async () => (await deedQueries.countsByUnit(h.app.services.db, other.id)).find((r) => r.unitId === forestStation.id)?.n ?? 0;
  t.equal(await count(), 0, 'reported deeds earn nothing');
  await s.decide(ctx, { ids: [reported[0].id, reported[1].id], decision: 'verify' });
  t.equal(await count(), 2, 'two verified deeds count');
});

t.test('GraphQL: decideDeeds for the office; statistics count verified and hot deeds', async (t) => {
  const d = (await post(station, '/deeds', deed({ isHot: true }))).json();
  const denied = await gql(h, station, 'mutation($ids: [ID!]!) { decideDeeds(ids: $ids, decision: verify) { id } }', { ids: [d.id] });
  t.equal(denied.errors?.[0].extensions?.code, 'forbidden');
  const res = await gql(h, 'admin', 'mutation($ids: [ID!]!) { decideDeeds(ids: $ids, decision: verify) { id status isHot } }', { ids: [d.id] });
  t.same(res.data?.decideDeeds, [{ id: d.id, status: 'verified', isHot: true }]);
  const f = (await h.as('admin', { method: 'GET', url: `/api/v1/statistics?cycleId=${cycle.id}` })).json().figures;
  t.equal(f.deedFigures.verified, 5);
  t.equal(f.deedFigures.byStatus.rejected, 1);
  t.equal(f.deedFigures.hotVerified, 3);
  t.equal(f.deeds, f.deedFigures.byStatus.reported + f.deedFigures.byStatus.verified + f.deedFigures.byStatus.rejected);
});
