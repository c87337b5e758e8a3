import { and, asc, eq, notExists, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { auditQueries } from '../audit/queries.js';
import type { PreparedAuditEntry } from '../audit/queries.js';
import { caseQueries } from '../cases/queries.js';
import { participationWindows } from '../enrollments/queries.js';
import { unitQueries } from '../units/queries.js';
import { ratings } from './tables.js';
import type { RatingChannel } from './tables.js';

export interface DueCase {
  caseId: string;
  unitId: string;
  closedAt: Date;
}

export interface DefaultRatingRow extends DueCase {
  id: string;
}

/** 默认评价: the reads and the one-statement write behind ratings/defaults.ts. */
export const defaultRatingsRepository = {
  /** Completed cases of active units closed before `before` that have no rating, oldest first (uses ratings_case_key). */
  async dueCases(db: Db, before: Date, limit: number): Promise<DueCase[]> {
    const c = caseQueries.completedBefore(db, before, 'due_cases');
    const u = unitQueries.facts(db, 'due_case_units');
    const rows = await db
      .select({ caseId: c.id, unitId: c.unitId, closedAt: c.closedAt })
      .from(c)
      .innerJoin(u, eq(u.id, c.unitId))
      .where(and(eq(u.active, true), notExists(db.select({ one: sql`1` }).from(ratings).where(eq(ratings.caseId, c.id)))))
      .orderBy(asc(c.closedAt), asc(c.id))
      .limit(limit);
    return rows.map((r) => ({ caseId: r.caseId, unitId: r.unitId, closedAt: r.closedAt! }));
  },

  /**
   * One statement per batch: the default ratings (cycle attributed at the case's completion, as the on-time figures
   * and T count it) and one audit entry per rating actually inserted. A case rated meanwhile (by a rater or a
   * concurrent run) is skipped by the case's unique index: never two ratings per case.
   */
  async insertAudited(
    db: Db,
    rows: DefaultRatingRow[],
    common: { level: number; channel: RatingChannel; receivedAt: Date; source: string; submittedBy: string },
    entry: PreparedAuditEntry,
  ): Promise<{ id: string; caseId: string; cycleId: string | null }[]> {
    if (!rows.length) return [];
    const values = sql.join(
      rows.map((r) => sql`(${r.id}::uuid, ${r.caseId}::uuid, ${r.unitId}::uuid, ${r.closedAt.toISOString()}::timestamptz)`),
      sql`, `,
    );
    const received = sql`${common.receivedAt.toISOString()}::timestamptz`;
    const audited: PreparedAuditEntry = {
      ...entry,
      // Completed per inserted row; the digest is null, so the sealer digests what was stored.
      entityId: sql`inserted.id::text` as unknown as string,
      after: sql`jsonb_build_object('id', inserted.id, 'unitId', inserted.unit_id, 'cycleId', inserted.cycle_id, 'caseId', inserted.case_id,
        'level', inserted.level, 'channel', inserted.channel, 'collectedAt', inserted.collected_at, 'source', inserted.source, 'default', true)` as SQL,
      digest: null,
    };
    const res = await db.execute(sql`
      with v(id, case_id, unit_id, collected_at) as (values ${values}),
      inserted as (
        insert into ${ratings} (id, unit_id, cycle_id, channel, level, collected_at, received_at, source, submitted_by, case_id, is_default)
        select v.id, v.unit_id,
          (select pw.cycle_id from ${participationWindows('assessment')} pw where pw.unit_id = v.unit_id and pw.starts_at <= v.collected_at and v.collected_at < pw.ends_at order by pw.cycle_id desc limit 1),
          ${common.channel}, ${common.level}, v.collected_at, ${received}, ${common.source}, ${common.submittedBy}, v.case_id, true
        from v
        on conflict (case_id) where case_id is not null do nothing
        returning id, unit_id, cycle_id, case_id, level, channel, collected_at, source
      ),
      audited as (${auditQueries.insertSql([audited], { from: sql`inserted` })})
      select id, case_id, cycle_id from inserted`);
    return (res as unknown as { rows: { id: string; case_id: string; cycle_id: string | null }[] }).rows.map((r) => ({ id: r.id, caseId: r.case_id, cycleId: r.cycle_id }));
  },

  /** Removes a default rating a real rating of its case replaces (in the caller's transaction). */
  async deleteDefault(db: Db, id: string): Promise<boolean> {
    const rows = await db.delete(ratings).where(and(eq(ratings.id, id), eq(ratings.isDefault, true))).returning({ id: ratings.id });
    return rows.length > 0;
  },
};
