import t from 'tap';
import { setup, gql } from './helper.js';

const h = await setup(t);

t.test('healthz and readyz answer', async (t) => {
  t.equal((await h.as('anonymous', { method: 'GET', url: '/healthz' })).statusCode, 200);
  const r = await h.as('anonymous', { method: 'GET', url: '/readyz' });
  t.equal(r.statusCode, 200, r.body);
});

t.test('create a region and read it back through GraphQL', async (t) => {
  const res = await h.as('admin', { method: 'POST', url: '/api/v1/regions', payload: { level: 'prefecture', code: '4228', nameZh: '恩施州', nameEn: 'Enshi' } });
  t.equal(res.statusCode, 201, res.body);
  const g = await gql(h, 'admin', `{ regions { items { id code nameZh parent { id } } } }`);
  t.same(g.errors, undefined);
  t.equal((g.data!.regions as { items: unknown[] }).items.length, 1);
});
