import t from 'tap';
import { roles, systemContext } from '../src/lib/principal.js';
import type { Role } from '../src/lib/principal.js';
import { setup } from './helper.js';

// Every route declares who may call it; this sweep proves every refusal that declaration implies: the public gets
// 401, every other role not on the list gets 403, before any handler, validation or lookup runs.
const h = await setup(t);
const someId = '01900000-0000-7000-8000-0000000000ff';
const claims: Record<Exclude<Role, 'anonymous'>, Parameters<typeof h.as>[0]> = {
  admin: 'admin',
  inspector: 'inspector',
  integration: 'integration',
  supervisor: { role: 'supervisor', supervisorId: someId },
  department: { role: 'department', departmentId: someId },
  unit: { role: 'unit', unitId: someId },
};

t.test('every route refuses every role it does not declare', async (t) => {
  const routes = h.app.routeAccess.filter((r) => r.url.startsWith('/api/') || r.url.startsWith('/open311/'));
  t.ok(routes.length > 100, `${routes.length} routes declare their roles`);
  let refusals = 0;
  for (const route of routes) {
    const url = route.url.replace(/:[A-Za-z]+/g, someId);
    for (const role of roles.filter((r) => !route.access.includes(r))) {
      const res = await h.as(role === 'anonymous' ? 'anonymous' : claims[role], { method: route.method as 'GET', url, payload: route.method === 'GET' ? undefined : {} });
      const expected = role === 'anonymous' ? 401 : 403;
      if (res.statusCode !== expected) t.fail(`${role} ${route.method} ${route.url}: ${res.statusCode}, expected ${expected}`);
      refusals++;
    }
  }
  t.ok(refusals > 300, `${refusals} refusals proven`);
});

t.test('admin-only routes are exactly the ones the office runs', async (t) => {
  const adminOnly = h.app.routeAccess.filter((r) => r.access.length === 1 && r.access[0] === 'admin').map((r) => `${r.method} ${r.url}`);
  for (const must of ['GET /api/v1/audit-log', 'GET /api/v1/audit-log/verify', 'POST /api/v1/rankings/:id/publish', 'POST /api/v1/awards/:id/transitions', 'POST /api/v1/webhook-subscriptions']) {
    t.ok(adminOnly.includes(must), must);
  }
});

// 两级办公室: a county office's admin and inspector tokens (region_id) pass the role check only on routes that scope to
// their region (config.regionScoped) or are public; every other route they would be admitted to refuses them with 403.
t.test('a county admin and a county inspector are refused every prefecture-wide route', async (t) => {
  const ctx = systemContext('access');
  const prefecture = await h.app.services.regions.create(ctx, { parentId: null, level: 'prefecture', code: 'AP', nameZh: '州' });
  const county = await h.app.services.regions.create(ctx, { parentId: prefecture.id, level: 'county', code: 'AC', nameZh: '县' });
  const routes = h.app.routeAccess.filter((r) => r.url.startsWith('/api/') || r.url.startsWith('/open311/'));
  let refusals = 0;
  let served = 0;
  for (const role of ['admin', 'inspector'] as const) {
    for (const route of routes.filter((r) => r.access.includes(role) && !r.access.includes('anonymous'))) {
      if (route.regionScoped) {
        served++;
        continue;
      }
      const url = route.url.replace(/:[A-Za-z]+/g, someId);
      const res = await h.as({ role, regionId: county.id }, { method: route.method as 'GET', url, payload: route.method === 'GET' ? undefined : {} });
      if (res.statusCode !== 403 || !/prefecture office/.test(res.json().detail)) t.fail(`county ${role} ${route.method} ${route.url}: ${res.statusCode}, expected 403`);
      refusals++;
    }
  }
  t.ok(refusals > 100, `${refusals} county refusals proven`);
  t.ok(served > 20, `${served} routes serve a county office`);
  for (const must of ['GET /api/v1/units', 'PATCH /api/v1/units/:id', 'GET /api/v1/problems', 'POST /api/v1/problems/bulk-transition', 'GET /api/v1/statistics', 'GET /api/v1/ratings', 'GET /api/v1/complaints']) {
    t.ok(routes.some((r) => `${r.method} ${r.url}` === must && r.regionScoped), `${must} serves a county office`);
  }
  for (const never of ['POST /api/v1/cycles', 'POST /api/v1/rankings/:id/publish', 'POST /api/v1/integration-clients', 'POST /api/v1/regions', 'GET /api/v1/audit-log']) {
    t.ok(routes.some((r) => `${r.method} ${r.url}` === never && !r.regionScoped), `${never} stays the prefecture office's`);
  }
});
