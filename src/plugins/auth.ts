import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, importSPKI, jwtVerify } from 'jose';
import type { CryptoKey, JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import type { Config } from '../config.js';
import { forbidden, unauthorized } from '../lib/errors.js';
import type { KeyPair } from '../lib/keys.js';
import { anonymous, prefectureOnly, roles, scopeMisfits } from '../lib/principal.js';
import type { Principal, RequestContext, Role } from '../lib/principal.js';
import { LruCache } from '../lib/lru.js';
import { insufficientScope, isScope, missingScopes, parseScopeList, requiredScopes, scopeDeclarationProblem } from '../lib/scopes.js';
import type { Scope } from '../lib/scopes.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call this route. Every route declares it; the app refuses to start otherwise. */
    access?: readonly Role[];
    /**
     * The OAuth scopes an integration token needs here (src/lib/scopes.ts). Required on every route that admits role
     * integration, except data routes open to the public (they need public:read); the app refuses to start otherwise.
     */
    scopes?: readonly Scope[];
    /**
     * The route serves a county office token (`region_id`, src/modules/regions/scope.ts): its service scopes what it reads
     * and writes to the token's region. Routes without it refuse such a token (403) unless they are open to the public.
     */
    regionScoped?: boolean;
    /** The route reads Authorization itself (the token endpoint's HTTP Basic client authentication): the caller is anonymous here. */
    ownAuthorization?: boolean;
  }
  interface FastifyRequest {
    ctx: RequestContext;
  }
  interface FastifyInstance {
    verifyToken(token: string): Promise<Principal>;
    /**
     * Who an `Authorization` value speaks for: anonymous without one, the verified token's principal with
     * "Bearer <token>", 401 otherwise. The one way in, for HTTP requests and subscription connections alike.
     */
    authenticate(authorization: string | undefined): Promise<Principal>;
    /** Every route with the roles it declared: the access table tests sweep for denials. */
    routeAccess: RouteAccess[];
  }
}

/** Who may call a route, and the scopes an integration token needs there (none when it does not admit integration). */
export interface RouteAccess {
  method: string;
  url: string;
  access: readonly Role[];
  scopes: readonly Scope[];
  /** Serves a county office token (config.regionScoped). */
  regionScoped: boolean;
}

const claimsSchema = z
  .object({
    sub: z.string().min(1),
    role: z.enum(roles).exclude(['anonymous']),
    department_id: z.uuid().optional(),
    unit_id: z.uuid().optional(),
    supervisor_id: z.uuid().optional(),
    /** 县级 office: admin and inspector only (src/lib/principal.ts). */
    region_id: z.uuid().optional(),
    /** OAuth scopes, space-separated (RFC 8693 §4.2); read for role integration only. Absent: every scope (tokens from before scopes). */
    scope: z.string().max(2000).optional(),
    client_id: z.string().min(1).max(200).optional(),
  })
  .superRefine((c, ctx) => {
    for (const message of scopeMisfits(c.role, c)) ctx.addIssue({ code: 'custom', path: [], message });
  });

/** Verified tokens kept in memory (least recently used out first). */
const VERIFIED_TOKENS_KEPT = 10_000;

/** Routes outside the API that declare nothing: docs assets and the GraphQL endpoint (guarded per field). */
const UNDECLARED_OK = [/^\/docs/, /^\/graphql/];

export interface AuthOptions {
  config: Config;
  localKeys?: KeyPair;
}

export default fp<AuthOptions>(
  async (app, { config, localKeys }) => {
    let key: CryptoKey | JWTVerifyGetKey;
    if (config.JWT_JWKS_URL) key = createRemoteJWKSet(new URL(config.JWT_JWKS_URL));
    else if (config.JWT_PUBLIC_KEY) key = await importSPKI(config.JWT_PUBLIC_KEY.replace(/\\n/g, '\n'), config.JWT_ALGORITHMS[0]);
    else if (localKeys) key = createLocalJWKSet({ keys: [localKeys.publicJwk] });
    else throw new Error('no JWT verification key: set JWT_JWKS_URL or JWT_PUBLIC_KEY');

    // The service's own tokens (POST /oauth/token) are told apart by their issuer and checked with its own key.
    const clients = app.services.integrationClients;
    const own = await clients.signingKeys();

    // Verified tokens, kept until they expire: a signature check costs ~0.1 ms, a lookup nothing. A token is as good as
    // its own exp says either way; a key removed from the JWKS stops new tokens, not the ones verified before.
    const verified = new LruCache<{ principal: Principal; exp: number; nbf: number }>({ entries: VERIFIED_TOKENS_KEPT });
    // A client's token lives until its exp, but not past its client: the status is looked at on every request, from a
    // small cache that this process refreshes when it changes a client and that is at most CLIENT_STATUS_STALE_MS old.
    const verifyToken = async (token: string): Promise<Principal> => {
      const principal = await verifiedPrincipal(token);
      if (principal.clientId && !(await clients.isActive(principal.clientId))) throw unauthorized('the integration client this token was issued to is revoked');
      return principal;
    };
    const verifiedPrincipal = async (token: string): Promise<Principal> => {
      const kept = verified.get(token);
      if (kept) {
        const now = Date.now() / 1000;
        const tolerance = config.JWT_CLOCK_TOLERANCE_SECONDS;
        if (now <= kept.exp + tolerance && now >= kept.nbf - tolerance) return kept.principal;
        verified.delete(token);
      }
      return verifySignature(token);
    };
    const verifySignature = async (token: string): Promise<Principal> => {
      let payload: unknown;
      let ownToken = false;
      try {
        ownToken = decodeJwt(token).iss === config.TOKEN_ISSUER;
      } catch {
        // not a JWT: jwtVerify below says so
      }
      try {
        const common = { audience: config.JWT_AUDIENCE, clockTolerance: config.JWT_CLOCK_TOLERANCE_SECONDS, requiredClaims: ['exp', 'sub'] };
        const verified = ownToken
          ? await jwtVerify(token, own.publicKey, { ...common, algorithms: [own.alg ?? 'ES256'], issuer: config.TOKEN_ISSUER, typ: 'at+jwt' })
          : await jwtVerify(token, key as JWTVerifyGetKey, { ...common, algorithms: config.JWT_ALGORITHMS, issuer: config.JWT_ISSUER });
        payload = verified.payload;
      } catch (err) {
        throw unauthorized(`invalid token: ${(err as { code?: string }).code ?? 'verification failed'}`);
      }
      const claims = claimsSchema.safeParse(payload);
      if (!claims.success) {
        throw unauthorized(`invalid token claims: ${claims.error.issues.map((i) => [i.path.join('.'), i.message].filter(Boolean).join(' ')).join('; ')}`);
      }
      const c = claims.data;
      if (ownToken && (c.role !== 'integration' || !c.client_id || c.scope === undefined)) throw unauthorized('invalid token claims: a client token carries role integration, client_id and scope');
      // Scope values the catalogue does not know (an IdP's `openid profile`) grant nothing here.
      const scopes = c.role === 'integration' && c.scope !== undefined ? Object.freeze(parseScopeList(c.scope).filter(isScope)) : undefined;
      const principal: Principal = Object.freeze({
        role: c.role,
        subject: c.sub,
        departmentId: c.department_id,
        unitId: c.unit_id,
        supervisorId: c.supervisor_id,
        ...(c.region_id ? { regionId: c.region_id } : {}),
        ...(scopes ? { scopes } : {}),
        ...(ownToken ? { clientId: c.client_id } : {}),
      });
      const { exp, nbf } = payload as { exp: number; nbf?: number };
      verified.set(token, { principal, exp, nbf: nbf ?? 0 });
      return principal;
    };
    const authenticate = async (authorization: string | undefined): Promise<Principal> => {
      if (!authorization) return anonymous;
      const m = /^Bearer\s+(\S+)$/i.exec(authorization);
      if (!m) throw unauthorized('Authorization must be "Bearer <token>"');
      return withRegionSubtree(await verifyToken(m[1]));
    };
    // A county office's subtree is read on every request (one indexed prefix scan), so regions added later are covered.
    const withRegionSubtree = async (principal: Principal): Promise<Principal> => {
      if (!principal.regionId) return principal;
      const ids = await app.services.regions.subtreeIds(principal.regionId);
      if (!ids) throw unauthorized(`invalid token claims: region_id ${principal.regionId} does not exist`);
      return Object.freeze({ ...principal, regionSubtree: new Set(ids) });
    };
    app.decorate('verifyToken', verifyToken);
    app.decorate('authenticate', authenticate);
    app.decorateRequest('ctx', null as unknown as RequestContext);

    const routeAccess: RouteAccess[] = [];
    app.decorate('routeAccess', routeAccess);
    app.addHook('onRoute', (route) => {
      if (route.config?.access) {
        const { access, scopes: declared } = route.config;
        const problem = scopeDeclarationProblem(access, declared, route.url);
        if (problem) throw new Error(`route ${String(route.method)} ${route.url} ${problem}`);
        const scopes = requiredScopes(access, declared, route.url) ?? [];
        const regionScoped = route.config.regionScoped === true;
        for (const method of [route.method].flat()) if (method !== 'HEAD') routeAccess.push({ method, url: route.url, access, scopes, regionScoped });
        return;
      }
      if (UNDECLARED_OK.some((re) => re.test(route.url))) return;
      throw new Error(`route ${String(route.method)} ${route.url} does not declare config.access`);
    });

    /** Whether the authenticated caller may call this route; throws the 401/403 problem otherwise. */
    const authorize = (request: FastifyRequest, reply: FastifyReply): void => {
      const routeConfig = request.routeOptions.config;
      const access = routeConfig?.access;
      if (!access) return;
      const role = request.ctx.principal.role;
      if (access.includes(role)) {
        if (request.ctx.principal.regionId && !routeConfig.regionScoped && !access.includes('anonymous')) {
          throw forbidden(prefectureOnly(`${request.method} ${request.routeOptions.url}`));
        }
        const missing = missingScopes(request.ctx.principal, requiredScopes(access, routeConfig.scopes, request.routeOptions.url));
        if (missing.length) throw insufficientScope(missing, `${request.method} ${request.routeOptions.url}`);
        return;
      }
      if (role === 'anonymous') {
        reply.header('www-authenticate', 'Bearer');
        throw unauthorized();
      }
      throw forbidden(`role ${role} may not call ${request.method} ${request.routeOptions.url}`);
    };
    // Callback style: a request without a token (the public's) is decided synchronously, without the promise and
    // microtask turn an async hook costs on every request; a token is verified asynchronously.
    app.addHook('onRequest', (request, reply, done) => {
      request.ctx = { principal: anonymous, requestId: request.id };
      if (request.routeOptions.config?.ownAuthorization) return done();
      const settle = () => {
        try {
          authorize(request, reply);
        } catch (err) {
          return done(err as Error);
        }
        done();
      };
      const header = request.headers.authorization;
      if (!header) return settle();
      authenticate(header).then((principal) => {
        request.ctx.principal = principal;
        settle();
      }, done);
    });
  },
  { name: 'auth' },
);
