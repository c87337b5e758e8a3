import t from 'tap';
import { systemContext } from '../src/lib/principal.js';
import { complaint, namedCycle } from './fixtures-awards.js';
import { gql, setup } from './helper.js';
import type { TestApp } from './helper.js';

const h: TestApp = await setup(t);
const api = (p: string) => `/api/v1${p}`;
const ctx = systemContext('test');
const s = h.app.services;

/** L1, L2 十佳 and L3, L4 百佳 of forestry; P1 百佳 of tax; P2, P3 (tax) not named. */
const x = await namedCycle(h, { year: 2050, top10: 2, top100: 5, lawCount: 4, pubCount: 3 });
const { forestry, tax } = x.departments;
const [l1, l2, l3] = x.law;
const [p1, p2, p3] = x.pub;
const awardOf = (unitId: string) => x.awards.find((a) => a.unitId === unitId)!;
const inFuture = new Date(Date.now() + 86400_000).toISOString();

await s.awards.transition(ctx, awardOf(l2.id).id, undefined, { to: 'rectification_ordered', reason: '整改', deadline: inFuture, evidence: [] });
await s.awards.transition(ctx, awardOf(l2.id).id, undefined, { to: 'yellow_card', reason: '整改不到位', evidence: [] });
await s.awards.transition(ctx, awardOf(p1.id).id, undefined, { to: 'revoked', reason: '乱收费', evidence: [], seriousViolation: true });
const problem = (unitId: string, deadlineDays: number, status: 'open' | 'verified') =>
  h.sql(
    `insert into problems (id, unit_id, cycle_id, source_type, severity, description, deadline, status)
     values (gen_random_uuid(), $1, $2, 'manual', 'minor', '问题', now() + make_interval(days => $3::int), $4)`,
    [unitId, x.cycleId, deadlineDays, status],
  );
await problem(l1.id, 5, 'open');
await problem(p2.id, -3, 'open');
await problem(p3.id, -3, 'verified');
await complaint(h, l1.id, x.cycleId, { substantiated: true, severity: 'minor' });
await complaint(h, l3.id, x.cycleId, { substantiated: false, severity: null });
await complaint(h, p2.id, x.cycleId, { substantiated: true, severity: 'major' });

const board = (who: Parameters<TestApp['as']>[0] = 'admin') => h.as(who, { method: 'GET', url: api(`/cycles/${x.cycleId}/department-scoreboard`) });

t.test('each department gains its tier bonus and loses points for yellow cards and revocations, beside its problems and complaints', async (t) => {
  const res = await board();
  t.equal(res.statusCode, 200, res.body);
  const b = res.json();
  t.same(b.departmentBonus, { top10: 3, top100: 1 });
  t.same(b.departmentPenalty, { yellowCard: 1, revoked: 2 });
  t.same(
    b.items.map((d: { departmentName: string }) => d.departmentName),
    ['州林业局', '州国税局'],
    'highest net points first',
  );
  const [f, tx] = b.items;
  t.match(f, {
    departmentId: forestry.id,
    enrolledUnits: 4,
    top10: { count: 2, units: [{ unitName: l1.name, status: 'active' }, { unitName: l2.name, status: 'yellow_card', statusLabel: { zhCN: '黄牌警告' } }] },
    top100: { count: 2 },
    bonusPoints: 8,
    penalties: { yellowCards: 1, revoked: 0, points: 1 },
    netPoints: 7,
    problems: { open: 1, overdue: 0, rectified: 0 },
    complaints: { received: 2, substantiated: 1 },
  });
  t.match(tx, {
    departmentId: tax.id,
    enrolledUnits: 3,
    top10: { count: 0, units: [] },
    top100: { count: 1, units: [{ unitName: p1.name, status: 'revoked' }] },
    bonusPoints: 1,
    penalties: { yellowCards: 0, revoked: 1, points: 2 },
    netPoints: -1,
    problems: { open: 1, overdue: 1, rectified: 1 },
    complaints: { received: 1, substantiated: 1 },
  });
});

t.test('the scoreboard exports as CSV with a BOM and bilingual headers', async (t) => {
  const res = await h.as('integration', { method: 'GET', url: api(`/cycles/${x.cycleId}/department-scoreboard.csv`) });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^text\/csv/);
  t.match(res.headers['content-disposition'], /attachment; filename="department-scoreboard-/);
  t.equal(res.rawPayload.subarray(0, 3).toString('hex'), 'efbbbf');
  const lines = res.body.replace(/^\uFEFF/, '').trim().split('\r\n');
  t.equal(lines.length, 3);
  t.match(lines[0], /^部门 Department,参评单位 Enrolled units,十佳 Top 10,百佳 Top 100,加分 Bonus points/);
  // then the department's own satisfaction (万人评机关, 领导班子): none rated here, so 0 ratings and no share
  t.match(lines[1], new RegExp(`^州林业局,4,2,2,8,1,0,1,7,1,0,0,2,1,0,,0,,${l1.name}、${l2.name},`));
  t.match(lines[2], /^州国税局,3,0,1,1,0,1,2,-1,1,1,1,1,1,0,,0,,,/);
});

t.test('the scoreboard exports as XLSX with the same rows', async (t) => {
  const { sheetRows } = await import('./xlsx-reader.js');
  const res = await h.as('integration', { method: 'GET', url: api(`/cycles/${x.cycleId}/department-scoreboard.xlsx`) });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  t.match(res.headers['content-disposition'], /department-scoreboard-.*\.xlsx"/);
  const rows = sheetRows(res.rawPayload);
  t.equal(rows.length, 3);
  t.same(rows[1].slice(0, 10), ['州林业局', 4, 2, 2, 8, 1, 0, 1, 7, 1]);
  const refused = await h.as({ role: 'unit', unitId: l1.id }, { method: 'GET', url: api(`/cycles/${x.cycleId}/department-scoreboard.xlsx`) });
  t.equal(refused.statusCode, 403);
});

t.test('a department manager sees its own row only; units, supervisors and the public are refused', async (t) => {
  const own = await board({ role: 'department', departmentId: tax.id });
  t.same(own.json().items.map((d: { departmentId: string }) => d.departmentId), [tax.id]);
  t.equal((await board('inspector')).json().items.length, 2);
  t.equal((await board({ role: 'unit', unitId: l1.id })).statusCode, 403);
  t.equal((await board({ role: 'supervisor', supervisorId: l1.id })).statusCode, 403);
  t.equal((await board('anonymous')).statusCode, 401);
  const csv = await h.as({ role: 'unit', unitId: l1.id }, { method: 'GET', url: api(`/cycles/${x.cycleId}/department-scoreboard.csv`) });
  t.equal(csv.statusCode, 403);
  t.equal((await h.as('admin', { method: 'GET', url: api(`/cycles/01900000-0000-7000-8000-000000000009/department-scoreboard`) })).statusCode, 404);
});

t.test('GraphQL returns the same scoreboard as REST', async (t) => {
  const q = `query($c: ID!) { departmentScoreboard(cycleId: $c) { cycleId departmentBonus { top10 top100 } departmentPenalty { yellowCard revoked }
    commendationBonus { provincial_leading_group provincial_department other }
    items { departmentId departmentName enrolledUnits
      commendations { count byLevel { provincial_leading_group provincial_department other } points }
      top10 { count units { unitId unitName certificateNo status statusLabel { zhCN en } } }
      top100 { count units { unitId unitName certificateNo status statusLabel { zhCN en } } }
      bonusPoints penalties { yellowCards revoked points } netPoints problems { open overdue rectified } complaints { received substantiated }
      ownSatisfaction { department { count bad meanLevel meanPoints satisfiedShare } leadership { count bad meanLevel meanPoints satisfiedShare } all { count bad meanLevel meanPoints satisfiedShare } exclusions { appealId ratingId } }
      department { name } } } }`;
  const g = await gql(h, 'integration', q, { c: x.cycleId });
  t.same(g.errors, undefined, JSON.stringify(g.errors));
  const data = g.data!.departmentScoreboard as { items: ({ department: { name: string } } & Record<string, unknown>)[] };
  t.same(data.items.map((d) => d.department.name), ['州林业局', '州国税局']);
  t.same({ ...data, items: data.items.map(({ department: _d, ...rest }) => rest) }, (await board()).json());
  const denied = await gql(h, { role: 'unit', unitId: l1.id }, q, { c: x.cycleId });
  t.equal(denied.errors![0].extensions!.code, 'forbidden');
});
