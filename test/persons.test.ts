import t from 'tap';
import { systemContext } from '../src/lib/principal.js';
import { namedCycle } from './fixtures-awards.js';
import { referenceWorld } from './fixtures.js';
import { gql, setup } from './helper.js';

const h = await setup(t);
const w = await referenceWorld(h);
const { forestStation, taxHallA } = w.units;
const { forestry, tax } = w.departments;
const missing = '0190a000-0000-7000-8000-000000000000';
const api = (path: string) => `/api/v1${path}`;

const problem = await h.app.services.db.transaction((tx) =>
  h.app.services.problems.openFromSource(tx, systemContext('test'), { unitId: forestStation.id, sourceType: 'manual', severity: 'serious', description: '工作人员吃拿卡要' }),
);

const createPerson = (payload: Record<string, unknown>, who: Parameters<typeof h.as>[0] = 'admin') => h.as(who, { method: 'POST', url: api('/persons'), payload });
const head = (await createPerson({ name: '王某', role: 'unit_head', post: '站长', unitId: forestStation.id, departmentId: forestry.id })).json();

t.test('the office registers unit heads, staff and leaders with where they serve', async (t) => {
  t.equal(head.role, 'unit_head');
  t.same(head.roleLabel, { zhCN: '站所负责人', en: 'Head of unit' });
  t.equal(head.post, '站长');
  t.equal(head.unitId, forestStation.id);
  const leader = await createPerson({ name: '李某', role: 'township_leader', post: '分管副镇长', regionId: w.regions.townA.id });
  t.equal(leader.statusCode, 201, leader.body);
  const deptLeader = await createPerson({ name: '张某', role: 'department_leader', post: '分管副局长', departmentId: forestry.id });
  t.equal(deptLeader.statusCode, 201, deptLeader.body);
  const list = await h.as('admin', { method: 'GET', url: api(`/persons?departmentId=${forestry.id}&limit=50`) });
  t.same(new Set(list.json().items.map((p: { name: string }) => p.name)), new Set(['王某', '张某']));
  const byName = await h.as('admin', { method: 'GET', url: api('/persons?q=李') });
  t.same(byName.json().items.map((p: { name: string }) => p.name), ['李某']);
});

t.test('where a person serves must exist, agree and fit the role', async (t) => {
  const field = async (payload: Record<string, unknown>) => {
    const r = await createPerson(payload);
    t.equal(r.statusCode, 422, r.body);
    return r.json().errors[0].field;
  };
  t.equal(await field({ name: '某', role: 'unit_staff' }), 'unitId');
  t.equal(await field({ name: '某', role: 'department_leader', unitId: forestStation.id }), 'departmentId');
  t.equal(await field({ name: '某', role: 'township_leader' }), 'regionId');
  t.equal(await field({ name: '某', role: 'unit_staff', unitId: missing }), 'unitId');
  t.equal(await field({ name: '某', role: 'unit_staff', unitId: forestStation.id, departmentId: tax.id }), 'departmentId');
  t.equal(await field({ name: '某', role: 'township_leader', regionId: missing }), 'regionId');
  t.equal((await createPerson({ name: '某', role: 'mayor' })).statusCode, 400);
  t.equal((await createPerson({ role: 'unit_staff', unitId: forestStation.id })).statusCode, 400);
});

t.test('persons and their records are the office’s only: never public, no other role', async (t) => {
  const supervisor = { role: 'supervisor' as const, supervisorId: '0190a000-0000-7000-8000-0000000005e1' };
  const others = ['inspector', 'integration', supervisor, { role: 'department' as const, departmentId: forestry.id }, { role: 'unit' as const, unitId: forestStation.id }] as const;
  for (const url of ['/persons', `/persons/${head.id}`, `/persons/${head.id}/record`]) {
    t.equal((await h.as('anonymous', { method: 'GET', url: api(url) })).statusCode, 401, url);
    for (const who of others) t.equal((await h.as(who, { method: 'GET', url: api(url) })).statusCode, 403, `${url} ${typeof who === 'string' ? who : who.role}`);
  }
  for (const who of others) t.equal((await createPerson({ name: '某', role: 'unit_staff', unitId: forestStation.id }, who)).statusCode, 403);
  const stats = await h.as('anonymous', { method: 'GET', url: api('/public/statistics') });
  t.notOk(stats.body.includes('王某'), 'no person in public statistics');
});

t.test('a person’s record joins sanctions, honours and the accountability actions against them', async (t) => {
  const sanction = await h.as('admin', {
    method: 'POST',
    url: api(`/persons/${head.id}/record-items`),
    payload: { kind: 'sanction', type: 'major_demerit', description: '违规收费', decidedAt: '2016-05-01T00:00:00Z', decidedBy: '县纪委' },
  });
  t.equal(sanction.statusCode, 201, sanction.body);
  t.same(sanction.json().typeLabel, { zhCN: '记大过', en: 'Major demerit' });

  // 降职 of the registered person: the action links to the record; name, post and unit come from it.
  const demotion = await h.as('admin', {
    method: 'POST',
    url: api('/accountability-actions'),
    payload: { type: 'demotion', target: { kind: 'person', personId: head.id }, reason: '林业站站长降职处分', decidedAt: '2016-08-01T00:00:00Z', cause: { type: 'problem', id: problem.id } },
  });
  t.equal(demotion.statusCode, 201, demotion.body);
  t.same(demotion.json().target, { kind: 'person', unitId: forestStation.id, departmentId: forestry.id, personName: '王某', personRole: '站长', personId: head.id });
  const interview = await h.as('admin', {
    method: 'POST',
    url: api('/accountability-actions'),
    payload: { type: 'interview', target: { kind: 'person', personId: head.id }, reason: '约谈', decidedAt: '2016-07-01T00:00:00Z', cause: { type: 'problem', id: problem.id } },
  });
  t.equal(interview.statusCode, 201, interview.body);
  const unknown = await h.as('admin', {
    method: 'POST',
    url: api('/accountability-actions'),
    payload: { type: 'interview', target: { kind: 'person', personId: missing }, reason: '约谈', decidedAt: '2016-07-01T00:00:00Z', cause: { type: 'problem', id: problem.id } },
  });
  t.equal(unknown.statusCode, 422);
  t.equal(unknown.json().errors[0].field, 'target.personId');

  const record = await h.as('admin', { method: 'GET', url: api(`/persons/${head.id}/record`) });
  t.equal(record.statusCode, 200, record.body);
  const r = record.json();
  t.equal(r.person.id, head.id);
  t.equal(r.sanctions, 2, 'the recorded 记大过 and the 降职 action');
  t.equal(r.honours, 0);
  t.same(
    r.entries.map((e: { source: string; kind: string; type: string }) => [e.source, e.kind, e.type]),
    [
      ['accountability_action', 'sanction', 'demotion'],
      ['accountability_action', 'accountability', 'interview'],
      ['record_item', 'sanction', 'major_demerit'],
    ],
    'newest first',
  );
  t.equal(r.entries[0].accountabilityActionId, demotion.json().id);
  const byPerson = await h.as('admin', { method: 'GET', url: api(`/accountability-actions?personId=${head.id}`) });
  t.equal(byPerson.json().items.length, 2);
});

t.test('an honour may cite the award of the person’s unit; the award must be theirs', async (t) => {
  const named = await namedCycle(h, { year: 2016, top10: 1, top100: 2, lawCount: 2, pubCount: 0, world: w });
  const [first, second] = named.law;
  const own = named.byName.get(first.name)!.id;
  const other = named.byName.get(second.name)!.id;
  const honoured = (await createPerson({ name: '钱某', role: 'unit_head', post: '所长', unitId: first.id })).json();
  const honour = (payload: Record<string, unknown>) =>
    h.as('admin', { method: 'POST', url: api(`/persons/${honoured.id}/record-items`), payload: { kind: 'honour', description: '十佳群众满意站所', decidedAt: '2016-12-01T00:00:00Z', ...payload } });
  const ok = await honour({ type: 'award', awardId: own });
  t.equal(ok.statusCode, 201, ok.body);
  t.equal(ok.json().awardId, own);
  t.same(ok.json().typeLabel, { zhCN: '命名表彰', en: 'Award of their unit' });
  t.equal((await honour({ type: 'award' })).json().errors[0].field, 'awardId', 'an award honour cites the award');
  t.equal((await honour({ type: 'award', awardId: other })).json().errors[0].field, 'awardId', 'not the person’s unit');
  t.equal((await honour({ type: 'award', awardId: missing })).statusCode, 422);
  t.equal((await honour({ type: 'demotion' })).statusCode, 400, 'a sanction type is not an honour');
  const future = await h.as('admin', { method: 'POST', url: api(`/persons/${honoured.id}/record-items`), payload: { kind: 'sanction', type: 'warning', description: 'x', decidedAt: '2999-01-01T00:00:00Z' } });
  t.equal(future.json().errors[0].field, 'decidedAt');
  const record = (await h.as('admin', { method: 'GET', url: api(`/persons/${honoured.id}/record`) })).json();
  t.same({ honours: record.honours, sanctions: record.sanctions }, { honours: 1, sanctions: 0 });
  t.equal(record.entries[0].awardId, own);
  t.equal((await h.as('admin', { method: 'POST', url: api(`/persons/${missing}/record-items`), payload: { kind: 'sanction', type: 'warning', description: 'x', decidedAt: '2016-01-01T00:00:00Z' } })).statusCode, 404);
});

t.test('updating needs the version; a person with a record is kept, one without can be deleted; all audited', async (t) => {
  const patch = await h.as('admin', { method: 'PATCH', url: api(`/persons/${head.id}`), headers: { 'if-match': `"${head.version}"` }, payload: { post: '副站长' } });
  t.equal(patch.statusCode, 200, patch.body);
  t.equal(patch.json().post, '副站长');
  t.equal((await h.as('admin', { method: 'PATCH', url: api(`/persons/${head.id}`), headers: { 'if-match': `"${head.version}"` }, payload: { post: 'x' } })).statusCode, 412);
  t.equal((await h.as('admin', { method: 'PATCH', url: api(`/persons/${head.id}`), headers: { 'if-match': `"${patch.json().version}"` }, payload: { unitId: null } })).json().errors[0].field, 'unitId');

  const keep = await h.as('admin', { method: 'DELETE', url: api(`/persons/${head.id}`) });
  t.equal(keep.statusCode, 409);
  t.equal(keep.json().code, 'person_has_record');
  const mistaken = (await createPerson({ name: '误录', role: 'unit_staff', unitId: taxHallA.id })).json();
  t.equal((await h.as('admin', { method: 'DELETE', url: api(`/persons/${mistaken.id}`) })).statusCode, 204);
  t.equal((await h.as('admin', { method: 'GET', url: api(`/persons/${mistaken.id}`) })).statusCode, 404);

  const log = await h.as('admin', { method: 'GET', url: api(`/audit-log?entityType=person&entityId=${head.id}`) });
  t.same(log.json().items.map((e: { action: string }) => e.action), ['person.created', 'person.sanction_recorded', 'person.updated']);
  const gone = await h.as('admin', { method: 'GET', url: api(`/audit-log?entityType=person&entityId=${mistaken.id}`) });
  t.same(gone.json().items.map((e: { action: string }) => e.action), ['person.created', 'person.deleted']);
});

t.test('GraphQL reads persons and their record as REST does, loading units in batches; only the office', async (t) => {
  const q = `{ persons(limit: 50) { items { id name role unit { name } department { name } } } personRecord(id: "${head.id}") { sanctions honours entries { source kind type } } }`;
  const g = await h.countQueries(() => gql(h, 'admin', q));
  t.same(g.result.errors, undefined);
  const data = g.result.data as { persons: { items: { id: string; unit: { name: string } | null }[] }; personRecord: { sanctions: number; honours: number } };
  t.equal(data.persons.items.find((p) => p.id === head.id)!.unit!.name, forestStation.name);
  t.same({ sanctions: data.personRecord.sanctions, honours: data.personRecord.honours }, { sanctions: 2, honours: 0 });
  if (g.queries >= 0) t.ok(g.queries <= 8, `${g.queries} queries`);
  const m = await gql(h, 'admin', `mutation { createPerson(input: { name: "赵某", role: unit_staff, unitId: "${taxHallA.id}" }) { id roleLabel { zhCN } } }`);
  t.same(m.errors, undefined);
  const bad = await gql(h, 'admin', `mutation { createPerson(input: { name: "赵某", role: unit_staff }) { id } }`);
  t.equal(bad.errors?.[0].extensions?.errors?.[0].field, 'unitId');
  const denied = await gql(h, 'inspector', `{ personRecord(id: "${head.id}") { sanctions } }`);
  t.equal(denied.errors?.[0].extensions?.code, 'forbidden');
  const item = await gql(h, 'admin', `mutation { addPersonRecordItem(personId: "${head.id}", input: { kind: honour, type: "commendation", description: "通报表扬", decidedAt: "2016-12-02T00:00:00Z" }) { kind typeLabel { zhCN } } }`);
  t.same(item.errors, undefined);
  t.same(item.data!.addPersonRecordItem, { kind: 'honour', typeLabel: { zhCN: '表彰' } });
});
