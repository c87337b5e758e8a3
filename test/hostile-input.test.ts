import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import type { Test } from 'tap';
import { sql } from 'drizzle-orm';
import { SignJWT } from 'jose';
import pino from 'pino';
import { testConfig } from '../src/config.js';
import { logSerializers, loggerOptions } from '../src/lib/logger.js';
import { toProblem } from '../src/plugins/errors.js';
import { setup } from './helper.js';

// The log is read back: every line the app writes lands here.
const lines: string[] = [];
const destination = { write: (line: string) => void lines.push(line) };
const h = await setup(t, { logger: loggerOptions({ ...testConfig(), LOG_LEVEL: 'debug' }, destination) });
const someId = '01900000-0000-7000-8000-0000000000ff';
const PROBLEM = 'application/problem+json; charset=utf-8';

/** Everything logged while fn runs. */
async function logged(fn: () => Promise<unknown>): Promise<string> {
  const from = lines.length;
  await fn();
  return lines.slice(from).join('');
}

function isProblem(t: Test, res: { statusCode: number; headers: Record<string, unknown>; json(): { status: number; code: string } }, status: number, code: string) {
  t.equal(res.statusCode, status);
  t.equal(res.headers['content-type'], PROBLEM);
  t.match(res.json(), { status, code, type: `urn:manyi:problem:${code}` });
}

t.test('a NUL in a path parameter is 400 invalid_characters, not a database error', async (t) => {
  isProblem(t, await h.as('anonymous', { method: 'GET', url: '/api/v1/public/complaints/%00' }), 400, 'invalid_characters');
});

// The Open311 facade answers in the GeoReport v2 error format (its spec), with the same status.
t.test('Open311: a NUL in a request id is 400 in the GeoReport error format, not a database error', async (t) => {
  const res = await h.as('integration', { method: 'GET', url: '/open311/v2/requests/a%00b.json' });
  t.equal(res.statusCode, 400);
  t.match(res.json(), [{ code: 400, description: /NUL/ }]);
});

t.test('a NUL in a query value is 400 invalid_characters, and the value is not logged', async (t) => {
  let res!: Awaited<ReturnType<typeof h.as>>;
  const log = await logged(async () => (res = await h.as('admin', { method: 'GET', url: '/api/v1/complaints?q=nul%00marker-q' })));
  isProblem(t, res, 400, 'invalid_characters');
  t.notMatch(log, /marker-q/);
});

t.test('malformed percent-encoding is 400 invalid_characters, in the path and in the query string', async (t) => {
  isProblem(t, await h.as('admin', { method: 'GET', url: '/api/v1/units/%E0%A4%A' }), 400, 'invalid_characters');
  isProblem(t, await h.as('admin', { method: 'GET', url: '/api/v1/units?regionId=%E0%A4%A' }), 400, 'invalid_characters');
  isProblem(t, await h.as('admin', { method: 'GET', url: '/api/v1/units?name=%ED%A0%80' }), 400, 'invalid_characters');
});

t.test('a NUL or a lone surrogate in a JSON body string is 400 invalid_characters', async (t) => {
  const complaint = { category: 'discipline', subject: '窗口人员上班玩游戏', description: '办税窗口工作人员在玩手机游戏', source: 'hotline' };
  // Written as JSON escapes, the way a client sends them: JSON.parse turns them into a NUL and a lone surrogate.
  for (const escaped of ['a\\u0000b', 'a\\ud800b']) {
    const res = await h.as('admin', {
      method: 'POST',
      url: '/api/v1/complaints',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(complaint).replace(/"description":"[^"]*"/, `"description":"${escaped}"`),
    });
    isProblem(t, res, 400, 'invalid_characters');
    t.match(res.json().detail, /body\.description/, `${escaped}: the detail names the field`);
  }
  t.equal((await h.as('admin', { method: 'POST', url: '/api/v1/complaints', payload: { ...complaint, description: '表情 😀 成对代理项' } })).statusCode, 201, 'a surrogate pair is text');
});

t.test('Open311: a NUL in a form-encoded body is 400 in the GeoReport error format', async (t) => {
  const res = await h.as('integration', {
    method: 'POST',
    url: '/open311/v2/requests.json',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'service_code=service_attitude&description=a%00b',
  });
  t.equal(res.statusCode, 400);
  t.match(res.json(), [{ code: 400, description: /body\.description holds a NUL/ }]);
});

t.test('GraphQL: a NUL in a variable or an inline argument is refused with invalid_characters', async (t) => {
  const query = 'query($c: String!) { complaintByTrackingCode(trackingCode: $c) { trackingCode } }';
  const viaVariable = await h.as('anonymous', { method: 'POST', url: '/graphql', payload: { query, variables: { c: 'a\u0000b' } } });
  t.equal(viaVariable.statusCode, 400);
  t.equal(viaVariable.json().errors[0].extensions.code, 'invalid_characters');
  const inline = await h.as('anonymous', { method: 'POST', url: '/graphql', payload: { query: '{ complaintByTrackingCode(trackingCode: "a\\u0000b") { trackingCode } }' } });
  t.equal(inline.statusCode, 400);
  t.equal(inline.json().errors[0].extensions.code, 'invalid_characters');
  t.equal(inline.json().data, null, 'nothing was executed');
});

t.test('a NUL that reaches PostgreSQL anyway (22021) is 400, and the log names the SQLSTATE but never the parameters', async (t) => {
  const err = await h.database.db.execute(sql`select ${'nul\u0000marker-db'}::text`).then(
    () => null,
    (e: unknown) => e,
  );
  t.ok(err, 'PostgreSQL refuses the NUL');
  t.match(toProblem(err, '/x'), { status: 400, code: 'invalid_characters' });
  const out: string[] = [];
  pino({ serializers: logSerializers }, { write: (l: string) => void out.push(l) }).error({ err }, 'request failed');
  const line = JSON.parse(out[0]);
  t.equal(line.err.sqlstate, '22021');
  t.match(line.err.query, /\$1/, 'the statement text, with its placeholder');
  t.notOk('params' in line.err);
  t.notMatch(out[0], /marker-db/);
});

t.test('a database error that becomes a 500 is logged without its parameters', async (t) => {
  const err = await h.database.db.execute(sql`select length(${'marker-500'}) / 0`).then(
    () => null,
    (e: unknown) => e,
  );
  t.match(toProblem(err, '/x'), { status: 500, code: 'internal_error' });
  const out: string[] = [];
  pino({ serializers: logSerializers }, { write: (l: string) => void out.push(l) }).error({ err }, 'request failed');
  t.equal(JSON.parse(out[0]).err.sqlstate, '22012');
  t.notMatch(out[0], /marker-500/);
});

t.test('a path parameter over the router limit is 414 uri_too_long as a problem document', async (t) => {
  isProblem(t, await h.as('admin', { method: 'GET', url: `/api/v1/units/${'a'.repeat(101)}` }), 414, 'uri_too_long');
});

t.test('a token in the query string is refused with 400 credentials_in_query and never logged', async (t) => {
  const token = await h.token('admin');
  for (const name of ['access_token', 'token', 'jwt', 'Access_Token']) {
    let res!: Awaited<ReturnType<typeof h.as>>;
    const log = await logged(async () => (res = await h.app.inject({ method: 'GET', url: `/api/v1/regions?limit=5&${name}=${token}` })));
    isProblem(t, res, 400, 'credentials_in_query');
    t.notMatch(log, token.split('.')[2], `${name}: the token is not in the log`);
    t.match(log, new RegExp(`/api/v1/regions\\?limit=\\[redacted\\]&${name}=\\[redacted\\]`), 'the path and the parameter names are');
  }
});

t.test('a credential parameter is found whether its name is written plainly or percent-encoded, and only as a name', async (t) => {
  for (const query of ['token=x', 'a=1&TOKEN=x', 'jwt', 'a=1&jwt&b=2', '%74oken=x', 'a=1&acc%65ss_token=x']) {
    isProblem(t, await h.as('anonymous', { method: 'GET', url: `/api/v1/categories?${query}` }), 400, 'credentials_in_query');
  }
  for (const query of ['tokens=1', 'a=token', 'a=1?token=2', 'my_token=1', 'to+ken=1', 'token+=1']) {
    t.equal((await h.as('anonymous', { method: 'GET', url: `/api/v1/categories?${query}` })).statusCode, 200, query);
  }
});

t.test('request logs keep the path and redact query values', async (t) => {
  const log = await logged(() => h.as('admin', { method: 'GET', url: '/api/v1/regions?code=marker-query&limit=5' }));
  t.match(log, /"url":"\/api\/v1\/regions\?code=\[redacted\]&limit=\[redacted\]"/);
  t.notMatch(log, /marker-query/);
});

t.test('headers over 16 KB are answered 431 headers_too_large as a problem document on a real socket', async (t) => {
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = h.app.server.address() as AddressInfo;
  const raw = await new Promise<string>((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no answer within 5 s'));
    }, 5000);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    socket.on('error', () => undefined);
    socket.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(17 * 1024)}\r\n\r\n`);
  });
  const [head, body] = raw.split('\r\n\r\n');
  t.match(head, /^HTTP\/1\.1 431 /);
  t.match(head, /content-type: application\/problem\+json/i);
  t.match(JSON.parse(body), { status: 431, code: 'headers_too_large', type: 'urn:manyi:problem:headers_too_large' });
});

t.test('a token whose scoping claims do not fit its role is refused with 401, naming the claim', async (t) => {
  const sign = (claims: Record<string, unknown>) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: h.keys.kid }).setIssuer(h.config.JWT_ISSUER).setAudience(h.config.JWT_AUDIENCE).setSubject('s').setExpirationTime('1h').sign(h.keys.privateKey);
  const misfits: [Record<string, unknown>, RegExp][] = [
    [{ role: 'admin', department_id: someId }, /department_id is not allowed for role admin/],
    [{ role: 'inspector', unit_id: someId }, /unit_id is not allowed for role inspector/],
    [{ role: 'integration', supervisor_id: someId }, /supervisor_id is not allowed for role integration/],
    [{ role: 'unit', unit_id: someId, department_id: someId }, /department_id is not allowed for role unit/],
    [{ role: 'department', department_id: someId, supervisor_id: someId }, /supervisor_id is not allowed for role department/],
    [{ role: 'supervisor', supervisor_id: someId, unit_id: someId }, /unit_id is not allowed for role supervisor/],
    [{ role: 'department' }, /department_id is required for role department/],
    [{ role: 'unit' }, /unit_id is required for role unit/],
    [{ role: 'supervisor' }, /supervisor_id is required for role supervisor/],
  ];
  for (const [claims, detail] of misfits) {
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/regions', headers: { authorization: `Bearer ${await sign(claims)}` } });
    isProblem(t, res, 401, 'unauthorized');
    t.match(res.json().detail, detail);
  }
  for (const claims of [{ role: 'admin' }, { role: 'unit', unit_id: someId }, { role: 'department', department_id: someId }, { role: 'supervisor', supervisor_id: someId }]) {
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/regions', headers: { authorization: `Bearer ${await sign(claims)}` } });
    t.equal(res.statusCode, 200, `${claims.role} with its own claim fits`);
  }
});

// Found by test/fuzz.test.ts: PostgreSQL has no year 0, so `0000-…` passed the ISO pattern and failed in the database.
t.test('a timestamp PostgreSQL cannot store (year 0000, past 9999) is 400 validation_failed, in a body and in a query', async (t) => {
  const complaint = { category: 'discipline', subject: '窗口人员上班玩游戏', description: '办税窗口工作人员在玩手机游戏', source: 'hotline' };
  for (const receivedAt of ['0000-01-04T00:00:00Z', '0001-01-01T00:00:00+01:00', '9999-12-31T23:59:59-05:00']) {
    const res = await h.as('admin', { method: 'POST', url: '/api/v1/complaints', payload: { ...complaint, receivedAt } });
    isProblem(t, res, 400, 'validation_failed');
    t.match(res.json().errors, [{ field: 'body.receivedAt' }], receivedAt);
  }
  isProblem(t, await h.as('admin', { method: 'GET', url: '/api/v1/audit-log?from=0000-01-01T00%3A00%3A00Z' }), 400, 'validation_failed');
  isProblem(t, await h.as('admin', { method: 'GET', url: '/api/v1/complaints?to=0000-01-01T00%3A00%3A00Z' }), 400, 'validation_failed');
  t.equal((await h.as('admin', { method: 'GET', url: '/api/v1/audit-log?from=0001-01-01T00%3A00%3A00Z' })).statusCode, 200, 'the first instant is fine');
});

t.test('Open311 default windows stop at the first and last storable instant (found by the fuzz test)', async (t) => {
  for (const query of ['start_date=9999-12-31T23:59:59.999Z', 'end_date=0001-01-01T00:00:00Z']) {
    for (const format of ['json', 'xml']) {
      const res = await h.as('integration', { method: 'GET', url: `/open311/v2/requests.${format}?${query}` });
      t.equal(res.statusCode, 200, `${format} ${query}`);
    }
  }
});

t.test('a calendar day PostgreSQL cannot store (0000-01-01) is 400 validation_failed, not a database error', async (t) => {
  const supervisor = { name: '监督员', affiliation: '州政协', sector: 'citizen' };
  const res = await h.as('admin', { method: 'POST', url: '/api/v1/supervisors', payload: { ...supervisor, termStart: '0000-01-01' } });
  isProblem(t, res, 400, 'validation_failed');
  t.match(res.json().errors, [{ field: 'body.termStart' }]);
  t.equal((await h.as('admin', { method: 'POST', url: '/api/v1/supervisors', payload: { ...supervisor, termStart: '0001-01-01' } })).statusCode, 201, 'year 1 is fine');
  isProblem(t, await h.as('admin', { method: 'GET', url: '/api/v1/deeds?from=0000-01-01' }), 400, 'validation_failed');
});

t.test('a value out of the range PostgreSQL holds (22008, 22003) is 400 invalid_value, not a 500', async (t) => {
  for (const statement of [sql`select ${'0000-01-04T00:00:00.000Z'}::timestamptz`, sql`select ${'99999999999'}::int`]) {
    const err = await h.database.db.execute(statement).then(
      () => null,
      (e: unknown) => e,
    );
    t.match(toProblem(err, '/x'), { status: 400, code: 'invalid_value' });
  }
});
