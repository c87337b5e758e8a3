import t from 'tap';
import { referenceWorld } from './fixtures.js';
import { onPglite, setup } from './helper.js';
import type { TestApp } from './helper.js';

// GET /units/{id} comes from each copy's cache of rendered units (units service, getRendered). Two copies over one
// database: whatever is committed — through either copy or SQL by hand — is in the very next read on both, the
// visibility rule holds on every request, cached or not, and the ETag is the unit's version as before.

type Who = Parameters<TestApp['as']>[0];

const read = (copy: TestApp, who: Who, id: string, headers: Record<string, string> = {}) => copy.as(who, { method: 'GET', url: `/api/v1/units/${id}`, headers });

t.test('on PGlite (nothing cached): a unit is served with its ETag, and a change is in the next read', async (t) => {
  const h = await setup(t, { pglite: true });
  const w = await referenceWorld(h);
  const first = await read(h, 'admin', w.units.taxHallA.id);
  t.equal(first.statusCode, 200);
  t.equal(first.headers['content-type'], 'application/json; charset=utf-8');
  t.equal(first.headers.etag, `"${first.json().version}"`);
  const patched = await h.as('admin', { method: 'PATCH', url: `/api/v1/units/${w.units.taxHallA.id}`, headers: { 'if-match': first.headers.etag as string }, payload: { name: '利川国税办税服务厅（新）' } });
  t.equal(patched.statusCode, 200);
  const again = await read(h, 'admin', w.units.taxHallA.id);
  t.equal(again.json().name, '利川国税办税服务厅（新）');
  t.equal(again.headers.etag, `"${first.json().version + 1}"`);
  t.equal((await read(h, { role: 'department', departmentId: w.departments.forestry.id }, w.units.taxHallA.id)).statusCode, 404, "another department's unit is not found");
});

t.test('on PostgreSQL, two copies', { skip: onPglite && 'the cache needs a PostgreSQL server shared by the copies (LISTEN/NOTIFY)' }, async (t) => {
  const a: TestApp = await setup(t);
  const b: TestApp = await a.copy();
  const w = await referenceWorld(a);
  const taxDept = { role: 'department' as const, departmentId: w.departments.tax.id };
  const forestryDept = { role: 'department' as const, departmentId: w.departments.forestry.id };
  const countyA = { role: 'admin' as const, regionId: w.regions.countyA.id };

  t.test('a repeated read is served from the cache: no unit query, the same bytes and ETag', async (t) => {
    const id = w.units.taxAudit.id;
    const first = await b.countQueries(() => read(b, 'admin', id));
    const again = await b.countQueries(() => read(b, 'admin', id));
    t.equal(again.result.statusCode, 200);
    t.equal(again.result.headers['content-type'], 'application/json; charset=utf-8');
    t.equal(again.result.body, first.result.body);
    t.equal(again.result.headers.etag, `"${again.result.json().version}"`);
    t.equal(again.result.headers.etag, first.result.headers.etag);
    t.ok(again.queries < first.queries, `a hit sends only the read barrier (${again.queries} vs ${first.queries} statements)`);
    t.equal(again.result.json().name, '建始国税稽查局');
  });

  t.test('the bytes are those the route made before the cache: every field of the unit', async (t) => {
    const res = await read(b, 'admin', w.units.forestStation.id);
    const again = await read(b, 'admin', w.units.forestStation.id);
    t.equal(again.body, res.body);
    t.same(Object.keys(again.json()).sort(), Object.keys(w.units.forestStation).sort());
    t.same(again.json(), (await a.as('admin', { method: 'GET', url: `/api/v1/units?limit=50` })).json().items.find((u: { id: string }) => u.id === w.units.forestStation.id));
  });

  t.test('a unit read on one copy, changed on the other, is read changed on the first, every time', async (t) => {
    const id = w.units.taxHallB.id;
    let etag = (await read(a, 'admin', id)).headers.etag as string;
    for (let i = 0; i < 15; i++) {
      await read(a, 'admin', id); // cached on A
      const name = `建始国税办税服务厅 ${i}`;
      const res = await b.as('admin', { method: 'PATCH', url: `/api/v1/units/${id}`, headers: { 'if-match': etag }, payload: { name } });
      t.equal(res.statusCode, 200);
      etag = res.headers.etag as string;
      const seen = await read(a, 'admin', id);
      t.equal(seen.json().name, name, `round ${i}: the name`);
      t.equal(seen.headers.etag, etag, `round ${i}: the ETag of the new version`);
    }
  });

  t.test('a write by SQL, outside the service, is in the next read on both copies', async (t) => {
    const id = w.units.forestPolice.id;
    await read(a, 'admin', id);
    await read(b, 'admin', id);
    await a.sql(`update units set name = '利川森林派出所（改）', version = version + 1 where id = $1`, [id]);
    for (const copy of [a, b]) {
      const res = await read(copy, 'admin', id);
      t.equal(res.json().name, '利川森林派出所（改）');
      t.equal(res.headers.etag, `"${res.json().version}"`);
    }
  });

  t.test('a department token never gets another department’s unit from the cache: 404 as before', async (t) => {
    const id = w.units.taxHallA.id;
    t.equal((await read(b, 'admin', id)).statusCode, 200, 'cached by the office');
    t.equal((await read(b, taxDept, id)).statusCode, 200, 'cached: its own department sees it');
    const other = await read(b, forestryDept, id);
    t.equal(other.statusCode, 404);
    t.match(other.headers['content-type'], /^application\/problem\+json/);
    t.equal(other.json().code, 'not_found');
    t.notMatch(other.body, /利川国税办税服务厅/, 'nothing of the unit in the answer');
    // Unit staff see their own unit only; a county office its own county's subtree.
    t.equal((await read(b, { role: 'unit', unitId: id }, id)).statusCode, 200);
    t.equal((await read(b, { role: 'unit', unitId: w.units.taxAudit.id }, id)).statusCode, 404);
    t.equal((await read(b, countyA, id)).statusCode, 200);
    t.equal((await read(b, { role: 'admin', regionId: w.regions.countyB.id }, id)).statusCode, 404);
    // Cached first for a caller who may not see it: the next caller who may gets it, the others still do not.
    const fresh = w.units.forestStation.id;
    await a.sql(`update units set phone = '0718-1234567' where id = $1`, [fresh]);
    t.equal((await read(b, taxDept, fresh)).statusCode, 404);
    t.equal((await read(b, forestryDept, fresh)).json().phone, '0718-1234567');
    t.equal((await read(b, taxDept, fresh)).statusCode, 404);
  });

  t.test('a unit moved to another department by one copy leaves the old department’s view on the other at once', async (t) => {
    const id = w.units.taxAudit.id;
    t.equal((await read(b, taxDept, id)).statusCode, 200);
    const current = await read(a, 'admin', id);
    const moved = await a.as('admin', { method: 'PATCH', url: `/api/v1/units/${id}`, headers: { 'if-match': current.headers.etag as string }, payload: { departmentId: w.departments.forestry.id } });
    t.equal(moved.statusCode, 200);
    t.equal((await read(b, taxDept, id)).statusCode, 404, 'the old department');
    t.equal((await read(b, forestryDept, id)).statusCode, 200, 'the new one');
  });

  t.test('ETag and If-None-Match behave as before: the ETag is the version, and the unit is sent', async (t) => {
    const id = w.units.taxHallA.id;
    const first = await read(b, 'admin', id);
    const etag = first.headers.etag as string;
    t.match(etag, /^"\d+"$/);
    const conditional = await read(b, 'admin', id, { 'if-none-match': etag });
    t.equal(conditional.statusCode, 200);
    t.equal(conditional.body, first.body);
    t.equal(conditional.headers.etag, etag);
  });

  t.test('a unit that does not exist is not found, and found once created on the other copy', async (t) => {
    const missing = await read(b, 'admin', '01900000-0000-7000-8000-000000000000');
    t.equal(missing.statusCode, 404);
    const created = await a.as('admin', {
      method: 'POST',
      url: '/api/v1/units',
      payload: { name: '利川国税第三办税厅', departmentId: w.departments.tax.id, regionId: w.regions.countyA.id, category: 'public_service' },
    });
    t.equal(created.statusCode, 201);
    const res = await read(b, taxDept, created.json().id);
    t.equal(res.statusCode, 200);
    t.equal(res.headers.etag, created.headers.etag);
    t.equal(res.body, (await read(b, taxDept, created.json().id)).body);
  });

  t.test('when the listening connection is lost, reads go to the database until it is back', async (t) => {
    const id = w.units.taxHallB.id;
    await read(b, 'admin', id);
    const killed = await a.sql<{ pid: number }>(
      `select pg_terminate_backend(pid) as pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and query in ('select 1', 'listen "units_changed"')`,
    );
    t.ok(killed.length >= 1, 'the copies listened');
    await a.sql(`update units set address = '建始县业州镇' where id = $1`, [id]);
    t.equal((await read(b, 'admin', id)).json().address, '建始县业州镇', 'read from the database meanwhile');
    await new Promise((r) => setTimeout(r, 1200));
    await a.sql(`update units set address = '建始县业州镇1号' where id = $1`, [id]);
    t.equal((await read(b, 'admin', id)).json().address, '建始县业州镇1号');
    await read(b, 'admin', id);
    const hit = await b.countQueries(() => read(b, 'admin', id));
    t.equal(hit.queries, 1, 'cached again after reconnecting: only the read barrier');
  });

  t.test('denials: no token is 401, a token without reference:read is 403, a bad id is 400', async (t) => {
    const id = w.units.taxHallA.id;
    await read(b, 'admin', id);
    t.equal((await read(b, 'anonymous', id)).statusCode, 401);
    t.equal((await read(b, { role: 'integration', scope: 'ratings:write' } as never, id)).statusCode, 403);
    t.equal((await read(b, 'admin', 'not-a-uuid')).statusCode, 400);
  });
});
