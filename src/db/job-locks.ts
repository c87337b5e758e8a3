import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Database } from './client.js';

/**
 * "At most one run of this job at a time, across every copy of the service": `tryRun` runs `fn` only if no other run
 * of the job named `name` is going on (in this process or, on PostgreSQL, in any process on the same database), and
 * says whether it ran.
 */
export interface JobLocks {
  tryRun(name: string, fn: () => Promise<unknown>): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * The advisory-lock key space of periodic jobs: the two-int form `pg_try_advisory_lock(JOB_LOCK_SPACE, key(name))`.
 * Locks taken with one bigint key, or two ints under another first int, never conflict with these (PostgreSQL keeps the
 * forms apart), so a job that takes an advisory lock of its own inside its run (e.g. the audit sealer) just works.
 */
export const JOB_LOCK_SPACE = 0x6d6a6f62; // 'mjob'

/** A job name's lock key: the first 32 bits of its SHA-256, the same in every copy and every PostgreSQL version. */
export function jobLockKey(name: string): number {
  return createHash('sha256').update(name).digest().readInt32BE(0);
}

export interface JobLockOptions {
  /** Most runs held at once (one per job); the lock pool never opens more connections than this. */
  holders: number;
  /** The lock's connection was lost during a run: the lock is gone with it, so another copy may start a run. */
  onLockLost?: (name: string, err: Error) => void;
}

/**
 * Job locks over the service's database.
 *
 * PostgreSQL: each run holds a SESSION advisory lock (`pg_try_advisory_lock`, never waiting) on a connection of a small
 * pool of its own, for the whole run, and releases it after. A copy that finds the lock taken skips that run. The run's
 * own statements use the service's pool, not the lock's connection: holding the lock never starves the pool (with
 * DATABASE_POOL_MAX=1 a lock taken from it would deadlock the run), at the cost of up to `holders` extra connections
 * per copy while jobs run (idle ones close after a few seconds). If the lock's connection dies (restart, failover),
 * the server drops the lock with it; the run in progress goes on, so each job is also safe when two runs overlap
 * (each claims its rows under row locks / SKIP LOCKED, see the modules' schedule.ts).
 *
 * PGlite (one process): a run is excluded only within this process.
 */
export function openJobLocks(database: Database | undefined, opts: JobLockOptions): JobLocks {
  const running = new Set<string>();
  /** Never two runs of one job in this process, whatever the database. */
  const once = async (name: string, run: () => Promise<boolean>): Promise<boolean> => {
    if (running.has(name)) return false;
    running.add(name);
    try {
      return await run();
    } finally {
      running.delete(name);
    }
  };
  if (!database?.pool) {
    return {
      tryRun: (name, fn) => once(name, async () => (await fn(), true)),
      close: async () => undefined,
    };
  }

  const pool = new pg.Pool({ ...database.pool.options, max: opts.holders, idleTimeoutMillis: 5000, application_name: 'manyi job lock' });
  // Errors of idle lock connections are expected (server restart); the checked-out one is handled per run.
  pool.on('error', () => undefined);

  const exclusive = async (name: string, fn: () => Promise<unknown>): Promise<boolean> => {
    const key = jobLockKey(name);
    const client = await pool.connect();
    let lost: Error | undefined;
    const onError = (err: Error) => {
      lost ??= err;
      opts.onLockLost?.(name, err);
    };
    client.on('error', onError);
    let held = false;
    try {
      const got = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1, $2) as locked', [JOB_LOCK_SPACE, key]).catch((err: Error) => {
        lost ??= err;
        throw err;
      });
      held = got.rows[0].locked;
      if (!held) return false;
      await fn();
      return true;
    } finally {
      if (held && !lost) {
        await client.query('select pg_advisory_unlock($1, $2)', [JOB_LOCK_SPACE, key]).catch((err: Error) => (lost ??= err));
      }
      client.off('error', onError);
      // A connection whose unlock failed is destroyed, which releases the lock on the server.
      client.release(lost ?? false);
    }
  };

  return {
    tryRun: (name, fn) => once(name, () => exclusive(name, fn)),
    close: () => pool.end(),
  };
}
