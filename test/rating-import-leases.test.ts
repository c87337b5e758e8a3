import { Readable } from 'node:stream';
import t from 'tap';
import Fastify from 'fastify';
import fp from 'fastify-plugin';
import { testConfig } from '../src/config.js';
import { uuidv7 } from '../src/lib/ids.js';
import { ratingImportLeaseSweep } from '../src/modules/ratings/schedule.js';
import configPlugin from '../src/plugins/config.js';
import schedulesPlugin from '../src/plugins/schedules.js';
import { referenceWorld } from './fixtures.js';
import { setup } from './helper.js';

// An import whose process was killed mid-way (SIGKILL, lost host) stops renewing its lease; the sweep then fails
// it, saying what it had committed, instead of leaving it `processing` forever.

// A short heartbeat, so a test can watch the timer renew the lease between batches.
const h = await setup(t, { config: { RATING_IMPORT_LEASE_MS: 1000, RATING_IMPORT_HEARTBEAT_MS: 50 } });
const w = await referenceWorld(h);

/** A job as a process leaves it when it dies: `processing`, with the counters of its last committed batch. */
async function processingJob(leaseExpiresAt: string, counters = { rowsRead: 0, accepted: 0, duplicates: 0, rejected: 0 }, policy = 'partial'): Promise<string> {
  const id = uuidv7();
  await h.sql(
    `insert into rating_imports (id, status, format, source, policy, rows_read, accepted, duplicates, rejected, created_by, heartbeat_at, lease_expires_at)
     values ($1, 'processing', 'csv', 'survey-2025', $2, $3, $4, $5, $6, 'survey-office', $7::timestamptz - interval '30 seconds', $7::timestamptz)`,
    [id, policy, counters.rowsRead, counters.accepted, counters.duplicates, counters.rejected, leaseExpiresAt],
  );
  return id;
}

const getJob = async (id: string) => (await h.as('admin', { method: 'GET', url: `/api/v1/rating-imports/${id}` })).json();
const auditOf = async (id: string) =>
  (await h.as('admin', { method: 'GET', url: `/api/v1/audit-log?entityType=rating_import&entityId=${id}` })).json().items as { action: string; actor: string; after: { status: string } }[];

const past = () => new Date(Date.now() - 60_000).toISOString();
const future = () => new Date(Date.now() + 60_000).toISOString();

t.test('a job whose lease expired is failed, with a reason that says the process stopped and what it had committed', async (t) => {
  const orphan = await processingJob(past(), { rowsRead: 12_000, accepted: 9_000, duplicates: 800, rejected: 200 });
  const live = await processingJob(future(), { rowsRead: 5_000, accepted: 5_000, duplicates: 0, rejected: 0 });

  t.equal(await h.app.services.ratingImports.failOrphaned(), 1, 'one job failed');

  const failed = await getJob(orphan);
  t.match(failed, { status: 'failed', rowsRead: 12_000, accepted: 9_000, duplicates: 800, rejected: 200 });
  t.match(failed.failureReason, /process running the import stopped/);
  t.match(failed.failureReason, /9000 row\(s\) committed before it stopped/);
  t.ok(failed.finishedAt, 'finished');
  const [{ lease }] = await h.sql<{ lease: Date | null }>(`select lease_expires_at as lease from rating_imports where id = $1`, [orphan]);
  t.equal(lease, null, 'the lease is cleared');

  t.match(await getJob(live), { status: 'processing', accepted: 5_000, failureReason: null, finishedAt: null }, 'a job whose lease is still valid is left running');

  const entries = await auditOf(orphan);
  t.match(entries, [{ action: 'rating_import.failed', actor: 'system', after: { status: 'failed' } }], 'the failure is audited');
  t.same(await auditOf(live), [], 'nothing audited for the live job');
});

t.test('an all-or-nothing job that stopped committed nothing, and its reason says so', async (t) => {
  const orphan = await processingJob(past(), { rowsRead: 3_000, accepted: 0, duplicates: 0, rejected: 0 }, 'all_or_nothing');
  await h.app.services.ratingImports.failOrphaned();
  t.match(await getJob(orphan), { status: 'failed', failureReason: /nothing committed/ });
});

t.test('sweeps running at the same time fail an orphaned job once, with one audit entry', async (t) => {
  const orphan = await processingJob(past(), { rowsRead: 10, accepted: 10, duplicates: 0, rejected: 0 });
  const counts = await Promise.all([1, 2, 3].map(() => h.app.services.ratingImports.failOrphaned()));
  t.equal(counts.reduce((a, b) => a + b, 0), 1, 'failed by exactly one sweep');
  t.equal((await auditOf(orphan)).length, 1);
  t.equal(await h.app.services.ratingImports.failOrphaned(), 0, 'a later sweep finds nothing');
});

t.test('a normal import completes with its lease cleared, and the sweep leaves it alone', async (t) => {
  const csv = `unitId,channel,level,collectedAt,externalId\n${w.units.taxHallA.id},portal,5,2024-06-01T10:00:00+08:00,lease-1\n`;
  const res = await h.as('admin', { method: 'POST', url: '/api/v1/rating-imports?format=csv&source=lease-test', headers: { 'content-type': 'text/csv' }, payload: csv });
  t.equal(res.statusCode, 201, res.body);
  const job = res.json();
  t.match(job, { status: 'completed', accepted: 1 });
  const [row] = await h.sql<{ lease: Date | null; heartbeat: Date | null }>(`select lease_expires_at as lease, heartbeat_at as heartbeat from rating_imports where id = $1`, [job.id]);
  t.equal(row.lease, null, 'no lease left on a finished job');
  t.ok(row.heartbeat, 'the job signalled life while it ran');
  await h.app.services.ratingImports.failOrphaned(new Date(Date.now() + 3_600_000));
  t.match(await getJob(job.id), { status: 'completed', failureReason: null }, 'even a sweep far in the future does not touch a finished job');
});

t.test('a slow upload keeps its lease: the heartbeat renews it while no batch is committed', async (t) => {
  const header = 'unitId,channel,level,collectedAt,externalId\n';
  const row = `${w.units.taxHallA.id},portal,4,2024-06-01T10:00:00+08:00,slow-1\n`;
  const renewed: Date[] = [];
  async function* slowFile() {
    yield Buffer.from(header);
    // The file stalls mid-way until the job's lease has been renewed twice by the timer (bounded).
    for (let i = 0; i < 100 && renewed.length < 3; i++) {
      const [job] = await h.sql<{ lease: Date }>(`select lease_expires_at as lease from rating_imports where source = 'slow-upload'`);
      if (job && (!renewed.length || job.lease.getTime() > renewed[renewed.length - 1].getTime())) renewed.push(job.lease);
      await new Promise((r) => setTimeout(r, 20));
    }
    t.equal(await h.app.services.ratingImports.failOrphaned(), 0, 'the sweep leaves a stalled but live job alone');
    yield Buffer.from(row);
  }
  const res = await h.as('admin', { method: 'POST', url: '/api/v1/rating-imports?format=csv&source=slow-upload', headers: { 'content-type': 'text/csv' }, payload: Readable.from(slowFile()) });
  t.equal(res.statusCode, 201, res.body);
  t.ok(renewed.length >= 3, 'the lease moved forward while the upload stalled');
  t.match(res.json(), { status: 'completed', accepted: 1 });
});

t.test('after a restart the sweep runs as soon as the app is ready, not one interval later', async (t) => {
  let calls = 0;
  let ran: () => void = () => undefined;
  const first = new Promise<void>((r) => (ran = r));
  const app = Fastify();
  await app.register(configPlugin, { config: testConfig({ RATING_IMPORT_LEASE_SWEEP_INTERVAL_MS: 3_600_000 }) });
  await app.register(
    fp(
      async (a) => {
        a.decorate('services', { ratingImports: { failOrphaned: async () => (calls++, ran(), 0) } } as never);
      },
      { name: 'services' },
    ),
  );
  await app.register(schedulesPlugin, { jobs: [ratingImportLeaseSweep] });
  t.teardown(() => app.close());
  await app.ready();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([first, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('the sweep did not run at ready')), 2000)))]);
  clearTimeout(timer);
  t.equal(calls, 1);
});
