import t from 'tap';
import Fastify from 'fastify';
import { z } from 'zod';
import validationPlugin, { compileSerializer } from '../src/plugins/validation.js';
import { unit } from '../src/modules/units/schemas.js';
import { isoDate, pageOf } from '../src/lib/http.js';

// Production serializes responses with serializers compiled from the zod schemas (plugins/validation.ts); everywhere
// else zod stays the reference and the compiled output must match it byte for byte on every response the suite makes.

const aUnit = {
  id: '0193a1b2-0000-7000-8000-000000000001',
  departmentId: '0193a1b2-0000-7000-8000-000000000002',
  regionId: '0193a1b2-0000-7000-8000-000000000003',
  category: 'public_service',
  name: '政务服务大厅 "一窗" \\ 受理',
  nameEn: null,
  orgCode: null,
  headName: '张三',
  headTitle: null,
  address: null,
  phone: '0718-1234567',
  commitments: ['限时办结', 'emoji 😀 and \u2028 line separator'],
  serviceItems: [{ name: '户籍', timeLimitDays: 3, modes: ['committed'] }, { name: '社保', timeLimitDays: null, modes: [] }],
  active: true,
  deactivatedAt: null,
  deactivationReason: null,
  version: 2,
  createdAt: '2024-05-01T08:00:00.000Z',
  updatedAt: '2024-05-02T08:00:00.000Z',
};
const viaZod = (schema: z.ZodType, value: unknown) => JSON.stringify(z.encode(schema, value as never));

t.test('the compiled serializer writes what zod and JSON.stringify write', async (t) => {
  const page = pageOf(unit);
  const value = { items: [aUnit, { ...aUnit, id: '0193a1b2-0000-7000-8000-000000000009', active: false }], nextCursor: 'abc' };
  t.equal(compileSerializer(page)(value), viaZod(page, value), 'a page of units');
  t.equal(compileSerializer(page)(value), viaZod(page, value), 'again, from the memo of checked values');
  const withExtra = { ...aUnit, secret: 'internal', serviceItems: [{ ...aUnit.serviceItems[0], note: 'x' }] };
  const out = compileSerializer(unit)(withExtra);
  t.equal(out, viaZod(unit, withExtra), 'unknown keys are left out, as zod strips them');
  t.notMatch(String(out), /secret|note/);
  const optional = z.object({ a: z.string().optional(), b: z.number().nullable(), c: z.enum(['x', 'y']), d: z.literal(3) });
  t.equal(compileSerializer(optional)({ b: null, c: 'y', d: 3 }), viaZod(optional, { b: null, c: 'y', d: 3 }), 'an absent optional key');
  t.equal(compileSerializer(optional)({ a: undefined, b: 1.5, c: 'x', d: 3 }), '{"b":1.5,"c":"x","d":3}', 'an undefined optional key');
  interface Node {
    name: string;
    children: Node[];
  }
  const node: z.ZodType<Node> = z.object({
    name: z.string(),
    get children() {
      return z.array(node);
    },
  });
  const tree = { name: 'a', children: [{ name: 'b', children: [{ name: 'c', children: [] }] }] };
  t.equal(compileSerializer(node)(tree), viaZod(node, tree), 'a schema that contains itself');
});

t.test('values zod refuses are not serialized by the compiled path', async (t) => {
  const no = (schema: z.ZodType, value: unknown) => {
    t.equal(typeof compileSerializer(schema)(value), 'symbol', String(JSON.stringify(value)).slice(0, 80));
  };
  no(unit, { ...aUnit, id: 'not-a-uuid' });
  no(unit, { ...aUnit, version: 1.5 });
  no(unit, { ...aUnit, category: 'other' });
  no(unit, { ...aUnit, createdAt: 'yesterday' });
  no(unit, { ...aUnit, name: undefined });
  no(unit, { ...aUnit, commitments: 'one' });
  no(z.object({ n: z.number() }), { n: Number.NaN });
  no(pageOf(unit), { items: Array.from({ length: 201 }, () => aUnit), nextCursor: null });
  no(isoDate, new Date());
});

async function appWith(responses: 'compiled' | 'checked') {
  const app = Fastify({ logger: false });
  await app.register(validationPlugin, { responses });
  const schema = { response: { 200: unit } };
  app.get('/good', { schema }, async () => ({ ...aUnit, internal: 'never sent' }));
  app.get('/bad', { schema }, async () => ({ ...aUnit, id: 42 }));
  app.get('/optional', { schema: { response: { 200: z.object({ note: z.string().optional(), n: z.number().int() }) } } }, async () => ({ n: 3, other: true }));
  return app;
}

t.test('a production app answers the same bytes and still refuses a response its schema does not admit', async (t) => {
  const prod = await appWith('compiled');
  const checked = await appWith('checked');
  t.teardown(() => Promise.all([prod.close(), checked.close()]));
  for (const url of ['/good', '/optional']) {
    const [a, b] = await Promise.all([prod.inject({ url }), checked.inject({ url })]);
    t.equal(a.statusCode, 200, url);
    t.equal(a.body, b.body, `${url}: the same bytes in production and under zod`);
  }
  t.notMatch((await prod.inject({ url: '/good' })).body, /never sent/);
  t.equal((await prod.inject({ url: '/optional' })).body, '{"n":3}');
  t.equal((await prod.inject({ url: '/bad' })).statusCode, 500, 'a wrong response is a server error in production too');
});
