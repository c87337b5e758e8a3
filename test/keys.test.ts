import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { jwtVerify } from 'jose';
import { loadOrCreateLocalKeyPair, mintToken } from '../src/lib/keys.js';
import { setup } from './helper.js';

const run = promisify(execFile);

t.test('npm run token mints a token with the local key that the service accepts, scoped as asked', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'manyi-keys-'));
  const departmentId = '01900000-0000-7000-8000-00000000000d';
  const { stdout } = await run('npx', ['tsx', 'src/cli/token.ts', '--role', 'department', '--department', departmentId, '--ttl', '2h'], {
    env: { ...process.env, DATA_DIR: dataDir },
  });
  const keys = await loadOrCreateLocalKeyPair(dataDir);
  const h = await setup(t);
  // The app under test verifies with its own key: sign the same claims with the CLI's key pair instead.
  const res = await h.app.inject({ method: 'GET', url: '/api/v1/departments', headers: { authorization: `Bearer ${stdout.trim()}` } });
  t.equal(res.statusCode, 401, 'a token from another key pair is refused');
  const payload = JSON.parse(Buffer.from(stdout.trim().split('.')[1], 'base64url').toString());
  t.match(payload, { role: 'department', department_id: departmentId, iss: 'manyi', aud: 'manyi-api' });
  t.equal(payload.exp - payload.iat, 7200);
  const verified = await jwtVerify(stdout.trim(), keys.publicKey, { issuer: 'manyi', audience: 'manyi-api' });
  t.equal(verified.payload.role, 'department', 'signed with the key pair kept in DATA_DIR/keys');
  const again = await loadOrCreateLocalKeyPair(dataDir);
  t.equal(again.kid, keys.kid, 'the key pair persists in the data folder');
  await t.rejects(run('npx', ['tsx', 'src/cli/token.ts', '--role', 'unit'], { env: { ...process.env, DATA_DIR: dataDir } }), /--unit: required/);
});

t.test('tokens are verified against a configured JWKS URL', async (t) => {
  const keys = await loadOrCreateLocalKeyPair(mkdtempSync(join(tmpdir(), 'manyi-jwks-')));
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [keys.publicJwk] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => server.close());
  const h = await setup(t, { config: { JWT_JWKS_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json` } });
  const token = await mintToken(keys, { role: 'inspector' }, { issuer: 'manyi', audience: 'manyi-api' });
  const ok = await h.app.inject({ method: 'GET', url: '/api/v1/regions', headers: { authorization: `Bearer ${token}` } });
  t.equal(ok.statusCode, 200);
  const foreign = await h.as('inspector', { method: 'GET', url: '/api/v1/regions' });
  t.equal(foreign.statusCode, 401, 'the test key pair is not in that key set');
});

t.test('npm run token --file mints many scoped tokens in one call, or none when a row is wrong', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'manyi-keys-'));
  const env = { env: { ...process.env, DATA_DIR: dataDir } };
  const regionId = '01900000-0000-7000-8000-00000000000a';
  const unitId = '01900000-0000-7000-8000-00000000000b';
  const csv = join(dataDir, 'subjects.csv');
  writeFileSync(csv, `subject,role,unit_id,region\nlichuan-office,admin,,${regionId}\nhall-a,unit,${unitId},\n`);
  const { stdout } = await run('npx', ['tsx', 'src/cli/token.ts', '--file', csv, '--ttl', '1h'], env);
  const rows = stdout.trim().split('\n').map((l) => JSON.parse(l) as { line: number; subject: string; role: string; token: string });
  t.same(rows.map((r) => [r.line, r.subject, r.role]), [[2, 'lichuan-office', 'admin'], [3, 'hall-a', 'unit']]);
  const keys = await loadOrCreateLocalKeyPair(dataDir);
  const first = await jwtVerify(rows[0].token, keys.publicKey, { issuer: 'manyi', audience: 'manyi-api' });
  t.match(first.payload, { sub: 'lichuan-office', role: 'admin', region_id: regionId });
  t.equal((first.payload.exp ?? 0) - (first.payload.iat ?? 0), 3600, '--ttl is the default of every row');
  t.match((await jwtVerify(rows[1].token, keys.publicKey)).payload, { sub: 'hall-a', role: 'unit', unit_id: unitId });

  const ndjson = join(dataDir, 'subjects.ndjson');
  writeFileSync(ndjson, `${JSON.stringify({ subject: 'i1', role: 'inspector', ttl: '2h' })}\n`);
  const asCsv = await run('npx', ['tsx', 'src/cli/token.ts', '--file', ndjson, '--output', 'csv'], env);
  t.match(asCsv.stdout, /line,subject,role,expiresAt,token\r\n1,i1,inspector,/);

  const bad = join(dataDir, 'bad.ndjson');
  writeFileSync(bad, [JSON.stringify({ subject: 'ok', role: 'admin' }), JSON.stringify({ subject: 'd', role: 'department', region: regionId }), 'not json'].join('\n'));
  const err = await run('npx', ['tsx', 'src/cli/token.ts', '--file', bad], env).then(
    () => null,
    (e: { stdout: string; stderr: string; code: number }) => e,
  );
  t.equal(err?.code, 2);
  t.match(err?.stderr, /line 2: --department: required for role department/);
  t.match(err?.stderr, /line 2: --region: only for roles admin, inspector/);
  t.match(err?.stderr, /line 3: not valid JSON/);
  t.equal(err?.stdout, '', 'no token was minted');
});
