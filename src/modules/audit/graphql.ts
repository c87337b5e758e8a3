import type { IResolvers } from 'mercurius';
import { guard } from '../../lib/graphql.js';
import { pageQuery } from '../../lib/http.js';
import { EVERYONE } from '../../lib/principal.js';
import { parseArgs } from '../../plugins/graphql.js';

/** The audit log itself is REST-only (admin); its signed checkpoints are public here as in REST. */
export const auditTypeDefs = /* GraphQL */ `
  "The audit chain head (position, hash, time) signed with the service key; check the JWS against /api/v1/public/audit-checkpoints/keys"
  type AuditCheckpoint {
    id: Int!
    position: Int!
    hash: String!
    signedAt: DateTime!
    occasion: AuditCheckpointOccasion!
    subject: String
    kid: String!
    "compact JWS (typ manyi-audit-checkpoint+jws)"
    jws: String!
  }
  "why a checkpoint was taken: on the interval, at a ranking publication, or when asked"
  enum AuditCheckpointOccasion { interval ranking_published on_demand }
  type AuditCheckpointPage { items: [AuditCheckpoint!]! nextCursor: String }

  extend type Query {
    "signed checkpoints of the audit chain, newest first"
    auditCheckpoints(limit: Int, cursor: String): AuditCheckpointPage!
    latestAuditCheckpoint: AuditCheckpoint
  }
`;

export const auditResolvers: IResolvers = {
  Query: {
    auditCheckpoints: guard(EVERYONE, (args: Record<string, unknown>, { services }) => services.audit.listCheckpoints(parseArgs(pageQuery, args))),
    latestAuditCheckpoint: guard(EVERYONE, (_args: unknown, { services }) => services.audit.latestCheckpoint()),
  },
};
