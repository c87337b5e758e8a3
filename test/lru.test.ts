import t from 'tap';
import { LruCache } from '../src/lib/lru.js';

// The bounded cache behind the verified-token cache and the per-copy caches of rendered pages and units.

t.test('the least recently used entry goes first: a read entry outlives older unread ones', async (t) => {
  const c = new LruCache<number>({ entries: 4 });
  for (const [i, k] of ['a', 'b', 'c', 'd'].entries()) c.set(k, i);
  t.equal(c.get('a'), 0);
  c.set('e', 4);
  t.equal(c.size, 4);
  t.equal(c.get('b'), undefined, 'b, the oldest unread, is gone');
  t.same(['a', 'c', 'd', 'e'].map((k) => c.get(k)), [0, 2, 3, 4]);
});

t.test('an entry read between insertions is never evicted, however many come after it', async (t) => {
  const c = new LruCache<string>({ entries: 100 });
  c.set('hot', 'kept');
  let lost = -1;
  for (let i = 0; i < 5000 && lost < 0; i++) {
    c.set(`k${i}`, 'x');
    if (c.get('hot') !== 'kept') lost = i;
  }
  t.equal(lost, -1, 'read after every insertion: still there');
  t.equal(c.size, 100);
  t.equal(c.get('k0'), undefined, 'the unread ones went');
  t.equal(c.get('k4999'), 'x');
});

t.test('a hot key among a full cache of 10,000 keeps its value and every other entry', async (t) => {
  const c = new LruCache<number>({ entries: 10_000 });
  for (let i = 0; i < 10_000; i++) c.set(`token-${i}`, i);
  // A fresh string each time, as a request header is.
  let wrong = 0;
  for (let i = 0; i < 50_000; i++) if (c.get(['token', 9999].join('-')) !== 9999) wrong++;
  t.equal(wrong, 0);
  t.equal(c.size, 10_000);
  t.equal(c.get('token-0'), 0, 'nothing was evicted by reads');
});

t.test('bounded by weight: the oldest go until the rest fit, the newest always stays', async (t) => {
  const c = new LruCache<string>({ entries: 100, weight: 10, weigh: (s) => s.length });
  c.set('a', 'aaaa');
  c.set('b', 'bbbb');
  c.set('c', 'cccc');
  t.equal(c.get('a'), undefined);
  t.same([c.get('b'), c.get('c')], ['bbbb', 'cccc']);
  c.set('big', 'x'.repeat(50));
  t.equal(c.size, 1, 'one entry heavier than the limit is kept alone');
  t.equal(c.get('big')?.length, 50);
  c.delete('big');
  t.equal(c.size, 0);
  c.set('d', 'dddddddddd');
  t.equal(c.get('d'), 'dddddddddd', 'the weight of what was deleted is freed');
});

t.test('set replaces a value, and its weight', async (t) => {
  const c = new LruCache<string>({ entries: 10, weight: 8, weigh: (s) => s.length });
  c.set('a', 'aaaaaaaa');
  c.set('a', 'a');
  c.set('b', 'bbbbbbb');
  t.same([c.get('a'), c.get('b'), c.has('a')], ['a', 'bbbbbbb', true]);
});
