import t from 'tap';
import { systemContext } from '../src/lib/principal.js';
import type { TokenClaims } from '../src/lib/keys.js';
import { commendationLevels } from '../src/modules/awards/schemas.js';
import { namedCycle } from './fixtures-awards.js';
import { scoredWorld } from './fixtures-scores.js';
import { gql, onPglite, setup } from './helper.js';

/**
 * One batched loader per entity per request (lib/graphql.ts entityLoader): every nested GraphQL path
 * list → entity → entity runs in at most depth + 1 SQL statements (depth: the levels of the query, the list the
 * first), with 2 rows as with 50. A query that opens several entities on one level costs one statement per entity
 * and level: those state their bound.
 */
const h = await setup(t);
const w = await scoredWorld(h);
const u = w.units;
const ctx = systemContext('tests');
const COMMENDATION_LEVEL = commendationLevels[0];
// the world spreads complaints, problems and deeds over one or two units: more units, so the loaders have several keys
for (const unit of [u.forestPolice, u.taxHallA, u.taxHallB, u.taxAudit]) {
  await w.rows.complaint(unit.id, { substantiated: true, severity: 'minor' });
  await w.rows.problem(unit.id, 5);
}
await w.rows.deeds(u.taxAudit.id, 2);
const ranking = await h.app.services.rankings.compute(ctx, w.cycle.id);
await h.app.services.rankings.publish(ctx, ranking.id);
const named = await namedCycle(h, { year: 2031, top10: 2, top100: 4, world: w });
for (const unit of [u.taxHallA, u.taxAudit]) {
  await h.app.services.awards.recordCommendation(ctx, { unitId: unit.id, cycleId: w.cycle.id, level: COMMENDATION_LEVEL, title: '表彰', conferredBy: '湖北省纠风领导小组', conferredOn: '2024-06-01' });
}

type Who = TokenClaims | TokenClaims['role'] | 'anonymous';
interface PathCase {
  path: string;
  who: Who;
  /** a query with `$n: Int` limiting the list */
  query: string;
  vars?: Record<string, unknown>;
  /** the list's rows in the answer */
  rows: (data: Record<string, unknown>) => unknown[];
  /** what every row must carry (the nested entities were resolved) */
  resolved: (row: never) => unknown;
  /** levels of the query (the bound is depth + 1); or the bound itself for a wide query, with its reason */
  depth?: number;
  bound?: { statements: number; why: string };
}

const items = (field: string) => (d: Record<string, unknown>) => (d[field] as { items: unknown[] }).items;
type Nested = { unit: { department: { name: string; region?: { nameZh: string } }; region: { nameZh: string } } };
const unitDepartment = (r: Nested) => r.unit.department.name;
const unitDepartmentRegion = (r: Nested) => r.unit.department.region!.nameZh;
const unitBoth = (r: Nested) => r.unit.department.name && r.unit.region.nameZh;

const cases: PathCase[] = [
  {
    path: 'units → department → region',
    who: 'admin',
    depth: 3,
    query: `query($n: Int) { units(limit: $n) { items { name department { name region { nameZh } } } } }`,
    rows: items('units'),
    resolved: (r: { department: { region: { nameZh: string } } }) => r.department.region.nameZh,
  },
  {
    path: 'units → region → parent → parent',
    who: 'admin',
    depth: 4,
    query: `query($n: Int) { units(limit: $n) { items { name region { nameZh parent { nameZh parent { nameZh } } } } } }`,
    rows: items('units'),
    resolved: (r: { region: { parent: { nameZh: string } } }) => r.region.parent.nameZh,
  },
  {
    path: 'departments → region → parent',
    who: 'admin',
    depth: 3,
    query: `query($n: Int) { departments(limit: $n) { items { name region { nameZh parent { code } } } } }`,
    rows: items('departments'),
    resolved: (r: { region: { nameZh: string } }) => r.region.nameZh,
  },
  {
    path: 'regions → parent → parent',
    who: 'admin',
    depth: 3,
    query: `query($n: Int) { regions(limit: $n) { items { nameZh parent { nameZh parent { nameZh } } } } }`,
    rows: items('regions'),
    resolved: (r: { nameZh: string }) => r.nameZh,
  },
  ...(['admin', 'integration', 'inspector'] as const).map((who) => ({
    path: `rankingEntries → unit → department, region (${who})`,
    who,
    depth: 3,
    query: `query($n: Int, $id: ID!) { rankingEntries(rankingId: $id, limit: $n) { items { unitId unit { name department { name } region { nameZh } } } } }`,
    vars: { id: ranking.id },
    rows: items('rankingEntries'),
    resolved: unitBoth,
  })),
  {
    path: 'publicRankingPage → entries → unit → department, region (anonymous)',
    who: 'anonymous',
    depth: 3,
    query: `query($n: Int, $id: ID!) { publicRankingPage(id: $id, limit: $n) { ranking { id } entries { unitId unit { name department { name } region { nameZh } } } } }`,
    vars: { id: ranking.id },
    rows: (d) => (d.publicRankingPage as { entries: unknown[] }).entries,
    resolved: unitBoth,
  },
  {
    path: 'complaints → unit → department → region',
    who: 'admin',
    depth: 4,
    query: `query($n: Int) { complaints(limit: $n) { items { id unit { name department { name region { nameZh } } } } } }`,
    rows: items('complaints'),
    resolved: unitDepartmentRegion,
  },
  {
    path: 'complaints → department → region',
    who: 'admin',
    depth: 3,
    query: `query($n: Int) { complaints(limit: $n) { items { id department { name region { nameZh } } } } }`,
    rows: items('complaints'),
    resolved: (r: { department: { region: { nameZh: string } } }) => r.department.region.nameZh,
  },
  {
    path: 'problems → unit → department → region',
    who: 'admin',
    depth: 4,
    query: `query($n: Int) { problems(limit: $n) { items { id unit { name department { name region { nameZh } } } } } }`,
    rows: items('problems'),
    resolved: unitDepartmentRegion,
  },
  {
    path: 'inspectionTasks → unit → department → region',
    who: 'admin',
    depth: 4,
    query: `query($n: Int) { inspectionTasks(limit: $n) { items { id unit { name department { name region { nameZh } } } } } }`,
    rows: items('inspectionTasks'),
    resolved: unitDepartmentRegion,
  },
  {
    path: 'inspectionTasks → supervisor → department',
    who: 'admin',
    depth: 3,
    query: `query($n: Int) { inspectionTasks(limit: $n) { items { id supervisor { name } round { name } } } }`,
    rows: items('inspectionTasks'),
    resolved: (r: { supervisor: { name: string } }) => r.supervisor.name,
  },
  {
    path: 'deeds → unit → department, region',
    who: 'admin',
    depth: 3,
    query: `query($n: Int) { deeds(limit: $n) { items { id unit { name department { name } region { nameZh } } } } }`,
    rows: items('deeds'),
    resolved: unitBoth,
  },
  {
    path: 'awards → unit → department, region',
    who: 'admin',
    bound: { statements: 5, why: 'depth 3, and the list reads its cycle first (404 for an unknown cycle)' },
    query: `query($n: Int, $c: ID!) { awards(cycleId: $c, limit: $n) { items { id unit { name department { name } region { nameZh } } } } }`,
    vars: { c: named.cycleId },
    rows: items('awards'),
    resolved: unitBoth,
  },
  {
    path: 'commendations → unit → department',
    who: 'admin',
    depth: 3,
    query: `query($n: Int) { commendations(limit: $n) { items { id unit { name department { name } } } } }`,
    rows: items('commendations'),
    resolved: unitDepartment,
  },
  {
    path: 'enrollments → unit → department',
    who: 'admin',
    depth: 3,
    query: `query($n: Int, $c: ID!) { enrollments(cycleId: $c, limit: $n) { items { id unit { name department { name } } } } }`,
    vars: { c: w.cycle.id },
    rows: items('enrollments'),
    resolved: unitDepartment,
  },
  {
    path: 'ratings → unit → department',
    who: 'admin',
    depth: 3,
    query: `query($n: Int) { ratings(limit: $n) { items { id unit { name department { name } } } } }`,
    rows: items('ratings'),
    resolved: unitDepartment,
  },
  {
    path: 'scorecards → unit → department',
    who: 'admin',
    depth: 3,
    query: `query($n: Int) { scorecards(limit: $n) { items { id unit { name department { name } } } } }`,
    rows: items('scorecards'),
    resolved: unitDepartment,
  },
  {
    path: 'rankingEntries → unit, department, explanation → unit’s department, region → region’s parent (wide)',
    who: 'admin',
    bound: { statements: 6, why: 'entries; unit, department, explanation; the unit’s region (its department is the entry’s, already fetched); the parent' },
    query: `query($n: Int, $id: ID!) { rankingEntries(rankingId: $id, limit: $n) { items { unitId unit { department { name } region { nameZh parent { nameZh } } } department { name } explanation { score } } } }`,
    vars: { id: ranking.id },
    rows: items('rankingEntries'),
    resolved: unitBoth,
  },
  {
    path: 'complaints → unit, department, events → their departments, regions (wide)',
    who: 'admin',
    bound: { statements: 7, why: 'complaints and their contacts; unit, department, events; the unit’s region; the regions of the departments and the region’s parent' },
    query: `query($n: Int) { complaints(limit: $n) { items { id unit { department { name } region { nameZh parent { nameZh } } } department { region { nameZh } } events { id } } } }`,
    rows: items('complaints'),
    resolved: unitBoth,
  },
];

// A query's third run executes compiled (mercurius jit, graphql-jit): the same answer in the same statements.
t.test('nested paths run in depth + 1 statements, with 2 rows as with 50, interpreted and compiled', { skip: onPglite && 'PostgreSQL only' }, async (t) => {
  await gql(h, 'anonymous', `query($id: ID!) { publicRankingPage(id: $id) { total } }`, { id: ranking.id }); // the snapshot in memory
  for (const c of cases) {
    const bound = c.bound?.statements ?? c.depth! + 1;
    let interpreted: unknown;
    for (const [run, n] of [2, 50, 50].entries()) {
      const { result, queries } = await h.countQueries(() => gql(h, c.who, c.query, { ...c.vars, n }));
      if (run === 1) interpreted = result.data;
      if (run === 2) t.same(result.data, interpreted, `${c.path}: the compiled run answers as the interpreted one`);
      t.same(result.errors, undefined, `${c.path}: no errors`);
      const rows = c.rows(result.data!);
      t.ok(rows.length >= 2, `${c.path}: ${rows.length} rows`);
      t.ok(rows.every((r) => c.resolved(r as never)), `${c.path}: nested entities resolved`);
      t.ok(queries <= bound, `${c.path}: ${queries} statements for ${rows.length} rows (at most ${bound}${c.bound ? `: ${c.bound.why}` : `, depth ${c.depth!}`})`);
    }
  }
});

t.test('a shared loader still answers null for what the caller may not see', async (t) => {
  const dept = { role: 'department' as const, departmentId: w.departments.tax.id };
  const ask = () => gql(h, dept, `query($id: ID!) { rankingEntries(rankingId: $id) { items { unitId unit { id department { name } } department { name } } } }`, { id: ranking.id });
  const g = await ask();
  t.same(g.errors, undefined);
  t.same([(await ask()).data, (await ask()).data], [g.data, g.data], 'the same when the query runs compiled (its third run)');
  const rows = (g.data!.rankingEntries as { items: { unitId: string; unit: { department: { name: string } } | null; department: { name: string } }[] }).items;
  t.equal(rows.find((r) => r.unitId === u.forestStation.id)!.unit, null, 'another department’s unit is null');
  t.same(rows.find((r) => r.unitId === u.taxHallA.id)!.unit!.department, { name: '州国税局' });
  t.same(rows.find((r) => r.unitId === u.forestStation.id)!.department, { name: '州林业局' }, 'departments are public reference data');
  const refused = await gql(h, 'anonymous', `{ units { items { id } } }`);
  t.equal(refused.errors![0].extensions!.code, 'unauthorized', 'the list itself still refuses the public');
});
