import fp from 'fastify-plugin';
import { badRequest } from '../lib/errors.js';

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
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(v));

/** Where in a parsed body the first unstorable string is (key or value), or null. Iterative: bodies nest deep. */
function firstUnstorable(body: unknown): string | null {
  const stack: [unknown, string][] = [[body, 'body']];
  while (stack.length) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      if (!isStorableText(value)) return path;
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => stack.push([v, `${path}.${i}`]));
    } else if (isPlainObject(value)) {
      for (const [k, v] of Object.entries(value)) {
        if (!isStorableText(k)) return path;
        stack.push([v, `${path}.${k}`]);
      }
    }
  }
  return null;
}

/** Refuses hostile input at the edge: unstorable text in the URL or body, and credentials in the query string. */
export default fp(
  async (app) => {
    app.addHook('onRequest', async (request) => {
      const [path, query = ''] = request.url.split(/\?(.*)/s, 2);
      if (decodeComponent(path, false) === null) throw badRequest('invalid_characters', 'the path holds a NUL character or is not percent-encoded UTF-8');
      for (const pair of query.split('&')) {
        if (!pair) continue;
        const eq = pair.indexOf('=');
        const name = decodeComponent(eq < 0 ? pair : pair.slice(0, eq), true);
        const value = eq < 0 ? '' : decodeComponent(pair.slice(eq + 1), true);
        if (name === null || value === null) {
          throw badRequest('invalid_characters', 'the query string holds a NUL character or is not percent-encoded UTF-8');
        }
        if (CREDENTIAL_PARAMETERS.has(name.toLowerCase())) {
          throw badRequest('credentials_in_query', `send the token in the Authorization header ("Bearer <token>"), not as ?${name}=`);
        }
      }
    });

    // After parsing, before validation: JSON and form bodies, GraphQL variables included.
    app.addHook('preValidation', async (request) => {
      const at = firstUnstorable(request.body);
      if (at) throw badRequest('invalid_characters', `${at} holds a NUL character or text that is not valid Unicode`);
    });
  },
  { name: 'input-guard', dependencies: ['errors'] },
);
