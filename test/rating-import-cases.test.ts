import t from 'tap';
import { parse } from 'csv-parse/sync';
import { systemContext } from '../src/lib/principal.js';
import { referenceWorld } from './fixtures.js';
import { setup } from './helper.js';
import { untilBlocked } from './lock-wait.js';

// POST /rating-imports rows with a case (一事一评) and a subject (万人评机关, 领导班子): the single rating's rules, per row.
const h = await setup(t);
const w = await referenceWorld(h);
const s = h.app.services;
const ctx = systemContext('test');
const { forestStation, forestPolice } = w.units;
const { forestry } = w.departments;
const integration = { role: 'integration' as const, subject: 'survey-office' };

const item = await s.serviceItems.create(ctx, { departmentId: forestry.id, code: 'LY-IMP', name: '林木采伐许可证核发', promisedDays: 5, modes: ['time_limited'] });
await s.serviceItems.setUnits(ctx, item.id, [forestStation.id, forestPolice.id]);
let n = 0;
const caseOf = async (unitId: string) => (await s.cases.create(ctx, { source: 'zwfw_imp', caseNumber: `IMP-${++n}`, itemId: item.id, unitId, receivedAt: new Date(Date.now() - 86_400_000).toISOString() })).id;
const [c1, c2, c3, cRated, cDefault, cTwice] = [await caseOf(forestStation.id), await caseOf(forestStation.id), await caseOf(forestPolice.id), await caseOf(forestStation.id), await caseOf(forestStation.id), await caseOf(forestStation.id)];
// cRated has its rating already; cDefault only its default rating (默认评价), which an imported one replaces.
await h.as('integration', { method: 'POST', url: '/api/v1/ratings', payload: { unitId: forestStation.id, caseId: cRated, channel: 'hotline', level: 5, source: 'hotline', externalId: 'r-1' } });
await h.sql(
  `insert into ratings (id, unit_id, channel, level, collected_at, source, submitted_by, case_id, is_default) values (gen_random_uuid(), $1, 'window_device', 4, now(), 'system:default-rating', 'system', $2, true)`,
  [forestStation.id, cDefault],
);

const at = '2024-06-01T10:00:00+08:00';
const upload = (query: string, body: string, type = 'application/x-ndjson') =>
  h.as(integration, { method: 'POST', url: `/api/v1/rating-imports?${query}`, headers: { 'content-type': type }, payload: body });
const errorsOf = async (id: string) =>
  (parse((await h.as('admin', { method: 'GET', url: `/api/v1/rating-imports/${id}/errors` })).body, { bom: true, columns: true }) as { rowNumber: string; field: string; code: string; message: string }[]).map((e) => ({
    ...e,
    rowNumber: Number(e.rowNumber),
  }));

t.test('rows carry a case and a subject under the single rating rules, each refusal reported per row', async (t) => {
  const rows = [
    { unitId: forestStation.id, caseId: c1, channel: 'questionnaire', level: 5, collectedAt: at, externalId: 'ok-case' },
    { unitId: forestStation.id, caseId: c3, channel: 'questionnaire', level: 4, collectedAt: at, externalId: 'other-unit' },
    { unitId: forestStation.id, caseId: '01a23000-0000-7000-8000-000000000000', channel: 'questionnaire', level: 4, collectedAt: at, externalId: 'unknown-case' },
    { unitId: forestStation.id, caseId: cRated, channel: 'questionnaire', level: 4, collectedAt: at, externalId: 'rated-case' },
    { unitId: forestStation.id, caseId: cDefault, channel: 'questionnaire', level: 3, collectedAt: at, externalId: 'replaces-default' },
    { unitId: forestStation.id, caseId: cTwice, channel: 'questionnaire', level: 5, collectedAt: at, externalId: 'twice-1' },
    { unitId: forestStation.id, caseId: cTwice, channel: 'questionnaire', level: 5, collectedAt: at, externalId: 'twice-2' },
    { subjectKind: 'leadership', departmentId: forestry.id, channel: 'face_to_face_review', level: 1, collectedAt: at, externalId: 'leadership-bad' },
    { subjectKind: 'department', departmentId: forestry.id, channel: 'ten_thousand_review', level: 4, collectedAt: at, externalId: 'department-good' },
    { subjectKind: 'department', departmentId: forestry.id, unitId: forestStation.id, channel: 'ten_thousand_review', level: 4, collectedAt: at, externalId: 'both' },
    { subjectKind: 'leadership', channel: 'ten_thousand_review', level: 4, collectedAt: at, externalId: 'no-department' },
    { subjectKind: 'department', departmentId: forestry.id, caseId: c2, channel: 'ten_thousand_review', level: 4, collectedAt: at, externalId: 'department-case' },
    { departmentId: forestry.id, unitId: forestStation.id, channel: 'questionnaire', level: 4, collectedAt: at, externalId: 'unit-with-department' },
    { subjectKind: 'department', departmentId: '01a23000-0000-7000-8000-000000000001', channel: 'ten_thousand_review', level: 4, collectedAt: at, externalId: 'unknown-department' },
  ];
  const res = await upload('format=ndjson&source=campaign-1&policy=partial', rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  t.equal(res.statusCode, 201, res.body);
  const job = res.json();
  t.match(job, { status: 'completed', rowsRead: 14, accepted: 5, rejected: 9, followUpsOpened: 1 });
  const errors = await errorsOf(job.id);
  const byRow = new Map(errors.map((e) => [e.rowNumber, e]));
  t.match(byRow.get(2), { field: 'caseId', code: 'case_of_another_unit', message: /another unit/ });
  t.match(byRow.get(3), { field: 'caseId', code: 'unknown_case', message: /does not exist/ });
  t.match(byRow.get(4), { field: 'caseId', code: 'case_already_rated', message: /already has its rating/ });
  t.match(byRow.get(7), { field: 'caseId', code: 'duplicate_in_file', message: /earlier row/ });
  t.match(byRow.get(10), { field: 'unitId' });
  t.match(byRow.get(11), { field: 'departmentId' });
  t.match(byRow.get(12), { field: 'caseId', code: 'not_applicable', message: /has no case/ });
  t.match(byRow.get(13), { field: 'departmentId' });
  t.match(byRow.get(14), { field: 'departmentId', code: 'unknown_department', message: /does not exist/ });

  const [ok] = await h.sql<{ case_id: string; subject_kind: string }>(`select case_id, subject_kind from ratings where source = 'campaign-1' and external_id = 'ok-case'`);
  t.same(ok, { case_id: c1, subject_kind: 'unit' });
  const ofDefault = await h.sql<{ is_default: boolean; level: number }>('select is_default, level from ratings where case_id = $1', [cDefault]);
  t.same(ofDefault, [{ is_default: false, level: 3 }], 'the imported rating replaced the default');
  const [replaced] = await h.sql<{ n: string }>(`select count(*) as n from audit_log where action = 'rating.default_replaced'`);
  t.equal(Number(replaced.n), 1, 'audited');
  const [lead] = await h.sql<{ unit_id: string | null; department_id: string; subject_kind: string; f_department: string }>(
    `select r.unit_id, r.department_id, r.subject_kind, f.department_id as f_department from ratings r join rating_follow_ups f on f.rating_id = r.id where r.external_id = 'leadership-bad'`,
  );
  t.same(lead, { unit_id: null, department_id: forestry.id, subject_kind: 'leadership', f_department: forestry.id }, "the bad leadership rating opens the department's loop");

  const again = await upload('format=ndjson&source=campaign-1&policy=partial', rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  t.match(again.json(), { accepted: 0, duplicates: 5, rejected: 9 }, 're-importing the file: the accepted rows are duplicates, not second ratings of their cases');
});

t.test('a CSV file carries the same columns; a file of department ratings needs no unitId column', async (t) => {
  const csv = `subjectKind,departmentId,channel,level,collectedAt,externalId\ndepartment,${forestry.id},ten_thousand_review,5,${at},csv-1\n`;
  const res = await upload('format=csv&source=campaign-2', csv, 'text/csv');
  t.equal(res.statusCode, 201, res.body);
  t.match(res.json(), { accepted: 1, rejected: 0 });
  const withCase = `unitId,caseId,channel,level,collectedAt,externalId\n${forestStation.id},${c2},questionnaire,4,${at},csv-2\n${forestStation.id},${c2},questionnaire,4,${at},csv-3\n`;
  const r2 = await upload('format=csv&source=campaign-2', withCase, 'text/csv');
  t.match(r2.json(), { accepted: 1, rejected: 1 });
});

t.test('a case rated by another writer while the import runs: a row error under partial, a failed job with nothing committed under all_or_nothing', async (t) => {
  for (const policy of ['partial', 'all_or_nothing'] as const) {
    const raced = await caseOf(forestStation.id);
    const source = `race-${policy}`;
    const rows = [
      { unitId: forestStation.id, caseId: raced, channel: 'questionnaire', level: 5, collectedAt: at, externalId: 'raced' }, // NDJSON row 1
      { unitId: forestStation.id, channel: 'questionnaire', level: 4, collectedAt: at, externalId: 'beside' },
    ];
    const client = await h.database.pool!.connect();
    try {
      // The other writer (a single rating of the case) has stored its rating but not committed: the batch's check sees none.
      await client.query('begin');
      await client.query(
        `insert into ratings (id, unit_id, channel, level, collected_at, source, submitted_by, case_id) values (gen_random_uuid(), $1, 'hotline', 3, now(), 'hotline', 'other-writer', $2)`,
        [forestStation.id, raced],
      );
      const pending = upload(`format=ndjson&source=${source}&policy=${policy}`, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
      // The merge waits on the other writer's uncommitted case key: let that writer commit only then.
      await untilBlocked(h, 'insert into ratings (');
      await client.query('commit');
      const res = await pending;
      t.equal(res.statusCode, 201, res.body);
      const errors = await errorsOf(res.json().id);
      t.match(errors, [{ rowNumber: 1, field: 'caseId', message: /already has its rating/ }], `${policy}: the raced row is a row error`);
      const stored = await h.sql<{ external_id: string }>('select external_id from ratings where source = $1 order by external_id', [source]);
      if (policy === 'partial') {
        t.match(res.json(), { status: 'completed', accepted: 1, rejected: 1, duplicates: 0 });
        t.same(stored.map((r) => r.external_id), ['beside'], 'the rest of the batch is committed');
      } else {
        t.match(res.json(), { status: 'failed', accepted: 0, rejected: 1 });
        t.same(stored, [], 'nothing committed');
      }
      const ofCase = await h.sql<{ submitted_by: string }>('select submitted_by from ratings where case_id = $1', [raced]);
      t.same(ofCase, [{ submitted_by: 'other-writer' }], 'the case keeps its one rating (一事一评)');
    } finally {
      client.release();
    }
  }
});
