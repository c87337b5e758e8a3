import t from 'tap';
import { systemContext } from '../src/lib/principal.js';
import type { RankingDto, RankingEntryDto, ScoreExplanationDto } from '../src/modules/rankings/schemas.js';
import { cycleInPhase } from './fixtures-cycles.js';
import { scoredWorld } from './fixtures-scores.js';
import { onPglite, setup } from './helper.js';
import { rankingsRepository } from '../src/modules/rankings/repository.js';

const h = await setup(t);
const w = await scoredWorld(h);
const u = w.units;
const department = { role: 'department' as const, departmentId: w.departments.forestry.id };
const unitStaff = { role: 'unit' as const, unitId: u.forestStation.id };
const supervisor = { role: 'supervisor' as const, supervisorId: '00000000-0000-7000-8000-000000000001' };

const api = (path: string) => `/api/v1${path}`;
const close = (a: number | null, b: number) => a !== null && Math.abs(a - b) < 0.006;

async function compute(): Promise<RankingDto> {
  const res = await h.as('admin', { method: 'POST', url: api(`/cycles/${w.cycle.id}/rankings`) });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json();
}
async function entries(rankingId: string, query = '', who: Parameters<typeof h.as>[0] = 'admin'): Promise<RankingEntryDto[]> {
  const res = await h.as(who, { method: 'GET', url: api(`/rankings/${rankingId}/entries?limit=200${query}`) });
  if (res.statusCode !== 200) throw new Error(res.body);
  return res.json().items;
}
const byUnit = (list: RankingEntryDto[]) => Object.fromEntries(list.map((e) => [e.unitId, e]));

const draft = await compute();

t.test('computing makes a draft with the formula version and the input counts of enrolled units', async (t) => {
  t.equal(draft.status, 'draft');
  t.equal(draft.publicationVersion, null);
  t.equal(draft.formulaVersion, 'S1');
  t.same(draft.inputCounts, { units: 5, ratings: 220, scorecards: 6, reports: 4, findings: 1, complaints: 1, problems: 2, deeds: 33, commendations: 0, excluded: 0, heldRatings: 0 });
  t.same(draft.parameters.weights, { assessment: 0.4, inspection: 0.3, publicSatisfaction: 0.3 });
  t.equal(draft.parameters.scoring.priorWeight, 50);
  t.ok(close(draft.parameters.categoryMeans.law_enforcement, 82.142857));
});

t.test('each unit gets A, M, P, D and B and its composite score; a disqualified unit is not ranked', async (t) => {
  const list = byUnit(await entries(draft.id));
  t.equal(Object.keys(list).length, 5);
  t.notOk(list[w.disqualified.id], 'disqualified unit left out');
  const fs = list[u.forestStation.id];
  t.equal(fs.assessment, 85, 'mean of confirmed scorecards only');
  t.equal(fs.inspection, 98, 'report of all 5s, one accepted minor finding');
  t.ok(close(fs.publicSatisfaction, 88.57), 'Bayesian P');
  t.equal(fs.deductions, 8, 'major substantiated complaint 5 + overdue problem 3');
  t.equal(fs.bonus, 0.6);
  t.equal(fs.score, 82.57);
  t.same(fs.samples, { ratings: 50, scorecards: 2, inspectionReports: 1 });
  t.same(fs.flags, []);
  t.ok(fs.publicSatisfactionInterval!.low < 95 && fs.publicSatisfactionInterval!.high > 95);
  t.equal(fs.departmentName, '州林业局');
  t.equal(fs.regionName, '汪营镇');
  t.equal(list[u.taxHallB.id].bonus, 5, 'bonus capped');
  t.equal(list[u.taxHallB.id].deductions, 3, 'a problem verified after its deadline counts as overdue');
  t.equal(list[u.taxAudit.id].score, 39);
});

t.test('units with sufficient samples are ranked within their category, 1 = best', async (t) => {
  const list = byUnit(await entries(draft.id));
  t.equal(list[u.forestStation.id].rank, 1);
  t.equal(list[u.taxHallB.id].rank, 1, 'first of its category: the higher-scoring taxHallA has no earned rank');
  t.equal(list[u.taxAudit.id].rank, 1);
});

t.test('a unit under the minimum sample is flagged insufficient_sample, has no rank and is listed after the ranked', async (t) => {
  const all = await entries(draft.id);
  const list = byUnit(all);
  t.same(list[u.forestPolice.id].flags, ['insufficient_sample'], '20 ratings < 30');
  t.same(list[u.taxHallA.id].flags, ['insufficient_sample'], 'no inspection report');
  t.equal(list[u.taxHallA.id].rank, null, '82.93 scores above taxHallB, but is not ranked');
  t.same(
    all.map((e) => [e.unitId, e.rank, e.position]),
    [
      [u.forestStation.id, 1, 1],
      [u.forestPolice.id, null, 2],
      [u.taxHallB.id, 1, 1],
      [u.taxHallA.id, null, 2],
      [u.taxAudit.id, 1, 1],
    ],
  );
  const flagged = await entries(draft.id, '&flag=insufficient_sample');
  t.same(flagged.map((e) => [e.unitId, e.rank, e.rankInFilter]), [
    [u.forestPolice.id, null, null],
    [u.taxHallA.id, null, null],
  ]);
});

t.test('the explanation lists every component, weight, contribution, input and the formula version', async (t) => {
  const res = await h.as('admin', { method: 'GET', url: api(`/rankings/${draft.id}/entries/${u.taxHallA.id}/explanation`) });
  t.equal(res.statusCode, 200, res.body);
  const e: ScoreExplanationDto = res.json();
  t.equal(e.formulaVersion, 'S1');
  t.equal(e.formula, 'S = wA·A + wM·M + wP·P − D + B');
  t.equal(e.score, 82.93);
  t.ok(e.renormalized);
  t.same(
    e.components.map((c) => [c.key, c.present, c.weight, c.effectiveWeight]),
    [
      ['assessment', true, 0.4, 0.5714],
      ['inspection', false, 0.3, 0],
      ['publicSatisfaction', true, 0.3, 0.4286],
    ],
  );
  t.equal(e.components[0].contribution, 48.57);
  t.same(e.assessment, { scorecards: 1, meanTotal: 85 });
  t.equal(e.publicSatisfaction.ratings, 60);
  t.equal(e.publicSatisfaction.rawMean, 75);
  t.equal(e.publicSatisfaction.priorWeight, 50);
  t.equal(e.publicSatisfaction.categoryMean, 86.36);
  t.equal(e.bonus.commendationsCounted, true, 'higher-level commendations are recorded by the awards module and counted');
  t.same(e.flags, ['insufficient_sample']);
  const notes = e.notes.join('\n');
  t.match(notes, /weights renormalized/);
  t.match(notes, /5→100, 4→75, 3→50, 2→25, 1→0/);
  t.notMatch(notes, /counts deeds only/);
  t.match(notes, /insufficient sample \(inspection reports 0 < 1\): not ranked/);
  t.equal(e.rank, null);
});

t.test('a region filter (with the regions below it) ranks within the filter', async (t) => {
  const a = await entries(draft.id, `&regionId=${w.regions.countyA.id}`);
  t.same(
    a.map((e) => [e.unitId, e.rank, e.rankInFilter]),
    [
      [u.forestStation.id, 1, 1],
      [u.forestPolice.id, null, null],
      [u.taxHallA.id, null, null],
    ],
  );
  const b = await entries(draft.id, `&regionId=${w.regions.countyB.id}&category=public_service`);
  t.same(b.map((e) => [e.unitId, e.rank, e.rankInFilter]), [[u.taxHallB.id, 1, 1]]);
});

t.test('a department filter ranks within the department', async (t) => {
  const list = await entries(draft.id, `&departmentId=${w.departments.tax.id}`);
  t.same(
    list.map((e) => e.unitId),
    [u.taxHallB.id, u.taxHallA.id, u.taxAudit.id],
  );
});

t.test('entries page by (category, position) with a cursor, unranked entries included', async (t) => {
  const first = await h.as('admin', { method: 'GET', url: api(`/rankings/${draft.id}/entries?limit=2`) });
  const p1 = first.json();
  t.equal(p1.items.length, 2);
  t.ok(p1.nextCursor);
  const p2 = (await h.as('admin', { method: 'GET', url: api(`/rankings/${draft.id}/entries?limit=10&cursor=${p1.nextCursor}`) })).json();
  t.same(
    [...p1.items, ...p2.items].map((e: RankingEntryDto) => e.unitId),
    [u.forestStation.id, u.forestPolice.id, u.taxHallB.id, u.taxHallA.id, u.taxAudit.id],
  );
  t.equal(p2.nextCursor, null);
});

t.test('paging one entry at a time gives the whole list, rankInFilter included, with or without filters', async (t) => {
  const walk = async (query: string, who: Parameters<typeof h.as>[0] = 'admin') => {
    const seen: RankingEntryDto[] = [];
    let cursor: string | null = null;
    do {
      const res = await h.as(who, { method: 'GET', url: api(`/rankings/${draft.id}/entries?limit=1${query}${cursor ? `&cursor=${cursor}` : ''}`) });
      t.equal(res.statusCode, 200, res.body);
      const page = res.json() as { items: RankingEntryDto[]; nextCursor: string | null };
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor && seen.length < 20);
    return seen;
  };
  for (const q of ['', `&category=${u.taxHallA.category}`, `&departmentId=${w.departments.tax.id}`, `&regionId=${w.regions.countyA.id}`, '&flag=insufficient_sample']) {
    const whole = await entries(draft.id, q);
    t.ok(whole.length > 0, `${q || 'no filter'}: entries to page`);
    t.same(await walk(q), whole, `${q || 'no filter'}: the pages together are the list`);
  }
  const all = await entries(draft.id);
  t.ok(
    all.every((e) => e.rankInFilter === e.rank),
    'without a narrowing filter the rank within the filter is the rank',
  );
  const tax = await entries(draft.id, `&departmentId=${w.departments.tax.id}`);
  const numbered = new Map<string, number>();
  t.same(
    tax.filter((e) => e.rank !== null).map((e) => e.rankInFilter),
    tax.filter((e) => e.rank !== null).map((e) => {
      numbered.set(e.category, (numbered.get(e.category) ?? 0) + 1);
      return numbered.get(e.category);
    }),
    'a department filter numbers its ranked entries 1…n within each category',
  );
  const hidden = await h.as(department, { method: 'GET', url: api(`/rankings/${draft.id}/entries?limit=1`) });
  t.equal(hidden.statusCode, 404, 'a draft is not listed for a department, one page or many');
});

t.test('an unfiltered entries page reads the position index from the cursor: no sort, no window over the ranking', { skip: onPglite && 'PostgreSQL plans only' }, async (t) => {
  const first = (await h.as('admin', { method: 'GET', url: api(`/rankings/${draft.id}/entries?limit=2`) })).json();
  const statements: { text: string; values: unknown[] }[] = [];
  const pg = await import('pg');
  const proto = pg.default.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: unknown, ...a: unknown[]) {
    const q = a[0] as string | { text?: string; values?: unknown[] };
    const text = typeof q === 'string' ? q : q.text;
    if (text?.includes('"ranking_entries"')) statements.push({ text, values: (Array.isArray(a[1]) ? a[1] : typeof q === 'object' ? q.values : undefined) ?? [] });
    return original.apply(this, a);
  };
  try {
    const res = await h.as('admin', { method: 'GET', url: api(`/rankings/${draft.id}/entries?limit=2&cursor=${first.nextCursor}`) });
    t.equal(res.statusCode, 200);
  } finally {
    proto.query = original;
  }
  t.equal(statements.length, 1, 'one statement for the page');
  const client = await h.database.pool!.connect();
  let text = '';
  try {
    await client.query('set enable_seqscan = off'); // a five-entry table would be read whole: ask for the plan at campaign size
    const { rows } = await client.query(`explain (format json) ${statements[0].text}`, statements[0].values);
    text = JSON.stringify(rows[0]['QUERY PLAN']);
    await client.query('reset enable_seqscan');
  } finally {
    client.release();
  }
  t.match(text, /ranking_entries_position_key/, 'the page is a range of the (ranking, category, position) index');
  t.notMatch(text, /"Node Type":"(Sort|WindowAgg|Incremental Sort)"/, 'nothing numbers or sorts the whole ranking');
});

t.test('an unknown region in the filter is a 422 naming the field; a malformed id is a 400', async (t) => {
  const res = await h.as('admin', { method: 'GET', url: api(`/rankings/${draft.id}/entries?regionId=${w.cycle.id}`) });
  t.equal(res.statusCode, 422);
  t.equal(res.json().errors[0].field, 'query.regionId');
  const bad = await h.as('admin', { method: 'GET', url: api(`/rankings/${draft.id}/entries?category=nope`) });
  t.equal(bad.statusCode, 400);
  t.equal(bad.json().errors[0].field, 'querystring.category');
  t.equal((await h.as('admin', { method: 'GET', url: api('/rankings/not-a-uuid') })).statusCode, 400);
});

t.test('the bottom list (排名靠后) holds the bottom N ranked units of each category, worst first, and marks the unranked apart', async (t) => {
  const all = (await h.as('inspector', { method: 'GET', url: api(`/rankings/${draft.id}/bottom`) })).json();
  t.equal(all.mode, 'count');
  t.equal(all.value, 5);
  t.same(
    all.categories.map((c: { category: string; rankedUnits: number; bottomCount: number }) => [c.category, c.rankedUnits, c.bottomCount]),
    [
      ['law_enforcement', 1, 1],
      ['public_service', 1, 1],
      ['economic_social_management', 1, 1],
    ],
  );
  t.same(
    all.categories[0].entries.map((e: RankingEntryDto) => e.unitId),
    [u.forestStation.id],
    'forestPolice has too few ratings: not named worst',
  );
  t.same(
    all.categories.map((c: { insufficientSample: RankingEntryDto[] }) => c.insufficientSample.map((e) => [e.unitId, e.rank, e.flags])),
    [[[u.forestPolice.id, null, ['insufficient_sample']]], [[u.taxHallA.id, null, ['insufficient_sample']]], []],
  );

  await h.sql(`update cycles set settings = settings || '{"scoring": {"bottom": {"mode": "count", "value": 1}}}'::jsonb where id = $1`, [w.cycle.id]);
  try {
    const r = await compute();
    const one = (await h.as('admin', { method: 'GET', url: api(`/rankings/${r.id}/bottom?category=public_service`) })).json();
    t.equal(one.categories.length, 1);
    t.same(
      one.categories[0].entries.map((e: RankingEntryDto) => e.unitId),
      [u.taxHallB.id],
    );
    t.same(r.parameters.scoring.bottom, { mode: 'count', value: 1 }, 'the ranking keeps the setting it was computed with');
  } finally {
    await h.sql(`update cycles set settings = settings - 'scoring' where id = $1`, [w.cycle.id]);
  }
});

t.test('a ranking where every unit is under the minimum sample has no ranks, and its bottom list names nobody', async (t) => {
  const [{ before }] = await h.sql<{ before: unknown }>(`select settings->'minimumSamples' as before from cycles where id = $1`, [w.cycle.id]);
  await h.sql(`update cycles set settings = jsonb_set(settings, '{minimumSamples,ratings}', '100000') where id = $1`, [w.cycle.id]);
  try {
    const r = await compute();
    const list = await entries(r.id);
    t.equal(list.length, 5);
    t.ok(list.every((e) => e.flags.includes('insufficient_sample')));
    t.same(list.map((e) => [e.rank, e.rankInFilter]), list.map(() => [null, null]), 'no unit is handed a rank it did not earn');
    t.same(
      list.map((e) => [e.unitId, e.position]),
      [
        [u.forestStation.id, 1],
        [u.forestPolice.id, 2],
        [u.taxHallA.id, 1],
        [u.taxHallB.id, 2],
        [u.taxAudit.id, 1],
      ],
      'still listed by score within each category',
    );
    const bottom = (await h.as('admin', { method: 'GET', url: api(`/rankings/${r.id}/bottom`) })).json();
    t.same(
      bottom.categories.map((c: { rankedUnits: number; bottomCount: number; entries: unknown[]; insufficientSample: RankingEntryDto[] }) => [
        c.rankedUnits,
        c.bottomCount,
        c.entries.length,
        c.insufficientSample.length,
      ]),
      [
        [0, 0, 0, 2],
        [0, 0, 0, 2],
        [0, 0, 0, 1],
      ],
      'units with too few ratings are marked, not named worst',
    );
    const csv = (await h.as('admin', { method: 'GET', url: api(`/rankings/${r.id}/export.csv`) })).body;
    const firstRow = csv.split('\r\n')[1] ?? csv.split('\n')[1];
    t.match(firstRow, /^[^,]+,,/, 'the CSV rank cell is empty');
  } finally {
    await h.sql(`update cycles set settings = jsonb_set(settings, '{minimumSamples}', $2::jsonb) where id = $1`, [w.cycle.id, JSON.stringify(before)]);
  }
});

t.test('the cycle must be in assessment, ranking or naming to compute', async (t) => {
  const early = await cycleInPhase(h, 'enrollment', [u.taxAudit.id], '报名中');
  const res = await h.as('admin', { method: 'POST', url: api(`/cycles/${early.id}/rankings`) });
  t.equal(res.statusCode, 409);
  t.equal(res.json().code, 'cycle_not_rankable');
  t.equal((await h.as('admin', { method: 'POST', url: api(`/cycles/${w.departments.tax.id}/rankings`) })).statusCode, 404);
});

t.test('only admin computes and publishes', async (t) => {
  for (const who of ['inspector', 'supervisor', 'integration', department, unitStaff] as const) {
    const c = await h.as(who === 'supervisor' ? supervisor : who, { method: 'POST', url: api(`/cycles/${w.cycle.id}/rankings`) });
    t.equal(c.statusCode, 403, `compute as ${typeof who === 'string' ? who : who.role}`);
    const p = await h.as(who === 'supervisor' ? supervisor : who, { method: 'POST', url: api(`/rankings/${draft.id}/publish`) });
    t.equal(p.statusCode, 403, `publish as ${typeof who === 'string' ? who : who.role}`);
  }
  t.equal((await h.as('anonymous', { method: 'POST', url: api(`/cycles/${w.cycle.id}/rankings`) })).statusCode, 401);
  t.equal((await h.as('anonymous', { method: 'POST', url: api(`/rankings/${draft.id}/publish`) })).statusCode, 401);
});

t.test('drafts are invisible to department, unit, supervisor, integration and the public', async (t) => {
  for (const who of [department, unitStaff, supervisor, 'integration'] as const) {
    t.equal((await h.as(who, { method: 'GET', url: api(`/rankings/${draft.id}`) })).statusCode, 404);
    t.equal((await h.as(who, { method: 'GET', url: api(`/rankings/${draft.id}/entries`) })).statusCode, 404);
    t.equal((await h.as(who, { method: 'GET', url: api(`/rankings/${draft.id}/entries/${u.forestStation.id}/explanation`) })).statusCode, 404);
    t.equal((await h.as(who, { method: 'GET', url: api(`/rankings/${draft.id}/export.csv`) })).statusCode, 404);
    const list = (await h.as(who, { method: 'GET', url: api(`/cycles/${w.cycle.id}/rankings`) })).json();
    t.same(list.items, [], 'no published ranking yet');
  }
  t.equal((await h.as('anonymous', { method: 'GET', url: api(`/public/rankings/${draft.id}`) })).statusCode, 404);
  t.equal((await h.as('anonymous', { method: 'GET', url: api(`/rankings/${draft.id}/entries/${u.forestStation.id}/explanation`) })).statusCode, 404);
  t.equal((await h.as('anonymous', { method: 'GET', url: api(`/rankings/${draft.id}`) })).statusCode, 401);
  const staff = (await h.as('inspector', { method: 'GET', url: api(`/cycles/${w.cycle.id}/rankings`) })).json();
  t.ok(staff.items.some((r: RankingDto) => r.id === draft.id), 'inspectors see drafts');
});

// Subtests run in order after this file's top level: the ones below work on version 1 published here.
let v1: RankingDto;
let v1Entries: RankingEntryDto[];

t.test('publishing makes version 1, with an audit entry and a webhook event in the outbox', async (t) => {
  const res = await h.as('admin', { method: 'POST', url: api(`/rankings/${draft.id}/publish`), payload: {} });
  t.equal(res.statusCode, 200, res.body);
  v1 = res.json();
  v1Entries = await entries(v1.id);
  t.equal(v1.status, 'published');
  t.equal(v1.publicationVersion, 1);
  t.ok(v1.publishedAt);
  const log = (await h.as('admin', { method: 'GET', url: api(`/audit-log?entityType=ranking&entityId=${v1.id}`) })).json();
  t.same(
    log.items.map((e: { action: string }) => e.action),
    ['ranking.computed', 'ranking.published'],
  );
  const events = await h.sql<{ payload: Record<string, unknown> }>(`select payload from outbox_events where type = 'ranking.published'`);
  t.same(events.map((e) => e.payload), [{ rankingId: v1.id, cycleId: w.cycle.id, publicationVersion: 1 }]);
});

t.test('a published ranking cannot be published again', async (t) => {
  const res = await h.as('admin', { method: 'POST', url: api(`/rankings/${v1.id}/publish`) });
  t.equal(res.statusCode, 409, res.body);
  t.equal(res.json().code, 'ranking_already_published');
});

t.test('computing and publishing again makes version 2, a correction of version 1 with its reason; version 1 stays readable and unchanged', async (t) => {
  await w.rows.ratings(u.forestPolice.id, 5, 500);
  const d2 = await compute();
  const v2 = (await h.as('admin', { method: 'POST', url: api(`/rankings/${d2.id}/publish`), payload: { reason: '补录评价后重新计算' } })).json();
  t.equal(v2.publicationVersion, 2);
  t.equal(v2.supersedes, v1.id);
  t.equal(v2.correctionReason, '补录评价后重新计算');
  const again = (await h.as('admin', { method: 'GET', url: api(`/rankings/${v1.id}`) })).json();
  t.equal(again.publicationVersion, 1);
  t.same(again.inputCounts, v1.inputCounts);
  t.same(await entries(v1.id), v1Entries);
  const v2List = byUnit(await entries(v2.id));
  t.equal(v2List[u.forestPolice.id].samples.ratings, 520);
  t.ok(v2List[u.forestPolice.id].score > byUnit(v1Entries)[u.forestPolice.id].score, 'the new ratings raised its score in version 2 only');
  t.same(v2List[u.forestPolice.id].flags, [], 'no longer short of ratings');
  const pubRes = await h.as('anonymous', { method: 'GET', url: api(`/public/cycles/${w.cycle.id}/rankings`) });
  t.equal(pubRes.statusCode, 200, pubRes.body);
  const pub = pubRes.json();
  t.same(
    pub.items.map((r: RankingDto) => r.publicationVersion),
    [1, 2],
  );
  t.equal(pub.items[0].computedBy, null, 'who computed is for the office only');
});

t.test('the database refuses to change or delete a published ranking or its entries', async (t) => {
  await t.rejects(h.sql(`update ranking_entries set score = 100 where ranking_id = $1`, [v1.id]), /immutable/);
  await t.rejects(h.sql(`delete from ranking_entries where ranking_id = $1`, [v1.id]), /immutable/);
  await t.rejects(h.sql(`update rankings set formula_version = 'X' where id = $1`, [v1.id]), /immutable/);
  await t.rejects(h.sql(`delete from rankings where id = $1`, [v1.id]), /immutable/);
  await t.rejects(
    h.sql(
      // a complete, otherwise valid row (a unit new to the ranking, a free position): only immutability refuses it
      `with u as (insert into units (id, department_id, region_id, category, name)
                  select gen_random_uuid(), department_id, region_id, category, 'inserted later' from units limit 1 returning *)
       insert into ranking_entries (ranking_id, unit_id, unit_name, department_id, region_id, category, rank, position, score, components, ratings, scorecards, reports)
       select $1, u.id, u.name, u.department_id, u.region_id, u.category, null, 99, 0, '{}', 0, 0, 0 from u`,
      [v1.id],
    ),
    /immutable/,
  );
  const [{ n }] = await h.sql<{ n: number }>(`select count(*)::int as n from ranking_entries where ranking_id = $1 and score = 100`, [v1.id]);
  t.equal(n, 0);
  // checked per statement: one published row among draft rows refuses the whole statement, and nothing of it stays
  const fresh = await compute();
  await t.rejects(h.sql(`update ranking_entries set score = 100 where ranking_id in ($1, $2)`, [fresh.id, v1.id]), /immutable/);
  await t.rejects(h.sql(`delete from ranking_entries where ranking_id in ($1, $2)`, [fresh.id, v1.id]), /immutable/);
  const [{ untouched }] = await h.sql<{ untouched: number }>(`select count(*)::int as untouched from ranking_entries where ranking_id = $1 and score <> 100`, [fresh.id]);
  t.equal(untouched, 5, 'the refused statements left the draft as it was');
  // the computation's own bulk path (COPY inside its transaction on PostgreSQL) is refused for a published ranking too
  const copied = (await h.sql<Record<string, unknown>>(`select * from ranking_entries where ranking_id = $1 order by category, position limit 1`, [fresh.id]))[0];
  const unit = (await h.sql<{ id: string }>(`insert into units (id, department_id, region_id, category, name) values (gen_random_uuid(), $1, $2, $3, 'copied later') returning id`, [copied.department_id, copied.region_id, copied.category]))[0];
  const row = {
    rankingId: v1.id, unitId: unit.id, unitName: 'copied later', departmentId: copied.department_id as string, regionId: copied.region_id as string,
    category: copied.category as RankingEntryDto['category'], rank: null, position: 99, score: 1, components: { notes: ['a\ttab', 'quote " and \\'] }, flags: ['insufficient_sample'], ratings: 0, scorecards: 0, reports: 0,
  };
  await t.rejects(h.app.services.db.transaction((tx) => rankingsRepository.insertEntries(tx, [row])), /immutable/);
  await h.app.services.db.transaction((tx) => rankingsRepository.insertEntries(tx, [{ ...row, rankingId: fresh.id }]));
  const [stored] = await h.sql<{ components: unknown; flags: string[]; rank: number | null }>(`select components, flags, rank from ranking_entries where ranking_id = $1 and unit_id = $2`, [fresh.id, unit.id]);
  t.same(stored, { components: row.components, flags: row.flags, rank: null }, 'the bulk path stores text, arrays and nulls as given');
  // a draft stays editable and deletable
  await h.sql(`update ranking_entries set score = score where ranking_id = $1`, [fresh.id]);
  await h.sql(`delete from ranking_entries where ranking_id = $1`, [fresh.id]);
  await h.sql(`delete from rankings where id = $1`, [fresh.id]);
  await h.sql(`delete from units where id = $1`, [unit.id]);
});

t.test('department, unit and integration roles read published rankings, entries and explanations of all units', async (t) => {
  for (const who of [department, unitStaff, 'integration', supervisor] as const) {
    const list = await entries(v1.id, '', who);
    t.equal(list.length, 5);
    const ex = await h.as(who, { method: 'GET', url: api(`/rankings/${v1.id}/entries/${u.taxAudit.id}/explanation`) });
    t.equal(ex.statusCode, 200);
  }
  const anon = await h.as('anonymous', { method: 'GET', url: api(`/rankings/${v1.id}/entries/${u.taxAudit.id}/explanation`) });
  t.equal(anon.statusCode, 200, 'the public reads explanations of published rankings');
  t.equal(anon.json().publicationVersion, 1);
});

t.test('the public snapshot is cacheable: ETag, Cache-Control immutable, 304 on If-None-Match', async (t) => {
  const res = await h.as('anonymous', { method: 'GET', url: api(`/public/rankings/${v1.id}`) });
  t.equal(res.statusCode, 200, res.body);
  t.equal(res.headers.etag, `"ranking-${v1.id}"`);
  t.match(String(res.headers['cache-control']), /public.*max-age=300.*immutable/);
  const body = res.json();
  t.equal(body.ranking.publicationVersion, 1);
  t.same(body.entries, v1Entries);
  const again = await h.as('anonymous', { method: 'GET', url: api(`/public/rankings/${v1.id}`), headers: { 'if-none-match': `W/"ranking-${v1.id}"` } });
  t.equal(again.statusCode, 304);
  t.equal(again.body, '');
  t.equal(again.headers.etag, `"ranking-${v1.id}"`);
  const other = await h.as('integration', { method: 'GET', url: api(`/public/rankings/${v1.id}`), headers: { 'if-none-match': '"ranking-other"' } });
  t.equal(other.statusCode, 200);
});

t.test('the public ranking pages its entries: limit, cursor, category, region, department, with rankInFilter', async (t) => {
  const get = (q: string) => h.as('anonymous', { method: 'GET', url: api(`/public/rankings/${v1.id}${q}`) });
  const first = await get('?limit=2');
  t.equal(first.statusCode, 200, first.body);
  const p1 = first.json();
  t.equal(p1.total, 5);
  t.same(p1.entries, v1Entries.slice(0, 2));
  t.type(p1.nextCursor, 'string');
  const p2 = (await get(`?limit=2&cursor=${p1.nextCursor}`)).json();
  const p3 = (await get(`?limit=2&cursor=${p2.nextCursor}`)).json();
  t.same([...p1.entries, ...p2.entries, ...p3.entries], v1Entries, 'the pages cover the snapshot once, in order');
  t.equal(p3.nextCursor, null);
  t.not(first.headers.etag, (await get(`?limit=2&cursor=${p1.nextCursor}`)).headers.etag, 'each page has its own ETag');

  const forestry = (await get(`?departmentId=${w.departments.forestry.id}`)).json();
  t.ok(forestry.entries.length > 0);
  t.ok(forestry.entries.every((e: RankingEntryDto) => e.departmentId === w.departments.forestry.id));
  const byCategory = (await get(`?category=${forestry.entries[0].category}`)).json();
  t.same(byCategory.entries, v1Entries.filter((e) => e.category === forestry.entries[0].category));
  const region = forestry.entries[0].regionId;
  const inRegion = (await get(`?regionId=${region}`)).json();
  t.ok(inRegion.entries.some((e: RankingEntryDto) => e.unitId === forestry.entries[0].unitId));
  t.ok(inRegion.entries.every((e: RankingEntryDto) => e.regionId === region), 'a leaf region holds only its own units');
  const flagged = (await get('?flag=insufficient_sample')).json();
  t.ok(flagged.entries.length > 0);
  t.ok(
    flagged.entries.every((e: RankingEntryDto) => e.rank === null && e.rankInFilter === null),
    'an entry under the minimum sample has no place in any filter',
  );
  const county = (await get(`?regionId=${w.regions.countyA.id}`)).json();
  t.same(
    county.entries.map((e: RankingEntryDto) => [e.unitId, e.rankInFilter]),
    [
      [u.forestStation.id, 1],
      [u.forestPolice.id, null],
      [u.taxHallA.id, null],
    ],
    'rankInFilter counts the ranked entries within the filter only',
  );

  for (const [q, code] of [['?limit=201', 'validation_failed'], ['?cursor=bm9wZQ', 'invalid_cursor'], ['?cursor=eyJrIjo5OX0', 'invalid_cursor'], ['?regionId=not-a-uuid', 'validation_failed']] as const) {
    const bad = await get(q);
    t.equal(bad.statusCode, 400, q);
    t.equal(bad.json().code, code, q);
  }
  t.equal((await get('?limit=2&regionId=01900000-0000-7000-8000-000000000099')).statusCode, 422, 'an unknown region is named');
});

t.test('public pages are compressed for clients that ask, each encoding its own strong ETag, 304 for any of them', async (t) => {
  const { gunzipSync, brotliDecompressSync } = await import('node:zlib');
  const url = api(`/public/rankings/${v1.id}/snapshot.json`);
  const plain = await h.as('anonymous', { method: 'GET', url });
  t.equal(plain.statusCode, 200);
  t.equal(plain.headers['content-encoding'], undefined);
  t.same(plain.json().entries, v1Entries, 'the download holds every entry');
  t.match(String(plain.headers.vary), /accept-encoding/i);
  const gz = await h.as('anonymous', { method: 'GET', url, headers: { 'accept-encoding': 'gzip' } });
  t.equal(gz.headers['content-encoding'], 'gzip');
  t.same(JSON.parse(gunzipSync(gz.rawPayload).toString()), plain.json());
  const br = await h.as('anonymous', { method: 'GET', url, headers: { 'accept-encoding': 'gzip;q=0.5, br' } });
  t.equal(br.headers['content-encoding'], 'br');
  t.same(JSON.parse(brotliDecompressSync(br.rawPayload).toString()), plain.json());
  t.ok(br.rawPayload.length < plain.rawPayload.length);
  const tags = new Set([plain.headers.etag, gz.headers.etag, br.headers.etag]);
  t.equal(tags.size, 3, 'one strong ETag per representation');
  const none = await h.as('anonymous', { method: 'GET', url, headers: { 'accept-encoding': 'br;q=0, gzip;q=0' } });
  t.equal(none.headers['content-encoding'], undefined, 'q=0 refuses a coding');
  const notModified = await h.as('anonymous', { method: 'GET', url, headers: { 'accept-encoding': 'br', 'if-none-match': String(gz.headers.etag) } });
  t.equal(notModified.statusCode, 304, 'If-None-Match compares weakly across encodings');
});

t.test('reads of a cached published snapshot are not rate-limited; other public reads are', async (t) => {
  const limited = await setup(t, { config: { RATE_LIMIT_ANONYMOUS_PER_MINUTE: 3 } });
  const lw = await scoredWorld(limited);
  const made = await limited.as('admin', { method: 'POST', url: api(`/cycles/${lw.cycle.id}/rankings`) });
  const id = made.json().id;
  t.equal((await limited.as('admin', { method: 'POST', url: api(`/rankings/${id}/publish`) })).statusCode, 200);
  t.equal((await limited.as('anonymous', { method: 'GET', url: api(`/public/rankings/${id}`) })).statusCode, 200, 'the first read fills the cache (and counts)');
  for (let i = 0; i < 10; i++) t.equal((await limited.as('anonymous', { method: 'GET', url: api(`/public/rankings/${id}?limit=${i + 1}`) })).statusCode, 200);
  const statuses = [];
  for (let i = 0; i < 4; i++) statuses.push((await limited.as('anonymous', { method: 'GET', url: api(`/public/units/${lw.units.forestStation.id}`) })).statusCode);
  t.equal(statuses.at(-1), 429, 'the anonymous limit still holds elsewhere');
});

t.test('a published snapshot is served from memory after the first read', { skip: onPglite && 'counts statements on PostgreSQL only' }, async (t) => {
  t.ok(h.app.services.rankings.isCached(v1.id));
  const { result, queries } = await h.countQueries(() => h.app.services.rankings.publicSnapshot(v1.id));
  t.equal(queries, 0);
  t.equal(result.entries.length, 5);
  const page = await h.countQueries(() => h.as('anonymous', { method: 'GET', url: api(`/public/rankings/${v1.id}?limit=3&category=${v1Entries[0].category}`) }));
  t.equal(page.queries, 0, 'a page of a cached snapshot reads nothing');
  t.equal(page.result.statusCode, 200);
});

t.test('a repeated public page URL is answered with the same bytes and validators; a refused URL stays refused', async (t) => {
  const url = api(`/public/rankings/${v1.id}?limit=2&category=${v1Entries[0].category}`);
  const first = await h.as('anonymous', { method: 'GET', url, headers: { 'accept-encoding': 'gzip' } });
  const again = await h.as('anonymous', { method: 'GET', url, headers: { 'accept-encoding': 'gzip' } });
  t.equal(again.statusCode, 200);
  t.equal(again.headers.etag, first.headers.etag);
  t.equal(again.headers['content-encoding'], 'gzip');
  t.equal(again.headers['cache-control'], first.headers['cache-control']);
  t.same(again.rawPayload, first.rawPayload);
  const plain = await h.as('anonymous', { method: 'GET', url });
  t.equal(plain.headers['content-encoding'], undefined, 'the coding still follows each request');
  t.same(plain.json(), (await h.as('anonymous', { method: 'GET', url, headers: { 'accept-encoding': 'identity' } })).json());
  const notModified = await h.as('anonymous', { method: 'GET', url, headers: { 'if-none-match': String(first.headers.etag) } });
  t.equal(notModified.statusCode, 304);
  for (let i = 0; i < 2; i++) {
    const bad = await h.as('anonymous', { method: 'GET', url: api(`/public/rankings/${v1.id}?limit=500`) });
    t.equal(bad.statusCode, 400, `a refused URL is refused every time (${i + 1})`);
  }
});

t.test('the CSV export starts with the BOM and has a Chinese and English header', async (t) => {
  const res = await h.as(department, { method: 'GET', url: api(`/rankings/${v1.id}/export.csv`) });
  t.equal(res.statusCode, 200);
  t.match(String(res.headers['content-type']), /^text\/csv; charset=utf-8/);
  t.match(String(res.headers['content-disposition']), /-v1\.csv"/);
  t.equal(res.rawPayload.subarray(0, 3).toString('hex'), 'efbbbf', 'UTF-8 BOM');
  const lines = res.body.replace(/^\uFEFF/, '').trim().split('\r\n');
  t.match(lines[0], /^类别 Category,类别排名 Rank,单位 Unit,部门 Department/);
  t.equal(lines.length, 6);
  t.match(lines[1], /^行政执法,1,汪营林业站,州林业局,汪营镇,82\.57,/);
});

t.test('the XLSX export has the same rows as the CSV, numbers as numbers', async (t) => {
  const { sheetRows } = await import('./xlsx-reader.js');
  const res = await h.as(department, { method: 'GET', url: api(`/rankings/${v1.id}/export.xlsx`) });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  t.match(String(res.headers['content-disposition']), /-v1\.xlsx"/);
  const rows = sheetRows(res.rawPayload);
  t.equal(rows.length, 6);
  t.match(rows[0].slice(0, 4), ['类别 Category', '类别排名 Rank', '单位 Unit', '部门 Department']);
  t.match(rows[1].slice(0, 6), ['行政执法', 1, '汪营林业站', '州林业局', '汪营镇', 82.57]);
  t.equal((await h.as('anonymous', { method: 'GET', url: api(`/rankings/${v1.id}/export.xlsx`) })).statusCode, 401);
});

t.test('a ranking computed by a service call is audited with the acting subject', async (t) => {
  const r = await h.app.services.rankings.compute(systemContext('scheduler'), w.cycle.id);
  const [row] = await h.sql<{ actor: string; action: string }>(`select actor, action from audit_log where entity_id = $1`, [r.id]);
  t.same(row, { actor: 'system', action: 'ranking.computed' });
});

t.test('the OpenAPI document describes the ranking routes, the public ones without security', async (t) => {
  const doc = (await h.as('anonymous', { method: 'GET', url: '/openapi.json' })).json();
  t.ok(doc.paths['/api/v1/cycles/{cycleId}/rankings'].post);
  t.ok(doc.paths['/api/v1/rankings/{id}/entries'].get);
  t.ok(doc.paths['/api/v1/rankings/{id}/export.csv'].get);
  t.same(doc.paths['/api/v1/public/rankings/{id}'].get.security, []);
  t.ok(doc.components.schemas.ScoreExplanation);
  t.ok(doc.components.schemas.ScoringSettings);
});

t.test('a higher-level commendation recorded for the cycle raises the unit\'s bonus in the next computation', async (t) => {
  const res = await h.as('admin', {
    method: 'POST',
    url: api('/commendations'),
    payload: { unitId: u.taxHallA.id, cycleId: w.cycle.id, level: 'provincial_department', title: '省税务系统文明窗口', conferredBy: '省国税局', conferredOn: '2024-06-01' },
  });
  t.equal(res.statusCode, 201, res.body);
  const before = (await h.as('admin', { method: 'GET', url: api(`/rankings/${draft.id}/entries/${u.taxHallA.id}/explanation`) })).json() as ScoreExplanationDto;
  const again = await compute();
  t.equal(again.inputCounts.commendations, 1);
  const after = (await h.as('admin', { method: 'GET', url: api(`/rankings/${again.id}/entries/${u.taxHallA.id}/explanation`) })).json() as ScoreExplanationDto;
  t.equal(after.bonus.commendations.count, 1);
  t.ok(after.bonus.total >= before.bonus.total);
  t.equal(after.bonus.total, Math.min(after.bonus.cap, before.bonus.uncapped + 2));
});
