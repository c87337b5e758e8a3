import t from 'tap';
import { systemContext } from '../src/lib/principal.js';
import { advance, awardsWorld, publishRanking } from './fixtures-awards.js';
import { referenceWorld } from './fixtures.js';
import { setup } from './helper.js';

// The one transaction contract: a composed service method given `{ tx }` runs every statement in the caller's
// transaction, so the caller commits or rolls back everything together.
const h = await setup(t);
const w = await referenceWorld(h);
const s = h.app.services;
const ctx = systemContext('test-transactions');

t.test('a problem opened from a source in a transaction that rolls back leaves neither the problem nor its audit entry', async (t) => {
  const sourceId = '0190a000-0000-7000-8000-0000000007a1';
  let openedId = '';
  await t.rejects(
    s.db.transaction(async (tx) => {
      const p = await s.problems.openFromSource(ctx, { unitId: w.units.forestStation.id, sourceType: 'media', sourceId, severity: 'major', description: '媒体曝光' }, { tx });
      openedId = p.id;
      throw new Error('caller failed');
    }),
    { message: 'caller failed' },
  );
  t.ok(openedId, 'the problem was opened inside the transaction');
  t.same(await h.sql(`select id from problems where id = $1 or source_id = $2`, [openedId, sourceId]), []);
  t.same(await h.sql(`select seq from audit_log where entity_id = $1`, [openedId]), [], 'no audit entry either');
});

t.test('methods that open their own transaction run in the caller’s instead: a whole setup rolls back as one', async (t) => {
  await t.rejects(
    s.db.transaction(async (tx) => {
      const region = await s.regions.create(ctx, { parentId: null, level: 'prefecture', code: 'TX-P', nameZh: '回滚州' }, { tx });
      const dept = await s.departments.create(ctx, { name: '回滚局', sector: 'forestry', level: 'prefecture', regionId: region.id }, { tx });
      await s.units.create(ctx, { name: '回滚站', departmentId: dept.id, regionId: region.id, category: 'public_service' }, { tx });
      const cycle = await s.cycles.create(ctx, { name: '回滚创建', year: 2099 }, { tx });
      await s.cycles.transition(ctx, cycle.id, cycle.version, 'enrollment', { tx });
      throw new Error('caller failed');
    }),
    { message: 'caller failed' },
  );
  t.same(await h.sql(`select id from regions where code = 'TX-P'`), []);
  t.same(await h.sql(`select id from cycles where year = 2099`), []);
  t.same(await h.sql(`select seq from audit_log where after->>'name' in ('回滚局', '回滚站', '回滚创建') or after->>'code' = 'TX-P'`), [], 'and none of their audit entries');
});

t.test('naming passes over a unit whose serious complaint was substantiated earlier in the same transaction', async (t) => {
  const x = await awardsWorld(h, { year: 2040, lawCount: 3, pubCount: 0, settings: { quotas: { top10: 1, top100: 3, perCategory: null } }, world: w });
  const rankingId = await publishRanking(h, x.cycleId, x.all.map((unit, i) => ({ unit, score: 95 - i })));
  await advance(h, x.cycleId, 'naming');
  const [best, second] = x.law;

  const { complaintId, nomination } = await s.db.transaction(async (tx) => {
    const { complaint } = await s.complaints.intake(ctx, { source: 'hotline', category: 'service_attitude', subject: '态度恶劣', description: '窗口人员辱骂群众', unitId: best.id }, { tx });
    await s.complaints.triage(ctx, complaint.id, undefined, { unitId: best.id }, { tx });
    await s.complaints.startInvestigation(ctx, complaint.id, undefined, undefined, { tx });
    await s.complaints.decide(ctx, complaint.id, undefined, { substantiated: true, severity: 'serious', findings: '经调查属实' }, { tx });
    return { complaintId: complaint.id, nomination: await s.awards.propose(ctx, x.cycleId, rankingId, { tx }) };
  });

  t.same(nomination.passedOver, [{ unitId: best.id, reasons: ['substantiated_serious_complaint'], evidence: [{ type: 'complaint', id: complaintId }] }]);
  t.equal(nomination.candidates.find((c) => c.tier === 'top10')?.unitId, second.id, 'the next unit moves up to 十佳');
  t.equal((await s.complaints.substantiatedForUnits(x.cycleId, [best.id])).length, 1, 'and both committed together');
});
