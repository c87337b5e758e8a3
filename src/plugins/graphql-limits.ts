import type { FastifyInstance } from 'fastify';
import { GraphQLError, Location } from 'graphql';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import type { MercuriusContext } from 'mercurius';
import type { Config } from '../config.js';
import type { ErrorCode } from '../lib/errors.js';
import { measureOperation } from '../lib/graphql-limits.js';
import type { FieldWeights, IsResolved, OperationMeasure } from '../lib/graphql-limits.js';

/**
 * Refuses an operation that would cost too much before any resolver runs. The structure (depth, root fields,
 * aliases, introspection) is checked before validation, whose overlapping-fields rule is quadratic in the
 * aliases of one field; the cost after it, with the variables and the caller's role.
 */
export function limitOperations(app: FastifyInstance, config: Config, weights: FieldWeights, isResolved: IsResolved) {
  const schema = app.graphql.schema;
  for (const key of Object.keys(weights)) {
    const [type, field] = key.split('.');
    const t = schema.getType(type);
    if (!t || !('getFields' in t) || !t.getFields()[field]) throw new Error(`GraphQL cost weight ${key} names no field of the schema`);
  }

  const refuse = (code: ErrorCode, message: string, limit: number, value: number) =>
    new GraphQLError(message, { extensions: { code, limit, value } });

  const checkStructure = (m: OperationMeasure) => {
    if (m.introspection && !config.GRAPHQL_INTROSPECTION) {
      throw new GraphQLError('introspection is turned off here (GRAPHQL_INTROSPECTION); the schema is published as openapi/schema.graphql', {
        extensions: { code: 'graphql_introspection_disabled' },
      });
    }
    if (m.depth > config.GRAPHQL_DEPTH_LIMIT) {
      throw refuse('graphql_query_too_deep', `query depth ${m.depth} exceeds the limit of ${config.GRAPHQL_DEPTH_LIMIT} (GRAPHQL_DEPTH_LIMIT)`, config.GRAPHQL_DEPTH_LIMIT, m.depth);
    }
    if (m.mostAliased && m.mostAliased.count > config.GRAPHQL_MAX_ALIASES) {
      const { field, count } = m.mostAliased;
      throw refuse(
        'graphql_too_many_aliases',
        `${field} is asked for ${count} times in one selection set; the limit is ${config.GRAPHQL_MAX_ALIASES} aliases of one field (GRAPHQL_MAX_ALIASES)`,
        config.GRAPHQL_MAX_ALIASES,
        count,
      );
    }
    if (m.rootFields > config.GRAPHQL_MAX_ROOT_FIELDS) {
      throw refuse(
        'graphql_too_many_root_fields',
        `the operation asks for ${m.rootFields} root fields; the limit is ${config.GRAPHQL_MAX_ROOT_FIELDS} (GRAPHQL_MAX_ROOT_FIELDS)`,
        config.GRAPHQL_MAX_ROOT_FIELDS,
        m.rootFields,
      );
    }
  };

  const checkCost = (m: OperationMeasure, context: MercuriusContext) => {
    const anonymous = context.ctx.principal.role === 'anonymous';
    const [limit, name] = anonymous
      ? [config.GRAPHQL_MAX_COST_ANONYMOUS, 'GRAPHQL_MAX_COST_ANONYMOUS']
      : [config.GRAPHQL_MAX_COST_AUTHENTICATED, 'GRAPHQL_MAX_COST_AUTHENTICATED'];
    if (m.cost > limit) {
      throw refuse(
        'graphql_cost_exceeded',
        `query cost ${m.cost} exceeds the limit of ${limit} for ${anonymous ? 'anonymous' : 'authenticated'} callers (${name}); ask for fewer fields or smaller pages`,
        limit,
        m.cost,
      );
    }
  };

  const measure = (s: GraphQLSchema, document: DocumentNode, variables?: Record<string, unknown>) => measureOperation(s, document, { variables, weights, isResolved });

  // mercurius reads a source that does not parse as GraphQL once more as a JSON AST ("{ }" → {}), and a JSON body's
  // non-string query as an AST as it stands: a document the parser did not make is refused as the syntax error it is.
  app.graphql.addHook('preValidation', async (s, document) => {
    if (!isDocument(document)) throw new GraphQLError('the query is not a GraphQL document', { extensions: { code: 'graphql_validation_failed' } });
    checkStructure(measure(s, document));
  });
  app.graphql.addHook('preExecution', async (s, document, context, variables) => {
    // mercurius passes a JSON body's `variables` on as sent; a string or a list would reach graphql-js as the map.
    if (variables != null && (typeof variables !== 'object' || Array.isArray(variables))) {
      throw new GraphQLError('variables must be a JSON object mapping variable names to values', { extensions: { code: 'graphql_validation_failed' } });
    }
    checkCost(measure(s, document, variables), context);
  });
  // Subscriptions skip the HTTP hooks; their variables do not reach this hook, so lists count at their default size.
  app.graphql.addHook('preSubscriptionExecution', async (s, document, context) => {
    const m = measure(s, document);
    checkStructure(m);
    checkCost(m, context);
  });
}

/**
 * A document graphql-js parsed from the query text: only its parser makes Location objects, so a JSON AST (or a
 * JSON body's non-string query) never passes, however well it imitates a document's shape.
 */
function isDocument(d: unknown): d is DocumentNode {
  return (d as { loc?: unknown } | null)?.loc instanceof Location;
}
