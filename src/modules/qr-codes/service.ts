import type QRCode from 'qrcode';
import type { Config } from '../../config.js';
import { DomainError, invalid } from '../../lib/errors.js';
import { toIsoOrNull } from '../../lib/http.js';
import type { RequestContext } from '../../lib/principal.js';
import { systemContext } from '../../lib/principal.js';
import type { RatingsService } from '../ratings/service.js';
import type { QrRatingInput, RatingReceiptDto } from '../ratings/schemas.js';
import type { UnitsService } from '../units/service.js';
import { qrCodeSigner } from './codes.js';
import type { QrCodeFacts } from './codes.js';
import type { QrCodeLinkDto, QrCodeQuery, QrCodeTargetDto } from './schemas.js';

/** The QR renderer (and its PNG encoder) is loaded at the first image asked for: most processes never draw one. */
let renderer: Promise<typeof QRCode> | undefined;
const qrcode = () => (renderer ??= import('qrcode').then((m) => m.default));

export type QrCodesConfig = Pick<Config, 'QR_ROTATION_SECONDS' | 'QR_GRACE_SECONDS' | 'QR_STATIC_KEY_VERSION' | 'PUBLIC_BASE_URL'>;

/**
 * 二维码: per unit (and window) a signed code whose image is a rating link; ratings through it are presence-bound
 * (channel qr_code). The ratings module stores them; this module only issues and checks codes.
 */
export function createQrCodesService({ ratings, units, secret, config }: { ratings: RatingsService; units: UnitsService; secret: string; config: QrCodesConfig }) {
  const signer = qrCodeSigner(secret, { rotationSeconds: config.QR_ROTATION_SECONDS, graceSeconds: config.QR_GRACE_SECONDS, staticVersion: config.QR_STATIC_KEY_VERSION });

  function checked(code: string): QrCodeFacts {
    const r = signer.check(code);
    if (!r.ok && r.reason === 'expired') throw new DomainError(410, 'qr_code_expired', 'Gone', 'this QR code has expired; scan the one now shown or posted at the window').zh('该二维码已失效，请扫描窗口现有的二维码');
    if (!r.ok) throw new DomainError(404, 'qr_code_invalid', 'Not Found', 'this QR code was not issued by this service').zh('该二维码无效');
    return r;
  }

  async function link(ctx: RequestContext, unitId: string, q: QrCodeQuery, origin: string): Promise<QrCodeLinkDto> {
    const unit = await units.get(ctx, unitId); // scoped: 404 for a unit the caller may not see
    if (!unit.active) throw invalid('id', `unit ${unitId} is deactivated and takes no ratings`);
    if (q.caseId) await ratings.checkRateableCase(q.caseId, unitId);
    const issued = signer.issue(unitId, q.window ?? null, q.kind, new Date(), q.caseId ?? null);
    return { unitId, window: issued.window, kind: issued.kind, caseId: issued.caseId, code: issued.code, url: `${config.PUBLIC_BASE_URL ?? origin}/rate/${issued.code}`, validUntil: toIsoOrNull(issued.validUntil) };
  }

  return {
    link,
    async svg(ctx: RequestContext, unitId: string, q: QrCodeQuery, origin: string): Promise<string> {
      const { url } = await link(ctx, unitId, q, origin);
      return (await qrcode()).toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    },
    async png(ctx: RequestContext, unitId: string, q: QrCodeQuery, origin: string): Promise<Buffer> {
      const { url } = await link(ctx, unitId, q, origin);
      return (await qrcode()).toBuffer(url, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 512 });
    },
    /** What the scanned code rates (public): the unit's name and the window. */
    async resolve(code: string): Promise<QrCodeTargetDto> {
      const c = checked(code);
      const unit = await units.get(systemContext(), c.unitId);
      return { unitId: c.unitId, unitName: unit.name, window: c.window, kind: c.kind, caseId: c.caseId, validUntil: toIsoOrNull(c.validUntil) };
    },
    /** 扫码评价: the rating is bound to the code's unit (and case) and marked presence-bound. */
    rate(ctx: RequestContext, code: string, input: QrRatingInput): Promise<RatingReceiptDto> {
      const c = checked(code);
      return ratings.submitThroughQrCode(ctx, c.unitId, input, c.caseId);
    },
  };
}
export type QrCodesService = ReturnType<typeof createQrCodesService>;
