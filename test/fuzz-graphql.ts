/**
 * GraphQL requests for the fuzz test, walked from the committed SDL: every query and mutation field with its
 * arguments of the wrong type (inline and as variables), hostile and boundary values, missing and unknown arguments,
 * unknown fields, deep selections, aliases, batches, and every kind of token; plus malformed operations and bodies.
 */
import { buildSchema, getNamedType, isEnumType, isInputObjectType, isListType, isNonNullType, isObjectType, isScalarType } from 'graphql';
import type { GraphQLField, GraphQLInputType, GraphQLNamedType, GraphQLObjectType, GraphQLOutputType, GraphQLSchema } from 'graphql';
import { brokenDates, brokenUuids, deepJson, hostileText, malformedJson, missingId, oddNumbers, wrongContentTypes, wrongTypes } from './fuzz-values.js';
import type { Prng } from './fuzz-values.js';
import { tokenKinds } from './fuzz-rest.js';
import type { FuzzRequest, TokenKind } from './fuzz-rest.js';

export interface GraphqlContext {
  sdl: string;
  rng: Prng;
  idFor(name: string): string | undefined;
}

const post = (kind: string, op: string, who: TokenKind, body: unknown, mutating: boolean, headers?: Record<string, string>): FuzzRequest => ({
  kind,
  op,
  method: 'POST',
  url: '/graphql',
  who,
  mutating,
  headers: { 'content-type': 'application/json', ...headers },
  payload: () => (typeof body === 'string' ? body : JSON.stringify(body)),
});

/** A selection set of the type's leaf fields (and, with depth, its object fields' leaves). */
function selection(type: GraphQLOutputType, depth = 1, width = 6): string {
  const named = getNamedType(type);
  if (!isObjectType(named)) return '';
  const fields = Object.values((named as GraphQLObjectType).getFields()).filter((f) => f.args.every((a) => !isNonNullType(a.type)));
  const leaves = fields.filter((f) => !isObjectType(getNamedType(f.type))).slice(0, width).map((f) => f.name);
  const nested = depth > 1 ? fields.filter((f) => isObjectType(getNamedType(f.type))).slice(0, 2).map((f) => `${f.name} ${selection(f.type, depth - 1, width)}`) : [];
  const all = [...leaves, ...nested];
  return `{ ${all.length ? all.join(' ') : '__typename'} }`;
}

/** A GraphQL literal for a JS value (input objects unquoted keys). */
function literal(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(literal).join(', ')}]`;
  if (typeof v === 'object') return `{ ${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}: ${literal(x)}`).join(', ')} }`;
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

export function graphqlRequests(ctx: GraphqlContext): { op: string; requests: FuzzRequest[] }[] {
  const schema: GraphQLSchema = buildSchema(ctx.sdl);
  const { rng } = ctx;

  /** A value of the input type, required fields only; ids of real rows where the name says which. */
  function sample(type: GraphQLInputType, name: string, depth = 0): unknown {
    if (isNonNullType(type)) return sample(type.ofType, name, depth);
    if (isListType(type)) return depth > 3 ? [] : [sample(type.ofType, name, depth + 1)];
    const named = type as GraphQLNamedType;
    if (isEnumType(named)) return { __enum: named.getValues()[0].name };
    if (isInputObjectType(named)) {
      if (depth > 3) return {};
      const out: Record<string, unknown> = {};
      for (const f of Object.values(named.getFields())) if (isNonNullType(f.type)) out[f.name] = sample(f.type, f.name, depth + 1);
      return out;
    }
    switch (named.name) {
      case 'ID':
        return ctx.idFor(name) ?? missingId;
      case 'Int':
        return 1;
      case 'Float':
        return 1.5;
      case 'Boolean':
        return false;
      case 'DateTime':
        return new Date(Date.now() - 3600_000).toISOString();
      default:
        return /At$|date|Date/.test(name) ? new Date(Date.now() - 3600_000).toISOString() : 'fuzz';
    }
  }
  /** Enums are literals in queries and strings in variables. */
  const asVariable = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(asVariable) : v && typeof v === 'object' ? ('__enum' in v ? (v as { __enum: string }).__enum : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, asVariable(x)]))) : v;
  const asLiteral = (v: unknown): string =>
    Array.isArray(v) ? `[${v.map(asLiteral).join(', ')}]` : v && typeof v === 'object' ? ('__enum' in v ? (v as { __enum: string }).__enum : `{ ${Object.entries(v).map(([k, x]) => `${k}: ${asLiteral(x)}`).join(', ')} }`) : literal(v);

  /** Wrong and hostile values for an input of this type (as JSON variables). */
  function badValues(type: GraphQLInputType): unknown[] {
    const named = getNamedType(type);
    const some = <T>(xs: readonly T[], n: number) => Array.from({ length: n }, () => rng.pick(xs));
    const out: unknown[] = [...some(wrongTypes, 2), null];
    if (isScalarType(named) && named.name === 'ID') out.push(...some(brokenUuids, 3), 'a'.repeat(10_000));
    else if (isScalarType(named) && named.name === 'Int') out.push(...some(oddNumbers, 3), 2 ** 31, -(2 ** 31) - 1);
    else if (isScalarType(named) && named.name === 'DateTime') out.push(...some(brokenDates, 3));
    else if (isScalarType(named) && named.name === 'String') out.push(...some(hostileText, 3), 'x'.repeat(100_000), ...some(brokenDates, 1));
    else if (isEnumType(named)) out.push('NOT_A_MEMBER', named.getValues()[0].name.toLowerCase());
    else if (isInputObjectType(named)) out.push({}, { unknownField: 1 });
    if (isListType(isNonNullType(type) ? type.ofType : type)) out.push([], [null], Array.from({ length: 1001 }, () => 'x'));
    return out;
  }

  const groups: { op: string; requests: FuzzRequest[] }[] = [];
  for (const root of [schema.getQueryType()!, schema.getMutationType()!]) {
    const keyword = root === schema.getMutationType() ? 'mutation' : 'query';
    const mutating = keyword === 'mutation';
    for (const field of Object.values(root.getFields()) as GraphQLField<unknown, unknown>[]) {
      if (field.name.startsWith('_')) continue;
      const op = `${root.name}.${field.name}`;
      const requests: FuzzRequest[] = [];
      const sel = selection(field.type);
      const args = Object.fromEntries(field.args.map((a) => [a.name, sample(a.type, a.name)]));
      const required = field.args.filter((a) => isNonNullType(a.type));
      const argText = (over: Record<string, string> = {}, drop?: string) => {
        const parts = field.args
          .filter((a) => a.name !== drop && (over[a.name] !== undefined || isNonNullType(a.type)))
          .map((a) => `${a.name}: ${over[a.name] ?? asLiteral(args[a.name])}`);
        return parts.length ? `(${parts.join(', ')})` : '';
      };
      const inline = (over: Record<string, string> = {}, drop?: string, s = sel) => `${keyword} { ${field.name}${argText(over, drop)} ${s} }`;
      const who = (): TokenKind => rng.pick(['admin', 'admin', 'admin', 'inspector', 'department', 'unit', 'supervisor', 'integration', 'anonymous'] as const);
      const add = (kind: string, body: unknown, w: TokenKind = who()) => requests.push(post(kind, op, w, body, mutating));

      for (const w of tokenKinds) add('gql.auth', { query: inline() }, w);

      // Each argument: wrong literal types inline, wrong and hostile values as variables, declared with the wrong type.
      for (const a of field.args) {
        const named = getNamedType(a.type);
        for (const lit of rng.sample(['123', '"text"', 'true', 'null', '[1, 2]', '{ a: 1 }', 'NOT_A_MEMBER', '2147483648', '-1', '"\\u0000"', '"\\ud800"', '$undeclared'], 3)) {
          add('gql.arg-type', { query: inline({ [a.name]: lit }) });
        }
        const typeText = String(a.type);
        const vq = `${keyword}($v: ${typeText}) { ${field.name}${argText({ [a.name]: '$v' })} ${sel} }`;
        for (const v of rng.sample(badValues(a.type), 3)) add('gql.variables', { query: vq, variables: { v } });
        for (const declared of rng.sample(['String', 'Int', 'Boolean', '[String]', 'ID!', 'Float', 'NoSuchType'].filter((d) => d !== typeText), 2)) {
          add('gql.variable-type', { query: `${keyword}($v: ${declared}) { ${field.name}${argText({ [a.name]: '$v' })} ${sel} }`, variables: { v: asVariable(args[a.name]) } });
        }
        // Each field of an input object, wrong or hostile, as a variable.
        if (isInputObjectType(named)) {
          for (const f of Object.values(named.getFields())) {
            for (const v of rng.sample(badValues(f.type), 2)) {
              add('gql.input-field', { query: vq, variables: { v: { ...(asVariable(args[a.name]) as object), [f.name]: v } } });
            }
          }
        }
      }
      for (const a of required) add('gql.missing-arg', { query: inline({}, a.name) });
      add('gql.unknown-arg', { query: inline({ unknownArgument: '1' }) });
      // One of each structural variant per field, drawn by the PRNG.
      const structural: [string, unknown][][] = [
        [
          ['gql.unknown-field', { query: inline({}, undefined, '{ noSuchField }') }],
          ['gql.unknown-field', { query: inline({}, undefined, '') }],
          ['gql.unknown-field', { query: inline({}, undefined, '{ __typename ... on NoSuchType { a } }') }],
        ],
        [
          ['gql.deep', { query: inline({}, undefined, selection(field.type, 6, 3)) }],
          ['gql.deep', { query: inline({}, undefined, selection(field.type, 12, 2)) }],
        ],
        [
          ['gql.aliases', { query: `${keyword} { ${Array.from({ length: 31 }, (_, i) => `a${i}: ${field.name}${argText()} ${sel}`).join(' ')} }` }],
          ['gql.aliases', { query: `${keyword} { ${Array.from({ length: 5 }, (_, i) => `a${i}: ${field.name}${argText()} ${sel}`).join(' ')} }` }],
        ],
        [
          ['gql.batch', [{ query: inline() }, { query: inline() }]],
          ['gql.batch', [{ query: inline() }]],
        ],
        [
          ['gql.operation', { query: `${inline()} ${inline()}` }],
          ['gql.operation', { query: `${keyword} A { ${field.name}${argText()} ${sel} }`, operationName: 'B' }],
          ['gql.operation', { query: inline(), variables: 'not an object' }],
          ['gql.operation', { query: `${keyword} { ${field.name}${argText()} ${sel}` }],
          ['gql.operation', { query: `${keyword} { ${field.name}${argText()} ${sel} @skip(if: "yes") }` }],
        ],
      ];
      for (const choices of structural) add(...rng.pick(choices));
      groups.push({ op, requests });
    }
  }

  // The endpoint itself: malformed bodies, GET, content types, parser-hostile documents.
  const requests: FuzzRequest[] = [];
  const op = 'POST /graphql';
  const add = (kind: string, body: unknown, headers?: Record<string, string>, w: TokenKind = rng.pick(['admin', 'anonymous'] as const)) => requests.push(post(kind, op, w, body, false, headers));
  for (const text of malformedJson) add('gql.body', text);
  for (const body of [{}, { query: null }, { query: 123 }, { query: ['{ categories { code } }'] }, { query: '' }, { query: ' ' }, { query: '{ categories { code } }', variables: [1] }, { query: '{ categories { code } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'x' } } }]) add('gql.body', body);
  for (const ct of wrongContentTypes) add('gql.content-type', { query: '{ categories { code } }' }, ct ? { 'content-type': ct } : { 'content-type': '' });
  add('gql.body', `{"query":"${'{'.repeat(50_000)}"}`);
  add('gql.body', { query: `{ ${'a: categories { code } '.repeat(2000)} }` });
  add('gql.body', { query: `query ${'($a: Int)'.repeat(1)} { categories { code } }` });
  add('gql.body', { query: `{ categories { code } } ${'fragment F on Query { ...G } fragment G on Query { ...F }'}` });
  add('gql.body', { query: '{ __schema { types { name fields { name type { name ofType { name ofType { name } } } } } } }' });
  add('gql.body', { query: `# ${'x'.repeat(1_100_000)}\n{ categories { code } }` });
  add('gql.body', { query: `{ categories { code } }`, variables: JSON.parse(deepJson(2000, 'object')) as unknown });
  add('gql.body', `{"query":"{ categories { code } }","variables":${deepJson(10_000, 'object')}}`);
  add('gql.body', { query: `{ ${'categories { code } '.repeat(25)} }` });
  add('gql.body', { query: 'subscription { awardStatusChanged(cycleId: "x") { awardId } }' });
  for (const q of ['{ categories { code } }', 'mutation { _noop }', '{ ' + 'x'.repeat(10_000) + ' }', '{ unit(id: "%00") { id } }']) {
    requests.push({ kind: 'gql.get', op: 'GET /graphql', method: 'GET', url: `/graphql?query=${encodeURIComponent(q)}`, who: 'anonymous', mutating: false });
  }
  requests.push({ kind: 'gql.get', op: 'GET /graphql', method: 'GET', url: '/graphql?query=%ED%A0%80', who: 'anonymous', mutating: false });
  requests.push({ kind: 'gql.get', op: 'GET /graphql', method: 'GET', url: '/graphql?query={categories{code}}&variables=not-json', who: 'admin', mutating: false });
  requests.push({ kind: 'gql.method', op: 'PUT /graphql', method: 'PUT', url: '/graphql', who: 'admin', mutating: true, headers: { 'content-type': 'application/json' }, payload: () => '{"query":"{ categories { code } }"}' });
  groups.push({ op, requests });
  return groups;
}
