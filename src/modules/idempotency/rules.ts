import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { canonicalJson, sha256 } from '../../lib/canonical.js';
import type { Principal } from '../../lib/principal.js';

/**
 * The key format, one for every caller (the draft asks a server to publish one and refuse the rest): 16 to 255
 * characters from the URL-safe and base64 alphabets. 16 is the floor because the public shares one scope (see
 * `scopeOf`): a key is as private as it is unpredictable, so clients send a UUID or at least 16 random characters.
 * The draft's Structured Field form (`"…"`, an sf-string) is accepted too.
 */
export const IDEMPOTENCY_KEY = /^[A-Za-z0-9._~:+/=-]{16,255}$/;
export const IDEMPOTENCY_KEY_FORMAT = '16 to 255 characters from A-Z a-z 0-9 - . _ ~ : + / = (a UUID, or at least 16 random characters)';

/** The key in the header, or why it is refused; undefined when the header is absent (the request runs as always). */
export function parseIdempotencyKey(header: string | string[] | undefined): { key: string } | { refusal: string } | undefined {
  if (header === undefined) return undefined;
  if (Array.isArray(header)) return { refusal: 'send one Idempotency-Key header, not several' };
  const value = /^"(.*)"$/s.exec(header.trim())?.[1] ?? header.trim();
  if (value === '') return { refusal: 'Idempotency-Key is empty' };
  if (value.length > 255) return { refusal: `Idempotency-Key is ${value.length} characters long; at most 255` };
  if (!IDEMPOTENCY_KEY.test(value)) return { refusal: `Idempotency-Key must be ${IDEMPOTENCY_KEY_FORMAT}` };
  return { key: value };
}

/**
 * Whose keys these are. A token's holder has its own scope (role and subject), so two integrations never collide.
 * The public has no identity to scope by (an IP changes between a phone's retries), so every anonymous caller
 * shares one scope: the key's unpredictability keeps it apart, and a replay also needs the identical body, so
 * someone holding another person's key still learns nothing but that it was used.
 */
export const scopeOf = (principal: Principal): string => (principal.role === 'anonymous' ? 'anonymous' : `${principal.role}:${principal.subject}`);

/**
 * What makes two requests "the same" besides their body: method, route pattern, path parameters, query and the
 * If-Match the change was conditioned on (a retry after re-reading the version is another request, not a replay of
 * the 412).
 */
export interface RequestHead {
  method: string;
  route: string;
  params: unknown;
  query: unknown;
  ifMatch?: string;
}

/** A parsed body (JSON, form) is compared by its canonical JSON: key order and whitespace do not make it different. */
export const parsedFingerprint = (head: RequestHead, body: unknown): string => sha256(canonicalJson({ ...head, body }));

/** A streamed body (a rating import file) is compared by the sha-256 of its bytes and its media type. */
export const streamedFingerprint = (head: RequestHead, contentType: string, bodySha256: string): string =>
  sha256(canonicalJson({ ...head, body: { contentType, sha256: bodySha256 } }));

/**
 * Passes a streamed request body through unchanged while hashing it, so a streamed upload is fingerprinted as
 * the handler reads it, without holding the file. `digest` is set once the body has been read to its end.
 */
export class HashingStream extends Transform {
  private readonly hash = createHash('sha256');
  digest: string | undefined;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.digest = this.hash.digest('hex');
    callback();
  }

  /** Reads the rest of the body without passing it on (a replay does not run the handler); resolves with its digest. */
  async drain(): Promise<string> {
    for await (const _chunk of this) {
      // the bytes are hashed on their way in; nothing to keep
    }
    return this.digest!;
  }
}
