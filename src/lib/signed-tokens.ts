import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Keys for the service's own signed links, derived per purpose from one server secret (RESPONDENT_KEY_SECRET, required in
 * production): a call-back link key can never verify a QR code and neither can stand in for a respondent hash.
 */
export function purposeKey(secret: string, purpose: string): Buffer {
  return createHmac('sha256', secret).update(`manyi:${purpose}`, 'utf8').digest();
}

/** HMAC-SHA256 over `payload`, base64url, truncated to `bytes` (128 bits by default: short enough for a QR code). */
export function mac(key: Buffer, payload: string, bytes = 16): string {
  return createHmac('sha256', key).update(payload, 'utf8').digest().subarray(0, bytes).toString('base64url');
}

/** Constant-time comparison of a presented signature with the expected one. */
export function sameMac(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
