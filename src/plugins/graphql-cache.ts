import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Kind, TypeInfo, visit, visitWithTypeInfo } from 'graphql';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { EncodedBody, negotiate } from '../lib/encoded-body.js';
import type { IsResolved } from '../lib/graphql-limits.js';
import { LruCache } from '../lib/lru.js';

/** Memory the remembered answers may hold (bytes, every encoding counted). */
const ANSWER_CACHE_BYTES = 32 * 1024 * 1024;

/**
 * Answers that never change, answered from memory: an anonymous query whose every resolved field is pure (its answer
 * depends on its arguments and its parent only — a published snapshot's page, the categories) gives the same bytes
 * for the same text, operation name and variables, so after the first answer without errors the next ones are those
 * bytes (compressed when the client asks) — no parsing, validation, execution or JSON.stringify. The same reasoning as
 * the REST public ranking pages' byte cache. Authenticated callers and anything else run as usual: a token's role and
 * scopes decide what it may see, and live data changes.
 */
export function cachePureAnswers(app: FastifyInstance, pure: ReadonlySet<string>, isResolved: IsResolved) {
  const answers = new LruCache<EncodedBody>({ entries: 4096, weight: ANSWER_CACHE_BYTES, weigh: (b) => b.weight + b.tag.length });
  /** the cache key of an anonymous POST /graphql not answered from memory */
  const keys = new WeakMap<FastifyRequest, string>();
  /** requests whose operation ran pure and, so far, without errors */
  const pureRuns = new WeakSet<FastifyRequest>();
  const pureDocuments = new WeakMap<DocumentNode, boolean>();

  const isPure = (schema: GraphQLSchema, document: DocumentNode): boolean => {
    const known = pureDocuments.get(document);
    if (known !== undefined) return known;
    let ok = true;
    const typeInfo = new TypeInfo(schema);
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        OperationDefinition(node) {
          if (node.operation !== 'query') ok = false;
        },
        Field(node) {
          const parent = typeInfo.getParentType()?.name;
          if (!parent || node.name.value.startsWith('__')) return;
          if (isResolved(parent, node.name.value) && !pure.has(`${parent}.${node.name.value}`)) ok = false;
        },
      }),
    );
    ok &&= document.definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION);
    pureDocuments.set(document, ok);
    return ok;
  };

  const isGraphqlPost = (request: FastifyRequest) => request.method === 'POST' && request.routeOptions.url === '/graphql';

  // before the route's body validation: a remembered answer needs nothing of it (the same text passed it when it ran)
  app.addHook('preValidation', async (request, reply) => {
    if (!isGraphqlPost(request) || request.ctx?.principal.role !== 'anonymous') return;
    const body = request.body as { query?: unknown; variables?: unknown; operationName?: unknown } | null;
    if (typeof body?.query !== 'string') return;
    const key = JSON.stringify([body.query, body.operationName ?? null, body.variables ?? null]);
    const known = answers.get(key);
    if (!known) {
      keys.set(request, key);
      return;
    }
    const coding = negotiate(request.headers['accept-encoding']);
    void reply.header('vary', 'accept-encoding');
    if (coding !== 'identity') void reply.header('content-encoding', coding);
    return reply.type(known.contentType).send(known.bytes(coding));
  });

  app.graphql.addHook('preExecution', async (schema, document, context) => {
    const request = context.reply?.request;
    if (request && keys.has(request) && isPure(schema, document)) pureRuns.add(request);
  });
  app.graphql.addHook('onResolution', async (execution, context) => {
    if (execution.errors?.length && context.reply) pureRuns.delete(context.reply.request);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const key = keys.get(request);
    if (key === undefined || !pureRuns.has(request)) return payload;
    // Remembered only once it ran (the execution hooks saw it pure and without errors) and answered 200 in plain JSON.
    if (reply.statusCode === 200 && typeof payload === 'string' && !reply.getHeader('content-encoding')) {
      answers.set(key, new EncodedBody(Buffer.from(payload), key));
    }
    return payload;
  });
}
