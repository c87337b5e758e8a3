import t from 'tap';
import { systemContext } from '../src/lib/principal.js';
import { referenceWorld } from './fixtures.js';
import { setup } from './helper.js';

// Every event in the catalogue is written to the outbox by the change it announces.
const h = await setup(t);
const w = await referenceWorld(h);
const events = (type: string) => h.sql<{ payload: Record<string, unknown> }>(`select payload from outbox_events where type = $1 order by id`, [type]);

t.test('a cycle phase move announces cycle.phase_changed', async (t) => {
  const c = (await h.as('admin', { method: 'POST', url: '/api/v1/cycles', payload: { name: '事件周期', year: 2026 } })).json();
  const moved = await h.as('admin', { method: 'POST', url: `/api/v1/cycles/${c.id}/transitions`, payload: { to: 'enrollment', version: c.version } });
  t.equal(moved.statusCode, 200);
  const [e] = await events('cycle.phase_changed');
  t.match(e.payload, { cycleId: c.id, from: 'draft', to: 'enrollment' });
});

t.test('problem moves announce problem.status_changed; a lapsed deadline is announced once as problem.overdue', async (t) => {
  const created = await h.as('admin', {
    method: 'POST',
    url: '/api/v1/problems',
    payload: { unitId: w.units.taxHallA.id, sourceType: 'manual', severity: 'major', description: '办税指南未及时更新' },
  });
  t.equal(created.statusCode, 201, created.body);
  const p = created.json();
  const started = await h.as({ role: 'unit', unitId: w.units.taxHallA.id }, { method: 'POST', url: `/api/v1/problems/${p.id}/start`, payload: {} });
  t.equal(started.statusCode, 200, started.body);
  t.match((await events('problem.status_changed'))[0].payload, { problemId: p.id, from: 'open', to: 'rectifying' });

  await h.sql(`update problems set deadline = now() - interval '1 day' where id = $1`, [p.id]);
  const ctx = systemContext('test');
  t.equal(await h.app.services.problems.notifyOverdue(ctx), 1);
  t.equal(await h.app.services.problems.notifyOverdue(ctx), 0, 'announced once per deadline');
  const [overdue] = await events('problem.overdue');
  t.match(overdue.payload, { problemId: p.id, unitId: w.units.taxHallA.id, status: 'rectifying', severity: 'major' });
  const audit = (await h.as('admin', { method: 'GET', url: `/api/v1/audit-log?entityType=problem&entityId=${p.id}&action=problem.overdue` })).json();
  t.equal(audit.items.length, 1);

  // The office grants more time; when that lapses too, it is announced again.
  const current = (await h.as('admin', { method: 'GET', url: `/api/v1/problems/${p.id}` })).json();
  const later = new Date(Date.now() + 7 * 86400_000).toISOString();
  const extended = await h.as('admin', { method: 'PATCH', url: `/api/v1/problems/${p.id}`, headers: { 'if-match': `"${current.version}"` }, payload: { deadline: later } });
  t.equal(extended.statusCode, 200, extended.body);
  t.equal(await h.app.services.problems.notifyOverdue(ctx), 0, 'not overdue any more');
  await h.sql(`update problems set deadline = now() - interval '1 hour' where id = $1`, [p.id]);
  t.equal(await h.app.services.problems.notifyOverdue(ctx), 1);
  t.equal((await events('problem.overdue')).length, 2);
});
