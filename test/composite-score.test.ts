import t from 'tap';
import {
  bayesianMean,
  bonus,
  bottomCount,
  combine,
  deductions,
  emptyInputs,
  inspectionScore,
  rankWithinCategories,
  ratingStats,
  satisfactionInterval,
  scoreCycle,
  scoreUnit,
  scoringSettings,
} from '../src/modules/rankings/scoring.js';
import type { UnitInputs } from '../src/modules/rankings/scoring.js';

const settings = scoringSettings.parse({});
const weights = { assessment: 0.4, inspection: 0.3, publicSatisfaction: 0.3 };
const minimumSamples = { ratings: 30, scorecards: 1, inspectionReports: 1 };
const unit = (id: string, patch: Partial<UnitInputs> = {}): UnitInputs => ({ ...emptyInputs(id, 'public_service'), ...patch });

t.test('the defaults are formula S1 with the documented parameters', async (t) => {
  t.equal(settings.formulaVersion, 'S1');
  t.equal(settings.priorWeight, 50);
  t.same(settings.levelPoints, { '5': 100, '4': 75, '3': 50, '2': 25, '1': 0 });
  t.same(settings.findingPenalty, { minor: 2, major: 5, serious: 10 });
  t.same(settings.complaintPenalty, { minor: 2, major: 5, serious: 10, unknown: 2 });
  t.equal(settings.overdueProblemPenalty, 3);
  t.equal(settings.bonusCap, 5);
  t.same(settings.bottom, { mode: 'count', value: 5 });
});

t.test('settings given in part keep the defaults for the rest, nested groups included', async (t) => {
  const s = scoringSettings.parse({ priorWeight: 10, levelPoints: { '1': 10 }, bottom: { mode: 'percent' } });
  t.equal(s.priorWeight, 10);
  t.same(s.levelPoints, { '5': 100, '4': 75, '3': 50, '2': 25, '1': 10 });
  t.same(s.bottom, { mode: 'percent', value: 5 });
  t.notOk(scoringSettings.safeParse({ bottom: { mode: 'percent', value: 150 } }).success, 'a percentage above 100 is refused');
});

t.test('a missing component drops out and the other weights are renormalized to sum to 1', async (t) => {
  const c = combine({ assessment: 80, inspection: null, publicSatisfaction: 60 }, weights);
  t.ok(c.renormalized);
  t.equal(c.lines[0].effectiveWeight, 0.4 / 0.7);
  t.equal(c.lines[1].effectiveWeight, 0);
  t.equal(c.lines[2].effectiveWeight, 0.3 / 0.7);
  t.ok(Math.abs(c.base - (80 * 4 + 60 * 3) / 7) < 1e-9);
  const full = combine({ assessment: 80, inspection: 70, publicSatisfaction: 60 }, weights);
  t.notOk(full.renormalized);
  t.ok(Math.abs(full.base - (0.4 * 80 + 0.3 * 70 + 0.3 * 60)) < 1e-9);
});

t.test('the explanation says when weights were renormalized', async (t) => {
  const s = scoreUnit(unit('u', { scorecards: 1, meanScorecardTotal: 80, ratingLevels: [0, 0, 0, 40, 0] }), { settings, weights, minimumSamples, categoryMean: 75 });
  t.ok(s.explanation.renormalized);
  t.match(s.explanation.notes.join('\n'), /missing: inspection \(暗访\); weights renormalized/);
  t.match(s.explanation.notes.join('\n'), /5→100, 4→75, 3→50, 2→25, 1→0/);
});

t.test('with no component at all, the weighted part is 0 and only D and B count', async (t) => {
  const s = scoreUnit(unit('u', { deeds: 5 }), { settings, weights, minimumSamples, categoryMean: null });
  t.equal(s.explanation.base, 0);
  t.equal(s.score, 1);
  t.same(s.flags, ['insufficient_sample']);
});

t.test('Bayesian shrinkage: 3 ratings all level 5 do not outrank 3,000 ratings averaging 4.6', async (t) => {
  // 3,000 ratings: 1,800 at 5 and 1,200 at 4 → mean level 4.6, i.e. 90 points; the rest of the category averages 75
  const big = unit('big', { ratingLevels: [0, 0, 0, 1200, 1800] });
  const small = unit('small', { ratingLevels: [0, 0, 0, 0, 3] });
  const others = Array.from({ length: 20 }, (_, i) => unit(`other-${i}`, { ratingLevels: [0, 0, 0, 100, 0] }));
  const { entries, categoryMeans } = scoreCycle([small, big, ...others], { settings, weights, minimumSamples });
  t.ok(categoryMeans.public_service! < 85, 'the category mean sits below the big unit');
  const byId = Object.fromEntries(entries.map((e) => [e.unitId, e]));
  t.ok(Math.abs(ratingStats(big.ratingLevels, settings.levelPoints).mean! - 90) < 1e-9);
  t.ok(byId.small.explanation.publicSatisfaction.value! < byId.big.explanation.publicSatisfaction.value!, 'shrunk P of the small sample is lower');
  // neither has a scorecard, so neither holds a rank: the list order still puts the big sample first
  t.equal(byId.big.position, 1);
  t.equal(byId.small.position, 2);
  t.same(byId.small.flags, ['insufficient_sample']);
  t.equal(byId.small.rank, null, 'under the minimum sample: no rank');
});

t.test('P is the Bayesian average (n·mean + m·categoryMean)/(n + m); no ratings leaves P missing', async (t) => {
  t.equal(bayesianMean(50, 100, 50, 80), 90);
  t.equal(bayesianMean(0, null, 50, 80), null);
  t.equal(bayesianMean(10, 70, 0, 80), 70, 'a zero prior weight keeps the raw mean');
});

t.test('the 95% interval is mean ± 1.96·sd/√n, clamped to 0–100, and null under 2 ratings', async (t) => {
  const st = ratingStats([0, 0, 0, 5, 5], settings.levelPoints); // five 75s and five 100s
  t.equal(st.mean, 87.5);
  const sd = Math.sqrt((10 * 12.5 ** 2) / 9);
  t.ok(Math.abs(st.sd! - sd) < 1e-9);
  const i = satisfactionInterval(st.n, st.mean, st.sd)!;
  const half = (1.96 * sd) / Math.sqrt(10);
  t.ok(Math.abs(i.low - (87.5 - half)) < 1e-9);
  t.ok(Math.abs(i.high - (87.5 + half)) < 1e-9);
  const high = ratingStats([0, 0, 0, 1, 9], settings.levelPoints); // mean 97.5
  t.equal(satisfactionInterval(high.n, high.mean, high.sd)!.high, 100, 'clamped at 100');
  t.equal(satisfactionInterval(1, 100, null), null);
  const one = ratingStats([0, 0, 0, 0, 1], settings.levelPoints);
  t.equal(one.sd, null);
});

t.test('inspection: (r−1)×25 per rating, minus points per accepted finding, never below 0', async (t) => {
  t.equal(inspectionScore(2, 5, { minor: 1, major: 1, serious: 0 }, settings.findingPenalty).value, 93);
  t.equal(inspectionScore(1, 1.2, { minor: 0, major: 0, serious: 1 }, settings.findingPenalty).value, 0);
  t.equal(inspectionScore(0, null, { minor: 0, major: 0, serious: 0 }, settings.findingPenalty).value, null);
});

t.test('deductions: substantiated complaints by severity (unknown counts as minor) and overdue problems', async (t) => {
  const d = deductions({ minor: 1, major: 1, serious: 1, unknown: 2 }, 2, settings);
  t.equal(d.total, 2 + 5 + 10 + 4 + 6);
  t.same(
    d.complaints.map((l) => [l.key, l.points]),
    [
      ['minor', 2],
      ['major', 5],
      ['serious', 10],
      ['unknown', 4],
    ],
  );
  t.equal(d.overdueProblems.points, 6);
});

t.test('the bonus is capped, and says commendations are not counted while none are recorded', async (t) => {
  const b = bonus(30, null, settings);
  t.equal(b.uncapped, 6);
  t.equal(b.total, 5);
  t.notOk(b.commendationsCounted);
  t.equal(bonus(2, 1, settings).total, 2.4);
  const s = scoreUnit(unit('u', { deeds: 30 }), { settings, weights, minimumSamples, categoryMean: null });
  t.match(s.explanation.notes.join('\n'), /counts deeds only/);
  t.match(s.explanation.notes.join('\n'), /bonus capped at 5/);
});

t.test('ties are broken by more ratings, then by unit id', async (t) => {
  const ranked = rankWithinCategories([
    { unitId: 'b', category: 'x', score: 80, ratings: 10, flags: [] },
    { unitId: 'a', category: 'x', score: 80, ratings: 10, flags: [] },
    { unitId: 'c', category: 'x', score: 80, ratings: 20, flags: [] },
    { unitId: 'd', category: 'y', score: 10, ratings: 0, flags: [] },
  ]);
  t.same(
    ranked.map((r) => [r.unitId, r.rank]),
    [
      ['c', 1],
      ['a', 2],
      ['b', 3],
      ['d', 1],
    ],
  );
});

t.test('a rank is earned only with sufficient samples: flagged units are listed after the ranked, with no rank', async (t) => {
  const flagged = ['insufficient_sample' as const];
  const placed = rankWithinCategories([
    { unitId: 'a', category: 'x', score: 90, ratings: 3, flags: flagged },
    { unitId: 'b', category: 'x', score: 70, ratings: 40, flags: [] },
    { unitId: 'c', category: 'x', score: 60, ratings: 40, flags: [] },
    { unitId: 'd', category: 'x', score: 95, ratings: 2, flags: flagged },
    { unitId: 'e', category: 'y', score: 50, ratings: 1, flags: flagged },
    { unitId: 'f', category: 'y', score: 40, ratings: 1, flags: flagged },
  ]);
  t.same(
    placed.map((r) => [r.unitId, r.rank, r.position]),
    [
      ['b', 1, 1],
      ['c', 2, 2],
      ['d', null, 3],
      ['a', null, 4],
      ['e', null, 1],
      ['f', null, 2],
    ],
    'a category where every unit is under the minimum sample has no ranks at all',
  );
});

t.test('a unit under any minimum sample is flagged insufficient_sample', async (t) => {
  const ok = unit('ok', { scorecards: 1, meanScorecardTotal: 80, reports: 1, meanReportRating: 4, ratingLevels: [0, 0, 0, 30, 0] });
  t.same(scoreUnit(ok, { settings, weights, minimumSamples, categoryMean: 75 }).flags, []);
  t.same(scoreUnit({ ...ok, reports: 0, meanReportRating: null }, { settings, weights, minimumSamples, categoryMean: 75 }).flags, ['insufficient_sample']);
  t.same(scoreUnit({ ...ok, ratingLevels: [0, 0, 0, 29, 0] }, { settings, weights, minimumSamples, categoryMean: 75 }).flags, ['insufficient_sample']);
});

t.test('the bottom list holds N units, or x% rounded up, never more than the category', async (t) => {
  t.equal(bottomCount(700, { mode: 'count', value: 5 }), 5);
  t.equal(bottomCount(3, { mode: 'count', value: 5 }), 3);
  t.equal(bottomCount(701, { mode: 'percent', value: 5 }), 36);
  t.equal(bottomCount(10, { mode: 'percent', value: 0 }), 0);
});
