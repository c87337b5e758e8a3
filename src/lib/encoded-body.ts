import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * A response body serialized once and compressed on first demand, for representations that never change (published
 * ranking snapshots and their pages): every later request is a cache lookup and a write of bytes already made — no
 * schema check, no JSON.stringify, no compression. Each encoding is its own representation with its own strong ETag
 * (RFC 9110 §8.8.3); If-None-Match compares weakly, so any of them answers 304.
 */
export type ContentCoding = 'br' | 'gzip' | 'identity';

/** Bodies smaller than this are not worth a compression frame. */
const COMPRESS_FROM_BYTES = 1024;
const SUFFIX: Record<ContentCoding, string> = { identity: '', gzip: '-gz', br: '-br' };

export class EncodedBody {
  private readonly variants: Partial<Record<ContentCoding, Buffer>> = {};

  constructor(
    readonly identity: Buffer,
    /** The opaque part of the strong ETag (no quotes), shared by every encoding of this body. */
    readonly tag: string,
    readonly contentType = 'application/json; charset=utf-8',
  ) {
    this.variants.identity = identity;
  }

  static json(value: unknown, tag: string): EncodedBody {
    return new EncodedBody(Buffer.from(JSON.stringify(value)), tag);
  }

  /** The body in the coding, compressed now if not yet (brotli at a quality that costs milliseconds, not seconds). */
  bytes(coding: ContentCoding): Buffer {
    const made = this.variants[coding];
    if (made) return made;
    const out = coding === 'br' ? brotliCompressSync(this.identity, { params: { [zlib.BROTLI_PARAM_QUALITY]: 5, [zlib.BROTLI_PARAM_SIZE_HINT]: this.identity.length } }) : gzipSync(this.identity, { level: 6 });
    this.variants[coding] = out;
    return out;
  }

  /** Bytes held in memory (for a cache's weight). */
  get weight(): number {
    return Object.values(this.variants).reduce((n, b) => n + (b?.length ?? 0), 0) + this.identity.length;
  }

  etag(coding: ContentCoding): string {
    return `"${this.tag}${SUFFIX[coding]}"`;
  }

  /** Whether If-None-Match names any representation of this body (weak comparison, `*` included). */
  matches(ifNoneMatch: string | string[] | undefined): boolean {
    if (!ifNoneMatch) return false;
    const value = Array.isArray(ifNoneMatch) ? ifNoneMatch.join(',') : ifNoneMatch;
    const names = new Set((Object.keys(SUFFIX) as ContentCoding[]).map((c) => this.etag(c)));
    return value.split(',').some((t) => {
      const v = t.trim().replace(/^W\//, '');
      return v === '*' || names.has(v);
    });
  }

  /** Sends it: 304 when the client holds it, else the best coding the client accepts, with caching headers. */
  send(request: FastifyRequest, reply: FastifyReply, cacheControl: string): FastifyReply {
    const coding = this.identity.length >= COMPRESS_FROM_BYTES ? negotiate(request.headers['accept-encoding']) : 'identity';
    void reply.header('cache-control', cacheControl).header('vary', 'accept-encoding').header('etag', this.etag(coding));
    if (this.matches(request.headers['if-none-match'])) return reply.status(304).send();
    if (coding !== 'identity') void reply.header('content-encoding', coding);
    return reply.type(this.contentType).send(this.bytes(coding));
  }
}

/** The client's preferred coding among br, gzip and identity (RFC 9110 §12.5.3; q=0 refuses; ties prefer br). */
export function negotiate(acceptEncoding: string | string[] | undefined): ContentCoding {
  if (!acceptEncoding) return 'identity';
  const value = Array.isArray(acceptEncoding) ? acceptEncoding.join(',') : acceptEncoding;
  const q = new Map<string, number>();
  for (const part of value.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = qp ? Number(qp.slice(2)) : 1;
    q.set(name, Number.isFinite(weight) ? weight : 0);
  }
  const of = (c: string) => q.get(c) ?? q.get('*') ?? 0;
  const br = of('br');
  const gzip = of('gzip');
  if (br > 0 && br >= gzip) return 'br';
  if (gzip > 0) return 'gzip';
  return 'identity';
}
