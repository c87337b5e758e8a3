import t from 'tap';
import { callBackLinks } from '../src/modules/ratings/call-back-links.js';
import { DEVELOPMENT_RESPONDENT_KEY_SECRET } from '../src/modules/ratings/rules.js';
import { cycleInPhase } from './fixtures-cycles.js';
import { referenceWorld } from './fixtures.js';
import { gql, setup } from './helper.js';
import type { TestApp } from './helper.js';

const h = await setup(t);
const w = await referenceWorld(h);
const { forestStation, forestPolice, taxHallA } = w.units;
const cycle = await cycleInPhase(h, 'assessment', [forestStation.id, forestPolice.id, taxHallA.id], '差评核实周期');
const forestryManager = { role: 'department' as const, departmentId: w.departments.forestry.id, subject: 'dept:forestry' };
const taxManager = { role: 'department' as const, departmentId: w.departments.tax.id, subject: 'dept:tax' };
const stationStaff = { role: 'unit' as const, unitId: forestStation.id, subject: 'unit:station' };
const office = { role: 'admin' as const, subject: 'office:li' };
type Who = Parameters<TestApp['as']>[0];

let phoneSeq = 0;
const newPhone = () => `1390027${String(++phoneSeq).padStart(4, '0')}`;
const EVIDENCE = ['https://files.example.org/rectified.jpg'];

const qrLink = async (unitId: string, who: Who = stationStaff) => (await h.as(who, { method: 'GET', url: `/api/v1/units/${unitId}/qr-code?window=${encodeURIComponent('3号窗口')}` })).json();
const rateByQr = (code: string, payload: Record<string, unknown>) => h.as('anonymous', { method: 'POST', url: `/api/v1/public/qr-codes/${code}/ratings`, payload });
const step = (who: Who, id: string, action: string, payload: Record<string, unknown>) => h.as(who, { method: 'POST', url: `/api/v1/follow-ups/${id}/${action}`, payload });
const loop = async (id: string) => (await h.as('admin', { method: 'GET', url: `/api/v1/follow-ups/${id}` })).json();
const callBack = (token: string, payload: Record<string, unknown>) => h.as('anonymous', { method: 'POST', url: `/api/v1/public/call-backs/${token}`, payload });
const auditOf = async (id: string) =>
  (await h.as('admin', { method: 'GET', url: `/api/v1/audit-log?entityType=rating_follow_up&entityId=${id}` })).json().items as { action: string; actor: string }[];
const problemStep = (who: Who, id: string, action: string, payload: Record<string, unknown> = {}) => h.as(who, { method: 'POST', url: `/api/v1/problems/${id}/${action}`, payload });
/** The unit rectifies: starts the problem and submits its measures. */
async function unitSubmits(problemId: string) {
  t.equal((await problemStep(stationStaff, problemId, 'start')).statusCode, 200);
  const submitted = await problemStep(stationStaff, problemId, 'submit', { measures: '公示办事流程，当场办结', evidence: EVIDENCE });
  t.equal(submitted.statusCode, 200, submitted.body);
}

// The loop of the issue's "done when": QR → bad rating → verify → problem → the rater's link re-rates.
const link = await qrLink(forestStation.id);
const qrRating = await rateByQr(link.code, { level: 2, respondentKey: newPhone() });
const receipt = qrRating.json();
const qrLoopId: string = receipt.followUpId;
let problemId = '';

t.test('a QR-bound public rating at level 2 without a comment opens the loop and hands the rater a call-back link', async (t) => {
  t.equal(qrRating.statusCode, 201, qrRating.body);
  t.ok(receipt.followUpId);
  t.match(receipt.callBackToken, /^[0-9a-f-]{36}\.\d+\.[A-Za-z0-9_-]+$/);
  const [row] = await h.sql<{ channel: string; presence_bound: boolean; comment: string | null }>('select channel, presence_bound, comment from ratings where id = $1', [receipt.id]);
  t.same(row, { channel: 'qr_code', presence_bound: true, comment: null });
  const f = await loop(qrLoopId);
  t.equal(f.status, 'open');
  t.equal(f.statusLabel.zhCN, '待核实');
  t.ok(Date.parse(f.verifyBy) > Date.now() && Date.parse(f.deadline) > Date.parse(f.verifyBy));
  t.equal(f.rating.presenceBound, true);
});

t.test('the rater cannot re-rate before the bad rating is verified and rectified', async (t) => {
  const early = await callBack(receipt.callBackToken, { level: 4 });
  t.equal(early.statusCode, 409, early.body);
  t.equal(early.json().code, 'call_back_not_ready');
});

t.test('the rated unit may not verify its own bad rating; another department does not see it', async (t) => {
  const byUnit = await step(stationStaff, qrLoopId, 'verify', { version: 1, outcome: 'not_substantiated', reason: '我单位认为不属实' });
  t.equal(byUnit.statusCode, 403);
  t.equal((await step(taxManager, qrLoopId, 'verify', { version: 1, outcome: 'substantiated', reason: 'x' })).statusCode, 404);
  t.equal((await step('inspector', qrLoopId, 'verify', { version: 1, outcome: 'substantiated', reason: 'x' })).statusCode, 403);
  const g = await gql(h, stationStaff, `mutation { verifyFollowUp(id: "${qrLoopId}", version: 1, outcome: malicious, reason: "x") { id } }`);
  t.equal(g.errors?.[0].extensions?.code, 'forbidden');
  const bad = await step(forestryManager, qrLoopId, 'verify', { version: 1, outcome: 'maybe', reason: '' });
  t.equal(bad.statusCode, 400);
  t.same(bad.json().errors.map((e: { field: string }) => e.field).sort(), ['body.outcome', 'body.reason']);
  t.equal((await loop(qrLoopId)).status, 'open', 'nothing changed');
});

t.test("the unit's department verifies it as substantiated", async (t) => {
  const res = await step(forestryManager, qrLoopId, 'verify', { version: 1, outcome: 'substantiated', reason: '窗口人员确有推诿' });
  t.equal(res.statusCode, 200, res.body);
  t.match(res.json(), { status: 'verified', verification: 'substantiated', verificationLabel: { zhCN: '属实' }, verifiedBy: 'dept:forestry' });
  const twice = await step(forestryManager, qrLoopId, 'verify', { version: 2, outcome: 'malicious', reason: 'again' });
  t.equal(twice.statusCode, 409);
  t.equal(twice.json().code, 'illegal_transition');
});

t.test('rectification opens a problem from the rating through the problems service', async (t) => {
  const byUnit = await step(stationStaff, qrLoopId, 'rectify', { version: 2 });
  t.equal(byUnit.statusCode, 403);
  const res = await step(forestryManager, qrLoopId, 'rectify', { version: 2, severity: 'major', description: '窗口推诿，限期整改' });
  t.equal(res.statusCode, 200, res.body);
  t.equal(res.json().status, 'rectifying');
  problemId = res.json().problemId;
  const p = (await h.as('admin', { method: 'GET', url: `/api/v1/problems/${problemId}` })).json();
  t.match(p, { unitId: forestStation.id, sourceType: 'rating', sourceId: receipt.id, severity: 'major', status: 'open' });
  t.ok(Date.parse(res.json().deadline) > Date.parse(p.deadline), 'the call-back falls due after the rectification deadline');
  const early = await callBack(receipt.callBackToken, { level: 4 });
  t.equal(early.json().code, 'call_back_not_ready', 'still not before the rectification is submitted');
});

t.test('the unit cannot enter a re-rating', async (t) => {
  const res = await step(stationStaff, qrLoopId, 'phone-call-back', { version: 3, level: 5 });
  t.equal(res.statusCode, 403);
  t.equal((await step(forestryManager, qrLoopId, 'phone-call-back', { version: 3, level: 5 })).statusCode, 403, 'nor its department: the office records phone call-backs');
  const g = await gql(h, stationStaff, `mutation { recordPhoneCallBack(id: "${qrLoopId}", version: 3, level: 5) { id } }`);
  t.equal(g.errors?.[0].extensions?.code, 'forbidden');
  t.equal((await h.as(stationStaff, { method: 'POST', url: `/api/v1/follow-ups/${qrLoopId}/resolve`, payload: { version: 3, resolution: 'x', reRatingLevel: 5 } })).statusCode, 404, 'the old path is gone');
  t.equal((await loop(qrLoopId)).reRatingLevel, null);
});

t.test("the rater's link re-rates once the rectification is submitted, and only once", async (t) => {
  await unitSubmits(problemId);
  const forged = await callBack(receipt.callBackToken.replace(/.$/, (c: string) => (c === 'A' ? 'B' : 'A')), { level: 5 });
  t.equal(forged.statusCode, 404);
  t.equal(forged.json().code, 'call_back_link_invalid');
  const otherLoop = await callBack(`${receipt.followUpId.replace(/.$/, (c: string) => (c === '0' ? '1' : '0'))}.${receipt.callBackToken.split('.').slice(1).join('.')}`, { level: 5 });
  t.equal(otherLoop.json().code, 'call_back_link_invalid', 'a signature is bound to its loop');
  const expired = callBackLinks(h.config.RESPONDENT_KEY_SECRET ?? DEVELOPMENT_RESPONDENT_KEY_SECRET, 1).issue(qrLoopId, new Date('2020-01-01T00:00:00Z'));
  t.equal((await callBack(expired, { level: 5 })).statusCode, 410);
  t.equal((await callBack(expired, { level: 5 })).json().code, 'call_back_link_expired');
  t.equal((await callBack(receipt.callBackToken, { level: 7 })).statusCode, 400);

  const res = await callBack(receipt.callBackToken, { level: 4, comment: '态度明显改善' });
  t.equal(res.statusCode, 200, res.body);
  t.same(res.json(), { followUpId: qrLoopId, status: 'called_back', reRatingLevel: 4 });
  const again = await callBack(receipt.callBackToken, { level: 1 });
  t.equal(again.statusCode, 409);
  t.equal(again.json().code, 'call_back_already_given');
  const f = await loop(qrLoopId);
  t.match(f, { status: 'called_back', reRatingLevel: 4, callBackComment: '态度明显改善', callBackChannel: 'rater_link', calledBackBy: 'rater' });
  t.equal(f.rating.level, 2, 'the original rating is never changed');
});

t.test('the department closes the loop; every step is audited with its actor', async (t) => {
  const res = await step(forestryManager, qrLoopId, 'close', { version: 4, note: '群众认可整改' });
  t.equal(res.statusCode, 200, res.body);
  t.equal(res.json().status, 'closed');
  t.same(
    (await auditOf(qrLoopId)).map((e) => [e.action, e.actor]),
    [
      ['follow_up.opened', 'anonymous'],
      ['follow_up.verified', 'dept:forestry'],
      ['follow_up.rectifying', 'dept:forestry'],
      ['follow_up.called_back', 'rater'],
      ['follow_up.closed', 'dept:forestry'],
    ],
  );
  t.equal((await problemStep('admin', problemId, 'verify')).statusCode, 200, 'the office signs the problem off (整改销号)');
});

let phoneLoopId = '';
t.test('office staff record a phone call-back, marked phone, for a loop rectified through an existing problem', async (t) => {
  const r = await h.as('anonymous', { method: 'POST', url: '/api/v1/public/ratings', payload: { unitId: forestStation.id, channel: 'portal', level: 1, comment: '办事要跑三趟', respondentKey: newPhone() } });
  phoneLoopId = r.json().followUpId;
  t.equal((await step(office, phoneLoopId, 'verify', { version: 1, outcome: 'substantiated', reason: '属实' })).statusCode, 200);
  const other = (await h.as('admin', { method: 'POST', url: '/api/v1/problems', payload: { unitId: forestPolice.id, sourceType: 'manual', severity: 'minor', description: '别的单位的问题' } })).json();
  const wrongUnit = await step(office, phoneLoopId, 'rectify', { version: 2, problemId: other.problem?.id ?? other.id });
  t.equal(wrongUnit.statusCode, 422);
  t.equal(wrongUnit.json().errors[0].field, 'problemId');
  const own = (await h.as('admin', { method: 'POST', url: '/api/v1/problems', payload: { unitId: forestStation.id, sourceType: 'manual', severity: 'minor', description: '办事流程不清' } })).json();
  const ownId: string = own.problem?.id ?? own.id;
  const linked = await step(office, phoneLoopId, 'rectify', { version: 2, problemId: ownId });
  t.equal(linked.statusCode, 200, linked.body);
  t.equal(linked.json().problemId, ownId);
  t.equal((await step(office, phoneLoopId, 'phone-call-back', { version: 3, level: 3 })).json().code, 'call_back_not_ready');
  await unitSubmits(ownId);
  const res = await step(office, phoneLoopId, 'phone-call-back', { version: 3, level: 3, comment: '电话回访：基本满意' });
  t.equal(res.statusCode, 200, res.body);
  t.match(res.json(), { status: 'called_back', reRatingLevel: 3, callBackChannel: 'phone', calledBackBy: 'office:li' });
  const link = await callBack(r.json().callBackToken, { level: 5 });
  t.equal(link.json().code, 'call_back_already_given', "the rater's link is spent once the phone call-back is recorded");
});

t.test('a malicious verification closes the loop (recorded, not excluded here)', async (t) => {
  const r = await h.as('anonymous', { method: 'POST', url: '/api/v1/public/ratings', payload: { unitId: forestPolice.id, channel: 'sms', level: 1, respondentKey: newPhone() } });
  const id = r.json().followUpId;
  const res = await step(forestryManager, id, 'verify', { version: 1, outcome: 'malicious', reason: '同一人反复恶意差评' });
  t.equal(res.statusCode, 200, res.body);
  t.match(res.json(), { status: 'closed', verification: 'malicious', closedBy: 'dept:forestry' });
  t.equal((await callBack(r.json().callBackToken, { level: 1 })).json().code, 'call_back_already_given');
  t.same((await auditOf(id)).map((e) => e.action), ['follow_up.opened', 'follow_up.verified']);
  t.equal((await h.as('admin', { method: 'GET', url: `/api/v1/ratings?unitId=${forestPolice.id}&level=1` })).json().items.length, 1, 'the rating still counts');
});

t.test('an integration’s bad rating opens the loop too, without a link for anyone but the rater', async (t) => {
  const res = await h.as({ role: 'integration', subject: 'hotline-12345' }, { method: 'POST', url: '/api/v1/ratings', payload: { unitId: taxHallA.id, source: 'hotline-12345', channel: 'hotline', level: 2, cycleId: cycle.id } });
  t.equal(res.statusCode, 201, res.body);
  t.ok(res.json().followUpId);
  t.equal(res.json().callBackToken, null);
});

t.test('statistics: verification outcomes, rectification rate, call-back rate, QR share', async (t) => {
  const res = await h.as('admin', { method: 'GET', url: `/api/v1/statistics?cycleId=${cycle.id}` });
  t.equal(res.statusCode, 200, res.body);
  const { followUps, ratings } = res.json().figures;
  t.match(followUps, {
    total: 4,
    awaitingVerification: 1,
    substantiated: 2,
    notSubstantiated: 0,
    malicious: 1,
    rectified: 1,
    rectificationRate: 0.5,
    callBackDue: 2,
    calledBack: 2,
    calledBackByRater: 1,
    calledBackByPhone: 1,
    callBackRate: 1,
  });
  t.match(followUps.byStatus, { open: 1, closed: 2, called_back: 1 });
  t.equal(ratings.total, 4);
  t.equal(ratings.presenceBound, 1);
  t.equal(ratings.presenceBoundShare, 0.25);
  const g = await gql(h, 'admin', `query($c: ID!) { statistics(cycleId: $c) { figures { followUps { rectificationRate callBackRate malicious } ratings { presenceBound presenceBoundShare } } } }`, { c: cycle.id });
  t.same(g.data, { statistics: { figures: { followUps: { rectificationRate: 0.5, callBackRate: 1, malicious: 1 }, ratings: { presenceBound: 1, presenceBoundShare: 0.25 } } } });
});

t.test('一事一评 end to end: a case rated by its QR code, bad-rated, verified, rectified through a problem and re-rated by the rater', async (t) => {
  const s = h.app.services;
  const ctx = { principal: office, requestId: 'test' };
  const item = await s.serviceItems.create(ctx, { departmentId: w.departments.forestry.id, code: 'LY-QR-CASE', name: '林木采伐许可证核发', promisedDays: 5, modes: ['time_limited'] });
  await s.serviceItems.setUnits(ctx, item.id, [forestStation.id]);
  const filed = await h.as('integration', {
    method: 'POST',
    url: '/api/v1/cases',
    payload: { source: 'zwfw_test', caseNumber: 'QR-CASE-1', itemId: item.id, unitId: forestStation.id, receivedAt: new Date(Date.now() - 3_600_000).toISOString(), firstResponder: 'LY-0231' },
  });
  t.equal(filed.statusCode, 201, filed.body);
  const c = filed.json();
  const accepted = await h.as('integration', { method: 'POST', url: `/api/v1/cases/${c.id}/accept`, payload: { version: c.version } });
  t.equal(accepted.statusCode, 200, accepted.body);
  const completed = await h.as('integration', { method: 'POST', url: `/api/v1/cases/${c.id}/complete`, payload: { version: accepted.json().version } });
  t.equal(completed.statusCode, 200, completed.body);

  // The code handed over with the case names the case, not a window; it is refused for a case of another unit.
  const wrongUnit = await h.as('admin', { method: 'GET', url: `/api/v1/units/${forestPolice.id}/qr-code?kind=case&caseId=${c.id}` });
  t.equal(wrongUnit.statusCode, 422, wrongUnit.body);
  t.equal((await h.as(stationStaff, { method: 'GET', url: `/api/v1/units/${forestStation.id}/qr-code?caseId=${c.id}` })).statusCode, 400, 'a caseId needs kind=case');
  const code = await h.as(stationStaff, { method: 'GET', url: `/api/v1/units/${forestStation.id}/qr-code?kind=case&caseId=${c.id}` });
  t.equal(code.statusCode, 200, code.body);
  t.match(code.json(), { kind: 'case', caseId: c.id, window: null, validUntil: null });
  const target = await h.as('anonymous', { method: 'GET', url: `/api/v1/public/qr-codes/${code.json().code}` });
  t.match(target.json(), { unitId: forestStation.id, kind: 'case', caseId: c.id });

  // From its own address: the file's other raters have used up the anonymous per-minute allowance of the default one.
  const rater = { remoteAddress: '203.0.113.45' };
  const rated = await h.as('anonymous', { method: 'POST', url: `/api/v1/public/qr-codes/${code.json().code}/ratings`, payload: { level: 1, comment: '办件拖延', respondentKey: newPhone() }, ...rater });
  t.equal(rated.statusCode, 201, rated.body);
  const [row] = await h.sql<{ case_id: string; channel: string; presence_bound: boolean }>('select case_id, channel, presence_bound from ratings where id = $1', [rated.json().id]);
  t.same(row, { case_id: c.id, channel: 'qr_code', presence_bound: true });
  const twice = await h.as('anonymous', { method: 'POST', url: `/api/v1/public/qr-codes/${code.json().code}/ratings`, payload: { level: 5, respondentKey: newPhone() }, ...rater });
  t.equal(twice.statusCode, 409);
  t.equal(twice.json().code, 'case_already_rated', 'one case, one rating');
  t.equal((await h.as(stationStaff, { method: 'GET', url: `/api/v1/units/${forestStation.id}/qr-code?kind=case&caseId=${c.id}` })).json().code, 'case_already_rated', 'no code for a rated case');

  const loopId: string = rated.json().followUpId;
  t.equal((await step(forestryManager, loopId, 'verify', { version: 1, outcome: 'substantiated', reason: '办件超期属实' })).statusCode, 200);
  const rectified = await step(forestryManager, loopId, 'rectify', { version: 2, severity: 'minor', description: '限时办结整改' });
  t.equal(rectified.statusCode, 200, rectified.body);
  await unitSubmits(rectified.json().problemId);
  const re = await h.as('anonymous', { method: 'POST', url: `/api/v1/public/call-backs/${rated.json().callBackToken}`, payload: { level: 5, comment: '已按时办结' }, ...rater });
  t.equal(re.statusCode, 200, re.body);
  t.match(await loop(loopId), { status: 'called_back', reRatingLevel: 5, callBackChannel: 'rater_link', rating: { level: 1 } });
});
