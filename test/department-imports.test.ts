import t from 'tap';
import { orgCodeCheckChar } from '../src/lib/official-codes.js';
import { referenceWorld } from './fixtures.js';
import { gql, setup } from './helper.js';
import { untilBlocked } from './lock-wait.js';

const h = await setup(t);
const w = await referenceWorld(h);
const { prefecture, countyA, countyB } = w.regions;
const { forestry, tax } = w.departments;
await h.sql(`update regions set division_code = '422802' where id = $1`, [countyA.id]);
await h.sql(`update regions set division_code = '422822' where id = $1`, [countyB.id]);

/** A valid 组织机构代码 (GB 11714) from 8 characters. */
const orgCode = (first8: string) => first8 + orgCodeCheckChar(first8);
/** The same code with a wrong check character. */
const badCode = (first8: string) => first8 + (orgCodeCheckChar(first8) === '0' ? '1' : '0');
const upload = (who: Parameters<typeof h.as>[0], query: string, body: string, type = 'text/csv') =>
  h.as(who, { method: 'POST', url: `/api/v1/department-imports?${query}`, headers: { 'content-type': type }, payload: body });
const csv = (rows: string[]) => ['id,version,orgCode,name,sector,level,regionId,regionDivisionCode,active', ...rows].join('\n');
const departmentsNamed = (name: string) =>
  h.sql<{ id: string; name: string; sector: string; org_code: string | null; version: number; region_id: string; active: boolean }>(
    `select id, name, sector, org_code, version, region_id, active from departments where name like $1 order by name`,
    [name],
  );
const errorsOf = async (id: string) => {
  const r = await h.as('admin', { method: 'GET', url: `/api/v1/department-imports/${id}/errors` });
  return r.body.replace(/^\uFEFF/, '').trim().split('\n').slice(1);
};

t.test('a department import creates departments, updates by id and by orgCode, audits each one and reports each bad row', async (t) => {
  const seededCode = orgCode('D0000001');
  const seeded = await h.as('admin', { method: 'POST', url: '/api/v1/departments', payload: { name: '导入-利川市民政局', sector: 'civil_affairs', level: 'county', regionId: countyA.id, orgCode: seededCode } });
  t.equal(seeded.statusCode, 201, seeded.body);
  const newCode = orgCode('D0000002');
  const file = csv([
    `,,,导入-利川市税务局,state_tax,county,${countyA.id},,`, // 2: created (region by id)
    `,,${newCode},导入-建始县林业局,forestry,county,,422822,`, // 3: created (region by 行政区划代码)
    `${forestry.id},1,,,forestry_and_grassland,,,,`, // 4: updated by id (sector only)
    `,,${seededCode},导入-利川市民政局（改名）,,,,,false`, // 5: updated by orgCode, renamed and deactivated
    `,,,导入-缺行业,,county,${countyA.id},,`, // 6: sector missing for a new department
    `,,,导入-级别不符,health,prefecture,${countyA.id},,`, // 7: a prefecture-level department in a county
    `,,,导入-无此区划,health,county,,429999,`, // 8: no region has the division code
    `00000000-0000-7000-8000-000000000000,,,导入-不存在,,,,,`, // 9: no such department
    `,,,州国税局,state_tax,prefecture,${prefecture.id},,`, // 10: the name is taken in the region
    `${tax.id},,,,,,${countyA.id},,`, // 11: a department does not move
    `,,${badCode('D0000009')},导入-坏代码,health,county,${countyA.id},,`, // 12: wrong check character
    `,,,导入-利川市税务局,state_tax,county,${countyA.id},,`, // 13: the same department twice in the file
    `,,,导入-新停用,health,county,${countyA.id},,false`, // 14: a new department is active
  ]);
  const r = await upload('admin', `format=csv&source=${encodeURIComponent('机构编制台账')}`, file);
  t.equal(r.statusCode, 201, r.body);
  t.match(r.json(), { status: 'completed', source: '机构编制台账', rowsRead: 13, accepted: 4, created: 2, updated: 2, rejected: 9 });
  t.equal(r.headers.location, `/api/v1/department-imports/${r.json().id}`);

  t.same((await departmentsNamed('导入-%')).map((d) => d.name), ['导入-利川市民政局（改名）', '导入-利川市税务局', '导入-建始县林业局']);
  const [renamed] = await departmentsNamed('导入-利川市民政局%');
  t.match(renamed, { id: seeded.json().id, version: 2, org_code: seededCode, active: false, sector: 'civil_affairs' }, 'matched by orgCode, only the given fields changed');
  const [byCode] = await departmentsNamed('导入-建始县林业局');
  t.match(byCode, { region_id: countyB.id, org_code: newCode });
  const got = await h.as('admin', { method: 'GET', url: `/api/v1/departments/${forestry.id}` });
  t.match(got.json(), { name: '州林业局', sector: 'forestry_and_grassland', version: 2 });

  const lines = await errorsOf(r.json().id);
  t.same(lines.map((l) => l.split(',').slice(0, 3).join(',')).sort(), ['10,name,name_taken', '11,regionId,immutable_field', '12,orgCode,invalid_value', '13,name,duplicate_in_file', '14,active,invalid_value', '6,sector,required', '7,level,invalid_value', '8,regionDivisionCode,unknown_region', '9,id,unknown_id'], 'each bad row by line, field and code');
  const text = lines.join('\n');
  t.match(text, /7,level,invalid_value,a prefecture-level department cannot sit in a county/, 'the single create\'s level rule');
  t.match(text, /10,name,name_taken,a department named 州国税局 already exists in this region/);
  t.match(text, /13,name,duplicate_in_file,the same department is already in row 2/);

  const audit = await h.sql<{ action: string; name: string }>(
    `select action, after->>'name' as name from audit_log where entity_type = 'department' and (after->>'name' like '导入-%' or (entity_id = $1 and action = 'department.updated')) order by action, name`,
    [forestry.id],
  );
  t.same(audit, [
    { action: 'department.created', name: '导入-利川市民政局' },
    { action: 'department.created', name: '导入-利川市税务局' },
    { action: 'department.created', name: '导入-建始县林业局' },
    { action: 'department.updated', name: '导入-利川市民政局（改名）' },
    { action: 'department.updated', name: '州林业局' },
  ], 'one entry per department created (the first by POST) and per department updated');
  const [jobAudit] = await h.sql<{ n: number }>(`select count(*)::int as n from audit_log where entity_type = 'department_import' and entity_id = $1`, [r.json().id]);
  t.ok(jobAudit.n >= 1, 'the job itself is audited');

  const stale = await upload('admin', 'format=csv', csv([`${forestry.id},1,,,health,,,,`]));
  t.match(stale.json(), { accepted: 0, rejected: 1 }, 'a row with an old version is rejected');
  const taken = await upload('admin', 'format=csv', csv([`${tax.id},,${newCode},,,,,,`]));
  t.match(taken.json(), { accepted: 0, rejected: 1 }, "an orgCode another department holds is rejected");
  t.match((await errorsOf(taken.json().id)).join('\n'), /2,orgCode,org_code_taken,a department with org code/);
});

t.test('all_or_nothing commits nothing when a row is rejected; NDJSON rows', async (t) => {
  const good = JSON.stringify({ name: '整批-利川市卫健局', nameEn: 'Lichuan Health Commission', sector: 'health', level: 'county', regionDivisionCode: '422802' });
  const bad = JSON.stringify({ name: '整批-坏', sector: 'Health', level: 'county', regionId: countyA.id });
  const failed = await upload('admin', 'format=ndjson&policy=all_or_nothing', `${good}\n${bad}\n`, 'application/x-ndjson');
  t.equal(failed.statusCode, 201, failed.body);
  t.match(failed.json(), { status: 'failed', policy: 'all_or_nothing', accepted: 0, rejected: 1, failureReason: /nothing committed/ });
  t.same(await departmentsNamed('整批-%'), []);
  t.match((await errorsOf(failed.json().id)).join('\n'), /^2,sector,invalid_format,/m);

  const partial = await upload('admin', 'format=ndjson', `${good}\n${bad}\n`, 'application/x-ndjson');
  t.match(partial.json(), { status: 'completed', policy: 'partial', accepted: 1, created: 1, rejected: 1 }, 'partial commits the good row');
  const [d] = await departmentsNamed('整批-%');
  t.match(d, { name: '整批-利川市卫健局', region_id: countyA.id });

  const again = await upload('admin', 'format=ndjson&policy=all_or_nothing', `${JSON.stringify({ id: d.id, version: d.version, sector: 'health_commission' })}\n`, 'application/x-ndjson');
  t.match(again.json(), { status: 'completed', accepted: 1, updated: 1, created: 0 });
  const status = await gql(h, 'admin', `query($id: ID!) { departmentImport(id: $id) { status updated accepted } }`, { id: again.json().id });
  t.same(status.data, { departmentImport: { status: 'completed', updated: 1, accepted: 1 } });
});

t.test('a bad upload is a problem naming the field', async (t) => {
  const json = await h.as('admin', { method: 'POST', url: '/api/v1/department-imports?format=csv', payload: { rows: [] } });
  t.equal(json.statusCode, 415);
  t.match(json.headers['content-type'], /application\/problem\+json/);
  const noFormat = await upload('admin', '', csv([]));
  t.equal(noFormat.statusCode, 400);
  t.equal(noFormat.json().errors[0].field, 'querystring.format');
  const badPolicy = await upload('admin', 'format=csv&policy=some', csv([]));
  t.equal(badPolicy.statusCode, 400);
  t.equal(badPolicy.json().errors[0].field, 'querystring.policy');
  const badLine = await upload('admin', 'format=ndjson', '{"name": "坏行\n', 'application/x-ndjson');
  t.match(badLine.json(), { status: 'completed', rowsRead: 1, rejected: 1, accepted: 0 }, 'an unreadable line is a row error');
});

t.test('only the prefecture office imports departments', async (t) => {
  const one = csv([`,,,拒绝-一,health,county,${countyA.id},,`]);
  t.equal((await upload('inspector', 'format=csv', one)).statusCode, 403);
  t.equal((await upload('integration', 'format=csv', one)).statusCode, 403);
  t.equal((await upload({ role: 'department', departmentId: forestry.id }, 'format=csv', one)).statusCode, 403);
  const county = await upload({ role: 'admin', subject: 'lichuan-office', regionId: countyA.id }, 'format=csv', one);
  t.equal(county.statusCode, 403, 'a county office is refused');
  t.match(county.json().detail, /prefecture office/);
  t.equal((await upload('anonymous', 'format=csv', one)).statusCode, 401);
  t.equal((await h.as('inspector', { method: 'GET', url: '/api/v1/department-imports' })).statusCode, 403);
  t.equal((await h.as({ role: 'admin', regionId: countyA.id }, { method: 'GET', url: '/api/v1/department-imports' })).statusCode, 403);
  const denied = await gql(h, 'inspector', `query { departmentImport(id: "00000000-0000-7000-8000-000000000000") { status } }`);
  t.ok(denied.errors?.length, 'the GraphQL twin refuses an inspector');
  t.same(await departmentsNamed('拒绝-%'), []);
  const list = await h.as('admin', { method: 'GET', url: '/api/v1/department-imports?status=completed' });
  t.equal(list.statusCode, 200);
  t.ok(list.json().items.length >= 1);
  t.ok(list.json().items.every((j: { status: string }) => j.status === 'completed'));
});

t.test('an org code another writer takes while the import runs is a row error, not a failed job', async (t) => {
  const code = orgCode('D0000003');
  const client = await h.database.pool!.connect();
  try {
    await client.query('begin');
    await client.query(`insert into departments (id, name, sector, level, region_id, org_code) values (gen_random_uuid(), '竞争-另一写入者', 'health', 'county', $1, $2)`, [countyB.id, code]);
    const pending = upload('admin', 'format=csv', csv([`,,${code},竞争-导入,health,county,${countyA.id},,`, `,,,竞争-旁行,health,county,${countyA.id},,`]));
    // The import's merge waits on the other writer's uncommitted key: let that writer commit only then.
    await untilBlocked(h, 'insert into departments');
    await client.query('commit');
    const r = await pending;
    t.equal(r.statusCode, 201, r.body);
    t.match(r.json(), { status: 'completed', accepted: 1, created: 1, rejected: 1 });
    t.match((await errorsOf(r.json().id)).join('\n'), new RegExp(`2,orgCode,org_code_taken,a department with org code ${code} already exists`));
    t.same((await departmentsNamed('竞争-%')).map((d) => d.name), ['竞争-另一写入者', '竞争-旁行']);
  } finally {
    client.release();
  }
});

t.test('the lease sweep fails a department import whose process stopped', async (t) => {
  const [job] = await h.sql<{ id: string }>(
    `insert into department_imports (id, format, source, policy, created_by, lease_expires_at) values (gen_random_uuid(), 'csv', 'dead', 'partial', 'x', now() - interval '1 hour') returning id`,
  );
  t.equal(await h.app.services.departmentImports.failOrphaned(), 1);
  const got = await h.as('admin', { method: 'GET', url: `/api/v1/department-imports/${job.id}` });
  t.match(got.json(), { status: 'failed', failureReason: /stopped/ });
});
