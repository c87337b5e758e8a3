import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { notFound } from '../../lib/errors.js';
import { decodeNumericCursor, pageOf, pageQuery, paginate, problems, queryOf, toIso, toIsoOrNull } from '../../lib/http.js';
import { EVERYONE } from '../../lib/principal.js';
import { auditCheckpoint, auditEntry, auditListQuery, auditVerification, jwks, verifyBody } from './schemas.js';

export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  const { audit } = app.services;

  app.get('/audit-log', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'listAuditLog',
      summary: 'Read the audit log (oldest first); link fields are null and chainStatus pending until the sealer links an entry',
      tags: ['audit'],
      querystring: queryOf(auditListQuery),
      response: { 200: pageOf(auditEntry), ...problems() },
    },
    handler: async (req) => {
      const { limit, cursor, from, to, ...f } = req.query;
      const page = await paginate({ limit, cursor }, (q) => audit.list({
        ...f,
        from: from ? new Date(from) : undefined,
        to: to ? new Date(to) : undefined,
        afterSeq: q.after,
        limit: q.limit,
      }), { key: (r) => r.seq, decode: decodeNumericCursor });
      return {
        items: page.items.map((r) => ({ ...r, occurredAt: toIso(r.occurredAt), sealedAt: toIsoOrNull(r.sealedAt), chainStatus: r.position === null ? ('pending' as const) : ('sealed' as const) })),
        nextCursor: page.nextCursor,
      };
    },
  });

  const verifySummary = 'Seal what is pending, then verify the hash chain against every signed checkpoint; names the first broken position';
  app.get('/audit-log/verify', {
    config: { access: ['admin'] },
    schema: { operationId: 'verifyAuditLog', summary: verifySummary, tags: ['audit'], response: { 200: auditVerification, ...problems() } },
    handler: async () => audit.verify(),
  });

  app.post('/audit-log/verify', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'verifyAuditLogWithCheckpoints',
      summary: `${verifySummary}, including checkpoints you kept`,
      description: 'A rewrite of history that also rewrote the checkpoints table is still caught by a checkpoint kept outside. A held checkpoint not signed by the service key is refused (422).',
      tags: ['audit'],
      body: verifyBody,
      response: { 200: auditVerification, ...problems(422) },
    },
    handler: async (req) => audit.verify({ held: req.body.checkpoints }),
  });

  app.get('/public/audit-checkpoints', {
    config: { access: EVERYONE },
    schema: {
      operationId: 'listAuditCheckpoints',
      summary: 'Signed checkpoints of the audit chain, newest first',
      tags: ['public', 'audit'],
      security: [],
      querystring: queryOf(pageQuery),
      response: { 200: pageOf(auditCheckpoint), ...problems(429) },
    },
    handler: async (req) => audit.listCheckpoints(req.query),
  });

  app.get('/public/audit-checkpoints/latest', {
    config: { access: EVERYONE },
    schema: {
      operationId: 'getLatestAuditCheckpoint',
      summary: 'The newest signed checkpoint of the audit chain',
      tags: ['public', 'audit'],
      security: [],
      response: { 200: auditCheckpoint, ...problems(404, 429) },
    },
    handler: async () => (await audit.latestCheckpoint()) ?? Promise.reject(notFound('audit checkpoint', 'latest')),
  });

  app.get('/public/audit-checkpoints/keys', {
    config: { access: EVERYONE },
    schema: {
      operationId: 'getAuditCheckpointKeys',
      summary: 'The public key set (JWKS) that checks checkpoint signatures',
      tags: ['public', 'audit'],
      security: [],
      response: { 200: jwks, ...problems(429) },
    },
    handler: async () => audit.signingKeys(),
  });
};
