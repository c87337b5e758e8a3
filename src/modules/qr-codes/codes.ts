import { mac, purposeKey, sameMac } from '../../lib/signed-tokens.js';

/**
 * 二维码 codes: `<kind><n>.<unit id>.<window, base64url>.<HMAC>`, the HMAC over kind, n, unit and window.
 *
 * - `d` dynamic (shown on a screen at the window): n is the rotation period, floor(now / QR_ROTATION_SECONDS). The
 *   current period is valid; the previous one for QR_GRACE_SECONDS after it rotated out (a rater who scanned just
 *   before the rotation can still finish); older ones are expired, later ones forged.
 * - `s` static (printed and posted): n is QR_STATIC_KEY_VERSION. A printed code cannot change daily, so it rotates by
 *   schedule of reprints instead: raising the key version revokes every code printed under an older one.
 * - `c` case (一事一评: printed on a case's receipt or shown when it is handed over): like a static code, with the case
 *   id in the window's place; a rating through it rates that case, once (the ratings module refuses a second).
 */
export type QrKind = 'static' | 'dynamic' | 'case';
export interface QrCodeFacts {
  unitId: string;
  window: string | null;
  kind: QrKind;
  /** The case (办件) a `case` code rates; null otherwise. */
  caseId: string | null;
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
    issue(unitId: string, window: string | null, kind: QrKind, now = new Date(), caseId: string | null = null): { code: string } & QrCodeFacts {
      if ((kind === 'case') !== (caseId !== null)) throw new Error('a case code needs its case id, and only a case code has one');
      const n = kind === 'dynamic' ? period(now) : opts.staticVersion;
      const head = `${kind[0]}${n}`;
      const w = kind === 'case' ? caseId! : encodeWindow(window);
      const validUntil = kind === 'dynamic' ? new Date((n + 1) * rotationMs + opts.graceSeconds * 1000) : null;
      return { code: `${head}.${unitId}.${w}.${sign(head, unitId, w)}`, unitId, window: kind === 'case' ? null : window, kind, caseId, validUntil };
    },
    check(code: string, now = new Date()): QrCheck {
      const [head, unitId, w, sig, ...rest] = code.split('.');
      const m = /^([dsc])(\d{1,12})$/.exec(head ?? '');
      if (rest.length || !m || !unitId || !UUID.test(unitId) || w === undefined || !/^[A-Za-z0-9_-]*$/.test(w) || !sig) return { ok: false, reason: 'invalid' };
      if (!sameMac(sig, sign(head, unitId, w))) return { ok: false, reason: 'invalid' };
      const n = Number(m[2]);
      if (m[1] === 's' || m[1] === 'c') {
        if (n > opts.staticVersion) return { ok: false, reason: 'invalid' };
        if (n < opts.staticVersion) return { ok: false, reason: 'expired' };
        if (m[1] === 'c') return UUID.test(w) ? { ok: true, unitId, window: null, kind: 'case', caseId: w, validUntil: null } : { ok: false, reason: 'invalid' };
      }
      const window = w ? Buffer.from(w, 'base64url').toString('utf8') : null;
      if (m[1] === 's') return { ok: true, unitId, window, kind: 'static', caseId: null, validUntil: null };
      const validUntil = new Date((n + 1) * rotationMs + opts.graceSeconds * 1000);
      if (n > period(now)) return { ok: false, reason: 'invalid' };
      if (validUntil.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
      return { ok: true, unitId, window, kind: 'dynamic', caseId: null, validUntil };
    },
  };
}
export type QrCodeSigner = ReturnType<typeof qrCodeSigner>;
