import fp from 'fastify-plugin';
import { badRequest } from '../lib/errors.js';
import type { DomainError } from '../lib/errors.js';

/**
 * Text the service cannot store or does not take: NUL (PostgreSQL text refuses it) and lone UTF-16 surrogates
 * (not Unicode; JSON.parse lets `"\ud800"` through). Checked once at the edge, so no handler, service or query
 * ever sees them and the database never answers 22021.
 */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const isStorableText = (s: string): boolean => !UNSTORABLE.test(s);

/** Query parameters that carry credentials: refused, so a token never lands in access logs, proxies or history. */
const CREDENTIAL_PARAMETERS = new Set(['access_token', 'token', 'jwt']);

/** Percent-decodes one URL component; null when it is not UTF-8 or not storable text. */
function decodeComponent(raw: string, plusIsSpace: boolean): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(plusIsSpace ? raw.replace(/\+/g, ' ') : raw);
  } catch {
    return null;
  }
  return isStorableText(decoded) ? decoded : null;
}

/** Parsed JSON and form bodies; streamed uploads (rating imports) are checked by their own parser and the database. */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Where a value sits in a body: its key and its container's place, spelled out only for the value that fails. */
interface Place {
  parent: Place | null;
  key: string;
}
const spell = (place: Place): string => {
  const keys: string[] = [];
  for (let p: Place | null = place; p; p = p.parent) keys.push(p.key);
  return keys.reverse().join('.');
};

/** Where in a parsed body the first unstorable string is (key or value), or null. Iterative: bodies nest deep. */
function firstUnstorable(body: unknown): string | null {
  const stack: [unknown, Place | null, string][] = [[body, null, 'body']];
  while (stack.length) {
    const [value, parent, key] = stack.pop()!;
    if (typeof value === 'string') {
      if (!isStorableText(value)) return spell({ parent, key });
    } else if (Array.isArray(value)) {
      const place = { parent, key };
      for (let i = 0; i < value.length; i++) stack.push([value[i], place, String(i)]);
    } else if (isPlainObject(value)) {
      const place = { parent, key };
      for (const k in value) {
        if (!Object.hasOwn(value, k)) continue;
        if (!isStorableText(k)) return spell(place);
        stack.push([value[k], place, k]);
      }
    }
  }
  return null;
}

/**
 * A URL with nothing to decode: printable ASCII without `%` and `+` (which decodes to a space) holds no NUL and no lone
 * surrogate, and its query parameters' names are exactly as written.
 */
const PLAIN_URL = /^[!-$&-*,-~]*$/;
/** A credential parameter's name in a plain URL's query string (after its first `?`): CREDENTIAL_PARAMETERS as written. */
const CREDENTIAL_NAME = new RegExp(`(?:^|&)(${[...CREDENTIAL_PARAMETERS].join('|')})(?:=|&|$)`, 'i');

/** The refusal a URL earns, or null: unstorable text in the path or query, or credentials in the query string. */
export function urlRefusal(url: string): DomainError | null {
  if (PLAIN_URL.test(url)) {
    const q = url.indexOf('?');
    const m = q < 0 ? null : CREDENTIAL_NAME.exec(url.slice(q + 1));
    return m ? credentialsInQuery(m[1]) : null;
  }
  const [path, query = ''] = url.split(/\?(.*)/s, 2);
  if (decodeComponent(path, false) === null) return badRequest('invalid_characters', 'the path holds a NUL character or is not percent-encoded UTF-8');
  for (const pair of query.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const name = decodeComponent(eq < 0 ? pair : pair.slice(0, eq), true);
    const value = eq < 0 ? '' : decodeComponent(pair.slice(eq + 1), true);
    if (name === null || value === null) {
      return badRequest('invalid_characters', 'the query string holds a NUL character or is not percent-encoded UTF-8');
    }
    if (CREDENTIAL_PARAMETERS.has(name.toLowerCase())) return credentialsInQuery(name);
  }
  return null;
}

const credentialsInQuery = (name: string) => badRequest('credentials_in_query', `send the token in the Authorization header ("Bearer <token>"), not as ?${name}=`);

/**
 * Refuses hostile input at the edge: unstorable text in the URL or body, and credentials in the query string.
 * Synchronous (done-style): no promise per request.
 */
export default fp(
  async (app) => {
    app.addHook('onRequest', (request, _reply, done) => {
      done(urlRefusal(request.url) ?? undefined);
    });

    // After parsing, before validation: JSON and form bodies, GraphQL variables included.
    app.addHook('preValidation', (request, _reply, done) => {
      const body = request.body;
      if (body === undefined || body === null) return done();
      const at = firstUnstorable(body);
      done(at ? badRequest('invalid_characters', `${at} holds a NUL character or text that is not valid Unicode`) : undefined);
    });
  },
  { name: 'input-guard', dependencies: ['errors'] },
);
