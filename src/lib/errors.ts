/**
 * Typed domain errors. One handler (plugins/errors.ts) turns them into RFC 9457 problem+json for REST
 * and into `extensions.code` for GraphQL.
 */
export interface FieldError {
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail: string,
    readonly extra: { errors?: FieldError[]; [k: string]: unknown } = {},
  ) {
    super(detail);
  }
}

export const notFound = (entity: string, id: string) =>
  new DomainError(404, 'not_found', 'Not Found', `${entity} ${id} does not exist or is not visible to you`);

export const forbidden = (detail = 'your role may not do this') =>
  new DomainError(403, 'forbidden', 'Forbidden', detail);

export const unauthorized = (detail = 'a valid bearer token is required') =>
  new DomainError(401, 'unauthorized', 'Unauthorized', detail);

export const conflict = (code: string, detail: string, extra: Record<string, unknown> = {}) =>
  new DomainError(409, code, 'Conflict', detail, extra);

export const invalid = (field: string, message: string, code = 'validation_failed') =>
  new DomainError(422, code, 'Unprocessable Content', `${field}: ${message}`, { errors: [{ field, message }] });

export const invalidMany = (errors: FieldError[], code = 'validation_failed') =>
  new DomainError(422, code, 'Unprocessable Content', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });

export const versionMismatch = (entity: string, expected: number, actual: number) =>
  new DomainError(412, 'version_mismatch', 'Precondition Failed', `${entity} is at version ${actual}, not ${expected}: reload and retry`, {
    currentVersion: actual,
  });

export const versionRequired = () =>
  new DomainError(428, 'version_required', 'Precondition Required', 'send If-Match with the ETag you read (or `version` in the body)');
