import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { decodeNumericCursor, isoDate, pageOf, paginate, problems, queryOf, toIso } from '../../lib/http.js';

const entry = z
  .object({
    seq: z.number().int(),
    occurredAt: isoDate,
    actor: z.string(),
    role: z.string(),
    action: z.string(),
    entityType: z.string(),
    entityId: z.string(),
    before: z.unknown().nullable(),
    after: z.unknown().nullable(),
    requestId: z.string().nullable(),
    prevHash: z.string(),
    hash: z.string(),
  })
  .meta({ id: 'AuditEntry', description: 'One link of the append-only, hash-chained audit log' });

const listQuery = z.object({
  limit: z.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
  entityType: z.string().max(64).optional(),
  entityId: z.string().max(64).optional(),
  actor: z.string().max(200).optional(),
  action: z.string().max(64).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
});

const verification = z
  .object({
    valid: z.boolean(),
    checked: z.number().int().describe('entries verified before the first broken link (or all of them)'),
    firstBroken: z.object({ seq: z.number().int(), reason: z.string() }).nullable(),
  })
  .meta({ id: 'AuditVerification' });

export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  const { audit, db } = app.services;

  app.get('/audit-log', {
    config: { access: ['admin'] },
    schema: { operationId: 'listAuditLog', summary: 'Read the audit log (oldest first)', tags: ['audit'], querystring: queryOf(listQuery), response: { 200: pageOf(entry), ...problems() } },
    handler: async (req) => {
      const { limit, cursor, from, to, ...f } = req.query;
      const page = await paginate({ limit, cursor }, (q) => audit.list(db, {
        ...f,
        from: from ? new Date(from) : undefined,
        to: to ? new Date(to) : undefined,
        afterSeq: q.after,
        limit: q.limit,
      }), { key: (r) => r.seq, decode: decodeNumericCursor });
      return { items: page.items.map((r) => ({ ...r, occurredAt: toIso(r.occurredAt) })), nextCursor: page.nextCursor };
    },
  });

  app.get('/audit-log/verify', {
    config: { access: ['admin'] },
    schema: { operationId: 'verifyAuditLog', summary: 'Verify the hash chain; names the first broken link', tags: ['audit'], response: { 200: verification, ...problems() } },
    handler: async () => audit.verify(db),
  });
};
