import type { Scope } from './scopes.js';

/** The roles of docs/product.md. `anonymous` is the public, without a token. */
export const roles = ['admin', 'inspector', 'supervisor', 'department', 'unit', 'integration', 'anonymous'] as const;
export type Role = (typeof roles)[number];
/** The roles a token can carry. */
export type TokenRole = Exclude<Role, 'anonymous'>;

/** The token claims that scope a role to one department, unit or supervisor. */
export const scopeClaims = ['department_id', 'unit_id', 'supervisor_id'] as const;
export type ScopeClaim = (typeof scopeClaims)[number];

/**
 * Which scoping claim each role's token must carry; it must carry none of the others. A claim that does not fit
 * the role would be ignored by one rule and honoured by another, so a token that does not fit is refused.
 */
export const roleScope: Record<TokenRole, ScopeClaim | null> = {
  admin: null,
  inspector: null,
  integration: null,
  supervisor: 'supervisor_id',
  department: 'department_id',
  unit: 'unit_id',
};

/**
 * 县级 office: an admin or inspector token may carry `region_id` (a region, usually a county 县/市); it then acts for that
 * region's office only — the units whose region lies in that region's subtree, and their records (see
 * src/modules/regions/scope.ts). Without it the token is the prefecture office's (州/市), as before. No other role takes it.
 */
export const REGION_CLAIM = 'region_id' as const;
export const regionScopedRoles: readonly TokenRole[] = ['admin', 'inspector'];

/** Why a county office token may not call a prefecture-wide route or field (auth plugin, GraphQL guard). */
export const prefectureOnly = (what: string) => `${what} is the prefecture office's: a county office token (region_id) may not call it`;

/** What is wrong with a role's scoping claims, one line per claim; empty when they fit. */
export function scopeMisfits(role: TokenRole, present: Partial<Record<ScopeClaim | typeof REGION_CLAIM, unknown>>): string[] {
  const required = roleScope[role];
  const problems = required && present[required] === undefined ? [`${required} is required for role ${role}`] : [];
  for (const claim of scopeClaims) {
    if (claim !== required && present[claim] !== undefined) problems.push(`${claim} is not allowed for role ${role}`);
  }
  if (present[REGION_CLAIM] !== undefined && !regionScopedRoles.includes(role)) problems.push(`${REGION_CLAIM} is not allowed for role ${role}`);
  return problems;
}

export interface Principal {
  role: Role;
  /** Token subject; 'anonymous' for the public. */
  subject: string;
  departmentId?: string;
  unitId?: string;
  supervisorId?: string;
  /** 县级 office: the region (`region_id` claim) an admin or inspector acts for; undefined for the prefecture office. */
  regionId?: string;
  /**
   * The ids of `regionId` and every region below it, resolved on every request (so a township added later is covered);
   * read it only through src/modules/regions/scope.ts.
   */
  regionSubtree?: ReadonlySet<string>;
  /**
   * An integration token's OAuth scopes (src/lib/scopes.ts). Undefined for every other role, and for an integration
   * token without a `scope` claim (minted by `npm run token` or an IdP): such a token holds every scope, as before scopes.
   */
  scopes?: readonly Scope[];
  /** The registered integration client a token was issued to by POST /oauth/token; its status is checked per request. */
  clientId?: string;
}

/** What every service call carries: who acts, and the request it came in on (for the audit log). */
export interface RequestContext {
  principal: Principal;
  requestId: string;
}

export const anonymous: Principal = { role: 'anonymous', subject: 'anonymous' };

/** A context for work the service does on its own (demo data, schedulers). */
export const systemContext = (requestId = 'system'): RequestContext => ({
  principal: { role: 'admin', subject: 'system' },
  requestId,
});

/** Shorthands for route and resolver declarations. */
export const ALL_AUTHENTICATED: Role[] = ['admin', 'inspector', 'supervisor', 'department', 'unit', 'integration'];
export const EVERYONE: Role[] = [...ALL_AUTHENTICATED, 'anonymous'];
export const STAFF: Role[] = ['admin', 'inspector'];
