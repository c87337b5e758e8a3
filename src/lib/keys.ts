import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, exportPKCS8, exportSPKI, generateKeyPair, importPKCS8, importSPKI, SignJWT } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import type { Role } from './principal.js';

export const LOCAL_ALG = 'ES256';

export interface KeyPair {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  kid: string;
  publicJwk: JWK;
}

export async function generateLocalKeyPair(): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(LOCAL_ALG, { extractable: true });
  return describe(privateKey, publicKey);
}

async function describe(privateKey: CryptoKey, publicKey: CryptoKey): Promise<KeyPair> {
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return { privateKey, publicKey, kid, publicJwk: { ...publicJwk, kid, alg: LOCAL_ALG, use: 'sig' } };
}

/** The local key pair in DATA_DIR/keys, created on first use (development and the embedded default). */
export async function loadOrCreateLocalKeyPair(dataDir: string): Promise<KeyPair> {
  const dir = join(dataDir, 'keys');
  const privPath = join(dir, 'private.pem');
  const pubPath = join(dir, 'public.pem');
  if (existsSync(privPath) && existsSync(pubPath)) {
    const privateKey = await importPKCS8(readFileSync(privPath, 'utf8'), LOCAL_ALG, { extractable: true });
    const publicKey = await importSPKI(readFileSync(pubPath, 'utf8'), LOCAL_ALG, { extractable: true });
    return describe(privateKey, publicKey);
  }
  const pair = await generateLocalKeyPair();
  mkdirSync(dir, { recursive: true });
  writeFileSync(privPath, await exportPKCS8(pair.privateKey), { mode: 0o600 });
  writeFileSync(pubPath, await exportSPKI(pair.publicKey));
  return pair;
}

/**
 * DATA_DIR/keys/respondent-key-secret, created on first use with 32 random bytes: a RESPONDENT_KEY_SECRET_FILE for an
 * instance that keeps its own secrets (docker-compose.yml). Returns the file's path.
 */
export function createRespondentKeySecret(dataDir: string): string {
  const dir = join(dataDir, 'keys');
  const path = join(dir, 'respondent-key-secret');
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  }
  return path;
}

export interface TokenClaims {
  role: Exclude<Role, 'anonymous'>;
  subject?: string;
  departmentId?: string;
  unitId?: string;
  supervisorId?: string;
}

export function parseTtl(ttl: string): number {
  const m = /^(\d+)\s*([smhd])$/.exec(ttl.trim());
  if (!m) throw new Error(`--ttl: expected a duration like 30m, 8h or 7d, got "${ttl}"`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

export async function mintToken(
  keys: KeyPair,
  claims: TokenClaims,
  opts: { issuer: string; audience: string; ttlSeconds?: number; now?: number },
): Promise<string> {
  const now = Math.floor((opts.now ?? Date.now()) / 1000);
  const body: Record<string, unknown> = { role: claims.role };
  if (claims.departmentId) body.department_id = claims.departmentId;
  if (claims.unitId) body.unit_id = claims.unitId;
  if (claims.supervisorId) body.supervisor_id = claims.supervisorId;
  return new SignJWT(body)
    .setProtectedHeader({ alg: LOCAL_ALG, kid: keys.kid, typ: 'JWT' })
    .setIssuer(opts.issuer)
    .setAudience(opts.audience)
    .setSubject(claims.subject ?? `${claims.role}:local`)
    .setIssuedAt(now)
    .setExpirationTime(now + (opts.ttlSeconds ?? 8 * 3600))
    .sign(keys.privateKey);
}
