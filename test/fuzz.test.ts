import { readFileSync } from 'node:fs';
import t from 'tap';
import type { Test } from 'tap';
import pg from 'pg';
import type { LightMyRequestResponse } from 'fastify';
import { buildApp } from '../src/app.js';
import { testConfig } from '../src/config.js';
import { loggerOptions } from '../src/lib/logger.js';
import { generateLocalKeyPair, mintToken } from '../src/lib/keys.js';
import { graphqlRequests } from './fuzz-graphql.js';
import { restRequests } from './fuzz-rest.js';
import type { FuzzRequest, OpenApi, TokenKind } from './fuzz-rest.js';
import { prng } from './fuzz-values.js';
import { onPglite, setup } from './helper.js';
import type { TestApp } from './helper.js';
import { fuzzWorld } from './fuzz-world.js';

/**
 * Fuzzing from the committed contracts (openapi/openapi.json, openapi/schema.graphql): more than 10,000 hostile,
 * boundary and malformed requests, each as every kind of caller. Whatever they are, the service answers below 500,
 * every refusal is a problem document (GraphQL: every error has extensions.code), and no refused request changes
 * any table. Deterministic: the generator runs on a seeded PRNG.
 */
t.setTimeout(170_000);
const SEED = 20_260_108;
const MIN_REQUESTS = 10_000;

// Errors the app logs (a 5xx's cause), by request id, so a failure says what broke.
const logged = new Map<string, string>();
const destination = {
  write(line: string) {
    const entry = JSON.parse(line) as { reqId?: string; err?: { type?: string; message?: string; sqlstate?: string; stack?: string } };
    if (entry.reqId && entry.err) logged.set(entry.reqId, `${entry.err.type ?? 'Error'} ${entry.err.sqlstate ?? ''} ${entry.err.message ?? ''} ${entry.err.stack?.split('\n')[1]?.trim() ?? ''}`);
  },
};
// Anonymous requests are limited to 60 a minute by default; raised here so 429 does not mask what is behind it
// (the default limit gets its own slice below).
const h = await setup(t, {
  config: { RATE_LIMIT_ANONYMOUS_PER_MINUTE: 1_000_000_000 },
  logger: loggerOptions({ ...testConfig(), LOG_LEVEL: 'error' }, destination),
});

// ── a small world with a row of every kind the roles and path parameters need ──
const world = await fuzzWorld(h);

// ── callers ──
const issuer = { issuer: h.config.JWT_ISSUER, audience: h.config.JWT_AUDIENCE };
const stranger = { ...(await generateLocalKeyPair()), kid: h.keys.kid };
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const authorization: Record<TokenKind, string | undefined> = {
  admin: `Bearer ${await h.token('admin')}`,
  inspector: `Bearer ${await h.token('inspector')}`,
  integration: `Bearer ${await h.token('integration')}`,
  supervisor: `Bearer ${await h.token({ role: 'supervisor', supervisorId: world.supervisorId })}`,
  department: `Bearer ${await h.token({ role: 'department', departmentId: world.departmentId })}`,
  unit: `Bearer ${await h.token({ role: 'unit', unitId: world.unitId })}`,
  anonymous: undefined,
  expired: `Bearer ${await mintToken(h.keys, { role: 'admin' }, { ...issuer, ttlSeconds: 60, now: Date.now() - 3600_000 })}`,
  forged: `Bearer ${await mintToken(stranger, { role: 'admin' }, issuer)}`,
  'wrong-audience': `Bearer ${await mintToken(h.keys, { role: 'admin' }, { ...issuer, audience: 'someone-else' })}`,
  'alg-none': `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ role: 'admin', sub: 'x', iss: issuer.issuer, aud: issuer.audience, exp: 4102444800 })}.`,
  malformed: 'Bearer not.a.token',
  basic: `Basic ${Buffer.from('admin:admin').toString('base64')}`,
};

// ── real rows for path and body parameters ──
const idTables = await h.sql<{ table_name: string }>(
  `select table_name from information_schema.columns where table_schema = 'public' and column_name = 'id' and data_type = 'uuid' order by table_name`,
);
const firstIds = new Map<string, string>();
for (const { table_name } of idTables) {
  const [row] = await h.sql<{ id: string }>(`select id::text as id from "${table_name}" order by id limit 1`);
  if (row) firstIds.set(table_name, row.id);
}
firstIds.set('units', world.unitId);
firstIds.set('cycles', world.cycleId);
const [tracking] = await h.sql<{ code: string }>(`select tracking_code as code from complaints limit 1`);
const tableOf: Record<string, string> = {
  subscription: 'webhook_subscriptions',
  round: 'inspection_rounds',
  task: 'inspection_tasks',
  parent: 'regions',
  within: 'regions',
  cause: 'problems',
  fromCycle: 'cycles',
  'follow-ups': 'rating_follow_ups',
  requests: 'complaints',
};
const snake = (s: string) => s.replace(/([a-z])([A-Z])/g, '$1_$2').replace(/-/g, '_').toLowerCase();
function idFor(name: string, segment?: string): string | undefined {
  if (name === 'trackingCode') return tracking?.code;
  const noun = name === 'id' && segment ? segment : name.replace(/Id$/, '');
  const table = tableOf[noun] ?? snake(noun.endsWith('s') ? noun : `${noun}s`);
  return firstIds.get(table) ?? firstIds.get(snake(noun)) ?? firstIds.get(`${snake(noun)}s`);
}

// ── the requests ──
const rng = prng(SEED);
const spec = JSON.parse(readFileSync(new URL('../openapi/openapi.json', import.meta.url), 'utf8')) as OpenApi;
const sdl = readFileSync(new URL('../openapi/schema.graphql', import.meta.url), 'utf8');
const access = (method: string, url: string) => h.app.routeAccess.find((r) => r.method === method && r.url === url)?.access ?? [];
const generated = [...restRequests({ spec, rng, idFor, access }), ...graphqlRequests({ sdl, rng, idFor: (n) => idFor(n) })];
// The contracts yield about 25,000 requests; a seeded sample of about TARGET_REQUESTS keeps the suite's time in hand
// while every operation keeps at least one request of each kind of hostility it was given (the first of each kind).
const TARGET_REQUESTS = 13_000;
const generatedCount = generated.reduce((n, g) => n + g.requests.length, 0);
const keep = prng(SEED + 1);
const keepShare = Math.min(1, TARGET_REQUESTS / generatedCount);
const groups = generated.map((g) => {
  const kinds = new Set<string>();
  return {
    ...g,
    requests: g.requests.filter((r) => {
      const first = !kinds.has(r.kind);
      kinds.add(r.kind);
      return first || keep.next() < keepShare;
    }),
  };
});

// ── what the tables hold: per table, its row count and the sum of its row versions' xmin ──
// Every insert, update or delete leaves a row version with a new xmin (the writing transaction's id) or one fewer:
// a cheap digest that moves with any committed change, where md5 over every row would cost a sort per table.
// The audit chain's links and signed checkpoints are the log's own bookkeeping, derived from audit_log: the sealer
// links entries and a read may take a checkpoint (verify seals first; a snapshot's first read checkpoints it).
const derived = new Set(['audit_chain', 'audit_checkpoints']);
const tables = (await h.sql<{ t: string }>(`select tablename as t from pg_tables where schemaname = 'public' order by tablename`)).map((r) => r.t).filter((t) => !derived.has(t));
const fingerprintSql = tables
  .map((tbl) => `select '${tbl}' as t, count(*)::int as n, coalesce(sum(xmin::text::bigint), 0)::text as h from "${tbl}"`)
  .join(' union all ');
// On PostgreSQL one connection of its own with the digest as a named prepared statement: planning 60-odd union branches
// took far longer than running them on the test's small tables, and the digest runs after every group and write.
const fingerprintClient = h.database.pool ? new pg.Client(h.database.pool.options) : undefined;
await fingerprintClient?.connect();
t.teardown(() => fingerprintClient?.end());
async function fingerprint(): Promise<Map<string, string>> {
  const rows = fingerprintClient
    ? (await fingerprintClient.query<{ t: string; n: number; h: string }>({ name: 'fuzz_fingerprint', text: fingerprintSql })).rows
    : await h.sql<{ t: string; n: number; h: string }>(fingerprintSql);
  return new Map(rows.map((r) => [r.t, `${r.n}:${r.h}`]));
}
const changed = (a: Map<string, string>, b: Map<string, string>) => [...a.keys()].filter((k) => a.get(k) !== b.get(k));

/**
 * Statements that write, seen on the app's connections (PostgreSQL): a request that sent none cannot have changed
 * a table, so only the others are fingerprinted one by one. On PGlite every accepted change and every operation's
 * end is fingerprinted instead.
 */
const WRITE = /\b(insert\s+into|update\s+"?\w+"?\s+set|delete\s+from|truncate|merge\s+into|copy\s+"?\w+"?\s*\()/i;
let writes = 0;
const clientProto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
const originalQuery = clientProto.query;
clientProto.query = function (this: unknown, ...a: unknown[]) {
  const text = typeof a[0] === 'string' ? a[0] : (a[0] as { text?: string } | undefined)?.text;
  if (text && WRITE.test(text)) writes++;
  return originalQuery.apply(this, a);
};
t.teardown(() => {
  clientProto.query = originalQuery;
});

interface Failure {
  op: string;
  kind: string;
  method: string;
  url: string;
  who: string;
  status: number;
  code: string;
  why: string;
  body: string;
}
const excerpt = (s: string, n = 160) => (s.length > n ? `${s.slice(0, n)}…(${s.length})` : s);
const parse = (s: string): unknown => {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
};

/** What is wrong with one response: a 5xx, a refusal that is not a problem document, a GraphQL error without a code. */
function judge(r: FuzzRequest, res: LightMyRequestResponse): { why: string[]; code: string } {
  const why: string[] = [];
  const body = parse(res.body) as Record<string, unknown> | unknown[] | undefined;
  const obj = body && !Array.isArray(body) ? body : undefined;
  let code = typeof obj?.code === 'string' ? obj.code : '';
  if (res.statusCode >= 500) why.push('status ≥ 500');
  const graphqlErrors = r.url.startsWith('/graphql') && Array.isArray(obj?.errors) ? (obj.errors as { extensions?: { code?: unknown } }[]) : undefined;
  if (graphqlErrors) {
    code = graphqlErrors.map((e) => String(e.extensions?.code)).join(',');
    if (!graphqlErrors.length) why.push('GraphQL errors: []');
    if (graphqlErrors.some((e) => typeof e.extensions?.code !== 'string')) why.push('GraphQL error without extensions.code');
    // An unexpected fault dressed as an answer (the query `{ }` once came back this way with status 200).
    if (graphqlErrors.some((e) => e.extensions?.code === 'internal_error')) why.push('GraphQL internal_error');
  } else if (res.statusCode >= 400) {
    const ct = String(res.headers['content-type'] ?? '');
    const geoReportXml = /^<\?xml[^>]*\?>\s*<errors>(<error><code>\d{3}<\/code><description>[^<]*<\/description><\/error>)+<\/errors>\s*$/;
    if (r.url.startsWith('/open311/') && ct.startsWith('text/xml')) {
      // GeoReport v2 errors in XML, for .xml paths and clients that ask for XML.
      if (r.method !== 'HEAD' && !geoReportXml.test(res.body)) why.push('Open311 XML error not in the GeoReport format');
    } else if (r.url.startsWith('/open311/') && (Array.isArray(body) || (r.method === 'HEAD' && ct.startsWith('application/json')))) {
      // The Open311 facade answers in the GeoReport v2 error format, as its spec requires (HEAD: its content type).
      if (Array.isArray(body) && !body.every((e) => typeof (e as { code?: unknown }).code === 'number' && typeof (e as { description?: unknown }).description === 'string')) why.push('Open311 error not in the GeoReport format');
    } else if (r.url.startsWith('/oauth/') && obj && !('type' in obj)) {
      // The token endpoint answers RFC 6749 §5.2 documents, as OAuth clients expect, not problem+json (the router's own
      // refusals before it, such as 405, stay problem documents).
      const oauthErrors = ['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope', 'server_error'];
      if (r.method !== 'HEAD' && (!obj || !oauthErrors.includes(String(obj.error)) || typeof obj.error_description !== 'string')) why.push('OAuth error not in the RFC 6749 format');
      code = typeof obj?.error === 'string' ? obj.error : code;
    } else {
      if (!ct.startsWith('application/problem+json')) why.push(`content-type ${ct || 'none'}`);
      if (r.method !== 'HEAD') {
        if (!obj || typeof obj.type !== 'string' || typeof obj.title !== 'string' || obj.status !== res.statusCode || typeof obj.code !== 'string') why.push('not a problem document');
        if (obj?.code === 'internal_error') why.push('internal_error below 500');
      }
    }
  }
  return { why, code };
}

/** A request that was accepted: it may change state (a GraphQL mutation whose field came back). */
function accepted(r: FuzzRequest, res: LightMyRequestResponse): boolean {
  if (res.statusCode < 200 || res.statusCode >= 300) return false;
  if (!r.url.startsWith('/graphql')) return true;
  const data = (parse(res.body) as { data?: Record<string, unknown> | null } | undefined)?.data;
  return !!data && Object.values(data).some((v) => v !== null);
}

const counts = { byKind: new Map<string, number>(), byStatus: new Map<number, number>() };
const bump = <K>(m: Map<K, number>, k: K) => m.set(k, (m.get(k) ?? 0) + 1);
const failures: Failure[] = [];
let acceptedMutations = 0;
let acceptedChanges = 0;

async function send(app: TestApp['app'], r: FuzzRequest): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { ...(r.headers ?? {}) };
  const auth = authorization[r.who];
  if (auth) headers.authorization = auth;
  return app.inject({ method: r.method, url: r.url, headers, payload: r.payload?.() });
}

function fail(r: FuzzRequest, status: number, code: string, why: string, body: string) {
  failures.push({ op: r.op, kind: r.kind, method: r.method, url: excerpt(r.url, 120), who: r.who, status, code, why, body: excerpt(body) });
}

function report(t: Test, label: string) {
  if (failures.length) {
    const lines = failures.slice(0, 20).map((f) => `${f.status} ${f.code || '-'} ${f.method} ${f.url} as ${f.who} [${f.kind}] ${f.why}: ${f.body}`);
    t.fail(`${label}: ${failures.length} bad responses; the first ${lines.length}:\n${lines.join('\n')}`);
  } else t.pass(`${label}: no bad responses`);
}

t.test(`at least ${MIN_REQUESTS} requests from the contracts: none answers ≥ 500, every refusal is a problem document, no refusal changes a table`, async (t) => {
  let baseline = await fingerprint();
  let total = 0;
  for (const group of groups) {
    for (const r of group.requests) {
      writes = 0;
      const res = await send(h.app, r);
      total++;
      bump(counts.byKind, r.kind.split('.').slice(0, 2).join('.'));
      bump(counts.byStatus, res.statusCode);
      const { why, code } = judge(r, res);
      for (const w of why) fail(r, res.statusCode, code, w, res.statusCode >= 500 ? (logged.get(String(res.headers['x-request-id'])) ?? res.body) : res.body);
      const ok = r.mutating && accepted(r, res);
      if (ok) acceptedMutations++;
      if (writes > 0 || ok) {
        const now = await fingerprint();
        const diff = changed(baseline, now);
        if (diff.length && ok) acceptedChanges++;
        else if (diff.length) fail(r, res.statusCode, code, `refused, yet changed ${diff.join(', ')}`, res.body);
        baseline = now;
      }
    }
    // Whatever no single request was caught changing: between two checkpoints, nothing may have moved.
    const now = await fingerprint();
    const diff = changed(baseline, now);
    if (diff.length) failures.push({ op: group.op, kind: 'group', method: '', url: group.op, who: '', status: 0, code: '', why: `tables changed with no accepted request: ${diff.join(', ')}`, body: '' });
    baseline = now;
  }
  t.ok(total >= MIN_REQUESTS, `${total} requests sent (a seeded sample of the ${generatedCount} the contracts yield)`);
  t.comment(`requests by kind: ${JSON.stringify(Object.fromEntries([...counts.byKind].sort()))}`);
  t.comment(`responses by status: ${JSON.stringify(Object.fromEntries([...counts.byStatus].sort((a, b) => a[0] - b[0])))}`);
  t.comment(`accepted mutations: ${acceptedMutations}, of which changed a table: ${acceptedChanges}`);
  report(t, 'fuzz');
});

t.test('at the default anonymous rate limit, the public is refused with 429 problem documents, never a 5xx', async (t) => {
  // A second app over the same database, with the default limit; the database stays open for the first app.
  const limited = await buildApp({ config: testConfig(), database: { ...h.database, close: async () => undefined }, localKeys: h.keys });
  t.teardown(() => limited.close());
  failures.length = 0;
  const publicRequests = groups.flatMap((g) => g.requests).filter((r, i) => r.who === 'anonymous' && i % 3 === 0).slice(0, 400);
  const statuses = new Map<number, number>();
  for (const r of publicRequests) {
    const res = await send(limited, r);
    bump(statuses, res.statusCode);
    const { why, code } = judge(r, res);
    for (const w of why) fail(r, res.statusCode, code, w, res.body);
  }
  t.comment(`default-limit slice: ${publicRequests.length} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
  t.ok((statuses.get(429) ?? 0) > 0, 'the limit was reached');
  report(t, 'default rate limit');
});

if (onPglite) t.comment('on PGlite, tables are fingerprinted after every accepted change and every operation, not after every write');
