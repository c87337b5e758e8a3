import { createHmac, createSecretKey } from 'node:crypto';
import type { RatingChannel } from './tables.js';
import type { CalendarService } from '../calendar/service.js';

/**
 * The public rating limit: on these channels a respondent may rate a unit PUBLIC_RATINGS_PER_RESPONDENT_PER_DAY
 * times a day (src/config.ts, default 1), counted in China Standard Time (UTC+8). The database's unique index over
 * (respondent_hash, unit_id, limited_day, limit_slot) keeps it race-free.
 */
export const PUBLIC_RATING_LIMIT = {
  channels: ['portal', 'sms', 'mailbox', 'qr_code'] as readonly RatingChannel[],
  utcOffsetHours: 8,
};

/**
 * Anonymous submissions per client IP per minute on the public rating route (stricter than the global limit): the
 * default of RATE_LIMIT_PUBLIC_RATINGS_PER_MINUTE (src/config.ts).
 */
export const PUBLIC_RATINGS_PER_MINUTE = 10;

/**
 * 默认评价 bounds, shared by the env defaults (DEFAULT_RATING_*, src/config.ts) and a cycle's `settings.defaultRating`:
 * a default is at least 3 (基本满意), so never a bad rating that would open a 差评核实 loop; it is recorded on any
 * channel but the QR code (a scan is always a real rater).
 */
export const DEFAULT_RATING_BOUNDS = { level: { min: 3, max: 5 }, days: { min: 1, max: 365 } } as const;
export const defaultRatingChannels = (channels: readonly RatingChannel[]) => channels.filter((c) => c !== 'qr_code') as [RatingChannel, ...RatingChannel[]];

/** 差评: the bottom two levels (不满意, 非常不满意). */
export const BAD_LEVEL_MAX = 2;
export const isBad = (level: number) => level <= BAD_LEVEL_MAX;
/** 差评核实: every bad rating opens the loop, with or without a comment (issue 10: a bare bad mark is verified too). */
export const needsFollowUp = (level: number) => isBad(level);

/** A new loop's deadlines: verification in VERIFICATION_WORKING_DAYS, the call-back provisionally FOLLOW_UP_WORKING_DAYS after. */
export function loopDeadlines(
  calendar: Pick<CalendarService, 'addWorkingDays'>,
  at: Date,
  verificationWorkingDays: number,
  followUpWorkingDays: number,
): { verifyBy: Date; deadline: Date } {
  const verifyBy = calendar.addWorkingDays(at, verificationWorkingDays);
  return { verifyBy, deadline: calendar.addWorkingDays(verifyBy, followUpWorkingDays) };
}

/**
 * The loop's overdue rule: open past its verification deadline, or substantiated and not yet called back past its
 * call-back deadline. The SQL twin is `loopOverdueSql` (queries.ts); both read these states.
 */
export const AWAITING_CALL_BACK_STATES = ['verified', 'rectifying'] as const;
export function loopIsOverdue(r: { state: string; verifyBy: Date | null; deadline: Date }, now: Date): boolean {
  if (r.state === 'open') return !!r.verifyBy && r.verifyBy.getTime() < now.getTime();
  return (AWAITING_CALL_BACK_STATES as readonly string[]).includes(r.state) && r.deadline.getTime() < now.getTime();
}

/** 一事一评: the case has its (non-default) rating already; the import's merge says the same of a case rated meanwhile. */
export const caseAlreadyRatedMessage = (caseId: string) => `case ${caseId} already has its rating (一事一评)`;

/**
 * 一事一评, the one rule of a rating's case (the single rating and the import apply it): the case exists, is the rated
 * unit's, and has no rating yet — or only its default rating (默认评价), which the new one replaces. `existing` is the
 * case's rating, if any.
 */
export function caseRatingIssue(
  caseId: string,
  unitId: string,
  c: { unitId: string } | undefined,
  existing: { isDefault: boolean } | undefined,
): { code: 'case_unknown' | 'case_of_another_unit' | 'case_already_rated'; message: string } | null {
  if (!c) return { code: 'case_unknown', message: `case ${caseId} does not exist` };
  if (c.unitId !== unitId) return { code: 'case_of_another_unit', message: `case ${caseId} belongs to another unit than the one rated` };
  if (existing && !existing.isDefault) return { code: 'case_already_rated', message: caseAlreadyRatedMessage(caseId) };
  return null;
}

export const isLimitedChannel = (channel: RatingChannel) => PUBLIC_RATING_LIMIT.channels.includes(channel);

/** The respondent's calendar day (in the campaign's zone) that the daily limit counts on. */
export function limitDay(at: Date): string {
  return new Date(at.getTime() + PUBLIC_RATING_LIMIT.utcOffsetHours * 3_600_000).toISOString().slice(0, 10);
}

/** Fixed development secret; production refuses to start without RESPONDENT_KEY_SECRET (config.ts). */
export const DEVELOPMENT_RESPONDENT_KEY_SECRET = 'manyi-development-respondent-key-secret';

/**
 * The respondent key (a phone number, an ID number, a portal account) is kept only as HMAC-SHA256 under a
 * server secret: equal keys can be recognised for the daily limit, but the key cannot be recovered or
 * brute-forced without the secret. Spaces and dashes are ignored and letters upper-cased, so
 * "138-0013-8000" and "13800138000" are one respondent.
 */
export function respondentHasher(secret: string) {
  // The secret as a key object once, not re-imported on every hash.
  const hmacKey = createSecretKey(Buffer.from(secret, 'utf8'));
  return (key: string) => createHmac('sha256', hmacKey).update(key.replace(/[\s-]/g, '').toUpperCase(), 'utf8').digest('hex');
}
export type RespondentHasher = ReturnType<typeof respondentHasher>;
