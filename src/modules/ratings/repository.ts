import { and, asc, desc, eq, gt, gte, inArray, lt, or, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { preparedStatement } from '../../db/prepared.js';
import { ratingFollowUps, ratings } from './tables.js';
import type { RatingChannel } from './tables.js';
import { auditQueries } from '../audit/queries.js';
import type { PreparedAuditEntry } from '../audit/queries.js';
import { cycleForSql } from '../enrollments/queries.js';
import { cycleQueries } from '../cycles/queries.js';
import { isUnitRating } from './queries.js';
import { unitQueries } from '../units/queries.js';
import type { UnitFilter } from '../units/queries.js';

export type RatingRow = typeof ratings.$inferSelect;
type FollowUpRow = typeof ratingFollowUps.$inferSelect;

/** What the intake's statement found: the unit (absent when it does not exist), the daily count, what it stored. */
export interface IntakeOutcome {
  unitFound: boolean;
  active: boolean;
  /** Ratings this respondent had already given the unit on the limited day (0 when not limited). */
  taken: number;
  stored: boolean;
  /** The cycle the stored rating counts toward. */
  cycleId: string | null;
}

/** A rating as the intake stores it; its cycle and daily slot are settled by the statement. */
export type IntakeRating = Omit<RatingRow, 'cycleId' | 'limitSlot' | 'holdStatus' | 'holdSignals' | 'heldAt' | 'holdReviewedAt' | 'holdReviewedBy'>;

export interface RatingFilter {
  unitId?: string;
  subjectKind?: RatingRow['subjectKind'];
  /** The department's own ratings (department and leadership) and the ratings of its units. */
  department?: string;
  /** Scope and filters on the rated unit (department, region, …). */
  units?: UnitFilter;
  cycleId?: string;
  channel?: RatingChannel;
  level?: number;
  from?: Date;
  to?: Date;
}

function ratingWhere(db: Db, f: RatingFilter): SQL | undefined {
  return and(
    f.unitId ? eq(ratings.unitId, f.unitId) : undefined,
    unitQueries.unitIn(db, ratings.unitId, f.units),
    f.subjectKind ? eq(ratings.subjectKind, f.subjectKind) : undefined,
    f.department ? or(eq(ratings.departmentId, f.department), unitQueries.unitIn(db, ratings.unitId, { departmentId: f.department })) : undefined,
    f.cycleId ? eq(ratings.cycleId, f.cycleId) : undefined,
    f.channel ? eq(ratings.channel, f.channel) : undefined,
    f.level ? eq(ratings.level, f.level) : undefined,
    f.from ? gte(ratings.collectedAt, f.from) : undefined,
    f.to ? lt(ratings.collectedAt, f.to) : undefined,
  );
}

/** What varies between intake statements; each shape is its own prepared statement. */
interface IntakeShape {
  cycleGiven: boolean;
  limited: boolean;
  followUp: boolean;
  /** Audit entries: the rating's, and the follow-up's when one opens. */
  entries: number;
}

const intakeStatements = new Map<string, ReturnType<typeof intakeStatementOf>>();
function intakeStatement(shape: IntakeShape) {
  const name = `rating_intake_${Number(shape.cycleGiven)}${Number(shape.limited)}${Number(shape.followUp)}${shape.entries}`;
  let statement = intakeStatements.get(name);
  if (!statement) intakeStatements.set(name, (statement = intakeStatementOf(name, shape)));
  return statement;
}

/** The intake statement of a shape; its values are placeholders named as storeAudited fills them. */
function intakeStatementOf(name: string, shape: IntakeShape) {
  return preparedStatement<{ active: boolean; taken: number; stored: boolean; cycle_id: string | null }>(name, (db) => {
    const v = (key: string) => sql.placeholder(key);
    const u = unitQueries.facts(db, 'intake_unit');
    const cycle = shape.cycleGiven ? sql`${v('cycle_id')}::uuid` : cycleForSql(u.id, sql`${v('attribute_at')}`, 'assessment');
    const taken = shape.limited
      ? sql`(select count(*)::int from ${ratings} r where r.respondent_hash = ${v('respondent_hash')} and r.unit_id = ${u.id} and r.limited_day = ${v('limited_day')}::date)`
      : sql`0`;
    const ts = (key: string) => sql`${v(key)}::timestamptz`;
    const opened = shape.followUp
      ? sql`, opened as (insert into ${ratingFollowUps} (id, rating_id, unit_id, verify_by, deadline, state, version, created_at, updated_at)
          select ${v('fu_id')}::uuid, i.id, i.unit_id, ${ts('fu_verify_by')}, ${ts('fu_deadline')}, ${v('fu_state')}, ${v('fu_version')}, ${ts('fu_created_at')}, ${ts('fu_updated_at')} from inserted i)`
      : sql``;
    // The rating's entry (the first) gets the attributed cycle in SQL, and its digest with it (audit.prepare `completes`).
    const audited = auditQueries.insertSqlPrepared(shape.entries, {
      from: sql`inserted`,
      completed: { index: 0, key: 'cycleId', value: sql`coalesce(to_jsonb(inserted.cycle_id), 'null'::jsonb)` },
    });
    return sql`
      with facts as (select ${u.id} as id, ${u.active} as active, ${cycle} as cycle_id, ${taken} as taken from ${u} where ${u.id} = ${v('unit_id')}::uuid),
      inserted as (
        insert into ${ratings} (id, unit_id, cycle_id, channel, level, comment, collected_at, received_at, source, external_id, respondent_hash, limited_day, limit_slot, submitted_by, presence_bound, source_ip_hash, case_id, staff_hash)
        select ${v('id')}::uuid, f.id, f.cycle_id, ${v('channel')}, ${v('level')}, ${v('comment')}, ${ts('collected_at')}, ${ts('received_at')}, ${v('source')}, ${v('external_id')},
          ${v('respondent_hash')}, ${v('limited_day')}::date, ${shape.limited ? sql`f.taken` : sql`null`}, ${v('submitted_by')}, ${v('presence_bound')}, ${v('source_ip_hash')}, ${v('case_id')}::uuid, ${v('staff_hash')}
        from facts f where f.active${shape.limited ? sql` and f.taken < ${v('per_day')}` : sql``}
        on conflict (source, external_id) do nothing
        returning id, unit_id, cycle_id
      )${opened},
      audited as (${audited})
      select f.active, f.taken, i.id is not null as stored, i.cycle_id from facts f left join inserted i on true`;
  });
}

export const ratingsRepository = {
  async byId(db: Db, id: string): Promise<RatingRow | undefined> {
    const rows = await db.select().from(ratings).where(eq(ratings.id, id));
    return rows[0];
  },
  byIds(db: Db, ids: readonly string[]): Promise<RatingRow[]> {
    return db.select().from(ratings).where(inArray(ratings.id, [...ids]));
  },
  async byCaseId(db: Db, caseId: string): Promise<RatingRow | undefined> {
    return (await db.select().from(ratings).where(eq(ratings.caseId, caseId)))[0];
  },
  async bySourceExternalId(db: Db, source: string, externalId: string): Promise<RatingRow | undefined> {
    const rows = await db
      .select()
      .from(ratings)
      .where(and(eq(ratings.source, source), eq(ratings.externalId, externalId)));
    return rows[0];
  },
  /**
   * The whole intake in ONE statement, atomic without a transaction's extra round trips: reads the unit, attributes the
   * cycle (归属周期, the enrollments rule) unless one is given, counts the respondent's ratings of the unit that day, and
   * — when the unit is active, the daily limit not reached and (source, external_id) new — stores the rating, its
   * follow-up and their audit entries. The rating's entry is completed in SQL (its cycle), its digest with it. The
   * daily limit stays race-free through its unique index (a concurrent twin fails on it). A named prepared statement
   * per shape (src/db/prepared.ts): planned once per connection, not on every rating.
   */
  async storeAudited(
    db: Db,
    p: {
      row: IntakeRating;
      cycle: { id: string } | { attributeAt: Date };
      limit: { perDay: number } | null;
      followUp: FollowUpRow | null;
      /** The rating's entry first, prepared to be completed here (`completes: 'cycleId'`): its `after` and digest get the attributed cycle. */
      entries: PreparedAuditEntry[];
    },
  ): Promise<IntakeOutcome> {
    const { row, limit, followUp } = p;
    const shape: IntakeShape = { cycleGiven: 'id' in p.cycle, limited: limit !== null, followUp: followUp !== null, entries: p.entries.length };
    const iso = (d: Date | null) => d?.toISOString() ?? null;
    const values: Record<string, unknown> = {
      ...auditQueries.placeholderValues(p.entries),
      unit_id: row.unitId,
      ...('id' in p.cycle ? { cycle_id: p.cycle.id } : { attribute_at: p.cycle.attributeAt.toISOString() }),
      ...(limit ? { per_day: limit.perDay } : {}),
      id: row.id, channel: row.channel, level: row.level, comment: row.comment, collected_at: iso(row.collectedAt), received_at: iso(row.receivedAt),
      source: row.source, external_id: row.externalId, respondent_hash: row.respondentHash, limited_day: row.limitedDay, submitted_by: row.submittedBy,
      presence_bound: row.presenceBound, source_ip_hash: row.sourceIpHash, case_id: row.caseId, staff_hash: row.staffHash,
      ...(followUp
        ? { fu_id: followUp.id, fu_verify_by: iso(followUp.verifyBy), fu_deadline: iso(followUp.deadline), fu_state: followUp.state, fu_version: followUp.version, fu_created_at: iso(followUp.createdAt), fu_updated_at: iso(followUp.updatedAt) }
        : {}),
    };
    const [r] = await intakeStatement(shape)(db, values);
    if (!r) return { unitFound: false, active: false, taken: 0, stored: false, cycleId: null };
    return { unitFound: true, active: r.active, taken: r.taken, stored: r.stored, cycleId: r.cycle_id };
  },
  /**
   * A department or leadership rating (万人评机关, 领导班子) in one statement: attributes the cycle unless one is given
   * (归属周期: the newest cycle whose assessment window contains collectedAt — departments do not enrol), takes the
   * respondent's daily slot when limited (ratings_subject_respondent_day_key keeps it race-free) and stores the row
   * unless (source, external_id) is known or the limit is reached. The caller records the audit entry in the same
   * transaction. Returns the stored row's cycle, or what refused it.
   */
  async insertSubjectRating(
    db: Db,
    row: IntakeRating,
    p: { cycle: { id: string } | { attributeAt: Date }; limit: { perDay: number } | null },
  ): Promise<{ stored: true; cycleId: string | null } | { stored: false; taken: number }> {
    const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;
    const cycle =
      'id' in p.cycle
        ? sql`${p.cycle.id}::uuid`
        : sql`(select w.id from ${cycleQueries.windowsSql('assessment')} w where w.starts_at <= ${ts(p.cycle.attributeAt)} and ${ts(p.cycle.attributeAt)} < w.ends_at order by w.id desc limit 1)`;
    const taken = p.limit
      ? sql`(select count(*)::int from ${ratings} r where r.respondent_hash = ${row.respondentHash} and r.department_id = ${row.departmentId}::uuid
          and r.subject_kind = ${row.subjectKind} and r.limited_day = ${row.limitedDay}::date)`
      : sql`0`;
    const res = await db.execute(sql`
      with facts as (select ${cycle} as cycle_id, ${taken} as taken),
      inserted as (
        insert into ${ratings} (id, unit_id, subject_kind, department_id, cycle_id, channel, level, comment, collected_at, received_at, source, external_id,
          respondent_hash, limited_day, limit_slot, submitted_by, presence_bound, source_ip_hash)
        select ${row.id}::uuid, null, ${row.subjectKind}, ${row.departmentId}::uuid, f.cycle_id, ${row.channel}, ${row.level}, ${row.comment}, ${ts(row.collectedAt)},
          ${ts(row.receivedAt)}, ${row.source}, ${row.externalId}, ${row.respondentHash}, ${row.limitedDay}::date, ${p.limit ? sql`f.taken` : sql`null`},
          ${row.submittedBy}, false, ${row.sourceIpHash}
        from facts f${p.limit ? sql` where f.taken < ${p.limit.perDay}` : sql``}
        on conflict (source, external_id) do nothing
        returning cycle_id
      )
      select f.taken, i.cycle_id, i.cycle_id is not null or exists (select 1 from inserted) as stored from facts f left join inserted i on true`);
    const [r] = (res as unknown as { rows: { taken: number; cycle_id: string | null; stored: boolean }[] }).rows;
    return r.stored ? { stored: true, cycleId: r.cycle_id } : { stored: false, taken: r.taken };
  },
  list(db: Db, f: RatingFilter & { afterId?: string; limit: number }): Promise<RatingRow[]> {
    return db
      .select()
      .from(ratings)
      .where(and(ratingWhere(db, f), f.afterId ? gt(ratings.id, f.afterId) : undefined))
      .orderBy(asc(ratings.id))
      .limit(f.limit);
  },
  /** A page of the units that have ratings matching the filter, in id order. */
  async ratedUnitIds(db: Db, f: RatingFilter & { afterUnitId?: string; limit: number }): Promise<string[]> {
    const rows = await db
      .selectDistinct({ unitId: ratings.unitId })
      .from(ratings)
      .where(and(ratingWhere(db, f), isUnitRating(), f.afterUnitId ? gt(ratings.unitId, f.afterUnitId) : undefined))
      .orderBy(asc(ratings.unitId))
      .limit(f.limit);
    return rows.map((r) => r.unitId!);
  },
  /** Counts by unit × channel × level, for the given units (one grouped query; uses ratings_counts_idx). */
  counts(db: Db, f: RatingFilter, unitIds: string[]) {
    return db
      .select({ unitId: sql<string>`${ratings.unitId}`, channel: ratings.channel, level: ratings.level, count: sql<number>`count(*)::int` })
      .from(ratings)
      .where(and(ratingWhere(db, f), isUnitRating(), inArray(ratings.unitId, unitIds)))
      .groupBy(ratings.unitId, ratings.channel, ratings.level)
      .orderBy(asc(ratings.unitId), asc(ratings.channel), desc(ratings.level));
  },
};
