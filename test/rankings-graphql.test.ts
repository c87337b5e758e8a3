import t from 'tap';
import type { RankingEntryDto } from '../src/modules/rankings/schemas.js';
import { scoredWorld } from './fixtures-scores.js';
import { gql, onPglite, setup } from './helper.js';

const h = await setup(t);
const w = await scoredWorld(h);
const u = w.units;

const ENTRY_FIELDS = `rankingId unitId unitName departmentId departmentName regionId regionName category categoryLabel { zhCN en } rank rankInFilter position
  score assessment inspection publicSatisfaction deductions bonus flags samples { ratings scorecards inspectionReports }
  publicSatisfactionInterval { low high }`;

let rankingId = '';

t.test('computeRanking and publishRanking mutations make a published version 1', async (t) => {
  const c = await gql(h, 'admin', `mutation($c: ID!) { computeRanking(cycleId: $c) { id status formulaVersion inputCounts { units ratings } } }`, { c: w.cycle.id });
  t.same(c.errors, undefined);
  const computed = c.data!.computeRanking as { id: string; status: string; inputCounts: { units: number; ratings: number } };
  t.equal(computed.status, 'draft');
  t.same(computed.inputCounts, { units: 5, ratings: 220 });
  rankingId = computed.id;
  const p = await gql(h, 'admin', `mutation($id: ID!) { publishRanking(id: $id) { status publicationVersion } }`, { id: rankingId });
  t.same(p.data!.publishRanking, { status: 'published', publicationVersion: 1 });
});

t.test('mutations are for admin only', async (t) => {
  const c = await gql(h, 'inspector', `mutation($c: ID!) { computeRanking(cycleId: $c) { id } }`, { c: w.cycle.id });
  t.equal(c.errors![0].extensions!.code, 'forbidden');
  const p = await gql(h, 'anonymous', `mutation($id: ID!) { publishRanking(id: $id) { id } }`, { id: rankingId });
  t.equal(p.errors![0].extensions!.code, 'unauthorized');
  const bad = await gql(h, 'admin', `mutation { computeRanking(cycleId: "nope") { id } }`);
  t.equal(bad.errors![0].extensions!.code, 'validation_failed');
});

t.test('rankingEntries returns what REST returns, filters included', async (t) => {
  const query = `?limit=50&regionId=${w.regions.countyA.id}`;
  const dept = { role: 'department' as const, departmentId: w.departments.forestry.id };
  const rest = (await h.as(dept, { method: 'GET', url: `/api/v1/rankings/${rankingId}/entries${query}` })).json();
  const g = await gql(h, dept, `query($id: ID!, $r: ID) { rankingEntries(rankingId: $id, regionId: $r, limit: 50) { items { ${ENTRY_FIELDS} } nextCursor } }`, {
    id: rankingId,
    r: w.regions.countyA.id,
  });
  t.same(g.errors, undefined);
  t.same(g.data!.rankingEntries, rest);
  const police = (g.data!.rankingEntries as { items: RankingEntryDto[] }).items.find((e) => e.unitId === u.forestPolice.id)!;
  t.same([police.rank, police.rankInFilter, police.flags], [null, null, ['insufficient_sample']], 'rank: Int is null for a unit under the minimum sample');
});

t.test('ranking, rankings and rankingBottom return what REST returns', async (t) => {
  const rest = (await h.as('admin', { method: 'GET', url: `/api/v1/rankings/${rankingId}` })).json();
  const g = await gql(
    h,
    'admin',
    `query($id: ID!, $c: ID!) {
      ranking(id: $id) { id cycleId status publicationVersion formulaVersion computedBy
        parameters { scoring { priorWeight bonusCap bottom { mode value } levelPoints { level points } } weights { assessment } categoryMeans { category mean } } }
      rankings(cycleId: $c) { items { id } }
      rankingBottom(rankingId: $id, category: law_enforcement) { mode value categories { category bottomCount entries { unitId rank } insufficientSample { unitId rank } } }
    }`,
    { id: rankingId, c: w.cycle.id },
  );
  t.same(g.errors, undefined);
  const r = g.data!.ranking as Record<string, unknown>;
  t.equal(r.computedBy, rest.computedBy);
  t.equal(r.publicationVersion, 1);
  t.same((r.parameters as { scoring: { levelPoints: unknown } }).scoring.levelPoints, [
    { level: 5, points: 100 },
    { level: 4, points: 75 },
    { level: 3, points: 50 },
    { level: 2, points: 25 },
    { level: 1, points: 0 },
  ]);
  t.same(g.data!.rankings, { items: [{ id: rankingId }] });
  const restBottom = (await h.as('admin', { method: 'GET', url: `/api/v1/rankings/${rankingId}/bottom?category=law_enforcement` })).json();
  t.same(g.data!.rankingBottom, {
    mode: restBottom.mode,
    value: restBottom.value,
    categories: restBottom.categories.map((c: { category: string; bottomCount: number; entries: RankingEntryDto[]; insufficientSample: RankingEntryDto[] }) => ({
      category: c.category,
      bottomCount: c.bottomCount,
      entries: c.entries.map((e) => ({ unitId: e.unitId, rank: e.rank })),
      insufficientSample: c.insufficientSample.map((e) => ({ unitId: e.unitId, rank: e.rank })),
    })),
  });
  t.same(restBottom.categories[0].insufficientSample.map((e: RankingEntryDto) => e.unitId), [u.forestPolice.id], 'marked, not named worst');
});

t.test('the explanation through GraphQL equals the REST explanation', async (t) => {
  const rest = (await h.as('anonymous', { method: 'GET', url: `/api/v1/rankings/${rankingId}/entries/${u.forestStation.id}/explanation` })).json();
  const g = await gql(
    h,
    'anonymous',
    `query($id: ID!, $u: ID!) { rankingExplanation(rankingId: $id, unitId: $u) {
      rankingId rankingStatus publicationVersion unitId unitName category rank formulaVersion formula score base renormalized
      components { key label { zhCN en } value present weight effectiveWeight contribution }
      assessment { scorecards meanTotal }
      inspection { reports meanRating meanReportScore findings { key count pointsEach points } findingPoints }
      publicSatisfaction { ratings levels { key count pointsEach points } rawMean standardDeviation categoryMean priorWeight value interval { low high } defaultRatings { counted included excluded } }
      deductions { total complaints { key count pointsEach points } overdueProblems { key count pointsEach points } }
      bonus { total uncapped cap deeds { key count pointsEach points } commendations { key count pointsEach points } commendationsCounted }
      samples { ratings scorecards inspectionReports } minimumSamples { ratings scorecards inspectionReports }
      timeliness { completed onTime oneWeek onTimeRate oneWeekRate minimumCompletedCases value weight } flags notes
      exclusions { appealId kind subjectId } heldRatings { held rejected } } }`,
    { id: rankingId, u: u.forestStation.id },
  );
  t.same(g.errors, undefined);
  t.same(g.data!.rankingExplanation, rest);
});

t.test('publicRanking serves the snapshot to the public, and nothing for a draft', async (t) => {
  const g = await gql(h, 'anonymous', `query($id: ID!) { publicRanking(id: $id) { ranking { id computedBy } entries { unitId rank } } }`, { id: rankingId });
  t.same(g.errors, undefined);
  const p = g.data!.publicRanking as { ranking: { computedBy: string | null }; entries: unknown[] };
  t.equal(p.ranking.computedBy, null);
  t.equal(p.entries.length, 5);
  const d = await gql(h, 'admin', `mutation($c: ID!) { computeRanking(cycleId: $c) { id } }`, { c: w.cycle.id });
  const draftId = (d.data!.computeRanking as { id: string }).id;
  const none = await gql(h, 'anonymous', `query($id: ID!) { publicRanking(id: $id) { ranking { id } } }`, { id: draftId });
  t.equal(none.errors![0].extensions!.code, 'not_found');
  const dept = await gql(h, { role: 'department', departmentId: w.departments.tax.id }, `query($id: ID!) { ranking(id: $id) { id } }`, { id: draftId });
  t.equal(dept.errors![0].extensions!.code, 'not_found', 'drafts are not for departments');
});

t.test('publicRankingPage pages the snapshot as REST does', async (t) => {
  const q = `query($id: ID!, $c: String) { publicRankingPage(id: $id, limit: 2, cursor: $c) { total nextCursor entries { unitId rank rankInFilter } } }`;
  const first = await gql(h, 'anonymous', q, { id: rankingId });
  t.same(first.errors, undefined);
  const p1 = first.data!.publicRankingPage as { total: number; nextCursor: string; entries: { unitId: string }[] };
  const rest = (await h.as('anonymous', { method: 'GET', url: `/api/v1/public/rankings/${rankingId}?limit=2` })).json();
  t.equal(p1.total, 5);
  t.same(p1.entries.map((e) => e.unitId), rest.entries.map((e: { unitId: string }) => e.unitId));
  t.equal(p1.nextCursor, rest.nextCursor);
  const second = await gql(h, 'anonymous', q, { id: rankingId, c: p1.nextCursor });
  t.equal((second.data!.publicRankingPage as { entries: unknown[] }).entries.length, 2);
  const bad = await gql(h, 'anonymous', q, { id: rankingId, c: 'bm9wZQ' });
  t.equal(bad.errors![0].extensions!.code, 'invalid_cursor');
});

t.test('nested unit, department and explanation are batched: the statement count does not grow with the rows', { skip: onPglite && 'PostgreSQL only' }, async (t) => {
  const q = `query($id: ID!, $n: Int) { rankingEntries(rankingId: $id, limit: $n) { items { unitId unit { name } department { name } explanation { score notes } } } }`;
  const small = await h.countQueries(() => gql(h, 'admin', q, { id: rankingId, n: 1 }));
  const large = await h.countQueries(() => gql(h, 'admin', q, { id: rankingId, n: 5 }));
  t.same(small.result.errors, undefined);
  t.equal((large.result.data!.rankingEntries as { items: unknown[] }).items.length, 5);
  t.ok(small.queries > 0, 'statements were counted');
  t.equal(large.queries, small.queries);
  // one statement for the entries, then one per entity below them: unit, department, explanation (with its ranking)
  t.ok(large.queries <= 4, `${large.queries} statements: entries + one per nested entity`);
  const anon = await h.countQueries(() => gql(h, 'integration', `query($id: ID!) { rankingEntries(rankingId: $id, limit: 5) { items { explanation { score rankingStatus } } } }`, { id: rankingId }));
  t.same(anon.result.errors, undefined);
  t.ok(anon.queries <= 2, `${anon.queries} statements for entries → explanation (depth 2) for a non-staff caller`);
});

t.test('ranking entries → unit → department and region run in depth + 1 statements, staff or not', { skip: onPglite && 'PostgreSQL only' }, async (t) => {
  const q = `query($id: ID!) { rankingEntries(rankingId: $id, limit: 5) { items { unitId unit { name department { name } region { nameZh } } } } }`;
  for (const who of ['admin', 'integration'] as const) {
    const { result, queries } = await h.countQueries(() => gql(h, who, q, { id: rankingId }));
    t.same(result.errors, undefined);
    const items = (result.data!.rankingEntries as { items: { unit: { department: { name: string }; region: { nameZh: string } } }[] }).items;
    t.equal(items.length, 5);
    t.ok(items.every((i) => i.unit.department.name && i.unit.region.nameZh));
    t.ok(queries <= 4, `${who}: ${queries} statements at depth 3`);
  }
  const d = await gql(h, 'admin', `mutation($c: ID!) { computeRanking(cycleId: $c) { id } }`, { c: w.cycle.id });
  const draftId = (d.data!.computeRanking as { id: string }).id;
  const hidden = await gql(h, 'integration', `query($id: ID!) { rankingEntries(rankingId: $id) { items { unitId } } }`, { id: draftId });
  t.equal(hidden.errors?.[0].extensions?.code, 'not_found', 'a draft stays hidden from those who may not see it');
});

t.test('nested units outside a department’s scope are null, the entries are still listed', async (t) => {
  const g = await gql(h, { role: 'department', departmentId: w.departments.tax.id }, `query($id: ID!) { rankingEntries(rankingId: $id) { items { unitId unit { id } } } }`, {
    id: rankingId,
  });
  t.same(g.errors, undefined);
  const items = (g.data!.rankingEntries as { items: { unitId: string; unit: { id: string } | null }[] }).items;
  t.equal(items.length, 5);
  t.equal(items.find((i) => i.unitId === u.forestStation.id)!.unit, null);
  t.same(items.find((i) => i.unitId === u.taxHallA.id)!.unit, { id: u.taxHallA.id });
});
