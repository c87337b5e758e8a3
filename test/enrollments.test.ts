import t from 'tap';
import { systemContext } from '../src/lib/principal.js';
import { gql, onPglite, setup } from './helper.js';
import { referenceWorld } from './fixtures.js';
import { cycleInPhase } from './fixtures-cycles.js';

const h = await setup(t);
const w = await referenceWorld(h);
const u = w.units;

type Who = Parameters<typeof h.as>[0];
const dept = (id: string) => ({ role: 'department' as const, departmentId: id });
const unitRole = (id: string) => ({ role: 'unit' as const, unitId: id });
const OTHER_ROLES: Who[] = ['inspector', 'integration', { role: 'supervisor', supervisorId: u.taxHallA.id }, dept(w.departments.tax.id), unitRole(u.taxHallA.id)];

const enroll = (cycleId: string, unitId: string, who: Who = 'admin') => h.as(who, { method: 'POST', url: `/api/v1/cycles/${cycleId}/enrollments`, payload: { unitId } });
const bulk = (cycleId: string, payload: object, who: Who = 'admin') => h.as(who, { method: 'POST', url: `/api/v1/cycles/${cycleId}/enrollments/bulk`, payload });
const act = (id: string, verb: 'withdraw' | 'disqualify', payload: object, version?: number, who: Who = 'admin') =>
  h.as(who, { method: 'POST', url: `/api/v1/enrollments/${id}/${verb}`, payload, headers: version === undefined ? {} : { 'if-match': `"${version}"` } });
const list = async (cycleId: string, qs = '', who: Who = 'admin') => {
  const res = await h.as(who, { method: 'GET', url: `/api/v1/cycles/${cycleId}/enrollments?limit=200&${qs}` });
  if (res.statusCode !== 200) throw new Error(res.body);
  return res.json().items as { id: string; unitId: string; status: string; category: string }[];
};
const unitIdsOf = async (cycleId: string, qs = '', who: Who = 'admin') => (await list(cycleId, qs, who)).map((e) => e.unitId).sort();
const sorted = (...ids: string[]) => ids.sort();

/** A real complaint to cite as evidence (disqualification checks that cited records exist). */
async function aComplaint(): Promise<string> {
  const res = await h.as('integration', { method: 'POST', url: '/api/v1/complaints', payload: { source: 'hotline', category: 'discipline', subject: '上班玩游戏', description: '工作人员上班时间玩游戏' } });
  return res.json().id;
}

t.test('an admin enrolls a unit; its category is copied and the enrollment audited', async (t) => {
  const c = await cycleInPhase(h, 'enrollment');
  const res = await enroll(c.id, u.taxHallA.id);
  t.equal(res.statusCode, 201, res.body);
  t.equal(res.headers.etag, '"1"');
  const e = res.json();
  t.match(e, { cycleId: c.id, unitId: u.taxHallA.id, category: 'public_service', status: 'enrolled', statusLabel: { zhCN: '参评' }, reason: null, evidence: [] });
  const read = await h.as('inspector', { method: 'GET', url: `/api/v1/enrollments/${e.id}` });
  t.same(read.json(), e);
  const audit = await h.as('admin', { method: 'GET', url: `/api/v1/audit-log?entityType=enrollment&entityId=${e.id}` });
  t.same(audit.json().items.map((a: { action: string }) => a.action), ['enrollment.created']);
  const active = await h.app.services.cycles.activeEnrollment(c.id, u.taxHallA.id);
  t.equal(active?.id, e.id, 'activeEnrollment finds it');
});

t.test('enrolling refuses unknown and deactivated units (422 unitId) and duplicates (409)', async (t) => {
  const c = await cycleInPhase(h, 'draft');
  const unknown = await enroll(c.id, '01900000-0000-7000-8000-000000000000');
  t.equal(unknown.statusCode, 422);
  t.equal(unknown.json().errors[0].field, 'unitId');
  const ctx = systemContext('test');
  const gone = await h.app.services.units.create(ctx, { name: '撤并站所', departmentId: w.departments.tax.id, regionId: w.regions.countyA.id, category: 'public_service' });
  await h.app.services.units.deactivate(ctx, gone.id, 1, '机构撤并');
  const inactive = await enroll(c.id, gone.id);
  t.equal(inactive.statusCode, 422);
  t.equal(inactive.json().errors[0].field, 'unitId');
  t.equal((await enroll(c.id, u.taxHallB.id)).statusCode, 201, 'draft accepts enrollments');
  const again = await enroll(c.id, u.taxHallB.id);
  t.equal(again.statusCode, 409);
  t.equal(again.json().code, 'already_enrolled');
  const noCycle = await enroll('01900000-0000-7000-8000-000000000000', u.taxHallB.id);
  t.equal(noCycle.statusCode, 404);
});

t.test('enrollment closes when assessment starts', async (t) => {
  const c = await cycleInPhase(h, 'assessment', [u.taxHallA.id]);
  const late = await enroll(c.id, u.taxHallB.id);
  t.equal(late.statusCode, 409);
  t.match(late.json(), { code: 'enrollment_closed', phase: 'assessment' });
  const lateBulk = await bulk(c.id, { category: 'public_service' });
  t.equal(lateBulk.json().code, 'enrollment_closed');
  const e = (await list(c.id))[0];
  const withdraw = await act(e.id, 'withdraw', {}, 1);
  t.equal(withdraw.statusCode, 409);
  t.equal(withdraw.json().code, 'enrollment_closed');
});

t.test('bulk enrollment by region takes in units of the regions below it', async (t) => {
  const c = await cycleInPhase(h, 'enrollment');
  const res = await bulk(c.id, { regionId: w.regions.countyA.id });
  t.equal(res.statusCode, 200, res.body);
  t.same(res.json(), { matched: 3, enrolled: 3, reenrolled: 0, alreadyEnrolled: 0, disqualified: 0 });
  t.same(await unitIdsOf(c.id), sorted(u.forestStation.id, u.forestPolice.id, u.taxHallA.id), 'the township station is included');
  const again = await bulk(c.id, { regionId: w.regions.countyA.id });
  t.same(again.json(), { matched: 3, enrolled: 0, reenrolled: 0, alreadyEnrolled: 3, disqualified: 0 });
  const audit = await h.as('admin', { method: 'GET', url: `/api/v1/audit-log?entityType=enrollment&action=enrollment.created&limit=200` });
  const ids = new Set((await list(c.id)).map((e) => e.id));
  t.equal(audit.json().items.filter((a: { entityId: string }) => ids.has(a.entityId)).length, 3, 'one audit entry per new enrollment');
});

t.test('bulk enrollment filters by category, department and unit ids', async (t) => {
  const c = await cycleInPhase(h, 'draft');
  t.same((await bulk(c.id, { category: 'public_service' })).json().enrolled, 2);
  t.same(await unitIdsOf(c.id), sorted(u.taxHallA.id, u.taxHallB.id));
  t.same((await bulk(c.id, { departmentId: w.departments.tax.id })).json(), { matched: 3, enrolled: 1, reenrolled: 0, alreadyEnrolled: 2, disqualified: 0 });
  t.same((await bulk(c.id, { unitIds: [u.forestPolice.id], category: 'public_service' })).json().matched, 0, 'filters combine');
  t.same((await bulk(c.id, { unitIds: [u.forestPolice.id] })).json().enrolled, 1);
  const badRegion = await bulk(c.id, { regionId: '01900000-0000-7000-8000-000000000000' });
  t.equal(badRegion.statusCode, 422);
  t.equal(badRegion.json().errors[0].field, 'regionId');
  const badBody = await bulk(c.id, { unitIds: ['nope'] });
  t.equal(badBody.statusCode, 400);
  t.equal(badBody.json().errors[0].field, 'body.unitIds.0');
});

t.test('a withdrawn unit, with its reason kept, can enroll again one by one or in bulk', async (t) => {
  const c = await cycleInPhase(h, 'enrollment', [u.taxHallA.id, u.taxHallB.id]);
  const [a, b] = await list(c.id);
  const wa = await act(a.id, 'withdraw', { reason: '站所合并' }, 1);
  t.equal(wa.statusCode, 200, wa.body);
  t.match(wa.json(), { status: 'withdrawn', statusLabel: { zhCN: '退出' }, reason: '站所合并', version: 2 });
  t.equal((await act(a.id, 'withdraw', {}, 2)).json().code, 'already_withdrawn');
  t.equal(await h.app.services.cycles.activeEnrollment(c.id, a.unitId), null, 'no longer active');
  const back = await enroll(c.id, a.unitId);
  t.equal(back.statusCode, 201);
  t.match(back.json(), { id: a.id, status: 'enrolled', reason: null, version: 3 });

  await act(b.id, 'withdraw', { version: 1 });
  const res = await bulk(c.id, { category: 'public_service' });
  t.same(res.json(), { matched: 2, enrolled: 0, reenrolled: 1, alreadyEnrolled: 1, disqualified: 0 });
  const audit = await h.as('admin', { method: 'GET', url: `/api/v1/audit-log?entityType=enrollment&entityId=${b.id}` });
  t.same(audit.json().items.map((x: { action: string }) => x.action), ['enrollment.created', 'enrollment.withdrawn', 'enrollment.reenrolled']);
});

t.test('withdrawal needs the version read: stale 412, missing 428', async (t) => {
  const c = await cycleInPhase(h, 'enrollment', [u.taxAudit.id]);
  const [e] = await list(c.id);
  const missing = await act(e.id, 'withdraw', {});
  t.equal(missing.statusCode, 428);
  const stale = await act(e.id, 'withdraw', {}, 7);
  t.equal(stale.statusCode, 412);
  t.equal(stale.json().currentVersion, 1);
});

t.test('取消评比资格: disqualification keeps the reason and evidence, once, from enrollment to naming', async (t) => {
  const draft = await cycleInPhase(h, 'draft', [u.forestStation.id]);
  const [inDraft] = await list(draft.id);
  const early = await act(inDraft.id, 'disqualify', { reason: 'x' }, 1);
  t.equal(early.statusCode, 409);
  t.equal(early.json().code, 'disqualification_closed');

  const c = await cycleInPhase(h, 'assessment', [u.forestStation.id, u.forestPolice.id]);
  const [e] = await list(c.id, `q=${encodeURIComponent('汪营')}`);
  const noReason = await act(e.id, 'disqualify', { evidence: [] }, 1);
  t.equal(noReason.statusCode, 400);
  t.equal(noReason.json().errors[0].field, 'body.reason');
  const badEvidence = await act(e.id, 'disqualify', { reason: 'x', evidence: [{ type: 'rumour', id: e.id }] }, 1);
  t.equal(badEvidence.json().errors[0].field, 'body.evidence.0.type');

  const madeUp = await act(e.id, 'disqualify', { reason: 'x', evidence: [{ type: 'complaint', id: '01900000-0000-7000-8000-0000000000c1' }] }, 1);
  t.equal(madeUp.statusCode, 422, 'cited evidence must exist');
  t.equal(madeUp.json().errors[0].field, 'evidence.0.id');
  const complaintId = await aComplaint();
  const res = await act(e.id, 'disqualify', { reason: '群众投诉查实，发生严重违纪', evidence: [{ type: 'complaint', id: complaintId }] }, 1);
  t.equal(res.statusCode, 200, res.body);
  t.match(res.json(), { status: 'disqualified', statusLabel: { zhCN: '取消评比资格' }, reason: '群众投诉查实，发生严重违纪', evidence: [{ type: 'complaint', id: complaintId }] });
  const twice = await act(e.id, 'disqualify', { reason: 'again' }, 2);
  t.equal(twice.statusCode, 409);
  t.equal(twice.json().code, 'already_disqualified');
  t.equal(await h.app.services.cycles.activeEnrollment(c.id, u.forestStation.id), null);
  const audit = await h.as('admin', { method: 'GET', url: `/api/v1/audit-log?entityType=enrollment&entityId=${e.id}&action=enrollment.disqualified` });
  t.match(audit.json().items[0], { before: { status: 'enrolled' }, after: { status: 'disqualified', reason: '群众投诉查实，发生严重违纪' } });
  t.same(await unitIdsOf(c.id, 'status=disqualified'), [u.forestStation.id]);
});

t.test('a disqualified unit cannot enroll again; bulk leaves it out and says so', async (t) => {
  const c = await cycleInPhase(h, 'enrollment', [u.forestPolice.id]);
  const [e] = await list(c.id);
  t.equal((await act(e.id, 'disqualify', { reason: '弄虚作假' }, 1)).statusCode, 200);
  const single = await enroll(c.id, u.forestPolice.id);
  t.equal(single.statusCode, 409);
  t.equal(single.json().code, 'enrollment_disqualified');
  t.same((await bulk(c.id, { departmentId: w.departments.forestry.id })).json(), { matched: 2, enrolled: 1, reenrolled: 0, alreadyEnrolled: 0, disqualified: 1 });
  t.equal((await act(e.id, 'withdraw', {}, 2)).json().code, 'enrollment_disqualified');
});

t.test('requirePhase tells other modules which phase the cycle is in', async (t) => {
  const c = await cycleInPhase(h, 'ranking', [u.taxAudit.id]);
  await t.rejects(h.app.services.cycles.requirePhase(c.id, ['assessment'], 'cycle_not_in_assessment'), { status: 409, code: 'cycle_not_in_assessment', extra: { phase: 'ranking' } });
  t.equal((await h.app.services.cycles.requirePhase(c.id, ['ranking', 'naming'], 'cycle_not_rankable')).id, c.id);
});

t.test('enrollment writes are admin-only; the public gets 401', async (t) => {
  const c = await cycleInPhase(h, 'enrollment', [u.taxHallA.id]);
  const [e] = await list(c.id);
  for (const who of [...OTHER_ROLES, 'anonymous' as const]) {
    const want = who === 'anonymous' ? 401 : 403;
    const label = JSON.stringify(who);
    t.equal((await enroll(c.id, u.taxHallB.id, who)).statusCode, want, `${label} enroll`);
    t.equal((await bulk(c.id, {}, who)).statusCode, want, `${label} bulk`);
    t.equal((await act(e.id, 'withdraw', {}, 1, who)).statusCode, want, `${label} withdraw`);
    t.equal((await act(e.id, 'disqualify', { reason: 'x' }, 1, who)).statusCode, want, `${label} disqualify`);
  }
  t.same(await unitIdsOf(c.id), [u.taxHallA.id], 'nothing changed');
});

t.test('a department sees only its units’ enrollments, a unit only its own', async (t) => {
  const c = await cycleInPhase(h, 'enrollment', Object.values(u).map((x) => x.id));
  const forestry = dept(w.departments.forestry.id);
  t.same(await unitIdsOf(c.id, '', forestry), sorted(u.forestStation.id, u.forestPolice.id));
  t.same(await unitIdsOf(c.id, `departmentId=${w.departments.tax.id}`, forestry), [], 'asking for another department yields nothing');
  t.same(await unitIdsOf(c.id, '', unitRole(u.taxHallB.id)), [u.taxHallB.id]);
  t.equal((await unitIdsOf(c.id, '', 'inspector')).length, 5);
  const taxEnrollment = (await list(c.id)).find((e) => e.unitId === u.taxHallA.id)!;
  t.equal((await h.as(forestry, { method: 'GET', url: `/api/v1/enrollments/${taxEnrollment.id}` })).statusCode, 404);
  t.equal((await h.as(unitRole(u.taxHallA.id), { method: 'GET', url: `/api/v1/enrollments/${taxEnrollment.id}` })).statusCode, 200);
  t.equal((await h.as('anonymous', { method: 'GET', url: `/api/v1/cycles/${c.id}/enrollments` })).statusCode, 401);
});

t.test('enrollment lists filter by status, category, region, department and unit name', async (t) => {
  const c = await cycleInPhase(h, 'enrollment', Object.values(u).map((x) => x.id));
  const hallB = (await list(c.id)).find((e) => e.unitId === u.taxHallB.id)!;
  await act(hallB.id, 'withdraw', { reason: '主动退出' }, 1);
  t.same(await unitIdsOf(c.id, 'status=withdrawn'), [u.taxHallB.id]);
  t.equal((await unitIdsOf(c.id, 'status=enrolled')).length, 4);
  t.same(await unitIdsOf(c.id, 'category=law_enforcement'), sorted(u.forestStation.id, u.forestPolice.id));
  t.same(await unitIdsOf(c.id, `regionId=${w.regions.countyB.id}`), sorted(u.taxHallB.id, u.taxAudit.id));
  t.same(await unitIdsOf(c.id, `regionId=${w.regions.countyA.id}&category=public_service`), [u.taxHallA.id]);
  t.same(await unitIdsOf(c.id, `departmentId=${w.departments.forestry.id}`), sorted(u.forestStation.id, u.forestPolice.id));
  t.same(await unitIdsOf(c.id, `q=${encodeURIComponent('办税')}`), sorted(u.taxHallA.id, u.taxHallB.id));
  t.equal((await h.as('admin', { method: 'GET', url: `/api/v1/cycles/${c.id}/enrollments?status=gone` })).statusCode, 400);
});

t.test('enrollment pages are stable: every row once, in order', async (t) => {
  const c = await cycleInPhase(h, 'enrollment', Object.values(u).map((x) => x.id));
  const all = (await list(c.id)).map((e) => e.id);
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const qs: string = cursor ? `&cursor=${cursor}` : '';
    const page = (await h.as('admin', { method: 'GET', url: `/api/v1/cycles/${c.id}/enrollments?limit=2${qs}` })).json();
    seen.push(...page.items.map((x: { id: string }) => x.id));
    cursor = page.nextCursor;
  } while (cursor);
  t.same(seen, all);
  t.equal((await h.as('admin', { method: 'GET', url: `/api/v1/cycles/${c.id}/enrollments?cursor=garbage` })).statusCode, 400);
});

const listQuery = `query($cycleId: ID!) { enrollments(cycleId: $cycleId, limit: 200) { items {
  id cycleId unitId category status statusLabel { zhCN en } reason evidence { type id } statusChangedAt version createdAt updatedAt
  unit { id name department { name } } cycle { id name phase } } nextCursor } }`;

t.test('GraphQL lists the same enrollments as REST, with unit and cycle loaded in batches', async (t) => {
  const small = await cycleInPhase(h, 'enrollment', [u.taxHallA.id, u.taxHallB.id], 'small');
  const big = await cycleInPhase(h, 'enrollment', Object.values(u).map((x) => x.id), 'big');
  const g = await gql(h, 'admin', listQuery, { cycleId: big.id });
  t.same(g.errors, undefined, JSON.stringify(g.errors));
  const items = (g.data!.enrollments as { items: Record<string, unknown>[] }).items;
  const rest = (await h.as('admin', { method: 'GET', url: `/api/v1/cycles/${big.id}/enrollments?limit=200` })).json().items;
  t.same(items.map(({ unit: _u, cycle: _c, ...e }) => e), rest);
  t.ok(items.every((e) => (e.cycle as { name: string }).name === 'big' && (e.unit as { name: string }).name));

  if (!onPglite) {
    const few = await h.countQueries(() => gql(h, 'admin', listQuery, { cycleId: small.id }));
    const many = await h.countQueries(() => gql(h, 'admin', listQuery, { cycleId: big.id }));
    t.ok(few.queries > 0, 'counted');
    t.equal(many.queries, few.queries, `query count does not grow with rows (${few.queries})`);
  }

  const scoped = await gql(h, unitRole(u.taxAudit.id), listQuery, { cycleId: big.id });
  t.same((scoped.data!.enrollments as { items: { unitId: string }[] }).items.map((e) => e.unitId), [u.taxAudit.id]);
});

t.test('GraphQL enrolls, withdraws and disqualifies through the same rules', async (t) => {
  const c = await cycleInPhase(h, 'enrollment');
  const one = await gql(h, 'admin', `mutation($c: ID!, $u: ID!) { enrollUnit(cycleId: $c, unitId: $u) { id status version unit { name } } }`, { c: c.id, u: u.taxHallA.id });
  t.same(one.errors, undefined);
  const e = one.data!.enrollUnit as { id: string; version: number };
  const many = await gql(h, 'admin', `mutation($c: ID!, $r: ID!) { enrollUnits(cycleId: $c, input: { regionId: $r }) { matched enrolled reenrolled alreadyEnrolled disqualified } }`, {
    c: c.id,
    r: w.regions.countyA.id,
  });
  t.same(many.data!.enrollUnits, { matched: 3, enrolled: 2, reenrolled: 0, alreadyEnrolled: 1, disqualified: 0 });
  const dup = await gql(h, 'admin', `mutation($c: ID!, $u: ID!) { enrollUnit(cycleId: $c, unitId: $u) { id } }`, { c: c.id, u: u.taxHallA.id });
  t.equal(dup.errors![0].extensions!.code, 'already_enrolled');
  const evidenceId = await aComplaint();
  const dq = await gql(
    h,
    'admin',
    `mutation($id: ID!, $cid: ID!) { disqualifyEnrollment(id: $id, version: 1, reason: "暗访发现严重问题", evidence: [{ type: complaint, id: $cid }]) { status reason evidence { type id } version } }`,
    { id: e.id, cid: evidenceId },
  );
  t.same(dq.data!.disqualifyEnrollment, { status: 'disqualified', reason: '暗访发现严重问题', evidence: [{ type: 'complaint', id: evidenceId }], version: 2 });
  const rest = (await h.as('admin', { method: 'GET', url: `/api/v1/enrollments/${e.id}` })).json();
  t.match(rest, dq.data!.disqualifyEnrollment as object);
  const police = (await list(c.id)).find((x) => x.unitId === u.forestPolice.id)!;
  const wd = await gql(h, 'admin', `mutation($id: ID!) { withdrawEnrollment(id: $id, version: 1, reason: "主动退出") { status reason } }`, { id: police.id });
  t.same(wd.data!.withdrawEnrollment, { status: 'withdrawn', reason: '主动退出' });
  const denied = await gql(h, dept(w.departments.tax.id), `mutation($c: ID!, $u: ID!) { enrollUnit(cycleId: $c, unitId: $u) { id } }`, { c: c.id, u: u.taxHallB.id });
  t.equal(denied.errors![0].extensions!.code, 'forbidden');
});
