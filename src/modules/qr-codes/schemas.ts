import { z } from 'zod';
import { isoDate } from '../../lib/http.js';
import { noNul } from '../ratings/schemas.js';

export const qrKindSchema = z
  .enum(['static', 'dynamic', 'case'])
  .meta({
    id: 'QrCodeKind',
    description:
      'static: printed and posted, valid until QR_STATIC_KEY_VERSION is raised; dynamic: shown on a screen, rotates every QR_ROTATION_SECONDS; case: bound to one case (一事一评), rated once',
  });

export const qrCodeQuery = z.object({
  window: z.string().trim().min(1).max(40).refine(noNul, 'must not contain NUL characters').optional().describe('the window (窗口) the code is posted at, e.g. 3号窗口'),
  kind: qrKindSchema.default('static'),
  caseId: z.uuid().optional().describe('一事一评: the case (办件) of this unit the code rates; with kind=case (and only then)'),
})
  .refine((q) => (q.kind === 'case') === (q.caseId !== undefined), { message: 'kind=case takes a caseId, and only kind=case does', path: ['caseId'] })
  .refine((q) => q.kind !== 'case' || q.window === undefined, { message: 'a case code names its case, not a window', path: ['window'] });
export type QrCodeQuery = z.infer<typeof qrCodeQuery>;

export const qrCodeParams = z.object({ code: z.string().min(10).max(300).regex(/^[A-Za-z0-9._-]+$/, 'a QR code as issued') });

export const qrCodeLink = z
  .object({
    unitId: z.uuid(),
    window: z.string().nullable(),
    kind: qrKindSchema,
    caseId: z.uuid().nullable().describe('the case a `case` code rates'),
    code: z.string(),
    url: z.string().describe('the rating link the image encodes: PUBLIC_BASE_URL (or this host) + /rate/{code}'),
    validUntil: isoDate.nullable().describe('dynamic codes: when it stops being accepted (end of its period + grace); static: null'),
  })
  .meta({ id: 'QrCodeLink', description: '二维码: a signed rating link bound to a unit (and window)' });
export type QrCodeLinkDto = z.infer<typeof qrCodeLink>;

export const qrCodeTarget = z
  .object({
    unitId: z.uuid(),
    unitName: z.string(),
    window: z.string().nullable(),
    kind: qrKindSchema,
    caseId: z.uuid().nullable().describe('the case (办件) rated, for a `case` code'),
    validUntil: isoDate.nullable(),
  })
  .meta({ id: 'QrCodeTarget', description: 'what a scanned QR code rates: the unit and window, or the case' });
export type QrCodeTargetDto = z.infer<typeof qrCodeTarget>;
