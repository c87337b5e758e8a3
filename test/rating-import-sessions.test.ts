import t from 'tap';
import type { Test } from 'tap';
import pg from 'pg';
import { parse } from 'csv-parse/sync';
import { systemContext } from '../src/lib/principal.js';
import { referenceWorld } from './fixtures.js';
import { setup } from './helper.js';
import type { TestApp } from './helper.js';
import { untilBlocked } from './lock-wait.js';

// A partial rating import writes two batches of 5,000 at once, each on its own database session: the batches still
// commit in file order, a failed batch takes the one written beside it down with it, and a row repeated across the two
// is stored as the file's earlier row.
const h = await setup(t);
const w = await referenceWorld(h);
const s = h.app.services;
const ctx = systemContext('test');
const { forestStation } = w.units;
const integration = { role: 'integration' as const, subject: 'survey-office' };
const at = '2024-06-01T10:00:00+08:00';

const item = await s.serviceItems.create(ctx, { departmentId: w.departments.forestry.id, code: 'LY-SES', name: '林木采伐许可证核发', promisedDays: 5, modes: ['time_limited'] });
await s.serviceItems.setUnits(ctx, item.id, [forestStation.id]);
let n = 0;
const newCase = async () => (await s.cases.create(ctx, { source: 'zwfw_ses', caseNumber: `SES-${++n}`, itemId: item.id, unitId: forestStation.id, receivedAt: new Date(Date.now() - 86_400_000).toISOString() })).id;

type Row = { unitId: string; channel: string; level: number; collectedAt: string; externalId: string; caseId?: string };
const rowsOf = (count: number, prefix: string): Row[] =>
  Array.from({ length: count }, (_, i) => ({ unitId: forestStation.id, channel: 'questionnaire', level: 4, collectedAt: at, externalId: `${prefix}-${i}` }));
const upload = (source: string, rows: Row[]) =>
  h.as(integration, { method: 'POST', url: `/api/v1/rating-imports?format=ndjson&source=${source}&policy=partial`, headers: { 'content-type': 'application/x-ndjson' }, payload: rows.map((r) => JSON.stringify(r)).join('\n') + '\n' });
const storedCount = async (source: string) => (await h.sql<{ n: number }>('select count(*)::int as n from ratings where source = $1', [source]))[0].n;
const jobOf = async (source: string) => (await h.sql<{ id: string }>('select id from rating_imports where source = $1', [source]))[0]?.id;

/** The other writer: its own connection, outside the app's pool (which then has room for the import's two sessions). */
async function otherWriter() {
  const client = new pg.Client({ connectionString: (h.database.pool!.options as { connectionString: string }).connectionString });
  await client.connect();
  return client;
}
/** A case rated by the other writer, not committed yet: the batch naming it waits on its key in the merge. */
async function holdCase(client: pg.Client, caseId: string) {
  await client.query('begin');
  await client.query(`insert into ratings (id, unit_id, channel, level, collected_at, source, submitted_by, case_id) values (gen_random_uuid(), $1, 'hotline', 3, now(), 'hotline', 'other-writer', $2)`, [forestStation.id, caseId]);
}

/**
 * Uploads `count` rows whose row `heldAt` names a case the other writer holds, and waits until that row's batch waits on
 * it in the merge. The other writer's transaction stays open until the test commits it on `client`.
 */
async function uploadAgainstHeldCase(t: Test, source: string, count: number, heldAt: number) {
  const raced = await newCase();
  const rows = rowsOf(count, source);
  rows[heldAt] = { ...rows[heldAt], caseId: raced };
  const client = await otherWriter();
  t.teardown(() => client.end());
  await holdCase(client, raced);
  const pending = upload(source, rows);
  await untilBlocked(h, 'insert into ratings (');
  return { client, pending };
}

/** Waits (polling the server's view, never a clock; about 30 s at most) until a batch is merged and waits to commit. */
async function untilMergedAndWaiting(h: TestApp): Promise<boolean> {
  for (let i = 0; i < 600; i++) {
    const [{ n }] = await h.sql<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity where datname = current_database() and state = 'idle in transaction' and query like 'truncate rating_import_stage_%'`,
    );
    if (n > 0) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

t.test('a row repeating an externalId of the batch before is a duplicate: the file’s earlier row is the one stored', async (t) => {
  const rows = rowsOf(10_000, 'twice');
  rows[4_000] = { ...rows[4_000], externalId: 'twice-same', level: 5 };
  rows[7_000] = { ...rows[7_000], externalId: 'twice-same', level: 1 };
  const res = await upload('twice', rows);
  t.equal(res.statusCode, 201, res.body);
  t.match(res.json(), { status: 'completed', accepted: 9_999, duplicates: 1, rejected: 0, followUpsOpened: 0 });
  t.same(await h.sql('select level from ratings where source = $1 and external_id = $2', ['twice', 'twice-same']), [{ level: 5 }]);
});

t.test('a batch waiting on a case another writer holds: the batch after it is written meanwhile and commits after it', async (t) => {
  const { client, pending } = await uploadAgainstHeldCase(t, 'beside', 10_000, 0);
  t.ok(await untilMergedAndWaiting(h), 'the second batch is merged while the first waits');
  t.equal(await storedCount('beside'), 0, 'nothing is committed before the first batch');
  await client.query('commit');
  const res = await pending;
  t.equal(res.statusCode, 201, res.body);
  t.match(res.json(), { status: 'completed', accepted: 9_999, rejected: 1, duplicates: 0 });
  const errors = parse((await h.as('admin', { method: 'GET', url: `/api/v1/rating-imports/${res.json().id}/errors` })).body, { bom: true, columns: true });
  t.match(errors, [{ rowNumber: '1', field: 'caseId', code: 'case_already_rated' }]);
  const batches = await h.sql<{ accepted: number; total: number }>(
    `select (after->>'accepted')::int as accepted, (after->'totals'->>'accepted')::int as total from audit_log where action = 'rating_import.batch_committed' and entity_id = $1 order by seq`,
    [res.json().id],
  );
  t.same(batches, [{ accepted: 4_999, total: 4_999 }, { accepted: 5_000, total: 9_999 }], 'the batches committed in file order');
});

t.test('a batch that fails takes the batch written beside it down with it: the import has committed the file up to it', async (t) => {
  // The first batch is committed; the second waits on the case, the third is merged beside it.
  const { client, pending } = await uploadAgainstHeldCase(t, 'failing', 15_000, 5_000);
  t.ok(await untilMergedAndWaiting(h), 'the third batch is merged while the second waits');
  // Meanwhile the job is failed (as the lease sweep fails a job it takes for orphaned): the second batch cannot commit.
  await h.sql(`update rating_imports set status = 'failed', failure_reason = 'failed by the test', finished_at = now(), lease_expires_at = null where id = $1`, [await jobOf('failing')]);
  await client.query('commit');
  const res = await pending;
  t.equal(res.statusCode, 409, 'the upload is refused with a problem document, not a 500');
  t.match(res.json(), { code: 'import_lease_lost' });
  t.match((await h.as('admin', { method: 'GET', url: `/api/v1/rating-imports/${await jobOf('failing')}` })).json(), { status: 'failed', accepted: 5_000, failureReason: 'failed by the test' });
  t.equal(await storedCount('failing'), 5_000, 'only the first batch is stored: the third is not committed without the second');
});
