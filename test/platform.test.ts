import t from 'tap';
import { SignJWT } from 'jose';
import { loadConfig } from '../src/config.js';
import { generateLocalKeyPair, mintToken } from '../src/lib/keys.js';
import { gql, setup } from './helper.js';

const h = await setup(t, { config: { RATE_LIMIT_ANONYMOUS_PER_MINUTE: 5, CORS_ORIGINS: ['https://console.example.test'] } });
const opts = { issuer: h.config.JWT_ISSUER, audience: h.config.JWT_AUDIENCE };
const call = (token: string) => h.app.inject({ method: 'GET', url: '/api/v1/regions', headers: { authorization: `Bearer ${token}` } });

t.test('tokens are verified: signature, issuer, audience, expiry and algorithm', async (t) => {
  t.equal((await call(await mintToken(h.keys, { role: 'admin' }, opts))).statusCode, 200);
  const otherKey = await generateLocalKeyPair();
  const cases: [string, string][] = [
    ['foreign key', await mintToken(otherKey, { role: 'admin' }, opts)],
    ['wrong issuer', await mintToken(h.keys, { role: 'admin' }, { ...opts, issuer: 'someone-else' })],
    ['wrong audience', await mintToken(h.keys, { role: 'admin' }, { ...opts, audience: 'other-api' })],
    ['expired beyond tolerance', await mintToken(h.keys, { role: 'admin' }, { ...opts, ttlSeconds: 60, now: Date.now() - 3600_000 })],
    ['HS256 is not on the allow-list', await new SignJWT({ role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setIssuer(opts.issuer).setAudience(opts.audience).setSubject('x').setExpirationTime('1h').sign(new Uint8Array(32))],
    ['not a JWT', 'abc.def.ghi'],
  ];
  for (const [name, token] of cases) {
    const res = await call(token);
    t.equal(res.statusCode, 401, name);
    t.equal(res.json().code, 'unauthorized', name);
  }
  const withinTolerance = await mintToken(h.keys, { role: 'admin' }, { ...opts, ttlSeconds: 60, now: Date.now() - 75_000 });
  t.equal((await call(withinTolerance)).statusCode, 200, 'expired 15s ago is inside the 30s clock tolerance');
});

t.test('scoped roles need their scoping claim; unknown roles are refused', async (t) => {
  const noDept = await new SignJWT({ role: 'department' }).setProtectedHeader({ alg: 'ES256', kid: h.keys.kid }).setIssuer(opts.issuer).setAudience(opts.audience).setSubject('d').setExpirationTime('1h').sign(h.keys.privateKey);
  const res = await call(noDept);
  t.equal(res.statusCode, 401);
  t.match(res.json().detail, /department_id/);
  const root = await new SignJWT({ role: 'root' }).setProtectedHeader({ alg: 'ES256', kid: h.keys.kid }).setIssuer(opts.issuer).setAudience(opts.audience).setSubject('r').setExpirationTime('1h').sign(h.keys.privateKey);
  t.equal((await call(root)).statusCode, 401);
  const basic = await h.app.inject({ method: 'GET', url: '/api/v1/regions', headers: { authorization: 'Basic abc' } });
  t.equal(basic.statusCode, 401);
});

t.test('the audit chain verifies, the database refuses to change it, and a tampered row is named', async (t) => {
  for (const code of ['A1', 'A2', 'A3']) {
    await h.as('admin', { method: 'POST', url: '/api/v1/regions', payload: { level: 'prefecture', code, nameZh: code } });
  }
  const ok = (await h.as('admin', { method: 'GET', url: '/api/v1/audit-log/verify' })).json();
  t.match(ok, { valid: true, checked: 3, firstBroken: null });
  await t.rejects(h.sql(`update audit_log set actor = 'someone' where seq = 2`), /append-only/);
  await t.rejects(h.sql(`delete from audit_log where seq = 2`), /append-only/);
  await t.rejects(h.sql(`truncate audit_log`), /append-only/);
  // A superuser with direct access can still switch the trigger off: verification is what catches that.
  await h.sql(`alter table audit_log disable trigger audit_log_no_update_delete`);
  await h.sql(`update audit_log set after = jsonb_set(after, '{nameZh}', '"篡改"') where seq = 2`);
  await h.sql(`alter table audit_log enable trigger audit_log_no_update_delete`);
  const broken = (await h.as('admin', { method: 'GET', url: '/api/v1/audit-log/verify' })).json();
  t.equal(broken.valid, false);
  t.equal(broken.firstBroken.seq, 2);
  t.equal(broken.checked, 1);
  t.match(broken.firstBroken.reason, /altered/);
});

t.test('the audit log is admin-only and filterable', async (t) => {
  for (const who of ['inspector', 'integration'] as const) t.equal((await h.as(who, { method: 'GET', url: '/api/v1/audit-log' })).statusCode, 403);
  t.equal((await h.as('anonymous', { method: 'GET', url: '/api/v1/audit-log/verify' })).statusCode, 401);
  const page = (await h.as('admin', { method: 'GET', url: '/api/v1/audit-log?action=region.created&limit=2' })).json();
  t.equal(page.items.length, 2);
  t.ok(page.nextCursor);
  const next = (await h.as('admin', { method: 'GET', url: `/api/v1/audit-log?action=region.created&limit=2&cursor=${page.nextCursor}` })).json();
  t.equal(next.items[0].seq, 3);
});

t.test('request ids are echoed (or minted) and security headers are set', async (t) => {
  const given = await h.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'trace-123' } });
  t.equal(given.headers['x-request-id'], 'trace-123');
  const minted = await h.app.inject({ method: 'GET', url: '/healthz' });
  t.match(minted.headers['x-request-id'], /^[0-9a-f-]{36}$/);
  t.equal(minted.headers['x-content-type-options'], 'nosniff');
  const allowed = await h.app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://console.example.test' } });
  t.equal(allowed.headers['access-control-allow-origin'], 'https://console.example.test');
  const other = await h.app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://evil.example.test' } });
  t.notOk(other.headers['access-control-allow-origin']);
});

t.test('anonymous API calls are rate limited; authenticated ones are not', async (t) => {
  const statuses: number[] = [];
  for (let i = 0; i < 7; i++) statuses.push((await h.as('anonymous', { method: 'GET', url: '/api/v1/categories' })).statusCode);
  t.same(statuses.slice(0, 5), [200, 200, 200, 200, 200]);
  t.equal(statuses[6], 429);
  const limited = await h.as('anonymous', { method: 'GET', url: '/api/v1/categories' });
  t.equal(limited.headers['content-type'], 'application/problem+json; charset=utf-8');
  for (let i = 0; i < 7; i++) t.equal((await h.as('inspector', { method: 'GET', url: '/api/v1/categories' })).statusCode, 200);
});

t.test('GraphQL rejects queries nested beyond the depth limit', async (t) => {
  const deep = `{ regions { items { parent { parent { parent { parent { parent { parent { parent { parent { id } } } } } } } } } } }`;
  const res = await gql(h, 'admin', deep);
  t.ok(res.errors?.length);
  t.match(res.errors?.[0].message ?? '', /depth/i);
});

t.test('bodies over the size limit are refused with 413', async (t) => {
  const res = await h.as('admin', { method: 'POST', url: '/api/v1/regions', payload: { level: 'prefecture', code: 'B', nameZh: 'x'.repeat(1_100_000) } });
  t.equal(res.statusCode, 413);
  t.equal(res.json().status, 413);
});

t.test('bad configuration names the variable', async (t) => {
  t.throws(() => loadConfig({ PORT: 'eighty' }), /PORT/);
  t.throws(() => loadConfig({ DATABASE_URL: 'not a url' }), /DATABASE_URL/);
  t.throws(() => loadConfig({ NODE_ENV: 'production' }), /JWT_PUBLIC_KEY/);
  t.equal(loadConfig({ PORT: '8080', MIGRATE_ON_START: 'true' }).PORT, 8080);
});

t.test('anonymous GraphQL calls share the public rate limit', async (t) => {
  const statuses: number[] = [];
  for (let i = 0; i < 7; i++) statuses.push((await h.as('anonymous', { method: 'POST', url: '/graphql', payload: { query: '{ categories { code } }' } })).statusCode);
  t.ok(statuses.includes(429), `limited: ${statuses.join(',')}`);
  const bad = await h.app.inject({ method: 'POST', url: '/graphql', headers: { authorization: 'Bearer nope' }, payload: { query: '{ categories { code } }' } });
  t.equal(bad.statusCode, 401, 'a bad token on GraphQL is a 401 with the same code');
  t.equal(bad.json().errors[0].extensions.code, 'unauthorized');
  t.equal((await h.as('admin', { method: 'POST', url: '/graphql', payload: { query: '{ categories { code } }' } })).statusCode, 200);
});
