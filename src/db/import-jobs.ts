/**
 * The tables and the job store every kind of bulk import shares (lib/bulk-import.ts runs them): each module owns its
 * own job and error tables (rating_imports, case_imports, …), built here from one column set, and gets its job store
 * from `importJobStore` instead of writing the same queries again.
 */
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import { bigserial, index, integer, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { AnyPgColumn, PgEnum, PgTable } from 'drizzle-orm/pg-core';
import { id } from './columns.js';
import type { Db } from './client.js';

type Values = [string, ...string[]];

/**
 * The columns of an import job table: status, format and policy (enums named for the module), the counters every
 * import keeps (a module may add its own), the failure reason, who and when, and the lease of the running process.
 */
export function importJobColumns<St extends Values, F extends Values, P extends Values>(enums: { status: PgEnum<St>; format: PgEnum<F>; policy: PgEnum<P> }) {
  return {
    id: id(),
    status: enums.status('status').notNull().default('processing' as St[number]),
    format: enums.format('format').notNull(),
    source: text('source').notNull(),
    policy: enums.policy('policy').notNull(),
    rowsRead: integer('rows_read').notNull().default(0),
    accepted: integer('accepted').notNull().default(0),
    duplicates: integer('duplicates').notNull().default(0),
    rejected: integer('rejected').notNull().default(0),
    failureReason: text('failure_reason'),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
    createdBy: text('created_by').notNull(),
    /** Last sign of life of the process running the job (a committed batch or the heartbeat timer). */
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true, mode: 'date' }),
    /** While `processing`: past this instant the running process is presumed dead and the sweep fails the job. */
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true, mode: 'date' }),
  };
}

/** The indexes every job table has: a caller's jobs, and the lease sweep's expired `processing` jobs. */
export function importJobIndexes(table: string, t: { id: AnyPgColumn; createdBy: AnyPgColumn; leaseExpiresAt: AnyPgColumn }) {
  return [index(`${table}_created_by_idx`).on(t.createdBy, t.id), index(`${table}_processing_lease_idx`).on(t.leaseExpiresAt).where(sql`status = 'processing'`)];
}

/** The columns of an import's per-row error table (the raw row is stored without the kind's secret columns). */
export function importErrorColumns(jobId: () => AnyPgColumn) {
  return {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    importId: uuid('import_id').notNull().references(jobId),
    rowNumber: integer('row_number').notNull(),
    field: text('field').notNull(),
    /** lib/row-errors.ts RowErrorCode; rows stored before codes existed read `invalid_value`. */
    code: text('code').notNull().default('invalid_value'),
    message: text('message').notNull(),
    raw: text('raw'),
  };
}

export function importErrorIndexes(table: string, t: { id: AnyPgColumn; importId: AnyPgColumn }) {
  return [index(`${table}_import_idx`).on(t.importId, t.id)];
}

type JobTable = PgTable & {
  id: AnyPgColumn;
  status: AnyPgColumn;
  createdBy: AnyPgColumn;
  startedAt: AnyPgColumn;
  leaseExpiresAt: AnyPgColumn;
};
type ErrorTable = PgTable & { id: AnyPgColumn; importId: AnyPgColumn };

export interface ImportErrorRecord {
  id: number;
  importId: string;
  rowNumber: number;
  field: string;
  code: string;
  message: string;
  raw: string | null;
}

/** Rows written per INSERT of error rows (well under PostgreSQL's 65,535 parameters). */
const ERROR_ROWS_PER_INSERT = 2000;

/** The job store of lib/bulk-import.ts (ImportJobStore) and the reads the routes need, over a module's two tables. */
export function importJobStore<T extends JobTable, E extends ErrorTable>(jobs: T, errors: E) {
  type Row = T['$inferSelect'];
  type Insert = T['$inferInsert'];
  type Status = Row extends { status: infer S } ? S : never;
  // drizzle's builders do not follow a generic table's columns: the rows are the table's own, cast once here.
  const anyDb = (db: Db) => db as unknown as { insert: Db['insert']; select: Db['select']; update: Db['update'] };
  const whereProcessing = (id: string) => and(eq(jobs.id, id), eq(jobs.status, 'processing'));
  const update = async (db: Db, where: SQL | undefined, patch: object): Promise<Row | undefined> => {
    const [r] = (await anyDb(db).update(jobs).set(patch as never).where(where).returning()) as Row[];
    return r;
  };
  return {
    async create(db: Db, row: Insert): Promise<Row> {
      const [r] = (await anyDb(db).insert(jobs).values(row as never).returning()) as Row[];
      return r;
    },
    async byId(db: Db, id: string): Promise<Row | undefined> {
      const rows = (await anyDb(db).select().from(jobs as PgTable).where(eq(jobs.id, id))) as Row[];
      return rows[0];
    },
    /**
     * Renews a running job's lease (with the progress, when given). Undefined when the job is no longer
     * `processing`: the sweep has failed it, and this process must not go on as if it owned it.
     */
    renewLease(db: Db, id: string, leaseExpiresAt: Date, progress: Partial<Insert> = {}): Promise<Row | undefined> {
      return update(db, whereProcessing(id), { ...progress, heartbeatAt: new Date(), leaseExpiresAt });
    },
    /** Ends a job still `processing` and clears its lease; undefined when it had already ended (failed by the sweep). */
    settle(db: Db, id: string, patch: Partial<Insert>): Promise<Row | undefined> {
      return update(db, whereProcessing(id), { ...patch, leaseExpiresAt: null });
    },
    /**
     * Locks `processing` jobs whose lease has expired (jobs from before leases existed: counted from their start).
     * SKIP LOCKED: a job another process is failing right now is left to it, so no job is failed twice.
     */
    async claimOrphaned(db: Db, now: Date, leaseMs: number, limit: number): Promise<Row[]> {
      const expiry = sql`coalesce(${jobs.leaseExpiresAt}, ${jobs.startedAt} + ${`${leaseMs} milliseconds`}::interval)`;
      return (await anyDb(db)
        .select()
        .from(jobs as PgTable)
        .where(and(eq(jobs.status, 'processing'), sql`${expiry} < ${now.toISOString()}::timestamptz`))
        .orderBy(asc(jobs.id))
        .limit(limit)
        .for('update', { skipLocked: true })) as Row[];
    },
    async list(db: Db, f: { createdBy?: string; status?: Status; afterId?: string; limit: number }): Promise<Row[]> {
      return (await anyDb(db)
        .select()
        .from(jobs as PgTable)
        .where(
          and(
            f.createdBy ? eq(jobs.createdBy, f.createdBy) : undefined,
            f.status ? eq(jobs.status, f.status) : undefined,
            f.afterId ? gt(jobs.id, f.afterId) : undefined,
          ),
        )
        .orderBy(asc(jobs.id))
        .limit(f.limit)) as Row[];
    },
    async insertErrors(db: Db, rows: Omit<ImportErrorRecord, 'id'>[]): Promise<void> {
      for (let i = 0; i < rows.length; i += ERROR_ROWS_PER_INSERT) await anyDb(db).insert(errors).values(rows.slice(i, i + ERROR_ROWS_PER_INSERT) as never);
    },
    async errorsPage(db: Db, importId: string, afterId: number, limit: number): Promise<ImportErrorRecord[]> {
      return (await anyDb(db)
        .select()
        .from(errors as PgTable)
        .where(and(eq(errors.importId, importId), gt(errors.id, afterId)))
        .orderBy(asc(errors.id))
        .limit(limit)) as unknown as ImportErrorRecord[];
    },
  };
}
