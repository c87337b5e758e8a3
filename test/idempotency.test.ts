import { randomUUID } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import t from 'tap';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { roles } from '../src/lib/principal.js';
import type { Role } from '../src/lib/principal.js';
import { idempotencyKeySweep } from '../src/modules/idempotency/schedule.js';
import { referenceWorld } from './fixtures.js';
import { setup } from './helper.js';
import type { TestApp } from './helper.js';

const h = await setup(t);
const w = await referenceWorld(h);
const { forestStation, taxHallA } = w.units;
const someId = '01900000-0000-7000-8000-0000000000ff';
const surveyOffice = { role: 'integration' as const, subject: 'survey-office' };

type Who = Parameters<TestApp['as']>[0];
const key = () => randomUUID();
const withKey = (who: Who, k: string, opts: InjectOptions): Promise<LightMyRequestResponse> =>
  h.as(who, { ...opts, headers: { ...(opts.headers as Record<string, string>), 'idempotency-key': k } });

const complaint = (extra: Record<string, unknown> = {}) => ({ category: 'discipline', subject: '窗口人员上班玩游戏', description: '3月5日上午办税窗口工作人员在玩手机游戏', ...extra });
const fileComplaint = (k: string | undefined, payload: Record<string, unknown>, who: Who = 'anonymous') =>
  k === undefined ? h.as(who, { method: 'POST', url: '/api/v1/public/complaints', payload }) : withKey(who, k, { method: 'POST', url: '/api/v1/public/complaints', payload });

let phoneSeq = 0;
const newPhone = () => `1390013${String(++phoneSeq).padStart(4, '0')}`;
const rate = (k: string, payload: Record<string, unknown>) => withKey('anonymous', k, { method: 'POST', url: '/api/v1/public/ratings', payload });

const csv = (rows: { externalId: string; level: number }[]) =>
  ['unitId,channel,level,collectedAt,externalId', ...rows.map((r) => `${taxHallA.id},questionnaire,${r.level},2024-06-01T10:00:00+08:00,${r.externalId}`)].join('\n') + '\n';
const upload = (k: string, source: string, payload: string | Readable) =>
  withKey('admin', k, { method: 'POST', url: `/api/v1/rating-imports?format=csv&source=${source}`, headers: { 'content-type': 'text/csv' }, payload });

const keyRows = (k: string) => h.sql<{ scope: string; state: string; response_status: number | null }>('select scope, state, response_status from idempotency_keys where key = $1', [k]);

t.test('two public complaint intakes with one key file one complaint; the second is its replay', async (t) => {
  const k = key();
  const first = await fileComplaint(k, complaint());
  t.equal(first.statusCode, 201, first.body);
  t.equal(first.headers.location, `/api/v1/public/complaints/${first.json().trackingCode}`);
  t.notOk(first.headers['idempotent-replayed']);
  const second = await fileComplaint(k, complaint());
  t.equal(second.statusCode, 201);
  t.equal(second.body, first.body, 'the same body, so the same tracking code');
  t.equal(second.headers.location, first.headers.location);
  t.equal(second.headers['idempotent-replayed'], 'true');
  t.match(second.headers['content-type'], /^application\/json/);
  const [{ n }] = await h.sql<{ n: number }>('select count(*)::int as n from complaints where tracking_code = $1', [first.json().trackingCode]);
  t.equal(n, 1);
  const [{ all }] = await h.sql<{ all: number }>("select count(*)::int as all from complaints where subject = '窗口人员上班玩游戏'");
  t.equal(all, 1, 'one complaint, not two');
});

t.test('without the header nothing changes: two intakes are two complaints', async (t) => {
  const a = await fileComplaint(undefined, complaint({ subject: '无键投诉' }));
  const b = await fileComplaint(undefined, complaint({ subject: '无键投诉' }));
  t.equal(a.statusCode, 201);
  t.equal(b.statusCode, 201);
  t.not(a.json().trackingCode, b.json().trackingCode);
  t.notOk(b.headers['idempotent-replayed']);
});

t.test('a key in the draft\'s structured form ("…") is the same key', async (t) => {
  const k = key();
  const first = await fileComplaint(k, complaint({ subject: '带引号的键' }));
  const second = await fileComplaint(`"${k}"`, complaint({ subject: '带引号的键' }));
  t.equal(second.headers['idempotent-replayed'], 'true');
  t.equal(second.json().trackingCode, first.json().trackingCode);
});

t.test('the same key with a different body is 422 idempotency_key_reused, and files nothing', async (t) => {
  const k = key();
  t.equal((await fileComplaint(k, complaint({ subject: '第一次' }))).statusCode, 201);
  const other = await fileComplaint(k, complaint({ subject: '第二次' }));
  t.equal(other.statusCode, 422, other.body);
  t.match(other.headers['content-type'], /^application\/problem\+json/);
  t.equal(other.json().code, 'idempotency_key_reused');
  const [{ n }] = await h.sql<{ n: number }>("select count(*)::int as n from complaints where subject = '第二次'");
  t.equal(n, 0);
  const elsewhere = await withKey('anonymous', k, { method: 'POST', url: '/api/v1/public/ratings', payload: { unitId: forestStation.id, channel: 'sms', level: 5, respondentKey: newPhone() } });
  t.equal(elsewhere.statusCode, 422, 'nor on another route');
  t.match(elsewhere.json().detail, /POST \/api\/v1\/public\/complaints/);
});

t.test('key order and spacing of a JSON body do not make another request', async (t) => {
  const k = key();
  const body = complaint({ subject: '键序' });
  const first = await withKey('anonymous', k, { method: 'POST', url: '/api/v1/public/complaints', payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const reordered = Object.fromEntries(Object.entries(body).reverse());
  const second = await withKey('anonymous', k, { method: 'POST', url: '/api/v1/public/complaints', payload: JSON.stringify(reordered, null, 2), headers: { 'content-type': 'application/json' } });
  t.equal(second.statusCode, 201);
  t.equal(second.headers['idempotent-replayed'], 'true');
  t.equal(second.json().trackingCode, first.json().trackingCode);
});

t.test('a retried public rating gets its receipt, not 409 rating_limit_reached', async (t) => {
  const k = key();
  const body = { unitId: forestStation.id, channel: 'sms', level: 4, respondentKey: newPhone() };
  const first = await rate(k, body);
  t.equal(first.statusCode, 201, first.body);
  const retry = await rate(k, body);
  t.equal(retry.statusCode, 201, retry.body);
  t.same(retry.json(), first.json());
  t.equal(retry.headers['idempotent-replayed'], 'true');
  const [{ n }] = await h.sql<{ n: number }>('select count(*)::int as n from ratings where unit_id = $1 and source = $2', [forestStation.id, 'public']);
  t.equal(n, 1);
  // Without the key the limit still holds: it is the rule, the key only recognises a retry.
  const unkeyed = await h.as('anonymous', { method: 'POST', url: '/api/v1/public/ratings', payload: body });
  t.equal(unkeyed.json().code, 'rating_limit_reached');
});

t.test('a refusal the handler made is the answer to that request, and is replayed too', async (t) => {
  const phone = newPhone();
  t.equal((await rate(key(), { unitId: taxHallA.id, channel: 'sms', level: 4, respondentKey: phone })).statusCode, 201);
  const k = key();
  const refused = await rate(k, { unitId: taxHallA.id, channel: 'sms', level: 2, respondentKey: phone });
  t.equal(refused.statusCode, 409);
  t.equal(refused.json().code, 'rating_limit_reached');
  const again = await rate(k, { unitId: taxHallA.id, channel: 'sms', level: 2, respondentKey: phone });
  t.equal(again.statusCode, 409);
  t.equal(again.headers['idempotent-replayed'], 'true');
  t.equal(again.body, refused.body);
});

t.test('a refusal before the handler (validation) does not use up the key', async (t) => {
  const k = key();
  const invalid = await fileComplaint(k, { subject: '缺少类别', description: 'd' });
  t.equal(invalid.statusCode, 400);
  t.same(await keyRows(k), []);
  const fixed = await fileComplaint(k, complaint({ subject: '缺少类别' }));
  t.equal(fixed.statusCode, 201);
  t.notOk(fixed.headers['idempotent-replayed']);
});

t.test('an authenticated create is replayed with its status, body and ETag', async (t) => {
  const k = key();
  const body = { parentId: w.regions.countyA.id, level: 'township', code: 'IDEM-T1', nameZh: '幂等镇' };
  const first = await withKey('admin', k, { method: 'POST', url: '/api/v1/regions', payload: body });
  t.equal(first.statusCode, 201, first.body);
  const again = await withKey('admin', k, { method: 'POST', url: '/api/v1/regions', payload: body });
  t.equal(again.statusCode, 201, again.body);
  t.equal(again.headers['idempotent-replayed'], 'true');
  t.equal(again.headers.etag, first.headers.etag);
  t.same(again.json(), first.json());
  const [{ n }] = await h.sql<{ n: number }>("select count(*)::int as n from regions where code = 'IDEM-T1'");
  t.equal(n, 1);
  const unit = { name: '幂等服务站', departmentId: w.departments.tax.id, regionId: first.json().id, category: 'public_service' };
  const u1 = await withKey('admin', key(), { method: 'POST', url: '/api/v1/units', payload: unit });
  t.equal(u1.statusCode, 201, u1.body);
});

t.test('an integration\'s intake retried under its key gets the original 201, not the 200 of a recognised repeat', async (t) => {
  const k = key();
  const payload = complaint({ source: 'hotline', externalId: '12345-idem-1', subject: '热线转办' });
  const first = await withKey(surveyOffice, k, { method: 'POST', url: '/api/v1/complaints', payload });
  t.equal(first.statusCode, 201, first.body);
  const retry = await withKey(surveyOffice, k, { method: 'POST', url: '/api/v1/complaints', payload });
  t.equal(retry.statusCode, 201);
  t.equal(retry.headers['idempotent-replayed'], 'true');
  t.equal(retry.headers.etag, first.headers.etag);
  t.same(retry.json(), first.json());
  const unkeyed = await h.as(surveyOffice, { method: 'POST', url: '/api/v1/complaints', payload });
  t.equal(unkeyed.statusCode, 200, 'without the key, (source, externalId) still recognises it');
});

t.test('a conditional change is fingerprinted with its If-Match: a retry after re-reading is a new request', async (t) => {
  const created = await h.as('admin', { method: 'POST', url: '/api/v1/units', payload: { name: '条件站', departmentId: w.departments.tax.id, regionId: w.regions.countyB.id, category: 'public_service' } });
  const url = `/api/v1/units/${created.json().id}/deactivate`;
  const payload = { reason: '撤并' };
  const k = key();
  const stale = await withKey('admin', k, { method: 'POST', url, payload, headers: { 'if-match': '"2"' } });
  t.equal(stale.statusCode, 412);
  const staleAgain = await withKey('admin', k, { method: 'POST', url, payload, headers: { 'if-match': '"2"' } });
  t.equal(staleAgain.statusCode, 412);
  t.equal(staleAgain.headers['idempotent-replayed'], 'true');
  const reread = await withKey('admin', k, { method: 'POST', url, payload, headers: { 'if-match': created.headers.etag as string } });
  t.equal(reread.statusCode, 422, 'another If-Match under the same key');
  t.equal(reread.json().code, 'idempotency_key_reused');
  const k2 = key();
  const done = await withKey('admin', k2, { method: 'POST', url, payload, headers: { 'if-match': created.headers.etag as string } });
  t.equal(done.statusCode, 200, done.body);
  const replayed = await withKey('admin', k2, { method: 'POST', url, payload, headers: { 'if-match': created.headers.etag as string } });
  t.equal(replayed.statusCode, 200, 'its retry is replayed, not refused as a stale version');
  t.equal(replayed.headers['idempotent-replayed'], 'true');
  t.equal(replayed.headers.etag, done.headers.etag);
});

t.test('keys of two callers do not collide', async (t) => {
  const k = key();
  const office = { role: 'admin' as const, subject: 'office-a' };
  const otherOffice = { role: 'admin' as const, subject: 'office-b' };
  const a = await withKey(office, k, { method: 'POST', url: '/api/v1/regions', payload: { parentId: w.regions.countyB.id, level: 'township', code: 'IDEM-A', nameZh: '甲镇' } });
  const b = await withKey(otherOffice, k, { method: 'POST', url: '/api/v1/regions', payload: { parentId: w.regions.countyB.id, level: 'township', code: 'IDEM-B', nameZh: '乙镇' } });
  t.equal(a.statusCode, 201, a.body);
  t.equal(b.statusCode, 201, b.body);
  t.notOk(b.headers['idempotent-replayed']);
  t.not(a.json().id, b.json().id);
  // The public and an integration using the public route are two scopes as well.
  const pub = await fileComplaint(k, complaint({ subject: '同键不同人' }));
  const integration = await fileComplaint(k, complaint({ subject: '同键不同人' }), surveyOffice);
  t.equal(pub.statusCode, 201);
  t.equal(integration.statusCode, 201);
  t.not(pub.json().trackingCode, integration.json().trackingCode);
  t.same((await keyRows(k)).map((r) => r.scope).sort(), ['admin:office-a', 'admin:office-b', 'anonymous', 'integration:survey-office']);
});

t.test('a malformed key is refused with 400 naming the header, before anything runs', async (t) => {
  for (const bad of ['', 'short', 'x'.repeat(256), 'has spaces in it 1234', 'ünïcödé-key-1234567', `${key()}, ${key()}`]) {
    const res = await fileComplaint(bad, complaint({ subject: '坏键' }));
    t.equal(res.statusCode, 400, JSON.stringify(bad));
    t.equal(res.json().code, 'idempotency_key_invalid');
    t.match(res.json().detail, /Idempotency-Key/);
    t.same(res.json().errors.map((e: { field: string }) => e.field), ['headers.idempotency-key']);
  }
  const [{ n }] = await h.sql<{ n: number }>("select count(*)::int as n from complaints where subject = '坏键'");
  t.equal(n, 0);
});

t.test('a duplicate while the first is still running is 409 idempotency_key_in_flight with Retry-After', async (t) => {
  const k = key();
  const firstBody = csv([{ externalId: 'slow-1', level: 5 }]);
  const held = new PassThrough();
  held.write(firstBody.slice(0, 20));
  const first = upload(k, 'held-open', held);
  // Deterministic: the first request has claimed the key once its row exists; its body is still open.
  for (let i = 0; i < 500 && (await keyRows(k)).length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  t.same((await keyRows(k)).map((r) => r.state), ['in_progress']);

  // A large duplicate upload: refused without being stuck behind its own unread body.
  const big = csv(Array.from({ length: 5000 }, (_, i) => ({ externalId: `dup-${i}`, level: 3 })));
  t.ok(big.length > 256 * 1024);
  const duplicate = await upload(k, 'held-open', Readable.from([Buffer.from(big)]));
  t.equal(duplicate.statusCode, 409, duplicate.body);
  t.equal(duplicate.json().code, 'idempotency_key_in_flight');
  t.equal(duplicate.headers['retry-after'], '1');

  held.end(firstBody.slice(20));
  const done = await first;
  t.equal(done.statusCode, 201, done.body);
  t.match(done.json(), { status: 'completed', accepted: 1 });
  const after = await upload(k, 'held-open', firstBody);
  t.equal(after.statusCode, 201);
  t.equal(after.headers['idempotent-replayed'], 'true');
  t.equal(after.json().id, done.json().id);
  const [{ jobs }] = await h.sql<{ jobs: number }>("select count(*)::int as jobs from rating_imports where source = 'held-open'");
  t.equal(jobs, 1, 'the refused duplicate started no job');
});

t.test('a rating import upload is replayed from the bytes of its file: no second job', async (t) => {
  const k = key();
  const file = csv([
    { externalId: 'replay-1', level: 5 },
    { externalId: 'replay-2', level: 1 },
  ]);
  const first = await upload(k, 'replayed-survey', Readable.from([Buffer.from(file)]));
  t.equal(first.statusCode, 201, first.body);
  const again = await upload(k, 'replayed-survey', Readable.from([Buffer.from(file.slice(0, 30)), Buffer.from(file.slice(30))]));
  t.equal(again.statusCode, 201, again.body);
  t.equal(again.headers['idempotent-replayed'], 'true');
  t.equal(again.headers.location, first.headers.location);
  t.same(again.json(), first.json());
  const [{ jobs }] = await h.sql<{ jobs: number }>("select count(*)::int as jobs from rating_imports where source = 'replayed-survey'");
  t.equal(jobs, 1);
  const changed = await upload(k, 'replayed-survey', file.replace('replay-2,', 'replay-3,').replace(',1,', ',2,'));
  t.equal(changed.statusCode, 422, 'another file under the same key');
  t.equal(changed.json().code, 'idempotency_key_reused');
  const [{ jobs: still }] = await h.sql<{ jobs: number }>("select count(*)::int as jobs from rating_imports where source = 'replayed-survey'");
  t.equal(still, 1);
});

t.test('a 5xx is not stored: the key is released and a retry runs again', async (t) => {
  await h.sql(`create function idem_fail() returns trigger language plpgsql as $$
    begin
      if new.code = 'IDEM-503' then raise exception 'connection lost' using errcode = '57P01'; end if;
      if new.code = 'IDEM-500' then raise exception 'boom'; end if;
      return new;
    end $$`);
  await h.sql('create trigger idem_fail before insert on regions for each row execute function idem_fail()');
  const region = (code: string) => ({ parentId: w.regions.countyA.id, level: 'township', code, nameZh: `${code}镇` });
  const k503 = key();
  const k500 = key();
  const unavailable = await withKey('admin', k503, { method: 'POST', url: '/api/v1/regions', payload: region('IDEM-503') });
  t.equal(unavailable.statusCode, 503, unavailable.body);
  const failed = await withKey('admin', k500, { method: 'POST', url: '/api/v1/regions', payload: region('IDEM-500') });
  t.equal(failed.statusCode, 500);
  t.same(await keyRows(k503), []);
  t.same(await keyRows(k500), []);

  await h.sql('drop trigger idem_fail on regions');
  await h.sql('drop function idem_fail()');
  const retry = await withKey('admin', k503, { method: 'POST', url: '/api/v1/regions', payload: region('IDEM-503') });
  t.equal(retry.statusCode, 201, retry.body);
  t.notOk(retry.headers['idempotent-replayed'], 'run, not replayed');
  t.equal((await withKey('admin', k500, { method: 'POST', url: '/api/v1/regions', payload: region('IDEM-500') })).statusCode, 201);
});

t.test('a key left in progress by a dead process blocks only until its lease ends', async (t) => {
  const k = key();
  // What a process killed mid-request leaves behind: a claim that nobody will complete.
  const claim = await h.app.services.idempotency.begin({ scope: 'anonymous', key: k, route: 'POST /api/v1/public/complaints', fingerprint: null });
  t.equal(claim.kind, 'owner');
  const blocked = await fileComplaint(k, complaint({ subject: '死进程' }));
  t.equal(blocked.statusCode, 409);
  t.equal(blocked.json().code, 'idempotency_key_in_flight');
  const [{ lease }] = await h.sql<{ lease: number }>('select extract(epoch from lease_expires_at - created_at)::int as lease from idempotency_keys where key = $1', [k]);
  t.equal(lease * 1000, h.config.IDEMPOTENCY_LEASE_MS, 'held for IDEMPOTENCY_LEASE_MS');

  // Past its expiry but within its lease (a long import still running), the key is neither taken nor swept.
  await h.sql("update idempotency_keys set expires_at = now() - interval '1 second' where key = $1", [k]);
  t.equal((await fileComplaint(k, complaint({ subject: '死进程' }))).statusCode, 409);
  await idempotencyKeySweep.run(h.app.services);
  t.same((await keyRows(k)).map((r) => r.state), ['in_progress']);

  await h.sql("update idempotency_keys set lease_expires_at = now() - interval '1 second' where key = $1", [k]);
  const taken = await fileComplaint(k, complaint({ subject: '死进程' }));
  t.equal(taken.statusCode, 201, taken.body);
  t.notOk(taken.headers['idempotent-replayed']);
  t.same((await keyRows(k)).map((r) => [r.state, r.response_status]), [['completed', 201]]);
  t.equal((await fileComplaint(k, complaint({ subject: '死进程' }))).headers['idempotent-replayed'], 'true');
});

t.test('a request still running renews its lease, so it keeps its key however long it takes', async (t) => {
  const short = await setup(t, { config: { IDEMPOTENCY_LEASE_MS: 1000 } });
  const k = key();
  const held = new PassThrough();
  held.write('unitId,channel,level,collectedAt,externalId\n');
  const running = short.as('admin', { method: 'POST', url: '/api/v1/rating-imports?format=csv&source=long-running', headers: { 'content-type': 'text/csv', 'idempotency-key': k }, payload: held });
  const lease = async () => (await short.sql<{ at: Date | null }>('select lease_expires_at as at from idempotency_keys where key = $1', [k]))[0]?.at;
  for (let i = 0; i < 500 && !(await lease()); i++) await new Promise((r) => setTimeout(r, 10));
  const first = (await lease())!;
  t.ok(first, 'claimed');
  // Waits for the heartbeat (every third of the 1 s lease): the condition, not a duration, ends the wait.
  for (let i = 0; i < 500 && (await lease())!.getTime() <= first.getTime(); i++) await new Promise((r) => setTimeout(r, 20));
  t.ok((await lease())!.getTime() > first.getTime(), 'the lease was renewed while the upload ran');
  held.end();
  const done = await running;
  t.equal(done.statusCode, 201, done.body);
  t.same((await short.sql<{ state: string; at: Date | null }>('select state, lease_expires_at as at from idempotency_keys where key = $1', [k])).map((r) => [r.state, r.at]), [['completed', null]]);
});

t.test('keys are kept for IDEMPOTENCY_KEY_TTL_MS, then swept and forgotten', async (t) => {
  const k = key();
  const first = await fileComplaint(k, complaint({ subject: '过期' }));
  const [{ ttl }] = await h.sql<{ ttl: number }>('select extract(epoch from expires_at - created_at)::int as ttl from idempotency_keys where key = $1', [k]);
  t.equal(ttl * 1000, 24 * 60 * 60 * 1000, '24 h by default');
  t.equal(h.config.IDEMPOTENCY_KEY_SWEEP_INTERVAL_MS, 0, 'the sweep is off in tests unless asked for');

  const live = key();
  await fileComplaint(live, complaint({ subject: '未过期' }));
  await h.sql("update idempotency_keys set expires_at = now() - interval '1 second' where key = $1", [k]);
  const swept = await idempotencyKeySweep.run(h.app.services);
  t.equal(swept, 1);
  t.same(await keyRows(k), []);
  t.equal((await keyRows(live)).length, 1, 'a key within its time stays');

  const after = await fileComplaint(k, complaint({ subject: '过期' }));
  t.equal(after.statusCode, 201);
  t.notOk(after.headers['idempotent-replayed']);
  t.not(after.json().trackingCode, first.json().trackingCode, 'an expired key is a new request');
});

t.test('the Open311 facade honours the key, answering in its own error format', async (t) => {
  const k = key();
  const body = { service_code: 'discipline', description: '窗口人员态度恶劣', lat: 30.29, long: 108.94 };
  const first = await withKey(surveyOffice, k, { method: 'POST', url: '/open311/v2/requests.json', payload: body });
  t.equal(first.statusCode, 201, first.body);
  const again = await withKey(surveyOffice, k, { method: 'POST', url: '/open311/v2/requests.json', payload: body });
  t.equal(again.headers['idempotent-replayed'], 'true');
  t.same(again.json(), first.json());
  const other = await withKey(surveyOffice, k, { method: 'POST', url: '/open311/v2/requests.json', payload: { ...body, description: '另一件事' } });
  t.equal(other.statusCode, 400, 'GeoReport v2 names 400 for every refused argument: the facade answers 422s as 400');
  t.match(other.json(), [{ code: 400, description: /Idempotency-Key/ }]);
  const bad = await withKey(surveyOffice, 'short', { method: 'POST', url: '/open311/v2/requests.json', payload: body });
  t.equal(bad.statusCode, 400);
  t.match(bad.json(), [{ code: 400, description: /Idempotency-Key/ }]);
});

// Every POST of the REST API and the Open311 facade honours the header: a route added tomorrow does too, or this fails.
const claims: Record<Exclude<Role, 'anonymous'>, Who> = {
  admin: 'admin',
  inspector: 'inspector',
  integration: 'integration',
  supervisor: { role: 'supervisor', supervisorId: someId },
  department: { role: 'department', departmentId: someId },
  unit: { role: 'unit', unitId: someId },
};

t.test('every POST route honours Idempotency-Key', async (t) => {
  const posts = h.app.routeAccess.filter((r) => r.method === 'POST' && /^\/(api|open311)\//.test(r.url));
  t.ok(posts.length >= 55, `${posts.length} POST routes`);
  for (const route of posts) {
    const role = roles.find((r) => route.access.includes(r))!;
    const res = await withKey(role === 'anonymous' ? 'anonymous' : claims[role], 'not-a-key', { method: 'POST', url: route.url.replace(/:[A-Za-z]+/g, someId), payload: {} });
    // Open311 answers in its own error format, JSON or XML by the path's extension.
    const named = route.url.startsWith('/open311/') ? res.body : res.json().code;
    if (res.statusCode !== 400 || !/idempotency_key_invalid|Idempotency-Key/.test(String(named))) t.fail(`${route.method} ${route.url}: ${res.statusCode} ${res.body}`);
  }
});

t.test('the OpenAPI document declares the header, the 409 and the 422 on every POST, and every creation is a POST', async (t) => {
  const doc = (await h.as('anonymous', { method: 'GET', url: '/openapi.json' })).json();
  type Op = { operationId: string; parameters?: { in: string; name: string }[]; responses: Record<string, unknown> };
  const ops = Object.entries(doc.paths as Record<string, Record<string, Op>>).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
  // The OAuth token endpoint (RFC 6749) is outside the API and not replayed: a kept answer would be an access token at rest.
  const posts = ops.filter((o) => o.method === 'post' && o.path !== '/oauth/token');
  t.ok(posts.length >= 55);
  for (const { path, op } of posts) {
    const header = op.parameters?.find((p) => p.in === 'header' && p.name === 'Idempotency-Key');
    if (!header || !op.responses['409'] || !op.responses['422']) t.fail(`POST ${path} (${op.operationId}) does not declare Idempotency-Key with its 409 and 422`);
  }
  t.same(ops.filter((o) => o.op.responses['201'] && o.method !== 'post').map((o) => `${o.method} ${o.path}`), [], 'every operation that creates (201) is a POST');
  t.same(ops.filter((o) => o.method !== 'post' && o.op.parameters?.some((p) => p.name === 'Idempotency-Key')).map((o) => o.path), [], 'and only POSTs take the header');
});
