import t from 'tap';
import type { CriteriaDocument } from '../src/db/schema/index.js';
import { checkKeys, scoreScorecard } from '../src/modules/assessments/scoring.js';
import { sampleCriteriaDocument } from './fixtures-criteria.js';

/** Two sections summing to 100, with capped, uncapped and fractional rules, and bonus items. */
const doc: CriteriaDocument = {
  sections: [
    {
      key: 'hardware',
      title: { zhCN: '硬件标准化' },
      items: [
        {
          key: 'signage',
          title: { zhCN: '形象标识' },
          maxPoints: 10,
          checkMethod: 'on_site',
          deductionRules: [
            { key: 'nonstandard', description: '每发现一处扣1分，最多扣5分', pointsPerOccurrence: 1, cap: 5 },
            { key: 'no_plaque', description: '未悬挂标识牌扣8分', pointsPerOccurrence: 8, cap: null },
          ],
        },
        {
          key: 'notice',
          title: { zhCN: '公示' },
          maxPoints: 40,
          checkMethod: 'on_site',
          deductionRules: [{ key: 'fraction', description: '每处扣0.1分', pointsPerOccurrence: 0.1, cap: null }],
        },
      ],
    },
    {
      key: 'software',
      title: { zhCN: '软件标准化' },
      items: [
        {
          key: 'duties',
          title: { zhCN: '职责' },
          maxPoints: 50,
          checkMethod: 'documents',
          deductionRules: [{ key: 'tenth', description: '每处扣0.2分', pointsPerOccurrence: 0.2, cap: 1 }],
        },
      ],
    },
  ],
  bonusItems: [
    { key: 'praise', description: '受到上级表彰加2分', maxPoints: 2 },
    { key: 'innovation', description: '服务创新加3分', maxPoints: 3 },
  ],
  bonusCap: 4,
};

t.test('a scorecard without deductions scores every item in full', async (t) => {
  const s = scoreScorecard(doc, [], []);
  t.equal(s.regularTotal, 100);
  t.equal(s.bonusTotal, 0);
  t.equal(s.total, 100);
  t.same(
    s.sections.map((x) => [x.key, x.maxPoints, x.score]),
    [
      ['hardware', 50, 50],
      ['software', 50, 50],
    ],
  );
});

t.test('a rule takes off occurrences times its points, up to its cap', async (t) => {
  const s = scoreScorecard(doc, [{ itemKey: 'signage', ruleKey: 'nonstandard', occurrences: 7 }], []);
  const signage = s.sections[0].items[0];
  t.equal(signage.deductions[0].points, 5, '7 × 1 capped at 5');
  t.equal(signage.score, 5);
  t.equal(s.total, 95);
});

t.test('entries of the same rule share its cap, in list order', async (t) => {
  const s = scoreScorecard(
    doc,
    [
      { itemKey: 'signage', ruleKey: 'nonstandard', occurrences: 3 },
      { itemKey: 'signage', ruleKey: 'nonstandard', occurrences: 4 },
    ],
    [],
  );
  t.same(
    s.sections[0].items[0].deductions.map((d) => d.points),
    [3, 2],
  );
  t.equal(s.sections[0].items[0].score, 5);
});

t.test('an item never goes below 0, and its deductions do not spill into other items', async (t) => {
  const s = scoreScorecard(
    doc,
    [
      { itemKey: 'signage', ruleKey: 'nonstandard', occurrences: 5 },
      { itemKey: 'signage', ruleKey: 'no_plaque', occurrences: 1 },
    ],
    [],
  );
  const signage = s.sections[0].items[0];
  t.equal(signage.deducted, 13);
  t.equal(signage.score, 0);
  t.equal(s.regularTotal, 90);
});

t.test('fractional points add up without float drift (0.1 + 0.2 = 0.3)', async (t) => {
  const s = scoreScorecard(
    doc,
    [
      { itemKey: 'notice', ruleKey: 'fraction', occurrences: 1 },
      { itemKey: 'notice', ruleKey: 'fraction', occurrences: 2 },
      { itemKey: 'duties', ruleKey: 'tenth', occurrences: 1 },
    ],
    [],
  );
  t.equal(s.sections[0].items[1].deducted, 0.3);
  t.equal(s.sections[0].items[1].score, 39.7);
  t.equal(s.sections[1].items[0].score, 49.8);
  t.equal(s.regularTotal, 99.5);
  t.equal(s.total, 99.5);
});

t.test('a capped fractional rule stops exactly at its cap', async (t) => {
  const s = scoreScorecard(doc, [{ itemKey: 'duties', ruleKey: 'tenth', occurrences: 9 }], []);
  t.equal(s.sections[1].items[0].deducted, 1, '9 × 0.2 = 1.8 capped at 1');
  t.equal(s.total, 99);
});

t.test('bonus points are capped per bonus item and in total', async (t) => {
  const one = scoreScorecard(doc, [], [{ bonusKey: 'praise', points: 5 }]);
  t.equal(one.bonuses[0].claimedPoints, 5);
  t.equal(one.bonuses[0].points, 2, 'capped at the item maximum');
  t.equal(one.bonusTotal, 2);
  t.equal(one.total, 102);

  const both = scoreScorecard(
    doc,
    [],
    [
      { bonusKey: 'praise', points: 2 },
      { bonusKey: 'innovation', points: 3 },
    ],
  );
  t.equal(both.bonusTotal, 4, '2 + 3 capped at the bonus cap of 4');
  t.equal(both.total, 104);
});

t.test('total is the regular total plus the bonus total', async (t) => {
  const s = scoreScorecard(doc, [{ itemKey: 'signage', ruleKey: 'no_plaque', occurrences: 1 }], [{ bonusKey: 'innovation', points: 1.5 }]);
  t.equal(s.regularTotal, 92);
  t.equal(s.bonusTotal, 1.5);
  t.equal(s.total, 93.5);
});

t.test('unknown items, rules and bonus items are named by their field', async (t) => {
  const errors = checkKeys(
    doc,
    [
      { itemKey: 'signage', ruleKey: 'nonstandard', occurrences: 1 },
      { itemKey: 'signage', ruleKey: 'fraction', occurrences: 1 },
      { itemKey: 'nope', ruleKey: 'nonstandard', occurrences: 1 },
    ],
    [
      { bonusKey: 'praise', points: 1 },
      { bonusKey: 'praise', points: 1 },
      { bonusKey: 'gold', points: 1 },
    ],
  );
  t.same(
    errors.map((e) => e.field),
    ['deductions.1.ruleKey', 'deductions.2.itemKey', 'bonuses.1.bonusKey', 'bonuses.2.bonusKey'],
  );
});

t.test('the realistic criteria document sums to 100 with nothing deducted', async (t) => {
  t.equal(scoreScorecard(sampleCriteriaDocument, [], []).total, 100);
});
