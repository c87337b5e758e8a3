import { SignJWT } from 'jose';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { DomainError, notFound, versionMismatch } from '../../lib/errors.js';
import { paginate, toIso, toIsoOrNull } from '../../lib/http.js';
import type { Page } from '../../lib/http.js';
import { uuidv7 } from '../../lib/ids.js';
import { generateLocalKeyPair, loadSigningKeyPair } from '../../lib/keys.js';
import type { KeyPair } from '../../lib/keys.js';
import { LruCache } from '../../lib/lru.js';
import type { Principal, RequestContext } from '../../lib/principal.js';
import { isScope, missingScopes, parseScopeList } from '../../lib/scopes.js';
import type { Scope } from '../../lib/scopes.js';
import { stateMachine } from '../../lib/state-machine.js';
import type { AuditService } from '../audit/service.js';
import { integrationClientsRepository as repo } from './repository.js';
import type { ApiKeyRow, ClientPatch, ClientRow } from './repository.js';
import type { ApiKeyDto, ApiKeyWithKeyDto, ClientWithSecretDto, CreateClientInput, IntegrationClientDto, TokenResponse, UpdateClientInput, oauthErrorCodes } from './schemas.js';
import { digestOf, matchesDigest, newSecret } from './secrets.js';

/** A client is active until revoked; revocation is final (register a new client instead). */
const lifecycle = stateMachine<ClientRow['status']>({ active: ['revoked'], revoked: [] });

/**
 * How stale this process's view of a client's status may be when it changed on another copy of the service: a
 * revoked client's tokens stop within this bound everywhere, at once on the copy that revoked it.
 */
export const CLIENT_STATUS_STALE_MS = 30_000;
/** The window over which failed client authentications are counted per address. */
const FAILURE_WINDOW_MS = 60_000;

/** RFC 6749 §5.2: a refusal of the token endpoint, in OAuth's own shape (not problem+json). */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: (typeof oauthErrorCodes)[number],
    description: string,
    readonly extra: { basic?: boolean; retryAfterSeconds?: number } = {},
  ) {
    super(description);
  }
}

export interface TokenRequest {
  grantType: string;
  scope?: string;
  clientId: string;
  clientSecret: string;
  /** The credentials came as HTTP Basic (client_secret_basic): a 401 then names the scheme in WWW-Authenticate. */
  basic: boolean;
  /** Where the request came from: failed authentications are limited per address. */
  address: string;
}

const toClientDto = (r: ClientRow): IntegrationClientDto => ({
  id: r.id,
  name: r.name,
  description: r.description,
  scopes: r.scopes,
  status: r.status,
  createdBy: r.createdBy,
  createdAt: toIso(r.createdAt),
  rotatedAt: toIsoOrNull(r.rotatedAt),
  rotatedBy: r.rotatedBy,
  previousSecretExpiresAt: toIsoOrNull(r.previousSecretExpiresAt),
  revokedAt: toIsoOrNull(r.revokedAt),
  revokedBy: r.revokedBy,
  version: r.version,
  updatedAt: toIso(r.updatedAt),
});

const toApiKeyDto = (r: ApiKeyRow): ApiKeyDto => ({
  id: r.id,
  clientId: r.clientId,
  prefix: r.prefix,
  label: r.label,
  status: r.status,
  createdBy: r.createdBy,
  createdAt: toIso(r.createdAt),
  revokedAt: toIsoOrNull(r.revokedAt),
  revokedBy: r.revokedBy,
});

const invalidApiKey = (detail: string) => new DomainError(403, 'invalid_api_key', 'Forbidden', detail);

export function createIntegrationClientsService({ db, audit, config }: { db: Db; audit: AuditService; config: Config }) {
  let signing: Promise<KeyPair> | undefined;
  const statuses = new LruCache<{ active: boolean; at: number }>({ entries: 10_000 });
  const failures = new LruCache<{ count: number; since: number }>({ entries: 10_000 });

  const remember = (row: ClientRow) => statuses.set(row.id, { active: row.status === 'active', at: Date.now() });

  async function current(id: string, tx: Db = db): Promise<ClientRow> {
    const row = await repo.byId(tx, id);
    if (!row) throw notFound('integration client', id);
    return row;
  }

  /** One change of a client: compare-and-set on its version, audited with before and after, in one transaction. */
  async function change(ctx: RequestContext, id: string, action: string, patchOf: (row: ClientRow) => ClientPatch, expected?: number): Promise<ClientRow> {
    const row = await db.transaction(async (tx) => {
      const before = await current(id, tx);
      const version = expected ?? before.version;
      if (before.version !== version) throw versionMismatch('integration client', version, before.version);
      const after = await repo.update(tx, id, version, patchOf(before));
      if (!after) throw versionMismatch('integration client', version, version + 1);
      await audit.record(tx, ctx, { action, entityType: 'integration_client', entityId: id, before: toClientDto(before), after: toClientDto(after) });
      return after;
    });
    remember(row);
    return row;
  }

  function throttled(address: string): OAuthError | undefined {
    const f = failures.get(address);
    if (!f || Date.now() - f.since >= FAILURE_WINDOW_MS || f.count < config.RATE_LIMIT_CLIENT_AUTH_FAILURES_PER_MINUTE) return undefined;
    const retryAfterSeconds = Math.max(1, Math.ceil((f.since + FAILURE_WINDOW_MS - Date.now()) / 1000));
    return new OAuthError(429, 'invalid_client', `too many failed client authentications from this address; retry after ${retryAfterSeconds} s`, { retryAfterSeconds });
  }

  function failedAuthentication(address: string, basic: boolean): OAuthError {
    const f = failures.get(address);
    if (!f || Date.now() - f.since >= FAILURE_WINDOW_MS) failures.set(address, { count: 1, since: Date.now() });
    else f.count++;
    return new OAuthError(401, 'invalid_client', 'client authentication failed: unknown client, wrong secret or revoked client', { basic });
  }

  const service = {
    /** The key that signs client tokens: TOKEN_SIGNING_KEY, else one generated in memory at start (development, tests). */
    signingKeys(): Promise<KeyPair> {
      signing ??= config.TOKEN_SIGNING_KEY ? loadSigningKeyPair(config.TOKEN_SIGNING_KEY, config.TOKEN_SIGNING_ALG) : generateLocalKeyPair();
      return signing;
    },

    async create(ctx: RequestContext, input: CreateClientInput): Promise<ClientWithSecretDto> {
      const clientSecret = newSecret('mcs');
      const row = await db.transaction(async (tx) => {
        const r = await repo.insert(tx, {
          id: uuidv7(),
          name: input.name,
          description: input.description ?? null,
          scopes: input.scopes,
          secretHash: digestOf(clientSecret),
          createdBy: ctx.principal.subject,
        });
        await audit.record(tx, ctx, { action: 'integration_client.created', entityType: 'integration_client', entityId: r.id, after: toClientDto(r) });
        return r;
      });
      remember(row);
      return { ...toClientDto(row), clientSecret };
    },

    async get(_ctx: RequestContext, id: string): Promise<IntegrationClientDto> {
      return toClientDto(await current(id));
    },

    async list(_ctx: RequestContext, filter: { status?: ClientRow['status'] }, page: { limit: number; cursor?: string }): Promise<Page<IntegrationClientDto>> {
      const p = await paginate(page, ({ after, limit }) => repo.list(db, { status: filter.status, afterId: after, limit }));
      return { items: p.items.map(toClientDto), nextCursor: p.nextCursor };
    },

    async update(ctx: RequestContext, id: string, expected: number, input: UpdateClientInput): Promise<IntegrationClientDto> {
      const row = await change(ctx, id, 'integration_client.updated', (before) => {
        lifecycle.assertOpen('integration client', id, before.status);
        const { version: _v, ...patch } = input;
        return patch;
      }, expected);
      return toClientDto(row);
    },

    /**
     * A new secret, shown once. The replaced one keeps working for `graceSeconds` (default CLIENT_SECRET_GRACE_SECONDS),
     * so the client can be redeployed with the new one without an outage; a second rotation ends that grace at once.
     */
    async rotateSecret(ctx: RequestContext, id: string, graceSeconds = config.CLIENT_SECRET_GRACE_SECONDS): Promise<ClientWithSecretDto> {
      const clientSecret = newSecret('mcs');
      const now = new Date();
      const row = await change(ctx, id, 'integration_client.secret_rotated', (before) => {
        lifecycle.assertOpen('integration client', id, before.status);
        return {
          secretHash: digestOf(clientSecret),
          previousSecretHash: graceSeconds > 0 ? before.secretHash : null,
          previousSecretExpiresAt: graceSeconds > 0 ? new Date(now.getTime() + graceSeconds * 1000) : null,
          rotatedAt: now,
          rotatedBy: ctx.principal.subject,
        };
      });
      return { ...toClientDto(row), clientSecret };
    },

    /** Stops the client: its secrets, its tokens (within CLIENT_STATUS_STALE_MS on other copies) and its api_keys. */
    async revoke(ctx: RequestContext, id: string): Promise<IntegrationClientDto> {
      const now = new Date();
      const row = await change(ctx, id, 'integration_client.revoked', (before) => {
        lifecycle.assert('integration client', id, before.status, 'revoked');
        return { status: 'revoked', revokedAt: now, revokedBy: ctx.principal.subject, previousSecretHash: null, previousSecretExpiresAt: null };
      });
      return toClientDto(row);
    },

    /** Whether a client may still act: from memory when looked at within CLIENT_STATUS_STALE_MS, else one lookup. */
    async isActive(clientId: string): Promise<boolean> {
      const known = statuses.get(clientId);
      if (known && Date.now() - known.at < CLIENT_STATUS_STALE_MS) return known.active;
      const [row] = await repo.statuses(db, [clientId]);
      const active = row?.status === 'active';
      statuses.set(clientId, { active, at: Date.now() });
      return active;
    },

    /** The client-credentials grant (RFC 6749 §4.4): authenticates the client and signs a short-lived token. */
    async issueToken(req: TokenRequest): Promise<TokenResponse> {
      if (req.grantType !== 'client_credentials') throw new OAuthError(400, 'unsupported_grant_type', `grant_type ${req.grantType} is not supported; use client_credentials`);
      const refusal = throttled(req.address);
      if (refusal) throw refusal;
      const uuidLike = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(req.clientId);
      const row = uuidLike ? await repo.byId(db, req.clientId) : undefined;
      const now = new Date();
      const secretOk =
        !!row &&
        (matchesDigest(req.clientSecret, row.secretHash) || (!!row.previousSecretExpiresAt && row.previousSecretExpiresAt > now && matchesDigest(req.clientSecret, row.previousSecretHash)));
      if (!row || !secretOk || row.status !== 'active') throw failedAuthentication(req.address, req.basic);
      remember(row);

      let granted: Scope[] = row.scopes;
      if (req.scope !== undefined && req.scope.trim() !== '') {
        const asked = parseScopeList(req.scope);
        const refused = asked.filter((s) => !isScope(s) || !row.scopes.includes(s));
        if (refused.length) throw new OAuthError(400, 'invalid_scope', `not granted to this client: ${refused.join(' ')} (it holds ${row.scopes.join(' ')})`);
        granted = asked as Scope[];
      }
      const keys = await service.signingKeys();
      const iat = Math.floor(now.getTime() / 1000);
      const accessToken = await new SignJWT({ role: 'integration', client_id: row.id, scope: granted.join(' ') })
        // RFC 9068: a JWT access token says so in its type.
        .setProtectedHeader({ alg: keys.alg ?? 'ES256', kid: keys.kid, typ: 'at+jwt' })
        .setIssuer(config.TOKEN_ISSUER)
        .setAudience(config.JWT_AUDIENCE)
        .setSubject(row.id)
        .setJti(uuidv7())
        .setIssuedAt(iat)
        .setExpirationTime(iat + config.TOKEN_TTL_SECONDS)
        .sign(keys.privateKey);
      return { access_token: accessToken, token_type: 'Bearer', expires_in: config.TOKEN_TTL_SECONDS, scope: granted.join(' ') };
    },

    /** An Open311 api_key for a client, shown once. */
    async issueApiKey(ctx: RequestContext, clientId: string, label?: string | null): Promise<ApiKeyWithKeyDto> {
      const key = newSecret('mak');
      const row = await db.transaction(async (tx) => {
        const client = await current(clientId, tx);
        lifecycle.assertOpen('integration client', clientId, client.status);
        const r = await repo.insertKey(tx, { id: uuidv7(), clientId, keyHash: digestOf(key), prefix: key.slice(0, 10), label: label ?? null, createdBy: ctx.principal.subject });
        await audit.record(tx, ctx, { action: 'integration_api_key.issued', entityType: 'integration_api_key', entityId: r.id, after: toApiKeyDto(r) });
        return r;
      });
      return { ...toApiKeyDto(row), apiKey: key };
    },

    async listApiKeys(_ctx: RequestContext, clientId: string, page: { limit: number; cursor?: string }): Promise<Page<ApiKeyDto>> {
      await current(clientId);
      const p = await paginate(page, ({ after, limit }) => repo.listKeys(db, { clientId, afterId: after, limit }));
      return { items: p.items.map(toApiKeyDto), nextCursor: p.nextCursor };
    },

    async revokeApiKey(ctx: RequestContext, clientId: string, keyId: string): Promise<ApiKeyDto> {
      return db.transaction(async (tx) => {
        const before = await repo.keyById(tx, clientId, keyId);
        if (!before) throw notFound('api key', keyId);
        lifecycle.assert('api key', keyId, before.status, 'revoked');
        const after = await repo.revokeKey(tx, keyId, ctx.principal.subject, new Date());
        if (!after) throw versionMismatch('api key', 1, 2);
        await audit.record(tx, ctx, { action: 'integration_api_key.revoked', entityType: 'integration_api_key', entityId: keyId, before: toApiKeyDto(before), after: toApiKeyDto(after) });
        return toApiKeyDto(after);
      });
    },

    /** Who an Open311 api_key speaks for: its client, as an integration principal holding the client's scopes; 403 otherwise. */
    async apiKeyPrincipal(apiKey: string, needs: readonly Scope[]): Promise<Principal> {
      const found = await repo.keyByHash(db, digestOf(apiKey));
      if (!found || found.key.status !== 'active') throw invalidApiKey('api_key is not a valid key');
      if (found.client.status !== 'active') throw invalidApiKey('the client of this api_key is revoked');
      const principal: Principal = Object.freeze({ role: 'integration', subject: found.client.id, clientId: found.client.id, scopes: found.client.scopes });
      const missing = missingScopes(principal, needs);
      if (missing.length) throw invalidApiKey(`the client of this api_key lacks the scope ${missing.join(' ')}`);
      return principal;
    },
  };
  return service;
}

export type IntegrationClientsService = ReturnType<typeof createIntegrationClientsService>;
