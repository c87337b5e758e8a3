import { defineErrors } from '../../lib/errors.js';

/** Codes the QR codes (二维码) answer with. */
export const qrCodesErrors = defineErrors({
  qr_code_invalid: { status: 404, title: 'QR Code Invalid', description: 'the QR code is not one this service issued', zh: { title: '二维码无效', description: '该二维码不是本系统签发的' } },
  qr_code_expired: {
    status: 410,
    title: 'QR Code Expired',
    description: 'the QR code has rotated out (on-screen code past its grace period) or was printed under a revoked key version',
    zh: { title: '二维码已失效', description: '该二维码已轮换失效（屏显码超过宽限期）或印制码的密钥版本已作废' },
  },
});
