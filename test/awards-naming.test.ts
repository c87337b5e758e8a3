import t from 'tap';
import { systemContext } from '../src/lib/principal.js';
import { advance, awardsWorld, complaint, publishRanking, seriousProblem } from './fixtures-awards.js';
import { referenceWorld } from './fixtures.js';
import { gql, setup } from './helper.js';
import type { TestApp } from './helper.js';

const h: TestApp = await setup(t);
const w = await referenceWorld(h);
const api = (p: string) => `/api/v1${p}`;
const ctx = systemContext('test');

interface Candidate {
  unitId: string;
  unitName: string;
  tier: 'top10' | 'top100';
  category: string;
  position: number;
}
interface Nomination {
  id: string;
  status: string;
  version: number;
  candidates: Candidate[];
  passedOver: { unitId: string; reasons: string[]; evidence: { type: string; id: string }[] }[];
  strikes: { unitId: string; reason: string; by: string }[];
}

const propose = (cycleId: string, rankingId: string, who: Parameters<TestApp['as']>[0] = 'admin') =>
  h.as(who, { method: 'POST', url: api(`/cycles/${cycleId}/nominations`), payload: { rankingId } });
const names = (n: Nomination, tier?: string) => n.candidates.filter((c) => !tier || c.tier === tier).map((c) => c.unitName);

let year = 2030;
/** A world in naming with 6 law + 4 public units, L1 best … P4 worst, and quotas top10 2 / top100 5. */
async function naming(settings = { quotas: { top10: 2, top100: 5, perCategory: null } }, tune: (all: { unit: { id: string }; score: number; ratings?: number; flags?: string[] }[]) => void = () => {}) {
  const x = await awardsWorld(h, { year: year++, lawCount: 6, pubCount: 4, settings, world: w });
  const entries = x.all.map((unit, i) => ({ unit, score: 95 - i, ratings: 50, flags: [] as string[] }));
  tune(entries);
  const rankingId = await publishRanking(h, x.cycleId, entries);
  await advance(h, x.cycleId, 'naming');
  return { ...x, rankingId };
}

t.test('the move from ranking to naming needs a published ranking', async (t) => {
  const x = await awardsWorld(h, { year: 2029, world: w, lawCount: 1, pubCount: 1 });
  const c = await h.app.services.cycles.getCycle(x.cycleId);
  const res = await h.as('admin', { method: 'POST', url: api(`/cycles/${x.cycleId}/transitions`), payload: { to: 'naming', version: c.version } });
  t.equal(res.statusCode, 409);
  t.match(res.json(), { code: 'preconditions_failed', failed: [{ check: 'published_ranking' }] });
  await publishRanking(h, x.cycleId, x.all.map((unit, i) => ({ unit, score: 90 - i })));
  const ok = await h.as('admin', { method: 'POST', url: api(`/cycles/${x.cycleId}/transitions`), payload: { to: 'naming', version: c.version } });
  t.equal(ok.statusCode, 200, ok.body);
});

t.test('a proposal names the best eligible units within the quotas: 十佳 first, then 百佳 (which includes them)', async (t) => {
  const x = await naming();
  const res = await propose(x.cycleId, x.rankingId);
  t.equal(res.statusCode, 201, res.body);
  const n = res.json() as Nomination;
  t.equal(n.status, 'proposed');
  t.same(names(n, 'top10'), [x.law[0].name, x.law[1].name]);
  t.same(names(n, 'top100'), [x.law[2].name, x.law[3].name, x.law[4].name]);
  t.same(n.candidates.map((c) => c.position), [1, 2, 3, 4, 5]);
  t.same(n.passedOver, []);
  t.equal(res.headers.etag, `"${n.version}"`);
});

t.test('disqualified, insufficient-sample, open-serious-problem and serious-complaint units are passed over, with reasons', async (t) => {
  const x = await naming(undefined, (entries) => {
    entries[1].flags = ['insufficient_sample'];
  });
  const [l1, l2, l3, l4, l5] = x.law;
  await h.sql(`update enrollments set status = 'disqualified', reason = '属实投诉' where cycle_id = $1 and unit_id = $2`, [x.cycleId, l1.id]);
  const problemId = await seriousProblem(h, l3.id, x.cycleId);
  await seriousProblem(h, l5.id, x.cycleId, 'verified'); // rectified: no obstacle
  const complaintId = await complaint(h, l4.id, x.cycleId, { substantiated: true, severity: 'serious' });
  await complaint(h, l5.id, x.cycleId, { substantiated: true, severity: 'minor' }); // not serious: no obstacle
  const n = (await propose(x.cycleId, x.rankingId)).json() as Nomination;
  t.same(names(n, 'top10'), [l5.name, x.law[5].name]);
  t.same(names(n, 'top100'), x.pub.slice(0, 3).map((u) => u.name));
  const passed = new Map(n.passedOver.map((p) => [p.unitId, p]));
  t.same(passed.get(l1.id)!.reasons, ['disqualified']);
  t.same(passed.get(l2.id)!.reasons, ['insufficient_sample']);
  t.same(passed.get(l3.id), { unitId: l3.id, reasons: ['open_serious_problem'], evidence: [{ type: 'problem', id: problemId }] });
  t.same(passed.get(l4.id), { unitId: l4.id, reasons: ['substantiated_serious_complaint'], evidence: [{ type: 'complaint', id: complaintId }] });
  t.equal(passed.size, 4);
});

t.test('overall quotas order by score, ties by more ratings and then unit id', async (t) => {
  const x = await naming({ quotas: { top10: 1, top100: 3, perCategory: null } }, (entries) => {
    // P1 ties the best law unit on score with more ratings; P2 and P3 tie completely, just below
    entries[6].score = 95;
    entries[6].ratings = 80;
    entries[7].score = 94.5;
    entries[8].score = 94.5;
  });
  const n = (await propose(x.cycleId, x.rankingId)).json() as Nomination;
  const [p1, p2, p3] = x.pub;
  const firstOfTie = p2.id < p3.id ? p2 : p3;
  t.same(names(n), [p1.name, x.law[0].name, firstOfTie.name]);
  t.same(n.candidates.map((c) => c.tier), ['top10', 'top100', 'top100']);
});

t.test('with a per-category split, each category is named from its own ranks', async (t) => {
  const perCategory = { law_enforcement: { top10: 1, top100: 2 }, public_service: { top10: 1, top100: 3 }, economic_social_management: { top10: 0, top100: 0 } };
  const x = await naming({ quotas: { top10: 2, top100: 5, perCategory } } as never);
  const n = (await propose(x.cycleId, x.rankingId)).json() as Nomination;
  t.same(
    n.candidates.map((c) => [c.unitName, c.tier, c.category, c.position]),
    [
      [x.law[0].name, 'top10', 'law_enforcement', 1],
      [x.law[1].name, 'top100', 'law_enforcement', 2],
      [x.pub[0].name, 'top10', 'public_service', 1],
      [x.pub[1].name, 'top100', 'public_service', 2],
      [x.pub[2].name, 'top100', 'public_service', 3],
    ],
  );
});

t.test('striking a 十佳 candidate pulls the best 百佳 up and the next eligible unit in; the strike is recorded and audited', async (t) => {
  const x = await naming();
  const n = (await propose(x.cycleId, x.rankingId)).json() as Nomination;
  const res = await h.as('admin', { method: 'POST', url: api(`/nominations/${n.id}/strikes`), payload: { unitId: x.law[0].id, reason: '命名前发生严重违纪' } });
  t.equal(res.statusCode, 200, res.body);
  const after = res.json() as Nomination;
  t.same(names(after, 'top10'), [x.law[1].name, x.law[2].name]);
  t.same(names(after, 'top100'), [x.law[3].name, x.law[4].name, x.law[5].name]);
  t.match(after.strikes, [{ unitId: x.law[0].id, reason: '命名前发生严重违纪' }]);
  t.equal(after.version, n.version + 1);

  const notCandidate = await h.as('admin', { method: 'POST', url: api(`/nominations/${n.id}/strikes`), payload: { unitId: x.law[0].id, reason: '再次' } });
  t.equal(notCandidate.statusCode, 422);
  t.equal(notCandidate.json().errors[0].field, 'unitId');
  const noReason = await h.as('admin', { method: 'POST', url: api(`/nominations/${n.id}/strikes`), payload: { unitId: x.law[1].id, reason: '' } });
  t.equal(noReason.statusCode, 400);
  const stale = await h.as('admin', { method: 'POST', url: api(`/nominations/${n.id}/strikes`), headers: { 'if-match': `"${n.version}"` }, payload: { unitId: x.law[1].id, reason: '过期版本' } });
  t.equal(stale.statusCode, 412);

  const audit = await h.as('admin', { method: 'GET', url: api(`/audit-log?entityType=nomination&entityId=${n.id}`) });
  t.same(
    audit.json().items.map((e: { action: string }) => e.action),
    ['nomination.proposed', 'nomination.candidate_struck'],
  );
});

t.test('a new proposal supersedes the open one; only a published ranking of the cycle is accepted', async (t) => {
  const x = await naming();
  const first = (await propose(x.cycleId, x.rankingId)).json() as Nomination;
  const second = await propose(x.cycleId, x.rankingId);
  t.equal(second.statusCode, 201);
  const [{ status }] = await h.sql<{ status: string }>(`select status from nominations where id = $1`, [first.id]);
  t.equal(status, 'superseded');
  const current = await h.as('inspector', { method: 'GET', url: api(`/cycles/${x.cycleId}/nominations/current`) });
  t.equal(current.json().id, second.json().id);
  const strikeOld = await h.as('admin', { method: 'POST', url: api(`/nominations/${first.id}/strikes`), payload: { unitId: x.law[0].id, reason: 'x' } });
  t.match(strikeOld.json(), { status: 409, code: 'nomination_not_open' });

  const other = await awardsWorld(h, { year: 2099, world: w, lawCount: 1, pubCount: 0 });
  const otherRanking = await publishRanking(h, other.cycleId, [{ unit: other.law[0], score: 90 }]);
  const foreign = await propose(x.cycleId, otherRanking);
  t.equal(foreign.statusCode, 422);
  t.equal(foreign.json().errors[0].field, 'rankingId');
  const [{ id: draft }] = await h.sql<{ id: string }>(
    `insert into rankings (id, cycle_id, status, formula_version, parameters, input_counts, computed_by) values (gen_random_uuid(), $1, 'draft', 'S1', '{}', '{}', 'x') returning id`,
    [x.cycleId],
  );
  t.equal((await propose(x.cycleId, draft)).json().errors[0].field, 'rankingId');
  // the other cycle is still in ranking: no naming there
  t.match((await propose(other.cycleId, otherRanking)).json(), { status: 409, code: 'cycle_not_in_naming' });
});

t.test('confirming makes one award per candidate with unique certificate numbers, audited; the cycle is then named', async (t) => {
  const x = await naming();
  const n = (await propose(x.cycleId, x.rankingId)).json() as Nomination;
  const res = await h.as('admin', { method: 'POST', url: api(`/nominations/${n.id}/confirm`), payload: {} });
  t.equal(res.statusCode, 200, res.body);
  const { nomination, awards } = res.json() as { nomination: Nomination & { confirmedBy: string }; awards: { id: string; unitName: string; tier: string; certificateNo: string; status: string }[] };
  t.equal(nomination.status, 'confirmed');
  t.ok(nomination.confirmedBy);
  t.same(
    awards.map((a) => [a.unitName, a.tier, a.certificateNo, a.status]),
    [
      [x.law[0].name, 'top10', `MY${x.year}-T10-0001`, 'active'],
      [x.law[1].name, 'top10', `MY${x.year}-T10-0002`, 'active'],
      [x.law[2].name, 'top100', `MY${x.year}-T100-0001`, 'active'],
      [x.law[3].name, 'top100', `MY${x.year}-T100-0002`, 'active'],
      [x.law[4].name, 'top100', `MY${x.year}-T100-0003`, 'active'],
    ],
  );
  t.match((await h.as('admin', { method: 'POST', url: api(`/nominations/${n.id}/confirm`), payload: {} })).json(), { status: 409, code: 'nomination_not_open' });
  t.match((await propose(x.cycleId, x.rankingId)).json(), { status: 409, code: 'already_named' });

  const audit = await h.as('admin', { method: 'GET', url: api(`/audit-log?entityType=award&entityId=${awards[0].id}`) });
  t.same(audit.json().items.map((e: { action: string }) => e.action), ['award.named']);
  const confirmed = await h.as('admin', { method: 'GET', url: api(`/audit-log?entityType=nomination&entityId=${n.id}&action=nomination.confirmed`) });
  t.equal(confirmed.json().items.length, 1);
});

t.test('a second cycle of the same year continues the certificate numbers', async (t) => {
  const s = h.app.services;
  const a = await naming({ quotas: { top10: 1, top100: 2, perCategory: null } });
  year--; // same year again
  const b = await naming({ quotas: { top10: 1, top100: 2, perCategory: null } });
  const na = await s.awards.propose(ctx, a.cycleId, a.rankingId);
  const nb = await s.awards.propose(ctx, b.cycleId, b.rankingId);
  const [ra, rb] = await Promise.all([s.awards.confirm(ctx, na.id, undefined), s.awards.confirm(ctx, nb.id, undefined)]);
  const numbers = [...ra.awards, ...rb.awards].map((x) => x.certificateNo).sort();
  t.same(numbers, [`MY${b.year}-T10-0001`, `MY${b.year}-T10-0002`, `MY${b.year}-T100-0001`, `MY${b.year}-T100-0002`]);
});

t.test('only the office proposes, strikes and confirms; staff read the proposal', async (t) => {
  const x = await naming();
  const n = (await propose(x.cycleId, x.rankingId)).json() as Nomination;
  const others = ['inspector', 'integration', { role: 'supervisor', supervisorId: x.law[0].id }, { role: 'department', departmentId: w.departments.forestry.id }, { role: 'unit', unitId: x.law[0].id }] as const;
  for (const who of others) {
    const label = typeof who === 'string' ? who : who.role;
    t.equal((await propose(x.cycleId, x.rankingId, who)).statusCode, 403, `${label} propose`);
    t.equal((await h.as(who, { method: 'POST', url: api(`/nominations/${n.id}/strikes`), payload: { unitId: x.law[0].id, reason: 'x' } })).statusCode, 403, `${label} strike`);
    t.equal((await h.as(who, { method: 'POST', url: api(`/nominations/${n.id}/confirm`), payload: {} })).statusCode, 403, `${label} confirm`);
    const read = await h.as(who, { method: 'GET', url: api(`/cycles/${x.cycleId}/nominations/current`) });
    t.equal(read.statusCode, who === 'inspector' ? 200 : 403, `${label} read`);
  }
  t.equal((await propose(x.cycleId, x.rankingId, 'anonymous')).statusCode, 401);
  t.equal((await h.as('anonymous', { method: 'GET', url: api(`/cycles/${x.cycleId}/nominations/current`) })).statusCode, 401);
});

t.test('GraphQL proposes, strikes, confirms and reads the same nomination as REST', async (t) => {
  const x = await naming();
  const proposed = await gql(h, 'admin', `mutation($c: ID!, $r: ID!) { proposeNomination(cycleId: $c, rankingId: $r) { id version candidates { unitId tier } } }`, { c: x.cycleId, r: x.rankingId });
  t.same(proposed.errors, undefined, JSON.stringify(proposed.errors));
  const id = (proposed.data!.proposeNomination as { id: string }).id;
  const struck = await gql(h, 'admin', `mutation($id: ID!, $u: ID!) { strikeCandidate(nominationId: $id, unitId: $u, reason: "违纪") { strikes { unitId reason } candidates { unitName } } }`, { id, u: x.law[0].id });
  t.same((struck.data!.strikeCandidate as { strikes: unknown[] }).strikes, [{ unitId: x.law[0].id, reason: '违纪' }]);
  const bad = await gql(h, 'admin', `mutation($id: ID!, $u: ID!) { strikeCandidate(nominationId: $id, unitId: $u, reason: "违纪") { id } }`, { id, u: x.law[0].id });
  t.equal(bad.errors![0].extensions!.code, 'validation_failed');

  const fields = `id cycleId rankingId status statusLabel { zhCN en } quotas { top10 top100 perCategory { category top10 top100 } }
    candidates { unitId unitName departmentId departmentName category tier tierLabel { zhCN en } position score rank }
    strikes { unitId reason by at } passedOver { unitId reasons evidence { type id } } createdBy createdAt confirmedBy confirmedAt version`;
  const g = await gql(h, 'inspector', `query($c: ID!) { currentNomination(cycleId: $c) { ${fields} } }`, { c: x.cycleId });
  const rest = (await h.as('inspector', { method: 'GET', url: api(`/cycles/${x.cycleId}/nominations/current`) })).json();
  t.same({ ...(g.data!.currentNomination as object), quotas: { ...rest.quotas } }, rest);

  const confirmed = await gql(h, 'admin', `mutation($id: ID!) { confirmNomination(nominationId: $id) { nomination { status } awards { certificateNo unit { name } } } }`, { id });
  t.same(confirmed.errors, undefined, JSON.stringify(confirmed.errors));
  t.equal((confirmed.data!.confirmNomination as { nomination: { status: string } }).nomination.status, 'confirmed');
  const denied = await gql(h, { role: 'unit', unitId: x.law[0].id }, `query($c: ID!) { currentNomination(cycleId: $c) { id } }`, { c: x.cycleId });
  t.equal(denied.errors![0].extensions!.code, 'forbidden');
});
