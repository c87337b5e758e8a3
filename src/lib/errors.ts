/**
 * Typed domain errors. One handler (plugins/errors.ts) turns them into RFC 9457 problem+json for REST
 * and into `extensions.code` for GraphQL.
 *
 * Every code is declared once: the shared ones below, a module's own in `src/modules/<noun>/errors.ts`
 * (built with `defineErrors`), all merged in `src/error-catalogue.ts`. The helpers accept only declared
 * codes, and only those declared with the status the helper answers with.
 */
import type { ErrorCatalogue } from '../error-catalogue.js';

export interface FieldError {
  field: string;
  message: string;
}

/** What a code means: the HTTP status it answers with (a few codes have two), a title and one line for clients. */
export interface ErrorSpec {
  readonly status: number | readonly number[];
  readonly title: string;
  readonly description: string;
}

/** Declares a module's codes; `const` keeps each status a literal so helpers can check it. */
export function defineErrors<const C extends Record<string, ErrorSpec>>(catalogue: C): C {
  return catalogue;
}

/** Codes that plugins (errors, auth, rate limit, GraphQL) and the shared helpers emit. */
export const sharedErrors = defineErrors({
  bad_request: { status: 400, title: 'Bad Request', description: 'the HTTP layer refused the request (malformed body, URL or header)' },
  validation_failed: {
    status: [400, 422],
    title: 'Validation Failed',
    description: '400: the request does not match its schema; 422: it does, but a field breaks a rule (see `errors`)',
  },
  invalid_characters: {
    status: 400,
    title: 'Invalid Characters',
    description: 'the URL, query string, body or a GraphQL string holds a NUL character, malformed percent-encoding or text that is not valid Unicode',
  },
  credentials_in_query: {
    status: 400,
    title: 'Credentials in Query String',
    description: 'tokens go in the Authorization header, never in the URL (`access_token`, `token`, `jwt` are refused)',
  },
  invalid_value: { status: 400, title: 'Invalid Value', description: 'a value is not in the expected form (for ids: a UUID)' },
  invalid_cursor: { status: 400, title: 'Invalid Cursor', description: 'the cursor was not issued by this API' },
  invalid_if_match: { status: 400, title: 'Invalid If-Match', description: 'If-Match is not an ETag this API issued' },
  unauthorized: { status: 401, title: 'Unauthorized', description: 'a valid bearer token is required' },
  forbidden: { status: 403, title: 'Forbidden', description: 'the caller\'s role or scope may not do this' },
  not_found: { status: 404, title: 'Not Found', description: 'the record does not exist or is not visible to the caller' },
  route_not_found: { status: 404, title: 'Not Found', description: 'no route has this method and path' },
  method_not_allowed: { status: 405, title: 'Method Not Allowed', description: 'the path exists but not with this method (see Allow)' },
  illegal_transition: {
    status: 409,
    title: 'Illegal Transition',
    description: 'the record\'s state machine does not allow this move; `from`, `to` and `allowed` say what it can do',
  },
  duplicate: { status: 409, title: 'Duplicate', description: 'a record with the same key already exists' },
  concurrent_update: { status: 409, title: 'Concurrent Update', description: 'a concurrent change won; retry' },
  request_timeout: { status: 408, title: 'Request Timeout', description: 'the request did not arrive in time; the connection is closed' },
  version_mismatch: { status: 412, title: 'Precondition Failed', description: 'the record changed since it was read (see `currentVersion`)' },
  payload_too_large: { status: 413, title: 'Content Too Large', description: 'the request body or uploaded file is too large' },
  uri_too_long: { status: 414, title: 'URI Too Long', description: 'a path segment is longer than the router accepts (100 characters)' },
  unsupported_media_type: { status: 415, title: 'Unsupported Media Type', description: 'the body is not in a media type this route takes' },
  version_required: { status: 428, title: 'Precondition Required', description: 'an update needs If-Match (or `version` in the body)' },
  rate_limited: { status: 429, title: 'Too Many Requests', description: 'anonymous callers are limited per minute; retry later' },
  headers_too_large: {
    status: 431,
    title: 'Request Header Fields Too Large',
    description: 'the request headers exceed 16 KB; the connection is closed',
  },
  internal_error: { status: 500, title: 'Internal Server Error', description: 'an unexpected error; it is logged with the request id' },
  database_unavailable: {
    status: 503,
    title: 'Service Unavailable',
    description: 'the database connection was lost or refused mid-request (restart, failover); only a 2xx acknowledges a write; retry after Retry-After',
  },
  overloaded: {
    status: 503,
    title: 'Service Unavailable',
    description: 'this instance is overloaded (event loop delay or memory over its limit) and sheds requests; retry after Retry-After',
  },
  shutting_down: { status: 503, title: 'Service Unavailable', description: 'this instance is shutting down; retry (another instance will answer)' },
  database_unreachable: { status: 503, title: 'Service Unavailable', description: 'readiness: the database does not answer' },
  migrations_pending: { status: 503, title: 'Service Unavailable', description: 'readiness: migrations are not all applied' },
  graphql_validation_failed: { status: 400, title: 'GraphQL Validation Failed', description: 'the GraphQL document does not parse or validate' },
  graphql_query_too_deep: { status: 400, title: 'GraphQL Query Too Deep', description: 'the GraphQL document nests deeper than allowed' },
  graphql_cost_exceeded: {
    status: 400,
    title: 'GraphQL Cost Exceeded',
    description: 'the GraphQL operation would cost more than the caller\'s budget (fields, list sizes, heavy fields); ask for less or page',
  },
  graphql_too_many_aliases: { status: 400, title: 'GraphQL Too Many Aliases', description: 'one selection set asks for the same field under more aliases than allowed' },
  graphql_too_many_root_fields: { status: 400, title: 'GraphQL Too Many Root Fields', description: 'the GraphQL operation asks for more root fields than allowed' },
  graphql_introspection_disabled: { status: 400, title: 'GraphQL Introspection Disabled', description: 'this deployment does not answer introspection (`__schema`, `__type`)' },
});

/** Every declared code. */
export type ErrorCode = keyof ErrorCatalogue & string;
type StatusOf<K extends ErrorCode> = ErrorCatalogue[K]['status'] extends readonly (infer N)[] ? N : ErrorCatalogue[K]['status'];
/** The declared codes that answer with status `S`. */
export type CodeWithStatus<S extends number> = { [K in ErrorCode]: S extends StatusOf<K> ? K : never }[ErrorCode];

export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    readonly title: string,
    detail: string,
    readonly extra: { errors?: FieldError[]; [k: string]: unknown } = {},
  ) {
    super(detail);
  }
}

export const badRequest = (code: CodeWithStatus<400>, detail: string) => new DomainError(400, code, 'Bad Request', detail);

export const notFound = (entity: string, id: string) =>
  new DomainError(404, 'not_found', 'Not Found', `${entity} ${id} does not exist or is not visible to you`);

export const forbidden = (detail = 'your role may not do this', extra: { errors?: FieldError[] } = {}) =>
  new DomainError(403, 'forbidden', 'Forbidden', detail, extra);

export const unauthorized = (detail = 'a valid bearer token is required') =>
  new DomainError(401, 'unauthorized', 'Unauthorized', detail);

export const conflict = (code: CodeWithStatus<409>, detail: string, extra: Record<string, unknown> = {}) =>
  new DomainError(409, code, 'Conflict', detail, extra);

/** 409 illegal_transition with the one shape every state machine answers with: `{ from, to, allowed }`. */
export const illegalTransition = (entity: string, id: string, from: string, to: string, allowed: readonly string[], detail?: string) =>
  conflict(
    'illegal_transition',
    detail ?? `${entity} ${id} is ${from}; it cannot move to ${to}: ${allowed.length ? `it can move to ${allowed.join(' or ')}` : `${from} is final`}`,
    { from, to, allowed: [...allowed] },
  );

export const invalid = (field: string, message: string, code: CodeWithStatus<422> = 'validation_failed') =>
  new DomainError(422, code, 'Unprocessable Content', `${field}: ${message}`, { errors: [{ field, message }] });

export const invalidMany = (errors: FieldError[], code: CodeWithStatus<422> = 'validation_failed') =>
  new DomainError(422, code, 'Unprocessable Content', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });

export const versionMismatch = (entity: string, expected: number, actual: number) =>
  new DomainError(412, 'version_mismatch', 'Precondition Failed', `${entity} is at version ${actual}, not ${expected}: reload and retry`, {
    currentVersion: actual,
  });

export const versionRequired = () =>
  new DomainError(428, 'version_required', 'Precondition Required', 'send If-Match with the ETag you read (or `version` in the body)');

export const payloadTooLarge = (detail: string) => new DomainError(413, 'payload_too_large', 'Content Too Large', detail);

export const unsupportedMediaType = (detail: string) => new DomainError(415, 'unsupported_media_type', 'Unsupported Media Type', detail);
