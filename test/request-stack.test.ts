import t from 'tap';
import Fastify from 'fastify';
import helmet from '@fastify/helmet';
import { testConfig } from '../src/config.js';
import { loggerOptions } from '../src/lib/logger.js';
import { SECURITY_HEADERS } from '../src/plugins/security-headers.js';
import { referenceWorld } from './fixtures.js';
import { setup } from './helper.js';

// The per-request stack (src/app.ts): what every response carries, what is logged, and what a rating costs.
const lines: string[] = [];
const destination = { write: (line: string) => void lines.push(line) };
const h = await setup(t, { logger: loggerOptions({ ...testConfig(), LOG_LEVEL: 'info' }, destination), config: { RATE_LIMIT_ANONYMOUS_PER_MINUTE: 3 } });
const someId = '01900000-0000-7000-8000-0000000000ff';

/** What @fastify/helmet sends with the options the service used to give it (CSP off). */
async function helmetHeaders(): Promise<Record<string, string>> {
  const bare = Fastify();
  await bare.register(helmet, { contentSecurityPolicy: false });
  bare.get('/', async () => 'ok');
  const res = await bare.inject({ method: 'GET', url: '/' });
  await bare.close();
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (!['content-type', 'content-length', 'date', 'connection'].includes(k)) out[k] = String(v);
  return out;
}

t.test('every response carries the security headers helmet sends, errors and 404s included', async (t) => {
  const expected = await helmetHeaders();
  t.same(SECURITY_HEADERS, expected, 'the static table is what helmet sends');
  for (const [who, url, status] of [
    ['anonymous', '/healthz', 200],
    ['anonymous', '/api/v1/units', 401],
    ['admin', `/api/v1/units/${someId}`, 404],
    ['anonymous', '/no/such/route', 404],
  ] as const) {
    const res = await h.as(who, { method: 'GET', url });
    t.equal(res.statusCode, status, url);
    for (const [name, value] of Object.entries(expected)) t.equal(res.headers[name], value, `${url}: ${name}`);
    t.ok(res.headers['x-request-id'], `${url}: x-request-id`);
  }
});

t.test('one log line per request, when it completes: request, status and time, the query redacted', async (t) => {
  const from = lines.length;
  const res = await h.as('admin', { method: 'GET', url: '/api/v1/regions?code=marker-query&limit=5', headers: { 'x-request-id': 'stack-test-1' } });
  t.equal(res.statusCode, 200);
  const mine = lines.slice(from).map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.reqId === 'stack-test-1');
  t.equal(mine.length, 1, 'one line');
  t.match(mine[0], { msg: 'request completed', req: { method: 'GET', url: '/api/v1/regions?code=[redacted]&limit=[redacted]' }, res: { statusCode: 200 }, responseTime: Number });
  t.notMatch(lines.slice(from).join(''), /marker-query|incoming request/);
});

t.test('a refusal still logs why, besides its completion line', async (t) => {
  const from = lines.length;
  await h.as('inspector', { method: 'POST', url: '/api/v1/regions', payload: {}, headers: { 'x-request-id': 'stack-test-2' } });
  const mine = lines.slice(from).map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.reqId === 'stack-test-2');
  t.same(mine.map((l) => l.msg), ['request refused', 'request completed']);
});

t.test('the anonymous limit counts public doors only; routes that refuse the public answer 401, never 429', async (t) => {
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) statuses.push((await h.as('anonymous', { method: 'GET', url: '/api/v1/categories' })).statusCode);
  t.same(statuses, [200, 200, 200, 429, 429], 'a public route is limited');
  for (let i = 0; i < 5; i++) t.equal((await h.as('anonymous', { method: 'GET', url: '/api/v1/units' })).statusCode, 401);
  t.equal((await h.as('admin', { method: 'GET', url: '/api/v1/categories' })).statusCode, 200, 'a token is not limited');
});

t.test('a public rating is one statement, with its audit entry, whatever its shape', async (t) => {
  const unit = (await referenceWorld(h)).units.forestStation;
  for (const level of [5, 1, 4, 2]) {
    const { result, queries } = await h.countQueries(() =>
      h.as('integration', { method: 'POST', url: '/api/v1/public/ratings', payload: { unitId: unit.id, channel: 'portal', level, respondentKey: `stack-${level}` } }),
    );
    t.equal(result.statusCode, 201, `level ${level}`);
    t.equal(queries, 1, `level ${level}: one statement`);
    const receipt = result.json() as { id: string; followUpId: string | null };
    t.equal(receipt.followUpId !== null, level <= 2, 'a bad rating opens its follow-up');
    const audited = await h.sql<{ n: number }>(`select count(*)::int as n from audit_log where entity_id in ($1, $2)`, [receipt.id, receipt.followUpId ?? receipt.id]);
    t.equal(audited[0].n, level <= 2 ? 2 : 1, 'audited in the same statement');
  }
  // The same shape again (a prepared statement by now) refuses the same respondent's second rating of the day.
  const again = await h.as('integration', { method: 'POST', url: '/api/v1/public/ratings', payload: { unitId: unit.id, channel: 'portal', level: 5, respondentKey: 'stack-5' } });
  t.equal(again.statusCode, 409);
  t.equal(again.json().code, 'rating_limit_reached');
});
