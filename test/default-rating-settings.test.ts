import t from 'tap';
import { systemContext } from '../src/lib/principal.js';
import { referenceWorld } from './fixtures.js';
import { insertCriteriaSet } from './fixtures-cycles.js';
import { gql, setup } from './helper.js';

// Env defaults: 15 days, level 4 (满意), the window's rating device. Cycles may set their own (settings.defaultRating).
const h = await setup(t, { config: { DEFAULT_RATING_DAYS: 15, DEFAULT_RATING_LEVEL: 4, DEFAULT_RATING_CHANNEL: 'window_device' } });
const w = await referenceWorld(h);
const s = h.app.services;
const ctx = systemContext('test');
const { forestStation, taxHallA, taxHallB, taxAudit } = w.units;
const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY);

/** A cycle in assessment since 60 days ago with `units` enrolled. */
async function cycleInAssessment(name: string, category: string, unitIds: string[], settings: Record<string, unknown>) {
  const cycle = await s.cycles.create(ctx, { name, year: 2026, settings: settings as never });
  for (const id of unitIds) await s.enrollments.enroll(ctx, cycle.id, id);
  const c = await s.cycles.transition(ctx, cycle.id, cycle.version, 'enrollment');
  await insertCriteriaSet(h, cycle.id, category);
  await s.cycles.transition(ctx, cycle.id, c.version, 'assessment');
  await h.sql(`update cycles set phase_entered_at = jsonb_set(phase_entered_at, '{assessment}', to_jsonb($2::text)) where id = $1`, [cycle.id, daysAgo(60).toISOString()]);
  return cycle;
}
// 五星 for the forestry cycle; 基本满意 after 40 days on the hotline for the tax cycle; a third sets only its channel.
const forestry = await cycleInAssessment('林业周期', 'law_enforcement', [forestStation.id], { defaultRating: { level: 5 } });
const tax = await cycleInAssessment('国税周期', 'public_service', [taxHallA.id], { defaultRating: { level: 3, days: 40, channel: 'hotline' } });
const channelOnly = await cycleInAssessment('国税二周期', 'public_service', [taxHallB.id], { defaultRating: { channel: 'kiosk' } });

const taxItem = await s.serviceItems.create(ctx, { departmentId: w.departments.tax.id, code: 'DRS-1', name: '纳税证明开具', promisedDays: 5, modes: ['time_limited'] });
await s.serviceItems.setUnits(ctx, taxItem.id, [taxHallA.id, taxHallB.id, taxAudit.id]);
const forestItem = await s.serviceItems.create(ctx, { departmentId: w.departments.forestry.id, code: 'DRS-2', name: '林木采伐许可证核发', promisedDays: 5, modes: ['time_limited'] });
await s.serviceItems.setUnits(ctx, forestItem.id, [forestStation.id]);
let n = 0;
async function completedCase(unitId: string, completedDaysAgo: number) {
  const itemId = unitId === forestStation.id ? forestItem.id : taxItem.id;
  const k = await s.cases.create(ctx, { source: 'zwfw_drs', caseNumber: `DRS-${++n}`, itemId, unitId, receivedAt: daysAgo(completedDaysAgo + 1).toISOString() });
  await s.cases.move(ctx, k.id, 'accepted', { at: daysAgo(completedDaysAgo + 0.5).toISOString() });
  return s.cases.move(ctx, k.id, 'completed', { at: daysAgo(completedDaysAgo).toISOString() });
}
const ratingOf = async (caseId: string) =>
  (await h.sql<{ level: number; channel: string; cycle_id: string | null }>('select level, channel, cycle_id from ratings where case_id = $1', [caseId]))[0];

t.test('each cycle gives its cases the default at its own level, days and channel; what it leaves out, and cases of no cycle, take the env', async (t) => {
  const station = await completedCase(forestStation.id, 20);
  const hallDue = await completedCase(taxHallA.id, 45);
  const hallWaiting = await completedCase(taxHallA.id, 20);
  const hallB = await completedCase(taxHallB.id, 20);
  const audit = await completedCase(taxAudit.id, 20);
  const { result: run, queries } = await h.countQueries(() => s.defaultRatings.run(ctx));
  t.match(run, { given: 4, days: 15, level: 4, channel: 'window_device', batches: 1 }, 'the run reports the env defaults');
  t.ok(queries <= 3, `${queries} statements: one read and one insert for every cycle's cases together`);
  t.match(await ratingOf(station.id), { level: 5, channel: 'window_device', cycle_id: forestry.id }, 'the forestry cycle: level 5, env channel');
  t.match(await ratingOf(hallDue.id), { level: 3, channel: 'hotline', cycle_id: tax.id }, 'the tax cycle: level 3 on the hotline');
  t.equal(await ratingOf(hallWaiting.id), undefined, 'the tax cycle gives 40 days: completed 20 days ago, still the applicant’s to rate');
  t.match(await ratingOf(hallB.id), { level: 4, channel: 'kiosk', cycle_id: channelOnly.id }, 'a cycle setting only its channel: env level');
  t.match(await ratingOf(audit.id), { level: 4, channel: 'window_device', cycle_id: null }, 'a unit in no cycle: the env defaults');
  const after = await h.sql<{ after: { level: number } }>(`select after from audit_log where action = 'rating.defaulted' and entity_id = (select id::text from ratings where case_id = $1)`, [hallDue.id]);
  t.equal(after[0].after.level, 3, 'the audit entry records the level given');
});

t.test('the setting reads back over REST and GraphQL; a cycle without it shows null', async (t) => {
  const r = await h.as('admin', { method: 'GET', url: `/api/v1/cycles/${tax.id}` });
  t.equal(r.statusCode, 200, r.body);
  t.same(r.json().settings.defaultRating, { level: 3, days: 40, channel: 'hotline' });
  const g = await gql(h, 'admin', `{ a: cycle(id: "${tax.id}") { settings { defaultRating { level days channel } } } b: cycle(id: "${channelOnly.id}") { settings { defaultRating { level days channel } } } }`);
  t.same(g.data, { a: { settings: { defaultRating: { level: 3, days: 40, channel: 'hotline' } } }, b: { settings: { defaultRating: { level: null, days: null, channel: 'kiosk' } } } });
  const plain = await gql(h, 'admin', 'mutation { createCycle(input: { name: "无默认评价设置", year: 2027 }) { settings { defaultRating { level } } } }');
  t.same(plain.data, { createCycle: { settings: { defaultRating: null } } });
});

t.test('the office sets it over REST and GraphQL; a level below 3 (a bad rating) is refused naming the field', async (t) => {
  const created = await h.as('admin', { method: 'POST', url: '/api/v1/cycles', payload: { name: '默认评价周期', year: 2027, settings: { defaultRating: { level: 4, days: 10 } } } });
  t.equal(created.statusCode, 201, created.body);
  t.same(created.json().settings.defaultRating, { level: 4, days: 10, channel: null });
  const bad = await h.as('admin', { method: 'PATCH', url: `/api/v1/cycles/${created.json().id}`, payload: { settings: { defaultRating: { level: 2 } }, version: created.json().version } });
  t.equal(bad.statusCode, 400, bad.body);
  t.equal(bad.json().errors[0].field, 'body.settings.defaultRating.level');
  const qr = await h.as('admin', { method: 'POST', url: '/api/v1/cycles', payload: { name: '扫码默认', year: 2027, settings: { defaultRating: { channel: 'qr_code' } } } });
  t.equal(qr.statusCode, 400, 'a scan is always a real rater: qr_code is no default channel');
  t.equal(qr.json().errors[0].field, 'body.settings.defaultRating.channel');
  const g = await gql(h, 'admin', 'mutation { createCycle(input: { name: "差评默认", year: 2027, settings: { defaultRating: { level: 2 } } }) { id } }');
  t.equal(g.errors?.[0].extensions?.code, 'validation_failed');
  t.match(JSON.stringify(g.errors?.[0].extensions), /defaultRating\.level/);
  const ok = await gql(h, 'admin', 'mutation { createCycle(input: { name: "热线默认", year: 2027, settings: { defaultRating: { level: 5, channel: hotline } } }) { settings { defaultRating { level days channel } } } }');
  t.same(ok.data, { createCycle: { settings: { defaultRating: { level: 5, days: null, channel: 'hotline' } } } });
  t.equal((await h.as('inspector', { method: 'POST', url: '/api/v1/cycles', payload: { name: 'x', year: 2027, settings: { defaultRating: { level: 5 } } } })).statusCode, 403, 'only the office sets cycles');
});
