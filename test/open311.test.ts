import t from 'tap';
import { gql, setup } from './helper.js';
import { referenceWorld } from './fixtures.js';

const h = await setup(t);
const w = await referenceWorld(h);
const { taxHallA } = w.units;

type Req = Record<string, unknown> & { service_request_id: string };
const form = (fields: Record<string, string>) => ({
  method: 'POST' as const,
  url: '/open311/v2/requests.json',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams(fields).toString(),
});
const getOne = async (id: string) => (await h.as('anonymous', { method: 'GET', url: `/open311/v2/requests/${id}.json` })).json() as Req[];

async function postJson(payload: Record<string, unknown>) {
  const res = await h.as('integration', { method: 'POST', url: '/open311/v2/requests.json', payload });
  if (res.statusCode !== 201) throw new Error(res.body);
  return (res.json() as Req[])[0];
}

t.test('services.json lists the complaint categories as GeoReport services', async (t) => {
  const res = await h.as('anonymous', { method: 'GET', url: '/open311/v2/services.json' });
  t.equal(res.statusCode, 200, res.body);
  const list = res.json() as Record<string, unknown>[];
  t.equal(list.length, 8);
  t.match(list.find((s) => s.service_code === 'discipline'), { service_name: '工作纪律', metadata: false, type: 'realtime', group: '作风纪律' });
  t.match(list.find((s) => s.service_code === 'fees'), { service_name: '乱收费', group: '廉政' });
  t.ok(list.every((s) => typeof s.keywords === 'string' && typeof s.description === 'string'));
});

t.test('an XML format is refused in the GeoReport error format', async (t) => {
  const res = await h.as('anonymous', { method: 'GET', url: '/open311/v2/services.xml' });
  t.equal(res.statusCode, 406);
  t.match(res.headers['content-type'], /application\/json/);
  t.match(res.json(), [{ code: 406, description: /JSON/ }]);
  const missing = await h.as('anonymous', { method: 'GET', url: '/open311/v2/nothing.json' });
  t.equal(missing.statusCode, 404);
  t.match(missing.json(), [{ code: 404 }]);
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
  const res = await h.as('integration', form({ service_code: 'service_attitude', description: '窗口人员态度生硬', 'attribute[unit_id]': taxHallA.id, email: '', api_key: 'ignored' }));
  t.equal(res.statusCode, 201, res.body);
  const code = (res.json() as Req[])[0].service_request_id;
  const c = (await h.as('admin', { method: 'GET', url: `/api/v1/public/complaints/${code}` })).json();
  t.equal(c.category, 'service_attitude');
  const list = (await h.as('admin', { method: 'GET', url: `/api/v1/complaints?unitId=${taxHallA.id}&limit=200` })).json().items as { trackingCode: string }[];
  t.ok(list.some((x) => x.trackingCode === code), 'the unit named in attribute[unit_id] is kept');
});

t.test('a post without a service code is 400 in the GeoReport error format', async (t) => {
  const res = await h.as('integration', form({ description: 'x' }));
  t.equal(res.statusCode, 400);
  t.match(res.headers['content-type'], /application\/json/);
  t.match(res.json(), [{ code: 400, description: /service_code/ }]);
  const bad = await h.as('integration', form({ service_code: 'parking', description: 'x' }));
  t.equal(bad.statusCode, 400);
});

t.test('only integrations may post requests; refusals use the GeoReport error format', async (t) => {
  const anon = await h.as('anonymous', form({ service_code: 'other', description: 'x' }));
  t.equal(anon.statusCode, 401);
  t.match(anon.json(), [{ code: 401 }]);
  for (const who of ['admin', 'inspector', { role: 'department', departmentId: w.departments.tax.id }, { role: 'unit', unitId: taxHallA.id }] as const) {
    const res = await h.as(who, form({ service_code: 'other', description: 'x' }));
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
