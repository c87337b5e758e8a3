import { readFile } from 'node:fs/promises';
import t from 'tap';
import { loadDemoData } from '../src/demo/seed.js';
import { setup } from './helper.js';

// `npm start` on a new embedded database loads this set; it must go in whole through the real services, and a
// person looking at it right after start must find a campaign: a closed year with its ranking and honours, and a
// year under way.
const h = await setup(t, { pglite: true });

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const get = async (path: string, who: Parameters<typeof h.as>[0] = 'admin'): Promise<Json> => {
  let res = await h.as(who, { method: 'GET', url: `/api/v1${path}` });
  // Loading blocks the loop of the embedded database for a while: load shedding answers 503 until its next sample.
  for (let i = 0; i < 10 && res.statusCode === 503; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    res = await h.as(who, { method: 'GET', url: `/api/v1${path}` });
  }
  if (res.statusCode !== 200) throw new Error(`GET ${path}: ${res.statusCode} ${res.body}`);
  return res.json();
};

const counts = await loadDemoData(h.app.services);
const cycles: Json[] = (await get('/cycles')).items;
const earlier = cycles.find((c) => c.year === 2025);
const current = cycles.find((c) => c.year === 2026);

t.test('the demo data set loads through the services and is labelled as demo data', async (t) => {
  t.same(counts, { regions: 9, departments: 10, units: 50, cycles: 2, criteriaSets: 6, enrollments: 100 });
  const units = (await get('/units?limit=200')).items;
  t.equal(units.length, 50);
  t.ok(units.every((u: { name: string }) => u.name.startsWith('【演示】')));
  t.equal(new Set(units.map((u: { category: string }) => u.category)).size, 3, 'all three categories');
  t.ok(cycles.every((c) => c.name.startsWith('【演示】')));
  t.equal((await get('/audit-log/verify')).valid, true, 'every step was audited, and the chain verifies');
});

t.test('the earlier cycle is closed, with a published ranking whose top units hold earned ranks', async (t) => {
  t.equal(earlier.phase, 'closed');
  const versions = (await get(`/public/cycles/${earlier.id}/rankings`, 'anonymous')).items;
  t.equal(versions.length, 1);
  t.equal(versions[0].publicationVersion, 1);
  const snapshot = await get(`/public/rankings/${versions[0].id}`, 'anonymous');
  t.equal(snapshot.entries.length, 50);
  for (const category of ['law_enforcement', 'public_service', 'economic_social_management']) {
    const list = snapshot.entries.filter((e: Json) => e.category === category);
    t.same(list[0].rank, 1, `${category}: the first of the list is ranked 1`);
    t.same(list[0].flags, []);
  }
  const unranked = snapshot.entries.filter((e: Json) => e.rank === null);
  t.ok(unranked.length >= 1 && unranked.length <= 6, `a few units under the minimum sample (${unranked.length})`);
  t.ok(unranked.every((e: Json) => e.flags.includes('insufficient_sample')), 'each unranked unit is flagged');
  t.ok(
    snapshot.entries.filter((e: Json) => e.rank !== null).every((e: Json) => e.flags.length === 0),
    'every rank handed out was earned',
  );
  const bottom = await get(`/rankings/${versions[0].id}/bottom`, 'inspector');
  t.ok(bottom.categories.every((c: Json) => c.entries.every((e: Json) => e.rank !== null)), 'the bottom list names ranked units only');
});

t.test('the award roll shows 十佳 and 百佳, one yellow card and one revoked award with its reason', async (t) => {
  const roll = await get(`/public/cycles/${earlier.id}/award-roll`, 'anonymous');
  const tiers = roll.holders.map((x: Json) => x.tier);
  t.equal(tiers.filter((x: string) => x === 'top10').length, 3, '十佳: three');
  t.equal(tiers.filter((x: string) => x === 'top100').length, 6, '百佳: seven named besides the 十佳, one since revoked');
  t.equal(roll.holders.filter((x: Json) => x.status === 'yellow_card').length, 1, 'one 黄牌');
  t.equal(roll.revoked.length, 1, 'one 摘牌');
  t.match(roll.revoked[0], { tier: 'top100', reason: /^摘牌/ });
  const awards = (await get(`/cycles/${earlier.id}/awards?limit=50`)).items;
  const yellow = awards.find((a: Json) => a.status === 'yellow_card');
  const detail = await get(`/awards/${yellow.id}`);
  t.same(
    detail.transitions.map((x: Json) => [x.from, x.to]),
    [
      ['active', 'rectification_ordered'],
      ['rectification_ordered', 'yellow_card'],
    ],
    'the yellow card came through a rectification order, each move with its reason',
  );
  t.ok(detail.transitions.every((x: Json) => x.reason.length > 0));
});

t.test('the current cycle is in assessment, and a draft ranking computed now hands out earned ranks', async (t) => {
  t.equal(current.phase, 'assessment');
  await get(`/cycles/${current.id}`);
  const res = await h.as('admin', { method: 'POST', url: `/api/v1/cycles/${current.id}/rankings` });
  t.equal(res.statusCode, 201, res.body);
  const draft = res.json();
  t.equal(draft.inputCounts.units, 50);
  t.same([draft.inputCounts.scorecards, draft.inputCounts.reports], [30, 30], 'scorecards and visits of the 30 units assessed so far');
  t.ok(draft.inputCounts.ratings > 500 && draft.inputCounts.complaints >= 1);
  const entries = (await get(`/rankings/${draft.id}/entries?limit=200`)).items;
  const ranked = entries.filter((e: Json) => e.rank !== null);
  t.ok(ranked.length >= 20, `the units assessed so far hold ranks (${ranked.length})`);
  t.ok(ranked.every((e: Json) => e.flags.length === 0 && e.score > 0 && e.samples.scorecards === 1));
  for (const category of ['law_enforcement', 'public_service', 'economic_social_management']) {
    const list = entries.filter((e: Json) => e.category === category);
    const places = list.filter((e: Json) => e.rank !== null).map((e: Json) => e.rank);
    t.same(places, places.map((_: number, i: number) => i + 1), `${category}: ranks 1…k, no gaps, before the unranked`);
    t.ok(list.slice(places.length).every((e: Json) => e.rank === null && e.flags.includes('insufficient_sample')));
  }
  t.ok(new Set(entries.map((e: Json) => e.score)).size > 30, 'scores differ from unit to unit');
});

t.test('the department scoreboard and the statistics have numbers', async (t) => {
  const board = await get(`/cycles/${earlier.id}/department-scoreboard`);
  t.ok(board.items.some((d: Json) => d.bonusPoints > 0), 'named units bring their departments points');
  t.ok(board.items.some((d: Json) => d.penalties.revoked === 1), 'the revocation costs its department');
  const stats = await get(`/statistics?cycleIds=${earlier.id},${current.id}`);
  const f = stats.figures;
  t.equal(f.unitsTakingPart, 50);
  t.equal(f.departmentsCovered, 10);
  t.ok(f.ratings.total > 1000, `ratings ${f.ratings.total}`);
  t.ok(f.complaints.total >= 5 && f.complaints.substantiated >= 3);
  t.equal(f.inspectionTasks.dispatched, 80, '50 visits in 2025, 30 so far in 2026');
  t.equal(f.inspectionReports, 80);
  t.ok(f.problems.found > 0 && f.problems.rectified > 0);
  t.same(f.awards.byStatus, { active: 8, rectification_ordered: 0, yellow_card: 1, revoked: 1 });
});

t.test('the README describes this demo set', async (t) => {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  t.match(readme, /2025年度/);
  t.match(readme, /2026年度/);
  t.match(readme, /黄牌/);
  t.match(readme, /摘牌/);
});
