import { sql } from 'drizzle-orm';
import { boolean, check, date, index, integer, jsonb, pgEnum, pgTable, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps, version } from '../../db/columns.js';
import { units } from '../units/tables.js';
import { cycles } from '../cycles/tables.js';
import { problems } from '../problems/tables.js';
import { cases } from '../cases/tables.js';
import { departments } from '../departments/tables.js';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { importErrorColumns, importErrorIndexes, importJobColumns, importJobIndexes } from '../../db/import-jobs.js';
import { importFormats, importPolicies, importStatuses } from '../../lib/bulk-import.js';
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
  /** 二维码: scanned at the unit's window (presence-bound); only through POST /public/qr-codes/{code}/ratings. */
  'qr_code',
  // 好差评 channels of 国办发〔2019〕51号: the rating device at the window, a self-service terminal, the app / mini-program.
  'window_device',
  'kiosk',
  'app',
] as const;
export type RatingChannel = (typeof ratingChannels)[number];
export const ratingChannel = pgEnum('rating_channel', ratingChannels);

/**
 * What a rating rates: a unit (基层站所/窗口, the default), a department itself (万人评机关), or a department's leadership team
 * (领导班子: 领导班子面对面评议, 电视问政测评). Only unit ratings feed the unit ranking's P; the other two show on the department scoreboard.
 */
export const ratingSubjectKinds = ['unit', 'department', 'leadership'] as const;
export type RatingSubjectKind = (typeof ratingSubjectKinds)[number];
export const ratingSubjectKind = pgEnum('rating_subject_kind', ratingSubjectKinds);

/** Rating integrity (评价防刷): none (never suspected), held for review (out of P), cleared (back in P), rejected (out for good). */
export const ratingHoldStatus = pgEnum('rating_hold_status', ['none', 'held', 'cleared', 'rejected']);

/**
 * 群众评价: one satisfaction response, level 5 (非常满意) … 1 (非常不满意).
 * The respondent is kept only as a keyed hash (HMAC), never as a phone number or ID.
 */
export const ratings = pgTable(
  'ratings',
  {
    id: id(),
    /** The rated unit; null exactly when the subject is a department or its leadership team (ratings_subject_check). */
    unitId: uuid('unit_id').references(() => units.id),
    subjectKind: ratingSubjectKind('subject_kind').notNull().default('unit'),
    /** The rated department (万人评机关) or whose leadership team (领导班子) was rated; null for unit ratings. */
    departmentId: uuid('department_id').references(() => departments.id),
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
    /** Given through a unit's QR code (二维码) at its window: the rater was there. */
    presenceBound: boolean('presence_bound').notNull().default(false),
    /** HMAC of the client IP of a public submission (never the IP itself); null for integrations and imports. */
    sourceIpHash: text('source_ip_hash'),
    /** Integrity review (modules/ratings/integrity.ts): a held rating counts nowhere until cleared. */
    holdStatus: ratingHoldStatus('hold_status').notNull().default('none'),
    /** The signals that held it (respondent_burst, ip_burst, respondent_spread, level_shift, same_second, off_hours). */
    holdSignals: text('hold_signals').array().notNull().default([]),
    heldAt: timestamp('held_at', { withTimezone: true, mode: 'date' }),
    holdReviewedAt: timestamp('hold_reviewed_at', { withTimezone: true, mode: 'date' }),
    holdReviewedBy: text('hold_reviewed_by'),
    /** 一事一评: the case (办件) this rating is about; at most one rating per case. */
    caseId: uuid('case_id').references(() => cases.id),
    /** The staff member who served, as HMAC of the staff code (cases' hasher); never shown. */
    staffHash: text('staff_hash'),
    /**
     * 默认评价: given by the system to a completed case left unrated past DEFAULT_RATING_DAYS (ratings/defaults.ts), not by
     * a rater. Whether it counts toward P is the cycle's `scoring.defaultsCountTowardP`; a real rating replaces it.
     */
    isDefault: boolean('is_default').notNull().default(false),
  },
  (t) => [
    uniqueIndex('ratings_source_external_id_key').on(t.source, t.externalId),
    uniqueIndex('ratings_respondent_day_key').on(t.respondentHash, t.unitId, t.limitedDay, t.limitSlot).where(sql`limited_day is not null`),
    index('ratings_counts_idx').on(t.unitId, t.cycleId, t.channel, t.level),
    index('ratings_cycle_idx').on(t.cycleId, t.id),
    index('ratings_collected_idx').on(t.collectedAt),
    index('ratings_import_idx').on(t.importId),
    index('ratings_hold_idx').on(t.holdStatus, t.unitId, t.id).where(sql`hold_status <> 'none'`),
    index('ratings_respondent_received_idx').on(t.respondentHash, t.receivedAt).where(sql`respondent_hash is not null`),
    index('ratings_ip_received_idx').on(t.sourceIpHash, t.receivedAt).where(sql`source_ip_hash is not null`),
    index('ratings_unit_received_idx').on(t.unitId, t.receivedAt),
    // The integrity scans: the ratings received since a watermark, in the level-shift window, or just out of it.
    index('ratings_received_idx').on(t.receivedAt),
    uniqueIndex('ratings_case_key').on(t.caseId).where(sql`case_id is not null`),
    check('ratings_level_check', sql`level between 1 and 5`),
    // The public daily limit for department and leadership ratings: N per respondent, department, subject kind and day.
    uniqueIndex('ratings_subject_respondent_day_key')
      .on(t.respondentHash, t.departmentId, t.subjectKind, t.limitedDay, t.limitSlot)
      .where(sql`limited_day is not null and department_id is not null`),
    index('ratings_department_subject_idx').on(t.departmentId, t.cycleId, t.subjectKind).where(sql`department_id is not null`),
    check(
      'ratings_subject_check',
      sql`(subject_kind = 'unit' and unit_id is not null and department_id is null) or (subject_kind <> 'unit' and unit_id is null and department_id is not null)`,
    ),
  ],
);

/** 差评核实 → 整改 → 回访: open → verified → rectifying → called_back → closed (not substantiated / malicious close at verification). */
export const badRatingLoopStates = ['open', 'verified', 'rectifying', 'called_back', 'closed'] as const;
export const badRatingLoopState = pgEnum('bad_rating_loop_state', badRatingLoopStates);
/** 核实结论: 属实 / 不属实 / 恶意差评. */
export const verificationOutcomes = ['substantiated', 'not_substantiated', 'malicious'] as const;
export const verificationOutcome = pgEnum('bad_rating_verification_outcome', verificationOutcomes);
/** How the call-back re-rating arrived: the rater's own signed link, or a phone call recorded by office staff. */
export const callBackChannels = ['rater_link', 'phone'] as const;
export const callBackChannel = pgEnum('bad_rating_call_back_channel', callBackChannels);

/**
 * 差评核实 loop (API: follow-ups): every bad rating (level 1–2) is verified by office staff or the unit's department,
 * rectified through a problem (问题整改) when substantiated, and called back (回访): the rater re-rates.
 */
export const ratingFollowUps = pgTable(
  'rating_follow_ups',
  {
    id: id(),
    ratingId: uuid('rating_id').notNull().references(() => ratings.id),
    /** The rated unit; null exactly when the bad rating rates a department or its leadership team (rating_follow_ups_subject_check). */
    unitId: uuid('unit_id').references(() => units.id),
    /** The rated department (万人评机关) or whose leadership team (领导班子) was rated; null for a unit's bad rating. */
    departmentId: uuid('department_id').references(() => departments.id),
    /** The call-back (回访) deadline: FOLLOW_UP_WORKING_DAYS working days after the rating was received. */
    deadline: timestamp('deadline', { withTimezone: true, mode: 'date' }).notNull(),
    state: badRatingLoopState('state').notNull().default('open'),
    /** The verification deadline: VERIFICATION_WORKING_DAYS working days after the rating was received. */
    verifyBy: timestamp('verify_by', { withTimezone: true, mode: 'date' }),
    verification: verificationOutcome('verification'),
    verificationReason: text('verification_reason'),
    verifiedAt: timestamp('verified_at', { withTimezone: true, mode: 'date' }),
    verifiedBy: text('verified_by'),
    /** The problem (问题整改) a substantiated bad rating is rectified through. */
    problemId: uuid('problem_id').references(() => problems.id),
    /** 整改措施 of a department or leadership bad rating, which is rectified by the department itself, not through a unit's problem. */
    rectification: text('rectification'),
    rectifyingAt: timestamp('rectifying_at', { withTimezone: true, mode: 'date' }),
    rectifyingBy: text('rectifying_by'),
    /** The rater's level at the call-back; the original rating is never changed. */
    reRatingLevel: smallint('re_rating_level'),
    callBackComment: text('call_back_comment'),
    callBackChannel: callBackChannel('call_back_channel'),
    calledBackAt: timestamp('called_back_at', { withTimezone: true, mode: 'date' }),
    /** `rater` for the rater's link; the office staff's subject for a phone call-back. */
    calledBackBy: text('called_back_by'),
    closedAt: timestamp('closed_at', { withTimezone: true, mode: 'date' }),
    closedBy: text('closed_by'),
    closeNote: text('close_note'),
    version: version(),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('rating_follow_ups_rating_key').on(t.ratingId),
    index('rating_follow_ups_unit_idx').on(t.unitId, t.id),
    index('rating_follow_ups_state_deadline_idx').on(t.state, t.deadline),
    index('rating_follow_ups_problem_idx').on(t.problemId),
    index('rating_follow_ups_department_idx').on(t.departmentId, t.id).where(sql`department_id is not null`),
    check('rating_follow_ups_re_rating_check', sql`re_rating_level is null or re_rating_level between 1 and 5`),
    check('rating_follow_ups_subject_check', sql`(unit_id is null) <> (department_id is null)`),
  ],
);

export const ratingImportStatus = pgEnum('rating_import_status', importStatuses);
export const ratingImportFormat = pgEnum('rating_import_format', importFormats);
export const ratingImportPolicy = pgEnum('rating_import_policy', importPolicies);

/** A bulk import of survey results (问卷/万人评机关 campaigns), with its progress and lease (db/import-jobs.ts). */
export const ratingImports = pgTable(
  'rating_imports',
  {
    ...importJobColumns({ status: ratingImportStatus, format: ratingImportFormat, policy: ratingImportPolicy }),
    followUpsOpened: integer('follow_ups_opened').notNull().default(0),
  },
  (t) => importJobIndexes('rating_imports', t),
);

/** Per-row errors of an import; the raw row is stored with the respondent key removed. */
export const ratingImportErrors = pgTable('rating_import_errors', importErrorColumns((): AnyPgColumn => ratingImports.id), (t) => importErrorIndexes('rating_import_errors', t));

/**
 * 评价防刷 scan state of a cycle: every rating received before `scannedThrough` has been examined (the next scan is
 * incremental from there), with the thresholds in force (a change of settings makes the next scan full again).
 */
export const ratingIntegrityScans = pgTable('rating_integrity_scans', {
  cycleId: uuid('cycle_id')
    .primaryKey()
    .references(() => cycles.id),
  scannedThrough: timestamp('scanned_through', { withTimezone: true, mode: 'date' }).notNull(),
  thresholds: jsonb('thresholds').notNull(),
  fullScannedAt: timestamp('full_scanned_at', { withTimezone: true, mode: 'date' }).notNull(),
  scannedAt: timestamp('scanned_at', { withTimezone: true, mode: 'date' }).notNull(),
});
