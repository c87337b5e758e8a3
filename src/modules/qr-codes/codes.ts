import { mac, purposeKey, sameMac } from '../../lib/signed-tokens.js';

/**
 * 二维码 codes: `<kind><n>.<unit id>.<window, base64url>.<HMAC>`, the HMAC over kind, n, unit and window.
 *
 * - `d` dynamic (shown on a screen at the window): n is the rotation period, floor(now / QR_ROTATION_SECONDS). The
 *   current period is valid; the previous one for QR_GRACE_SECONDS after it rotated out (a rater who scanned just
 *   before the rotation can still finish); older ones are expired, later ones forged.
 * - `s` static (printed and posted): n is QR_STATIC_KEY_VERSION. A printed code cannot change daily, so it rotates by
 *   schedule of reprints instead: raising the key version revokes every code printed under an older one.
 */
export type QrKind = 'static' | 'dynamic';
export interface QrCodeFacts {
  unitId: string;
  window: string | null;
  kind: QrKind;
  /** When it stops being accepted; null for a static code (valid until its key version is retired). */
  validUntil: Date | null;
}
export type QrCheck = ({ ok: true } & QrCodeFacts) | { ok: false; reason: 'invalid' | 'expired' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function qrCodeSigner(secret: string, opts: { rotationSeconds: number; graceSeconds: number; staticVersion: number }) {
  const key = purposeKey(secret, 'qr-code:v1');
  const rotationMs = opts.rotationSeconds * 1000;
  const period = (at: Date) => Math.floor(at.getTime() / rotationMs);
  const sign = (head: string, unitId: string, w: string) => mac(key, `${head}.${unitId}.${w}`);
  const encodeWindow = (window: string | null) => (window ? Buffer.from(window, 'utf8').toString('base64url') : '');

  return {
    issue(unitId: string, window: string | null, kind: QrKind, now = new Date()): { code: string } & QrCodeFacts {
      const n = kind === 'dynamic' ? period(now) : opts.staticVersion;
      const head = `${kind === 'dynamic' ? 'd' : 's'}${n}`;
      const w = encodeWindow(window);
      const validUntil = kind === 'dynamic' ? new Date((n + 1) * rotationMs + opts.graceSeconds * 1000) : null;
      return { code: `${head}.${unitId}.${w}.${sign(head, unitId, w)}`, unitId, window, kind, validUntil };
    },
    check(code: string, now = new Date()): QrCheck {
      const [head, unitId, w, sig, ...rest] = code.split('.');
      const m = /^([ds])(\d{1,12})$/.exec(head ?? '');
      if (rest.length || !m || !unitId || !UUID.test(unitId) || w === undefined || !/^[A-Za-z0-9_-]*$/.test(w) || !sig) return { ok: false, reason: 'invalid' };
      if (!sameMac(sig, sign(head, unitId, w))) return { ok: false, reason: 'invalid' };
      const n = Number(m[2]);
      const window = w ? Buffer.from(w, 'base64url').toString('utf8') : null;
      if (m[1] === 's') {
        if (n > opts.staticVersion) return { ok: false, reason: 'invalid' };
        if (n < opts.staticVersion) return { ok: false, reason: 'expired' };
        return { ok: true, unitId, window, kind: 'static', validUntil: null };
      }
      const validUntil = new Date((n + 1) * rotationMs + opts.graceSeconds * 1000);
      if (n > period(now)) return { ok: false, reason: 'invalid' };
      if (validUntil.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
      return { ok: true, unitId, window, kind: 'dynamic', validUntil };
    },
  };
}
export type QrCodeSigner = ReturnType<typeof qrCodeSigner>;
