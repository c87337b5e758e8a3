import { Readable } from 'node:stream';
import t from 'tap';
import { parse } from 'csv-parse/sync';
import { ratingChannels as allChannels } from '../src/db/schema/index.js';

/** The channels a file may carry: qr_code ratings come only through a QR code (presence-bound). */
const ratingChannels = allChannels.filter((c) => c !== 'qr_code');
import { byteLimit } from '../src/modules/ratings/import-rows.js';
import { referenceWorld } from './fixtures.js';
import { gql, setup } from './helper.js';
import type { TestApp } from './helper.js';

const h = await setup(t);
const w = await referenceWorld(h);
const unitIds = Object.values(w.units).map((u) => u.id);
const integration = { role: 'integration' as const, subject: 'survey-office' };

interface GenRow {
  unitId: string;
  channel: string;
  level: number;
  comment?: string;
  collectedAt: string;
  externalId: string;
  respondentKey?: string;
}

/** A survey campaign's rows: every channel and level, a comment on every 7th row, a phone number on every 3rd. */
function surveyRows(n: number, prefix: string): GenRow[] {
  return Array.from({ length: n }, (_, i) => ({
    unitId: unitIds[i % unitIds.length],
    channel: ratingChannels[i % ratingChannels.length],
    level: (i % 5) + 1,
    comment: i % 7 === 0 ? `意见 ${i}, "引号" 与逗号` : undefined,
    collectedAt: '2024-06-01T10:00:00+08:00',
    externalId: `${prefix}-${i}`,
    respondentKey: i % 3 === 0 ? `1390000${String(i).padStart(4, '0')}` : undefined,
  }));
}

const csvCell = (v: unknown) => {
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const COLUMNS = ['unitId', 'channel', 'level', 'comment', 'collectedAt', 'externalId', 'respondentKey'] as const;
function toCsv(rows: Record<string, unknown>[], columns: readonly string[] = COLUMNS): string {
  return [columns.join(','), ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(','))].join('\n') + '\n';
}
const toNdjson = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

/** Expected 差评核实 loops: every bad rating (level ≤ 2), with or without a comment (issue 10). */
const expectedFollowUps = (rows: GenRow[]) => rows.filter((r) => r.level <= 2).length;

function upload(who: Parameters<TestApp['as']>[0], query: string, payload: string | Buffer | Readable, contentType = 'text/csv') {
  return h.as(who, { method: 'POST', url: `/api/v1/rating-imports?${query}`, headers: { 'content-type': contentType }, payload });
}

const tenThousand = surveyRows(10_000, 'survey-2024');
const tenThousandCsv = toCsv(tenThousand as unknown as Record<string, unknown>[]);

t.test('a 10,000-row CSV survey file is imported in full', async (t) => {
  const res = await upload('admin', 'format=csv&source=survey-2024', Readable.from([Buffer.from(tenThousandCsv)]));
  t.equal(res.statusCode, 201, res.body);
  const job = res.json();
  t.match(job, { status: 'completed', format: 'csv', source: 'survey-2024', policy: 'partial', rowsRead: 10_000, accepted: 10_000, duplicates: 0, rejected: 0 });
  t.equal(job.followUpsOpened, expectedFollowUps(tenThousand));
  t.equal(res.headers.location, `/api/v1/rating-imports/${job.id}`);
  t.ok(job.finishedAt);

  const [stored] = await h.sql<{ n: number; hashed: number; bad: number }>(
    `select count(*)::int as n, count(respondent_hash)::int as hashed, count(*) filter (where level <= 2)::int as bad from ratings where import_id = $1`,
    [job.id],
  );
  t.same(stored, { n: 10_000, hashed: tenThousand.filter((r) => r.respondentKey).length, bad: tenThousand.filter((r) => r.level <= 2).length });
  const [{ raw }] = await h.sql<{ raw: number }>(`select count(*)::int as raw from ratings where respondent_hash like '1390000%'`);
  t.equal(raw, 0, 'no raw phone numbers');
  const [comment] = await h.sql<{ comment: string }>(`select comment from ratings where source = 'survey-2024' and external_id = 'survey-2024-7'`);
  t.equal(comment.comment, '意见 7, "引号" 与逗号', 'quoted CSV fields survive');

  const counts = await h.as('admin', { method: 'GET', url: `/api/v1/ratings/counts?unitId=${unitIds[0]}` });
  t.equal(counts.json().items[0].total, 2000);

  const audit = await h.as('admin', { method: 'GET', url: `/api/v1/audit-log?entityType=rating_import&entityId=${job.id}` });
  const entries = audit.json().items as { action: string; after: { accepted: number } }[];
  t.same(entries.map((e) => e.action), ['rating_import.batch_committed', 'rating_import.batch_committed', 'rating_import.completed'], 'one entry per committed batch of 5,000 and one for the import, not per row');
  t.equal(entries[0].after.accepted + entries[1].after.accepted, 10_000, 'the batch entries account for every committed row');
  const [{ perRow }] = await h.sql<{ perRow: number }>(`select count(*)::int as "perRow" from audit_log where entity_type = 'rating'`);
  t.equal(perRow, 0);

  const got = await h.as('admin', { method: 'GET', url: `/api/v1/rating-imports/${job.id}` });
  t.same(got.json(), job);
  const g = await gql(h, 'admin', `query($id: ID!) { ratingImport(id: $id) { id status rowsRead accepted duplicates rejected followUpsOpened } }`, { id: job.id });
  t.same(g.data!.ratingImport, { id: job.id, status: 'completed', rowsRead: 10_000, accepted: 10_000, duplicates: 0, rejected: 0, followUpsOpened: job.followUpsOpened });
});

t.test('re-importing the same file stores nothing twice: every row is a duplicate', async (t) => {
  const res = await upload(integration, 'format=csv&source=survey-2024', tenThousandCsv);
  t.equal(res.statusCode, 201, res.body);
  t.match(res.json(), { status: 'completed', rowsRead: 10_000, accepted: 0, duplicates: 10_000, rejected: 0, followUpsOpened: 0 });
  const [{ n }] = await h.sql<{ n: number }>(`select count(*)::int as n from ratings where source = 'survey-2024'`);
  t.equal(n, 10_000);
});

t.test('an NDJSON file is imported', async (t) => {
  const rows = surveyRows(2_000, 'nd');
  const res = await upload(integration, 'format=ndjson&source=sms-survey', toNdjson(rows.map((r, i) => (i === 5 ? { ...r, level: String(r.level) } : r))), 'application/x-ndjson');
  t.equal(res.statusCode, 201, res.body);
  t.match(res.json(), { status: 'completed', format: 'ndjson', rowsRead: 2_000, accepted: 2_000, rejected: 0, createdBy: 'survey-office' });
});

/** 10 rows on lines 2–11 (the header is line 1), 8 of them bad in different ways. */
function fileWithBadRows(prefix: string): { csv: string; good: number } {
  const rows: Record<string, unknown>[] = surveyRows(10, prefix) as unknown as Record<string, unknown>[];
  rows[1].level = 9; // line 3
  rows[2].unitId = '0190a6f0-0000-7000-8000-000000000000'; // line 4: unknown unit
  rows[3].channel = 'carrier_pigeon'; // line 5
  rows[4].externalId = ''; // line 6
  rows[5].collectedAt = 'yesterday'; // line 7
  rows[6].cycleId = '0190a6f0-0000-7000-8000-000000000001'; // line 8: unknown cycle
  rows[6].respondentKey = '13911112222';
  rows[1].respondentKey = '13933334444';
  const lines = toCsv(rows, [...COLUMNS, 'cycleId']).split('\n');
  lines[9] = `${unitIds[0]},portal,"5"x,,2024-06-01T10:00:00+08:00,${prefix}-8,,`; // line 10: a stray quote makes a bad level
  lines[10] = `${unitIds[0]},portal,5,"never closed,2024-06-01T10:00:00+08:00,${prefix}-9,,`; // line 11: unreadable CSV
  return { csv: lines.join('\n'), good: 2 };
}

t.test('with the partial policy, valid rows are committed and bad rows are reported by line and field', async (t) => {
  const { csv, good } = fileWithBadRows('bad-partial');
  const res = await upload('admin', 'format=csv&source=bad-file&policy=partial', csv);
  t.equal(res.statusCode, 201, res.body);
  const job = res.json();
  t.match(job, { status: 'completed', policy: 'partial', rejected: 8, accepted: good });
  t.equal(job.rowsRead, job.accepted + job.rejected);
  const [{ n }] = await h.sql<{ n: number }>(`select count(*)::int as n from ratings where import_id = $1`, [job.id]);
  t.equal(n, good);

  const errors = await h.as('admin', { method: 'GET', url: `/api/v1/rating-imports/${job.id}/errors` });
  t.equal(errors.statusCode, 200);
  t.match(errors.headers['content-type'], /^text\/csv; charset=utf-8/);
  t.ok(errors.body.startsWith('\uFEFFrowNumber,field,code,message,raw\r\n'), 'UTF-8 with BOM, header row');
  const report = parse(errors.body, { bom: true, columns: true }) as { rowNumber: string; field: string; code: string; message: string; raw: string }[];
  const byLine = Object.fromEntries(report.map((e) => [e.rowNumber, e.field]));
  t.same(byLine, { 3: 'level', 4: 'unitId', 5: 'channel', 6: 'externalId', 7: 'collectedAt', 8: 'cycleId', 10: 'level', 11: 'row' });
  t.same(
    Object.fromEntries(report.map((e) => [e.rowNumber, e.code])),
    { 3: 'too_big', 4: 'unknown_unit', 5: 'invalid_value', 6: 'required', 7: 'invalid_format', 8: 'unknown_cycle', 10: 'invalid_type', 11: 'unreadable_row' },
    'each row error names its code',
  );
  t.notOk(errors.body.includes('13911112222') || errors.body.includes('13933334444'), 'raw rows in the report carry no respondent key');
  t.match(report.find((e) => e.rowNumber === '3')!.raw, /"level":"9"/);
  const [{ stored }] = await h.sql<{ stored: number }>(`select count(*)::int as stored from rating_import_errors where raw like '%1393333%' or raw like '%1391111%'`);
  t.equal(stored, 0);
});

t.test('with all_or_nothing, one bad row commits nothing and the job fails with the full report', async (t) => {
  const { csv } = fileWithBadRows('bad-aon');
  const res = await upload('admin', 'format=csv&source=bad-file-aon&policy=all_or_nothing', csv);
  t.equal(res.statusCode, 201, res.body);
  const job = res.json();
  t.match(job, { status: 'failed', policy: 'all_or_nothing', rejected: 8, accepted: 0, failureReason: /nothing committed/ });
  const [{ n }] = await h.sql<{ n: number }>(`select count(*)::int as n from ratings where source = 'bad-file-aon'`);
  t.equal(n, 0);
  const errors = await h.as('admin', { method: 'GET', url: `/api/v1/rating-imports/${job.id}/errors` });
  t.equal(errors.body.trim().split('\n').length, 9, 'header + 8 errors');
  const audit = await h.as('admin', { method: 'GET', url: `/api/v1/audit-log?entityType=rating_import&entityId=${job.id}` });
  t.same(audit.json().items.map((e: { action: string }) => e.action), ['rating_import.failed']);
});

t.test('with all_or_nothing, a clean file commits every row, opening its follow-ups', async (t) => {
  const rows = surveyRows(6_000, 'aon-ok');
  const res = await upload('admin', 'format=csv&source=aon-ok&policy=all_or_nothing', toCsv(rows as unknown as Record<string, unknown>[]));
  t.match(res.json(), { status: 'completed', accepted: 6_000, rejected: 0, followUpsOpened: expectedFollowUps(rows) });
  const [{ n }] = await h.sql<{ n: number }>(
    `select count(*)::int as n from rating_follow_ups f join ratings r on r.id = f.rating_id where r.source = 'aon-ok' and f.state = 'open' and f.verify_by is not null`,
  );
  t.equal(n, expectedFollowUps(rows));
});

t.test('a file without the required columns fails as a whole', async (t) => {
  const res = await upload('admin', 'format=csv&source=no-header', 'unit,grade\nx,1\n');
  t.equal(res.statusCode, 201, res.body);
  t.match(res.json(), { status: 'failed', rowsRead: 0, failureReason: /missing column\(s\) channel, level, collectedAt, externalId/ });
  const errors = await h.as('admin', { method: 'GET', url: `/api/v1/rating-imports/${res.json().id}/errors` });
  t.match(errors.body, /\n1,header,missing_columns,/);
});

t.test('progress is visible from another request while the upload runs', async (t) => {
  const rows = surveyRows(7_000, 'slow');
  const text = toCsv(rows as unknown as Record<string, unknown>[]);
  const cut = text.indexOf('\n', Math.floor(text.length * 0.9)) + 1;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const body = Readable.from(
    (async function* () {
      yield Buffer.from(text.slice(0, cut));
      await gate;
      yield Buffer.from(text.slice(cut));
    })(),
  );
  const pending = upload(integration, 'format=csv&source=slow-upload', body);
  let running: { id: string; status: string; rowsRead: number; accepted: number } | undefined;
  for (let i = 0; i < 200 && !running?.rowsRead; i++) {
    await new Promise((r) => setTimeout(r, 25));
    const list = await h.as(integration, { method: 'GET', url: '/api/v1/rating-imports?status=processing' });
    running = list.json().items.find((j: { source: string }) => j.source === 'slow-upload');
  }
  t.ok(running, 'the job is listed while processing');
  t.equal(running!.status, 'processing');
  t.ok(running!.rowsRead >= 5_000 && running!.rowsRead < 7_000, `progress shows ${running!.rowsRead} rows read`);
  t.equal(running!.accepted, 5_000, 'the first batch is committed');
  release();
  const done = await pending;
  t.match(done.json(), { id: running!.id, status: 'completed', accepted: 7_000 });
});

t.test('who may import and read imports', async (t) => {
  const csv = toCsv(surveyRows(3, 'deny') as unknown as Record<string, unknown>[]);
  for (const who of ['inspector', { role: 'supervisor' as const, supervisorId: '0190a6f0-0000-7000-8000-0000000000aa' }, { role: 'department' as const, departmentId: w.departments.tax.id }, { role: 'unit' as const, unitId: unitIds[0] }] as const) {
    t.equal((await upload(who, 'format=csv&source=deny', csv)).statusCode, 403, JSON.stringify(who));
  }
  t.equal((await upload('anonymous', 'format=csv&source=deny', csv)).statusCode, 401);
  const mine = (await upload(integration, 'format=csv&source=deny', csv)).json();
  const other = { role: 'integration' as const, subject: 'another-system' };
  t.equal((await h.as(other, { method: 'GET', url: `/api/v1/rating-imports/${mine.id}` })).statusCode, 404, "another integration's job is not found");
  t.equal((await h.as(other, { method: 'GET', url: `/api/v1/rating-imports/${mine.id}/errors` })).statusCode, 404);
  t.notOk((await h.as(other, { method: 'GET', url: '/api/v1/rating-imports' })).json().items.some((j: { id: string }) => j.id === mine.id));
  t.equal((await h.as('admin', { method: 'GET', url: `/api/v1/rating-imports/${mine.id}` })).statusCode, 200);
  t.equal((await h.as('inspector', { method: 'GET', url: `/api/v1/rating-imports/${mine.id}` })).statusCode, 403);
});

t.test('the upload must be a CSV or NDJSON body with a format and a source', async (t) => {
  const json = await h.as('admin', { method: 'POST', url: '/api/v1/rating-imports?format=csv&source=x', payload: { rows: [] } });
  t.equal(json.statusCode, 415);
  const noFormat = await upload('admin', 'source=x', 'a\n');
  t.equal(noFormat.statusCode, 400);
  t.equal(noFormat.json().errors[0].field, 'querystring.format');
  const badSource = await upload('admin', 'format=csv&source=Bad%20Source', 'a\n');
  t.equal(badSource.statusCode, 400);
  t.equal(badSource.json().errors[0].field, 'querystring.source');
});

t.test('an upload over the size limit is cut off with 413', async (t) => {
  const limited = Readable.from([Buffer.alloc(6), Buffer.alloc(6)]).pipe(byteLimit(10));
  const err = await new Promise<{ status?: number; code?: string }>((resolve) => {
    limited.on('error', resolve);
    limited.resume();
  });
  t.match(err, { status: 413, code: 'payload_too_large' });
});

t.test('the error report keeps only the columns the import knows: extra personal columns in a file are never stored', async (t) => {
  const rows = [{ unitId: unitIds[0], channel: 'questionnaire', level: 9, collectedAt: '2024-06-01T10:00:00+08:00', externalId: 'extra-1', name: '王小明', phone: '13812345678', respondentKey: '13912345678' }];
  const res = await upload('admin', 'format=ndjson&source=extra-columns', toNdjson(rows), 'application/x-ndjson');
  t.equal(res.json().rejected, 1);
  const errors = await h.as('admin', { method: 'GET', url: `/api/v1/rating-imports/${res.json().id}/errors` });
  t.match(errors.body, /""level"":9/, "the known columns are kept");
  for (const secret of ['王小明', '13812345678', '13912345678']) t.notOk(errors.body.includes(secret), `no ${secret}`);
  const [{ n }] = await h.sql<{ n: number }>(`select count(*)::int as n from rating_import_errors where raw like '%1381234%' or raw like '%王小明%'`);
  t.equal(n, 0);
});

t.test('the row error codes are listed with their labels, for anyone', async (t) => {
  const res = await h.as('anonymous', { method: 'GET', url: '/api/v1/import-row-error-codes' });
  t.equal(res.statusCode, 200, res.body);
  const items = res.json().items as { code: string; label: { zhCN: string; en: string } }[];
  t.ok(items.length >= 10);
  t.match(items.find((i) => i.code === 'duplicate_in_file'), { label: { zhCN: '文件内重复', en: /earlier row/ } });
  t.ok(items.every((i) => /^[a-z]+(_[a-z]+)*$/.test(i.code) && i.label.zhCN && i.label.en), 'snake_case codes, each labelled in zh-CN and en');
});
