import t from 'tap';
import QRCode from 'qrcode';
import { qrCodeSigner } from '../src/modules/qr-codes/codes.js';
import { DEVELOPMENT_RESPONDENT_KEY_SECRET } from '../src/modules/ratings/rules.js';
import { referenceWorld } from './fixtures.js';
import { setup } from './helper.js';

// One-minute rotation with an hour's grace: a code from the previous minute is still good, one from two hours ago is not.
const h = await setup(t, { config: { QR_ROTATION_SECONDS: 60, QR_GRACE_SECONDS: 3600, QR_STATIC_KEY_VERSION: 2, PUBLIC_BASE_URL: 'https://manyi.example.gov.cn' } });
const w = await referenceWorld(h);
const { forestStation, forestPolice } = w.units;
const stationStaff = { role: 'unit' as const, unitId: forestStation.id, subject: 'unit:station' };
const forestryManager = { role: 'department' as const, departmentId: w.departments.forestry.id, subject: 'dept:forestry' };
const taxManager = { role: 'department' as const, departmentId: w.departments.tax.id, subject: 'dept:tax' };
const secret = h.config.RESPONDENT_KEY_SECRET ?? DEVELOPMENT_RESPONDENT_KEY_SECRET;
const signer = (staticVersion = 2) => qrCodeSigner(secret, { rotationSeconds: 60, graceSeconds: 3600, staticVersion });

const window = '3号窗口';
const qs = `window=${encodeURIComponent(window)}`;
const resolve = (code: string) => h.as('anonymous', { method: 'GET', url: `/api/v1/public/qr-codes/${code}` });
let phoneSeq = 0;
const rate = (code: string, payload: Record<string, unknown> = {}) =>
  h.as('anonymous', { method: 'POST', url: `/api/v1/public/qr-codes/${code}/ratings`, payload: { level: 5, respondentKey: `1370011${String(++phoneSeq).padStart(4, '0')}`, ...payload } });

t.test('a unit gets its printed code as a signed rating link bound to it and its window', async (t) => {
  const res = await h.as(stationStaff, { method: 'GET', url: `/api/v1/units/${forestStation.id}/qr-code?${qs}` });
  t.equal(res.statusCode, 200, res.body);
  const link = res.json();
  t.match(link, { unitId: forestStation.id, window, kind: 'static', validUntil: null });
  t.equal(link.url, `https://manyi.example.gov.cn/rate/${link.code}`);
  const target = await resolve(link.code);
  t.equal(target.statusCode, 200, target.body);
  t.same(target.json(), { unitId: forestStation.id, unitName: forestStation.name, window, kind: 'static', caseId: null, validUntil: null });
});

t.test('the SVG is an SVG image and the PNG a PNG image of exactly that link', async (t) => {
  const link = (await h.as(stationStaff, { method: 'GET', url: `/api/v1/units/${forestStation.id}/qr-code?${qs}` })).json();
  const svg = await h.as(stationStaff, { method: 'GET', url: `/api/v1/units/${forestStation.id}/qr-code.svg?${qs}` });
  t.equal(svg.statusCode, 200);
  t.match(svg.headers['content-type'], /^image\/svg\+xml/);
  t.match(svg.body, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*viewBox="0 0 \d+ \d+"[\s\S]*<\/svg>\s*$/);
  t.equal(svg.body, await QRCode.toString(link.url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }), 'the same modules as the link encoded afresh');
  const png = await h.as(forestryManager, { method: 'GET', url: `/api/v1/units/${forestStation.id}/qr-code.png?${qs}` });
  t.equal(png.statusCode, 200);
  t.equal(png.headers['content-type'], 'image/png');
  t.same([...png.rawPayload.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  t.ok(png.rawPayload.equals(await QRCode.toBuffer(link.url, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 512 })), 'it encodes the link');
  const segments = QRCode.create(link.url, { errorCorrectionLevel: 'M' }).segments as unknown as { data: Uint8Array | string }[];
  t.equal(segments.map((s) => (typeof s.data === 'string' ? s.data : Buffer.from(s.data).toString('utf8'))).join(''), link.url);
});

t.test('only the unit, its department and the office print codes; others are refused or do not see the unit', async (t) => {
  t.equal((await h.as('admin', { method: 'GET', url: `/api/v1/units/${forestStation.id}/qr-code.svg` })).statusCode, 200);
  t.equal((await h.as(stationStaff, { method: 'GET', url: `/api/v1/units/${forestPolice.id}/qr-code.svg` })).statusCode, 404);
  t.equal((await h.as(taxManager, { method: 'GET', url: `/api/v1/units/${forestStation.id}/qr-code.png` })).statusCode, 404);
  t.equal((await h.as('inspector', { method: 'GET', url: `/api/v1/units/${forestStation.id}/qr-code.svg` })).statusCode, 403);
  t.equal((await h.as('anonymous', { method: 'GET', url: `/api/v1/units/${forestStation.id}/qr-code.svg` })).statusCode, 401);
  const tooLong = await h.as(stationStaff, { method: 'GET', url: `/api/v1/units/${forestStation.id}/qr-code?window=${'窗'.repeat(41)}` });
  t.equal(tooLong.statusCode, 400);
  t.equal(tooLong.json().errors[0].field, 'querystring.window');
});

t.test('a rating through the code is channel qr_code, presence-bound and bound to the unit', async (t) => {
  const link = (await h.as(stationStaff, { method: 'GET', url: `/api/v1/units/${forestStation.id}/qr-code?${qs}` })).json();
  const res = await rate(link.code, { level: 4, comment: '窗口服务热情' });
  t.equal(res.statusCode, 201, res.body);
  t.equal(res.json().followUpId, null);
  t.equal(res.json().callBackToken, null);
  const [row] = await h.sql<{ unit_id: string; channel: string; presence_bound: boolean; source: string }>('select unit_id, channel, presence_bound, source from ratings where id = $1', [res.json().id]);
  t.same(row, { unit_id: forestStation.id, channel: 'qr_code', presence_bound: true, source: 'public' });
  const noKey = await h.as('anonymous', { method: 'POST', url: `/api/v1/public/qr-codes/${link.code}/ratings`, payload: { level: 5 } });
  t.equal(noKey.statusCode, 400);
  t.equal(noKey.json().errors[0].field, 'body.respondentKey');
});

t.test('qr_code ratings come only through a code', async (t) => {
  const direct = await h.as('anonymous', { method: 'POST', url: '/api/v1/public/ratings', payload: { unitId: forestStation.id, channel: 'qr_code', level: 5, respondentKey: '13700119999' } });
  t.equal(direct.statusCode, 422);
  t.equal(direct.json().errors[0].field, 'channel');
  const integration = await h.as({ role: 'integration', subject: 'kiosk' }, { method: 'POST', url: '/api/v1/ratings', payload: { unitId: forestStation.id, channel: 'qr_code', level: 5, source: 'kiosk' } });
  t.equal(integration.statusCode, 422);
  const csv = `unitId,channel,level,comment,collectedAt,externalId,respondentKey\n${forestStation.id},qr_code,5,,2024-06-01T10:00:00+08:00,file-qr-1,\n`;
  const file = await h.as('admin', { method: 'POST', url: '/api/v1/rating-imports?format=csv&source=survey-qr', headers: { 'content-type': 'text/csv' }, payload: csv });
  t.equal(file.statusCode, 201, file.body);
  t.match(file.json(), { accepted: 0, rejected: 1 }, 'nor in an imported file');
});

t.test('a forged or altered code is refused with qr_code_invalid', async (t) => {
  const { code } = signer().issue(forestStation.id, window, 'static');
  const parts = code.split('.');
  const otherUnit = [parts[0], forestPolice.id, parts[2], parts[3]].join('.');
  const otherWindow = [parts[0], parts[1], Buffer.from('1号窗口').toString('base64url'), parts[3]].join('.');
  const badKey = qrCodeSigner('another-secret-of-enough-length', { rotationSeconds: 60, graceSeconds: 3600, staticVersion: 2 }).issue(forestStation.id, window, 'static').code;
  for (const forged of [otherUnit, otherWindow, badKey, 's2.not-a-uuid..AAAAAAAAAAAAAAAAAAAAAA']) {
    const res = await resolve(forged);
    t.equal(res.statusCode, 404, forged);
    t.equal(res.json().code, 'qr_code_invalid');
  }
  t.equal((await rate(otherUnit)).json().code, 'qr_code_invalid');
});

t.test("rotation: an on-screen code is good in its period and the previous one's grace, older ones are expired", async (t) => {
  const now = Date.now();
  const current = (await h.as(stationStaff, { method: 'GET', url: `/api/v1/units/${forestStation.id}/qr-code?kind=dynamic` })).json();
  t.equal(current.kind, 'dynamic');
  t.ok(Date.parse(current.validUntil) > now + 3_600_000 - 1000, 'good until its period ends plus the grace');
  t.equal((await resolve(current.code)).statusCode, 200);
  const previous = signer().issue(forestStation.id, null, 'dynamic', new Date(now - 60_000)).code;
  t.not(previous, current.code);
  t.equal((await resolve(previous)).statusCode, 200, 'the previous period within its grace');
  t.equal((await rate(previous)).statusCode, 201);
  const old = signer().issue(forestStation.id, null, 'dynamic', new Date(now - 2 * 3_600_000)).code;
  const expired = await resolve(old);
  t.equal(expired.statusCode, 410);
  t.equal(expired.json().code, 'qr_code_expired');
  t.equal((await rate(old)).statusCode, 410);
  const future = signer().issue(forestStation.id, null, 'dynamic', new Date(now + 3_600_000)).code;
  t.equal((await resolve(future)).json().code, 'qr_code_invalid', 'a period that has not begun is forged');
});

t.test('printed codes: raising the key version retires every code printed under an older one', async (t) => {
  const retired = signer(1).issue(forestStation.id, window, 'static').code;
  const res = await resolve(retired);
  t.equal(res.statusCode, 410);
  t.equal(res.json().code, 'qr_code_expired');
  t.equal((await resolve(signer(3).issue(forestStation.id, window, 'static').code)).json().code, 'qr_code_invalid', 'a version not yet issued is forged');
});

t.test('the signer on its own: boundaries of the grace period', async (t) => {
  const s = qrCodeSigner(secret, { rotationSeconds: 3600, graceSeconds: 600, staticVersion: 1 });
  const start = new Date('2026-03-01T08:00:00Z');
  const { code, validUntil } = s.issue(forestStation.id, null, 'dynamic', start);
  t.same(validUntil, new Date('2026-03-01T09:10:00Z'));
  t.match(s.check(code, new Date('2026-03-01T09:09:59Z')), { ok: true, unitId: forestStation.id });
  t.same(s.check(code, new Date('2026-03-01T09:10:00Z')), { ok: false, reason: 'expired' });
  t.same(s.check(code, new Date('2026-03-01T07:59:59Z')), { ok: false, reason: 'invalid' });
});
