import t from 'tap';
import { publishRanking } from './fixtures-awards.js';
import { cycleInPhase } from './fixtures-cycles.js';
import { referenceWorld } from './fixtures.js';
import { gql, setup } from './helper.js';

/* An accountability action may cite a ranking entry (排名靠后) as its cause; a 通报批评 says how far it goes. */
const h = await setup(t);
const w = await referenceWorld(h);
const { forestStation, forestPolice, taxHallA } = w.units;
const { forestry, tax } = w.departments;
const missing = '0190a000-0000-7000-8000-000000000000';
const cycle = await cycleInPhase(h, 'assessment', [forestStation.id, forestPolice.id, taxHallA.id], '2016年度创建');
const published = await publishRanking(h, cycle.id, [
  { unit: forestStation, score: 90 },
  { unit: forestPolice, score: 60 },
  { unit: taxHallA, score: 70 },
]);
// A draft: computed, never published.
const draft = (await h.as('admin', { method: 'POST', url: `/api/v1/cycles/${cycle.id}/rankings` })).json().id as string;

const body = (over: Record<string, unknown> = {}) => ({
  type: 'interview',
  target: { kind: 'unit', unitId: forestPolice.id },
  reason: '排名靠后，约谈站所负责人',
  decidedAt: '2016-12-20T09:00:00+08:00',
  cause: { type: 'ranking_entry', id: published, unitId: forestPolice.id },
  ...over,
});
const create = (over: Record<string, unknown> = {}) => h.as('admin', { method: 'POST', url: '/api/v1/accountability-actions', payload: body(over) });
const field = async (over: Record<string, unknown>) => {
  const r = await create(over);
  t.equal(r.statusCode, 422, r.body);
  return r.json().errors[0].field as string;
};

t.test('an interview may cite the unit’s entry in a published ranking (排名靠后)', async (t) => {
  const r = await create();
  t.equal(r.statusCode, 201, r.body);
  t.same(r.json().cause, { type: 'ranking_entry', id: published, unitId: forestPolice.id });
  t.same(r.json().relatedCauses, []);
  const listed = await h.as('admin', { method: 'GET', url: `/api/v1/accountability-actions?causeType=ranking_entry&causeId=${published}` });
  t.same(listed.json().items.map((a: { id: string }) => a.id), [r.json().id]);
  // A department leader or the department itself may answer for its unit's place.
  t.equal((await create({ target: { kind: 'department', departmentId: forestry.id } })).statusCode, 201);
  t.equal((await create({ target: { kind: 'person', personName: '周某', personRole: '所长', unitId: forestPolice.id } })).statusCode, 201);
});

t.test('the entry must exist in a published ranking and be about the action’s target', async (t) => {
  t.equal(await field({ cause: { type: 'ranking_entry', id: draft, unitId: forestPolice.id } }), 'cause.id', 'a draft is not a cause');
  t.equal(await field({ cause: { type: 'ranking_entry', id: missing, unitId: forestPolice.id } }), 'cause.id');
  t.equal(await field({ cause: { type: 'ranking_entry', id: published, unitId: w.units.taxAudit.id } }), 'cause.id', 'not enrolled, no entry');
  t.equal(await field({ cause: { type: 'ranking_entry', id: published } }), 'cause.unitId', 'names the unit whose entry');
  t.equal(await field({ cause: { type: 'problem', id: missing, unitId: forestPolice.id } }), 'cause.unitId', 'only a ranking entry names a unit');
  t.equal(await field({ target: { kind: 'unit', unitId: forestStation.id } }), 'target', 'another unit’s entry');
  t.equal(await field({ target: { kind: 'department', departmentId: tax.id } }), 'target', 'another department');
  t.equal(await field({ relatedCauses: [{ type: 'ranking_entry', id: draft, unitId: forestPolice.id }] }), 'relatedCauses.0.id', 'related causes are checked too');
  t.equal((await create({ cause: { type: 'ranking', id: published } })).statusCode, 400);
});

t.test('a notice of criticism (通报批评) carries its scope; no other type does', async (t) => {
  const r = await create({ type: 'notice_of_criticism', scope: 'county', target: { kind: 'person', personName: '县林业局分管领导', departmentId: forestry.id } });
  t.equal(r.statusCode, 201, r.body);
  t.equal(r.json().scope, 'county');
  t.same(r.json().scopeLabel, { zhCN: '全县(市)范围', en: 'County-wide' });
  const prefecture = await create({ type: 'notice_of_criticism', scope: 'prefecture' });
  t.same(prefecture.json().scopeLabel, { zhCN: '全州范围', en: 'Prefecture-wide' });
  const unscoped = await create({ type: 'notice_of_criticism' });
  t.equal(unscoped.statusCode, 201, 'scope left out: not recorded');
  t.equal(unscoped.json().scope, null);
  t.equal(await field({ type: 'interview', scope: 'county' }), 'scope');
  t.equal((await create({ type: 'notice_of_criticism', scope: 'country' })).statusCode, 400);
});

t.test('GraphQL records a ranking-entry cause with its scope, as REST does', async (t) => {
  const m = await gql(
    h,
    'admin',
    `mutation { createAccountabilityAction(input: { type: notice_of_criticism, scope: township, target: { kind: unit, unitId: "${forestPolice.id}" }, reason: "通报", decidedAt: "2016-12-21T00:00:00Z", cause: { type: ranking_entry, id: "${published}", unitId: "${forestPolice.id}" } }) { id scope scopeLabel { zhCN } cause { type id unitId } relatedCauses { id } } }`,
  );
  t.same(m.errors, undefined);
  t.same(m.data!.createAccountabilityAction, {
    id: (m.data!.createAccountabilityAction as { id: string }).id,
    scope: 'township',
    scopeLabel: { zhCN: '全乡(镇)范围' },
    cause: { type: 'ranking_entry', id: published, unitId: forestPolice.id },
    relatedCauses: [],
  });
  const bad = await gql(
    h,
    'admin',
    `mutation { createAccountabilityAction(input: { type: interview, target: { kind: unit, unitId: "${forestStation.id}" }, reason: "x", decidedAt: "2016-12-21T00:00:00Z", cause: { type: ranking_entry, id: "${published}", unitId: "${forestPolice.id}" } }) { id } }`,
  );
  t.equal(bad.errors?.[0].extensions?.errors?.[0].field, 'target');
});
