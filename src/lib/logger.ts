import { LogController } from 'fastify';
import type { FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { stdSerializers, symbols } from 'pino';
import type { DestinationStream, Logger } from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';

/** Keeps the path and the parameter names; the values may be credentials or hostile text. */
export function redactQuery(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const names = url
    .slice(at + 1)
    .split('&')
    .filter(Boolean)
    .map((pair) => `${pair.split('=', 1)[0]}=[redacted]`);
  return `${url.slice(0, at)}?${names.join('&')}`;
}

interface DatabaseErrorLike {
  code: string;
  message: string;
  constraint?: string;
  table?: string;
  column?: string;
}

/** A PostgreSQL error (pg or PGlite), alone or as the cause of drizzle's wrapper; its SQLSTATE is five characters. */
function databaseError(err: unknown): DatabaseErrorLike | null {
  for (let e = err as { code?: unknown; severity?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && typeof e.severity === 'string') return e as unknown as DatabaseErrorLike;
  }
  return null;
}

/**
 * Database errors are logged by SQLSTATE and the server's message only: drizzle's wrapper puts the bound
 * parameters in its message and `params`, and the server's `detail` quotes row values.
 */
export function serializeError(err: unknown): { type: string; message: string; stack: string; [k: string]: unknown } {
  const db = databaseError(err);
  if (!db) return stdSerializers.err(err as Error);
  const e = err as Error & { query?: unknown };
  return {
    type: e.constructor?.name ?? 'Error',
    message: db.message,
    sqlstate: db.code,
    constraint: db.constraint,
    table: db.table,
    column: db.column,
    // The statement text holds placeholders ($1), never the values.
    query: typeof e.query === 'string' ? e.query : undefined,
    stack: (e.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line)).join('\n'),
  };
}

/** Replaces Fastify's request serializer (same fields) so query values never reach the log. */
function serializeRequest(req: FastifyRequest) {
  return { method: req.method, url: redactQuery(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort };
}

export const logSerializers = { req: serializeRequest, err: serializeError };

/**
 * One access line per request instead of Fastify's two ("incoming request" and "request completed"): written when the
 * response has gone, with the request (method, path, redacted query, address), the status and the time taken. Error
 * lines (`request failed` by the errors plugin, `request errored` here) and the audit log are untouched.
 */
export class AccessLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}

/** Per parent logger: a child with no bindings of its own, the prototype of every request's logger. */
const requestLoggerBases = new WeakMap<object, Logger>();

/**
 * Every request's logger (`request.log`, `reply.log`): what pino's `child({ reqId })` makes — a logger over its parent
 * whose lines carry `"reqId":"…"` after the parent's bindings — made for a fraction of its cost. pino's child()
 * serializes its bindings through the redaction rules and rebuilds its formatters every time; the request id needs
 * neither (it is a token of [A-Za-z0-9._:-] or a UUID, see serverOptions' genReqId, so its JSON is a quoted copy), and
 * the rest is the same for every request, so it is made once (`base`). Anything else (route options, other bindings, a
 * logger that is not pino) takes pino's own child().
 */
export const requestChildLogger: NonNullable<FastifyServerOptions['childLoggerFactory']> = function (logger, bindings, opts) {
  const reqId = (bindings as { reqId?: unknown }).reqId;
  const parent = logger as unknown as Logger & Record<symbol, unknown>;
  if (typeof reqId !== 'string' || typeof parent[symbols.chindingsSym] !== 'string' || Object.keys(opts).length > 0 || Object.keys(bindings).length !== 1) {
    return logger.child(bindings, opts);
  }
  let base = requestLoggerBases.get(parent);
  if (!base) requestLoggerBases.set(parent, (base = parent.child({})));
  const child = Object.create(base) as Record<symbol, unknown>;
  child[symbols.chindingsSym] = `${(base as unknown as Record<symbol, string>)[symbols.chindingsSym]},"reqId":${JSON.stringify(reqId)}`;
  return child as unknown as FastifyBaseLogger;
};

/** pino options: JSON lines, pretty only on a terminal, credentials never written. `destination`: tests read the lines. */
export function loggerOptions(config: Config, destination?: DestinationStream): FastifyServerOptions['logger'] {
  return {
    level: config.LOG_LEVEL,
    serializers: logSerializers,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', '*.token', '*.password', '*.secret', '*.respondentKey'],
      censor: '[redacted]',
    },
    ...(destination
      ? { stream: destination }
      : {
          transport:
            process.stdout.isTTY && config.NODE_ENV !== 'production'
              ? { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } }
              : undefined,
        }),
  };
}
