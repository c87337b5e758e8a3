import { z } from 'zod';
import { MAX_CURSOR_LENGTH, isoDate } from '../../lib/http.js';

export const auditEntry = z
  .object({
    seq: z.number().int().describe('order of writing (not of the chain: see position)'),
    occurredAt: isoDate,
    actor: z.string(),
    role: z.string(),
    action: z.string(),
    entityType: z.string(),
    entityId: z.string(),
    before: z.unknown().nullable(),
    after: z.unknown().nullable(),
    requestId: z.string().nullable(),
    digest: z.string().nullable().describe('SHA-256 of the entry content; null until sealed when the writer left it to the sealer (the public rating intake, entries from before the chain)'),
    chainStatus: z.enum(['sealed', 'pending']).describe('pending: committed, not yet linked by the sealer (AUDIT_SEAL_INTERVAL_MS, about a second)'),
    position: z.number().int().nullable().describe('place in the hash chain (1, 2, 3 … in the order entries were sealed); null while pending'),
    prevHash: z.string().nullable().describe('hash of the link before; null while pending'),
    hash: z.string().nullable().describe('this link’s hash; null while pending'),
    sealedAt: isoDate.nullable(),
  })
  .meta({ id: 'AuditEntry', description: 'One entry of the append-only audit log, with its link in the hash chain once sealed' });

export const auditListQuery = z.object({
  limit: z.number().int().min(1).max(200).default(50),
  cursor: z.string().max(MAX_CURSOR_LENGTH).optional(),
  entityType: z.string().max(64).optional(),
  entityId: z.string().max(64).optional(),
  actor: z.string().max(200).optional(),
  action: z.string().max(64).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
});

export const auditCheckpoint = z
  .object({
    id: z.number().int(),
    position: z.number().int().describe('links in the chain when it was signed'),
    hash: z.string().describe('hash of the link at `position` (64 zeros for an empty chain)'),
    signedAt: isoDate,
    occasion: z.enum(['interval', 'ranking_published', 'on_demand']),
    subject: z.string().nullable().describe('what it was taken for, e.g. ranking:<id>'),
    kid: z.string().describe('the signing key (see /public/audit-checkpoints/keys)'),
    jws: z.string().describe('compact JWS (typ manyi-audit-checkpoint+jws) over {iss, position, hash, signedAt, occasion, subject}: keep it to hold the service to its history'),
  })
  .meta({ id: 'AuditCheckpoint', description: 'The audit chain head, signed with the service key' });

export type CheckpointDto = z.infer<typeof auditCheckpoint>;

const checkpointRef = z.object({
  source: z.enum(['stored', 'held']).describe('held: one of the checkpoints sent with the request'),
  id: z.number().int().nullable(),
  index: z.number().int().nullable().describe('its index in the request (held)'),
  position: z.number().int(),
  hash: z.string(),
  signedAt: isoDate,
});

export const auditVerification = z
  .object({
    valid: z.boolean(),
    checked: z.number().int().describe('links verified before the first broken one (or all of them)'),
    firstBroken: z
      .object({
        seq: z.number().int().nullable(),
        position: z.number().int().nullable(),
        reason: z.string(),
        checkpoint: checkpointRef.nullable().describe('the checkpoint the chain disagrees with, when that is how the break was found'),
      })
      .nullable(),
    head: z.object({ position: z.number().int(), hash: z.string() }).describe('the last link verified'),
    checkpoints: z.object({ stored: z.number().int(), held: z.number().int() }).describe('checkpoints compared with the chain'),
  })
  .meta({ id: 'AuditVerification' });

export const verifyBody = z.object({
  checkpoints: z.array(z.string().min(1).max(4000)).max(1000).default([]).describe('compact JWS checkpoints you kept (from the public checkpoint list or a ranking snapshot)'),
});

export const jwks = z
  .object({ keys: z.array(z.record(z.string(), z.unknown())) })
  .meta({ id: 'JsonWebKeySet', description: 'public keys (RFC 7517) that check audit checkpoint signatures' });
