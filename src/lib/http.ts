import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorCodes } from '../error-catalogue.js';
import { badRequest, versionRequired } from './errors.js';

/** RFC 9457 problem document, as every 4xx/5xx of the API returns it. */
export const problemSchema = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    code: z.enum(errorCodes).describe('stable machine-readable error code (see src/error-catalogue.ts)'),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  // Not "Problem": that name belongs to the problem-rectification entity (问题整改), in REST as in GraphQL.
  .meta({ id: 'ProblemDetails' });

/** The error statuses a route can answer with, documented on every route. */
export function problems<S extends number = never>(...statuses: S[]) {
  return Object.fromEntries([400, 401, 403, ...statuses].map((s) => [s, problemSchema])) as Record<400 | 401 | 403 | S, typeof problemSchema>;
}

export const idParams = z.object({ id: z.uuid() });

/** The largest page any list returns, and the size of a page when `limit` is not given. */
export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;

/** A cursor is a base64url key this API wrote (an id, a sequence, or a rank and an id); far longer is not one. */
export const MAX_CURSOR_LENGTH = 512;

/** Cursor pagination: `limit` ≤ 200, `cursor` is the last id seen (ids are UUIDv7, i.e. creation order). */
export const pageQuery = z.object({
  limit: z.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  cursor: z.string().max(MAX_CURSOR_LENGTH).optional().describe('opaque cursor from the previous page\'s nextCursor'),
});

type Coerce = (raw: string) => unknown;
const booleans = new Map([['true', true], ['false', false], ['1', true], ['0', false]]);
const toBoolean: Coerce = (raw) => booleans.get(raw) ?? raw;
// Number() as z.coerce.number() did: '' is 0 and 'abc' NaN, which the schema then refuses.
const toNumber: Coerce = (raw) => Number(raw);

/** What a query-string value must become for this field, looking through optional/default/nullable wrappers. */
function coercionFor(schema: z.core.$ZodType): Coerce | undefined {
  const def = schema._zod.def as z.core.$ZodTypeDef & { innerType?: z.core.$ZodType; in?: z.core.$ZodType; out?: z.core.$ZodType };
  if (def.innerType) return coercionFor(def.innerType);
  if (def.type === 'pipe' && def.in && def.out) return coercionFor(def.in._zod.def.type === 'transform' ? def.out : def.in);
  if (def.type === 'boolean') return toBoolean;
  if (def.type === 'number') return toNumber;
  return undefined;
}

/**
 * The one place a REST query string becomes typed values. Filter schemas are transport-neutral (real booleans and
 * numbers, passed straight through by GraphQL resolvers); for a querystring, 'true'/'false'/'1'/'0' become booleans
 * and numeric strings numbers. Anything else reaches the schema unchanged, so the 400 names `querystring.<field>`.
 */
export function queryOf<T extends z.ZodObject>(schema: T) {
  const coercions = Object.entries(schema.shape as Record<string, z.core.$ZodType>).flatMap(([key, field]) => {
    const coerce = coercionFor(field);
    return coerce ? [[key, coerce] as const] : [];
  });
  return z.preprocess((query) => {
    if (query === null || typeof query !== 'object') return query;
    const values = { ...(query as Record<string, unknown>) };
    for (const [key, coerce] of coercions) {
      const raw = values[key];
      if (typeof raw === 'string') values[key] = coerce(raw);
    }
    return values;
  }, schema);
}

export function encodeCursor(lastKey: string | number): string {
  return Buffer.from(JSON.stringify({ k: lastKey })).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, field = 'query.cursor'): string | undefined {
  if (!cursor) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { k?: unknown };
    if (typeof parsed.k === 'string' || typeof parsed.k === 'number') return String(parsed.k);
  } catch {
    /* fall through */
  }
  throw badRequest('invalid_cursor', `${field}: not a cursor this API issued`);
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Given limit+1 rows, returns the page and the cursor for the next one. */
export function toPage<T>(rows: T[], limit: number, key: (row: T) => string | number): Page<T> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  return { items, nextCursor: more ? encodeCursor(key(items[items.length - 1])) : null };
}

/** What a list is asked for: at most `limit` items after the (opaque) cursor. */
export interface PageRequest {
  limit: number;
  cursor?: string;
}

/** How to read and write a list's cursor; the default is a row's id. */
export interface CursorCodec<T, A> {
  /** The key the next page starts after, written into `nextCursor`. */
  key: (row: T) => string | number;
  /** The cursor back to that key; throws `invalid_cursor` (400) for one this API did not issue. */
  decode?: (cursor: string | undefined) => A | undefined;
}

/**
 * The tail every list shares: decodes the cursor (a bad one is refused before any query runs), fetches one row
 * more than the page holds to learn whether another page follows, and returns the page with the cursor after it.
 */
export function paginate<T extends { id: string }>(page: PageRequest, fetch: (q: { after: string | undefined; limit: number }) => Promise<T[]>): Promise<Page<T>>;
export function paginate<T, A = string>(page: PageRequest, fetch: (q: { after: A | undefined; limit: number }) => Promise<T[]>, cursor: CursorCodec<T, A>): Promise<Page<T>>;
export async function paginate<T, A>(
  page: PageRequest,
  fetch: (q: { after: A | undefined; limit: number }) => Promise<T[]>,
  cursor: CursorCodec<T, A> = { key: (row) => (row as { id: string }).id },
): Promise<Page<T>> {
  const after = cursor.decode ? cursor.decode(page.cursor) : (decodeCursor(page.cursor) as A | undefined);
  return toPage(await fetch({ after, limit: page.limit + 1 }), page.limit, cursor.key);
}

/** For lists keyed by a number (a revision, an audit sequence). */
export function decodeNumericCursor(cursor: string | undefined): number | undefined {
  const k = decodeCursor(cursor);
  return k === undefined ? undefined : Number(k);
}

export const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item).max(MAX_PAGE_SIZE), nextCursor: z.string().max(MAX_CURSOR_LENGTH).nullable() });

/** ETag for a versioned resource. */
export const etag = (version: number) => `"${version}"`;

export function sendVersioned<T extends { version: number }>(reply: FastifyReply, body: T): T {
  void reply.header('etag', etag(body.version));
  return body;
}

/** sendVersioned for a resource already rendered by the route's serializer: the same ETag, the bytes as made. */
export function sendVersionedBytes(reply: FastifyReply, rendered: { version: number; body: Buffer }): FastifyReply {
  return reply.header('etag', etag(rendered.version)).type('application/json; charset=utf-8').send(rendered.body);
}

/**
 * Optimistic concurrency: the version the client read, from If-Match ("3", W/"3") or from `version` in the
 * body. Updates without one are refused (428) so two editors never silently overwrite each other.
 */
export function expectedVersion(request: FastifyRequest, bodyVersion?: number): number {
  const header = request.headers['if-match'];
  if (typeof header === 'string' && header.trim() !== '') {
    const m = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
    if (!m) throw badRequest('invalid_if_match', 'If-Match: expected an ETag this API issued, e.g. "3"');
    return Number(m[1]);
  }
  if (bodyVersion !== undefined) return bodyVersion;
  throw versionRequired();
}

/** Bilingual label for user-facing enumerations. */
export const labelSchema = z.object({ zhCN: z.string(), en: z.string() }).meta({ id: 'Label' });
/** The instants a four-digit year can name once its offset is applied; PostgreSQL has no year 0 and refuses 0000-…. */
const FIRST_INSTANT = Date.parse('0001-01-01T00:00:00Z');
const LAST_INSTANT = Date.parse('9999-12-31T23:59:59.999Z');
// Only a timestamp that parses is bounded: one that does not is the format check's to report (once).
const storableInstant = (v: string) => {
  const at = Date.parse(v);
  return Number.isNaN(at) || (at >= FIRST_INSTANT && at <= LAST_INSTANT);
};
// 64: a timestamp with nanoseconds and an offset is 35 characters; longer is not one.
export const isoDate = z.iso
  .datetime({ offset: true })
  .max(64)
  .refine(storableInstant, 'must lie between 0001-01-01 and 9999-12-31 (UTC)')
  .describe('ISO 8601 timestamp with zone');
/** A calendar day (YYYY-MM-DD) PostgreSQL can store: it has no year 0, and the pattern lets 0000-… through. */
export const isoDay = z.iso
  .date()
  .max(10)
  .refine((v) => v >= '0001-01-01', 'must be 0001-01-01 or later')
  .describe('ISO 8601 date (YYYY-MM-DD)');
export const toIso = (d: Date) => d.toISOString();
export const toIsoOrNull = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** Links to evidence (photos, recordings, documents) kept elsewhere; at most 20 per record. */
export const evidenceLinks = z.array(z.url().max(2000)).max(20).default([]).describe('links to evidence files');

/** For moves where concurrency is guarded by a row lock: the version is checked only when the client sends one. */
export const optionalVersion = (request: FastifyRequest, bodyVersion?: number): number | undefined =>
  request.headers['if-match'] !== undefined || bodyVersion !== undefined ? expectedVersion(request, bodyVersion) : undefined;

/**
 * Sets ETag and Cache-Control on a public, cacheable read; true when the client's If-None-Match already holds this
 * ETag (a list, weak or strong, or *) and the route should answer 304.
 */
export function notModified(request: FastifyRequest, reply: FastifyReply, tag: string, cacheControl: string): boolean {
  void reply.header('etag', tag).header('cache-control', cacheControl);
  const header = request.headers['if-none-match'];
  const value = Array.isArray(header) ? header.join(',') : header;
  return !!value && value.split(',').some((t) => t.trim() === '*' || t.trim().replace(/^W\//, '') === tag);
}
