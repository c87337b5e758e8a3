import type { MercuriusContext } from 'mercurius';
import { forbidden, unauthorized } from './errors.js';
import type { RequestContext, Role } from './principal.js';

// The resolvers' context is completed where it is built (src/plugins/graphql.ts adds the services).
declare module 'mercurius' {
  interface MercuriusContext {
    ctx: RequestContext;
  }
}

const GUARDED = Symbol('guarded');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Resolver = (parent: any, args: any, context: MercuriusContext, info: any) => unknown;

/** Declares who may resolve a root field; the GraphQL plugin refuses to start if a root field has none. */
export function guard<A>(access: readonly Role[], fn: (args: A, context: MercuriusContext, parent: unknown) => unknown): Resolver {
  const wrapped = ((parent: unknown, args: A, context: MercuriusContext) => {
    const role = context.ctx.principal.role;
    if (!access.includes(role)) throw role === 'anonymous' ? unauthorized() : forbidden(`role ${role} may not query this field`);
    return fn(args, context, parent);
  }) as Resolver & { [GUARDED]?: readonly Role[] };
  wrapped[GUARDED] = access;
  return wrapped;
}

export function isGuarded(fn: unknown): boolean {
  return typeof fn === 'function' && GUARDED in fn;
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
