import t from 'tap';
import { referenceWorld } from './fixtures.js';
import { gql, setup } from './helper.js';
import { untilBlocked } from './lock-wait.js';

const h = await setup(t);
const w = await referenceWorld(h);
const { forestry, tax } = w.departments;
const { countyA, countyB } = w.regions;
const { forestPolice } = w.units;

const upload = (who: Parameters<typeof h.as>[0], query: string, body: string, type = 'text/csv') =>
  h.as(who, { method: 'POST', url: `/api/v1/unit-imports?${query}`, headers: { 'content-type': type }, payload: body });
const csv = (rows: string[]) => ['id,version,orgCode,departmentId,regionId,category,name,phone', ...rows].join('\n');
const unitsNamed = (name: string) => h.sql<{ id: string; name: string; phone: string | null; org_code: string | null; version: number; region_id: string }>(`select id, name, phone, org_code, version, region_id from units where name like $1 order by name`, [name]);

t.test('a unit import creates new units, updates by id and by orgCode, audits each unit and reports each bad row', async (t) => {
  const seeded = await h.as('admin', { method: 'POST', url: '/api/v1/units', payload: { name: '导入-已有窗口', departmentId: tax.id, regionId: countyB.id, category: 'public_service', orgCode: 'M00020001' } });
  t.equal(seeded.statusCode, 201, seeded.body);
  const file = csv([
    `,,,${forestry.id},${countyA.id},public_service,导入-新窗口一,0718-1`,
    `,,M00030007,${tax.id},${countyB.id},law_enforcement,导入-新窗口二,`,
    `${forestPolice.id},1,,,,,,0718-999`,
    `,,M00020001,,,,导入-已有窗口（改名）,`,
    `,,,${forestry.id},${countyA.id},public_service,,`,
    `00000000-0000-7000-8000-000000000000,,,,,,导入-不存在,`,
    `,,,${forestry.id},00000000-0000-7000-8000-000000000001,public_service,导入-无区域,`,
    `,,,${forestry.id},${countyA.id},not_a_category,导入-坏类别,`,
    `${forestPolice.id},,,,,,导入-重复,`,
  ]);
  const r = await upload('admin', 'format=csv', file);
  t.equal(r.statusCode, 201, r.body);
  t.match(r.json(), { status: 'completed', rowsRead: 9, accepted: 4, created: 2, updated: 2, rejected: 5 });
  t.same((await unitsNamed('导入-%')).map((u) => u.name), ['导入-已有窗口（改名）', '导入-新窗口一', '导入-新窗口二']);
  const [renamed] = await unitsNamed('导入-已有窗口%');
  t.match(renamed, { id: seeded.json().id, version: 2, org_code: 'M00020001', region_id: countyB.id }, 'matched by orgCode, only the given field changed');
  const police = (await h.as('admin', { method: 'GET', url: `/api/v1/units/${forestPolice.id}` })).json();
  t.match(police, { name: '利川森林派出所', phone: '0718-999', version: 2 });

  const errors = await h.as('admin', { method: 'GET', url: `/api/v1/unit-imports/${r.json().id}/errors` });
  t.equal(errors.statusCode, 200);
  const lines = errors.body.replace(/^\uFEFF/, '').trim().split('\n');
  t.equal(lines[0].trim(), 'rowNumber,field,code,message,raw', 'the code is a column of the error CSV');
  t.same(lines.slice(1).map((l) => l.split(',').slice(0, 3).join(',')).sort(), ['10,id,duplicate_in_file', '6,name,required', '7,id,unknown_id', '8,regionId,unknown_region', '9,category,invalid_value'], 'each bad row by line, field and code');
  t.match(errors.body, /already in row 4/);

  const audit = await h.sql<{ action: string; name: string }>(
    `select action, after->>'name' as name from audit_log where entity_type = 'unit' and (after->>'name' like '导入-%' or (entity_id = $1 and action = 'unit.updated')) order by action, name`,
    [forestPolice.id],
  );
  t.same(audit, [
    { action: 'unit.created', name: '导入-已有窗口' },
    { action: 'unit.created', name: '导入-新窗口一' },
    { action: 'unit.created', name: '导入-新窗口二' },
    { action: 'unit.updated', name: '利川森林派出所' },
    { action: 'unit.updated', name: '导入-已有窗口（改名）' },
  ], 'one entry per unit created (the first by POST) and per unit updated');

  const stale = await upload('admin', 'format=csv', csv([`${forestPolice.id},1,,,,,,0718-0`]));
  t.match(stale.json(), { accepted: 0, rejected: 1 }, 'a row with an old version is rejected');
  const taken = await upload('admin', 'format=csv', csv([`${forestPolice.id},,M00030007,,,,,`]));
  t.match(taken.json(), { accepted: 0, rejected: 1 }, 'an orgCode held by another unit is rejected');
});

t.test('departments and regions may be named by code', async (t) => {
  const r = await upload('admin', 'format=ndjson', [
    JSON.stringify({ departmentId: forestry.id, regionCode: 'C1', category: 'public_service', name: '代码-一' }),
    JSON.stringify({ departmentOrgCode: 'M00040002', regionCode: 'C1', category: 'public_service', name: '代码-二' }),
    JSON.stringify({ departmentId: forestry.id, regionCode: 'NOPE', category: 'public_service', name: '代码-三' }),
    JSON.stringify({ departmentId: forestry.id, regionCode: 'C2', regionId: countyA.id, category: 'public_service', name: '代码-四' }),
  ].join('\n'), 'application/x-ndjson');
  t.match(r.json(), { accepted: 1, rejected: 3 });
  t.match(await unitsNamed('代码-%'), [{ name: '代码-一', region_id: countyA.id }]);
  const errors = (await h.as('admin', { method: 'GET', url: `/api/v1/unit-imports/${r.json().id}/errors` })).body;
  t.match(errors, /2,departmentOrgCode,unknown_department,no department has org code M00040002/);
  t.match(errors, /3,regionCode,unknown_region,no region has code NOPE/);
  t.match(errors, /4,regionCode,reference_mismatch,"names region/);
});

t.test('all_or_nothing commits nothing when a row is rejected; NDJSON carries lists', async (t) => {
  const good = JSON.stringify({ departmentId: forestry.id, regionId: countyA.id, category: 'public_service', name: '整批-一', commitments: ['一次办好'], serviceItems: [{ name: '林木采伐', timeLimitDays: 5, modes: ['time_limited'] }] });
  const bad = JSON.stringify({ departmentId: forestry.id, regionId: countyA.id, name: '整批-二' });
  const failed = await upload('admin', 'format=ndjson&policy=all_or_nothing', `${good}\n${bad}\n`, 'application/x-ndjson');
  t.match(failed.json(), { status: 'failed', accepted: 0, rejected: 1, failureReason: /nothing committed/ });
  t.same(await unitsNamed('整批-%'), []);
  const ok = await upload('admin', 'format=ndjson&policy=all_or_nothing', `${good}\n`, 'application/x-ndjson');
  t.match(ok.json(), { status: 'completed', accepted: 1, created: 1 });
  const [u] = await unitsNamed('整批-%');
  const got = (await h.as('admin', { method: 'GET', url: `/api/v1/units/${u.id}` })).json();
  t.match(got, { commitments: ['一次办好'], serviceItems: [{ name: '林木采伐', timeLimitDays: 5, modes: ['time_limited'] }] });
  const status = await gql(h, 'admin', `query($id: ID!) { unitImport(id: $id) { status created accepted } }`, { id: ok.json().id });
  t.same(status.data, { unitImport: { status: 'completed', created: 1, accepted: 1 } });
});

t.test('only the prefecture office imports units', async (t) => {
  const one = csv([`,,,${forestry.id},${countyA.id},public_service,拒绝-一,`]);
  t.equal((await upload('inspector', 'format=csv', one)).statusCode, 403);
  t.equal((await upload({ role: 'department', departmentId: forestry.id }, 'format=csv', one)).statusCode, 403);
  t.equal((await upload({ role: 'admin', subject: 'lichuan-office', regionId: countyA.id }, 'format=csv', one)).statusCode, 403, 'a county office is refused');
  t.equal((await upload('anonymous', 'format=csv', one)).statusCode, 401);
  t.equal((await h.as('inspector', { method: 'GET', url: '/api/v1/unit-imports' })).statusCode, 403);
  const denied = await gql(h, 'inspector', `query { unitImport(id: "00000000-0000-7000-8000-000000000000") { status } }`);
  t.ok(denied.errors?.length, 'the GraphQL twin refuses an inspector');
  t.same(await unitsNamed('拒绝-%'), []);
  const list = await h.as('admin', { method: 'GET', url: '/api/v1/unit-imports' });
  t.equal(list.statusCode, 200);
  t.ok(list.json().items.length >= 1);
});

t.test('an org code another writer takes while the import runs is a row error, not a failed job', async (t) => {
  for (const policy of ['partial', 'all_or_nothing'] as const) {
    const code = policy === 'partial' ? 'M00050008' : 'M00060003';
    const client = await h.database.pool!.connect();
    try {
      // Another writer (a create, another import) holds the code, not yet committed, when the import checks its rows.
      await client.query('begin');
      await client.query(`insert into units (id, department_id, region_id, category, name, org_code) values (gen_random_uuid(), $1, $2, 'public_service', $3, $4)`, [tax.id, countyB.id, `竞争-另一写入者-${policy}`, code]);
      const pending = upload('admin', `format=csv&policy=${policy}`, csv([`,,${code},${forestry.id},${countyA.id},public_service,竞争-导入-${policy},`, `,,,${forestry.id},${countyA.id},public_service,竞争-旁行-${policy},`]));
      await untilBlocked(h, 'update units u set');
      await client.query('commit');
      const r = await pending;
      t.equal(r.statusCode, 201, r.body);
      const errors = (await h.as('admin', { method: 'GET', url: `/api/v1/unit-imports/${r.json().id}/errors` })).body;
      t.match(errors, new RegExp(`2,orgCode,org_code_taken,a unit with org code ${code} already exists`), `${policy}: the row is named`);
      const names = (await unitsNamed(`竞争-%-${policy}`)).map((u) => u.name);
      if (policy === 'partial') {
        t.match(r.json(), { status: 'completed', accepted: 1, created: 1, rejected: 1 });
        t.same(names, [`竞争-另一写入者-${policy}`, `竞争-旁行-${policy}`], 'the other rows are committed');
      } else {
        t.match(r.json(), { status: 'failed', accepted: 0, rejected: 1, failureReason: /nothing committed/ });
        t.same(names, [`竞争-另一写入者-${policy}`], 'nothing of the import is committed');
      }
    } finally {
      client.release();
    }
  }
});

t.test('the lease sweep fails a unit import whose process stopped', async (t) => {
  const [job] = await h.sql<{ id: string }>(
    `insert into unit_imports (id, format, source, policy, created_by, lease_expires_at) values (gen_random_uuid(), 'csv', 'dead', 'partial', 'x', now() - interval '1 hour') returning id`,
  );
  t.equal(await h.app.services.unitImports.failOrphaned(), 1);
  const got = await h.as('admin', { method: 'GET', url: `/api/v1/unit-imports/${job.id}` });
  t.match(got.json(), { status: 'failed', failureReason: /stopped/ });
});
