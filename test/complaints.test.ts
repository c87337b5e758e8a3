import t from 'tap';
import { gql, setup } from './helper.js';
import { referenceWorld } from './fixtures.js';

const h = await setup(t);
const w = await referenceWorld(h);
const { taxHallA, forestStation } = w.units;
const { tax, forestry } = w.departments;

const CONTACT = { name: '张三丰', phone: '13800138000', email: 'zhangsan@example.cn' };
const taxDept = { role: 'department' as const, departmentId: tax.id };
const forestryDept = { role: 'department' as const, departmentId: forestry.id };
const taxHallStaff = { role: 'unit' as const, unitId: taxHallA.id };
const forestStaff = { role: 'unit' as const, unitId: forestStation.id };

type Json = Record<string, unknown>;
const body = (extra: Json = {}) => ({ category: 'discipline', subject: '窗口人员上班玩游戏', description: '3月5日上午办税窗口工作人员在玩手机游戏', ...extra });

async function submitPublic(extra: Json = {}) {
  const res = await h.as('anonymous', { method: 'POST', url: '/api/v1/public/complaints', payload: body({ contact: CONTACT, ...extra }) });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json() as { trackingCode: string; status: string };
}
async function record(extra: Json = {}) {
  const res = await h.as('admin', { method: 'POST', url: '/api/v1/complaints', payload: body({ source: 'hotline', contact: CONTACT, ...extra }) });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json() as Json & { id: string; trackingCode: string; version: number };
}
const post = (who: Parameters<typeof h.as>[0], id: string, verb: string, payload: Json = {}, headers: Record<string, string> = {}) =>
  h.as(who, { method: 'POST', url: `/api/v1/complaints/${id}/${verb}`, payload, headers });
async function advance(id: string, to: 'triaged' | 'investigating' | 'substantiated' | 'closed', unitId = taxHallA.id) {
  const steps: [string, Json][] = [
    ['triage', { unitId }],
    ['start-investigation', {}],
    ['decide', { substantiated: true, findings: '经调查属实', severity: 'minor' }],
    ['close', { reply: '已对当事人批评教育，感谢监督' }],
  ];
  const n = { triaged: 1, investigating: 2, substantiated: 3, closed: 4 }[to];
  for (const [verb, payload] of steps.slice(0, n)) {
    const r = await post('admin', id, verb, payload);
    if (r.statusCode !== 200) throw new Error(r.body);
  }
}

t.test('the public files a complaint and gets an unguessable tracking code', async (t) => {
  const r = await submitPublic();
  t.match(r.trackingCode, /^TS-[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{10}$/);
  t.equal(r.status, 'received');
  t.same(Object.keys(r).sort(), ['status', 'trackingCode']);
});

t.test('the public status page shows the stage and no personal data', async (t) => {
  const { trackingCode } = await submitPublic();
  const res = await h.as('anonymous', { method: 'GET', url: `/api/v1/public/complaints/${trackingCode.toLowerCase()}` });
  t.equal(res.statusCode, 200, res.body);
  const p = res.json();
  t.equal(p.trackingCode, trackingCode);
  t.equal(p.status, 'received');
  t.equal(p.statusLabel.zhCN, '已受理');
  t.equal(p.category, 'discipline');
  t.equal(p.history.length, 1);
  t.equal(p.reply, null);
  for (const secret of [CONTACT.name, CONTACT.phone, CONTACT.email, '玩手机游戏']) t.notOk(res.body.includes(secret), `no ${secret}`);
});

t.test('an unknown tracking code is 404', async (t) => {
  const res = await h.as('anonymous', { method: 'GET', url: '/api/v1/public/complaints/TS-2222222222' });
  t.equal(res.statusCode, 404);
  t.equal(res.json().code, 'not_found');
});

t.test('a public complaint without a category is refused naming the field', async (t) => {
  const res = await h.as('anonymous', { method: 'POST', url: '/api/v1/public/complaints', payload: { subject: 's', description: 'd' } });
  t.equal(res.statusCode, 400);
  t.ok(res.json().errors.some((e: { field: string }) => e.field === 'body.category'));
});

t.test('an invalid contact email is refused naming the field', async (t) => {
  const res = await h.as('anonymous', { method: 'POST', url: '/api/v1/public/complaints', payload: body({ contact: { email: 'not-an-email' } }) });
  t.equal(res.statusCode, 400);
  t.ok(res.json().errors.some((e: { field: string }) => e.field === 'body.contact.email'));
});

t.test('an integration records a hotline complaint idempotently by its external id', async (t) => {
  const payload = body({ source: 'hotline', externalId: '12345-2024-0001', contact: CONTACT, receivedAt: '2024-03-04T09:00:00.000Z' });
  const first = await h.as('integration', { method: 'POST', url: '/api/v1/complaints', payload });
  t.equal(first.statusCode, 201, first.body);
  const again = await h.as('integration', { method: 'POST', url: '/api/v1/complaints', payload });
  t.equal(again.statusCode, 200, again.body);
  t.equal(again.json().id, first.json().id);
  t.equal(first.json().contact, null, 'integrations never see the contact back');
  // Received Monday 17:00 in Beijing: counting starts Tuesday, so the 2nd working day ends Wednesday 23:59:59.999 (UTC+8).
  t.equal(first.json().stageDeadline, '2024-03-06T15:59:59.999Z', 'triage deadline is the end of the 2nd working day');
  t.equal(first.json().overdue, true);
});

t.test('a repeated intake never shows an integration the office\'s findings; racing repeats all get the one complaint', async (t) => {
  const payload = body({ source: 'mailbox', externalId: 'mb-77', unitId: taxHallA.id });
  const first = (await h.as('integration', { method: 'POST', url: '/api/v1/complaints', payload })).json();
  const admin = (url: string, p: Json = {}) => h.as('admin', { method: 'POST', url: `/api/v1/complaints/${first.id}/${url}`, payload: p });
  t.equal((await admin('triage', { unitId: taxHallA.id })).statusCode, 200);
  t.equal((await admin('start-investigation')).statusCode, 200);
  t.equal((await admin('decide', { substantiated: true, findings: '内部调查记录：当事人已承认', severity: 'major' })).statusCode, 200);
  const again = await h.as('integration', { method: 'POST', url: '/api/v1/complaints', payload });
  t.equal(again.statusCode, 200);
  t.equal(again.json().findings, null);
  t.equal(again.json().severity, null);
  t.notOk(again.body.includes('内部调查记录'));
  t.equal((await h.as('admin', { method: 'POST', url: '/api/v1/complaints', payload })).json().findings, '内部调查记录：当事人已承认', 'the office sees it');
  const raced = await Promise.all(
    [1, 2, 3].map(() => h.as('integration', { method: 'POST', url: '/api/v1/complaints', payload: body({ source: 'sms', externalId: 'sms-race-1' }) })),
  );
  t.same(raced.map((r) => r.statusCode).sort(), [200, 200, 201]);
  t.equal(new Set(raced.map((r) => r.json().id)).size, 1);
});

t.test('a complaint naming an unknown unit is refused naming unitId', async (t) => {
  const res = await h.as('admin', { method: 'POST', url: '/api/v1/complaints', payload: body({ source: 'mailbox', unitId: '01900000-0000-7000-8000-000000000000' }) });
  t.equal(res.statusCode, 422);
  t.equal(res.json().errors[0].field, 'unitId');
});

t.test('a complaint received in the future is refused', async (t) => {
  const res = await h.as('admin', { method: 'POST', url: '/api/v1/complaints', payload: body({ source: 'sms', receivedAt: '2999-01-01T00:00:00Z' }) });
  t.equal(res.statusCode, 422);
  t.equal(res.json().errors[0].field, 'receivedAt');
});

t.test('full lifecycle: triage, investigate, decide, close with a reply', async (t) => {
  const c = await record();
  t.equal(c.status, 'received');

  const triaged = await post('admin', c.id, 'triage', { unitId: taxHallA.id, note: '转州国税局' });
  t.equal(triaged.statusCode, 200, triaged.body);
  t.equal(triaged.json().status, 'triaged');
  t.equal(triaged.json().unitId, taxHallA.id);
  t.equal(triaged.json().departmentId, tax.id);
  t.equal(triaged.headers.etag, `"${triaged.json().version}"`);
  const investigationDeadline = triaged.json().stageDeadline;
  t.not(investigationDeadline, c.stageDeadline, 'triage starts the investigation clock');

  const investigating = await post('admin', c.id, 'start-investigation', {}, { 'if-match': triaged.headers.etag as string });
  t.equal(investigating.statusCode, 200, investigating.body);
  t.equal(investigating.json().status, 'investigating');
  t.equal(investigating.json().stageDeadline, investigationDeadline, 'the investigation clock keeps running');

  const decided = await post('admin', c.id, 'decide', { substantiated: true, findings: '调取监控，情况属实', severity: 'major' });
  t.equal(decided.statusCode, 200, decided.body);
  t.equal(decided.json().status, 'substantiated');
  t.equal(decided.json().severity, 'major');
  t.equal(decided.json().findings, '调取监控，情况属实');

  const closed = await post('admin', c.id, 'close', { reply: '已对当事人通报批评，感谢您的监督' });
  t.equal(closed.statusCode, 200, closed.body);
  const done = closed.json();
  t.equal(done.status, 'closed');
  t.equal(done.stageDeadline, null);
  t.equal(done.overdue, false);
  t.same(
    done.events.map((e: Json) => e.toStatus),
    ['received', 'triaged', 'investigating', 'substantiated', 'closed'],
  );
  t.ok(done.events.every((e: Json) => e.actor && e.actorRole), 'the admin history names actors');

  const pub = (await h.as('anonymous', { method: 'GET', url: `/api/v1/public/complaints/${c.trackingCode}` })).json();
  t.equal(pub.status, 'closed');
  t.equal(pub.reply, '已对当事人通报批评，感谢您的监督');
  t.same(
    pub.history.map((s: Json) => s.stage),
    ['received', 'triaged', 'investigating', 'substantiated', 'closed'],
  );
  t.ok(pub.history.every((s: Json) => Object.keys(s).sort().join() === 'at,stage,stageLabel'), 'no actors or notes in public');
  t.notOk(JSON.stringify(pub).includes('调取监控'), 'findings stay internal');
});

t.test('an unsubstantiated complaint has no severity and is closed with a reply', async (t) => {
  const c = await record();
  await advance(c.id, 'investigating');
  const d = await post('admin', c.id, 'decide', { substantiated: false, findings: '经核实不属实' });
  t.equal(d.statusCode, 200, d.body);
  t.equal(d.json().status, 'unsubstantiated');
  t.equal(d.json().substantiated, false);
  t.equal((await post('admin', c.id, 'close', { reply: '经核实，反映情况不属实' })).json().status, 'closed');
});

t.test('triage uses the unit named at intake; without any unit it is refused naming unitId', async (t) => {
  const named = await record({ unitId: forestStation.id });
  const r = await post('admin', named.id, 'triage', {});
  t.equal(r.statusCode, 200, r.body);
  t.equal(r.json().unitId, forestStation.id);

  const unnamed = await record();
  const refused = await post('admin', unnamed.id, 'triage', {});
  t.equal(refused.statusCode, 422);
  t.equal(refused.json().errors[0].field, 'unitId');
});

t.test('a substantiated decision without severity is refused naming severity', async (t) => {
  const c = await record();
  await advance(c.id, 'investigating');
  const r = await post('admin', c.id, 'decide', { substantiated: true, findings: '属实' });
  t.equal(r.statusCode, 422);
  t.equal(r.json().errors[0].field, 'severity');
});

t.test('closing without a reply is refused', async (t) => {
  const c = await record();
  await advance(c.id, 'substantiated');
  const r = await post('admin', c.id, 'close', {});
  t.equal(r.statusCode, 400);
  t.ok(r.json().errors.some((e: { field: string }) => e.field === 'body.reply'));
});

t.test('illegal stage moves are 409 illegal_transition', async (t) => {
  const c = await record();
  for (const [verb, payload] of [
    ['close', { reply: 'x' }],
    ['start-investigation', {}],
    ['decide', { substantiated: false, findings: 'x' }],
  ] as const) {
    const r = await post('admin', c.id, verb, payload);
    t.equal(r.statusCode, 409, `${verb} from received`);
    t.equal(r.json().code, 'illegal_transition');
    t.equal(r.json().from, 'received');
  }
  await advance(c.id, 'closed');
  const again = await post('admin', c.id, 'triage', { unitId: taxHallA.id });
  t.equal(again.statusCode, 409);
  t.equal(again.json().code, 'illegal_transition');
});

t.test('a stale If-Match is 412', async (t) => {
  const c = await record();
  const r = await post('admin', c.id, 'triage', { unitId: taxHallA.id }, { 'if-match': `"${c.version + 5}"` });
  t.equal(r.statusCode, 412);
  t.equal(r.json().code, 'version_mismatch');
});

t.test('overdue complaints are flagged and listed; closed ones never are', async (t) => {
  const late = await record({ subject: 'late one' });
  const onTime = await record({ subject: 'on time' });
  const closedLate = await record({ subject: 'closed late' });
  await advance(closedLate.id, 'closed');
  await h.sql(`update complaints set stage_deadline = now() - interval '3 days' where id = any($1)`, [[late.id, closedLate.id]]);

  const res = await h.as('admin', { method: 'GET', url: '/api/v1/complaints?overdue=true&limit=200' });
  t.equal(res.statusCode, 200, res.body);
  const ids = res.json().items.map((c: Json) => c.id);
  t.ok(ids.includes(late.id));
  t.notOk(ids.includes(onTime.id));
  t.notOk(ids.includes(closedLate.id));
  t.ok(res.json().items.every((c: Json) => c.overdue === true));

  const notOverdue = (await h.as('admin', { method: 'GET', url: '/api/v1/complaints?overdue=false&limit=200' })).json().items.map((c: Json) => c.id);
  t.ok(notOverdue.includes(onTime.id));
  t.notOk(notOverdue.includes(late.id));
  t.equal((await h.as('admin', { method: 'GET', url: `/api/v1/complaints/${late.id}` })).json().overdue, true);
});

t.test('the list filters by status, category, source, unit, department and dates', async (t) => {
  const a = await record({ category: 'fees', source: 'media', receivedAt: '2023-01-10T00:00:00Z' });
  await advance(a.id, 'triaged', forestStation.id);
  const q = async (qs: string) => (await h.as('admin', { method: 'GET', url: `/api/v1/complaints?limit=200&${qs}` })).json().items.map((c: Json) => c.id) as string[];
  t.ok((await q('category=fees')).includes(a.id));
  t.notOk((await q('category=discipline')).includes(a.id));
  t.ok((await q('source=media')).includes(a.id));
  t.ok((await q('status=triaged')).includes(a.id));
  t.notOk((await q('status=received')).includes(a.id));
  t.ok((await q(`unitId=${forestStation.id}`)).includes(a.id));
  t.ok((await q(`departmentId=${forestry.id}`)).includes(a.id));
  t.notOk((await q(`departmentId=${tax.id}`)).includes(a.id));
  t.same(await q('from=2023-01-01T00:00:00Z&to=2023-02-01T00:00:00Z'), [a.id]);
  const bad = await h.as('admin', { method: 'GET', url: '/api/v1/complaints?status=lost' });
  t.equal(bad.statusCode, 400);
});

t.test('the contact is shown to admins only', async (t) => {
  const c = await record();
  await advance(c.id, 'triaged');
  const admin = await h.as('admin', { method: 'GET', url: `/api/v1/complaints/${c.id}` });
  t.same(admin.json().contact, CONTACT);
  for (const who of [taxDept, taxHallStaff]) {
    const one = await h.as(who, { method: 'GET', url: `/api/v1/complaints/${c.id}` });
    t.equal(one.statusCode, 200, one.body);
    t.equal(one.json().contact, null);
    const list = await h.as(who, { method: 'GET', url: '/api/v1/complaints?limit=200' });
    for (const secret of Object.values(CONTACT)) {
      t.notOk(one.body.includes(secret), `${who.role} get has no ${secret}`);
      t.notOk(list.body.includes(secret), `${who.role} list has no ${secret}`);
    }
  }
  const audit = await h.as('admin', { method: 'GET', url: `/api/v1/audit-log?entityType=complaint&entityId=${c.id}` });
  for (const secret of Object.values(CONTACT)) t.notOk(audit.body.includes(secret), `audit log has no ${secret}`);
});

t.test('departments see their units\' complaints and units their own, once triaged', async (t) => {
  const c = await record();
  t.equal((await h.as(taxDept, { method: 'GET', url: `/api/v1/complaints/${c.id}` })).statusCode, 404, 'not before triage');
  await advance(c.id, 'triaged');
  t.equal((await h.as(taxDept, { method: 'GET', url: `/api/v1/complaints/${c.id}` })).statusCode, 200);
  t.equal((await h.as(taxHallStaff, { method: 'GET', url: `/api/v1/complaints/${c.id}` })).statusCode, 200);
  t.equal((await h.as(forestryDept, { method: 'GET', url: `/api/v1/complaints/${c.id}` })).statusCode, 404);
  t.equal((await h.as(forestStaff, { method: 'GET', url: `/api/v1/complaints/${c.id}` })).statusCode, 404);

  const deptList = (await h.as(taxDept, { method: 'GET', url: '/api/v1/complaints?limit=200' })).json().items as Json[];
  t.ok(deptList.some((x) => x.id === c.id));
  t.ok(deptList.every((x) => x.departmentId === tax.id && x.status !== 'received'));
  const other = (await h.as(forestryDept, { method: 'GET', url: `/api/v1/complaints?departmentId=${tax.id}` })).json().items;
  t.same(other, [], 'asking for another department answers nothing');
});

t.test('roles that may not read complaints are refused', async (t) => {
  for (const role of ['inspector', 'supervisor', 'integration'] as const) {
    const claims = role === 'supervisor' ? { role, supervisorId: '01900000-0000-7000-8000-000000000001' } : role;
    t.equal((await h.as(claims, { method: 'GET', url: '/api/v1/complaints' })).statusCode, 403, role);
  }
  t.equal((await h.as('anonymous', { method: 'GET', url: '/api/v1/complaints' })).statusCode, 401);
});

t.test('only admins and integrations record complaints from a channel', async (t) => {
  for (const who of ['inspector', taxDept, taxHallStaff] as const) {
    t.equal((await h.as(who, { method: 'POST', url: '/api/v1/complaints', payload: body({ source: 'hotline' }) })).statusCode, 403);
  }
  t.equal((await h.as('anonymous', { method: 'POST', url: '/api/v1/complaints', payload: body({ source: 'hotline' }) })).statusCode, 401);
});

t.test('only admins move a complaint through its stages', async (t) => {
  const c = await record();
  for (const who of ['inspector', 'integration', taxDept, taxHallStaff] as const) {
    t.equal((await post(who, c.id, 'triage', { unitId: taxHallA.id })).statusCode, 403);
    t.equal((await post(who, c.id, 'close', { reply: 'x' })).statusCode, 403);
  }
  t.equal((await post('anonymous', c.id, 'triage', { unitId: taxHallA.id })).statusCode, 401);
});

t.test('a department answers during the investigation; the answer never reaches the public', async (t) => {
  const c = await record();
  await advance(c.id, 'triaged');
  const early = await post(taxDept, c.id, 'responses', { text: '正在核实' });
  t.equal(early.statusCode, 409);
  t.equal(early.json().code, 'not_investigating');
  await post('admin', c.id, 'start-investigation');
  const ok = await post(taxDept, c.id, 'responses', { text: '当事人已作书面检查' });
  t.equal(ok.statusCode, 201, ok.body);
  t.equal(ok.json().kind, 'response');
  t.equal((await post(forestryDept, c.id, 'responses', { text: 'x' })).statusCode, 404, 'not its unit');
  t.equal((await post(taxHallStaff, c.id, 'responses', { text: 'x' })).statusCode, 403);
  for (const who of ['admin', 'inspector', 'integration'] as const) t.equal((await post(who, c.id, 'responses', { text: 'x' })).statusCode, 403, who);
  t.equal((await post('anonymous', c.id, 'responses', { text: 'x' })).statusCode, 401);

  const detail = (await h.as('admin', { method: 'GET', url: `/api/v1/complaints/${c.id}` })).json();
  t.ok(detail.events.some((e: Json) => e.kind === 'response' && e.note === '当事人已作书面检查'));
  const pub = await h.as('anonymous', { method: 'GET', url: `/api/v1/public/complaints/${c.trackingCode}` });
  t.notOk(pub.body.includes('书面检查'));
});

t.test('every stage change is audited with from and to', async (t) => {
  const c = await record();
  await advance(c.id, 'investigating');
  const res = await h.as('admin', { method: 'GET', url: `/api/v1/audit-log?entityType=complaint&entityId=${c.id}` });
  const entries = res.json().items as { action: string; before: Json | null; after: Json }[];
  t.same(
    entries.map((e) => e.action),
    ['complaint.received', 'complaint.status_changed', 'complaint.status_changed'],
  );
  t.same(
    entries.slice(1).map((e) => [e.before!.status, e.after.status]),
    [
      ['received', 'triaged'],
      ['triaged', 'investigating'],
    ],
  );
});

t.test('triage attributes the complaint to the assessment cycle the unit is enrolled in', async (t) => {
  const [cycle] = await h.sql<{ id: string }>(
    `insert into cycles (id, name, year, phase, settings) values (gen_random_uuid(), '2024 创建', 2024, 'assessment', '{}'::jsonb) returning id`,
  );
  await h.sql(`insert into enrollments (id, cycle_id, unit_id, category) values (gen_random_uuid(), $1, $2, 'law_enforcement')`, [cycle.id, forestStation.id]);
  const c = await record();
  await advance(c.id, 'closed', forestStation.id);
  const got = (await h.as('admin', { method: 'GET', url: `/api/v1/complaints/${c.id}` })).json();
  t.equal(got.cycleId, cycle.id);

  const found = await h.app.services.complaints.substantiatedForUnits(cycle.id, [forestStation.id, taxHallA.id]);
  t.same(
    found.map((f) => [f.complaintId, f.unitId, f.severity]),
    [[c.id, forestStation.id, 'minor']],
  );
});

t.test('GraphQL returns the same complaints as REST', async (t) => {
  const c = await record();
  await advance(c.id, 'triaged');
  const rest = (await h.as(taxDept, { method: 'GET', url: '/api/v1/complaints?limit=200' })).json();
  const g = await gql(h, taxDept, `{ complaints(limit: 200) { items { id trackingCode status contact { phone } unit { name } department { name } } nextCursor } }`);
  t.same(g.errors, undefined);
  const items = (g.data!.complaints as { items: Json[] }).items;
  t.same(
    items.map((x) => x.id),
    rest.items.map((x: Json) => x.id),
  );
  const mine = items.find((x) => x.id === c.id)!;
  t.equal(mine.contact, null);
  t.same(mine.unit, { name: taxHallA.name });
  t.same(mine.department, { name: tax.name });

  const one = await gql(h, 'admin', `query($id: ID!) { complaint(id: $id) { id status contact { name phone email } events { kind toStatus actor } } }`, { id: c.id });
  const restOne = (await h.as('admin', { method: 'GET', url: `/api/v1/complaints/${c.id}` })).json();
  const gOne = one.data!.complaint as Json & { events: Json[] };
  t.same(gOne.contact, restOne.contact);
  t.same(
    gOne.events.map((e) => e.toStatus),
    restOne.events.map((e: Json) => e.toStatus),
  );

  const pubG = await gql(h, 'anonymous', `query($code: String!) { complaintByTrackingCode(trackingCode: $code) { trackingCode status history { stage at } reply } }`, {
    code: c.trackingCode,
  });
  const pubRest = (await h.as('anonymous', { method: 'GET', url: `/api/v1/public/complaints/${c.trackingCode}` })).json();
  t.same(pubG.data!.complaintByTrackingCode, { trackingCode: pubRest.trackingCode, status: pubRest.status, history: pubRest.history.map((s: Json) => ({ stage: s.stage, at: s.at })), reply: null });
});

t.test('GraphQL mutations drive the same lifecycle', async (t) => {
  const sub = await gql(h, 'anonymous', `mutation($input: SubmitComplaintInput!) { submitComplaint(input: $input) { trackingCode status complaint { id } } }`, {
    input: body({ contact: CONTACT }),
  });
  t.same(sub.errors, undefined);
  const receipt = sub.data!.submitComplaint as { trackingCode: string; status: string; complaint: null };
  t.equal(receipt.status, 'received');
  t.equal(receipt.complaint, null, 'the public gets the code only');

  const sourced = await gql(h, 'anonymous', `mutation($input: SubmitComplaintInput!) { submitComplaint(input: $input) { trackingCode } }`, { input: body({ source: 'media' }) });
  t.equal(sourced.errors?.[0].extensions?.code, 'validation_failed');
  t.equal(sourced.errors?.[0].extensions?.errors?.[0].field, 'input.source');

  const rec = await gql(h, 'integration', `mutation($input: SubmitComplaintInput!) { submitComplaint(input: $input) { trackingCode complaint { id source contact { phone } } } }`, {
    input: body({ source: 'hotline', contact: CONTACT }),
  });
  const cid = ((rec.data!.submitComplaint as Json).complaint as Json).id as string;
  t.equal(((rec.data!.submitComplaint as Json).complaint as Json).contact, null);

  const m = (q: string, vars: Json, who: Parameters<typeof gql>[1] = 'admin') => gql(h, who, q, { id: cid, ...vars });
  t.equal(((await m(`mutation($id: ID!, $u: ID) { triageComplaint(id: $id, unitId: $u) { status } }`, { u: taxHallA.id })).data!.triageComplaint as Json).status, 'triaged');
  const denied = await m(`mutation($id: ID!) { startComplaintInvestigation(id: $id) { status } }`, {}, taxDept);
  t.equal(denied.errors?.[0].extensions?.code, 'forbidden');
  t.equal(((await m(`mutation($id: ID!) { startComplaintInvestigation(id: $id) { status } }`, {})).data!.startComplaintInvestigation as Json).status, 'investigating');
  const illegal = await m(`mutation($id: ID!) { closeComplaint(id: $id, reply: "x") { status } }`, {});
  t.equal(illegal.errors?.[0].extensions?.code, 'illegal_transition');
  t.equal(
    ((await m(`mutation($id: ID!) { decideComplaint(id: $id, substantiated: false, findings: "不属实") { status } }`, {})).data!.decideComplaint as Json).status,
    'unsubstantiated',
  );
  const closed = await m(`mutation($id: ID!) { closeComplaint(id: $id, reply: "已答复") { status reply stageDeadline } }`, {});
  t.same(closed.data!.closeComplaint, { status: 'closed', reply: '已答复', stageDeadline: null });
});

t.test('GraphQL complaint lists load units, departments and histories without N+1', async (t) => {
  const query = `{ complaints(limit: 200) { items { id unit { name department { name } } department { name } events { kind } } } }`;
  const count = async () => (await h.countQueries(() => gql(h, 'admin', query))).queries;
  const before = await count();
  for (let i = 0; i < 4; i++) {
    const c = await record();
    await advance(c.id, 'triaged', i % 2 ? taxHallA.id : forestStation.id);
  }
  const after = await count();
  if (before >= 0) t.equal(after, before, 'same number of statements with more rows');
});

t.test('each stage change announces complaint.status_changed to webhooks, without personal data', async (t) => {
  const c = await record();
  await advance(c.id, 'triaged');
  const rows = await h.sql<{ payload: Record<string, unknown> }>(`select payload from outbox_events where type = 'complaint.status_changed' and payload->>'complaintId' = $1`, [c.id]);
  t.equal(rows.length, 1);
  t.match(rows[0].payload, { trackingCode: c.trackingCode, from: 'received', to: 'triaged', unitId: taxHallA.id, departmentId: tax.id });
  for (const secret of Object.values(CONTACT)) t.notOk(JSON.stringify(rows[0].payload).includes(secret));
});
