import t from 'tap';
import { gql, setup } from './helper.js';
import type { TestApp } from './helper.js';
import { systemContext } from '../src/lib/principal.js';
import { referenceWorld } from './fixtures.js';
import { toXml } from '../src/modules/open311/xml.js';
import {
  conformance,
  discoveryTable,
  errorTable,
  listConformance,
  parseXml,
  receiptTable,
  requestTable,
  serviceDefinitionTable,
  serviceTable,
  xmlList,
  xmlObject,
} from './open311-spec.js';

const h = await setup(t);
const w = await referenceWorld(h);
const { taxHallA } = w.units;

/** GeoReport clients submit with an api_key: one the office issued to a portal client (complaints:write). */
async function issueApiKey(app: TestApp, scopes: ('complaints:write' | 'public:read')[] = ['complaints:write', 'public:read']): Promise<string> {
  const ctx = systemContext('open311-test');
  const client = await app.app.services.integrationClients.create(ctx, { name: 'portal', scopes });
  return (await app.app.services.integrationClients.issueApiKey(ctx, client.id)).apiKey;
}
const API_KEY = await issueApiKey(h);

type Req = Record<string, unknown> & { service_request_id: string };
const form = (fields: Record<string, string>, apiKey = API_KEY) => ({
  method: 'POST' as const,
  url: '/open311/v2/requests.json',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams({ api_key: apiKey, ...fields }).toString(),
});
/** GeoReport asks for a location; these tests mostly give an address. */
const PLACE = { address_string: '利川市政务服务中心' };
const getOne = async (id: string) => (await h.as('anonymous', { method: 'GET', url: `/open311/v2/requests/${id}.json` })).json() as Req[];

async function postJson(payload: Record<string, unknown>, who: 'integration' | 'anonymous' = 'integration') {
  const res = await h.as(who, { method: 'POST', url: '/open311/v2/requests.json', payload: { ...PLACE, ...payload } });
  if (res.statusCode !== 201) throw new Error(res.body);
  return (res.json() as Req[])[0];
}

t.test('services.json lists the complaint categories as GeoReport services', async (t) => {
  const res = await h.as('anonymous', { method: 'GET', url: '/open311/v2/services.json' });
  t.equal(res.statusCode, 200, res.body);
  const list = res.json() as Record<string, unknown>[];
  t.equal(list.length, 8);
  t.match(list.find((s) => s.service_code === 'discipline'), { service_name: '工作纪律', metadata: true, type: 'realtime', group: '作风纪律' });
  t.match(list.find((s) => s.service_code === 'fees'), { service_name: '乱收费', group: '廉政' });
  t.ok(list.every((s) => typeof s.keywords === 'string' && typeof s.description === 'string'));
});

t.test('an unknown endpoint or format is 404 in the GeoReport error format', async (t) => {
  const missing = await h.as('anonymous', { method: 'GET', url: '/open311/v2/nothing.json' });
  t.equal(missing.statusCode, 404);
  t.match(missing.headers['content-type'], /application\/json/);
  t.match(missing.json(), [{ code: 404 }]);
  const html = await h.as('anonymous', { method: 'GET', url: '/open311/v2/services.html' });
  t.equal(html.statusCode, 404, 'a format that is not offered is a resource that does not exist');
  t.match(html.headers['content-type'], /^text\/xml; charset=utf-8/, 'without an extension GeoReport defaults to its required format, XML');
  t.same(listConformance(xmlList(html.body, 'errors', 'error', errorTable), errorTable), []);
  const asked = await h.as('anonymous', { method: 'GET', url: '/open311/v2/services.html', headers: { accept: 'application/json' } });
  t.match(asked.headers['content-type'], /application\/json/, 'Accept chooses the error format when the path names none');
  t.match(asked.json(), [{ code: 404 }]);
});

t.test('an integration posts a request as JSON and gets the tracking code back', async (t) => {
  const res = await h.as('integration', {
    method: 'POST',
    url: '/open311/v2/requests.json',
    payload: { service_code: 'efficiency', description: '营业执照办理超过承诺时限\n已等待两周', address_string: '利川市政务中心', lat: 30.29, long: 108.93, email: 'li@example.cn', first_name: '四', last_name: '李', phone: '13900000000' },
  });
  t.equal(res.statusCode, 201, res.body);
  const [receipt] = res.json() as Req[];
  t.match(receipt.service_request_id, /^TS-[2-9A-Z]{10}$/);
  t.match(receipt.service_notice, receipt.service_request_id);
  t.equal(receipt.account_id, null);

  const [req] = await getOne(receipt.service_request_id);
  t.match(req, { service_request_id: receipt.service_request_id, status: 'open', service_code: 'efficiency', service_name: '办事效率', description: null, address: null, lat: null, long: null, agency_responsible: null, status_notes: null });
  t.type(req.expected_datetime, 'string');
  const [asIntegration] = (await h.as('integration', { method: 'GET', url: `/open311/v2/requests/${receipt.service_request_id}.json` })).json() as Req[];
  t.match(asIntegration, { description: '营业执照办理超过承诺时限\n已等待两周', address: '利川市政务中心', lat: 30.29 });

  // The public sees the stage, not what the complainant wrote or where; the portal (integration) sees both.
  // The complaint behind it: integration source, subject from the first line, contact stored for admins.
  const admin = (await h.as('admin', { method: 'GET', url: '/api/v1/complaints?source=integration&limit=200' })).json().items as Record<string, unknown>[];
  const c = admin.find((x) => x.trackingCode === receipt.service_request_id)!;
  t.equal(c.subject, '营业执照办理超过承诺时限');
  t.same(c.contact, { name: '李四', phone: '13900000000', email: 'li@example.cn' });
});

t.test('a form-urlencoded post works, attribute[unit_id] included', async (t) => {
  const res = await h.as('integration', form({ service_code: 'service_attitude', description: '窗口人员态度生硬', 'attribute[unit_id]': taxHallA.id, email: '', api_key: 'ignored', ...PLACE }));
  t.equal(res.statusCode, 201, res.body);
  const code = (res.json() as Req[])[0].service_request_id;
  const c = (await h.as('admin', { method: 'GET', url: `/api/v1/public/complaints/${code}` })).json();
  t.equal(c.category, 'service_attitude');
  const list = (await h.as('admin', { method: 'GET', url: `/api/v1/complaints?unitId=${taxHallA.id}&limit=200` })).json().items as { trackingCode: string }[];
  t.ok(list.some((x) => x.trackingCode === code), 'the unit named in attribute[unit_id] is kept');
});

t.test('a post without a service code is 400, an unknown one 404, in the GeoReport error format', async (t) => {
  const res = await h.as('integration', form({ description: 'x', ...PLACE }));
  t.equal(res.statusCode, 400);
  t.match(res.headers['content-type'], /application\/json/);
  t.match(res.json(), [{ code: 400, description: /service_code/ }]);
  const bad = await h.as('integration', form({ service_code: 'parking', description: 'x', ...PLACE }));
  t.equal(bad.statusCode, 404, 'the specification: service_code provided was not found');
  t.match(bad.json(), [{ code: 404, description: /parking/ }]);
});

t.test('clients with an api_key and integrations post requests, other roles may not; refusals use the GeoReport error format', async (t) => {
  const keyed = await h.as('anonymous', form({ service_code: 'other', description: 'x', ...PLACE }));
  t.equal(keyed.statusCode, 201, 'a standard client without a token files its request with its api_key');
  const code = (keyed.json() as Req[])[0].service_request_id;
  const admin = (await h.as('admin', { method: 'GET', url: '/api/v1/complaints?source=integration&limit=200' })).json().items as { trackingCode: string }[];
  t.ok(admin.some((c) => c.trackingCode === code), 'a keyed request is filed by the key\'s integration client');
  const { payload: _, ...bare } = form({});
  const keyless = await h.app.inject({ ...bare, payload: new URLSearchParams({ service_code: 'other', ...PLACE }).toString() });
  t.equal(keyless.statusCode, 400, 'api_key is required to submit (GeoReport v2)');
  t.match(keyless.json(), [{ code: 400, description: /api_key/ }]);
  const wrongKey = await h.as('anonymous', form({ service_code: 'other', ...PLACE }, 'not-a-key'));
  t.equal(wrongKey.statusCode, 403, 'an unknown key');
  t.match(wrongKey.json(), [{ code: 403, description: /api_key/ }]);
  const badToken = await h.app.inject({ ...form({ service_code: 'other', ...PLACE }), headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Bearer not-a-token' } });
  t.equal(badToken.statusCode, 401, 'a token that is sent must be valid');
  t.match(badToken.json(), [{ code: 401 }]);
  for (const who of ['admin', 'inspector', { role: 'department', departmentId: w.departments.tax.id }, { role: 'unit', unitId: taxHallA.id }] as const) {
    const res = await h.as(who, form({ service_code: 'other', description: 'x', ...PLACE }));
    t.equal(res.statusCode, 403, JSON.stringify(who));
    t.match(res.json(), [{ code: 403 }]);
  }
});

t.test('a request maps its department, deadline, status and reply through the lifecycle', async (t) => {
  const { service_request_id: code } = await postJson({ service_code: 'fees', description: '办证时被要求缴纳资料费' });
  const id = ((await h.as('admin', { method: 'GET', url: '/api/v1/complaints?category=fees&limit=200' })).json().items as { id: string; trackingCode: string }[]).find(
    (c) => c.trackingCode === code,
  )!.id;
  const triaged = (await h.as('admin', { method: 'POST', url: `/api/v1/complaints/${id}/triage`, payload: { unitId: taxHallA.id } })).json();

  let [req] = await getOne(code);
  t.equal(req.agency_responsible, w.departments.tax.name);
  t.equal(req.expected_datetime, triaged.stageDeadline, 'expected_datetime is the current stage deadline');
  t.equal(req.status, 'open');

  for (const [verb, payload] of [
    ['start-investigation', {}],
    ['decide', { substantiated: true, findings: '违规收取资料费', severity: 'major' }],
    ['close', { reply: '已责令退还费用并通报批评' }],
  ] as const) {
    t.equal((await h.as('admin', { method: 'POST', url: `/api/v1/complaints/${id}/${verb}`, payload })).statusCode, 200);
  }
  [req] = await getOne(code);
  t.equal(req.status, 'closed');
  t.equal(req.status_notes, '已责令退还费用并通报批评');
  t.equal(req.expected_datetime, null);
  t.notOk(JSON.stringify(req).includes('违规收取资料费'), 'findings stay internal');
});

t.test('requests.json filters by ids, service code and status, without personal data', async (t) => {
  const a = await postJson({ service_code: 'environment', description: '大厅没有座椅', email: 'wang@example.cn', first_name: '五', last_name: '王', phone: '13700000000' });
  const b = await postJson({ service_code: 'integrity', description: '办事人员索要香烟' });

  const byIds = await h.as('anonymous', { method: 'GET', url: `/open311/v2/requests.json?service_request_id=${a.service_request_id},${b.service_request_id}` });
  t.equal(byIds.statusCode, 200, byIds.body);
  t.same((byIds.json() as Req[]).map((r) => r.service_request_id).sort(), [a.service_request_id, b.service_request_id].sort());
  for (const secret of ['wang@example.cn', '13700000000', '王五']) t.notOk(byIds.body.includes(secret), `no ${secret}`);

  const env = (await h.as('integration', { method: 'GET', url: '/open311/v2/requests.json?service_code=environment' })).json() as Req[];
  t.ok(env.length >= 1 && env.every((r) => r.service_code === 'environment'));
  const closed = (await h.as('integration', { method: 'GET', url: '/open311/v2/requests.json?status=closed' })).json() as Req[];
  t.ok(closed.every((r) => r.status === 'closed'));
  t.notOk(closed.some((r) => r.service_request_id === a.service_request_id));
  const open = (await h.as('integration', { method: 'GET', url: '/open311/v2/requests.json?status=open' })).json() as Req[];
  t.ok(open.some((r) => r.service_request_id === a.service_request_id));
  const past = (await h.as('integration', { method: 'GET', url: '/open311/v2/requests.json?start_date=2020-01-01T00:00:00Z&end_date=2020-02-01T00:00:00Z' })).json();
  t.same(past, []);
  const badStatus = await h.as('integration', { method: 'GET', url: '/open311/v2/requests.json?status=pending' });
  const browsing = await h.as('anonymous', { method: 'GET', url: '/open311/v2/requests.json?status=open' });
  t.equal(browsing.statusCode, 403, 'the public cannot browse tracking codes');
  t.match(browsing.json(), [{ code: 403 }]);
  t.equal(badStatus.statusCode, 400);
  t.match(badStatus.json(), [{ code: 400, description: /status/ }]);
});

t.test('an unknown request id is 404 in the GeoReport error format', async (t) => {
  const res = await h.as('anonymous', { method: 'GET', url: '/open311/v2/requests/TS-2222222222.json' });
  t.equal(res.statusCode, 404);
  t.match(res.json(), [{ code: 404 }]);
});

t.test('Open311 reads agree with the public tracking view in REST and GraphQL', async (t) => {
  const { service_request_id: code } = await postJson({ service_code: 'dress_and_conduct', description: '未佩戴工作牌' });
  const [req] = await getOne(code);
  const rest = (await h.as('anonymous', { method: 'GET', url: `/api/v1/public/complaints/${code}` })).json();
  const g = await gql(h, 'anonymous', `query($c: String!) { complaintByTrackingCode(trackingCode: $c) { status stageDeadline receivedAt } }`, { c: code });
  t.equal(req.expected_datetime, rest.stageDeadline);
  t.equal(req.requested_datetime, rest.receivedAt);
  t.same(g.data!.complaintByTrackingCode, { status: rest.status, stageDeadline: rest.stageDeadline, receivedAt: rest.receivedAt });
});

t.test('anonymous Open311 reads are rate limited, answering in the GeoReport error format', async (t) => {
  const limited = await setup(t, { config: { RATE_LIMIT_ANONYMOUS_PER_MINUTE: 2 } });
  const get = () => limited.as('anonymous', { method: 'GET', url: '/open311/v2/services.json' });
  t.equal((await get()).statusCode, 200);
  t.equal((await get()).statusCode, 200);
  const third = await get();
  t.equal(third.statusCode, 429);
  t.match(third.json(), [{ code: 429 }]);
  t.equal((await limited.as('integration', { method: 'GET', url: '/open311/v2/services.json' })).statusCode, 200, 'integrations are not limited');
});

// ——— Conformance with the GeoReport v2 specification's field tables (test/open311-spec.ts), in JSON and XML ———

const get = (url: string, who: Parameters<typeof h.as>[0] = 'anonymous') => h.as(who, { method: 'GET', url: `/open311/v2/${url}` });

t.test('each format answers with its GeoReport content type, UTF-8', async (t) => {
  const json = await get('services.json');
  const xml = await get('services.xml');
  t.equal(json.headers['content-type'], 'application/json; charset=utf-8');
  t.equal(xml.headers['content-type'], 'text/xml; charset=utf-8');
  t.match(xml.body, /^<\?xml version="1\.0" encoding="utf-8"\?>\n<services>/);
});

t.test('discovery.json and discovery.xml follow the Service Discovery table and agree', async (t) => {
  const json = await get('discovery.json');
  t.equal(json.statusCode, 200, json.body);
  const doc = json.json();
  t.same(conformance(doc, discoveryTable), []);
  t.same(xmlObject((await get('discovery.xml')).body, 'discovery', discoveryTable), doc, 'the XML holds the same document');
  t.match(doc.endpoints, [{ specification: 'http://wiki.open311.org/GeoReport_v2', type: 'test', url: 'http://localhost:80/open311/v2' }]);
  t.same(doc.endpoints[0].formats.sort(), ['application/json', 'text/xml'], 'both formats are offered');
  const services = await h.app.inject({ method: 'GET', url: new URL('services.json', `${doc.endpoints[0].url}/`).pathname });
  t.equal(services.statusCode, 200, 'the endpoint url leads to the services');
});

t.test('services.json and services.xml follow the GET Service List table and agree', async (t) => {
  const json = (await get('services.json')).json();
  t.same(listConformance(json, serviceTable), []);
  t.same(xmlList((await get('services.xml')).body, 'services', 'service', serviceTable), json);
});

t.test('a service definition follows the GET Service Definition table in both formats; an unknown service is 404', async (t) => {
  const json = await get('services/fees.json');
  t.equal(json.statusCode, 200, json.body);
  const def = json.json();
  t.same(conformance(def, serviceDefinitionTable), []);
  t.same(xmlObject((await get('services/fees.xml')).body, 'service_definition', serviceDefinitionTable), def);
  t.match(def, { service_code: 'fees', attributes: [{ code: 'unit_id', datatype: 'string', required: false, variable: true }] });
  const services = (await get('services.json')).json() as { metadata: boolean }[];
  t.ok(services.every((s) => s.metadata), 'metadata is true: every service has this definition');
  for (const format of ['json', 'xml']) {
    const unknown = await get(`services/parking.${format}`);
    t.equal(unknown.statusCode, 404, format);
  }
  t.same(listConformance(xmlList((await get('services/parking.xml')).body, 'errors', 'error', errorTable), errorTable), []);
});

t.test('POST requests.json and requests.xml answer with the POST Service Request table', async (t) => {
  const json = await h.as('anonymous', form({ service_code: 'efficiency', description: '排队两小时', lat: '30.29', long: '108.93', account_id: 'acct-1' }));
  t.equal(json.statusCode, 201, json.body);
  const receipt = json.json() as Req[];
  t.same(listConformance(receipt, receiptTable), []);
  t.equal(receipt.length, 1);
  t.equal(receipt[0].account_id, 'acct-1', 'account_id comes back to the submitter');
  const xml = await h.as('anonymous', { ...form({ service_code: 'efficiency', lat: '30.29', long: '108.93' }), url: '/open311/v2/requests.xml' });
  t.equal(xml.statusCode, 201, xml.body);
  t.equal(xml.headers['content-type'], 'text/xml; charset=utf-8');
  const [r] = xmlList(xml.body, 'service_requests', 'request', receiptTable);
  t.same(conformance(r, receiptTable), []);
  t.match(r, { service_request_id: /^TS-/, service_notice: /TS-/, account_id: null });
});

t.test('a request needs a location: lat and long, address_string or address_id', async (t) => {
  const none = await h.as('anonymous', form({ service_code: 'other', description: '无地点' }));
  t.equal(none.statusCode, 400);
  t.match(none.json(), [{ code: 400, description: /lat.*address_string.*address_id/ }]);
  const latOnly = await h.as('anonymous', form({ service_code: 'other', lat: '30.1' }));
  t.equal(latOnly.statusCode, 400);
  t.match(latOnly.json(), [{ code: 400, description: /^long: required with lat/ }]);
  const longOnly = await h.as('anonymous', form({ service_code: 'other', long: '108.1' }));
  t.match(longOnly.json(), [{ code: 400, description: /^lat: required with long/ }]);
  const farOff = await h.as('anonymous', form({ service_code: 'other', lat: '91', long: '108.1' }));
  t.equal(farOff.statusCode, 400, 'a latitude outside -90..90');
  const places: Record<string, string>[] = [{ lat: '30.1', long: '108.1' }, { address_string: '利川市东城街道' }, { address_id: 'LC-0001' }];
  for (const place of places) {
    t.equal((await h.as('anonymous', form({ service_code: 'other', ...place }))).statusCode, 201, JSON.stringify(place));
  }
});

t.test('description is optional: the complaint says none was given, and the request shows none', async (t) => {
  const { service_request_id: code } = await postJson({ service_code: 'discipline' });
  const [asPortal] = (await get(`requests/${code}.json`, 'integration')).json() as Req[];
  t.equal(asPortal.description, null);
  const c = ((await h.as('admin', { method: 'GET', url: '/api/v1/complaints?category=discipline&limit=200' })).json().items as Record<string, unknown>[]).find((x) => x.trackingCode === code)!;
  t.equal(c.subject, '工作纪律', 'the subject is the service name');
  t.match(c.description, /no description given/);
});

t.test('attributes are checked against the service definition', async (t) => {
  const unknown = await h.as('anonymous', form({ service_code: 'fees', 'attribute[colour]': 'red', ...PLACE }));
  t.equal(unknown.statusCode, 400);
  t.match(unknown.json(), [{ description: /^attribute\[colour\]: not an attribute/ }]);
  const notUuid = await h.as('anonymous', form({ service_code: 'fees', 'attribute[unit_id]': 'hall-7', ...PLACE }));
  t.equal(notUuid.statusCode, 400);
  t.match(notUuid.json(), [{ description: /^attribute\[unit_id\]: the id \(UUID\)/ }]);
  const noSuchUnit = await h.as('anonymous', form({ service_code: 'fees', 'attribute[unit_id]': '01890000-0000-7000-8000-000000000000', ...PLACE }));
  t.equal(noSuchUnit.statusCode, 400, 'a unit that does not exist');
  const twice = await h.as('anonymous', { ...form({}), payload: `service_code=fees&address_id=A1&attribute[unit_id][]=${taxHallA.id}&attribute[unit_id][]=${taxHallA.id}` });
  t.equal(twice.statusCode, 400, 'a string attribute takes one value');
});

t.test('address_id, media_url, device_id and account_id are kept; personal data reaches admins only', async (t) => {
  const res = await h.as('anonymous', form({
    service_code: 'environment', description: '大厅漏雨', address_id: 'LC-0042', media_url: 'https://img.example.cn/leak.jpg',
    device_id: 'dev-9f3', account_id: 'acct-77', first_name: '六', last_name: '赵', email: 'zhao@example.cn', phone: '13600000000',
  }));
  t.equal(res.statusCode, 201, res.body);
  const code = (res.json() as Req[])[0].service_request_id;
  const c = ((await h.as('admin', { method: 'GET', url: '/api/v1/complaints?category=environment&limit=200' })).json().items as Record<string, unknown>[]).find((x) => x.trackingCode === code)!;
  t.match(c, { addressId: 'LC-0042', mediaUrl: 'https://img.example.cn/leak.jpg' });
  t.same(c.contact, { name: '赵六', phone: '13600000000', email: 'zhao@example.cn', deviceId: 'dev-9f3', accountId: 'acct-77' });
  const [asPortal] = (await get(`requests/${code}.json`, 'integration')).json() as Req[];
  t.match(asPortal, { address_id: 'LC-0042', media_url: 'https://img.example.cn/leak.jpg', description: '大厅漏雨' });
  for (const format of ['json', 'xml']) {
    const one = await get(`requests/${code}.${format}`);
    const many = await get(`requests.${format}?service_request_id=${code}`);
    for (const body of [one.body, many.body]) {
      for (const secret of ['赵六', '赵', '13600000000', 'zhao@example.cn', 'dev-9f3', 'acct-77', 'LC-0042', 'leak.jpg', '大厅漏雨']) t.notOk(body.includes(secret), `${format}: no ${secret}`);
    }
  }
  const bad = await h.as('anonymous', form({ service_code: 'environment', media_url: 'javascript:alert(1)', ...PLACE }));
  t.equal(bad.statusCode, 400, 'media_url is an http(s) URL');
});

t.test('requests follow the GET Service Requests table in both formats; service_notice is the one given at POST', async (t) => {
  const receipt = await postJson({ service_code: 'integrity', description: '索要<好处费> & "茶水费"' });
  for (const who of ['anonymous', 'integration'] as const) {
    const json = (await get(`requests/${receipt.service_request_id}.json`, who)).json() as Req[];
    t.same(listConformance(json, requestTable), [], who);
    t.equal(json[0].service_notice, receipt.service_notice, `${who}: the same notice as at POST`);
    t.same(xmlList((await get(`requests/${receipt.service_request_id}.xml`, who)).body, 'service_requests', 'request', requestTable), json, `${who}: XML agrees`);
    const list = (await get(`requests.json?service_request_id=${receipt.service_request_id}`, who)).json();
    t.same(list, json);
    t.same(xmlList((await get(`requests.xml?service_request_id=${receipt.service_request_id}`, who)).body, 'service_requests', 'request', requestTable), json);
  }
  const browse = (await get('requests.json', 'integration')).json();
  t.same(listConformance(browse, requestTable), []);
  t.same(xmlList((await get('requests.xml', 'integration')).body, 'service_requests', 'request', requestTable), browse);
  const unknown = await get('requests/TS-2222222222.xml');
  t.equal(unknown.statusCode, 404);
  t.same(listConformance(xmlList(unknown.body, 'errors', 'error', errorTable), errorTable), []);
});

t.test('service_code and status take comma lists; an unknown service code is 404', async (t) => {
  const fees = await postJson({ service_code: 'fees', description: '多收了工本费' });
  const dress = await postJson({ service_code: 'dress_and_conduct', description: '未着工装' });
  const both = (await get('requests.json?service_code=fees,dress_and_conduct', 'integration')).json() as Req[];
  t.ok(both.some((r) => r.service_request_id === fees.service_request_id) && both.some((r) => r.service_request_id === dress.service_request_id));
  t.ok(both.every((r) => r.service_code === 'fees' || r.service_code === 'dress_and_conduct'));
  const unknown = await get('requests.json?service_code=fees,parking', 'integration');
  t.equal(unknown.statusCode, 404);
  t.match(unknown.json(), [{ code: 404, description: /parking/ }]);
  const statuses = (await get('requests.json?status=open,closed&service_code=fees', 'integration')).json() as Req[];
  t.ok(statuses.some((r) => r.service_request_id === fees.service_request_id));
});

t.test('without dates the last 90 days are listed; a range may not span more than 90 days', async (t) => {
  const old = await h.as('admin', { method: 'POST', url: '/api/v1/complaints', payload: { source: 'hotline', category: 'other', subject: '旧投诉', description: '半年前的投诉', receivedAt: new Date(Date.now() - 120 * 86400_000).toISOString() } });
  t.equal(old.statusCode, 201, old.body);
  const oldCode = old.json().trackingCode as string;
  const recent = await postJson({ service_code: 'other', description: '今天的投诉' });
  const byDefault = (await get('requests.json?service_code=other', 'integration')).json() as Req[];
  t.ok(byDefault.some((r) => r.service_request_id === recent.service_request_id));
  t.notOk(byDefault.some((r) => r.service_request_id === oldCode), 'older than 90 days: not in the default list');
  const start = new Date(Date.now() - 150 * 86400_000).toISOString();
  const end = new Date(Date.now() - 100 * 86400_000).toISOString();
  const ranged = (await get(`requests.json?start_date=${start}&end_date=${end}`, 'integration')).json() as Req[];
  t.same(ranged.map((r) => r.service_request_id), [oldCode]);
  const startOnly = (await get(`requests.json?start_date=${start}`, 'integration')).json() as Req[];
  t.same(startOnly.map((r) => r.service_request_id), [oldCode], 'start_date alone: the 90 days from it');
  const tooLong = await get('requests.json?start_date=2024-01-01T00:00:00Z&end_date=2024-04-01T00:00:01Z', 'integration');
  t.equal(tooLong.statusCode, 400);
  t.match(tooLong.json(), [{ code: 400, description: /90 days/ }]);
  t.equal((await get('requests.json?start_date=2024-01-01T00:00:00Z&end_date=2024-03-31T00:00:00Z', 'integration')).statusCode, 200, '90 days exactly');
  const backwards = await get('requests.json?start_date=2024-02-01T00:00:00Z&end_date=2024-01-01T00:00:00Z', 'integration');
  t.equal(backwards.statusCode, 400);
  const noZone = await get('requests.json?start_date=2024-01-01T00:00:00', 'integration');
  t.equal(noZone.statusCode, 400, 'a W3C datetime carries its time zone');
});

t.test('validation errors are 400 in the format asked for', async (t) => {
  const xml = await get('requests.xml?status=pending', 'integration');
  t.equal(xml.statusCode, 400);
  t.equal(xml.headers['content-type'], 'text/xml; charset=utf-8');
  const [e] = xmlList(xml.body, 'errors', 'error', errorTable);
  t.match(e, { code: 400, description: /status/ });
  const browsing = await get('requests.xml?status=open');
  t.equal(browsing.statusCode, 403);
  t.match(xmlList(browsing.body, 'errors', 'error', errorTable), [{ code: 403 }]);
});

t.test('the XML writer escapes text and drops what XML cannot carry', async (t) => {
  const tricky = 'a<b>&c"d\'e\u0001f\uD800g 中文 😀';
  const doc = toXml('errors', [{ code: 400, description: tricky }]);
  const [e] = xmlList(doc, 'errors', 'error', errorTable);
  t.equal(e.description, 'a<b>&c"d\'e\uFFFDf\uFFFDg 中文 😀');
  t.same(parseXml(toXml('service_definition', { service_code: 'x', attributes: [{ code: 'c', values: [{ key: 'k', name: 'n' }] }] })), {
    name: 'service_definition',
    text: null,
    children: [
      { name: 'service_code', text: 'x', children: [] },
      { name: 'attributes', text: null, children: [{ name: 'attribute', text: null, children: [{ name: 'code', text: 'c', children: [] }, { name: 'values', text: null, children: [{ name: 'value', text: null, children: [{ name: 'key', text: 'k', children: [] }, { name: 'name', text: 'n', children: [] }] }] }] }] },
    ],
  }, 'lists nest as <attributes><attribute>, <values><value>');
  t.throws(() => toXml('bad name', {}), 'element names are checked');
});

t.test('a configured jurisdiction_id is accepted on every method and any other one is 404; PUBLIC_BASE_URL makes the discovery url', async (t) => {
  const j = await setup(t, { config: { OPEN311_JURISDICTION_ID: 'lichuan.gov.cn', PUBLIC_BASE_URL: 'https://manyi.example.gov.cn' } });
  const at = (url: string) => j.as('anonymous', { method: 'GET', url: `/open311/v2/${url}` });
  t.match((await at('discovery.json')).json(), { endpoints: [{ url: 'https://manyi.example.gov.cn/open311/v2' }] });
  for (const url of ['services.json', 'services/fees.json', 'requests/TS-2222222222.json', 'requests.json?service_request_id=TS-2222222222']) {
    const sep = url.includes('?') ? '&' : '?';
    t.equal((await at(`${url}${sep}jurisdiction_id=elsewhere.gov.cn`)).statusCode, 404, `${url}: another jurisdiction`);
    t.match((await at(`${url}${sep}jurisdiction_id=elsewhere.gov.cn`)).json(), [{ code: 404, description: /jurisdiction_id/ }]);
  }
  t.equal((await at('services.json?jurisdiction_id=lichuan.gov.cn')).statusCode, 200);
  t.equal((await at('services.json')).statusCode, 200, 'optional: one jurisdiction per deployment');
  const jKey = await issueApiKey(j);
  const post = (jid: string) => j.app.inject({ ...form({ service_code: 'other', jurisdiction_id: jid, ...PLACE }, jKey) });
  t.equal((await post('elsewhere.gov.cn')).statusCode, 404);
  t.equal((await post('lichuan.gov.cn')).statusCode, 201);
  t.equal((await get('services.json?jurisdiction_id=anything')).statusCode, 200, 'without a configured jurisdiction any value is taken');
});

t.test('anonymous Open311 callers are rate limited like the public intake; a keyed client is accountable, as a token is', async (t) => {
  const limited = await setup(t, { config: { RATE_LIMIT_ANONYMOUS_PER_MINUTE: 1 } });
  const read = { method: 'GET' as const, url: '/open311/v2/requests.json?service_request_id=TS-2222222222' };
  t.equal((await limited.app.inject(read)).statusCode, 200);
  const second = await limited.app.inject(read);
  t.equal(second.statusCode, 429);
  t.match(second.json(), [{ code: 429 }]);
  const key = await issueApiKey(limited);
  t.equal((await limited.app.inject(form({ service_code: 'other', ...PLACE }, key))).statusCode, 201);
  t.equal((await limited.app.inject(form({ service_code: 'other', ...PLACE }, key))).statusCode, 201);
});

t.test('a start_date at the end of time is answered, not a 500', async (t) => {
  const res = await h.as('integration', { method: 'GET', url: '/open311/v2/requests.json?start_date=9999-12-31T23%3A59%3A59.999Z' });
  t.equal(res.statusCode, 200, res.body);
  t.same(res.json(), []);
});
