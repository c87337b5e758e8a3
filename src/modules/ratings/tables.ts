import { sql } from 'drizzle-orm';
import { bigserial, check, date, index, integer, pgEnum, pgTable, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps, version } from '../../db/columns.js';
import { units } from '../units/tables.js';
import { cycles } from '../cycles/tables.js';
import { cases } from '../cases/tables.js';
/** The channels a public rating (群众评价) arrives through; labels live in modules/ratings/channels.ts. */
export const ratingChannels = [
  'questionnaire',
  'household_visit',
  'forum',
  'phone_inquiry',
  'sms',
  'hotline',
  'portal',
  'mailbox',
  'tv_inquiry',
  'face_to_face_review',
  'ten_thousand_review',
  'three_party_inquiry',
  // 好差评 channels of 国办发〔2019〕51号: at the window, by QR code, at a self-service terminal, in the app / mini-program.
  'window_device',
  'qr_code',
  'kiosk',
  'app',
] as const;
export type RatingChannel = (typeof ratingChannels)[number];
export const ratingChannel = pgEnum('rating_channel', ratingChannels);

/**
 * 群众评价: one satisfaction response, level 5 (非常满意) … 1 (非常不满意).
 * The respondent is kept only as a keyed hash (HMAC), never as a phone number or ID.
 */
export const ratings = pgTable(
  'ratings',
  {
    id: id(),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    cycleId: uuid('cycle_id').references(() => cycles.id),
    channel: ratingChannel('channel').notNull(),
    level: smallint('level').notNull(),
    comment: text('comment'),
    collectedAt: timestamp('collected_at', { withTimezone: true, mode: 'date' }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** Who sent it: 'public', an integration's source name, or an import's source. */
    source: text('source').notNull(),
    externalId: text('external_id'),
    respondentHash: text('respondent_hash'),
    /**
     * Set only for rate-limited public channels: the respondent's local day and the n-th rating that day.
     * The unique index over them makes "N per respondent per unit per day" race-free.
     */
    limitedDay: date('limited_day', { mode: 'string' }),
    limitSlot: smallint('limit_slot'),
    importId: uuid('import_id').references(() => ratingImports.id),
    submittedBy: text('submitted_by').notNull(),
    /** 一事一评: the case (办件) this rating is about; at most one rating per case. */
    caseId: uuid('case_id').references(() => cases.id),
    /** The staff member who served, as HMAC of the staff code (cases' hasher); never shown. */
    staffHash: text('staff_hash'),
  },
  (t) => [
    uniqueIndex('ratings_source_external_id_key').on(t.source, t.externalId),
    uniqueIndex('ratings_respondent_day_key').on(t.respondentHash, t.unitId, t.limitedDay, t.limitSlot).where(sql`limited_day is not null`),
    index('ratings_counts_idx').on(t.unitId, t.cycleId, t.channel, t.level),
    index('ratings_cycle_idx').on(t.cycleId, t.id),
    index('ratings_collected_idx').on(t.collectedAt),
    index('ratings_import_idx').on(t.importId),
    uniqueIndex('ratings_case_key').on(t.caseId).where(sql`case_id is not null`),
    check('ratings_level_check', sql`level between 1 and 5`),
  ],
);

/** 回访 status: open → contacted → resolved. */
export const followUpStatus = pgEnum('follow_up_status', ['open', 'contacted', 'resolved']);

/** 回访: a bad rating with a comment is followed up by its unit within a deadline. */
export const ratingFollowUps = pgTable(
  'rating_follow_ups',
  {
    id: id(),
    ratingId: uuid('rating_id').notNull().references(() => ratings.id),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    deadline: timestamp('deadline', { withTimezone: true, mode: 'date' }).notNull(),
    status: followUpStatus('status').notNull().default('open'),
    contactNote: text('contact_note'),
    contactedAt: timestamp('contacted_at', { withTimezone: true, mode: 'date' }),
    contactedBy: text('contacted_by'),
    resolution: text('resolution'),
    /** The respondent's new level after the follow-up, if given; the original rating is never changed. */
    reRatingLevel: smallint('re_rating_level'),
    resolvedAt: timestamp('resolved_at', { withTimezone: true, mode: 'date' }),
    resolvedBy: text('resolved_by'),
    version: version(),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('rating_follow_ups_rating_key').on(t.ratingId),
    index('rating_follow_ups_unit_idx').on(t.unitId, t.id),
    index('rating_follow_ups_status_deadline_idx').on(t.status, t.deadline),
    check('rating_follow_ups_re_rating_check', sql`re_rating_level is null or re_rating_level between 1 and 5`),
  ],
);

export const ratingImportStatus = pgEnum('rating_import_status', ['processing', 'completed', 'failed']);
export const ratingImportFormat = pgEnum('rating_import_format', ['csv', 'ndjson']);
export const ratingImportPolicy = pgEnum('rating_import_policy', ['partial', 'all_or_nothing']);

/** A bulk import of survey results (问卷/万人评机关 campaigns), with its progress. */
export const ratingImports = pgTable(
  'rating_imports',
  {
    id: id(),
    status: ratingImportStatus('status').notNull().default('processing'),
    format: ratingImportFormat('format').notNull(),
    source: text('source').notNull(),
    policy: ratingImportPolicy('policy').notNull(),
    rowsRead: integer('rows_read').notNull().default(0),
    accepted: integer('accepted').notNull().default(0),
    duplicates: integer('duplicates').notNull().default(0),
    rejected: integer('rejected').notNull().default(0),
    followUpsOpened: integer('follow_ups_opened').notNull().default(0),
    failureReason: text('failure_reason'),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
    createdBy: text('created_by').notNull(),
    /** Last sign of life of the process running the job (a committed batch or the heartbeat timer). */
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true, mode: 'date' }),
    /** While `processing`: past this instant the running process is presumed dead and the sweep fails the job. */
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    index('rating_imports_created_by_idx').on(t.createdBy, t.id),
    index('rating_imports_processing_lease_idx').on(t.leaseExpiresAt).where(sql`status = 'processing'`),
  ],
);

/** Per-row errors of an import; the raw row is stored with the respondent key removed. */
export const ratingImportErrors = pgTable(
  'rating_import_errors',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    importId: uuid('import_id')
      .notNull()
      .references(() => ratingImports.id),
    rowNumber: integer('row_number').notNull(),
    field: text('field').notNull(),
    message: text('message').notNull(),
    raw: text('raw'),
  },
  (t) => [index('rating_import_errors_import_idx').on(t.importId, t.id)],
);
