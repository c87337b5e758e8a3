import { readFileSync } from 'node:fs';
import t from 'tap';
import { buildApp } from '../src/app.js';
import { testConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { generateLocalKeyPair } from '../src/lib/keys.js';

// What `npm run lint:api` demands of the committed document, held as behaviour a client relies on (CI also runs the
// linters themselves): who may call each operation, errors as problem+json, bounded strings and arrays, tags in
// domain order with both languages.
type Json = Record<string, unknown>;
interface Operation {
  operationId: string;
  description?: string;
  tags?: string[];
  'x-manyi-access'?: { roles: string[] };
  'x-manyi-rate-limit'?: { callers: string; perMinute: number };
  responses: Record<string, { description: string; content?: Record<string, { schema: Json }>; headers?: Record<string, Json> }>;
}
const doc = JSON.parse(readFileSync(new URL('../openapi/openapi.json', import.meta.url), 'utf8')) as {
  info: { contact?: Json; license?: Json };
  servers?: { url: string }[];
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, Operation>>;
};
const operations = Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method: method.toUpperCase(), op })));

t.test('every operation says who may call it, as the route declares', async (t) => {
  const database = await openDatabase({ dataDir: 'memory://' });
  const app = await buildApp({ config: testConfig(), database, localKeys: await generateLocalKeyPair() });
  t.teardown(() => app.close());
  const declared = new Map(app.routeAccess.map((r) => [`${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`, [...r.access]]));
  for (const { path, method, op } of operations) {
    const roles = declared.get(`${method} ${path}`);
    t.same(op['x-manyi-access']?.roles, roles, `${op.operationId}: x-manyi-access.roles`);
    t.match(op.description ?? '', /Who may call:/, `${op.operationId}: the description names its callers`);
  }
});

t.test('every error answer outside Open311 and the token endpoint is a problem document listing its codes', async (t) => {
  for (const { path, op } of operations) {
    for (const [status, response] of Object.entries(op.responses)) {
      t.not(response.description, 'Default Response', `${op.operationId} ${status}`);
      // Open311 and the OAuth token endpoint (RFC 6749 §5.2) answer errors in their own standard formats.
      if (Number(status) < 400 || path.startsWith('/open311/') || path.startsWith('/oauth/')) continue;
      t.same(Object.keys(response.content ?? {}), ['application/problem+json'], `${op.operationId} ${status}`);
      t.match(JSON.stringify(response.content), /#\/components\/schemas\/ProblemDetails/, `${op.operationId} ${status} references ProblemDetails`);
    }
    t.ok(op.responses['500'], `${op.operationId} declares 500`);
  }
});

t.test('where anonymous callers are limited, 429 and the rate-limit headers are declared', async (t) => {
  const limited = operations.filter(({ op }) => op['x-manyi-rate-limit']);
  t.ok(limited.some(({ op }) => op.operationId === 'submitPublicRating'));
  t.ok(limited.some(({ op }) => op.operationId === 'submitPublicComplaint'));
  t.notOk(limited.some(({ op }) => op.operationId === 'listUnits'), 'token-only operations are not limited');
  for (const { op } of limited) {
    t.ok(op.responses['429']?.headers?.['Retry-After'], `${op.operationId}: 429 with Retry-After`);
    for (const [status, response] of Object.entries(op.responses)) {
      if (/^[24]/.test(status)) t.ok(response.headers?.['X-RateLimit-Limit'], `${op.operationId} ${status}: X-RateLimit-Limit`);
    }
  }
});

t.test('every string has a maximum length and every array a maximum size; integers say their width', async (t) => {
  const unbounded: string[] = [];
  const walk = (node: unknown, where: string) => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${where}.${i}`));
    if (!node || typeof node !== 'object') return;
    const s = node as Json;
    const types = [s.type].flat();
    if (types.includes('string') && s.maxLength === undefined && s.enum === undefined && s.const === undefined) unbounded.push(`${where}: string`);
    if (types.includes('array') && s.maxItems === undefined) unbounded.push(`${where}: array`);
    if (types.includes('integer') && !['int32', 'int64'].includes(s.format as string)) unbounded.push(`${where}: integer`);
    for (const [k, v] of Object.entries(s)) if (k !== 'example' && k !== 'enum') walk(v, `${where}.${k}`);
  };
  walk(doc, '$');
  t.same(unbounded, []);
});

t.test('tags come in domain order, each described in Chinese and English', async (t) => {
  const names = doc.tags.map((tag) => tag.name);
  t.same(names.slice(0, 5), ['regions', 'departments', 'units', 'cycles', 'criteria']);
  t.ok(names.indexOf('public') < names.indexOf('webhooks') && names.indexOf('webhooks') < names.indexOf('audit') && names.indexOf('audit') < names.indexOf('health'));
  for (const tag of doc.tags) t.match(tag.description, /\p{Script=Han}[\s\S]*\n\n[A-Z]/u, `${tag.name}: zh-CN then en`);
  const used = new Set(operations.flatMap(({ op }) => op.tags ?? []));
  t.same([...used].filter((name) => !names.includes(name)), [], 'every tag an operation uses is declared');
  t.ok(doc.info.contact && doc.info.license && doc.servers?.length, 'contact, licence and a server');
});
