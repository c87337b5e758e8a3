import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, exportPKCS8, exportSPKI, generateKeyPair, importPKCS8, importSPKI, SignJWT } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import type { Role } from './principal.js';

export const LOCAL_ALG = 'ES256';
/** The JWS algorithms a configured signing key may use. */
export const SIGNING_ALGS = ['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA'] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];

export interface KeyPair {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  kid: string;
  publicJwk: JWK;
  /** The JWS algorithm the pair signs with (LOCAL_ALG for the local pair). */
  alg?: SigningAlg;
}

export async function generateLocalKeyPair(): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(LOCAL_ALG, { extractable: true });
  return describe(privateKey, publicKey);
}

async function describe(privateKey: CryptoKey, publicKey: CryptoKey, alg: SigningAlg = LOCAL_ALG): Promise<KeyPair> {
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return { privateKey, publicKey, kid, alg, publicJwk: { ...publicJwk, kid, alg, use: 'sig' } };
}

/** Throws unless `pem` is a PKCS#8 private key in PEM (config validation: the message names what is wrong). */
export function checkPrivateKeyPem(pem: string): void {
  const key = createPrivateKey(pem);
  if (key.type !== 'private') throw new Error('not a private key');
}

/** A configured signing key (PKCS#8 PEM private key) with its public half, kid and JWK, for `alg`. */
export async function loadSigningKeyPair(pem: string, alg: SigningAlg): Promise<KeyPair> {
  const pkcs8 = createPrivateKey(pem).export({ type: 'pkcs8', format: 'pem' }).toString();
  const spki = createPublicKey(pem).export({ type: 'spki', format: 'pem' }).toString();
  const privateKey = await importPKCS8(pkcs8, alg, { extractable: true });
  const publicKey = await importSPKI(spki, alg, { extractable: true });
  return describe(privateKey, publicKey, alg);
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

/** DATA_DIR/keys/<name>, created on first use: a P-256 private key (PKCS#8 PEM) of its own. Returns the file's path. */
function createPrivateKeyFile(dataDir: string, name: string): string {
  const dir = join(dataDir, 'keys');
  const path = join(dir, name);
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true });
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600, flag: 'wx' });
  }
  return path;
}

/** DATA_DIR/keys/audit-signing.pem: the key that signs the audit checkpoints (AUDIT_SIGNING_KEY_FILE, ES256), apart from the key that signs tokens. */
export const createAuditSigningKey = (dataDir: string): string => createPrivateKeyFile(dataDir, 'audit-signing.pem');

/** DATA_DIR/keys/token-signing.pem: the key that signs integration clients' access tokens (TOKEN_SIGNING_KEY_FILE, ES256). */
export const createTokenSigningKey = (dataDir: string): string => createPrivateKeyFile(dataDir, 'token-signing.pem');

export interface TokenClaims {
  role: Exclude<Role, 'anonymous'>;
  subject?: string;
  departmentId?: string;
  unitId?: string;
  supervisorId?: string;
  /** 县级 office: the region an admin or inspector acts for (`region_id`). */
  regionId?: string;
  /** OAuth scopes, space-separated (integration tokens; without it an integration token holds every scope). */
  scope?: string;
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
  if (claims.regionId) body.region_id = claims.regionId;
  if (claims.scope !== undefined) body.scope = claims.scope;
  return new SignJWT(body)
    .setProtectedHeader({ alg: LOCAL_ALG, kid: keys.kid, typ: 'JWT' })
    .setIssuer(opts.issuer)
    .setAudience(opts.audience)
    .setSubject(claims.subject ?? `${claims.role}:local`)
    .setIssuedAt(now)
    .setExpirationTime(now + (opts.ttlSeconds ?? 8 * 3600))
    .sign(keys.privateKey);
}
