import t from 'tap';
import type { Test } from 'tap';
import { buildClientSchema, getIntrospectionQuery } from 'graphql';
import type { IntrospectionQuery } from 'graphql';
import { onPglite, setup } from './helper.js';
import type { TestApp } from './helper.js';

const h = await setup(t);
const cycle = await h.as('admin', { method: 'POST', url: '/api/v1/cycles', payload: { name: '限额', year: 2031 } });
const cycleId = cycle.json().id as string;

interface Answer {
  statusCode: number;
  body: { data: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string; limit?: number; value?: number } }[] };
  /** SQL statements sent while the request ran (-1 on PGlite). */
  queries: number;
}

async function post(app: TestApp, who: Parameters<TestApp['as']>[0], payload: unknown): Promise<Answer> {
  const { result, queries } = await app.countQueries(() => app.as(who, { method: 'POST', url: '/graphql', payload: payload as Record<string, unknown> }));
  return { statusCode: result.statusCode, body: result.json(), queries };
}

const aliases = (n: number, field: string) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ')} }`;
const ROLL = `awardRoll(cycleId: "${cycleId}") { cycleId holders { unitId unitName tier certificateNo status } revoked { unitId reason } }`;

/** Refused before execution: a 400 like any invalid query, the code and the numbers, and not one SQL statement. */
function refused(t: Test, a: Answer, code: string, limit: number) {
  t.equal(a.statusCode, 400, JSON.stringify(a.body).slice(0, 300));
  t.equal(a.body.data, null);
  t.equal(a.body.errors?.length, 1);
  const e = a.body.errors![0];
  t.equal(e.extensions?.code, code);
  t.equal(e.extensions?.limit, limit);
  t.ok((e.extensions?.value ?? 0) > limit, `the computed value ${e.extensions?.value} is in the answer`);
  t.match(e.message, String(limit), 'the message names the limit');
  t.match(e.message, String(e.extensions?.value), 'and the computed value');
  if (!onPglite) t.equal(a.queries, 0, 'no resolver ran: no SQL was sent');
}

t.test('the standard introspection query of graphql-js is answered, anonymously too, and builds the schema', async (t) => {
  for (const who of ['admin', 'anonymous'] as const) {
    const a = await post(h, who, { query: getIntrospectionQuery() });
    t.equal(a.statusCode, 200, JSON.stringify(a.body.errors));
    t.same(a.body.errors, undefined);
    const schema = buildClientSchema(a.body.data as unknown as IntrospectionQuery);
    t.ok(schema.getQueryType()?.getFields().awardRoll, `${who}: the client schema has the root fields`);
  }
});

t.test('introspection does not lift the depth limit from ordinary fields', async (t) => {
  const deep = `{ __schema { queryType { name } } regions { items { parent { parent { parent { parent { parent { parent { parent { id } } } } } } } } } }`;
  const a = await post(h, 'admin', { query: deep });
  refused(t, a, 'graphql_query_too_deep', h.config.GRAPHQL_DEPTH_LIMIT);
});

t.test('2,000 aliases of awardRoll from an anonymous caller are refused before any resolver runs', async (t) => {
  const query = aliases(2000, ROLL);
  t.ok(query.length > 200_000, `the document is ${Math.round(query.length / 1000)} KB`);
  refused(t, await post(h, 'anonymous', { query }), 'graphql_too_many_aliases', h.config.GRAPHQL_MAX_ALIASES);
});

t.test('fewer awardRoll aliases than the alias limit still exceed the anonymous cost budget', async (t) => {
  refused(t, await post(h, 'anonymous', { query: aliases(15, ROLL) }), 'graphql_cost_exceeded', h.config.GRAPHQL_MAX_COST_ANONYMOUS);
  const one = await post(h, 'anonymous', { query: `{ ${ROLL} }` });
  t.equal(one.statusCode, 200, JSON.stringify(one.body.errors));
  t.same(one.body.data, { awardRoll: { cycleId, holders: [], revoked: [] } });
});

t.test('300 statistics as admin are refused before any resolver runs; 12 exceed the authenticated budget', async (t) => {
  const field = `statistics(cycleId: "${cycleId}") { figures { deeds } }`;
  refused(t, await post(h, 'admin', { query: aliases(300, field) }), 'graphql_too_many_aliases', h.config.GRAPHQL_MAX_ALIASES);
  refused(t, await post(h, 'admin', { query: aliases(12, field) }), 'graphql_cost_exceeded', h.config.GRAPHQL_MAX_COST_AUTHENTICATED);
  const one = await post(h, 'admin', { query: `{ ${field} }` });
  t.same(one.body.errors, undefined);
});

t.test('a list nested under a page of 200 exceeds the anonymous budget but fits the authenticated one', async (t) => {
  const query = `query($l: Int) { complaints(limit: $l) { items { id events { kind } } nextCursor } }`;
  refused(t, await post(h, 'anonymous', { query, variables: { l: 200 } }), 'graphql_cost_exceeded', h.config.GRAPHQL_MAX_COST_ANONYMOUS);
  const small = await post(h, 'anonymous', { query, variables: { l: 5 } });
  t.equal(small.body.errors?.[0].extensions?.code, 'unauthorized', 'a small page is priced from the variable and reaches the role check');
  const admin = await post(h, 'admin', { query, variables: { l: 200 } });
  t.equal(admin.statusCode, 200);
  t.same(admin.body.errors, undefined);
});

t.test('a limit above the largest page is priced as the largest page, not as asked', async (t) => {
  const query = `{ complaints(limit: 100000) { items { id } } }`;
  const a = await post(h, 'admin', { query });
  t.not(a.body.errors?.[0].extensions?.code, 'graphql_cost_exceeded');
});

t.test('more root fields than allowed are refused', async (t) => {
  refused(t, await post(h, 'admin', { query: aliases(h.config.GRAPHQL_MAX_ROOT_FIELDS + 1, '_version') }), 'graphql_too_many_root_fields', h.config.GRAPHQL_MAX_ROOT_FIELDS);
  t.same((await post(h, 'admin', { query: aliases(h.config.GRAPHQL_MAX_ROOT_FIELDS, '_version') })).body.errors, undefined);
});

t.test('aliases spread through fragments are counted', async (t) => {
  const fragment = `fragment Rolls on Query { ${Array.from({ length: 16 }, (_, i) => `f${i}: awardRoll(cycleId: "${cycleId}") { cycleId }`).join(' ')} }`;
  const query = `{ ...Rolls ... on Query { ${Array.from({ length: 16 }, (_, i) => `g${i}: awardRoll(cycleId: "${cycleId}") { cycleId }`).join(' ')} } } ${fragment}`;
  const a = await post(h, 'admin', { query });
  t.equal(a.statusCode, 400);
  t.match(a.body.errors?.[0].extensions?.code, /^graphql_too_many_(aliases|root_fields)$/);
  if (!onPglite) t.equal(a.queries, 0);
});

t.test('batched operations are not accepted', async (t) => {
  const a = await post(h, 'admin', [{ query: '{ _version }' }, { query: '{ _version }' }]);
  t.equal(a.statusCode, 400);
  if (!onPglite) t.equal(a.queries, 0);
});

t.test('with GRAPHQL_INTROSPECTION off, introspection is refused with a code; __typename still answers', async (t) => {
  const closed = await setup(t, { config: { GRAPHQL_INTROSPECTION: false } });
  const a = await post(closed, 'admin', { query: getIntrospectionQuery() });
  t.equal(a.statusCode, 400);
  t.equal(a.body.errors?.[0].extensions?.code, 'graphql_introspection_disabled');
  t.same((await post(closed, 'admin', { query: '{ __typename _version }' })).body, { data: { __typename: 'Query', _version: '1' } });
});

t.test('a query that is not GraphQL but parses as JSON is refused as invalid, never measured as a document', async (t) => {
  // mercurius reads a source it cannot parse as GraphQL once more as a JSON AST: "123", "null", "{}" reach the hooks.
  // A JSON body's query that is not a string (an object, an array, a number) is taken as an AST as it stands.
  const notGraphql: unknown[] = ['{ }', '123', 'null', '{}', '[]', '"x"', '{"kind":"Document"}', '{"kind":"Document","definitions":7}', {}, [], 5, { kind: 'Document' }, { kind: 'Document', definitions: 'x' }, { definitions: [{}] }, { kind: 'Document', definitions: [{ kind: 'OperationDefinition' }] }, { kind: 'Document', definitions: [{ kind: 'OperationDefinition', operation: 'query', selectionSet: {} }] }];
  for (const query of notGraphql) {
    const res = await h.as('anonymous', { method: 'POST', url: '/graphql', payload: { query } });
    t.ok(res.statusCode >= 400 && res.statusCode < 500, `${JSON.stringify(query)}: ${res.statusCode}`);
    const errors = (res.json() as { errors?: { extensions?: { code?: unknown } }[] }).errors ?? [];
    t.ok(errors.length > 0 && errors.every((e) => typeof e.extensions?.code === 'string' && e.extensions.code !== 'internal_error'), `${JSON.stringify(query)}: refused with a code of its own (${JSON.stringify(errors).slice(0, 200)})`);
  }
});

t.test('variables that are not a JSON object are refused as invalid; an object, null or none still runs', async (t) => {
  for (const variables of ['not an object', 7, true, [1], ['a', 'b']]) {
    const res = await h.as('anonymous', { method: 'POST', url: '/graphql', payload: { query: '{ categories { code } }', variables } });
    t.equal(res.statusCode, 400, `${JSON.stringify(variables)}: 400`);
    t.equal((res.json() as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code, 'graphql_validation_failed', `${JSON.stringify(variables)}: its code`);
  }
  for (const variables of [{}, null, undefined]) {
    const res = await h.as('anonymous', { method: 'POST', url: '/graphql', payload: { query: '{ categories { code } }', variables } });
    t.equal(res.statusCode, 200, `${JSON.stringify(variables)}: 200`);
  }
});
