import t from 'tap';
import { uuidv7 } from '../src/lib/ids.js';

t.test('ids are UUIDv7, unique, and sort in creation order even within one millisecond', async (t) => {
  const ids = Array.from({ length: 5000 }, () => uuidv7());
  t.equal(new Set(ids).size, ids.length);
  t.ok(ids.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)));
  t.same([...ids].sort(), ids);
});
