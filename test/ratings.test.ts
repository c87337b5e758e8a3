import t from 'tap';
import { generateKeyPairSync } from 'node:crypto';
import { ConfigError, loadConfig } from '../src/config.js';
import { DEVELOPMENT_RESPONDENT_KEY_SECRET, respondentHasher } from '../src/modules/ratings/rules.js';
import { referenceWorld } from './fixtures.js';
import { gql, setup } from './helper.js';
import type { TestApp } from './helper.js';

const h = await setup(t);
const w = await referenceWorld(h);
const { forestStation, forestPolice, taxHallA } = w.units;
const forestryManager = { role: 'department' as const, departmentId: w.departments.forestry.id, subject: 'dept:forestry' };
const taxManager = { role: 'department' as const, departmentId: w.departments.tax.id, subject: 'dept:tax' };
const stationStaff = { role: 'unit' as const, unitId: forestStation.id, subject: 'unit:station' };
const policeStaff = { role: 'unit' as const, unitId: forestPolice.id, subject: 'unit:police' };
const hotline = { role: 'integration' as const, subject: 'hotline-12345' };
const supervisor = { role: 'supervisor' as const, supervisorId: '0190a6f0-0000-7000-8000-0000000000aa' };

let phoneSeq = 0;
const newPhone = () => `1380013${String(++phoneSeq).padStart(4, '0')}`;

function publicRating(payload: Record<string, unknown>) {
  return h.as('anonymous', { method: 'POST', url: '/api/v1/public/ratings', payload });
}
function integrationRating(payload: Record<string, unknown>, who: Parameters<TestApp['as']>[0] = hotline) {
  return h.as(who, { method: 'POST', url: '/api/v1/ratings', payload: { source: 'hotline-12345', channel: 'hotline', ...payload } });
}

t.test('anyone can read the channels and levels with their labels', async (t) => {
  const res = await h.as('anonymous', { method: 'GET', url: '/api/v1/rating-channels' });
  t.equal(res.statusCode, 200);
  t.equal(res.json().channels.length, 16, "the source document's twelve and the 好差评 scheme's 评价器, 扫码评价 (qr_code), 自助终端 and app");
  t.same(res.json().channels.find((c: { code: string }) => c.code === 'ten_thousand_review'), { code: 'ten_thousand_review', label: { zhCN: '万人评机关', en: 'Ten-thousand-people review' }, publicLimit: false });
  t.same(res.json().channels.filter((c: { publicLimit: boolean }) => c.publicLimit).map((c: { code: string }) => c.code), ['sms', 'portal', 'mailbox', 'qr_code']);
  t.same(res.json().levels.map((l: { level: number; label: { zhCN: string }; bad: boolean }) => [l.level, l.label.zhCN, l.bad]), [
    [5, '非常满意', false],
    [4, '满意', false],
    [3, '基本满意', false],
    [2, '不满意', true],
    [1, '非常不满意', true],
  ]);
});

t.test('the public rates a unit through the portal and gets a receipt', async (t) => {
  const res = await publicRating({ unitId: forestStation.id, channel: 'portal', level: 5, respondentKey: newPhone() });
  t.equal(res.statusCode, 201, res.body);
  const receipt = res.json();
  t.equal(receipt.duplicate, false);
  t.equal(receipt.followUpId, null);
  const [row] = await h.sql<{ source: string; level: number; submitted_by: string }>('select source, level, submitted_by from ratings where id = $1', [receipt.id]);
  t.same(row, { source: 'public', level: 5, submitted_by: 'anonymous' });
});

t.test('the same respondent rating the same unit twice in a day on a public channel is refused', async (t) => {
  const phone = newPhone();
  const first = await publicRating({ unitId: forestStation.id, channel: 'sms', level: 4, respondentKey: phone });
  t.equal(first.statusCode, 201, first.body);
  // spacing and dashes do not make a new respondent
  const second = await publicRating({ unitId: forestStation.id, channel: 'mailbox', level: 1, respondentKey: `${phone.slice(0, 3)}-${phone.slice(3, 7)} ${phone.slice(7)}` });
  t.equal(second.statusCode, 409, second.body);
  t.equal(second.json().code, 'rating_limit_reached');
  const otherUnit = await publicRating({ unitId: forestPolice.id, channel: 'sms', level: 4, respondentKey: phone });
  t.equal(otherUnit.statusCode, 201, 'another unit the same day is fine');
});

t.test('the limit also holds for an integration sending public-channel ratings with a respondent key', async (t) => {
  const phone = newPhone();
  t.equal((await integrationRating({ unitId: taxHallA.id, channel: 'portal', level: 3, respondentKey: phone, externalId: 'p-1' })).statusCode, 201);
  const again = await integrationRating({ unitId: taxHallA.id, channel: 'portal', level: 3, respondentKey: phone, externalId: 'p-2' });
  t.equal(again.statusCode, 409);
  t.equal(again.json().code, 'rating_limit_reached');
  const offChannel = await integrationRating({ unitId: taxHallA.id, channel: 'hotline', level: 3, respondentKey: phone, externalId: 'p-3' });
  t.equal(offChannel.statusCode, 201, 'non-public channels are not limited per day');
});

t.test('the public may only use public channels and must identify the respondent', async (t) => {
  const offChannel = await publicRating({ unitId: forestStation.id, channel: 'household_visit', level: 5, respondentKey: newPhone() });
  t.equal(offChannel.statusCode, 422);
  t.equal(offChannel.json().errors[0].field, 'channel');
  const noKey = await publicRating({ unitId: forestStation.id, channel: 'portal', level: 5 });
  t.equal(noKey.statusCode, 422);
  t.equal(noKey.json().errors[0].field, 'respondentKey');
});

t.test('a rating with a bad level or an unknown unit is refused, naming the field', async (t) => {
  const level = await publicRating({ unitId: forestStation.id, channel: 'portal', level: 6, respondentKey: newPhone() });
  t.equal(level.statusCode, 400);
  t.equal(level.json().errors[0].field, 'body.level');
  const unit = await publicRating({ unitId: '0190a6f0-0000-7000-8000-000000000000', channel: 'portal', level: 5, respondentKey: newPhone() });
  t.equal(unit.statusCode, 422);
  t.equal(unit.json().errors[0].field, 'unitId');
  const reserved = await integrationRating({ unitId: forestStation.id, level: 5, source: 'public' });
  t.equal(reserved.statusCode, 422);
  t.equal(reserved.json().errors[0].field, 'source');
  const future = await integrationRating({ unitId: forestStation.id, level: 5, collectedAt: '2999-01-01T00:00:00+08:00' });
  t.equal(future.statusCode, 422);
  t.equal(future.json().errors[0].field, 'collectedAt');
});

t.test('an integration submitting the same external id twice gets the stored rating back', async (t) => {
  const first = await integrationRating({ unitId: forestPolice.id, level: 4, externalId: 'call-0001', collectedAt: '2024-05-01T09:00:00+08:00' });
  t.equal(first.statusCode, 201, first.body);
  t.equal(first.json().duplicate, false);
  const repeat = await integrationRating({ unitId: forestPolice.id, level: 4, externalId: 'call-0001', collectedAt: '2024-05-01T09:00:00+08:00' });
  t.equal(repeat.statusCode, 200);
  t.same(repeat.json(), { ...first.json(), duplicate: true });
  const [{ n }] = await h.sql<{ n: number }>(`select count(*)::int as n from ratings where source = 'hotline-12345' and external_id = 'call-0001'`);
  t.equal(n, 1);
  const otherSource = await integrationRating({ unitId: forestPolice.id, level: 4, externalId: 'call-0001', source: 'portal-gov' });
  t.equal(otherSource.statusCode, 201, 'external ids are unique per source');
});

t.test('the respondent key is stored only as a keyed hash and never returned', async (t) => {
  const phone = '13912345678';
  const res = await publicRating({ unitId: taxHallA.id, channel: 'portal', level: 2, comment: '排队太久', respondentKey: phone });
  t.equal(res.statusCode, 201, res.body);
  const [row] = await h.sql<Record<string, unknown>>('select * from ratings where id = $1', [res.json().id]);
  t.notOk(JSON.stringify(row).includes(phone), 'no raw phone number in the row');
  t.equal(row.respondent_hash, respondentHasher(DEVELOPMENT_RESPONDENT_KEY_SECRET)(phone), 'HMAC-SHA256 under the server secret');
  t.not(row.respondent_hash, respondentHasher('another-secret-of-16+chars')(phone));
  const responses = [
    res.body,
    (await h.as('admin', { method: 'GET', url: `/api/v1/ratings?unitId=${taxHallA.id}` })).body,
    (await h.as('admin', { method: 'GET', url: '/api/v1/follow-ups' })).body,
    (await h.as('admin', { method: 'GET', url: '/api/v1/audit-log?entityType=rating&limit=200' })).body,
    JSON.stringify(await gql(h, 'admin', `{ ratings(unitId: "${taxHallA.id}") { items { id comment } } }`)),
  ];
  for (const body of responses) {
    t.notOk(body.includes(phone), 'no raw key in any response');
    t.notOk(body.includes(String(row.respondent_hash)), 'no hash in any response');
    t.notOk(/respondent/i.test(body), 'no respondent field at all');
  }
  const [{ n }] = await h.sql<{ n: number }>(`select count(*)::int as n from audit_log where before::text like $1 or after::text like $1`, [`%${phone}%`]);
  t.equal(n, 0, 'the audit log holds no raw key');
});

// 差评核实 (issue 10): every bad rating opens the loop, with or without a comment; the old unit-entered re-rating is gone.
t.test('every bad rating opens a 差评核实 loop: verification due in 3 working days, the call-back 5 after', async (t) => {
  const res = await integrationRating({ unitId: forestStation.id, level: 1, comment: '工作人员态度差', externalId: 'call-bad-1' });
  t.equal(res.statusCode, 201, res.body);
  const { id, followUpId } = res.json();
  t.ok(followUpId);
  const f = await h.as('admin', { method: 'GET', url: `/api/v1/follow-ups/${followUpId}` });
  t.equal(f.statusCode, 200, f.body);
  const body = f.json();
  t.equal(body.status, 'open');
  t.equal(body.ratingId, id);
  t.equal(body.rating.comment, '工作人员态度差');
  const verifyBy = h.app.services.calendar.addWorkingDays(new Date(body.rating.receivedAt), 3);
  t.equal(body.verifyBy, verifyBy.toISOString());
  t.equal(body.deadline, h.app.services.calendar.addWorkingDays(verifyBy, 5).toISOString());
  t.equal(body.overdue, false);

  const noComment = await integrationRating({ unitId: forestStation.id, level: 1, externalId: 'call-bad-2' });
  t.ok(noComment.json().followUpId, 'a bare bad mark is verified too');
  const goodWithComment = await integrationRating({ unitId: forestStation.id, level: 3, comment: '还行', externalId: 'call-ok-1' });
  t.equal(goodWithComment.json().followUpId, null, 'only bad ratings open the loop');

  const audit = await h.as('admin', { method: 'GET', url: `/api/v1/audit-log?entityType=rating_follow_up&entityId=${followUpId}` });
  t.same(audit.json().items.map((e: { action: string }) => e.action), ['follow_up.opened']);
});

async function openFollowUp(unitId: string, externalId: string): Promise<string> {
  const res = await integrationRating({ unitId, level: 2, comment: '办事效率低', externalId });
  return res.json().followUpId as string;
}
const step = (who: Parameters<TestApp['as']>[0], id: string, action: string, payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
  h.as(who, { method: 'POST', url: `/api/v1/follow-ups/${id}/${action}`, payload, headers });

t.test('loop moves out of order are refused with illegal_transition; versions are checked', async (t) => {
  const id = await openFollowUp(forestStation.id, 'fu-order-1');
  const early = await step('admin', id, 'rectify', { version: 1 });
  t.equal(early.statusCode, 409);
  t.match(early.json(), { code: 'illegal_transition', from: 'open', to: 'rectifying', allowed: ['verified', 'closed'] });
  const verified = await step('admin', id, 'verify', { outcome: 'substantiated', reason: '属实' }, { 'if-match': '"1"' });
  t.equal(verified.statusCode, 200, verified.body);
  t.equal(verified.headers.etag, '"2"');
  t.equal((await step('admin', id, 'close', { version: 2 })).json().code, 'illegal_transition');
  t.equal((await step('admin', id, 'verify', { version: 1, outcome: 'malicious', reason: 'x' })).statusCode, 412);
  t.equal((await step('admin', id, 'verify', { outcome: 'malicious', reason: 'x' })).statusCode, 428);
  const badLevel = await step('admin', id, 'phone-call-back', { version: 2, level: 9 });
  t.equal(badLevel.statusCode, 400);
  t.equal(badLevel.json().errors[0].field, 'body.level');
});

t.test('overdue follow-ups are listed', async (t) => {
  const late = await openFollowUp(forestPolice.id, 'fu-late-1');
  const onTime = await openFollowUp(forestPolice.id, 'fu-ontime-1');
  await h.sql(`update rating_follow_ups set verify_by = now() - interval '1 day' where id = $1`, [late]);
  const res = await h.as('admin', { method: 'GET', url: '/api/v1/follow-ups?overdue=true' });
  t.equal(res.statusCode, 200, res.body);
  const ids = res.json().items.map((f: { id: string }) => f.id);
  t.ok(ids.includes(late));
  t.notOk(ids.includes(onTime));
  t.ok(res.json().items.every((f: { overdue: boolean }) => f.overdue));
  const notOverdue = (await h.as('admin', { method: 'GET', url: '/api/v1/follow-ups?overdue=false' })).json().items.map((f: { id: string }) => f.id);
  t.ok(notOverdue.includes(onTime));
  t.notOk(notOverdue.includes(late));
});

t.test('follow-ups are scoped: a department sees its units, a unit its own', async (t) => {
  const station = await openFollowUp(forestStation.id, 'fu-scope-1');
  const hall = await openFollowUp(taxHallA.id, 'fu-scope-2');
  const forestryIds = (await h.as(forestryManager, { method: 'GET', url: '/api/v1/follow-ups?limit=200' })).json().items.map((f: { id: string; unitId: string }) => f.id);
  t.ok(forestryIds.includes(station));
  t.notOk(forestryIds.includes(hall));
  const policeView = (await h.as(policeStaff, { method: 'GET', url: '/api/v1/follow-ups?limit=200' })).json().items;
  t.ok(policeView.every((f: { unitId: string }) => f.unitId === forestPolice.id));
  t.equal((await h.as(policeStaff, { method: 'GET', url: `/api/v1/follow-ups/${station}` })).statusCode, 404, "another unit's follow-up is not found");
  t.equal((await step(taxManager, station, 'verify', { version: 1, outcome: 'substantiated', reason: 'x' })).statusCode, 404);
  t.equal((await step(stationStaff, station, 'verify', { version: 1, outcome: 'not_substantiated', reason: '不属实' })).statusCode, 403, 'the rated unit never verifies itself');
  const byDept = await step(forestryManager, station, 'verify', { version: 1, outcome: 'substantiated', reason: '部门核实属实' });
  t.equal(byDept.statusCode, 200, 'the department verifies for its unit');
});

t.test('roles without follow-up duties are refused', async (t) => {
  for (const role of ['inspector', supervisor, 'integration'] as const) {
    t.equal((await h.as(role, { method: 'GET', url: '/api/v1/follow-ups' })).statusCode, 403, JSON.stringify(role));
  }
  t.equal((await h.as('anonymous', { method: 'GET', url: '/api/v1/follow-ups' })).statusCode, 401);
  const id = await openFollowUp(forestStation.id, 'fu-deny-1');
  t.equal((await step('inspector', id, 'verify', { version: 1, outcome: 'substantiated', reason: 'x' })).statusCode, 403);
});

t.test('ratings are listed with filters; department and unit roles see only their units', async (t) => {
  const admin = await h.as('admin', { method: 'GET', url: `/api/v1/ratings?unitId=${forestPolice.id}&channel=hotline&level=4` });
  t.equal(admin.statusCode, 200, admin.body);
  t.ok(admin.json().items.length >= 1);
  t.ok(admin.json().items.every((r: { unitId: string; channel: string; level: number }) => r.unitId === forestPolice.id && r.channel === 'hotline' && r.level === 4));
  const dated = await h.as('admin', { method: 'GET', url: `/api/v1/ratings?from=2024-05-01T00:00:00%2B08:00&to=2024-05-02T00:00:00%2B08:00` });
  t.ok(dated.json().items.every((r: { collectedAt: string }) => r.collectedAt.startsWith('2024-05-01')));
  t.ok(dated.json().items.length >= 1);
  const forestry = (await h.as(forestryManager, { method: 'GET', url: '/api/v1/ratings?limit=200' })).json().items;
  t.ok(forestry.length > 0);
  t.ok(forestry.every((r: { unitId: string }) => [forestStation.id, forestPolice.id].includes(r.unitId)));
  const station = (await h.as(stationStaff, { method: 'GET', url: '/api/v1/ratings?limit=200' })).json().items;
  t.ok(station.every((r: { unitId: string }) => r.unitId === forestStation.id));
  t.same((await h.as(stationStaff, { method: 'GET', url: `/api/v1/ratings?unitId=${taxHallA.id}` })).json().items, [], 'another unit asked for: nothing');
  const paged = await h.as('admin', { method: 'GET', url: '/api/v1/ratings?limit=2' });
  const next = await h.as('admin', { method: 'GET', url: `/api/v1/ratings?limit=2&cursor=${paged.json().nextCursor}` });
  t.notSame(next.json().items[0].id, paged.json().items[0].id);
  for (const role of [supervisor, 'integration'] as const) t.equal((await h.as(role, { method: 'GET', url: '/api/v1/ratings' })).statusCode, 403, JSON.stringify(role));
  t.equal((await h.as('anonymous', { method: 'GET', url: '/api/v1/ratings' })).statusCode, 401);
});

t.test('who may submit where', async (t) => {
  const body = { unitId: forestStation.id, channel: 'portal', level: 5, respondentKey: newPhone() };
  for (const role of ['admin', 'inspector', 'supervisor', 'department', 'unit'] as const) {
    const who = role === 'department' ? forestryManager : role === 'unit' ? stationStaff : role === 'supervisor' ? supervisor : role;
    t.equal((await h.as(who, { method: 'POST', url: '/api/v1/public/ratings', payload: body })).statusCode, 403, `${role} on the public route`);
  }
  t.equal((await h.as(hotline, { method: 'POST', url: '/api/v1/public/ratings', payload: body })).statusCode, 201, 'an integration may use the public route');
  for (const role of ['inspector', supervisor] as const) {
    t.equal((await integrationRating({ unitId: forestStation.id, level: 5 }, role)).statusCode, 403, `${JSON.stringify(role)} on /ratings`);
  }
  t.equal((await integrationRating({ unitId: forestStation.id, level: 5 }, forestryManager)).statusCode, 403);
  t.equal((await integrationRating({ unitId: forestStation.id, level: 5 }, stationStaff)).statusCode, 403);
  t.equal((await h.as('anonymous', { method: 'POST', url: '/api/v1/ratings', payload: { ...body, source: 'x' } })).statusCode, 401);
  t.equal((await integrationRating({ unitId: forestStation.id, level: 5, externalId: 'admin-entry-1', channel: 'forum', source: 'office-forum' }, 'admin')).statusCode, 201);
});

t.test('a rating is attributed to the cycle in assessment its unit is enrolled in', async (t) => {
  const [cycle] = await h.sql<{ id: string }>(
    `insert into cycles (id, name, year, phase, settings) values (gen_random_uuid(), '2024 创建', 2024, 'assessment', '{}') returning id`,
  );
  await h.sql(`insert into enrollments (id, cycle_id, unit_id, category) values (gen_random_uuid(), $1, $2, 'public_service')`, [cycle.id, taxHallA.id]);
  const enrolled = await integrationRating({ unitId: taxHallA.id, level: 5, externalId: 'cyc-1' });
  t.equal(enrolled.json().cycleId, cycle.id);
  const notEnrolled = await integrationRating({ unitId: forestStation.id, level: 5, externalId: 'cyc-2' });
  t.equal(notEnrolled.json().cycleId, null);
  const explicit = await integrationRating({ unitId: forestStation.id, level: 5, externalId: 'cyc-3', cycleId: cycle.id });
  t.equal(explicit.json().cycleId, cycle.id);
  const unknown = await integrationRating({ unitId: forestStation.id, level: 5, externalId: 'cyc-4', cycleId: '0190a6f0-0000-7000-8000-000000000000' });
  t.equal(unknown.statusCode, 422);
  t.equal(unknown.json().errors[0].field, 'cycleId');

  const counts = await h.as('admin', { method: 'GET', url: `/api/v1/ratings/counts?cycleId=${cycle.id}` });
  t.same(
    counts.json().items.map((c: { unitId: string; total: number }) => [c.unitId, c.total]).sort(),
    [
      [taxHallA.id, 1],
      [forestStation.id, 1],
    ].sort(),
  );
});

t.test('counts by channel and level per unit, scoped by role', async (t) => {
  const unit = w.units.taxAudit;
  for (const [i, [channel, level]] of ([['hotline', 5], ['hotline', 5], ['hotline', 1], ['forum', 3]] as const).entries()) {
    await integrationRating({ unitId: unit.id, channel, level, externalId: `count-${i}`, source: 'count-test' });
  }
  const res = await h.as('admin', { method: 'GET', url: `/api/v1/ratings/counts?unitId=${unit.id}` });
  t.equal(res.statusCode, 200, res.body);
  t.same(res.json().items, [
    {
      unitId: unit.id,
      cycleId: null,
      total: 4,
      bad: 1,
      cells: [
        { channel: 'forum', level: 3, count: 1 },
        { channel: 'hotline', level: 5, count: 2 },
        { channel: 'hotline', level: 1, count: 1 },
      ].sort((a, b) => a.channel.localeCompare(b.channel) || b.level - a.level),
    },
  ]);
  const byDept = (await h.as('admin', { method: 'GET', url: `/api/v1/ratings/counts?departmentId=${w.departments.tax.id}` })).json().items;
  t.ok(byDept.some((c: { unitId: string }) => c.unitId === unit.id));
  t.notOk(byDept.some((c: { unitId: string }) => c.unitId === forestStation.id));
  const byRegion = (await h.as('admin', { method: 'GET', url: `/api/v1/ratings/counts?regionId=${w.regions.countyA.id}` })).json().items;
  t.ok(byRegion.some((c: { unitId: string }) => c.unitId === forestStation.id), 'a township unit is within its county');
  t.notOk(byRegion.some((c: { unitId: string }) => c.unitId === unit.id));

  const forestry = (await h.as(forestryManager, { method: 'GET', url: '/api/v1/ratings/counts' })).json().items;
  t.ok(forestry.length > 0 && forestry.every((c: { unitId: string }) => [forestStation.id, forestPolice.id].includes(c.unitId)));
  t.same((await h.as(forestryManager, { method: 'GET', url: `/api/v1/ratings/counts?departmentId=${w.departments.tax.id}` })).json().items, []);
  const own = (await h.as(stationStaff, { method: 'GET', url: '/api/v1/ratings/counts' })).json().items;
  t.same(own.map((c: { unitId: string }) => c.unitId), [forestStation.id]);
  for (const role of ['inspector', 'integration'] as const) t.equal((await h.as(role, { method: 'GET', url: '/api/v1/ratings/counts' })).statusCode, 200, role);
  t.equal((await h.as(supervisor, { method: 'GET', url: '/api/v1/ratings/counts' })).statusCode, 403);
  t.equal((await h.as('anonymous', { method: 'GET', url: '/api/v1/ratings/counts' })).statusCode, 401);
  const badRegion = await h.as('admin', { method: 'GET', url: '/api/v1/ratings/counts?regionId=0190a6f0-0000-7000-8000-000000000000' });
  t.equal(badRegion.statusCode, 422);
  t.equal(badRegion.json().errors[0].field, 'query.regionId');
});

t.test('every submission leaves one audit entry', async (t) => {
  const res = await integrationRating({ unitId: forestStation.id, level: 5, externalId: 'audit-1' });
  const audit = await h.as('admin', { method: 'GET', url: `/api/v1/audit-log?entityType=rating&entityId=${res.json().id}` });
  t.same(audit.json().items.map((e: { action: string; actor: string }) => [e.action, e.actor]), [['rating.submitted', 'hotline-12345']]);
});

t.test('GraphQL returns the same ratings, counts and follow-ups as REST', async (t) => {
  const rest = (await h.as('admin', { method: 'GET', url: `/api/v1/ratings?unitId=${forestStation.id}&limit=200` })).json().items;
  const g = await gql(h, 'admin', `query($u: ID) { ratings(unitId: $u, limit: 200) { items { id level comment channel channelLabel { zhCN } unit { id name } } } }`, { u: forestStation.id });
  t.same(g.errors, undefined);
  const items = (g.data!.ratings as { items: { id: string; level: number; comment: string | null; unit: { id: string; name: string } }[] }).items;
  t.same(items.map((r) => [r.id, r.level, r.comment]), rest.map((r: { id: string; level: number; comment: string | null }) => [r.id, r.level, r.comment]));
  t.ok(items.every((r) => r.unit.name === forestStation.name));

  const restCounts = (await h.as('admin', { method: 'GET', url: '/api/v1/ratings/counts' })).json().items;
  const gCounts = await gql(h, 'admin', `{ ratingCounts { items { unitId total bad cells { channel level count } unit { name } } } }`);
  type C = { unitId: string; total: number; bad: number; cells: unknown[] };
  const shape = (c: C) => [c.unitId, c.total, c.bad, c.cells];
  t.same((gCounts.data!.ratingCounts as { items: C[] }).items.map(shape), restCounts.map(shape));

  const restFu = (await h.as(forestryManager, { method: 'GET', url: '/api/v1/follow-ups?limit=200' })).json().items;
  const gFu = await gql(h, forestryManager, `{ followUps(limit: 200) { items { id status deadline rating { id comment } unit { id } } } }`);
  t.same(gFu.errors, undefined);
  t.same(
    (gFu.data!.followUps as { items: { id: string; rating: { comment: string } }[] }).items.map((f) => [f.id, f.rating.comment]),
    restFu.map((f: { id: string; rating: { comment: string } }) => [f.id, f.rating.comment]),
  );
});

t.test('GraphQL mutations: submit, verify, rectify; the public may not submit over GraphQL', async (t) => {
  const submit = await gql(h, hotline, `mutation($i: SubmitRatingInput!) { submitRating(input: $i) { id duplicate followUpId } }`, {
    i: { unitId: forestPolice.id, channel: 'hotline', level: 1, comment: '电话无人接听', source: 'hotline-12345', externalId: 'gql-1' },
  });
  t.same(submit.errors, undefined);
  const { followUpId } = submit.data!.submitRating as { followUpId: string };
  const byUnit = await gql(h, policeStaff, `mutation($id: ID!) { verifyFollowUp(id: $id, version: 1, outcome: not_substantiated, reason: "x") { status } }`, { id: followUpId });
  t.equal(byUnit.errors![0].extensions!.code, 'forbidden');
  const verify = await gql(h, forestryManager, `mutation($id: ID!) { verifyFollowUp(id: $id, version: 1, outcome: substantiated, reason: "已核实") { status version verification } }`, { id: followUpId });
  t.same(verify.data!.verifyFollowUp, { status: 'verified', version: 2, verification: 'substantiated' });
  const rectify = await gql(h, forestryManager, `mutation($id: ID!) { rectifyFollowUp(id: $id, version: 2, severity: minor) { status problemId } }`, { id: followUpId });
  t.equal((rectify.data!.rectifyFollowUp as { status: string }).status, 'rectifying');
  const illegal = await gql(h, forestryManager, `mutation($id: ID!) { closeFollowUp(id: $id, version: 3) { status } }`, { id: followUpId });
  t.equal(illegal.errors![0].extensions!.code, 'illegal_transition');
  const anon = await gql(h, 'anonymous', `mutation { submitRating(input: { unitId: "${forestPolice.id}", channel: portal, level: 5, source: "x" }) { id } }`);
  t.equal(anon.errors![0].extensions!.code, 'unauthorized');
  const invalidLevel = await gql(h, 'admin', `mutation { submitRating(input: { unitId: "${forestPolice.id}", channel: forum, level: 7, source: "x" }) { id } }`);
  t.equal(invalidLevel.errors![0].extensions!.errors![0].field, 'input.level');
  const denied = await gql(h, supervisor, `{ followUps { items { id } } }`);
  t.equal(denied.errors![0].extensions!.code, 'forbidden');
});

t.test('nested GraphQL fields are batched: the query count does not grow with the rows', { skip: h.database.kind !== 'postgres' }, async (t) => {
  const q = `{ ratings(limit: LIMIT) { items { id unit { id department { id } } } } followUps(limit: LIMIT) { items { id rating { id } unit { id } } } ratingCounts(limit: LIMIT) { items { unitId unit { id } } } }`;
  const few = await h.countQueries(() => gql(h, 'admin', q.replaceAll('LIMIT', '2')));
  const many = await h.countQueries(() => gql(h, 'admin', q.replaceAll('LIMIT', '100')));
  t.same(many.result.errors, undefined);
  t.equal(many.queries, few.queries);
});

t.test('production refuses to start without a respondent key secret', async (t) => {
  const env = { NODE_ENV: 'production', JWT_PUBLIC_KEY: 'pem' };
  const err = (() => {
    try {
      loadConfig(env);
    } catch (e) {
      return e;
    }
  })();
  t.ok(err instanceof ConfigError);
  t.match((err as Error).message, /RESPONDENT_KEY_SECRET: required in production/);
  const AUDIT_SIGNING_KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  t.equal(loadConfig({ ...env, AUDIT_SIGNING_KEY, TOKEN_SIGNING_KEY: AUDIT_SIGNING_KEY, RESPONDENT_KEY_SECRET: 'a-long-enough-secret' }).RESPONDENT_KEY_SECRET, 'a-long-enough-secret');
});
