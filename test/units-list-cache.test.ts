import t from 'tap';
import { referenceWorld } from './fixtures.js';
import { onPglite, setup } from './helper.js';
import type { TestApp } from './helper.js';

// GET /units pages come from each copy's cache of rendered pages (units service, listRendered). Two copies over one
// database: whatever is committed — through either copy, an import, or SQL by hand — is in the very next read on
// both, and nobody ever gets a page cached for another caller's scope.

if (onPglite) {
  t.pass('the list cache needs a PostgreSQL server shared by the copies (LISTEN/NOTIFY); on PGlite nothing is cached');
  process.exit(0);
}

const a: TestApp = await setup(t);
const b: TestApp = await a.copy();
const w = await referenceWorld(a);
const taxDept = { role: 'department' as const, departmentId: w.departments.tax.id };
const countyA = { role: 'admin' as const, regionId: w.regions.countyA.id };

const names = async (copy: TestApp, who: Parameters<TestApp['as']>[0], query = 'limit=50') => {
  const res = await copy.as(who, { method: 'GET', url: `/api/v1/units?${query}` });
  t.equal(res.statusCode, 200, `${JSON.stringify(who)} ${query}`);
  return (res.json().items as { name: string }[]).map((u) => u.name).sort();
};

t.test('a repeated read is served from the cache: no list query, the same bytes', async (t) => {
  const url = `/api/v1/units?category=public_service&limit=50`;
  const first = await b.countQueries(() => b.as('admin', { method: 'GET', url }));
  const again = await b.countQueries(() => b.as('admin', { method: 'GET', url }));
  t.equal(again.result.statusCode, 200);
  t.equal(again.result.headers['content-type'], 'application/json; charset=utf-8');
  t.equal(again.result.body, first.result.body);
  t.ok(again.queries < first.queries, `a hit sends only the read barrier (${again.queries} vs ${first.queries} statements)`);
  t.same(
    (again.result.json().items as { name: string }[]).map((u) => u.name).sort(),
    ['利川国税办税服务厅', '建始国税办税服务厅'],
  );
});

t.test('an update through one copy is in the next read on the other, every time', async (t) => {
  const url = `/api/v1/units?category=public_service&limit=50`;
  let unit = (await a.as('admin', { method: 'GET', url: `/api/v1/units/${w.units.taxHallB.id}` })).json() as { version: number };
  for (let i = 0; i < 15; i++) {
    await b.as('admin', { method: 'GET', url }); // cached on B
    await a.as('admin', { method: 'GET', url }); // and on A
    const name = `建始国税办税服务厅 ${i}`;
    const res = await a.as('admin', { method: 'PATCH', url: `/api/v1/units/${w.units.taxHallB.id}`, headers: { 'if-match': `"${unit.version}"` }, payload: { name } });
    t.equal(res.statusCode, 200);
    unit = res.json();
    t.ok((await names(b, 'admin', 'category=public_service&limit=50')).includes(name), `round ${i}: the other copy`);
    t.ok((await names(a, 'admin', 'category=public_service&limit=50')).includes(name), `round ${i}: the writing copy`);
  }
});

t.test('a write by SQL, outside the service, is in the next read on both copies', async (t) => {
  await names(a, 'admin');
  await names(b, 'admin');
  await a.sql(`update units set name = '汪营林业站（改）' where id = $1`, [w.units.forestStation.id]);
  t.ok((await names(a, 'admin')).includes('汪营林业站（改）'));
  t.ok((await names(b, 'admin')).includes('汪营林业站（改）'));
  await a.sql(`update units set active = false where id = $1`, [w.units.forestStation.id]);
  t.notOk((await names(b, 'admin', 'active=true&limit=50')).includes('汪营林业站（改）'), 'deactivated: gone from active=true');
});

t.test('a unit created on one copy is listed by the other at once, in every scope that covers it', async (t) => {
  const before = await names(b, taxDept);
  const beforeCounty = await names(b, countyA);
  const created = await a.as('admin', {
    method: 'POST',
    url: '/api/v1/units',
    payload: { name: '利川国税第二办税厅', departmentId: w.departments.tax.id, regionId: w.regions.countyA.id, category: 'public_service' },
  });
  t.equal(created.statusCode, 201);
  t.same(await names(b, taxDept), [...before, '利川国税第二办税厅'].sort());
  t.same(await names(b, countyA), [...beforeCounty, '利川国税第二办税厅'].sort());
});

t.test('the cache never answers one caller with a page made for another scope', async (t) => {
  const all = await names(b, 'admin');
  t.ok(all.includes('建始国税稽查局'));
  // Same URL right after the admin's page was cached: each scope gets its own page.
  const tax = await names(b, taxDept);
  t.ok(tax.length > 0 && tax.every((n) => n.includes('国税')), 'a department sees its own units only');
  const county = await names(b, countyA);
  t.notOk(county.includes('建始国税稽查局'), 'a county office does not see another county');
  t.ok(county.includes('利川森林派出所'));
  const own = await names(b, { role: 'unit', unitId: w.units.taxAudit.id });
  t.same(own, ['建始国税稽查局']);
  const other = await b.as({ role: 'department', departmentId: w.departments.forestry.id }, { method: 'GET', url: `/api/v1/units?departmentId=${w.departments.tax.id}` });
  t.same(other.json().items, [], "another department's filter answers nothing, cached or not");
});

t.test('pages and cursors: the next page after a change is read fresh', async (t) => {
  const first = (await b.as('admin', { method: 'GET', url: '/api/v1/units?limit=2' })).json() as { items: { id: string }[]; nextCursor: string };
  const second = await b.as('admin', { method: 'GET', url: `/api/v1/units?limit=2&cursor=${first.nextCursor}` });
  t.equal(second.statusCode, 200);
  const secondIds = (second.json().items as { id: string }[]).map((u) => u.id);
  await a.sql(`update units set name = name || '·' where id = $1`, [secondIds[0]]);
  const again = await b.as('admin', { method: 'GET', url: `/api/v1/units?limit=2&cursor=${first.nextCursor}` });
  t.match((again.json().items as { name: string }[])[0].name, /·$/, 'the changed page is read again');
  const bad = await b.as('admin', { method: 'GET', url: '/api/v1/units?cursor=nonsense' });
  t.equal(bad.statusCode, 400, 'a cursor this API did not issue is still refused');
  t.equal(bad.json().code, 'invalid_cursor');
});

t.test('when the listening connection is lost, reads go to the database until it is back', async (t) => {
  await names(b, 'admin');
  const killed = await a.sql<{ pid: number }>(
    `select pg_terminate_backend(pid) as pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and query in ('select 1', 'listen "units_changed"')`,
  );
  t.ok(killed.length >= 1, 'the copies listened');
  await a.sql(`update units set name = '利川森林派出所（新）' where id = $1`, [w.units.forestPolice.id]);
  t.ok((await names(b, 'admin')).includes('利川森林派出所（新）'), 'read from the database meanwhile');
  t.ok((await names(a, 'admin')).includes('利川森林派出所（新）'));
  // The feed reconnects (a second later) and caches again; what changed before is not served stale.
  await new Promise((r) => setTimeout(r, 1200));
  t.ok((await names(b, 'admin')).includes('利川森林派出所（新）'));
  await a.sql(`update units set name = '利川森林派出所' where id = $1`, [w.units.forestPolice.id]);
  t.ok((await names(b, 'admin')).includes('利川森林派出所'));
  const hit = await b.countQueries(() => b.as('admin', { method: 'GET', url: '/api/v1/units?limit=50' }));
  const hit2 = await b.countQueries(() => b.as('admin', { method: 'GET', url: '/api/v1/units?limit=50' }));
  t.ok(hit2.queries <= hit.queries && hit2.queries === 1, 'cached again after reconnecting');
});

t.test('denials: no token is 401, a token without reference:read is 403', async (t) => {
  const anon = await b.as('anonymous', { method: 'GET', url: '/api/v1/units' });
  t.equal(anon.statusCode, 401);
  const scoped = await b.as({ role: 'integration', scope: 'ratings:write' } as never, { method: 'GET', url: '/api/v1/units' });
  t.equal(scoped.statusCode, 403);
});
