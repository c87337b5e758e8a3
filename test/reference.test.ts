import t from 'tap';
import { gql, setup } from './helper.js';
import { referenceWorld } from './fixtures.js';

const h = await setup(t);
const w = await referenceWorld(h);
const dept = (id: string) => ({ role: 'department' as const, departmentId: id });
const unitRole = (id: string) => ({ role: 'unit' as const, unitId: id });

t.test('an admin creates a county under a prefecture; a county without a parent is refused naming parentId', async (t) => {
  const ok = await h.as('admin', { method: 'POST', url: '/api/v1/regions', payload: { parentId: w.regions.prefecture.id, level: 'county', code: 'C9', nameZh: '咸丰县' } });
  t.equal(ok.statusCode, 201);
  t.equal(ok.headers.etag, '"1"');
  t.same(ok.json().levelLabel, { zhCN: '县/市', en: 'County or city' });
  const bad = await h.as('admin', { method: 'POST', url: '/api/v1/regions', payload: { level: 'county', code: 'C10', nameZh: '来凤县' } });
  t.equal(bad.statusCode, 422);
  t.equal(bad.headers['content-type'], 'application/problem+json; charset=utf-8');
  t.equal(bad.json().errors[0].field, 'parentId');
  const wrongLevel = await h.as('admin', { method: 'POST', url: '/api/v1/regions', payload: { parentId: w.regions.townA.id, level: 'county', code: 'C11', nameZh: 'x' } });
  t.equal(wrongLevel.statusCode, 422);
});

t.test('schema violations are 400 problems naming every field at fault', async (t) => {
  const res = await h.as('admin', { method: 'POST', url: '/api/v1/units', payload: { name: '', departmentId: 'nope', category: 'other' } });
  t.equal(res.statusCode, 400);
  const body = res.json();
  t.equal(body.code, 'validation_failed');
  t.equal(body.status, 400);
  t.equal(body.instance, '/api/v1/units');
  t.ok(body.type && body.title && body.detail);
  const fields = body.errors.map((e: { field: string }) => e.field);
  for (const f of ['body.name', 'body.departmentId', 'body.category', 'body.regionId']) t.ok(fields.includes(f), `names ${f}`);
});

t.test('malformed JSON, unknown routes and wrong methods are problem documents too', async (t) => {
  const json = await h.as('admin', { method: 'POST', url: '/api/v1/units', headers: { 'content-type': 'application/json' }, payload: '{"name":' });
  t.equal(json.statusCode, 400);
  t.equal(json.headers['content-type'], 'application/problem+json; charset=utf-8');
  const nf = await h.as('admin', { method: 'GET', url: '/api/v1/nothing-here' });
  t.equal(nf.statusCode, 404);
  t.equal(nf.json().code, 'route_not_found');
  const m = await h.as('admin', { method: 'DELETE', url: `/api/v1/units/${w.units.taxHallA.id}` });
  t.equal(m.statusCode, 405);
  t.equal(m.json().code, 'method_not_allowed');
  t.match(m.headers.allow, /GET/);
  const missing = await h.as('admin', { method: 'GET', url: '/api/v1/units/01900000-0000-7000-8000-000000000000' });
  t.equal(missing.statusCode, 404);
  t.equal(missing.json().code, 'not_found');
});

t.test('writes are admin-only: every other role is refused, the public with 401', async (t) => {
  const payload = { name: '新站', departmentId: w.departments.tax.id, regionId: w.regions.countyB.id, category: 'public_service' };
  for (const who of ['inspector' as const, 'integration' as const, { role: 'supervisor' as const, supervisorId: w.units.taxHallA.id }, dept(w.departments.tax.id), unitRole(w.units.taxHallA.id)]) {
    const res = await h.as(who, { method: 'POST', url: '/api/v1/units', payload });
    t.equal(res.statusCode, 403, `${JSON.stringify(who)} refused`);
    t.equal(res.json().code, 'forbidden');
  }
  const anon = await h.as('anonymous', { method: 'POST', url: '/api/v1/units', payload });
  t.equal(anon.statusCode, 401);
  t.equal(anon.headers['www-authenticate'], 'Bearer');
  const created = await h.as('admin', { method: 'POST', url: '/api/v1/units', payload });
  t.equal(created.statusCode, 201);
});

t.test('a department reads only its own units; a unit only itself', async (t) => {
  const asForestry = await h.as(dept(w.departments.forestry.id), { method: 'GET', url: '/api/v1/units?limit=200' });
  t.equal(asForestry.statusCode, 200);
  const names = asForestry.json().items.map((u: { name: string }) => u.name).sort();
  t.same(names, ['利川森林派出所', '汪营林业站'].sort());
  const other = await h.as(dept(w.departments.forestry.id), { method: 'GET', url: `/api/v1/units/${w.units.taxHallA.id}` });
  t.equal(other.statusCode, 404);
  const own = await h.as(unitRole(w.units.taxHallA.id), { method: 'GET', url: '/api/v1/units' });
  t.same(own.json().items.map((u: { id: string }) => u.id), [w.units.taxHallA.id]);
  const deps = await h.as(dept(w.departments.forestry.id), { method: 'GET', url: '/api/v1/departments' });
  t.same(deps.json().items.map((d: { id: string }) => d.id), [w.departments.forestry.id]);
});

t.test('units filter by category, by region including descendants, by department and by name', async (t) => {
  const get = async (qs: string) => (await h.as('admin', { method: 'GET', url: `/api/v1/units?${qs}` })).json().items.map((u: { name: string }) => u.name).sort();
  t.same(await get(`regionId=${w.regions.countyA.id}`), ['利川国税办税服务厅', '利川森林派出所', '汪营林业站'].sort(), 'township unit included');
  t.same(await get(`regionId=${w.regions.townA.id}`), ['汪营林业站']);
  t.same(await get('category=economic_social_management'), ['建始国税稽查局']);
  t.same(await get(`departmentId=${w.departments.forestry.id}&q=${encodeURIComponent('林业')}`), ['汪营林业站']);
  t.same(await get(`q=${encodeURIComponent('%')}`), [], 'LIKE wildcards are taken literally');
  const bad = await h.as('admin', { method: 'GET', url: '/api/v1/units?regionId=01900000-0000-7000-8000-000000000000' });
  t.equal(bad.statusCode, 422);
  t.equal(bad.json().errors[0].field, 'query.regionId');
});

t.test('updates need If-Match: missing is 428, stale is 412, current succeeds and bumps the ETag', async (t) => {
  const url = `/api/v1/units/${w.units.taxHallB.id}`;
  const missing = await h.as('admin', { method: 'PATCH', url, payload: { headName: '张三' } });
  t.equal(missing.statusCode, 428);
  const read = await h.as('admin', { method: 'GET', url });
  const tag = read.headers.etag as string;
  const ok = await h.as('admin', { method: 'PATCH', url, headers: { 'if-match': tag }, payload: { headName: '张三', commitments: ['一次性告知'] } });
  t.equal(ok.statusCode, 200);
  t.equal(ok.json().headName, '张三');
  t.not(ok.headers.etag, tag);
  const stale = await h.as('admin', { method: 'PATCH', url, headers: { 'if-match': tag }, payload: { headName: '李四' } });
  t.equal(stale.statusCode, 412);
  t.equal(stale.json().code, 'version_mismatch');
  t.equal((await h.as('admin', { method: 'GET', url })).json().headName, '张三', 'the stale write changed nothing');
});

t.test('a unit is deactivated with a reason, never deleted, and can be reactivated', async (t) => {
  const url = `/api/v1/units/${w.units.forestPolice.id}`;
  const v = (await h.as('admin', { method: 'GET', url })).json().version;
  const off = await h.as('admin', { method: 'POST', url: `${url}/deactivate`, payload: { reason: '机构撤并', version: v } });
  t.equal(off.statusCode, 200);
  t.equal(off.json().active, false);
  t.equal(off.json().deactivationReason, '机构撤并');
  const again = await h.as('admin', { method: 'POST', url: `${url}/deactivate`, payload: { reason: 'x', version: v + 1 } });
  t.equal(again.statusCode, 409);
  const listed = await h.as('admin', { method: 'GET', url: '/api/v1/units?active=false' });
  t.same(listed.json().items.map((u: { id: string }) => u.id), [w.units.forestPolice.id]);
  const on = await h.as('admin', { method: 'POST', url: `${url}/reactivate`, payload: { version: v + 1 } });
  t.equal(on.json().active, true);
});

t.test('every change is in the audit log with actor, role, before and after', async (t) => {
  const res = await h.as('admin', { method: 'GET', url: `/api/v1/audit-log?entityType=unit&entityId=${w.units.forestPolice.id}` });
  const actions = res.json().items.map((e: { action: string }) => e.action);
  t.same(actions, ['unit.created', 'unit.deactivated', 'unit.reactivated']);
  const deact = res.json().items[1];
  t.equal(deact.before.active, true);
  t.equal(deact.after.active, false);
  t.equal(deact.role, 'admin');
  t.ok(deact.requestId);
});

t.test('cursor pages are stable: walking them yields every unit once, in the same order', async (t) => {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: { id: string }[]; nextCursor: string | null } = (
      await h.as('admin', { method: 'GET', url: `/api/v1/units?limit=2${cursor ? `&cursor=${cursor}` : ''}` })
    ).json();
    ids.push(...page.items.map((u) => u.id));
    cursor = page.nextCursor;
  } while (cursor);
  const all = (await h.as('admin', { method: 'GET', url: '/api/v1/units?limit=200' })).json().items.map((u: { id: string }) => u.id);
  t.same(ids, all);
  t.equal(new Set(ids).size, ids.length);
  const badCursor = await h.as('admin', { method: 'GET', url: '/api/v1/units?cursor=zzz' });
  t.equal(badCursor.statusCode, 400);
  const tooMany = await h.as('admin', { method: 'GET', url: '/api/v1/units?limit=500' });
  t.equal(tooMany.statusCode, 400);
  t.equal(tooMany.json().errors[0].field, 'querystring.limit');
});

t.test('GraphQL returns the same units as REST, with departments and regions batched', async (t) => {
  const rest = (await h.as('admin', { method: 'GET', url: '/api/v1/units?limit=200' })).json().items;
  const { result, queries } = await h.countQueries(() =>
    gql(h, 'admin', `{ units(limit: 200) { items { id name category version department { name } region { nameZh parent { nameZh } } } } }`),
  );
  t.same(result.errors, undefined);
  const items = (result.data!.units as { items: { id: string; name: string; department: { name: string } }[] }).items;
  t.same(items.map((u) => u.id), rest.map((u: { id: string }) => u.id));
  t.same(items.map((u) => u.name), rest.map((u: { name: string }) => u.name));
  t.ok(items.every((u) => u.department.name));
  if (queries >= 0) t.ok(queries <= 5, `one query per level, not per row (${queries})`);
});

t.test('GraphQL enforces the same roles and scopes, with codes in extensions', async (t) => {
  const anon = await gql(h, 'anonymous', '{ units { items { id } } }');
  t.equal(anon.errors?.[0].extensions?.code, 'unauthorized');
  const denied = await gql(h, 'inspector', `mutation { createRegion(input: { level: prefecture, code: "X", nameZh: "x" }) { id } }`);
  t.equal(denied.errors?.[0].extensions?.code, 'forbidden');
  const scoped = await gql(h, dept(w.departments.tax.id), `{ unit(id: "${w.units.forestStation.id}") { id } }`);
  t.equal(scoped.errors?.[0].extensions?.code, 'not_found');
  const invalid = await gql(h, 'admin', `mutation { createUnit(input: { name: "", departmentId: "${w.departments.tax.id}", regionId: "${w.regions.countyA.id}", category: public_service }) { id } }`);
  t.equal(invalid.errors?.[0].extensions?.code, 'validation_failed');
  t.equal(invalid.errors?.[0].extensions?.errors?.[0].field, 'input.name');
  const stale = await gql(h, 'admin', `mutation { updateUnit(id: "${w.units.taxAudit.id}", version: 99, input: { headName: "x" }) { id } }`);
  t.equal(stale.errors?.[0].extensions?.code, 'version_mismatch');
});

t.test('the public reads a unit profile and the categories without a token', async (t) => {
  const res = await h.as('anonymous', { method: 'GET', url: `/api/v1/public/units/${w.units.forestStation.id}` });
  t.equal(res.statusCode, 200);
  t.equal(res.json().departmentName, '州林业局');
  t.equal(res.json().categoryLabel.zhCN, '行政执法');
  t.notOk('version' in res.json());
  const cats = await h.as('anonymous', { method: 'GET', url: '/api/v1/categories' });
  t.same(cats.json().items.map((c: { code: string }) => c.code), ['law_enforcement', 'public_service', 'economic_social_management']);
});

t.test('a malformed id is a client error on both APIs, never a 500', async (t) => {
  const rest = await h.as('admin', { method: 'GET', url: '/api/v1/units/not-a-uuid' });
  t.equal(rest.statusCode, 400);
  const g = await gql(h, 'admin', '{ unit(id: "not-a-uuid") { id } }');
  t.equal(g.errors?.[0].extensions?.code, 'invalid_value');
});

t.test('a department\'s level must be its region\'s level', async (t) => {
  const res = await h.as('admin', { method: 'POST', url: '/api/v1/departments', payload: { name: '乡镇财政所', sector: 'finance', level: 'township', regionId: w.regions.prefecture.id } });
  t.equal(res.statusCode, 422);
  t.equal(res.json().errors[0].field, 'level');
  const ok = await h.as('admin', { method: 'POST', url: '/api/v1/departments', payload: { name: '汪营镇财政所', sector: 'finance', level: 'township', regionId: w.regions.townA.id } });
  t.equal(ok.statusCode, 201);
});
