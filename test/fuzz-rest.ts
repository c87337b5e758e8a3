/**
 * REST requests for the fuzz test, walked from the committed OpenAPI document: for every operation, its path
 * parameters, query parameters and JSON body at their boundaries and beyond, hostile text, wrong types, missing and
 * extra fields, wrong content types, malformed, deep and huge bodies, and every kind of token.
 */
import {
  around,
  brokenDates,
  brokenUuids,
  deepJson,
  hostileSegments,
  hostileText,
  invalidUtf8Bodies,
  malformedJson,
  missingId,
  oddNumbers,
  wrongContentTypes,
  wrongTypes,
} from './fuzz-values.js';
import type { Prng } from './fuzz-values.js';

/** Who sends a request: a role's token (with real scope ids), none, or a token the service must refuse. */
export const tokenKinds = ['admin', 'inspector', 'supervisor', 'department', 'unit', 'integration', 'anonymous', 'expired', 'forged', 'wrong-audience', 'alg-none', 'malformed', 'basic'] as const;
export type TokenKind = (typeof tokenKinds)[number];

export interface FuzzRequest {
  /** What was varied, for the counts in the report ('rest.path', 'gql.variables', …). */
  kind: string;
  /** The operation it belongs to ('POST /api/v1/units', 'Mutation.createUnit'). */
  op: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';
  url: string;
  who: TokenKind;
  headers?: Record<string, string>;
  /** Built when sent: huge bodies are not all held in memory at once. */
  payload?: () => string | Buffer;
  /** May change state if it is accepted (any method but GET, a GraphQL mutation). */
  mutating: boolean;
}

type Schema = {
  $ref?: string;
  type?: string | string[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  default?: unknown;
};
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}
export interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

export interface RestContext {
  spec: OpenApi;
  rng: Prng;
  /** A real row's id for a path or body parameter (`id` after `/units/`, `unitId`, …), or undefined. */
  idFor(name: string, segment?: string): string | undefined;
  /** The roles a route admits (its `config.access`). */
  access(method: string, path: string): readonly string[];
}

const HUGE_STRING = 900 * 1024;

/** encodeURIComponent, except that a lone surrogate becomes its (invalid) three UTF-8-style bytes instead of throwing. */
const percentEncode = (v: string) =>
  v.replace(/[\s\S]/gu, (ch) => {
    const c = ch.charCodeAt(0);
    if (ch.length === 1 && c >= 0xd800 && c <= 0xdfff) return [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    return encodeURIComponent(ch);
  });

/** Cursors this API never issued: base64url JSON of the wrong shape, of hostile keys, or not base64 at all. */
function forgedCursors(): string[] {
  const enc = (text: string) => Buffer.from(text).toString('base64url');
  const of = (k: unknown) => enc(JSON.stringify({ k }));
  return [
    of('not-a-uuid'),
    of(missingId),
    of(-1),
    of(1.5),
    of(1e308),
    of('99999999999999999999999'),
    of('\u0000'),
    of('\ud800'),
    of(''),
    of('x'.repeat(2000)),
    of({ nested: 1 }),
    of([1, 2]),
    of('2024-01-01T00:00:00Z'),
    of('50|01900000-0000-7000-8000-00000000dead'),
    enc('{"k":1e999}'),
    enc('[]'),
    enc('null'),
    enc('{"k":'),
    '!!!not-base64!!!',
    '%00',
  ];
}

/** Headers a route reads or a client might send by mistake. */
const oddHeaders: readonly Record<string, string>[] = [
  { 'if-match': '"99999999999999999999"' },
  { 'if-match': '"2147483648"' },
  { 'if-match': '"-1"' },
  { 'if-match': 'W/"1"' },
  { 'if-match': '"abc"' },
  { 'if-match': '*' },
  { 'if-match': '"1", "2"' },
  { 'if-match': `"${'9'.repeat(5000)}"` },
  { 'if-none-match': '"1"' },
  { 'if-none-match': '*' },
  { 'if-none-match': `"${'x'.repeat(5000)}"` },
  { accept: 'application/xml' },
  { accept: 'text/csv' },
  { accept: '*/*;q=0' },
  { 'accept-encoding': 'gzip;q=abc, br, x' },
  { 'x-request-id': 'x'.repeat(500) },
  { 'x-request-id': '../../etc/passwd' },
  { 'x-forwarded-for': 'not-an-ip, 999.999.1.1' },
  { origin: 'https://evil.example' },
  { authorization: `Bearer ${'a'.repeat(10_000)}` },
  { authorization: 'Bearer' },
  { authorization: 'Bearer a.b' },
  { authorization: 'bearer  ' },
  { 'content-encoding': 'gzip' },
];

/** Import files: hostile rows, broken encodings and shapes, in both formats. */
function importFiles(unitId: string): [string, string, string | Buffer][] {
  const header = 'unitId,channel,level,comment,collectedAt,externalId';
  const at = new Date(Date.now() - 3600_000).toISOString();
  const row = (over: Partial<Record<'level' | 'comment' | 'collectedAt' | 'externalId' | 'unitId' | 'channel', string>> = {}) =>
    [over.unitId ?? unitId, over.channel ?? 'questionnaire', over.level ?? '9', over.comment ?? 'c', over.collectedAt ?? at, over.externalId ?? 'fuzz-x'].join(',');
  const ndjson = (o: object) => JSON.stringify({ unitId, channel: 'questionnaire', level: 9, collectedAt: at, externalId: 'fuzz-n', ...o });
  return [
    ['csv', 'text/csv', `${header}\n${row({ comment: 'a\u0000b' })}\n`],
    ['csv', 'text/csv', Buffer.concat([Buffer.from(`${header}\n${row({ comment: '' })}`), Buffer.from([0xff, 0xfe, 0xed, 0xa0, 0x80]), Buffer.from('\n')])],
    ['csv', 'text/csv', `${header}\n${row({ comment: '"unbalanced' })}\n`],
    ['csv', 'text/csv', `${header}\n${row({ collectedAt: '0000-01-01T00:00:00Z' })}\n${row({ unitId: 'not-a-uuid' })}\n${row({ level: '99999999999999' })}\n`],
    ['csv', 'text/csv', `${header}\n${row({ comment: 'x'.repeat(200_000) })}\n`],
    ['csv', 'text/csv', `unitId,level\n${unitId},1\n`],
    ['csv', 'text/csv', `\ufeff${header},${'extra,'.repeat(500)}\r\n${row()}\r\n`],
    ['csv', 'text/csv', ''],
    ['csv', 'text/csv', header],
    ['ndjson', 'application/x-ndjson', `${ndjson({ comment: 'a\u0000b' })}\n{"unitId":\n[1,2]\n"text"\n${'['.repeat(5000)}${']'.repeat(5000)}\n`],
    ['ndjson', 'application/x-ndjson', `${ndjson({ level: 1e308, collectedAt: '+275760-09-13T00:00:00Z' })}\n${ndjson({ comment: '\ud800' })}\n`],
    ['ndjson', 'application/x-ndjson', `${ndjson({ unitId: { $gt: '' } as unknown as string, externalId: 'y'.repeat(5000) })}\n`],
    ['csv', 'application/x-ndjson', `${header}\n${row()}\n`],
    ['ndjson', 'text/csv', `${ndjson({})}\n`],
  ];
}

export function restRequests(ctx: RestContext): { op: string; requests: FuzzRequest[] }[] {
  const { spec, rng } = ctx;
  const resolve = (s: Schema | undefined): Schema => {
    let out = s ?? {};
    for (let i = 0; out.$ref && i < 20; i++) out = spec.components.schemas[out.$ref.split('/').pop()!] ?? {};
    if (out.allOf?.length) out = Object.assign({}, ...out.allOf.map(resolve));
    return out;
  };
  /** The branch a sample takes: anyOf/oneOf without null. */
  const concrete = (s: Schema | undefined): Schema => {
    const r = resolve(s);
    const branches = r.anyOf ?? r.oneOf;
    if (branches) return concrete(branches.find((b) => resolve(b).type !== 'null') ?? branches[0]);
    return r;
  };
  const typeOf = (s: Schema) => (Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type);

  /** A value the schema accepts, as far as it can be guessed (names ending in Id get real ids). */
  function sample(s: Schema | undefined, name = '', depth = 0): unknown {
    const r = concrete(s);
    if (r.const !== undefined) return r.const;
    if (r.enum?.length) return r.enum[0];
    if (r.default !== undefined && typeOf(r) !== 'object') return r.default;
    switch (typeOf(r)) {
      case 'string':
        if (r.format === 'uuid') return ctx.idFor(name) ?? missingId;
        if (r.format === 'date-time') return new Date(Date.now() - 3600_000).toISOString();
        if (r.format === 'date') return '2024-05-01';
        if (r.format === 'email') return 'fuzz@example.org';
        if (r.format === 'uri' || r.format === 'url') return 'https://example.org/fuzz';
        return 'f'.repeat(Math.max(r.minLength ?? 1, 1));
      case 'integer':
      case 'number':
        return r.minimum ?? (r.exclusiveMinimum !== undefined ? r.exclusiveMinimum + 1 : 1);
      case 'boolean':
        return false;
      case 'array': {
        if (depth > 4) return [];
        const n = Math.min(Math.max(r.minItems ?? 0, 1), r.maxItems ?? 1);
        return Array.from({ length: n }, () => sample(r.items, name, depth + 1));
      }
      case 'object': {
        if (depth > 4) return {};
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(r.properties ?? {})) if (r.required?.includes(k)) out[k] = sample(v, k, depth + 1);
        return out;
      }
      default:
        return null;
    }
  }

  /** Values at and beyond the schema's boundaries, and the wrong kinds of value. */
  function fieldValues(s: Schema, name: string): { kind: string; value: unknown }[] {
    const r = concrete(s);
    const out: { kind: string; value: unknown }[] = [];
    const add = (kind: string, values: readonly unknown[]) => values.forEach((value) => out.push({ kind, value }));
    const some = <T>(xs: readonly T[], n: number) => Array.from({ length: n }, () => rng.pick(xs));
    add('wrong-type', some(wrongTypes, 3));
    if (r.enum) add('enum', ['NOT_A_MEMBER', String(r.enum[0]).toUpperCase(), `${String(r.enum[0])} `, r.enum[r.enum.length - 1]]);
    switch (typeOf(r)) {
      case 'string':
        add('bounds', around(r.minLength ?? 1));
        if (r.maxLength !== undefined) add('bounds', [...around(r.maxLength, '测'), 'a'.repeat(r.maxLength + 1)]);
        add('long', ['x'.repeat(100_000)]);
        add('hostile', some(hostileText, 4));
        if (r.format === 'uuid') add('format', some(brokenUuids, 3));
        if (r.format === 'date-time' || r.format === 'date') add('format', [...some(brokenDates, 3), r.format === 'date' ? '0000-01-01' : '0000-01-01T00:00:00Z']);
        if (r.format === 'uri' || r.format === 'url' || r.format === 'email') add('format', ['not a uri', 'javascript:alert(1)', 'http://127.0.0.1:1/', 'a@b']);
        break;
      case 'integer':
      case 'number': {
        const lo = r.minimum ?? r.exclusiveMinimum;
        const hi = r.maximum ?? r.exclusiveMaximum;
        if (lo !== undefined) add('bounds', [lo - 1, lo, lo + 0.5]);
        if (hi !== undefined) add('bounds', [hi, hi + 1]);
        add('number', some(oddNumbers, 4));
        break;
      }
      case 'array':
        add('bounds', [[], Array.from({ length: (r.maxItems ?? 1000) + 1 }, () => sample(r.items, name))]);
        add('array', [[null], ['\u0000'], [[[]]], some(hostileText, 2)]);
        break;
      case 'object':
        add('object', [{}, { unknownField: 1 }, [], 'text']);
        break;
      default:
        add('any', some(hostileText, 2));
    }
    add('null', [null]);
    return out;
  }

  /** Broken formats (uuid, date-time, date, uri) always; of the rest, n drawn by the PRNG. */
  const sampled = (values: { kind: string; value: unknown }[], n: number) => [...values.filter((v) => v.kind === 'format'), ...rng.sample(values.filter((v) => v.kind !== 'format'), n)];

  /** Body fields as paths (a.b, items.0.c), at most three levels down. */
  function fieldPaths(s: Schema, base: unknown, prefix: (string | number)[] = [], depth = 0): { path: (string | number)[]; schema: Schema }[] {
    const r = concrete(s);
    if (depth > 2) return [];
    const out: { path: (string | number)[]; schema: Schema }[] = [];
    if (typeOf(r) === 'object') {
      for (const [k, v] of Object.entries(r.properties ?? {})) {
        out.push({ path: [...prefix, k], schema: v });
        const child = (base as Record<string, unknown> | undefined)?.[k];
        const cv = concrete(v);
        if (typeOf(cv) === 'object' && child && typeof child === 'object') out.push(...fieldPaths(v, child, [...prefix, k], depth + 1));
        if (typeOf(cv) === 'array' && Array.isArray(child) && child.length && typeOf(concrete(cv.items)) === 'object') {
          out.push(...fieldPaths(cv.items!, child[0], [...prefix, k, 0], depth + 1));
        }
      }
    }
    return out;
  }
  const setAt = (base: unknown, path: (string | number)[], value: unknown, remove = false): unknown => {
    const copy = structuredClone(base) as Record<string | number, unknown>;
    let at = copy;
    for (const p of path.slice(0, -1)) {
      if (at[p] === null || typeof at[p] !== 'object') at[p] = {};
      at = at[p] as Record<string | number, unknown>;
    }
    if (remove) delete at[path[path.length - 1]];
    else at[path[path.length - 1]] = value;
    return copy;
  };

  const groups: { op: string; requests: FuzzRequest[] }[] = [];
  for (const [template, ops] of Object.entries(spec.paths)) {
    for (const [lower, operation] of Object.entries(ops)) {
      const method = lower.toUpperCase() as FuzzRequest['method'];
      const op = `${method} ${template}`;
      const mutating = method !== 'GET';
      const params = operation.parameters ?? [];
      const allowed = ctx.access(method, template.replace(/\{(\w+)\}/g, ':$1')).filter((r) => r !== 'anonymous');
      const allowsAnonymous = ctx.access(method, template.replace(/\{(\w+)\}/g, ':$1')).includes('anonymous');
      /** A role the route admits, so the request gets past the access check to validation and the service. */
      const insider = (): FuzzRequest['who'] => (allowed.length ? (rng.pick(allowed) as TokenKind) : allowsAnonymous ? 'anonymous' : 'admin');
      const pathValues: Record<string, string> = {};
      const segments = template.split('/');
      for (const p of params.filter((x) => x.in === 'path')) {
        const at = segments.findIndex((s) => s.includes(`{${p.name}}`));
        const s = concrete(p.schema);
        pathValues[p.name] = s.enum ? String(s.enum[0]) : typeOf(s) === 'integer' ? '1' : (ctx.idFor(p.name, segments[at - 1]) ?? missingId);
      }
      const pathWith = (over: Record<string, string> = {}) => template.replace(/\{(\w+)\}/g, (_, n: string) => over[n] ?? encodeURIComponent(pathValues[n]));
      const media = Object.keys(operation.requestBody?.content ?? {});
      const jsonSchema = operation.requestBody?.content['application/json']?.schema;
      const baseBody = jsonSchema ? sample(jsonSchema) : mutating ? {} : undefined;
      const json = (b: unknown) => () => JSON.stringify(b);
      const requests: FuzzRequest[] = [];
      const req = (kind: string, r: Partial<FuzzRequest>) =>
        requests.push({
          kind,
          op,
          method,
          url: pathWith(),
          who: insider(),
          mutating,
          headers: baseBody !== undefined ? { 'content-type': 'application/json' } : undefined,
          payload: baseBody !== undefined ? json(baseBody) : undefined,
          ...r,
        });

      // Every kind of caller, with an otherwise plausible request.
      for (const who of tokenKinds) req('rest.auth', { who });

      // Path parameters: missing rows, broken ids, hostile text, the router's length limit.
      for (const p of params.filter((x) => x.in === 'path')) {
        const values = [missingId, 'a'.repeat(101), ...rng.sample([...brokenUuids.slice(0, 4), ...hostileSegments, 'a'.repeat(100), '-1', '0', '1e3', '99999999999999999999', 'NOT_A_MEMBER', '\u00ff\u00fe'], 8)];
        for (const v of values) req('rest.path', { url: pathWith({ [p.name]: v }) });
      }

      // Query parameters: each at its boundaries and beyond, broken formats, hostile text, repeated, unknown.
      for (const p of params.filter((x) => x.in === 'query')) {
        const enc = (v: unknown) => percentEncode(typeof v === 'string' ? v : JSON.stringify(v));
        const values = sampled(fieldValues(p.schema, p.name).filter((v) => typeof v.value !== 'string' || v.value.length <= 10_000), 4)
          .map((v) => ({ kind: v.kind, q: `${p.name}=${enc(v.value)}` }));
        values.push(...rng.sample(hostileSegments, 1).map((s) => ({ kind: 'hostile', q: `${p.name}=${s}` })));
        values.push(
          rng.pick([
            { kind: 'repeat', q: `${p.name}=${enc(sample(p.schema, p.name))}&${p.name}=${enc(sample(p.schema, p.name))}` },
            { kind: 'empty', q: `${p.name}=` },
            { kind: 'empty', q: p.name },
            { kind: 'bracket', q: `${p.name}[]=1&${p.name}[a]=2` },
          ]),
        );
        if (p.name === 'cursor') values.push(...rng.sample(forgedCursors(), 6).map((c) => ({ kind: 'cursor', q: `cursor=${c}` })));
        for (const v of values) req(`rest.query.${v.kind}`, { url: `${pathWith()}?${v.q}` });
      }
      req('rest.query.unknown', { url: `${pathWith()}?unknownParameter=1&${'p'.repeat(200)}=${'v'.repeat(4000)}` });
      req('rest.query.hostile', { url: `${pathWith()}?%00=1` });

      // Headers the service reads: If-Match, If-None-Match, Accept, a request id, odd Authorization values.
      for (const headers of rng.sample(oddHeaders, 3)) {
        req('rest.header', { headers: { ...(baseBody !== undefined ? { 'content-type': 'application/json' } : {}), ...headers } });
      }

      // Another method on the same path: 405 with Allow, or 404, never a framework body.
      req('rest.method', { method: rng.pick(['DELETE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD'] as const), mutating: true });

      if (mutating) {
        // The body as a whole: the wrong shape, malformed JSON, not UTF-8, deep, huge, the wrong content type.
        for (const text of rng.sample(malformedJson, 5)) req('rest.body.malformed', { payload: () => text });
        for (const bytes of rng.sample(invalidUtf8Bodies, 2)) req('rest.body.utf8', { payload: () => bytes });
        for (const ct of rng.sample(wrongContentTypes, 4)) {
          req('rest.content-type', { headers: ct ? { 'content-type': ct } : {}, payload: ct === 'application/x-www-form-urlencoded' ? () => 'a=1&b=%00' : json(baseBody) });
        }
        req('rest.content-type', { headers: { 'content-type': 'application/json' }, payload: undefined });
        // Deep and huge bodies cost the most: two of them per operation, drawn by the PRNG.
        const objectField = fieldPaths(jsonSchema ?? {}, baseBody).find((f) => ['object', 'array'].includes(typeOf(concrete(f.schema)) ?? ''));
        const stringField = fieldPaths(jsonSchema ?? {}, baseBody).find((f) => typeOf(concrete(f.schema)) === 'string');
        const deepInField = (text: string, path: (string | number)[]) => () => {
          const marker = '"__fuzz_deep__"';
          return JSON.stringify(setAt(baseBody ?? {}, path, '__fuzz_deep__')).replace(marker, text);
        };
        const heavy: [string, () => string | Buffer][] = [
          ['rest.body.deep', () => deepJson(10_000, 'array')],
          ['rest.body.deep', () => deepJson(10_000, 'object')],
          ['rest.body.deep', deepInField(deepJson(5_000, 'object'), objectField?.path ?? ['deep'])],
          ['rest.body.deep', deepInField(deepJson(5_000, 'array'), objectField?.path ?? ['deep'])],
          ['rest.body.deep', deepInField(deepJson(200, 'object'), objectField?.path ?? ['deep'])],
          ['rest.body.huge', () => JSON.stringify(setAt(baseBody ?? {}, stringField?.path ?? ['huge'], 'h'.repeat(HUGE_STRING)))],
          ['rest.body.huge', () => JSON.stringify(setAt(baseBody ?? {}, ['huge'], Array.from({ length: 60_000 }, (_, i) => i)))],
          ['rest.body.huge', () => JSON.stringify(setAt(baseBody ?? {}, stringField?.path ?? ['huge'], 'h'.repeat(1_100_000)))],
          ['rest.body.huge', () => Buffer.alloc(2 * 1024 * 1024, 0x20)],
        ];
        for (const [kind, payload] of rng.sample(heavy, 2)) req(kind, { payload });

        if (jsonSchema) {
          const body = concrete(jsonSchema);
          // Each required field missing; an extra field; each field at its boundaries, of the wrong type, hostile.
          for (const k of body.required ?? []) req('rest.body.missing', { payload: json(setAt(baseBody, [k], undefined, true)) });
          req('rest.body.extra', { payload: json({ ...(baseBody as object), unknownField: 'x' }) });
          req('rest.body.extra', { payload: () => JSON.stringify(baseBody).replace(/^\{/, '{"__proto__":{"role":"admin"},') });
          for (const f of fieldPaths(jsonSchema, baseBody)) {
            for (const v of sampled(fieldValues(f.schema, String(f.path[f.path.length - 1])), 5)) {
              req(`rest.body.${v.kind}`, { payload: json(setAt(baseBody, f.path, v.value)) });
            }
          }
        }
        // The import routes read the request stream themselves (text/csv, application/x-ndjson); the document
        // names the media types in the description only, so the files are spelled out here.
        if (template.endsWith('/rating-imports')) {
          for (const [format, ct, file] of importFiles(ctx.idFor('unitId') ?? missingId)) {
            req('rest.import', { url: `${pathWith()}?format=${format}&source=fuzz`, who: rng.pick(['admin', 'integration'] as const), headers: { 'content-type': ct }, payload: () => file });
          }
        }
        if (media.includes('application/x-www-form-urlencoded')) {
          req('rest.body.form', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: () => 'service_code=%ED%A0%80&description=%FF' });
          req('rest.body.form', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: () => 'a[b][c][d][e][f]=1&' + 'x=1&'.repeat(5000) });
        }
      }
      groups.push({ op, requests });
    }
  }
  return groups;
}
