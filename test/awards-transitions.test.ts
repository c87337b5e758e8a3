import t from 'tap';
import { systemContext } from '../src/lib/principal.js';
import type { AwardDto } from '../src/modules/awards/schemas.js';
import { complaint, namedCycle, seriousProblem } from './fixtures-awards.js';
import { referenceWorld } from './fixtures.js';
import { gql, setup } from './helper.js';
import type { TestApp } from './helper.js';

const h: TestApp = await setup(t);
const w = await referenceWorld(h);
const api = (p: string) => `/api/v1${p}`;
const ctx = systemContext('test');

/** 8 awards: L1, L2 十佳; L3, L4, P1 … P4 百佳 (quotas 2 / 8). */
const x = await namedCycle(h, { year: 2040, top10: 2, top100: 8, lawCount: 4, pubCount: 4, world: w });
const award = (i: number): AwardDto => x.awards[i];
const inFuture = (days = 10) => new Date(Date.now() + days * 86400_000).toISOString();

const move = (id: string, body: Record<string, unknown>, who: Parameters<TestApp['as']>[0] = 'admin', headers: Record<string, string> = {}) =>
  h.as(who, { method: 'POST', url: api(`/awards/${id}/transitions`), payload: body, headers });
const status = async (id: string) => (await h.as('admin', { method: 'GET', url: api(`/awards/${id}`) })).json().status as string;

t.test('rectification ordered, then verified: back to active, every step recorded with actor, reason and deadline', async (t) => {
  const a = award(0);
  const deadline = inFuture();
  const ordered = await move(a.id, { to: 'rectification_ordered', reason: '暗访发现窗口脱岗', deadline });
  t.equal(ordered.statusCode, 200, ordered.body);
  t.match(ordered.json(), { status: 'rectification_ordered', statusLabel: { zhCN: '限期整改' }, rectificationDeadline: deadline, dueForYellowCard: false, version: 2 });
  t.equal(ordered.headers.etag, '"2"');
  const back = await move(a.id, { to: 'active', reason: '整改验收合格' });
  t.equal(back.statusCode, 200);
  const body = back.json();
  t.match(body, { status: 'active', rectificationDeadline: null });
  t.match(body.transitions, [
    { from: 'active', to: 'rectification_ordered', reason: '暗访发现窗口脱岗', deadline, role: 'admin', actor: 'admin:local' },
    { from: 'rectification_ordered', to: 'active', reason: '整改验收合格', deadline: null },
  ]);
});

t.test('yellow card, then the review period passes: active again; or revoked from a yellow card', async (t) => {
  for (const [i, last] of [[1, 'active'], [2, 'revoked']] as const) {
    const a = award(i);
    t.equal((await move(a.id, { to: 'rectification_ordered', reason: '整改', deadline: inFuture() })).statusCode, 200);
    const yellow = await move(a.id, { to: 'yellow_card', reason: '整改不到位' });
    t.match(yellow.json(), { status: 'yellow_card', statusLabel: { zhCN: '黄牌警告', en: 'Yellow card' }, rectificationDeadline: null });
    const end = await move(a.id, { to: last, reason: last === 'active' ? '观察期满' : '黄牌期间再次违规' });
    t.equal(end.statusCode, 200);
    t.equal(end.json().status, last);
    if (last === 'revoked') t.match(end.json(), { revocationReason: '黄牌期间再次违规', revokedAt: String });
  }
});

t.test('a rectification order can end in revocation; an active award is revoked at once only for a serious violation', async (t) => {
  const a = award(3);
  await move(a.id, { to: 'rectification_ordered', reason: '整改', deadline: inFuture() });
  t.equal((await move(a.id, { to: 'revoked', reason: '拒不整改' })).json().status, 'revoked');

  const b = award(4);
  const withoutFlag = await move(b.id, { to: 'revoked', reason: '严重违纪' });
  t.equal(withoutFlag.statusCode, 422);
  t.equal(withoutFlag.json().errors[0].field, 'seriousViolation');
  const flagFalse = await move(b.id, { to: 'revoked', reason: '严重违纪', seriousViolation: false });
  t.equal(flagFalse.json().errors[0].field, 'seriousViolation');
  const revoked = await move(b.id, { to: 'revoked', reason: '乱收费被查处', seriousViolation: true });
  t.equal(revoked.statusCode, 200);
  t.match(revoked.json(), { status: 'revoked', revocationReason: '乱收费被查处' });
});

t.test('illegal moves are refused with 409 illegal_transition naming from and to', async (t) => {
  const active = award(5);
  const revoked = award(4);
  for (const [a, to] of [
    [active, 'yellow_card'],
    [active, 'active'],
    [revoked, 'active'],
    [revoked, 'rectification_ordered'],
  ] as const) {
    const res = await move(a.id, { to, reason: '试', ...(to === 'rectification_ordered' ? { deadline: inFuture() } : {}) });
    t.equal(res.statusCode, 409, `${a.status} → ${to}`);
    t.match(res.json(), { code: 'illegal_transition', to });
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
  }
  t.match((await move(revoked.id, { to: 'active', reason: '试' })).json(), { from: 'revoked', allowed: [] });
  const b = award(6);
  await move(b.id, { to: 'rectification_ordered', reason: '整改', deadline: inFuture() });
  await move(b.id, { to: 'yellow_card', reason: '黄牌' });
  t.match((await move(b.id, { to: 'rectification_ordered', reason: '试', deadline: inFuture() })).json(), { code: 'illegal_transition', from: 'yellow_card' });
  await move(b.id, { to: 'active', reason: '观察期满' });
});

t.test('a rectification order needs a future deadline; other moves take none', async (t) => {
  const a = award(5);
  const none = await move(a.id, { to: 'rectification_ordered', reason: '整改' });
  t.equal(none.statusCode, 422);
  t.equal(none.json().errors[0].field, 'deadline');
  const past = await move(a.id, { to: 'rectification_ordered', reason: '整改', deadline: new Date(Date.now() - 1000).toISOString() });
  t.equal(past.json().errors[0].field, 'deadline');
  const misplaced = await move(a.id, { to: 'revoked', reason: 'x', seriousViolation: true, deadline: inFuture() });
  t.equal(misplaced.json().errors[0].field, 'deadline');
  t.equal((await move(a.id, { to: 'rectification_ordered', reason: '', deadline: inFuture() })).statusCode, 400, 'reason is required');
  t.equal(await status(a.id), 'active');
});

t.test('evidence must exist; each missing id is named; the evidence is kept with the transition', async (t) => {
  const a = award(5);
  const complaintId = await complaint(h, a.unitId, x.cycleId, { substantiated: true, severity: 'major' });
  const problemId = await seriousProblem(h, a.unitId, x.cycleId);
  const missing = '01900000-0000-7000-8000-000000000001';
  const bad = await move(a.id, {
    to: 'rectification_ordered',
    reason: '投诉属实',
    deadline: inFuture(),
    evidence: [
      { type: 'complaint', id: complaintId },
      { type: 'problem', id: missing },
      { type: 'inspection_report', id: missing },
    ],
  });
  t.equal(bad.statusCode, 422);
  t.same(bad.json().errors.map((e: { field: string }) => e.field), ['evidence.1.id', 'evidence.2.id']);
  const wrongType = await move(a.id, { to: 'rectification_ordered', reason: 'x', deadline: inFuture(), evidence: [{ type: 'rating', id: missing }] });
  t.equal(wrongType.statusCode, 400);
  const evidence = [
    { type: 'complaint', id: complaintId },
    { type: 'problem', id: problemId },
  ];
  const ok = await move(a.id, { to: 'rectification_ordered', reason: '投诉属实', deadline: inFuture(), evidence });
  t.equal(ok.statusCode, 200, ok.body);
  t.same(ok.json().transitions.at(-1).evidence, evidence);
});

t.test('a stale version is refused with 412', async (t) => {
  const a = award(7);
  const res = await move(a.id, { to: 'rectification_ordered', reason: '整改', deadline: inFuture() }, 'admin', { 'if-match': '"7"' });
  t.equal(res.statusCode, 412);
  t.equal(res.json().code, 'version_mismatch');
  t.equal((await move(a.id, { to: 'rectification_ordered', reason: '整改', deadline: inFuture(), version: 1 })).statusCode, 200);
  t.equal((await move(a.id, { to: 'active', reason: '验收', version: 1 })).statusCode, 412);
  t.equal((await move(a.id, { to: 'active', reason: '验收', version: 2 })).statusCode, 200);
});

t.test('two conflicting moves at once: exactly one wins, the award ends in a legal state with one transition', async (t) => {
  const a = award(7);
  const before = (await h.as('admin', { method: 'GET', url: api(`/awards/${a.id}`) })).json();
  const [r1, r2] = await Promise.all([
    move(a.id, { to: 'rectification_ordered', reason: '整改（甲）', deadline: inFuture(5) }),
    move(a.id, { to: 'rectification_ordered', reason: '整改（乙）', deadline: inFuture(9) }),
  ]);
  const codes = [r1.statusCode, r2.statusCode].sort();
  t.same(codes, [200, 409], `${r1.body} ${r2.body}`);
  const loser = r1.statusCode === 409 ? r1 : r2;
  t.equal(loser.json().code, 'illegal_transition');
  const after = (await h.as('admin', { method: 'GET', url: api(`/awards/${a.id}`) })).json();
  t.equal(after.status, 'rectification_ordered');
  const winner = r1.statusCode === 200 ? r1 : r2;
  t.equal(after.transitions.at(-1).reason, winner.json().transitions.at(-1).reason, 'the stored move is the winner\'s');
  t.equal(after.transitions.length, before.transitions.length + 1);
  t.equal(after.version, before.version + 1);
});

t.test('every move writes an audit entry and an award.status_changed event in the outbox', async (t) => {
  const a = award(0);
  await move(a.id, { to: 'rectification_ordered', reason: '审计', deadline: inFuture() });
  const audit = await h.as('admin', { method: 'GET', url: api(`/audit-log?entityType=award&entityId=${a.id}&action=award.status_changed`) });
  const last = audit.json().items.at(-1);
  t.match(last, { action: 'award.status_changed', before: { status: 'active' }, after: { status: 'rectification_ordered', transition: { reason: '审计' } } });
  const events = await h.sql<{ payload: Record<string, unknown> }>(`select payload from outbox_events where type = 'award.status_changed' and payload->>'awardId' = $1 order by id`, [a.id]);
  t.match(events.at(-1)!.payload, { awardId: a.id, cycleId: x.cycleId, unitId: a.unitId, tier: 'top10', from: 'active', to: 'rectification_ordered', reason: '审计', evidence: [] });
  const refused = await move(a.id, { to: 'rectification_ordered', reason: '重复', deadline: inFuture() });
  t.equal(refused.statusCode, 409);
  const after = await h.sql(`select 1 from outbox_events where type = 'award.status_changed' and payload->>'awardId' = $1`, [a.id]);
  t.equal(after.length, events.length, 'a refused move leaves no event');
});

t.test('overdue rectifications are listed as due for a yellow card and escalated by the office', async (t) => {
  const s = h.app.services;
  const a = award(0); // rectification_ordered since the previous test
  await h.sql(`update awards set rectification_deadline = now() - interval '1 day' where id = $1`, [a.id]);
  const due = await h.as('inspector', { method: 'GET', url: api(`/cycles/${x.cycleId}/awards?dueForYellowCard=true`) });
  t.same(due.json().items.map((d: AwardDto) => [d.id, d.dueForYellowCard]), [[a.id, true]]);
  t.equal((await s.awards.escalateAutomatically()), 0, 'automatic escalation is off unless the cycle says so');
  t.equal((await h.as('inspector', { method: 'POST', url: api(`/cycles/${x.cycleId}/awards/escalate-overdue`), payload: {} })).statusCode, 403);
  const res = await h.as('admin', { method: 'POST', url: api(`/cycles/${x.cycleId}/awards/escalate-overdue`), payload: {} });
  t.equal(res.statusCode, 200, res.body);
  t.same(res.json().escalated.map((e: AwardDto) => [e.id, e.status]), [[a.id, 'yellow_card']]);
  const got = (await h.as('admin', { method: 'GET', url: api(`/awards/${a.id}`) })).json();
  t.match(got.transitions.at(-1), { from: 'rectification_ordered', to: 'yellow_card', reason: 'rectification overdue' });
  t.same((await h.as('admin', { method: 'GET', url: api(`/cycles/${x.cycleId}/awards?dueForYellowCard=true`) })).json().items, []);
  await move(a.id, { to: 'active', reason: '观察期满' });
});

t.test('with settings.awards.autoEscalateOverdue, the periodic run yellow-cards as the system', async (t) => {
  const s = h.app.services;
  const y = await namedCycle(h, { year: 2041, top10: 1, top100: 2, lawCount: 2, pubCount: 0, world: w, settings: { awards: { autoEscalateOverdue: true, departmentBonus: { top10: 3, top100: 1 }, departmentPenalty: { yellowCard: 1, revoked: 2 } } } });
  const a = y.awards[0];
  await s.awards.transition(ctx, a.id, undefined, { to: 'rectification_ordered', reason: '整改', deadline: inFuture(), evidence: [] });
  t.equal(await s.awards.escalateAutomatically(), 0, 'nothing overdue yet');
  await h.sql(`update awards set rectification_deadline = now() - interval '1 hour' where id = $1`, [a.id]);
  t.equal(await s.awards.escalateAutomatically(), 1);
  const got = (await h.as('admin', { method: 'GET', url: api(`/awards/${a.id}`) })).json();
  t.match(got, { status: 'yellow_card' });
  t.match(got.transitions.at(-1), { to: 'yellow_card', actor: 'system', reason: 'rectification overdue' });
});

t.test('awards are listed with filters; a department sees its units, a unit its own; others are refused', async (t) => {
  const list = async (who: Parameters<TestApp['as']>[0], q = '') => h.as(who, { method: 'GET', url: api(`/cycles/${x.cycleId}/awards${q}`) });
  t.equal((await list('admin')).json().items.length, 8);
  t.same((await list('admin', '?tier=top10')).json().items.map((a: AwardDto) => a.unitName), [x.law[0].name, x.law[1].name]);
  t.equal((await list('admin', '?status=revoked')).json().items.length, 3);
  t.same((await list('admin', `?unitId=${x.pub[0].id}`)).json().items.map((a: AwardDto) => a.unitId), [x.pub[0].id]);
  t.equal((await list('admin', `?departmentId=${w.departments.tax.id}`)).json().items.length, 4);
  const page = (await list('admin', '?limit=3')).json();
  t.equal(page.items.length, 3);
  t.equal((await list('admin', `?limit=10&cursor=${page.nextCursor}`)).json().items.length, 5);

  const forestry = { role: 'department' as const, departmentId: w.departments.forestry.id };
  t.same((await list(forestry)).json().items.map((a: AwardDto) => a.departmentId), Array(4).fill(w.departments.forestry.id));
  t.same((await list(forestry, `?departmentId=${w.departments.tax.id}`)).json().items, []);
  const unit = { role: 'unit' as const, unitId: x.pub[1].id };
  t.same((await list(unit)).json().items.map((a: AwardDto) => a.unitId), [x.pub[1].id]);
  const taxAward = x.byName.get(x.pub[0].name)!;
  t.equal((await h.as(forestry, { method: 'GET', url: api(`/awards/${taxAward.id}`) })).statusCode, 404);
  t.equal((await h.as(unit, { method: 'GET', url: api(`/awards/${taxAward.id}`) })).statusCode, 404);
  t.equal((await h.as({ role: 'unit', unitId: x.pub[0].id }, { method: 'GET', url: api(`/awards/${taxAward.id}`) })).statusCode, 200);
  for (const who of ['integration', { role: 'supervisor' as const, supervisorId: x.pub[0].id }] as const) {
    t.equal((await list(who)).statusCode, 403);
    t.equal((await h.as(who, { method: 'GET', url: api(`/awards/${taxAward.id}`) })).statusCode, 403);
  }
  t.equal((await list('anonymous')).statusCode, 401);
  for (const who of ['inspector', 'integration', forestry, unit] as const) {
    t.equal((await move(taxAward.id, { to: 'rectification_ordered', reason: 'x', deadline: inFuture() }, who)).statusCode, 403);
  }
  t.equal((await move(taxAward.id, { to: 'rectification_ordered', reason: 'x', deadline: inFuture() }, 'anonymous')).statusCode, 401);
});

t.test('the public award roll shows holders with their status and the revoked with date and reason; cacheable', async (t) => {
  const res = await h.as('anonymous', { method: 'GET', url: api(`/public/cycles/${x.cycleId}/award-roll`) });
  t.equal(res.statusCode, 200, res.body);
  const roll = res.json();
  t.equal(roll.holders.length + roll.revoked.length, 8);
  t.same(roll.revoked.map((r: { reason: string }) => r.reason).sort(), ['乱收费被查处', '拒不整改', '黄牌期间再次违规'].sort());
  t.match(roll.revoked[0], { unitId: String, unitName: String, tier: String, certificateNo: String, revokedAt: String });
  t.match(roll.holders[0], { tier: 'top10', certificateNo: `MY2040-T10-0001`, departmentName: '州林业局', category: 'law_enforcement' });
  const labels = new Set(roll.holders.map((hd: { statusLabel: { zhCN: string } }) => hd.statusLabel.zhCN));
  t.ok([...labels].every((l) => ['在牌', '限期整改', '黄牌警告'].includes(l as string)));
  t.ok(labels.has('限期整改'));

  const etag = res.headers.etag as string;
  t.ok(etag);
  const again = await h.as('integration', { method: 'GET', url: api(`/public/cycles/${x.cycleId}/award-roll`), headers: { 'if-none-match': etag } });
  t.equal(again.statusCode, 304);
  const holder = x.byName.get(x.law[1].name)!;
  await move(holder.id, { to: 'rectification_ordered', reason: '整改', deadline: inFuture() });
  const changed = await h.as('anonymous', { method: 'GET', url: api(`/public/cycles/${x.cycleId}/award-roll`), headers: { 'if-none-match': etag } });
  t.equal(changed.statusCode, 200);
  t.not(changed.headers.etag, etag);
  t.equal((await h.as('anonymous', { method: 'GET', url: api(`/public/cycles/01900000-0000-7000-8000-000000000009/award-roll`) })).statusCode, 404);
});

t.test('GraphQL lists awards with units, departments and transitions in a constant number of queries, as REST', async (t) => {
  const fields = `id cycleId unitId unitName departmentId category tier tierLabel { zhCN en } certificateNo status statusLabel { zhCN en }
    rectificationDeadline dueForYellowCard nominationId rankingId namedAt revokedAt revocationReason version createdAt updatedAt`;
  const query = `query($c: ID!, $l: Int) { awards(cycleId: $c, limit: $l) { items { ${fields} unit { name department { name } } department { name } transitions { from to reason evidence { type id } } } nextCursor } }`;
  const few = await h.countQueries(() => gql(h, 'admin', query, { c: x.cycleId, l: 2 }));
  const many = await h.countQueries(() => gql(h, 'admin', query, { c: x.cycleId, l: 8 }));
  t.same(many.result.errors, undefined, JSON.stringify(many.result.errors));
  if (few.queries >= 0) t.equal(many.queries, few.queries, 'query count does not grow with the rows');
  const rest = (await h.as('admin', { method: 'GET', url: api(`/cycles/${x.cycleId}/awards?limit=8`) })).json();
  const items = (many.result.data!.awards as { items: Record<string, unknown>[] }).items;
  t.same(
    items.map(({ unit: _u, department: _d, transitions: _t, ...a }) => a),
    rest.items,
  );
  const one = award(5);
  const g = await gql(h, { role: 'unit', unitId: one.unitId }, `query($id: ID!) { award(id: $id) { id transitions { id from to reason deadline actor role at awardId evidence { type id } } } }`, { id: one.id });
  const r = (await h.as({ role: 'unit', unitId: one.unitId }, { method: 'GET', url: api(`/awards/${one.id}`) })).json();
  t.same((g.data!.award as { transitions: unknown }).transitions, r.transitions);

  const moved = await gql(h, 'admin', `mutation($id: ID!, $d: String) { transitionAward(id: $id, input: { to: active, reason: "验收合格", deadline: $d }) { id } }`, { id: one.id, d: inFuture() });
  t.equal(moved.errors![0].extensions!.code, 'validation_failed');
  t.same(moved.errors![0].extensions!.errors!.map((e) => e.field), ['deadline']);
  const ok = await gql(h, 'admin', `mutation($id: ID!) { transitionAward(id: $id, input: { to: active, reason: "验收合格" }) { status transitions { to } } }`, { id: one.id });
  t.same(ok.errors, undefined, JSON.stringify(ok.errors));
  t.equal((ok.data!.transitionAward as { status: string }).status, 'active');
  const illegal = await gql(h, 'admin', `mutation($id: ID!) { transitionAward(id: $id, input: { to: yellow_card, reason: "x" }) { status } }`, { id: one.id });
  t.equal(illegal.errors![0].extensions!.code, 'illegal_transition');
  const denied = await gql(h, 'inspector', `mutation($id: ID!) { transitionAward(id: $id, input: { to: yellow_card, reason: "x" }) { status } }`, { id: one.id });
  t.equal(denied.errors![0].extensions!.code, 'forbidden');
  const roll = await gql(h, 'anonymous', `query($c: ID!) { awardRoll(cycleId: $c) { cycleId holders { unitId unitName departmentName category tier tierLabel { zhCN en } certificateNo status statusLabel { zhCN en } namedAt } revoked { unitId unitName tier tierLabel { zhCN en } certificateNo revokedAt reason } } }`, { c: x.cycleId });
  t.same(roll.data!.awardRoll, (await h.as('anonymous', { method: 'GET', url: api(`/public/cycles/${x.cycleId}/award-roll`) })).json());
  const esc = await gql(h, 'admin', `mutation($c: ID!) { escalateOverdueAwards(cycleId: $c) { escalated { id } skipped { awardId } } }`, { c: x.cycleId });
  t.same(esc.data!.escalateOverdueAwards, { escalated: [], skipped: [] });
});

t.test('the service tells its listeners about committed changes only (the GraphQL subscription is wired to them)', async (t) => {
  const s = h.app.services;
  const heard: unknown[] = [];
  const stop = s.awards.onStatusChanged((e) => heard.push(e));
  const a = award(6); // active
  await s.awards.transition(ctx, a.id, undefined, { to: 'rectification_ordered', reason: '监听', deadline: inFuture(), evidence: [] });
  await s.awards.transition(ctx, a.id, undefined, { to: 'rectification_ordered', reason: '非法', deadline: inFuture(), evidence: [] }).catch(() => {});
  stop();
  await s.awards.transition(ctx, a.id, undefined, { to: 'active', reason: '停止监听后', evidence: [] });
  t.match(heard, [{ awardId: a.id, cycleId: x.cycleId, unitId: a.unitId, departmentId: a.departmentId, from: 'active', to: 'rectification_ordered', reason: '监听' }]);
  t.equal(heard.length, 1);
});

interface WsClient {
  send(data: string): void;
  on(event: 'message', cb: (data: Buffer) => void): void;
  once(event: 'open' | 'error', cb: (err?: Error) => void): void;
  terminate(): void;
}
type WsConstructor = new (url: string, protocol: string, opts: { headers: Record<string, string> }) => WsClient;

let wsUrl: string | null = null;
/**
 * A graphql-transport-ws client against the app listening on a free local port (the ws package is mercurius'
 * own dependency; imported by name so the tests need no extra types).
 */
async function subscribe(who: Parameters<TestApp['as']>[0], query: string, variables: Record<string, unknown>) {
  wsUrl ??= (await h.app.listen({ port: 0, host: '127.0.0.1' })).replace(/^http/, 'ws') + '/graphql';
  const wsModule = 'ws';
  const { WebSocket } = (await import(wsModule)) as { WebSocket: WsConstructor };
  const headers: Record<string, string> = {};
  if (who !== 'anonymous') headers.authorization = `Bearer ${await h.token(who)}`;
  const ws = new WebSocket(wsUrl, 'graphql-transport-ws', { headers });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const messages: { type: string; id?: string; payload?: unknown }[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (data) => {
    messages.push(JSON.parse(data.toString()));
    waiters.splice(0).forEach((w) => w());
  });
  const next = async (type: string) => {
    for (;;) {
      const i = messages.findIndex((m) => m.type === type);
      if (i >= 0) return messages.splice(i, 1)[0];
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  ws.send(JSON.stringify({ type: 'connection_init', payload: {} }));
  await next('connection_ack');
  ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables } }));
  return { ws, next, messages };
}

t.test('the GraphQL subscription delivers status changes of the cycle to a signed-in subscriber', async (t) => {
  const a = award(5); // active
  const query = `subscription($c: ID!) { awardStatusChanged(cycleId: $c) { awardId cycleId unitId tier from to reason evidence { type id } at } }`;
  const sub = await subscribe('inspector', query, { c: x.cycleId });
  const other = await subscribe({ role: 'department', departmentId: w.departments.forestry.id }, query, { c: x.cycleId });
  // give the subscriptions a moment to register with the pubsub before publishing
  await new Promise((r) => setTimeout(r, 50));
  const moved = await move(a.id, { to: 'rectification_ordered', reason: '订阅', deadline: inFuture() });
  t.equal(moved.statusCode, 200);
  const msg = (await sub.next('next')) as { payload: { data: { awardStatusChanged: Record<string, unknown> } } };
  t.match(msg.payload.data.awardStatusChanged, { awardId: a.id, cycleId: x.cycleId, unitId: a.unitId, from: 'active', to: 'rectification_ordered', reason: '订阅', evidence: [] });
  // the forestry department does not hear about a tax unit's award
  await new Promise((r) => setTimeout(r, 50));
  t.equal(a.departmentId, w.departments.tax.id);
  t.equal(other.messages.filter((m) => m.type === 'next').length, 0);
  sub.ws.terminate();
  other.ws.terminate();

  const anon = await subscribe('anonymous', query, { c: x.cycleId });
  const refused = (await anon.next('error')) as { payload: { message: string; path: string[] }[] };
  // mercurius sends errors of the subscribe step as they are (no errorFormatter): the message says why
  t.match(refused.payload[0], { message: /bearer token is required/, path: ['awardStatusChanged'] });
  anon.ws.terminate();
  await move(a.id, { to: 'active', reason: '验收' });
});
