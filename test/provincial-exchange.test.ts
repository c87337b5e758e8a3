import t from 'tap';
import { usccCheckChar } from '../src/lib/official-codes.js';
import { systemContext } from '../src/lib/principal.js';
import { referenceWorld } from './fixtures.js';
import { setup } from './helper.js';
import type { TestApp } from './helper.js';

const api = (p: string) => `/api/v1${p}`;
const uscc = (n: number) => {
  const first17 = `91420000MA${String(n).padStart(7, '0')}`;
  return first17 + usccCheckChar(first17);
};
const office = { role: 'integration' as const, subject: 'province-hcp', scope: 'ratings:read ratings:write cases:read cases:write' };

/** The reference world with official codes, a service item offered by two units: the same codes in every database. */
async function world(h: TestApp) {
  const w = await referenceWorld(h);
  const { forestStation, forestPolice, taxHallA } = w.units;
  await h.sql(`update units set org_code = $2 where id = $1`, [forestStation.id, uscc(1)]);
  await h.sql(`update units set org_code = $2 where id = $1`, [forestPolice.id, uscc(2)]);
  await h.sql(`update units set org_code = $2 where id = $1`, [taxHallA.id, uscc(3)]);
  await h.sql(`update departments set org_code = $2 where id = $1`, [w.departments.forestry.id, uscc(10)]);
  await h.sql(`update departments set org_code = $2 where id = $1`, [w.departments.tax.id, uscc(11)]);
  await h.sql(`update regions set division_code = v.code from (values ($1::uuid, '422800'), ($2::uuid, '422802')) v(id, code) where regions.id = v.id`, [w.regions.prefecture.id, w.regions.countyA.id]);
  const [item] = await h.sql<{ id: string }>(
    `insert into service_items (id, department_id, code, name, promised_days) values (gen_random_uuid(), $1, '11422800MB0000001X4420117001', '林木采伐许可', 5) returning id`,
    [w.departments.forestry.id],
  );
  await h.sql(`insert into unit_service_items (unit_id, item_id) values ($1, $3), ($2, $3)`, [forestStation.id, forestPolice.id, item.id]);
  return { ...w, itemId: item.id };
}

const h: TestApp = await setup(t);
const w = await world(h);
const ctx = systemContext('test');
const s = h.app.services;

// Cases through the ordinary case import; ratings through the ordinary intake.
const cases = [
  { caseNumber: 'BJ-001', itemId: w.itemId, unitId: w.units.forestStation.id, state: 'completed', receivedAt: '2026-03-02T01:00:00Z', acceptedAt: '2026-03-02T02:00:00Z', closedAt: '2026-03-03T08:30:00Z' },
  { caseNumber: 'BJ-002', itemId: w.itemId, unitId: w.units.forestPolice.id, state: 'returned', receivedAt: '2026-03-04T03:00:00Z', closedAt: '2026-03-04T05:00:00Z', reason: '材料不全' },
  { caseNumber: 'BJ-003', itemId: w.itemId, unitId: w.units.forestPolice.id, state: 'received', receivedAt: '2026-03-05T06:15:00Z' },
];
const ci = await h.as('admin', { method: 'POST', url: api('/case-imports?format=ndjson&source=province-hcp'), headers: { 'content-type': 'application/x-ndjson' }, payload: cases.map((c) => JSON.stringify(c)).join('\n') });
if (ci.statusCode !== 201 || ci.json().accepted !== 3) throw new Error(ci.body);
const [bj1] = await h.sql<{ id: string }>(`select id from cases where case_number = 'BJ-001'`);

const rate = (input: Record<string, unknown>) => s.ratings.submit({ ...ctx, principal: { role: 'integration', subject: 'province-hcp' } } as typeof ctx, { source: 'province-hcp', channel: 'window_device', level: 5, ...input } as never);
await rate({ externalId: 'PJ-0001', unitId: w.units.forestStation.id, level: 5, collectedAt: '2026-03-03T09:00:00Z', respondentKey: '13800000001', comment: '办事快, "很好"' });
await rate({ externalId: 'PJ-0002', unitId: w.units.forestPolice.id, channel: 'hotline', level: 2, collectedAt: '2026-03-04T16:30:05Z', respondentKey: '13800000002' });
await rate({ externalId: 'PJ-0003', unitId: w.units.taxHallA.id, channel: 'kiosk', level: 4, collectedAt: '2026-03-05T00:00:00Z' });
await rate({ externalId: 'PJ-0004', unitId: w.units.forestStation.id, channel: 'app', level: 3, collectedAt: '2026-03-06T10:00:00Z', caseId: bj1.id });
await rate({ externalId: 'PJ-0005', subject: { kind: 'leadership', departmentId: w.departments.forestry.id }, channel: 'tv_inquiry', level: 4, collectedAt: '2026-03-07T10:00:00Z' });
await rate({ externalId: 'PJ-0006', subject: { kind: 'department', departmentId: w.departments.tax.id }, channel: 'ten_thousand_review', level: 3, collectedAt: '2026-03-08T10:00:00Z' });

const lines = (body: string) => body.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
const cells = (line: string) => line.split(',');
const exportRatings = (app: TestApp, q = '') => app.as(office, { method: 'GET', url: api(`/exchange/provincial/ratings${q}`) });
const exportCases = (app: TestApp, q = '') => app.as(office, { method: 'GET', url: api(`/exchange/provincial/cases${q}`) });

t.test('ratings export in the provincial layout: Chinese field names, codes, channel and level names, local times', async (t) => {
  const res = await exportRatings(h);
  t.equal(res.statusCode, 200, res.body);
  t.match(res.headers['content-type'], /^text\/csv/);
  const [header, ...rows] = lines(res.body);
  t.equal(header, '评价编号,办件编号,事项编码,评价对象类型,部门编码,实施机构编码,行政区划代码,评价渠道,评价等级,评价等级名称,评价时间,评价人标识,评价内容,差评整改状态');
  t.equal(rows.length, 6);
  t.match(rows[0], new RegExp(`^PJ-0001,,,窗口,${uscc(10)},${uscc(1)},,评价器,5,非常满意,2026-03-03 17:00:00,[0-9a-f]{64},"办事快, ""很好""",$`), 'Asia/Shanghai wall time, hashed rater, quoted comment');
  t.match(rows[1], new RegExp(`^PJ-0002,,,窗口,${uscc(10)},${uscc(2)},422802,12345,2,不满意,2026-03-05 00:30:05,[0-9a-f]{64},,待核实$`), 'a bad rating carries its 差评整改 status');
  t.match(rows[3], new RegExp(`^PJ-0004,BJ-001,11422800MB0000001X4420117001,窗口,`), '一事一评: the case and its item code');
  t.match(rows[4], new RegExp(`^PJ-0005,,,领导班子,${uscc(10)},,422800,电视问政,4,满意,`), 'a leadership rating names its department');
  t.match(rows[5], new RegExp(`^PJ-0006,,,部门,${uscc(11)},,422800,万人评机关,3,基本满意,`), 'a department rating too');
  const nd = await exportRatings(h, '?format=ndjson&departmentId=' + w.departments.tax.id);
  t.equal(nd.statusCode, 200);
  const objs = nd.body.trim().split('\n').map((l) => JSON.parse(l));
  t.same(objs.map((o) => o['评价编号']), ['PJ-0003', 'PJ-0006'], "filtered by department: its units' ratings and its own");
  const win = await exportRatings(h, '?from=2026-03-04T00:00:00Z&to=2026-03-06T00:00:00Z');
  t.same(lines(win.body).slice(1).map((l) => cells(l)[0]), ['PJ-0002', 'PJ-0003'], 'filtered by window');
  const region = await exportRatings(h, `?regionId=${w.regions.countyA.id}`);
  t.same(lines(region.body).slice(1).map((l) => cells(l)[0]), ['PJ-0001', 'PJ-0002', 'PJ-0003', 'PJ-0004'], 'filtered by region and the regions below it (a township of the county)');
});

t.test('cases export in the provincial layout with state names, promised days and the rating of the case', async (t) => {
  const res = await exportCases(h);
  t.equal(res.statusCode, 200, res.body);
  const [header, ...rows] = lines(res.body);
  t.equal(header, '办件编号,事项编码,部门编码,实施机构编码,行政区划代码,办件状态,收件时间,受理时间,办结时间,承诺时限,是否按时办结,退回或不予受理原因,首问负责人标识,评价等级,差评整改状态');
  t.equal(rows[0], `BJ-001,11422800MB0000001X4420117001,${uscc(10)},${uscc(1)},,已办结,2026-03-02 09:00:00,2026-03-02 10:00:00,2026-03-03 16:30:00,5,是,,,3,`);
  t.equal(rows[1], `BJ-002,11422800MB0000001X4420117001,${uscc(10)},${uscc(2)},422802,退回补正,2026-03-04 11:00:00,,2026-03-04 13:00:00,5,,材料不全,,,`);
});

t.test('roles: admin and integrations with the scopes; nobody else', async (t) => {
  t.equal((await h.as('admin', { method: 'GET', url: api('/exchange/provincial/ratings') })).statusCode, 200);
  t.equal((await h.as('inspector', { method: 'GET', url: api('/exchange/provincial/ratings') })).statusCode, 403);
  t.equal((await h.as('anonymous', { method: 'GET', url: api('/exchange/provincial/cases') })).statusCode, 401);
  const readOnly = { role: 'integration' as const, subject: 'reader', scope: 'ratings:read' };
  t.equal((await h.as(readOnly, { method: 'GET', url: api('/exchange/provincial/ratings') })).statusCode, 200);
  t.equal((await h.as(readOnly, { method: 'GET', url: api('/exchange/provincial/cases') })).statusCode, 403, 'cases:read is needed');
  const post = await h.as(readOnly, { method: 'POST', url: api('/exchange/provincial/ratings?source=x'), headers: { 'content-type': 'text/csv' }, payload: '评价编号\n' });
  t.equal(post.statusCode, 403, 'ratings:write is needed');
});

t.test('an import refuses bad rows per row, as the rating import does, and a bad header whole', async (t) => {
  const file = [
    '评价编号,办件编号,评价对象类型,部门编码,实施机构编码,评价渠道,评价等级,评价时间',
    `E-1,,,,${uscc(1)},二维码,5,2026-03-03 10:00:00`,
    `E-2,,,,${uscc(99)},评价器,5,2026-03-03 10:00:00`,
    `E-3,,,,${uscc(1)},飞鸽,5,2026-03-03 10:00:00`,
    `E-4,,,,${uscc(1)},评价器,9,2026-03-03 10:00:00`,
    `E-5,,,,${uscc(1)},评价器,4,2026-03-03 10:00:00`,
    `E-6,BJ-404,窗口,,${uscc(1)},评价器,4,2026-03-03 10:00:00`,
    `E-7,,部门,${uscc(98)},,万人评机关,4,2026-03-03 10:00:00`,
    `E-8,,机关,${uscc(10)},,万人评机关,4,2026-03-03 10:00:00`,
  ].join('\n');
  const res = await h.as('admin', { method: 'POST', url: api('/exchange/provincial/ratings?source=province-errors'), headers: { 'content-type': 'text/csv' }, payload: file });
  t.equal(res.statusCode, 201, res.body);
  t.match(res.json(), { accepted: 1, rejected: 7, rowsRead: 8 });
  const errors = await h.as('admin', { method: 'GET', url: api(`/rating-imports/${res.json().id}/errors`) });
  const byRow = lines(errors.body).slice(1).map((l) => cells(l).slice(0, 2).join(':'));
  t.same(byRow, ['2:channel', '3:unitId', '4:channel', '5:level', '7:caseId', '8:departmentId', '9:subjectKind'], 'row numbers are the provincial file\'s lines');
  t.match(errors.body, '未知办件编号 unknown case number BJ-404', 'the raw row shows the number that resolved to nothing');
  t.match(errors.body, `未知部门编码 unknown department code ${uscc(98)}`);
  const bad = await h.as('admin', { method: 'POST', url: api('/exchange/provincial/ratings?source=province-errors'), headers: { 'content-type': 'text/csv' }, payload: '编号,等级\nx,1\n' });
  t.equal(bad.statusCode, 422);
  t.match(bad.json().errors, [{ field: 'header' }]);
});

t.test('round trip: export → import into a fresh database → export gives the same files (modulo the documented fields)', async (t) => {
  const h2: TestApp = await setup(t);
  await world(h2);
  const ratingsFile = (await exportRatings(h)).body;
  const casesFile = (await exportCases(h)).body;

  const ic = await h2.as(office, { method: 'POST', url: api('/exchange/provincial/cases?source=province-hcp'), headers: { 'content-type': 'text/csv' }, payload: casesFile });
  t.equal(ic.statusCode, 201, ic.body);
  t.match(ic.json(), { accepted: 3, rejected: 0 });
  const ir = await h2.as(office, { method: 'POST', url: api('/exchange/provincial/ratings?source=province-hcp'), headers: { 'content-type': 'text/csv' }, payload: ratingsFile });
  t.equal(ir.statusCode, 201, ir.body);
  // Every row comes in: five unit ratings (PJ-0001…0004, one of them of case BJ-001, and E-5 of the error test), the
  // leadership rating PJ-0005 and the department rating PJ-0006.
  t.match(ir.json(), { rowsRead: 7, accepted: 7, rejected: 0, followUpsOpened: 1 });
  const [bound] = await h2.sql<{ case_number: string; level: number }>(`select c.case_number, r.level from ratings r join cases c on c.id = r.case_id where r.external_id = 'PJ-0004'`);
  t.same(bound, { case_number: 'BJ-001', level: 3 }, '一事一评: the rating is bound to its case again');
  const subjects = await h2.sql<{ external_id: string; subject_kind: string; department_id: string; unit_id: string | null }>(
    `select external_id, subject_kind, department_id, unit_id from ratings where external_id in ('PJ-0005', 'PJ-0006') order by external_id`,
  );
  t.same(subjects.map((r) => [r.external_id, r.subject_kind, r.unit_id]), [['PJ-0005', 'leadership', null], ['PJ-0006', 'department', null]]);

  // Documented: 评价人标识 is re-hashed on import, and so is a case's 首问负责人标识 (not carried); the rest comes back as it left.
  const mask = (file: string, columns: number[], skip: (c: string[]) => boolean = () => false) =>
    lines(file).filter((l, i) => i === 0 || !skip(cells(l))).map((l) => cells(l).map((c, i) => (columns.includes(i) ? '*' : c)).join(','));
  const again = (await exportRatings(h2)).body;
  t.same(mask(again, [11]), mask(ratingsFile, [11]));
  const casesAgain = (await exportCases(h2)).body;
  t.same(mask(casesAgain, [12]), mask(casesFile, [12]), "a case's 评价等级 comes back with the rating bound to it");

  const reimport = await h2.as(office, { method: 'POST', url: api('/exchange/provincial/ratings?source=province-hcp'), headers: { 'content-type': 'text/csv' }, payload: ratingsFile });
  t.match(reimport.json(), { accepted: 0, duplicates: 7 }, 'a re-import is recognised row by row');
});
