import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
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
