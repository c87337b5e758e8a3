import type { MercuriusContext, MercuriusLoaders } from 'mercurius';
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

/**
 * An entity fetched by id for every field that returns it (Unit for Complaint.unit, RankingEntry.unit, Problem.unit …):
 * one batched statement per entity and level of the query, whichever fields ask, and each id fetched once per request.
 * Mercurius batches per field; here the ids every field asks for wait while any fetch of the request is under way, so
 * the fields a level's answers open (a unit's department and region, a department's region, a region's parent) are
 * fetched together, one statement per entity, once the level before has arrived.
 */
export interface EntityLoader<R extends { id: string }> {
  /** A mercurius loader for a field that holds the entity's id (`(c) => c.unitId`); null where not found or not visible. */
  by<P>(key: (parent: P) => string | null | undefined): (queries: { obj: P }[], context: MercuriusContext) => Promise<(R | null)[]>;
}

type EntityFetch = (ids: string[], context: MercuriusContext) => Promise<{ id: string }[]>;
interface Batch {
  ids: Set<string>;
  done: Promise<Map<string, unknown>>;
  resolve: (rows: Map<string, unknown>) => void;
  reject: (err: unknown) => void;
}
/** One request's entity fetches: rows asked for so far per entity, the next wave's batches, fetches under way. */
interface RequestLoads {
  context: MercuriusContext;
  rows: Map<EntityFetch, Map<string, Promise<unknown>>>;
  pending: Map<EntityFetch, Batch>;
  inFlight: number;
  scheduled: boolean;
}
const requestLoads = new WeakMap<object, RequestLoads>();

/** Starts the waiting batches once nothing is under way, on the next turn: every field the last answers opened has asked by then. */
function flushWhenIdle(r: RequestLoads): void {
  if (r.scheduled || r.inFlight > 0 || r.pending.size === 0) return;
  r.scheduled = true;
  setImmediate(() => {
    r.scheduled = false;
    const wave = [...r.pending];
    r.pending = new Map();
    r.inFlight += wave.length;
    for (const [fetch, batch] of wave) {
      fetch([...batch.ids], r.context)
        .then((rows) => batch.resolve(new Map(rows.map((row) => [row.id, row]))), batch.reject)
        .finally(() => {
          r.inFlight--;
          flushWhenIdle(r);
        });
    }
  });
}

/** What identifies one request's execution: the reply is one per HTTP request; a subscription's context has none but is itself one per operation. */
const executionOf = (context: MercuriusContext): object => (context.reply as object | undefined) ?? context;

function loadEntities(fetch: EntityFetch, context: MercuriusContext, ids: string[]): Promise<unknown[]> {
  const key = executionOf(context);
  let r = requestLoads.get(key);
  if (!r) requestLoads.set(key, (r = { context, rows: new Map(), pending: new Map(), inFlight: 0, scheduled: false }));
  let rows = r.rows.get(fetch);
  if (!rows) r.rows.set(fetch, (rows = new Map()));
  for (const id of ids) {
    if (rows.has(id)) continue;
    let batch = r.pending.get(fetch);
    if (!batch) {
      let settle!: Pick<Batch, 'resolve' | 'reject'>;
      const done = new Promise<Map<string, unknown>>((resolve, reject) => (settle = { resolve, reject }));
      r.pending.set(fetch, (batch = { ids: new Set(), done, ...settle }));
    }
    batch.ids.add(id);
    rows.set(
      id,
      batch.done.then((found) => found.get(id) ?? null),
    );
  }
  flushWhenIdle(r);
  return Promise.all(ids.map((id) => rows.get(id)!));
}

export function entityLoader<R extends { id: string }>(fetch: (ids: string[], context: MercuriusContext) => Promise<R[]>): EntityLoader<R> {
  return {
    by: (key) => async (queries, context) => {
      const keys = queries.map((q) => key(q.obj) ?? null);
      const rows = (await loadEntities(fetch, context, [...new Set(keys.filter((k): k is string => !!k))])) as (R | null)[];
      const byId = new Map(rows.filter((row): row is R => row !== null).map((row) => [row.id, row]));
      return keys.map((k) => (k ? (byId.get(k) ?? null) : null));
    },
  };
}

/**
 * A mercurius loader as a plain resolver: the parents asking for the field within one tick of one request reach the
 * loader together, in one call, as mercurius' own loaders batch them. Without mercurius' per-request cache: it keys
 * every parent by a stable stringify of the whole parent object (a ranking entry, a unit …), which was a third of the
 * CPU of a nested page; the loaders here collect distinct ids themselves (loadBy, entityLoader).
 */
export function batchedResolver(name: string, loader: MercuriusLoaders[string][string]): Resolver {
  const load = (typeof loader === 'function' ? loader : loader.loader) as (queries: { obj: unknown; params: unknown }[], context: MercuriusContext) => Promise<unknown[]>;
  interface Waiting {
    queries: { obj: unknown; params: unknown }[];
    settle: { resolve: (v: unknown) => void; reject: (e: unknown) => void }[];
  }
  const waiting = new WeakMap<object, Waiting>();
  const run = (context: MercuriusContext, w: Waiting) => {
    const fail = (err: unknown) => w.settle.forEach((s) => s.reject(err));
    load(w.queries, context).then((data) => {
      if (!Array.isArray(data) || data.length !== w.queries.length) return fail(new Error(`the loader of ${name} answered ${Array.isArray(data) ? data.length : 'no'} results for ${w.queries.length} parents`));
      w.settle.forEach((s, i) => s.resolve(data[i]));
    }, fail);
  };
  /** The execution's next batch of this field, run once the tick's fields have asked. */
  const open = (key: object, context: MercuriusContext): Waiting => {
    const w: Waiting = { queries: [], settle: [] };
    waiting.set(key, w);
    process.nextTick(() => {
      waiting.delete(key);
      run(context, w);
    });
    return w;
  };
  return (obj, params, context) => {
    const key = executionOf(context);
    const w = waiting.get(key) ?? open(key, context);
    w.queries.push({ obj, params });
    return new Promise((resolve, reject) => w.settle.push({ resolve, reject }));
  };
}
