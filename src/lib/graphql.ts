import type { MercuriusContext } from 'mercurius';
import { forbidden, unauthorized } from './errors.js';
import { prefectureOnly } from './principal.js';
import type { RequestContext, Role } from './principal.js';
import { insufficientScope, missingScopes, requiredScopes, scopeDeclarationProblem } from './scopes.js';
import type { Scope } from './scopes.js';

// The resolvers' context is completed where it is built (src/plugins/graphql.ts adds the services).
declare module 'mercurius' {
  interface MercuriusContext {
    ctx: RequestContext;
  }
}

const GUARDED = Symbol('guarded');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Resolver = (parent: any, args: any, context: MercuriusContext, info: any) => unknown;

/** Who may resolve a field: roles, and the scopes an integration token needs (fields open to the public: public:read). */
export type FieldAccess = readonly Role[] | { roles: readonly Role[]; scopes?: readonly Scope[]; regionScoped?: boolean };

/** Declares who may resolve a root field; the GraphQL plugin refuses to start if a root field has none. */
export function guard<A>(declared: FieldAccess, fn: (args: A, context: MercuriusContext, parent: unknown) => unknown): Resolver {
  const access = 'roles' in declared ? declared.roles : (declared as readonly Role[]);
  const scopes = 'roles' in declared ? declared.scopes : undefined;
  // A county office token (region_id) resolves only fields whose service scopes to its region, and public ones.
  const regionScoped = ('roles' in declared && declared.regionScoped === true) || access.includes('anonymous');
  const needs = requiredScopes(access, scopes);
  const wrapped = ((parent: unknown, args: A, context: MercuriusContext, info: { fieldName?: string }) => {
    const role = context.ctx.principal.role;
    if (!access.includes(role)) throw role === 'anonymous' ? unauthorized() : forbidden(`role ${role} may not query this field`);
    if (context.ctx.principal.regionId && !regionScoped) throw forbidden(prefectureOnly(`the field ${info?.fieldName ?? ''}`.trim()));
    const missing = missingScopes(context.ctx.principal, needs);
    if (missing.length) throw insufficientScope(missing, `the field ${info?.fieldName ?? ''}`.trim());
    return fn(args, context, parent);
  }) as Resolver & { [GUARDED]?: { access: readonly Role[]; scopes?: readonly Scope[] } };
  wrapped[GUARDED] = { access, scopes };
  return wrapped;
}

export function isGuarded(fn: unknown): boolean {
  return typeof fn === 'function' && GUARDED in fn;
}

/** What is wrong with a guarded field's scope declaration (null: nothing); the GraphQL plugin refuses to start on it. */
export function guardScopeProblem(fn: unknown): string | null {
  const declared = (fn as { [GUARDED]?: { access: readonly Role[]; scopes?: readonly Scope[] } })[GUARDED];
  return declared ? scopeDeclarationProblem(declared.access, declared.scopes) : null;
}

/**
 * The common loader: collect the parents' keys, fetch them in ONE call, hand results back in parent order.
 */
export async function loadBy<P, R extends { id: string }>(
  queries: { obj: P }[],
  key: (parent: P) => string | null | undefined,
  fetch: (ids: string[]) => Promise<R[]>,
): Promise<(R | null)[]> {
  const ids = [...new Set(queries.map((q) => key(q.obj)).filter((k): k is string => !!k))];
  const rows = ids.length ? await fetch(ids) : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return queries.map((q) => {
    const k = key(q.obj);
    return k ? (byId.get(k) ?? null) : null;
  });
}
