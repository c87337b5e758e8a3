import t from 'tap';
import { emptyInputs, scoreCycle, scoreUnit, scoringSettings } from '../src/modules/rankings/scoring.js';
import type { UnitInputs } from '../src/modules/rankings/scoring.js';

const weights = { assessment: 0.4, inspection: 0.3, publicSatisfaction: 0.3 };
const minimumSamples = { ratings: 0, scorecards: 1, inspectionReports: 0 };
// Two units alike in everything but how many of their 20 completed cases were on time.
const unit = (id: string, onTime: number): UnitInputs => ({
  ...emptyInputs(id, 'public_service'),
  scorecards: 1,
  meanScorecardTotal: 80,
  cases: { completed: 20, onTime, oneWeek: Math.min(onTime, 15) },
});
const prompt = unit('b-prompt', 19);
const slow = unit('a-slow', 8);

t.test('with its default weight 0, timeliness changes neither the score nor the components', async (t) => {
  const settings = scoringSettings.parse({});
  t.equal(settings.timeliness.weight, 0);
  const a = scoreUnit(prompt, { settings, weights, minimumSamples, categoryMean: null });
  const b = scoreUnit(slow, { settings, weights, minimumSamples, categoryMean: null });
  t.equal(a.score, b.score);
  t.same(a.explanation.components.map((c) => c.key), ['assessment', 'inspection', 'publicSatisfaction']);
  t.match(a.explanation.timeliness, { completed: 20, onTime: 19, onTimeRate: 95, oneWeek: 15, oneWeekRate: 75, weight: 0 }, 'the counts are shown all the same');
  const { entries } = scoreCycle([prompt, slow], { settings, weights, minimumSamples });
  t.same(entries.map((e) => [e.unitId, e.rank]), [['a-slow', 1], ['b-prompt', 2]], 'a tie, broken by unit id');
});

t.test('when the cycle weighs timeliness, the unit that completes on time ranks higher', async (t) => {
  const settings = scoringSettings.parse({ timeliness: { weight: 0.25, minimumCompletedCases: 10 } });
  const { entries } = scoreCycle([prompt, slow], { settings, weights, minimumSamples });
  t.same(entries.map((e) => [e.unitId, e.rank]), [['b-prompt', 1], ['a-slow', 2]]);
  const top = entries[0].explanation;
  const line = top.components.find((c) => c.key === 'timeliness')!;
  t.match(line, { value: 95, present: true, weight: 0.25, label: { zhCN: '限时办结率' } });
  // Weights renormalized over the present components: assessment 0.4 and timeliness 0.25 of 0.65.
  t.ok(Math.abs(top.base - (0.4 * 80 + 0.25 * 95) / 0.65) < 1e-9, `base ${top.base}`);
  t.ok(top.notes.some((n) => n.includes('限时办结率') && n.includes('一周办结 15')));
});

t.test('under its minimum sample of completed cases T is missing, not zero', async (t) => {
  const settings = scoringSettings.parse({ timeliness: { weight: 0.25, minimumCompletedCases: 30 } });
  const s = scoreUnit(prompt, { settings, weights, minimumSamples, categoryMean: null });
  t.equal(s.explanation.timeliness!.value, null);
  t.equal(s.explanation.components.find((c) => c.key === 'timeliness')!.present, false);
  t.equal(s.score, 80, 'the assessment alone, renormalized');
  t.same(s.flags, [], 'a unit without case flow is not held back from ranking');
  const none = scoreUnit({ ...prompt, cases: undefined }, { settings, weights, minimumSamples, categoryMean: null });
  t.match(none.explanation.timeliness, { completed: 0, onTimeRate: null, value: null });
});
