import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Client secrets and api_keys: 256 random bits behind a short prefix that says what the string is (a leaked one is
 * recognisable in logs and code scans). Only their SHA-256 digest is stored: with 256 bits of entropy a fast hash is
 * as good as a slow one, and it lets an api_key be looked up by its digest.
 */
export const newSecret = (prefix: 'mcs' | 'mak'): string => `${prefix}_${randomBytes(32).toString('base64url')}`;

export const digestOf = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');

/** Whether `secret` hashes to `digest`, in time that does not depend on where they differ. */
export function matchesDigest(secret: string, digest: string | null): boolean {
  if (!digest) return false;
  const a = Buffer.from(digestOf(secret), 'hex');
  const b = Buffer.from(digest, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
