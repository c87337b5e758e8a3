import { sql } from 'drizzle-orm';
import { boolean, doublePrecision, index, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps, version } from '../../db/columns.js';
import { units } from '../units/tables.js';
import { cycles } from '../cycles/tables.js';
/** 投诉类别; also the Open311 service codes. */
export const complaintCategories = ['service_attitude', 'efficiency', 'discipline', 'dress_and_conduct', 'fees', 'integrity', 'environment', 'other'] as const;
export const complaintCategory = pgEnum('complaint_category', complaintCategories);

/** Where a complaint came in: 门户网站, 12345/政风行风热线, 信箱, 短信, 媒体, 系统对接, 来访. */
export const complaintSources = ['portal', 'hotline', 'mailbox', 'sms', 'media', 'integration', 'walk_in'] as const;
export const complaintSource = pgEnum('complaint_source', complaintSources);

/** received 已受理 → triaged 已分办 → investigating 调查中 → substantiated 属实 | unsubstantiated 不属实 → closed 已办结. */
export const complaintStatuses = ['received', 'triaged', 'investigating', 'substantiated', 'unsubstantiated', 'closed'] as const;
export const complaintStatus = pgEnum('complaint_status', complaintStatuses);

export const complaintSeverities = ['minor', 'major', 'serious'] as const;
export const complaintSeverity = pgEnum('complaint_severity', complaintSeverities);

export const complaintEventKind = pgEnum('complaint_event_kind', ['received', 'status_changed', 'response']);

/** 投诉举报. The complainant's contact lives in complaint_contacts, so no query of this table can leak it. */
export const complaints = pgTable(
  'complaints',
  {
    id: id(),
    /** What the complainant is given to track the complaint (also the Open311 service_request_id). */
    trackingCode: text('tracking_code').notNull(),
    source: complaintSource('source').notNull(),
    /** The sending system's own id; with the source it makes integration intake idempotent. */
    externalId: text('external_id'),
    category: complaintCategory('category').notNull(),
    subject: text('subject').notNull(),
    description: text('description').notNull(),
    /** Optional at intake (a suggestion), required from triage on. */
    unitId: uuid('unit_id').references(() => units.id),
    /** The assessment-phase cycle the unit was enrolled in at triage, if any. */
    cycleId: uuid('cycle_id').references(() => cycles.id),
    status: complaintStatus('status').notNull().default('received'),
    /** Deadline of the current stage; null once closed. */
    stageDeadline: timestamp('stage_deadline', { withTimezone: true, mode: 'date' }),
    substantiated: boolean('substantiated'),
    severity: complaintSeverity('severity'),
    findings: text('findings'),
    reply: text('reply'),
    address: text('address'),
    /** The sender's own id for the place (Open311 address_id); may identify the complainant's address, like `address`. */
    addressId: text('address_id'),
    /** A photo or other media the complainant linked (Open311 media_url); shown like the description. */
    mediaUrl: text('media_url'),
    lat: doublePrecision('lat'),
    long: doublePrecision('long'),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true, mode: 'date' }),
    closedAt: timestamp('closed_at', { withTimezone: true, mode: 'date' }),
    version: version(),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('complaints_tracking_code_key').on(t.trackingCode),
    uniqueIndex('complaints_source_external_key').on(t.source, t.externalId),
    index('complaints_status_idx').on(t.status, t.id),
    index('complaints_unit_idx').on(t.unitId, t.id),
    index('complaints_category_idx').on(t.category, t.id),
    index('complaints_source_idx').on(t.source, t.id),
    index('complaints_received_idx').on(t.receivedAt),
    index('complaints_cycle_unit_idx').on(t.cycleId, t.unitId),
    index('complaints_open_deadline_idx').on(t.stageDeadline).where(sql`status <> 'closed'`),
  ],
);

/** The complainant's contact (protected): read only for admins, never logged or audited. */
export const complaintContacts = pgTable('complaint_contacts', {
  complaintId: uuid('complaint_id')
    .primaryKey()
    .references(() => complaints.id),
  name: text('name'),
  phone: text('phone'),
  email: text('email'),
  /** The sending app's device and user account ids (Open311 device_id, account_id): they identify the complainant. */
  deviceId: text('device_id'),
  accountId: text('account_id'),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/** A complaint's history: intake, each stage change, departments' responses. */
export const complaintEvents = pgTable(
  'complaint_events',
  {
    id: id(),
    complaintId: uuid('complaint_id')
      .notNull()
      .references(() => complaints.id),
    kind: complaintEventKind('kind').notNull(),
    fromStatus: complaintStatus('from_status'),
    toStatus: complaintStatus('to_status'),
    /** Internal note or response text; never shown publicly. */
    note: text('note'),
    actor: text('actor').notNull(),
    actorRole: text('actor_role').notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('complaint_events_complaint_idx').on(t.complaintId, t.id)],
);
