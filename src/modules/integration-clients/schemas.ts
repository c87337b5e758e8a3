import { z } from 'zod';
import { isoDate } from '../../lib/http.js';
import type { Role } from '../../lib/principal.js';
import { scopeCatalogue, scopes } from '../../lib/scopes.js';

/** Only the office registers, rotates and revokes integration clients. */
export const CLIENT_MANAGERS: Role[] = ['admin'];

const scope = z.enum(scopes).describe(`a scope of the catalogue: ${scopes.map((s) => `${s} (${scopeCatalogue[s].zhCN}: ${scopeCatalogue[s].en})`).join('; ')}`);
const clientStatus = z.enum(['active', 'revoked']);

export const integrationClient = z
  .object({
    id: z.uuid().describe('the client_id of the client-credentials grant'),
    name: z.string(),
    description: z.string().nullable(),
    scopes: z.array(scope),
    status: clientStatus.describe('active: may obtain tokens; revoked: its secret, tokens and api_keys stop working (final)'),
    createdBy: z.string(),
    createdAt: isoDate,
    rotatedAt: isoDate.nullable(),
    rotatedBy: z.string().nullable(),
    previousSecretExpiresAt: isoDate.nullable().describe('until when the secret replaced at the last rotation still works'),
    revokedAt: isoDate.nullable(),
    revokedBy: z.string().nullable(),
    version: z.number().int(),
    updatedAt: isoDate,
  })
  .meta({ id: 'IntegrationClient', description: '集成客户端: a registered integration that obtains tokens with the client-credentials grant' });
export type IntegrationClientDto = z.infer<typeof integrationClient>;

export const clientWithSecret = integrationClient
  .extend({ clientSecret: z.string().describe('shown once: only its SHA-256 digest is kept. Send it to POST /oauth/token') })
  .meta({ id: 'IntegrationClientWithSecret' });
export type ClientWithSecretDto = z.infer<typeof clientWithSecret>;

const scopeList = z.array(scope).min(1).max(scopes.length).refine((l) => new Set(l).size === l.length, 'each scope once');

export const createClientBody = z.object({
  name: z.string().trim().min(1).max(200),
  description: z.string().trim().min(1).max(2000).nullable().optional(),
  scopes: scopeList,
});
export type CreateClientInput = z.infer<typeof createClientBody>;

export const updateClientBody = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  description: z.string().trim().min(1).max(2000).nullable().optional(),
  scopes: scopeList.optional().describe('tokens issued before keep their scopes until they expire (TOKEN_TTL_SECONDS)'),
  version: z.number().int().min(1).optional(),
});
export type UpdateClientInput = z.infer<typeof updateClientBody>;

export const rotateSecretBody = z
  .object({
    graceSeconds: z.number().int().min(0).max(7 * 86_400).optional().describe('how long the replaced secret keeps working; default CLIENT_SECRET_GRACE_SECONDS; 0 stops it at once'),
  })
  .nullish()
  .transform((v) => v ?? {});

export const listClientsQuery = z.object({ status: clientStatus.optional() });

export const apiKey = z
  .object({
    id: z.uuid(),
    clientId: z.uuid(),
    prefix: z.string().describe('the first characters of the key, to tell keys apart'),
    label: z.string().nullable(),
    status: clientStatus,
    createdBy: z.string(),
    createdAt: isoDate,
    revokedAt: isoDate.nullable(),
    revokedBy: z.string().nullable(),
  })
  .meta({ id: 'IntegrationApiKey', description: 'an Open311 api_key of an integration client (GeoReport v2)' });
export type ApiKeyDto = z.infer<typeof apiKey>;

export const apiKeyWithKey = apiKey.extend({ apiKey: z.string().describe('shown once: only its SHA-256 digest is kept. Open311 clients send it as api_key') }).meta({ id: 'IntegrationApiKeyWithKey' });
export type ApiKeyWithKeyDto = z.infer<typeof apiKeyWithKey>;

export const createApiKeyBody = z
  .object({ label: z.string().trim().min(1).max(200).nullable().optional() })
  .nullish()
  .transform((v) => v ?? {});

export const clientKeyParams = z.object({ id: z.uuid(), keyId: z.uuid() });

/** RFC 6749 §5.1. */
export const tokenResponse = z
  .object({
    access_token: z.string(),
    token_type: z.literal('Bearer'),
    expires_in: z.number().int(),
    scope: z.string().describe('the granted scopes, space-separated'),
  })
  .meta({ id: 'OAuthTokenResponse' });
export type TokenResponse = z.infer<typeof tokenResponse>;

/** RFC 6749 §5.2. */
export const oauthErrorCodes = ['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope', 'server_error'] as const;
export const oauthError = z
  .object({ error: z.enum(oauthErrorCodes), error_description: z.string() })
  .meta({ id: 'OAuthError', description: 'RFC 6749 §5.2 error (not problem+json: OAuth clients expect this shape)' });

/** What the token endpoint reads; it checks the fields itself, so that refusals keep RFC 6749's shape. */
export const tokenRequestBody = z
  .looseObject({
    grant_type: z.unknown().optional().describe('client_credentials'),
    scope: z.unknown().optional().describe('space-separated subset of the client\'s scopes; default: all of them'),
    client_id: z.unknown().optional().describe('client_secret_post (or HTTP Basic: client_secret_basic)'),
    client_secret: z.unknown().optional(),
  })
  .describe('application/x-www-form-urlencoded (RFC 6749) or JSON');
