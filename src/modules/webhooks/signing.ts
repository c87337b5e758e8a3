import { createHmac, randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { CompactSign } from 'jose';
import type { KeyPair } from '../../lib/keys.js';
import { LOCAL_ALG } from '../../lib/keys.js';

export const newSecret = () => `whsec_${randomBytes(24).toString('base64url')}`;

/** HMAC-SHA256 over "<timestamp>.<body>", sent as `t=<timestamp>,v1=<hex>` (replay window is the receiver's). */
export function hmacSignature(secret: string, body: string, timestamp: number): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Detached JWS (RFC 7515 appendix F) over the exact body bytes, signed with the service key. */
export async function jwsSignature(keys: KeyPair, body: string): Promise<string> {
  const jws = await new CompactSign(new TextEncoder().encode(body)).setProtectedHeader({ alg: LOCAL_ALG, kid: keys.kid }).sign(keys.privateKey);
  const [header, , signature] = jws.split('.');
  return `${header}..${signature}`;
}

const V4_BLOCKED: [number, number][] = [
  [0x00000000, 8], // 0.0.0.0/8
  [0x0a000000, 8], // 10/8
  [0x64400000, 10], // 100.64/10 carrier-grade NAT
  [0x7f000000, 8], // loopback
  [0xa9fe0000, 16], // link-local (cloud metadata)
  [0xac100000, 12], // 172.16/12
  [0xc0a80000, 16], // 192.168/16
  [0xe0000000, 4], // multicast
];

export function isPrivateAddress(ip: string): boolean {
  if (isIP(ip) === 4) {
    const n = ip.split('.').reduce((a, o) => (a << 8) + Number(o), 0) >>> 0;
    return V4_BLOCKED.some(([base, bits]) => n >>> (32 - bits) === base >>> (32 - bits));
  }
  const v6 = ip.toLowerCase();
  if (v6 === '::1' || v6 === '::') return true;
  if (v6.startsWith('::ffff:')) return isPrivateAddress(v6.slice(7));
  return /^(fc|fd|fe8|fe9|fea|feb)/.test(v6);
}

/**
 * Why a target URL is not acceptable, or null. Outside development and test: https only, and neither the
 * literal host nor what it resolves to may be loopback or private (checked again at every delivery).
 */
export async function targetProblem(url: string, strict: boolean): Promise<string | null> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'not a URL';
  }
  if (u.username || u.password) return 'credentials in the URL are not allowed';
  if (!strict) return ['http:', 'https:'].includes(u.protocol) ? null : 'only http(s) URLs';
  if (u.protocol !== 'https:') return 'only https URLs are allowed';
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return 'loopback targets are not allowed';
  if (isIP(host)) return isPrivateAddress(host) ? 'loopback and private addresses are not allowed' : null;
  try {
    const addrs = await lookup(host, { all: true });
    if (addrs.some((a) => isPrivateAddress(a.address))) return 'the host resolves to a loopback or private address';
  } catch {
    return 'the host does not resolve';
  }
  return null;
}
