import t from 'tap';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import type { InjectOptions } from 'fastify';
import { referenceWorld } from './fixtures.js';
import { gql, setup } from './helper.js';
import { guard, guardScopeProblem } from '../src/lib/graphql.js';
import { scopeDeclarationProblem } from '../src/lib/scopes.js';

const h = await setup(t);
const w = await referenceWorld(h);
const { forestStation } = w.units;
const api = (path: string) => `/api/v1${path}`;

interface Created {
  id: string;
  clientSecret: string;
  scopes: string[];
  status: string;
  version: number;
}

async function createClient(scopes: string[], name = 'hotline 12345'): Promise<Created> {
  const res = await h.as('admin', { method: 'POST', url: api('/integration-clients'), payload: { name, description: '12345 热线', scopes } });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json() as Created;
}

const form = (fields: Record<string, string>, headers: Record<string, string> = {}): InjectOptions => ({
  method: 'POST',
  url: '/oauth/token',
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  payload: new URLSearchParams(fields).toString(),
});
const basic = (id: string, secret: string) => ({ authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}` });

/** A token by client_secret_post. */
async function tokenFor(c: { id: string; clientSecret: string }, scope?: string): Promise<string> {
  const res = await h.app.inject(form({ grant_type: 'client_credentials', client_id: c.id, client_secret: c.clientSecret, ...(scope ? { scope } : {}) }));
  if (res.statusCode !== 200) throw new Error(res.body);
  return res.json().access_token as string;
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const rating = (externalId: string) => ({ unitId: forestStation.id, level: 5, externalId, channel: 'hotline', source: 'hotline-12345' });

t.test('an admin registers a client: the secret is shown once and stored only as a digest, audited', async (t) => {
  const c = await createClient(['ratings:write', 'public:read']);
  t.match(c, { status: 'active', scopes: ['ratings:write', 'public:read'], version: 1 });
  t.match(c.clientSecret, /^mcs_[A-Za-z0-9_-]{43}$/, '256 random bits');
  const got = await h.as('admin', { method: 'GET', url: api(`/integration-clients/${c.id}`) });
  t.equal(got.statusCode, 200);
  t.notOk('clientSecret' in got.json(), 'never shown again');
  const [row] = await h.sql<Record<string, unknown>>('select * from integration_clients where id = $1', [c.id]);
  t.notOk(Object.values(row).some((v) => typeof v === 'string' && v.includes(c.clientSecret)), 'no column holds the secret');
  t.match(row.secret_hash, /^[0-9a-f]{64}$/);
  const audit = await h.sql<{ action: string; after: Record<string, unknown> }>("select action, after from audit_log where entity_type = 'integration_client' and entity_id = $1", [c.id]);
  t.same(audit.map((a) => a.action), ['integration_client.created']);
  t.notOk(JSON.stringify(audit).includes(c.clientSecret), 'nor does the audit log');
  const list = await h.as('admin', { method: 'GET', url: api('/integration-clients?status=active') });
  t.ok((list.json().items as { id: string }[]).some((i) => i.id === c.id));
});

t.test('only admins manage clients, over REST and GraphQL', async (t) => {
  const c = await createClient(['public:read']);
  for (const who of ['inspector', 'integration', { role: 'department' as const, departmentId: w.departments.tax.id }] as const) {
    t.equal((await h.as(who, { method: 'POST', url: api('/integration-clients'), payload: { name: 'x', scopes: ['public:read'] } })).statusCode, 403, JSON.stringify(who));
    t.equal((await h.as(who, { method: 'GET', url: api('/integration-clients') })).statusCode, 403);
    t.equal((await h.as(who, { method: 'POST', url: api(`/integration-clients/${c.id}/revoke`) })).statusCode, 403);
  }
  t.equal((await h.as('anonymous', { method: 'GET', url: api('/integration-clients') })).statusCode, 401);
  const denied = await gql(h, 'inspector', '{ integrationClients { items { id } } }');
  t.equal(denied.errors?.[0]?.extensions?.code, 'forbidden');
  const granted = await gql(h, 'admin', 'query($id: ID!) { integrationClient(id: $id) { id status clientSecret } }', { id: c.id });
  t.same(granted.data, { integrationClient: { id: c.id, status: 'active', clientSecret: null } });
});

t.test('a bad client registration is a 4xx naming the field', async (t) => {
  const res = await h.as('admin', { method: 'POST', url: api('/integration-clients'), payload: { name: 'x', scopes: ['everything:write'] } });
  t.equal(res.statusCode, 400);
  t.match(res.headers['content-type'], /application\/problem\+json/);
  t.match(res.json().errors, [{ field: 'body.scopes.0' }]);
});

t.test('the client-credentials grant: HTTP Basic and form post, RFC 6749 §5.1 answer, verifiable with jwks.json', async (t) => {
  const c = await createClient(['ratings:write', 'public:read']);
  const viaBasic = await h.app.inject(form({ grant_type: 'client_credentials' }, basic(c.id, c.clientSecret)));
  t.equal(viaBasic.statusCode, 200, viaBasic.body);
  t.equal(viaBasic.headers['cache-control'], 'no-store');
  const body = viaBasic.json();
  t.match(body, { token_type: 'Bearer', expires_in: 600, scope: 'ratings:write public:read' });
  const viaPost = await h.app.inject(form({ grant_type: 'client_credentials', client_id: c.id, client_secret: c.clientSecret }));
  t.equal(viaPost.statusCode, 200);
  const viaJson = await h.app.inject({ method: 'POST', url: '/oauth/token', payload: { grant_type: 'client_credentials', client_id: c.id, client_secret: c.clientSecret } });
  t.equal(viaJson.statusCode, 200, 'JSON is taken too');

  const jwks = (await h.as('anonymous', { method: 'GET', url: '/.well-known/jwks.json' })).json();
  const { payload, protectedHeader } = await jwtVerify(body.access_token, createLocalJWKSet(jwks), { issuer: h.config.TOKEN_ISSUER, audience: h.config.JWT_AUDIENCE });
  t.match(payload, { role: 'integration', sub: c.id, client_id: c.id, scope: 'ratings:write public:read' });
  t.equal((payload.exp ?? 0) - (payload.iat ?? 0), 600, 'short-lived (TOKEN_TTL_SECONDS)');
  t.equal(protectedHeader.typ, 'at+jwt');
});

t.test('refusals are RFC 6749 §5.2 documents', async (t) => {
  const c = await createClient(['ratings:write']);
  const wrong = await h.app.inject(form({ grant_type: 'client_credentials' }, basic(c.id, 'mcs_wrong')));
  t.equal(wrong.statusCode, 401);
  t.match(wrong.json(), { error: 'invalid_client', error_description: String });
  t.match(wrong.headers['www-authenticate'], /^Basic/);
  const wrongPost = await h.app.inject(form({ grant_type: 'client_credentials', client_id: c.id, client_secret: 'nope' }));
  t.equal(wrongPost.statusCode, 401);
  t.equal(wrongPost.json().error, 'invalid_client');
  const unknown = await h.app.inject(form({ grant_type: 'client_credentials', client_id: 'not-a-client', client_secret: 'x' }));
  t.equal(unknown.json().error, 'invalid_client');

  const grant = await h.app.inject(form({ grant_type: 'password', client_id: c.id, client_secret: c.clientSecret }));
  t.equal(grant.statusCode, 400);
  t.equal(grant.json().error, 'unsupported_grant_type');
  const missing = await h.app.inject(form({ client_id: c.id, client_secret: c.clientSecret }));
  t.equal(missing.json().error, 'invalid_request');
  const twice = await h.app.inject({ ...form({}), payload: `grant_type=client_credentials&grant_type=client_credentials&client_id=${c.id}&client_secret=${c.clientSecret}` });
  t.equal(twice.json().error, 'invalid_request', 'a repeated parameter');
  const both = await h.app.inject(form({ grant_type: 'client_credentials', client_secret: c.clientSecret }, basic(c.id, c.clientSecret)));
  t.equal(both.json().error, 'invalid_request', 'one authentication method at a time');
  const xml = await h.app.inject({ method: 'POST', url: '/oauth/token', headers: { 'content-type': 'text/xml' }, payload: '<x/>' });
  t.equal(xml.statusCode, 400);
  t.equal(xml.json().error, 'invalid_request');
  t.match(xml.headers['content-type'], /^application\/json/);
});

t.test('scope: a subset of the client\'s scopes, all of them by default; more is invalid_scope', async (t) => {
  const c = await createClient(['ratings:write', 'public:read', 'statistics:read']);
  const subset = await h.app.inject(form({ grant_type: 'client_credentials', scope: 'public:read ratings:write' }, basic(c.id, c.clientSecret)));
  t.equal(subset.json().scope, 'public:read ratings:write');
  t.equal(decodeJwt(subset.json().access_token).scope, 'public:read ratings:write');
  const superset = await h.app.inject(form({ grant_type: 'client_credentials', scope: 'ratings:write complaints:write' }, basic(c.id, c.clientSecret)));
  t.equal(superset.statusCode, 400);
  t.match(superset.json(), { error: 'invalid_scope', error_description: /complaints:write/ });
  const unknown = await h.app.inject(form({ grant_type: 'client_credentials', scope: 'root' }, basic(c.id, c.clientSecret)));
  t.equal(unknown.json().error, 'invalid_scope');
});

t.test('a token works where its scope is declared and is refused, naming the scope, elsewhere', async (t) => {
  const c = await createClient(['ratings:write', 'public:read', 'reference:read']);
  const token = await tokenFor(c, 'ratings:write');
  const ok = await h.app.inject({ method: 'POST', url: api('/ratings'), headers: bearer(token), payload: rating('scoped-1') });
  t.equal(ok.statusCode, 201, ok.body);
  const refused = await h.app.inject({ method: 'GET', url: api('/ratings/counts'), headers: bearer(token) });
  t.equal(refused.statusCode, 403);
  t.match(refused.headers['content-type'], /application\/problem\+json/);
  t.match(refused.json(), { code: 'insufficient_scope', missingScopes: ['ratings:read'], detail: /ratings:read/ });
  const publicData = await h.app.inject({ method: 'GET', url: api('/complaint-categories'), headers: bearer(token) });
  t.equal(publicData.statusCode, 403, 'public data needs public:read from an integration token');
  t.equal(publicData.json().missingScopes[0], 'public:read');
  const wider = await tokenFor(c);
  t.equal((await h.app.inject({ method: 'GET', url: api('/complaint-categories'), headers: bearer(wider) })).statusCode, 200);
  t.equal((await h.app.inject({ method: 'GET', url: api('/regions'), headers: bearer(wider) })).statusCode, 200, 'reference:read');
  t.equal((await h.app.inject({ method: 'GET', url: '/.well-known/jwks.json', headers: bearer(token) })).statusCode, 200, 'the service\'s own doors need no scope');
});

t.test('GraphQL fields declare scopes too: a missing one is an error with extensions.code', async (t) => {
  const c = await createClient(['public:read', 'reference:read']);
  const token = await tokenFor(c, 'public:read');
  const ask = async (tk: string, query: string) => (await h.app.inject({ method: 'POST', url: '/graphql', headers: bearer(tk), payload: { query } })).json();
  const refused = await ask(token, '{ regions { items { id } } }');
  t.match(refused.errors, [{ path: ['regions'], extensions: { code: 'insufficient_scope' }, message: /reference:read/ }]);
  const mutation = await ask(token, 'mutation { submitComplaint(input: { category: other, subject: "x", description: "y" }) { trackingCode } }');
  t.match(mutation.errors, [{ extensions: { code: 'insufficient_scope' }, message: /complaints:write/ }], 'a public mutation still needs its write scope');
  const answered = await ask(token, '{ complaintCategories { code } }');
  t.ok(Array.isArray(answered.data.complaintCategories), 'the public field public:read covers is answered');
  const wider = await tokenFor(c);
  const ok = (await h.app.inject({ method: 'POST', url: '/graphql', headers: bearer(wider), payload: { query: '{ regions { items { id } } }' } })).json();
  t.same(ok.errors, undefined);
});

t.test('tokens minted without a scope claim (npm run token) hold every scope; other roles are not scoped', async (t) => {
  t.equal((await h.as('integration', { method: 'GET', url: api('/ratings/counts') })).statusCode, 200);
  const narrow = await h.as({ role: 'integration', scope: 'ratings:write' }, { method: 'GET', url: api('/ratings/counts') });
  t.equal(narrow.statusCode, 403, 'a scope claim is honoured whoever signed it');
  t.equal((await h.as('inspector', { method: 'GET', url: api('/ratings/counts') })).statusCode, 200);
});

t.test('a revoked client cannot get tokens, and its tokens stop at once (even those verified before)', async (t) => {
  const c = await createClient(['ratings:write']);
  const token = await tokenFor(c);
  t.equal((await h.app.inject({ method: 'POST', url: api('/ratings'), headers: bearer(token), payload: rating('revoked-1') })).statusCode, 201);
  const revoked = await h.as('admin', { method: 'POST', url: api(`/integration-clients/${c.id}/revoke`) });
  t.equal(revoked.statusCode, 200);
  t.match(revoked.json(), { status: 'revoked', revokedBy: 'admin:local' });
  const after = await h.app.inject({ method: 'POST', url: api('/ratings'), headers: bearer(token), payload: rating('revoked-2') });
  t.equal(after.statusCode, 401);
  t.match(after.json().detail, /revoked/);
  t.equal((await h.app.inject(form({ grant_type: 'client_credentials' }, basic(c.id, c.clientSecret)))).json().error, 'invalid_client');
  const again = await h.as('admin', { method: 'POST', url: api(`/integration-clients/${c.id}/revoke`) });
  t.equal(again.statusCode, 409, 'revocation is final');
  t.equal(again.json().code, 'illegal_transition');
  const actions = await h.sql<{ action: string }>("select action from audit_log where entity_type = 'integration_client' and entity_id = $1 order by seq", [c.id]);
  t.same(actions.map((a) => a.action), ['integration_client.created', 'integration_client.revoked']);
});

t.test('rotation: a new secret; the old one works through the grace period only', async (t) => {
  const c = await createClient(['ratings:write']);
  const rotated = await h.as('admin', { method: 'POST', url: api(`/integration-clients/${c.id}/rotate-secret`), payload: { graceSeconds: 60 } });
  t.equal(rotated.statusCode, 200, rotated.body);
  const { clientSecret: fresh, previousSecretExpiresAt } = rotated.json();
  t.not(fresh, c.clientSecret);
  t.ok(previousSecretExpiresAt);
  t.equal((await h.app.inject(form({ grant_type: 'client_credentials' }, basic(c.id, fresh)))).statusCode, 200, 'the new secret');
  t.equal((await h.app.inject(form({ grant_type: 'client_credentials' }, basic(c.id, c.clientSecret)))).statusCode, 200, 'the old one, within its grace');
  // The grace period ends (as if 60 s had passed).
  await h.sql("update integration_clients set previous_secret_expires_at = now() - interval '1 second' where id = $1", [c.id]);
  t.equal((await h.app.inject(form({ grant_type: 'client_credentials' }, basic(c.id, c.clientSecret)))).statusCode, 401, 'the old one, after it');
  t.equal((await h.app.inject(form({ grant_type: 'client_credentials' }, basic(c.id, fresh)))).statusCode, 200);
  const noGrace = await h.as('admin', { method: 'POST', url: api(`/integration-clients/${c.id}/rotate-secret`), payload: { graceSeconds: 0 } });
  t.equal((await h.app.inject(form({ grant_type: 'client_credentials' }, basic(c.id, fresh)))).statusCode, 401, 'graceSeconds 0 stops the old secret at once');
  t.equal((await h.app.inject(form({ grant_type: 'client_credentials' }, basic(c.id, noGrace.json().clientSecret)))).statusCode, 200);
  const actions = await h.sql<{ action: string }>("select action from audit_log where entity_type = 'integration_client' and entity_id = $1 order by seq", [c.id]);
  t.same(actions.map((a) => a.action), ['integration_client.created', 'integration_client.secret_rotated', 'integration_client.secret_rotated']);
});

t.test('changing a client needs If-Match and is audited', async (t) => {
  const c = await createClient(['ratings:write']);
  const url = api(`/integration-clients/${c.id}`);
  t.equal((await h.as('admin', { method: 'PATCH', url, payload: { name: 'renamed' } })).statusCode, 428);
  const res = await h.as('admin', { method: 'PATCH', url, headers: { 'if-match': '"1"' }, payload: { scopes: ['ratings:write', 'ratings:read'] } });
  t.equal(res.statusCode, 200, res.body);
  t.match(res.json(), { version: 2, scopes: ['ratings:write', 'ratings:read'] });
  t.equal((await h.as('admin', { method: 'PATCH', url, headers: { 'if-match': '"1"' }, payload: { name: 'stale' } })).statusCode, 412);
});

t.test('Open311: api_key is checked for submissions, against the registry', async (t) => {
  const c = await createClient(['complaints:write', 'public:read'], 'portal');
  const issued = await h.as('admin', { method: 'POST', url: api(`/integration-clients/${c.id}/api-keys`), payload: { label: 'portal app' } });
  t.equal(issued.statusCode, 201, issued.body);
  const { apiKey, id: keyId } = issued.json();
  t.match(apiKey, /^mak_/);
  const [row] = await h.sql<Record<string, unknown>>('select * from integration_api_keys where id = $1', [keyId]);
  t.notOk(Object.values(row).some((v) => typeof v === 'string' && v === apiKey), 'stored as a digest');
  const keys = await h.as('admin', { method: 'GET', url: api(`/integration-clients/${c.id}/api-keys`) });
  t.notOk('apiKey' in keys.json().items[0]);

  const post = (fields: Record<string, string>) =>
    h.as('anonymous', { method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ service_code: 'other', description: '窗口无人', address_string: '利川市政务服务中心', ...fields }).toString() });
  const ok = await post({ api_key: apiKey });
  t.equal(ok.statusCode, 201, ok.body);
  const [{ source }] = await h.sql<{ source: string }>('select source from complaints where tracking_code = $1', [ok.json()[0].service_request_id]);
  t.equal(source, 'integration', 'filed by the key\'s client');
  const wrong = await post({ api_key: 'mak_not-a-key' });
  t.equal(wrong.statusCode, 403);
  t.match(wrong.json(), [{ code: 403, description: /api_key/ }]);
  const none = await post({});
  t.equal(none.statusCode, 400, 'required to submit');
  t.match(none.json(), [{ code: 400, description: /api_key/ }]);
  t.equal((await h.as('anonymous', { method: 'GET', url: '/open311/v2/services.json' })).statusCode, 200, 'optional for reads');
  t.equal((await h.as('anonymous', { method: 'GET', url: '/open311/v2/services.json?api_key=mak_wrong' })).statusCode, 403, 'but checked when given');

  const revokedKey = await h.as('admin', { method: 'POST', url: api(`/integration-clients/${c.id}/api-keys/${keyId}/revoke`) });
  t.equal(revokedKey.statusCode, 200);
  t.equal((await post({ api_key: apiKey })).statusCode, 403, 'a revoked key');
  const second = (await h.as('admin', { method: 'POST', url: api(`/integration-clients/${c.id}/api-keys`) })).json().apiKey as string;
  t.equal((await post({ api_key: second })).statusCode, 201);
  await h.as('admin', { method: 'POST', url: api(`/integration-clients/${c.id}/revoke`) });
  t.equal((await post({ api_key: second })).statusCode, 403, 'a key of a revoked client');
  const audit = await h.sql<{ action: string }>("select action from audit_log where entity_type = 'integration_api_key' order by seq");
  t.same(audit.map((a) => a.action), ['integration_api_key.issued', 'integration_api_key.revoked', 'integration_api_key.issued']);
});

t.test('Open311: a key whose client lacks complaints:write cannot submit', async (t) => {
  const c = await createClient(['public:read'], 'reader');
  const { apiKey } = (await h.as('admin', { method: 'POST', url: api(`/integration-clients/${c.id}/api-keys`) })).json();
  const res = await h.as('anonymous', { method: 'POST', url: '/open311/v2/requests.json', payload: { service_code: 'other', address_string: '利川', api_key: apiKey } });
  t.equal(res.statusCode, 403);
  t.match(res.json(), [{ description: /complaints:write/ }]);
});

t.test('failed client authentications are limited per address', async (t) => {
  const c = await createClient(['ratings:write']);
  const from = { remoteAddress: '203.0.113.7' };
  for (let i = 0; i < h.config.RATE_LIMIT_CLIENT_AUTH_FAILURES_PER_MINUTE; i++) {
    t.equal((await h.app.inject({ ...form({ grant_type: 'client_credentials' }, basic(c.id, 'wrong')), ...from })).statusCode, 401);
  }
  const limited = await h.app.inject({ ...form({ grant_type: 'client_credentials' }, basic(c.id, c.clientSecret)), ...from });
  t.equal(limited.statusCode, 429);
  t.ok(Number(limited.headers['retry-after']) > 0);
  t.equal(limited.json().error, 'invalid_client');
  t.equal((await h.app.inject(form({ grant_type: 'client_credentials' }, basic(c.id, c.clientSecret)))).statusCode, 200, 'another address is not limited');
});

t.test('an operation that admits integration without declaring its scopes stops the start', async (t) => {
  t.match(scopeDeclarationProblem(['admin', 'integration'], undefined, '/api/v1/x'), /declares no scopes/);
  t.equal(scopeDeclarationProblem(['admin', 'integration'], ['ratings:write'], '/api/v1/x'), null);
  t.equal(scopeDeclarationProblem(['anonymous', 'integration'], undefined, '/api/v1/public/x'), null, 'public data: public:read');
  t.match(scopeDeclarationProblem(['integration'], ['root:write' as never], '/api/v1/x'), /unknown scopes root:write/);
  t.match(guardScopeProblem(guard(['integration'], () => null)), /declares no scopes/);
  t.equal(guardScopeProblem(guard({ roles: ['integration'], scopes: ['cases:write'] }, () => null)), null);
  const routes = h.app.routeAccess.filter((r) => r.access.includes('integration'));
  t.ok(routes.every((r) => r.scopes.length || !/^\/(api|open311)\//.test(r.url)), 'every data route that admits integration names its scopes');
});
