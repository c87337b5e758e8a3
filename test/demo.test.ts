import t from 'tap';
import { loadDemoData } from '../src/demo/seed.js';
import { setup } from './helper.js';

// `npm start` on a new embedded database loads this set; it must go in whole through the real services.
const h = await setup(t, { pglite: true });

t.test('the demo data set loads through the services and is labelled as demo data', async (t) => {
  const counts = await loadDemoData(h.app.services);
  t.same(counts, { regions: 9, departments: 10, units: 50, cycles: 1, criteriaSets: 3, enrollments: 50 });
  const units = (await h.as('admin', { method: 'GET', url: '/api/v1/units?limit=200' })).json().items;
  t.equal(units.length, 50);
  t.ok(units.every((u: { name: string }) => u.name.startsWith('【演示】')));
  const cats = new Set(units.map((u: { category: string }) => u.category));
  t.equal(cats.size, 3, 'all three categories');
  const cycles = (await h.as('admin', { method: 'GET', url: '/api/v1/cycles' })).json().items;
  t.equal(cycles[0].phase, 'enrollment');
  const sets = (await h.as('anonymous', { method: 'GET', url: `/api/v1/cycles/${cycles[0].id}/criteria-sets` })).json().items;
  t.equal(sets.length, 3);
  t.equal((await h.as('admin', { method: 'GET', url: '/api/v1/audit-log/verify' })).json().valid, true);
});
