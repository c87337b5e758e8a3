import fp from 'fastify-plugin';
import mercurius from 'mercurius';
import type { IResolvers, MercuriusLoaders } from 'mercurius';
import { buildSchema, GraphQLError, Kind } from 'graphql';
import type { ValidationRule, ValueNode } from 'graphql';
import type { z } from 'zod';
import type { Config } from '../config.js';
import { DomainError, invalidMany } from '../lib/errors.js';
import { batchedResolver, guardScopeProblem, isGuarded } from '../lib/graphql.js';
import type { FieldWeights } from '../lib/graphql-limits.js';
import type { Services } from '../modules/services.js';
import { isoDate } from '../lib/http.js';
import { RETRY_AFTER_SECONDS, toProblem } from './errors.js';
import { isStorableText } from './input-guard.js';
import { cachePureAnswers } from './graphql-cache.js';
import { limitOperations } from './graphql-limits.js';
import { connectionAuthenticator } from './subscription-auth.js';

declare module 'mercurius' {
  interface MercuriusContext {
    /** Every resolver and loader reaches the domain through these (the same services as REST). */
    services: Services;
  }
}

export interface GraphqlModule {
  typeDefs: string;
  resolvers: IResolvers;
  loaders?: MercuriusLoaders;
  /** The cost of the module's heavy fields (`'Query.statistics': 1000`), declared beside its SDL; other fields cost 1. */
  weights?: FieldWeights;
  /**
   * Resolved fields whose answer depends on their arguments and parent only, never on the caller or on data that
   * changes (`'Query.publicRankingPage'`: a published snapshot): an anonymous query made of them alone is answered
   * from memory after its first answer (src/plugins/graphql-cache.ts).
   */
  pure?: readonly string[];
}

/** Validates GraphQL arguments with the same zod schema as REST; errors name the argument path. */
export function parseArgs<T extends z.ZodType>(schema: T, value: unknown, prefix = ''): z.output<T> {
  const parsed = schema.safeParse(stripNulls(value));
  if (parsed.success) return parsed.data;
  throw invalidMany(parsed.error.issues.map((i) => ({ field: [prefix, ...i.path.map(String)].filter(Boolean).join('.'), message: i.message })));
}

/** GraphQL sends null for omitted optional arguments; zod optional() wants undefined. */
function stripNulls(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== null && x !== undefined));
}

const baseTypeDefs = /* GraphQL */ `
  "An instant: an ISO 8601 timestamp with zone, written exactly as the REST API writes it (2024-05-01T08:00:00.000Z)"
  scalar DateTime @specifiedBy(url: "https://scalars.graphql.org/andimarek/date-time")
  type Query { _version: String! }
  type Mutation { _noop: Boolean }
`;

/**
 * Accepts what REST bodies accept (isoDate) and hands resolvers the string, so the shared zod schemas see the same input.
 * Input fields and arguments still declare String (clients send `$deadline: String` variables); the zod schema checks them.
 */
function parseDateTime(value: unknown): string {
  const parsed = isoDate.safeParse(value);
  if (!parsed.success) throw new GraphQLError(`DateTime: expected an ISO 8601 timestamp with zone, e.g. 2024-05-01T08:00:00Z; got ${JSON.stringify(value)}`);
  return parsed.data;
}

const dateTimeScalar = {
  serialize: (value: unknown) => (value instanceof Date ? value.toISOString() : parseDateTime(value)),
  parseValue: parseDateTime,
  parseLiteral: (ast: ValueNode) => parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined),
};

/** Inline string arguments (`"a\\u0000b"`) are refused like the same text in a variable or a REST body. */
const storableStrings: ValidationRule = (context) => ({
  StringValue(node) {
    if (isStorableText(node.value)) return;
    context.reportError(new GraphQLError('a string argument holds a NUL character or text that is not valid Unicode', { nodes: [node], extensions: { code: 'invalid_characters' } }));
  },
});

export default fp<{ config: Config; modules: GraphqlModule[] }>(
  async (app, { config, modules }) => {
    const resolvers: IResolvers = { DateTime: dateTimeScalar, Query: { _version: () => '1' }, Mutation: { _noop: () => null } };
    const loaders: MercuriusLoaders = {};
    const weights: Record<string, number> = {};
    const pure = new Set<string>();
    for (const m of modules) {
      Object.assign(weights, m.weights);
      for (const f of m.pure ?? []) pure.add(f);
      for (const [type, fields] of Object.entries(m.resolvers)) {
        resolvers[type] = { ...((resolvers[type] as object) ?? {}), ...(fields as object) };
      }
      for (const [type, fields] of Object.entries(m.loaders ?? {})) {
        loaders[type] = { ...(loaders[type] ?? {}), ...fields };
      }
    }
    // Loaders become resolvers that batch per request and tick (lib/graphql.ts batchedResolver), over any resolver of the
    // same field, as mercurius' own loaders would.
    for (const [type, fields] of Object.entries(loaders)) {
      const own = (resolvers[type] ?? {}) as Record<string, unknown>;
      for (const [field, loader] of Object.entries(fields)) own[field] = batchedResolver(`${type}.${field}`, loader);
      resolvers[type] = own as IResolvers[string];
    }
    // Every root field must declare its roles (guard()); the service will not start otherwise.
    for (const root of ['Query', 'Mutation', 'Subscription']) {
      for (const [name, fn] of Object.entries((resolvers[root] as Record<string, unknown>) ?? {})) {
        if (name.startsWith('_')) continue;
        const resolve = typeof fn === 'object' && fn !== null && 'subscribe' in fn ? (fn as { subscribe: unknown }).subscribe : fn;
        if (!isGuarded(resolve)) throw new Error(`GraphQL ${root}.${name} does not declare its roles`);
        const scopeProblem = guardScopeProblem(resolve);
        if (scopeProblem) throw new Error(`GraphQL ${root}.${name} ${scopeProblem}`);
      }
    }

    await app.register(mercurius, {
      // Built (and its SDL validated) here, at start, as mercurius would, but without the SDL's token locations: nothing
      // reads them once the schema exists, and they were a third of its memory.
      schema: buildSchema([baseTypeDefs, ...modules.map((m) => m.typeDefs)].join('\n'), { noLocation: true }),
      resolvers,
      // Mercurius' IDE loads React and GraphiQL from a CDN; src/plugins/graphiql.ts serves our own copy instead.
      graphiql: false,
      // No `queryDepth`: mercurius' would refuse every introspection query; limitOperations (below) applies the depth limit,
      // introspection exempt. No batches: one request is one operation, so the cost budget holds per request.
      allowBatchedQueries: false,
      // Queries asked a third time run compiled (graphql-jit): a nested page of 50 ranking entries answers ~1.4× faster.
      jit: 2,
      validationRules: [storableStrings],
      // Subscriptions over WebSocket: the upgrade request is authenticated like any other (Authorization header);
      // a browser, which cannot set that header, sends its token in graphql-ws connectionParams instead.
      // With REDIS_URL the emitter is shared: an event published by any copy reaches the subscribers of every copy, once.
      subscription: {
        context: (_socket, request) => ({ ctx: request.ctx, services: app.services }),
        onConnect: connectionAuthenticator(app),
        ...(app.redis ? { emitter: app.redis.emitter } : {}),
      },
      context: (request) => ({ ctx: request.ctx, services: app.services }),
      errorFormatter: (execution, context) => {
        // Query validation arrives as one error wrapping the real ones: unwrap.
        const flat = (execution.errors ?? []).flatMap((e) => {
          const nested = ((e as GraphQLError).originalError as { errors?: unknown[] } | undefined)?.errors;
          return Array.isArray(nested)
            ? nested.map((n) => new GraphQLError((n as Error).message, { extensions: { code: (n as GraphQLError).extensions?.code ?? 'graphql_validation_failed' } }))
            : [e];
        });
        const errors = flat.map((e) => {
          if (!(e as GraphQLError).originalError && (e as GraphQLError).extensions?.code) return e as GraphQLError;
          const original = (e as GraphQLError).originalError ?? e;
          const p = toProblem(original, '/graphql');
          const known = original instanceof DomainError || !!(original as { statusCode?: number }).statusCode || p.status < 500 || p.code === 'database_unavailable';
          if (known) {
            if (p.code === 'database_unavailable') {
              context.reply.log.warn({ err: original }, 'graphql resolver failed: database unavailable');
              void context.reply.header('retry-after', String(RETRY_AFTER_SECONDS));
            } else if (p.status >= 500) context.reply.log.error({ err: original }, 'graphql resolver failed');
            return new GraphQLError(p.detail, {
              nodes: e.nodes,
              path: e.path,
              extensions: { code: p.code, status: p.status, ...(p.errors ? { errors: p.errors } : {}) },
            });
          }
          if (original instanceof GraphQLError || !(e as GraphQLError).originalError) {
            // validation/parse errors of the query itself
            return new GraphQLError(e.message, { nodes: e.nodes, path: e.path, extensions: { code: 'graphql_validation_failed', ...(e as GraphQLError).extensions } });
          }
          context.reply.log.error({ err: original }, 'graphql resolver failed');
          return new GraphQLError('an unexpected error occurred; it has been logged with this request id', {
            nodes: e.nodes,
            path: e.path,
            extensions: { code: 'internal_error' },
          });
        });
        // A query that never executed (syntax, unknown field, depth) is the client's 400; resolver errors ride on 200.
        // A refusal before execution (bad token 401, rate limit 429, body too large 413) keeps its HTTP status.
        const executed = execution.data !== undefined;
        const refused = errors.map((e) => e.extensions?.status).find((st): st is number => typeof st === 'number' && st !== 400);
        return { statusCode: executed ? 200 : (refused ?? 400), response: { data: execution.data ?? null, errors } };
      },
    });
    const own = (map: Record<string, unknown>, type: string, field: string) => !!(map[type] as Record<string, unknown> | undefined)?.[field];
    // (loaders are resolvers by now)
    const isResolved = (type: string, field: string) => own(resolvers, type, field);
    limitOperations(app, config, weights, isResolved);
    cachePureAnswers(app, pure, isResolved);
  },
  { name: 'graphql', dependencies: ['auth', 'redis'] },
);
