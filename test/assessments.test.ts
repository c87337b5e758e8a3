import t from 'tap';
import type { CriteriaDocument } from '../src/db/schema/index.js';
import type { TokenClaims } from '../src/lib/keys.js';
import { uuidv7 } from '../src/lib/ids.js';
import { referenceWorld } from './fixtures.js';
import { gql, setup } from './helper.js';
import type { TestApp } from './helper.js';

const h = await setup(t);
const world = await referenceWorld(h);
const { forestStation, forestPolice, taxHallA, taxHallB, taxAudit } = world.units;

/** A small standard summing to 100: one capped rule, one uncapped, fractional points, bonus items. */
const criteria: CriteriaDocument = {
  sections: [
    {
      key: 'hardware',
      title: { zhCN: '硬件标准化', en: 'Hardware standardization' },
      items: [
        {
          key: 'signage',
          title: { zhCN: '形象标识', en: 'Signage' },
          maxPoints: 10,
          checkMethod: 'on_site',
          deductionRules: [
            { key: 'nonstandard', description: '形象标识不规范，每发现一处扣1分', pointsPerOccurrence: 1, cap: 5 },
            { key: 'no_plaque', description: '未悬挂创建标识牌扣8分', pointsPerOccurrence: 8, cap: null },
          ],
        },
        {
          key: 'notice',
          title: { zhCN: '公示形式', en: 'Public notice' },
          maxPoints: 40,
          checkMethod: 'on_site',
          deductionRules: [{ key: 'missing_item', description: '每缺一项公示内容扣0.5分', pointsPerOccurrence: 0.5, cap: null }],
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
          deductionRules: [{ key: 'unclear', description: '岗位职责不明确，每岗扣2分', pointsPerOccurrence: 2, cap: 6 }],
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

/** Cycles, criteria sets and enrollments inserted directly (the cycle modules are built alongside). */
async function insertCycle(h: TestApp, phase: string, name: string) {
  const id = uuidv7();
  const settings = {
    weights: { assessment: 0.4, inspection: 0.3, publicSatisfaction: 0.3 },
    quotas: { top100: 100, top10: 10, perCategory: null },
    minimumSamples: { ratings: 30, scorecards: 1, inspectionReports: 1 },
    deadlines: { enrollmentEndsAt: null, assessmentEndsAt: null, rankingAt: null, namingAt: null },
  };
  await h.sql(`insert into cycles (id, name, year, phase, settings) values ($1, $2, 2016, $3, $4)`, [id, name, phase, JSON.stringify(settings)]);
  return id;
}
async function insertCriteria(h: TestApp, cycleId: string, category: string, revision: number, document: CriteriaDocument) {
  const id = uuidv7();
  await h.sql(`insert into criteria_sets (id, cycle_id, category, revision, document, created_by) values ($1, $2, $3, $4, $5, 'admin:local')`, [
    id,
    cycleId,
    category,
    revision,
    JSON.stringify(document),
  ]);
  return id;
}
async function enroll(h: TestApp, cycleId: string, unit: { id: string; category: string }, status = 'enrolled') {
  await h.sql(`insert into enrollments (id, cycle_id, unit_id, category, status) values ($1, $2, $3, $4, $5)`, [uuidv7(), cycleId, unit.id, unit.category, status]);
}

const cycleId = await insertCycle(h, 'assessment', '2016年度百佳创建');
const enrollingCycleId = await insertCycle(h, 'enrollment', '2017年度百佳创建');
const olderLawCriteria = await insertCriteria(h, cycleId, 'law_enforcement', 1, { ...criteria, bonusCap: 1 });
const lawCriteria = await insertCriteria(h, cycleId, 'law_enforcement', 2, criteria);
await insertCriteria(h, cycleId, 'public_service', 1, criteria);
await insertCriteria(h, enrollingCycleId, 'law_enforcement', 1, criteria);
await enroll(h, cycleId, forestStation);
await enroll(h, cycleId, forestPolice, 'withdrawn');
await enroll(h, cycleId, taxHallA);
await enroll(h, cycleId, taxHallB);
await enroll(h, enrollingCycleId, forestStation);

const li: TokenClaims = { role: 'inspector', subject: 'inspector-li-ming' };
const wang: TokenClaims = { role: 'inspector', subject: 'inspector-wang-fang' };
const forestryManager: TokenClaims = { role: 'department', departmentId: world.departments.forestry.id };
const taxManager: TokenClaims = { role: 'department', departmentId: world.departments.tax.id };
const stationStaff: TokenClaims = { role: 'unit', unitId: forestStation.id };
const supervisor: TokenClaims = { role: 'supervisor', supervisorId: uuidv7() };

type Who = Parameters<TestApp['as']>[0];
interface Detail {
  id: string;
  version: number;
  status: string;
  total: number;
  regularTotal: number;
  bonusTotal: number;
  inspectorSubject: string;
  returnedReason: string | null;
  criteriaSetId: string;
  sections: { key: string; score: number; items: { key: string; maxPoints: number; deducted: number; score: number; deductions: { points: number; note: string | null }[] }[] }[];
  bonuses: { bonusKey: string; points: number }[];
}

async function open(who: Who = li, unitId = forestStation.id): Promise<Detail> {
  const res = await h.as(who, { method: 'POST', url: '/api/v1/scorecards', payload: { cycleId, unitId, assessedOn: '2016-06-01' } });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json();
}
const put = (who: Who, id: string, what: 'deductions' | 'bonuses', version: number | null, payload: unknown) =>
  h.as(who, {
    method: 'PUT',
    url: `/api/v1/scorecards/${id}/${what}`,
    headers: version === null ? {} : { 'if-match': `"${version}"` },
    payload: payload as object,
  });
const move = (who: Who, id: string, verb: 'submit' | 'confirm' | 'return', version: number, payload: object = {}) =>
  h.as(who, { method: 'POST', url: `/api/v1/scorecards/${id}/${verb}`, headers: { 'if-match': `"${version}"` }, payload });

/** Opens, scores and (optionally) moves a scorecard along; returns its last state. */
async function scored(deductions: unknown[], opts: { who?: Who; unitId?: string; to?: 'submitted' | 'confirmed'; bonuses?: unknown[] } = {}): Promise<Detail> {
  const who = opts.who ?? li;
  let s = await open(who, opts.unitId);
  let r = await put(who, s.id, 'deductions', s.version, { deductions });
  if (r.statusCode !== 200) throw new Error(r.body);
  s = r.json();
  if (opts.bonuses) {
    r = await put(who, s.id, 'bonuses', s.version, { bonuses: opts.bonuses });
    s = r.json();
  }
  if (opts.to) {
    s = (await move(who, s.id, 'submit', s.version)).json();
    if (opts.to === 'confirmed') s = (await move('admin', s.id, 'confirm', s.version)).json();
  }
  return s;
}

t.test('an inspector opens a scorecard against the current criteria set of the unit category', async (t) => {
  const res = await h.as(li, { method: 'POST', url: '/api/v1/scorecards', payload: { cycleId, unitId: forestStation.id, summary: '现场检查' } });
  t.equal(res.statusCode, 201, res.body);
  const s = res.json() as Detail & { assessedOn: string; statusLabel: { zhCN: string } };
  t.equal(s.status, 'draft');
  t.equal(s.statusLabel.zhCN, '草稿');
  t.equal(s.inspectorSubject, 'inspector-li-ming');
  t.equal(s.criteriaSetId, lawCriteria, 'the highest revision, not revision 1');
  t.not(s.criteriaSetId, olderLawCriteria);
  t.equal(s.total, 100);
  t.match(s.assessedOn, /^\d{4}-\d{2}-\d{2}$/);
  t.equal(res.headers.etag, '"1"');
  t.same(
    s.sections.map((x) => x.items.map((i) => [i.key, i.maxPoints, i.score])),
    [
      [
        ['signage', 10, 10],
        ['notice', 40, 40],
      ],
      [['duties', 50, 50]],
    ],
  );
});

t.test('a scorecard opens only while the cycle is in assessment', async (t) => {
  const res = await h.as(li, { method: 'POST', url: '/api/v1/scorecards', payload: { cycleId: enrollingCycleId, unitId: forestStation.id } });
  t.equal(res.statusCode, 409);
  t.equal(res.json().code, 'cycle_not_in_assessment');
});

t.test('a scorecard opens only for a unit enrolled in the cycle', async (t) => {
  for (const unitId of [forestPolice.id, taxAudit.id]) {
    const res = await h.as(li, { method: 'POST', url: '/api/v1/scorecards', payload: { cycleId, unitId } });
    t.equal(res.statusCode, 422, res.body);
    t.equal(res.json().errors[0].field, 'unitId');
  }
  const unknownCycle = await h.as(li, { method: 'POST', url: '/api/v1/scorecards', payload: { cycleId: uuidv7(), unitId: forestStation.id } });
  t.equal(unknownCycle.statusCode, 422);
  t.equal(unknownCycle.json().errors[0].field, 'cycleId');
});

t.test('the server computes every score from the deductions; caps and the floor at 0 apply', async (t) => {
  const s = await open();
  const res = await put(li, s.id, 'deductions', s.version, {
    deductions: [
      { itemKey: 'signage', ruleKey: 'nonstandard', occurrences: 7, note: '门牌褪色', evidence: ['https://files.example/p/1.jpg'], score: 99 },
      { itemKey: 'signage', ruleKey: 'no_plaque', occurrences: 1 },
      { itemKey: 'notice', ruleKey: 'missing_item', occurrences: 3 },
      { itemKey: 'duties', ruleKey: 'unclear', occurrences: 10 },
    ],
  });
  t.equal(res.statusCode, 200, res.body);
  t.equal(res.headers.etag, '"2"');
  const d = res.json() as Detail;
  const [signage, notice] = d.sections[0].items;
  t.same(
    signage.deductions.map((x) => x.points),
    [5, 8],
    'nonstandard capped at 5',
  );
  t.equal(signage.deducted, 13);
  t.equal(signage.score, 0, 'an item never goes below 0');
  t.equal(signage.deductions[0].note, '门牌褪色');
  t.equal(notice.score, 38.5);
  t.equal(d.sections[1].items[0].score, 44, 'duties capped at 6');
  t.equal(d.regularTotal, 82.5);
  t.equal(d.total, 82.5);
  const [stored] = await h.sql<{ total: string }>('select total from scorecards where id = $1', [s.id]);
  t.equal(Number(stored.total), 82.5, 'the stored total matches the breakdown');
});

t.test('deductions naming an item or rule the criteria set lacks are refused, naming the field', async (t) => {
  const s = await open();
  const res = await put(li, s.id, 'deductions', s.version, {
    deductions: [
      { itemKey: 'signage', ruleKey: 'nonstandard', occurrences: 1 },
      { itemKey: 'signage', ruleKey: 'missing_item', occurrences: 1 },
      { itemKey: 'canteen', ruleKey: 'dirty', occurrences: 1 },
    ],
  });
  t.equal(res.statusCode, 422);
  t.same(
    res.json().errors.map((e: { field: string }) => e.field),
    ['deductions.1.ruleKey', 'deductions.2.itemKey'],
  );
  const after = (await h.as(li, { method: 'GET', url: `/api/v1/scorecards/${s.id}` })).json() as Detail;
  t.equal(after.version, 1, 'nothing was stored');
  t.equal(after.total, 100);
});

t.test('malformed deductions are a 400 naming the field', async (t) => {
  const s = await open();
  const res = await put(li, s.id, 'deductions', s.version, { deductions: [{ itemKey: 'signage', ruleKey: 'nonstandard', occurrences: 0 }] });
  t.equal(res.statusCode, 400);
  t.match(res.json().errors[0].field, /deductions\.0\.occurrences/);
});

t.test('replacing deductions needs the version read: none is 428, a stale one 412', async (t) => {
  const s = await open();
  t.equal((await put(li, s.id, 'deductions', null, { deductions: [] })).statusCode, 428);
  t.equal((await put(li, s.id, 'deductions', s.version, { deductions: [] })).statusCode, 200);
  const stale = await put(li, s.id, 'deductions', s.version, { deductions: [] });
  t.equal(stale.statusCode, 412);
  t.equal(stale.json().code, 'version_mismatch');
});

t.test('bonus items are capped per item and by the bonus cap; unknown ones are refused', async (t) => {
  const s = await scored([{ itemKey: 'notice', ruleKey: 'missing_item', occurrences: 1 }], {
    bonuses: [
      { bonusKey: 'praise', points: 5, note: '省级表彰' },
      { bonusKey: 'innovation', points: 3 },
    ],
  });
  t.same(
    s.bonuses.map((b) => [b.bonusKey, b.points]),
    [
      ['praise', 2],
      ['innovation', 3],
    ],
  );
  t.equal(s.bonusTotal, 4);
  t.equal(s.regularTotal, 99.5);
  t.equal(s.total, 103.5);
  const bad = await put(li, s.id, 'bonuses', s.version, { bonuses: [{ bonusKey: 'gold_medal', points: 1 }] });
  t.equal(bad.statusCode, 422);
  t.equal(bad.json().errors[0].field, 'bonuses.0.bonusKey');
});

t.test("another inspector reads a scorecard but may not change it", async (t) => {
  const s = await open();
  t.equal((await h.as(wang, { method: 'GET', url: `/api/v1/scorecards/${s.id}` })).statusCode, 200);
  const res = await put(wang, s.id, 'deductions', s.version, { deductions: [] });
  t.equal(res.statusCode, 403);
  t.equal((await move(wang, s.id, 'submit', s.version)).statusCode, 403);
  t.equal((await put('admin', s.id, 'deductions', s.version, { deductions: [] })).statusCode, 200, 'the office may correct a draft');
});

t.test('draft → submitted → confirmed; a confirmed scorecard never changes', async (t) => {
  let s = await scored([{ itemKey: 'signage', ruleKey: 'nonstandard', occurrences: 2 }]);
  let r = await move(li, s.id, 'submit', s.version);
  t.equal(r.statusCode, 200, r.body);
  s = r.json();
  t.equal(s.status, 'submitted');
  const edit = await put(li, s.id, 'deductions', s.version, { deductions: [] });
  t.equal(edit.statusCode, 409);
  t.equal(edit.json().code, 'scorecard_not_editable');
  t.equal((await move(li, s.id, 'confirm', s.version)).statusCode, 403, 'an inspector does not confirm');
  r = await move('admin', s.id, 'confirm', s.version);
  t.equal(r.statusCode, 200, r.body);
  s = r.json();
  t.equal(s.status, 'confirmed');
  t.equal(s.total, 98);
  for (const verb of ['confirm', 'return', 'submit'] as const) {
    const again = await move(verb === 'submit' ? li : 'admin', s.id, verb, s.version, verb === 'return' ? { reason: '复核' } : {});
    t.equal(again.statusCode, 409, `${verb} of a confirmed scorecard`);
    t.equal(again.json().code, 'illegal_transition');
  }
  const change = await put('admin', s.id, 'deductions', s.version, { deductions: [] });
  t.equal(change.statusCode, 409, 'not even the office edits a confirmed scorecard');
});

t.test('the office returns a submitted scorecard with a reason; it is a draft again', async (t) => {
  let s = await scored([], { to: 'submitted' });
  t.equal((await move('admin', s.id, 'return', s.version)).statusCode, 400, 'a reason is required');
  const r = await move('admin', s.id, 'return', s.version, { reason: '扣分依据不足，请补充证据' });
  t.equal(r.statusCode, 200, r.body);
  s = r.json();
  t.equal(s.status, 'draft');
  t.equal(s.returnedReason, '扣分依据不足，请补充证据');
  const edit = await put(li, s.id, 'deductions', s.version, { deductions: [{ itemKey: 'duties', ruleKey: 'unclear', occurrences: 1, evidence: ['https://files.example/d.pdf'] }] });
  t.equal(edit.statusCode, 200, 'the inspector can work on it again');
  const draftReturn = await move('admin', s.id, 'return', edit.json().version, { reason: 'x' });
  t.equal(draftReturn.statusCode, 409);
  t.equal(draftReturn.json().code, 'illegal_transition');
  const draftConfirm = await move('admin', s.id, 'confirm', edit.json().version);
  t.equal(draftConfirm.json().code, 'illegal_transition');
});

t.test("the inspector edits a draft's date and summary", async (t) => {
  const s = await open();
  const res = await h.as(li, { method: 'PATCH', url: `/api/v1/scorecards/${s.id}`, headers: { 'if-match': '"1"' }, payload: { assessedOn: '2016-06-03', summary: '整体较好' } });
  t.equal(res.statusCode, 200, res.body);
  t.match(res.json(), { assessedOn: '2016-06-03', summary: '整体较好', version: 2, total: 100 });
  const bad = await h.as(li, { method: 'PATCH', url: `/api/v1/scorecards/${s.id}`, headers: { 'if-match': '"2"' }, payload: { assessedOn: '2016-13-40' } });
  t.equal(bad.statusCode, 400);
});

t.test('a scorecard keeps the criteria set it was opened against', async (t) => {
  const c = await insertCycle(h, 'assessment', '标准修订周期');
  await insertCriteria(h, c, 'public_service', 1, criteria);
  await enroll(h, c, taxHallB);
  const s = (await h.as(li, { method: 'POST', url: '/api/v1/scorecards', payload: { cycleId: c, unitId: taxHallB.id } })).json() as Detail;
  await insertCriteria(h, c, 'public_service', 2, { ...criteria, sections: [criteria.sections[1]] });
  const res = await put(li, s.id, 'deductions', s.version, { deductions: [{ itemKey: 'signage', ruleKey: 'no_plaque', occurrences: 1 }] });
  t.equal(res.statusCode, 200, 'items of its own revision are still accepted');
  t.equal((res.json() as Detail).total, 92);
  const next = (await h.as(li, { method: 'POST', url: '/api/v1/scorecards', payload: { cycleId: c, unitId: taxHallB.id } })).json() as Detail;
  t.not(next.criteriaSetId, s.criteriaSetId, 'a new scorecard takes the newest revision');
});

t.test('once the cycle leaves assessment, scorecards no longer change', async (t) => {
  const c = await insertCycle(h, 'assessment', '临时周期');
  await insertCriteria(h, c, 'public_service', 1, criteria);
  await enroll(h, c, taxHallA);
  const s = (await h.as(li, { method: 'POST', url: '/api/v1/scorecards', payload: { cycleId: c, unitId: taxHallA.id } })).json() as Detail;
  await h.sql(`update cycles set phase = 'ranking' where id = $1`, [c]);
  const res = await put(li, s.id, 'deductions', s.version, { deductions: [] });
  t.equal(res.statusCode, 409);
  t.equal(res.json().code, 'cycle_not_in_assessment');
});

t.test('roles other than inspector and admin may not open, score or move scorecards', async (t) => {
  const s = await open();
  const attempts = (who: Who) => [
    h.as(who, { method: 'POST', url: '/api/v1/scorecards', payload: { cycleId, unitId: forestStation.id } }),
    put(who, s.id, 'deductions', s.version, { deductions: [] }),
    put(who, s.id, 'bonuses', s.version, { bonuses: [] }),
    move(who, s.id, 'submit', s.version),
    move(who, s.id, 'confirm', s.version),
    move(who, s.id, 'return', s.version, { reason: 'x' }),
    h.as(who, { method: 'GET', url: `/api/v1/scorecards/${s.id}` }),
    h.as(who, { method: 'GET', url: '/api/v1/scorecards' }),
  ];
  for (const who of [supervisor, 'integration', stationStaff, forestryManager] as Who[]) {
    const codes = (await Promise.all(attempts(who))).map((r) => r.statusCode);
    t.same(codes, Array(codes.length).fill(403), `${typeof who === 'string' ? who : who.role} is refused`);
  }
  const anon = (await Promise.all(attempts('anonymous'))).map((r) => r.statusCode);
  t.same(anon, Array(anon.length).fill(401));
});

t.test('inspectors list every scorecard; mine=true and filters narrow it', async (t) => {
  const mineByWang = await open(wang, taxHallB.id);
  const all = (await h.as(li, { method: 'GET', url: `/api/v1/scorecards?cycleId=${cycleId}&limit=200` })).json() as { items: Detail[] };
  t.ok(all.items.some((x) => x.id === mineByWang.id), 'li sees wang’s scorecard');
  const mine = (await h.as(wang, { method: 'GET', url: '/api/v1/scorecards?mine=true' })).json() as { items: Detail[] };
  t.ok(mine.items.length >= 1);
  t.ok(mine.items.every((x) => x.inspectorSubject === 'inspector-wang-fang'));
  const byUnit = (await h.as(li, { method: 'GET', url: `/api/v1/scorecards?cycleId=${cycleId}&unitId=${taxHallB.id}&status=draft` })).json() as { items: Detail[] };
  t.same(
    byUnit.items.map((x) => x.id),
    [mineByWang.id],
  );
  t.notOk('sections' in byUnit.items[0], 'the list carries totals, not breakdowns');
});

t.test('only confirmed scorecards count, and the assessment score is their mean', async (t) => {
  await scored([{ itemKey: 'signage', ruleKey: 'no_plaque', occurrences: 1 }, { itemKey: 'duties', ruleKey: 'unclear', occurrences: 1 }], {
    unitId: taxHallA.id,
    to: 'confirmed',
  }); // 90
  await scored([{ itemKey: 'notice', ruleKey: 'missing_item', occurrences: 9 }], { who: wang, unitId: taxHallA.id, to: 'confirmed' }); // 95.5
  await scored([{ itemKey: 'signage', ruleKey: 'no_plaque', occurrences: 1 }], { unitId: taxHallA.id, to: 'submitted' }); // not yet confirmed
  await scored([], { unitId: taxHallA.id }); // draft
  const fb = (await h.as('admin', { method: 'GET', url: `/api/v1/cycles/${cycleId}/units/${taxHallA.id}/assessment-feedback` })).json();
  t.equal(fb.scorecardCount, 2);
  t.equal(fb.assessmentScore, 92.75);
  t.same(
    fb.scorecards.map((s: { total: number }) => s.total),
    [90, 95.5],
  );

  const none = (await h.as('admin', { method: 'GET', url: `/api/v1/cycles/${cycleId}/units/${taxHallB.id}/assessment-feedback` })).json();
  t.equal(none.assessmentScore, null, 'a unit with drafts only has no assessment score');
});

t.test('a unit reads its feedback: every deduction with its reason, and never who assessed it', async (t) => {
  await scored(
    [
      { itemKey: 'signage', ruleKey: 'nonstandard', occurrences: 2, note: '门口标识牌破损', evidence: ['https://files.example/p/2.jpg'] },
      { itemKey: 'duties', ruleKey: 'unclear', occurrences: 1, note: '窗口岗位职责未上墙' },
    ],
    { to: 'confirmed', bonuses: [{ bonusKey: 'praise', points: 1, note: '州级表彰' }] },
  );
  const res = await h.as(stationStaff, { method: 'GET', url: `/api/v1/cycles/${cycleId}/units/${forestStation.id}/assessment-feedback` });
  t.equal(res.statusCode, 200, res.body);
  const fb = res.json();
  t.equal(fb.unitId, forestStation.id);
  t.ok(fb.scorecardCount >= 1);
  const card = fb.scorecards.find((s: { deductions: { note: string }[] }) => s.deductions.some((d) => d.note === '门口标识牌破损'));
  t.equal(card.total, 97);
  t.same(card.deductions[0], {
    sectionTitle: { zhCN: '硬件标准化', en: 'Hardware standardization' },
    itemTitle: { zhCN: '形象标识', en: 'Signage' },
    itemKey: 'signage',
    ruleKey: 'nonstandard',
    ruleDescription: '形象标识不规范，每发现一处扣1分',
    occurrences: 2,
    points: 2,
    note: '门口标识牌破损',
    evidence: ['https://files.example/p/2.jpg'],
  });
  t.same(card.bonuses, [{ bonusKey: 'praise', description: '受到上级表彰加2分', points: 1, note: '州级表彰' }]);
  t.notMatch(res.body, /inspector/i, 'no inspector identity anywhere in the body');

  const other = await h.as(stationStaff, { method: 'GET', url: `/api/v1/cycles/${cycleId}/units/${taxHallA.id}/assessment-feedback` });
  t.equal(other.statusCode, 404, "another unit's feedback is not there for it");
});

t.test("a department reads its units' feedback without the inspector, and not other departments'", async (t) => {
  const own = await h.as(forestryManager, { method: 'GET', url: `/api/v1/cycles/${cycleId}/units/${forestStation.id}/assessment-feedback` });
  t.equal(own.statusCode, 200);
  t.notMatch(own.body, /inspector/i);
  const tax = await h.as(taxManager, { method: 'GET', url: `/api/v1/cycles/${cycleId}/units/${taxHallA.id}/assessment-feedback` });
  t.equal(tax.statusCode, 200);
  t.equal(tax.json().scorecardCount, 2);
  t.notMatch(tax.body, /inspector/i);
  const foreign = await h.as(forestryManager, { method: 'GET', url: `/api/v1/cycles/${cycleId}/units/${taxHallA.id}/assessment-feedback` });
  t.equal(foreign.statusCode, 404);
});

t.test('the office and inspectors see who assessed in the feedback; others are refused', async (t) => {
  const staff = (await h.as(wang, { method: 'GET', url: `/api/v1/cycles/${cycleId}/units/${taxHallA.id}/assessment-feedback` })).json();
  t.same(
    staff.scorecards.map((s: { inspectorSubject: string }) => s.inspectorSubject),
    ['inspector-li-ming', 'inspector-wang-fang'],
  );
  const url = `/api/v1/cycles/${cycleId}/units/${taxHallA.id}/assessment-feedback`;
  t.equal((await h.as(supervisor, { method: 'GET', url })).statusCode, 403);
  t.equal((await h.as('integration', { method: 'GET', url })).statusCode, 403);
  t.equal((await h.as('anonymous', { method: 'GET', url })).statusCode, 401);
  const empty = (await h.as('admin', { method: 'GET', url: `/api/v1/cycles/${cycleId}/units/${taxHallB.id}/assessment-feedback` })).json();
  t.equal(empty.assessmentScore, null);
  t.equal(empty.scorecardCount, 0);
});

t.test('every change of a scorecard is in the audit log', async (t) => {
  const s = await scored([{ itemKey: 'signage', ruleKey: 'nonstandard', occurrences: 1 }], { to: 'confirmed' });
  const log = (await h.as('admin', { method: 'GET', url: `/api/v1/audit-log?entityType=scorecard&entityId=${s.id}` })).json();
  t.same(
    log.items.map((e: { action: string }) => e.action),
    ['scorecard.opened', 'scorecard.deductions_set', 'scorecard.submitted', 'scorecard.confirmed'],
  );
  const set = log.items[1];
  t.equal(set.actor, 'inspector-li-ming');
  t.equal(set.before.total, 100);
  t.equal(set.after.total, 99);
});

const scorecardFields = `id status total regularTotal bonusTotal inspectorSubject
  sections { key score items { key maxPoints deducted score deductions { ruleKey occurrences points note evidence } } }
  bonuses { bonusKey points }`;

t.test('GraphQL returns the same scorecard and feedback as REST', async (t) => {
  const s = await scored([{ itemKey: 'notice', ruleKey: 'missing_item', occurrences: 3, note: '未公示收费标准' }], { bonuses: [{ bonusKey: 'innovation', points: 2 }] });
  const rest = (await h.as(li, { method: 'GET', url: `/api/v1/scorecards/${s.id}` })).json() as Detail;
  const g = await gql(h, li, `query($id: ID!) { scorecard(id: $id) { ${scorecardFields} unit { id name } } }`, { id: s.id });
  t.same(g.errors, undefined);
  const card = g.data!.scorecard as Detail & { unit: { id: string } };
  t.equal(card.total, rest.total);
  t.equal(card.unit.id, forestStation.id);
  const pick = (o: object, keys: string[]) => Object.fromEntries(keys.map((k) => [k, (o as Record<string, unknown>)[k]]));
  const restSections = rest.sections.map((x) => ({
    key: x.key,
    score: x.score,
    items: x.items.map((i) => ({
      ...pick(i, ['key', 'maxPoints', 'deducted', 'score']),
      deductions: i.deductions.map((d) => pick(d, ['ruleKey', 'occurrences', 'points', 'note', 'evidence'])),
    })),
  }));
  t.same(card.sections, restSections);
  t.same(card.bonuses, rest.bonuses.map((b) => ({ bonusKey: b.bonusKey, points: b.points })));

  const restFb = (await h.as(taxManager, { method: 'GET', url: `/api/v1/cycles/${cycleId}/units/${taxHallA.id}/assessment-feedback` })).json();
  const gFb = await gql(
    h,
    taxManager,
    `query($c: ID!, $u: ID!) { assessmentFeedback(cycleId: $c, unitId: $u) { cycleId unitId assessmentScore scorecardCount
      scorecards { id assessedOn total regularTotal bonusTotal summary
        deductions { sectionTitle { zhCN en } itemTitle { zhCN en } itemKey ruleKey ruleDescription occurrences points note evidence }
        bonuses { bonusKey description points note } } } }`,
    { c: cycleId, u: taxHallA.id },
  );
  t.same(gFb.errors, undefined);
  t.same(gFb.data!.assessmentFeedback, restFb);

  const noIdentity = await gql(h, stationStaff, `query($c: ID!, $u: ID!) { assessmentFeedback(cycleId: $c, unitId: $u) { scorecards { inspectorSubject } } }`, {
    c: cycleId,
    u: forestStation.id,
  });
  t.ok(noIdentity.errors?.length, 'the feedback type has no inspector field to ask for');
});

t.test('GraphQL mutations score, refuse unknown keys by field and move the scorecard along', async (t) => {
  const opened = await gql(h, li, `mutation($i: OpenScorecardInput!) { openScorecard(input: $i) { id version total } }`, { i: { cycleId, unitId: forestStation.id } });
  t.same(opened.errors, undefined);
  const { id, version } = opened.data!.openScorecard as { id: string; version: number };
  const bad = await gql(h, li, `mutation($id: ID!, $v: Int!) { setScorecardDeductions(id: $id, version: $v, deductions: [{ itemKey: "signage", ruleKey: "nope", occurrences: 1 }]) { id } }`, {
    id,
    v: version,
  });
  t.equal(bad.errors![0].extensions!.code, 'unknown_criteria_key');
  t.equal(bad.errors![0].extensions!.errors![0].field, 'deductions.0.ruleKey');
  const set = await gql(h, li, `mutation($id: ID!, $v: Int!) { setScorecardDeductions(id: $id, version: $v, deductions: [{ itemKey: "signage", ruleKey: "no_plaque", occurrences: 1 }]) { version total sections { score } } }`, {
    id,
    v: version,
  });
  t.same(set.errors, undefined);
  const after = set.data!.setScorecardDeductions as { version: number; total: number; sections: { score: number }[] };
  t.equal(after.total, 92);
  t.equal(after.sections[0].score, 42);
  const submitted = await gql(h, li, `mutation($id: ID!, $v: Int!) { submitScorecard(id: $id, version: $v) { status version } }`, { id, v: after.version });
  t.equal((submitted.data!.submitScorecard as { status: string }).status, 'submitted');
  const denied = await gql(h, li, `mutation($id: ID!) { confirmScorecard(id: $id, version: 3) { status } }`, { id });
  t.equal(denied.errors![0].extensions!.code, 'forbidden');
  const returned = await gql(h, 'admin', `mutation($id: ID!) { returnScorecard(id: $id, version: 3, reason: "请补充照片") { status returnedReason } }`, { id });
  t.same(returned.data!.returnScorecard, { status: 'draft', returnedReason: '请补充照片' });
  const unitDenied = await gql(h, stationStaff, `{ scorecards { items { id } } }`);
  t.equal(unitDenied.errors![0].extensions!.code, 'forbidden');
});

t.test('listing scorecards with units and breakdowns over GraphQL costs the same number of queries for 2 rows or 8', async (t) => {
  const c = await insertCycle(h, 'assessment', 'N+1 周期');
  await insertCriteria(h, c, 'law_enforcement', 1, criteria);
  await insertCriteria(h, c, 'public_service', 1, criteria);
  for (const u of [forestStation, taxHallA, taxHallB]) await enroll(h, c, u);
  const add = async (unitId: string) => {
    const s = (await h.as(li, { method: 'POST', url: '/api/v1/scorecards', payload: { cycleId: c, unitId } })).json() as Detail;
    await put(li, s.id, 'deductions', s.version, { deductions: [{ itemKey: 'signage', ruleKey: 'nonstandard', occurrences: 1 }] });
  };
  const query = `query($c: ID!) { scorecards(cycleId: $c) { items { id total unit { id name department { id } } ${scorecardFields} bonusCap } } }`;
  const run = async () => {
    const { result, queries } = await h.countQueries(() => gql(h, li, query, { c }));
    t.same(result.errors, undefined);
    return { rows: (result.data!.scorecards as { items: unknown[] }).items.length, queries };
  };
  await add(forestStation.id);
  await add(taxHallA.id);
  const few = await run();
  for (const u of [taxHallB.id, forestStation.id, taxHallA.id, taxHallB.id, forestStation.id, taxHallA.id]) await add(u);
  const many = await run();
  t.equal(few.rows, 2);
  t.equal(many.rows, 8);
  t.equal(many.queries, few.queries, `${few.queries} queries either way`);
});
