import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { exportSPKI } from 'jose';
import { loadConfig, loadDataDir } from '../src/config.js';
import { createAuditSigningKey, createRespondentKeySecret, createTokenSigningKey, loadOrCreateLocalKeyPair } from '../src/lib/keys.js';

const dir = mkdtempSync(join(tmpdir(), 'manyi-config-files-'));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

t.test('the production secrets can be read from the files named by *_FILE', async (t) => {
  const pem = await exportSPKI((await loadOrCreateLocalKeyPair(dir)).publicKey);
  const config = loadConfig({
    NODE_ENV: 'production',
    JWT_PUBLIC_KEY_FILE: file('public.pem', `${pem}\n`),
    RESPONDENT_KEY_SECRET_FILE: file('secret', 'a-secret-of-sixteen-or-more\n'),
    AUDIT_SIGNING_KEY_FILE: createAuditSigningKey(dir),
    TOKEN_SIGNING_KEY_FILE: createTokenSigningKey(dir),
  });
  t.match(config.TOKEN_SIGNING_KEY, /^-----BEGIN PRIVATE KEY-----/, 'the token signing key from its file');
  t.match(config.AUDIT_SIGNING_KEY, /^-----BEGIN PRIVATE KEY-----/, 'the audit signing key from its file');
  t.equal(createAuditSigningKey(dir), join(dir, 'keys', 'audit-signing.pem'), 'created once, then kept');
  t.equal(config.JWT_PUBLIC_KEY, pem.trim(), 'the PEM, trimmed');
  t.equal(config.RESPONDENT_KEY_SECRET, 'a-secret-of-sixteen-or-more', 'the trailing newline of `echo secret > file` is dropped');
});

t.test('a secret file that is missing or empty, or given beside its variable, stops the start and is named', async (t) => {
  t.throws(() => loadConfig({ JWT_PUBLIC_KEY_FILE: join(dir, 'nowhere.pem') }), /JWT_PUBLIC_KEY_FILE: cannot read .*nowhere\.pem \(ENOENT\)/);
  t.throws(() => loadConfig({ RESPONDENT_KEY_SECRET_FILE: file('empty', '\n') }), /RESPONDENT_KEY_SECRET_FILE: .*empty is empty/);
  t.throws(() => loadConfig({ RESPONDENT_KEY_SECRET: 'a-secret-of-sixteen-or-more', RESPONDENT_KEY_SECRET_FILE: file('s2', 'another-secret-sixteen+') }), /RESPONDENT_KEY_SECRET_FILE: set either RESPONDENT_KEY_SECRET or RESPONDENT_KEY_SECRET_FILE, not both/);
  t.throws(() => loadConfig({ RESPONDENT_KEY_SECRET_FILE: file('short', 'short') }), /RESPONDENT_KEY_SECRET/, 'the content is validated like the variable');
  t.throws(() => loadConfig({ NODE_ENV: 'production', RESPONDENT_KEY_SECRET: 'a-secret-of-sixteen-or-more' }), /JWT_PUBLIC_KEY: required in production \(or JWT_PUBLIC_KEY_FILE, or JWT_JWKS_URL\)/);
});

t.test('npm run keys creates an instance secret once and keeps it', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'manyi-keys-once-'));
  t.equal(loadDataDir({ DATA_DIR: dataDir }), dataDir);
  t.equal(loadDataDir({}), './data');
  const path = createRespondentKeySecret(dataDir);
  const secret = readFileSync(path, 'utf8');
  t.match(secret, /^[A-Za-z0-9_-]{43}\n$/, '32 random bytes, base64url');
  t.equal(createRespondentKeySecret(dataDir), path);
  t.equal(readFileSync(path, 'utf8'), secret, 'a second run keeps the secret (respondents stay recognisable)');
  t.equal(loadConfig({ NODE_ENV: 'test', RESPONDENT_KEY_SECRET_FILE: path }).RESPONDENT_KEY_SECRET, secret.trim());
});
