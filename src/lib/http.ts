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
  .meta({ id: 'Problem' });

/** The error statuses a route can answer with, documented on every route. */
export function problems<S extends number = never>(...statuses: S[]) {
  return Object.fromEntries([400, 401, 403, ...statuses].map((s) => [s, problemSchema])) as Record<400 | 401 | 403 | S, typeof problemSchema>;
}

export const idParams = z.object({ id: z.uuid() });

/** Cursor pagination: `limit` ≤ 200, `cursor` is the last id seen (ids are UUIDv7, i.e. creation order). */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional().describe('opaque cursor from the previous page\'s nextCursor'),
});

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

export const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** ETag for a versioned resource. */
export const etag = (version: number) => `"${version}"`;

export function sendVersioned<T extends { version: number }>(reply: FastifyReply, body: T): T {
  void reply.header('etag', etag(body.version));
  return body;
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
export const isoDate = z.iso.datetime({ offset: true }).describe('ISO 8601 timestamp with zone');
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
