import t from 'tap';
import { namedCycle } from './fixtures-awards.js';
import { gql, setup } from './helper.js';

// 基层站所(窗口)被各级命名表彰的，对其主管部门行风建设考核予以加分: a higher-level commendation of a unit adds to
// its department's scoreboard points, by level (default 省纠风领导小组 2, 省主管部门 1, other 0).
const h = await setup(t);
const x = await namedCycle(h, { year: 2050, top10: 2, top100: 5, lawCount: 4, pubCount: 3 });
const { forestry, tax } = x.departments;
const [, , , l4] = x.law;
const [, p2] = x.pub;

const commend = (unitId: string, level: string, cycleId: string | null = x.cycleId) =>
  h.as('admin', { method: 'POST', url: '/api/v1/commendations', payload: { unitId, cycleId, level, title: '群众满意基层站所', conferredBy: '湖北省纠风领导小组', conferredOn: '2050-06-01' } });
const board = async () => (await h.as('admin', { method: 'GET', url: `/api/v1/cycles/${x.cycleId}/department-scoreboard` })).json();
type Row = Record<string, unknown> & { departmentId: string; bonusPoints: number; netPoints: number };
const row = (b: { items: Row[] }, id: string) => b.items.find((d) => d.departmentId === id)!;

t.test('commendations of a department’s units add to its bonus, by level', async (t) => {
  const before = await board();
  t.same(before.commendationBonus, { provincial_leading_group: 2, provincial_department: 1, other: 0 });
  const f0 = row(before, forestry.id);
  const t0 = row(before, tax.id);
  t.match(f0, { commendations: { count: 0, points: 0 } });

  for (const [unitId, level] of [[l4.id, 'provincial_leading_group'], [l4.id, 'provincial_department'], [p2.id, 'provincial_department'], [p2.id, 'other']]) {
    t.equal((await commend(unitId, level)).statusCode, 201);
  }
  t.equal((await commend(p2.id, 'provincial_leading_group', null)).statusCode, 201, 'one without a cycle does not count toward this cycle');

  const after = await board();
  const f1 = row(after, forestry.id);
  const t1 = row(after, tax.id);
  t.match(f1, { commendations: { count: 2, byLevel: { provincial_leading_group: 1, provincial_department: 1, other: 0 }, points: 3 } });
  t.equal(f1.bonusPoints - f0.bonusPoints, 3);
  t.equal(f1.netPoints - f0.netPoints, 3);
  t.match(t1, { commendations: { count: 2, byLevel: { provincial_leading_group: 0, provincial_department: 1, other: 1 }, points: 1 } });
  t.equal(t1.bonusPoints - t0.bonusPoints, 1);
});

t.test('a department sees its own commendation line; GraphQL carries it too', async (t) => {
  const own = await h.as({ role: 'department', departmentId: tax.id }, { method: 'GET', url: `/api/v1/cycles/${x.cycleId}/department-scoreboard` });
  t.same(own.json().items.map((d: { departmentId: string }) => d.departmentId), [tax.id]);
  const g = await gql(h, 'admin', `query($c: ID!) { departmentScoreboard(cycleId: $c) { commendationBonus { provincial_leading_group } items { departmentId commendations { count points byLevel { provincial_department } } } } }`, { c: x.cycleId });
  const sb = g.data?.departmentScoreboard as { commendationBonus: { provincial_leading_group: number }; items: { departmentId: string; commendations: unknown }[] };
  t.equal(sb.commendationBonus.provincial_leading_group, 2);
  const f = sb.items.find((d) => d.departmentId === forestry.id)!;
  t.same(f.commendations, { count: 2, points: 3, byLevel: { provincial_department: 1 } });
});
