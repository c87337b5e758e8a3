import { DomainError } from './errors.js';
import type { Principal, Role } from './principal.js';

/**
 * The OAuth scopes (授权范围) an integration client may hold: the one catalogue. Routes declare theirs in
 * `config.scopes`, GraphQL fields in guard(); an integration token must hold every scope its operation declares.
 * Only the role `integration` is scoped: people's tokens carry their role's rights and no scopes.
 */
export const scopeCatalogue = {
  'public:read': { zhCN: '读取公开信息', en: 'read what the public may read (every operation open to anonymous callers)' },
  'reference:read': { zhCN: '读取评议基础数据', en: 'read the campaign structure: regions, departments, units, cycles, enrollments, criteria, commendations' },
  'rankings:read': { zhCN: '读取排名', en: 'read rankings and their entries, published or not' },
  'statistics:read': { zhCN: '读取统计与看板', en: 'read statistics and the scoreboard' },
  'ratings:read': { zhCN: '读取评价统计', en: 'read rating counts' },
  'ratings:write': { zhCN: '提交群众评价', en: 'submit ratings and run rating imports' },
  'complaints:write': { zhCN: '受理投诉', en: 'file complaints (REST, GraphQL and Open311)' },
  'cases:read': { zhCN: '读取办件', en: 'read service cases (办件) and case imports' },
  'cases:write': { zhCN: '报送办件', en: 'create and move service cases (办件), run case imports' },
  'webhooks:manage': { zhCN: '管理 Webhook 订阅', en: 'reserved: webhook subscriptions are managed by the office today' },
} as const;

export type Scope = keyof typeof scopeCatalogue;
export const scopes = Object.keys(scopeCatalogue) as [Scope, ...Scope[]];
export const isScope = (s: string): s is Scope => Object.hasOwn(scopeCatalogue, s);

/** What an operation open to the public asks of an integration token when it declares nothing else. */
export const PUBLIC_SCOPE: Scope = 'public:read';

/** Where an operation open to the public holds data: elsewhere (health, docs, keys, the token endpoint) no scope applies. */
const DATA_PATHS = /^\/(api|open311|graphql)(\/|$)/;

/**
 * The scopes an integration token needs for an operation admitting `access` at `url`: the declared ones, else
 * public:read for a data operation open to anonymous callers (an integration token is not rate limited as the public
 * is, so even public data is a grant). Undefined when the operation admits integration and declares none (the app
 * refuses to start then), or does not admit integration at all (no scope applies).
 */
export function requiredScopes(access: readonly Role[], declared: readonly Scope[] | undefined, url = '/graphql'): readonly Scope[] | undefined {
  if (!access.includes('integration')) return undefined;
  if (declared?.length) return declared;
  if (!access.includes('anonymous')) return undefined;
  return DATA_PATHS.test(url) ? [PUBLIC_SCOPE] : [];
}

/** Why a declaration is refused at start: the problem, or null when it is whole. */
export function scopeDeclarationProblem(access: readonly Role[], declared: readonly Scope[] | undefined, url?: string): string | null {
  const unknown = (declared ?? []).filter((s) => !isScope(s));
  if (unknown.length) return `declares unknown scopes ${unknown.join(', ')} (src/lib/scopes.ts)`;
  if (access.includes('integration') && !requiredScopes(access, declared, url)) return 'admits role integration but declares no scopes (config.scopes, src/lib/scopes.ts)';
  return null;
}

/** The scopes a principal lacks for an operation; empty for every role but integration, and for unscoped tokens. */
export function missingScopes(principal: Principal, required: readonly Scope[] | undefined): Scope[] {
  if (principal.role !== 'integration' || !principal.scopes || !required) return [];
  return required.filter((s) => !principal.scopes!.includes(s));
}

/** 403 insufficient_scope (RFC 6750 §3.1's name), naming the scopes the token lacks. */
export function insufficientScope(missing: readonly Scope[], operation: string): DomainError {
  return new DomainError(403, 'insufficient_scope', 'Forbidden', `this integration token lacks the scope ${missing.join(' ')} that ${operation} needs`, {
    errors: missing.map((s) => ({ field: 'scope', message: `${s} is required` })),
    missingScopes: [...missing],
  }).zh(`该集成令牌缺少 ${operation} 所需的授权范围 ${missing.join(' ')}`);
}

/** A `scope` claim or parameter (space-separated, RFC 6749 §3.3) as a list, without duplicates. */
export const parseScopeList = (scope: string): string[] => [...new Set(scope.split(' ').filter(Boolean))];

/** The OpenAPI security scheme of the client-credentials flow, with the catalogue as its scopes. */
export const oauth2SecurityScheme = {
  type: 'oauth2',
  description:
    'Integration clients (集成客户端) registered by the office obtain a short-lived JWT (TOKEN_TTL_SECONDS, 600 s by default) with the client-credentials grant; send it as a bearer token. Tokens are issued and verified as RFC8725 advises: one allowed algorithm, issuer, audience, `exp` and `typ` at+jwt checked.',
  flows: { clientCredentials: { tokenUrl: '/oauth/token', scopes: Object.fromEntries(scopes.map((s) => [s, `${scopeCatalogue[s].zhCN}: ${scopeCatalogue[s].en}`])) } },
} as const;

/** One operation's access as the OpenAPI document states it: the `x-manyi-access` extension. */
export function describeAccess(access: readonly Role[], scopes: readonly Scope[]): { roles: Role[]; scopes: Scope[] } {
  return { roles: [...access], scopes: [...scopes] };
}
