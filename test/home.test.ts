import t from 'tap';
import { setup } from './helper.js';

const h = await setup(t);

interface Link {
  rel: string;
  href: string;
  method: string;
  templated?: boolean;
  label: { zhCN: string; en: string };
}

t.test('GET / answers with an index of the public doors, labelled in Chinese and English, without a token', async (t) => {
  const res = await h.as('anonymous', { method: 'GET', url: '/' });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /application\/json/);
  const body = res.json() as { name: string; links: Link[] };
  t.equal(body.name, 'manyi');
  const rels = body.links.map((l) => l.rel);
  for (const rel of ['docs', 'openapi', 'graphql', 'graphiql', 'health', 'ready', 'award-roll', 'public-rankings', 'public-ranking']) t.ok(rels.includes(rel), rel);
  for (const l of body.links) t.ok(l.label.zhCN && l.label.en, `${l.rel} has both labels`);
});

t.test('every link of the index leads to a route of the service', async (t) => {
  const { links } = (await h.as('anonymous', { method: 'GET', url: '/' })).json() as { links: Link[] };
  const paths = (h.app.swagger() as { paths: Record<string, Record<string, unknown>> }).paths;
  for (const l of links) {
    if (l.templated) {
      t.ok(paths[l.href]?.[l.method.toLowerCase()], `${l.method} ${l.href} is in the OpenAPI document`);
    } else if (l.method === 'GET') {
      const res = await h.as('anonymous', { method: 'GET', url: l.href });
      t.ok(res.statusCode < 400, `GET ${l.href} answers ${res.statusCode}`);
    } else {
      t.ok(h.app.hasRoute({ method: l.method as 'POST', url: l.href }), `${l.method} ${l.href} exists`);
    }
  }
  t.ok(paths['/']?.get, 'GET / itself is documented');
});

t.test('the index offers GraphiQL only where it is served', async (t) => {
  const prod = await setup(t, { pglite: true, config: { NODE_ENV: 'production', GRAPHQL_INTROSPECTION: false } });
  const { links } = (await prod.as('anonymous', { method: 'GET', url: '/' })).json() as { links: Link[] };
  t.notOk(links.some((l) => l.rel === 'graphiql'));
  t.equal((await prod.as('anonymous', { method: 'GET', url: '/graphiql' })).statusCode, 404);
});
