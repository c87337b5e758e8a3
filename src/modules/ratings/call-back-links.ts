import { mac, purposeKey, sameMac } from '../../lib/signed-tokens.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export type CallBackTokenCheck = { ok: true; followUpId: string } | { ok: false; reason: 'invalid' | 'expired' };

/**
 * 回访 by the rater: the token handed to the rater with their bad rating, `<follow-up id>.<expiry, unix seconds>.<HMAC>`.
 * It is bound to one loop and expires after CALL_BACK_LINK_DAYS; it is single-use because the loop accepts one
 * call-back (the state moves on), not because the token is remembered.
 */
export function callBackLinks(secret: string, linkDays: number) {
  const key = purposeKey(secret, 'call-back-link:v1');
  return {
    issue(followUpId: string, from: Date): string {
      const exp = Math.floor(from.getTime() / 1000) + linkDays * 86_400;
      return `${followUpId}.${exp}.${mac(key, `${followUpId}.${exp}`)}`;
    },
    check(token: string, now = new Date()): CallBackTokenCheck {
      const [id, exp, sig, ...rest] = token.split('.');
      if (rest.length || !id || !exp || !sig || !UUID.test(id) || !/^\d{1,12}$/.test(exp)) return { ok: false, reason: 'invalid' };
      if (!sameMac(sig, mac(key, `${id}.${exp}`))) return { ok: false, reason: 'invalid' };
      if (Number(exp) * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
      return { ok: true, followUpId: id };
    },
  };
}
export type CallBackLinks = ReturnType<typeof callBackLinks>;
