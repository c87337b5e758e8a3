/**
 * Errors that mean "the database went away" (restart, failover, network) rather than "this statement is wrong":
 * the same request succeeds once the pool has reconnected, so the caller is told to retry, not that we failed.
 */
// admin_shutdown, crash_shutdown, cannot_connect_now (starting up or shutting down), too_many_connections.
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);
// node-postgres names a socket that closed under a client, a client left unusable by it, and a pool that could not connect in time.
const MESSAGES = /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect)/;

/** True for a lost or refused database connection, wherever it sits in the cause chain (drizzle wraps driver errors). */
export function isConnectionError(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 5) return false;
  const { code, message, errors, cause } = err as { code?: unknown; message?: unknown; errors?: unknown; cause?: unknown };
  if (typeof code === 'string' && (SQLSTATES.has(code) || ERRNOS.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  if (typeof message === 'string' && MESSAGES.test(message)) return true;
  // Connecting to a host name with several addresses fails with an AggregateError of one error per address.
  if (Array.isArray(errors) && errors.some((e) => isConnectionError(e, depth + 1))) return true;
  return isConnectionError(cause, depth + 1);
}
