import { isUniqueViolation } from '../../db/errors.js';
import { randomBytes } from 'node:crypto';
import { inTransaction } from '../../db/client.js';
import type { Db, TxOption } from '../../db/client.js';
import { conflict, forbidden, invalid, notFound, versionMismatch } from '../../lib/errors.js';
import { paginate, toIso, toIsoOrNull } from '../../lib/http.js';
import type { Page } from '../../lib/http.js';
import { coversRegion, regionSubtree } from '../regions/scope.js';
import type { RequestContext } from '../../lib/principal.js';
import { isOverdue } from '../../lib/working-days.js';
import type { CalendarService } from '../calendar/service.js';
import { stateMachine } from '../../lib/state-machine.js';
import type { AuditService } from '../audit/service.js';
import { unitQueries } from '../units/queries.js';
import { cycleFor } from '../enrollments/queries.js';
import { isInFuture } from '../../lib/time.js';
import type { WebhooksService } from '../webhooks/service.js';
import { complaintsRepository as repo } from './repository.js';
import type { ComplaintContactRow, ComplaintEventRow, ComplaintFilter, ComplaintRow, ComplaintView } from './repository.js';
import { complaintCategoryInfo, complaintStatusLabels } from './schemas.js';
import type {
  ComplaintCategory,
  ComplaintContactInput,
  ComplaintDetailDto,
  ComplaintDto,
  ComplaintEventDto,
  ComplaintSeverity,
  ComplaintStatus,
  CreateComplaintInput,
  DecideInput,
  ListComplaintsFilter,
  PublicComplaintDto,
  PublicComplaintInput,
  TriageInput,
} from './schemas.js';

/**
 * Stage deadlines in working days — the one place to change them. The triage clock starts at receipt, the
 * investigation clock at triage (it keeps running while investigating), the reply clock at the decision.
 */
/** Working days per stage clock; configured by COMPLAINT_DEADLINE_WORKING_DAYS (src/config.ts). */
export type StageDeadlines = { triage: number; investigation: number; reply: number };
const clockOf: Record<ComplaintStatus, keyof StageDeadlines | null> = {
  received: 'triage',
  triaged: 'investigation',
  investigating: 'investigation',
  substantiated: 'reply',
  unsubstantiated: 'reply',
  closed: null,
};

/** The state machine: which stage may follow which. */
export const COMPLAINT_TRANSITIONS: Record<ComplaintStatus, readonly ComplaintStatus[]> = {
  received: ['triaged'],
  triaged: ['investigating'],
  investigating: ['substantiated', 'unsubstantiated'],
  substantiated: ['closed'],
  unsubstantiated: ['closed'],
  closed: [],
};

export const complaintMachine = stateMachine(COMPLAINT_TRANSITIONS);

/** Unambiguous for people reading it over the phone: no 0/O, no 1/I. 32 symbols, so each byte maps without bias. */
const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export function newTrackingCode(): string {
  let code = 'TS-';
  for (const b of randomBytes(10)) code += CODE_ALPHABET[b & 31];
  return code;
}
const normalizeCode = (code: string) => code.trim().toUpperCase();

/** A little clock skew is tolerated on receivedAt; more is a client error. */

export interface ComplaintPublicRecord {
  trackingCode: string;
  category: ComplaintCategory;
  status: ComplaintStatus;
  description: string;
  address: string | null;
  addressId: string | null;
  mediaUrl: string | null;
  lat: number | null;
  long: number | null;
  departmentName: string | null;
  receivedAt: Date;
  updatedAt: Date;
  stageDeadline: Date | null;
  reply: string | null;
}

export interface SubstantiatedComplaint {
  complaintId: string;
  trackingCode: string;
  unitId: string;
  cycleId: string | null;
  category: ComplaintCategory;
  severity: ComplaintSeverity | null;
  decidedAt: string | null;
}

/** Device and account ids are shown only when given (few channels have them). */
function toContact(c: Omit<ComplaintContactRow, 'complaintId' | 'createdAt'> | null | undefined): ComplaintDto['contact'] {
  if (!c) return null;
  return { name: c.name, phone: c.phone, email: c.email, ...(c.deviceId ? { deviceId: c.deviceId } : {}), ...(c.accountId ? { accountId: c.accountId } : {}) };
}

export function toComplaintDto(v: ComplaintView, contact: ComplaintDto['contact'] = null, now = new Date()): ComplaintDto {
  const r = v.c;
  return {
    id: r.id,
    trackingCode: r.trackingCode,
    source: r.source,
    externalId: r.externalId,
    category: r.category,
    categoryLabel: complaintCategoryInfo[r.category].label,
    status: r.status,
    statusLabel: complaintStatusLabels[r.status],
    subject: r.subject,
    description: r.description,
    unitId: r.unitId,
    departmentId: v.departmentId,
    cycleId: r.cycleId,
    receivedAt: toIso(r.receivedAt),
    stageDeadline: toIsoOrNull(r.stageDeadline),
    overdue: r.status !== 'closed' && isOverdue(r.stageDeadline, now),
    substantiated: r.substantiated,
    severity: r.severity,
    findings: r.findings,
    reply: r.reply,
    decidedAt: toIsoOrNull(r.decidedAt),
    closedAt: toIsoOrNull(r.closedAt),
    address: r.address,
    addressId: r.addressId,
    mediaUrl: r.mediaUrl,
    lat: r.lat,
    long: r.long,
    contact,
    version: r.version,
    createdAt: toIso(r.createdAt),
    updatedAt: toIso(r.updatedAt),
  };
}

function toEventDto(e: ComplaintEventRow): ComplaintEventDto {
  return { id: e.id, kind: e.kind, fromStatus: e.fromStatus, toStatus: e.toStatus, note: e.note, actor: e.actor, actorRole: e.actorRole, at: toIso(e.at) };
}

/** What the audit log keeps of a complaint: everything but the complainant's contact. */
const forAudit = (v: ComplaintView) => toComplaintDto(v, null);

/**
 * Who sees which complaints: admins all; a department its units' and a unit its own, once triaged (before
 * triage the unit named by the complainant is only a suggestion). Other roles none. Null = no access.
 */
function complaintScope(ctx: RequestContext): Pick<ComplaintFilter, 'departmentId' | 'unitId' | 'notStatus' | 'regionIds'> | null {
  const p = ctx.principal;
  const subtree = regionSubtree(p);
  if (p.role === 'admin') return subtree ? { regionIds: [...subtree] } : {};
  if (p.role === 'department') return { departmentId: p.departmentId, notStatus: 'received' };
  if (p.role === 'unit') return { unitId: p.unitId, notStatus: 'received' };
  return null;
}

function canSee(ctx: RequestContext, v: ComplaintView): boolean {
  const s = complaintScope(ctx);
  if (!s) return false;
  if (s.notStatus && v.c.status === s.notStatus) return false;
  return (!s.departmentId || s.departmentId === v.departmentId) && (!s.unitId || s.unitId === v.c.unitId) && coversRegion(ctx.principal, v.unitRegionId);
}

const isAdmin = (ctx: RequestContext) => ctx.principal.role === 'admin';

function cleanContact(c: ComplaintContactInput | undefined) {
  const name = c?.name ?? null;
  const phone = c?.phone ?? null;
  const email = c?.email ?? null;
  const deviceId = c?.deviceId ?? null;
  const accountId = c?.accountId ?? null;
  return name || phone || email || deviceId || accountId ? { name, phone, email, deviceId, accountId } : null;
}

export function createComplaintsService({
  db,
  audit,
  webhooks,
  deadlines,
  calendar,
}: {
  db: Db;
  audit: AuditService;
  webhooks?: Pick<WebhooksService, 'emit'>;
  deadlines: StageDeadlines;
  /** Stage deadlines are counted on the national holiday calendar (工作日历). */
  calendar: Pick<CalendarService, 'addWorkingDays'>;
}) {
  /** Contacts only ever leave the database for admins. */
  async function contactsFor(tx: Db, ctx: RequestContext, ids: string[]): Promise<Map<string, ComplaintDto['contact']>> {
    if (!isAdmin(ctx) || ids.length === 0) return new Map();
    return new Map((await repo.contactsFor(tx, ids)).map((c) => [c.complaintId, toContact(c)]));
  }

  async function detail(tx: Db, ctx: RequestContext, v: ComplaintView): Promise<ComplaintDetailDto> {
    const [contacts, events] = [await contactsFor(tx, ctx, [v.c.id]), await repo.eventsFor(tx, [v.c.id])];
    return { ...toComplaintDto(v, contacts.get(v.c.id) ?? null), events: events.map(toEventDto) };
  }

  /**
   * Idempotent per (source, externalId). A repeat answers with the recorded complaint; callers other than the
   * office see it as the public does (no internal findings or severity). Two racing repeats: the loser of the
   * unique index retries once and finds the winner's row (in a transaction of its own only: a caller's transaction
   * is aborted by the violation, so the caller sees it).
   */
  async function intake(ctx: RequestContext, input: CreateComplaintInput, { tx }: TxOption = {}): Promise<{ complaint: ComplaintDto; created: boolean }> {
    try {
      return await intakeOnce(ctx, input, tx);
    } catch (err) {
      if (!tx && input.externalId && isUniqueViolation(err, 'complaints_source_external_key')) return intakeOnce(ctx, input);
      throw err;
    }
  }

  async function intakeOnce(ctx: RequestContext, input: CreateComplaintInput, tx?: Db): Promise<{ complaint: ComplaintDto; created: boolean }> {
    const now = new Date();
    const receivedAt = input.receivedAt ? new Date(input.receivedAt) : now;
    if (isInFuture(receivedAt, now)) throw invalid('receivedAt', 'is in the future');
    return inTransaction(db, tx, async (tx) => {
      if (input.externalId) {
        const existing = await repo.bySourceExternalId(tx, input.source, input.externalId);
        if (existing) {
          const contacts = await contactsFor(tx, ctx, [existing.id]);
          const recorded = toComplaintDto((await repo.byId(tx, existing.id))!, contacts.get(existing.id) ?? null);
          return { complaint: isAdmin(ctx) ? recorded : { ...recorded, findings: null, severity: null }, created: false };
        }
      }
      if (input.unitId && !(await unitQueries.byId(tx, input.unitId))) throw invalid('unitId', `unit ${input.unitId} does not exist`);
      const row = await repo.insert(tx, {
        trackingCode: newTrackingCode(),
        source: input.source,
        externalId: input.externalId ?? null,
        category: input.category,
        subject: input.subject,
        description: input.description,
        unitId: input.unitId ?? null,
        status: 'received',
        stageDeadline: calendar.addWorkingDays(receivedAt, deadlines.triage),
        address: input.address ?? null,
        addressId: input.addressId ?? null,
        mediaUrl: input.mediaUrl ?? null,
        lat: input.lat ?? null,
        long: input.long ?? null,
        receivedAt,
      });
      const contact = cleanContact(input.contact);
      if (contact) await repo.insertContact(tx, { complaintId: row.id, ...contact });
      await repo.insertEvent(tx, {
        complaintId: row.id,
        kind: 'received',
        toStatus: 'received',
        actor: ctx.principal.subject,
        actorRole: ctx.principal.role,
        at: receivedAt,
      });
      const v = (await repo.byId(tx, row.id))!;
      await audit.record(tx, ctx, { action: 'complaint.received', entityType: 'complaint', entityId: row.id, after: forAudit(v) });
      return { complaint: toComplaintDto(v, isAdmin(ctx) ? toContact(contact) : null), created: true };
    });
  }

  /**
   * One stage move: lock, check the state machine (409 illegal_transition), apply, record the event and the
   * audit entry, all in one transaction.
   */
  async function move(
    ctx: RequestContext,
    id: string,
    expected: number | undefined,
    to: ComplaintStatus,
    apply: (row: ComplaintRow, tx: Db, now: Date) => Promise<Partial<ComplaintRow>> | Partial<ComplaintRow>,
    note: string | null,
    { tx }: TxOption = {},
  ): Promise<ComplaintDetailDto> {
    return inTransaction(db, tx, async (tx) => {
      const row = await repo.lock(tx, id);
      if (!row) throw notFound('complaint', id);
      if (expected !== undefined && row.version !== expected) throw versionMismatch('complaint', expected, row.version);
      complaintMachine.assert('complaint', id, row.status, to, { detail: `a complaint that is ${row.status} cannot become ${to}` });
      const before = (await repo.byId(tx, id))!;
      const now = new Date();
      const patch = await apply(row, tx, now);
      const clock = clockOf[to];
      const stageDeadline = !clock ? null : clockOf[row.status] === clock ? row.stageDeadline : calendar.addWorkingDays(now, deadlines[clock]);
      const updated = await repo.update(tx, id, row.version, { ...patch, status: to, stageDeadline });
      if (!updated) throw versionMismatch('complaint', row.version, row.version + 1);
      await repo.insertEvent(tx, {
        complaintId: id,
        kind: 'status_changed',
        fromStatus: row.status,
        toStatus: to,
        note,
        actor: ctx.principal.subject,
        actorRole: ctx.principal.role,
        at: now,
      });
      const after = (await repo.byId(tx, id))!;
      await audit.record(tx, ctx, { action: 'complaint.status_changed', entityType: 'complaint', entityId: id, before: forAudit(before), after: forAudit(after) });
      // Portals follow their complaints by webhook; the payload carries nothing personal.
      await webhooks?.emit(ctx, 'complaint.status_changed', {
        complaintId: id,
        trackingCode: row.trackingCode,
        category: row.category,
        unitId: after.c.unitId,
        departmentId: after.departmentId,
        from: row.status,
        to,
        stageDeadline: toIsoOrNull(after.c.stageDeadline),
        at: toIso(now),
      }, { tx });
      return detail(tx, ctx, after);
    });
  }

  return {
    /** Integration and admin intake; idempotent per (source, externalId). */
    intake,

    /** The public's own submission (portal): answers with the tracking code only. */
    async submitPublic(ctx: RequestContext, input: PublicComplaintInput): Promise<{ trackingCode: string; status: ComplaintStatus }> {
      const { complaint } = await intake(ctx, { ...input, source: 'portal' });
      return { trackingCode: complaint.trackingCode, status: complaint.status };
    },

    async list(ctx: RequestContext, filter: ListComplaintsFilter, page: { limit: number; cursor?: string }): Promise<Page<ComplaintDto>> {
      const scope = complaintScope(ctx);
      if (!scope) throw forbidden();
      const empty = { items: [], nextCursor: null };
      if (scope.departmentId && filter.departmentId && filter.departmentId !== scope.departmentId) return empty;
      if (scope.unitId && filter.unitId && filter.unitId !== scope.unitId) return empty;
      if (scope.notStatus && filter.status === scope.notStatus) return empty;
      const now = new Date();
      const p = await paginate(page, ({ after, limit }) => repo.list(db, {
        ...filter,
        ...scope,
        from: filter.from ? new Date(filter.from) : undefined,
        to: filter.to ? new Date(filter.to) : undefined,
        now,
        afterId: after,
        limit,
      }), { key: (r) => r.c.id });
      const contacts = await contactsFor(db, ctx, p.items.map((r) => r.c.id));
      return { items: p.items.map((r) => toComplaintDto(r, contacts.get(r.c.id) ?? null, now)), nextCursor: p.nextCursor };
    },

    async get(ctx: RequestContext, id: string): Promise<ComplaintDetailDto> {
      const v = await repo.byId(db, id);
      if (!v || !canSee(ctx, v)) throw notFound('complaint', id);
      return detail(db, ctx, v);
    },

    /** Batched, scoped read (GraphQL loaders, other modules); contact for admins only. */
    async byIds(ctx: RequestContext, ids: readonly string[]): Promise<ComplaintDto[]> {
      if (ids.length === 0) return [];
      const rows = (await repo.byIds(db, ids)).filter((v) => canSee(ctx, v));
      const contacts = await contactsFor(db, ctx, rows.map((r) => r.c.id));
      return rows.map((r) => toComplaintDto(r, contacts.get(r.c.id) ?? null));
    },

    /** Histories of complaints the caller already sees, in one query, in key order. */
    async eventsOf(complaintIds: readonly string[]): Promise<ComplaintEventDto[][]> {
      const rows = await repo.eventsFor(db, complaintIds);
      const by = new Map<string, ComplaintEventDto[]>(complaintIds.map((id) => [id, []]));
      for (const e of rows) by.get(e.complaintId)?.push(toEventDto(e));
      return complaintIds.map((id) => by.get(id) ?? []);
    },

    /** The public status page by tracking code: stages and dates, the reply once closed; nothing personal. */
    async publicByTrackingCode(code: string): Promise<PublicComplaintDto> {
      const v = await repo.byTrackingCode(db, normalizeCode(code));
      if (!v) throw notFound('complaint', code);
      const r = v.c;
      const events = await repo.eventsFor(db, [r.id]);
      return {
        trackingCode: r.trackingCode,
        category: r.category,
        categoryLabel: complaintCategoryInfo[r.category].label,
        status: r.status,
        statusLabel: complaintStatusLabels[r.status],
        receivedAt: toIso(r.receivedAt),
        stageDeadline: toIsoOrNull(r.stageDeadline),
        history: events
          .filter((e) => e.kind !== 'response' && e.toStatus)
          .map((e) => ({ stage: e.toStatus!, stageLabel: complaintStatusLabels[e.toStatus!], at: toIso(e.at) })),
        reply: r.status === 'closed' ? r.reply : null,
        closedAt: toIsoOrNull(r.closedAt),
      };
    },

    /** Public records for the Open311 facade: no contact, no findings, no internal notes. */
    async publicRecords(filter: Pick<ComplaintFilter, 'trackingCodes' | 'categories' | 'from' | 'to' | 'closed'> & { limit: number }, { tx }: TxOption = {}): Promise<ComplaintPublicRecord[]> {
      const rows = await repo.listRecent(tx ?? db, {
        ...filter,
        trackingCodes: filter.trackingCodes?.map(normalizeCode),
      });
      return rows.map(toPublicRecord);
    },

    async publicRecord(code: string, { tx }: TxOption = {}): Promise<ComplaintPublicRecord> {
      const v = await repo.byTrackingCode(tx ?? db, normalizeCode(code));
      if (!v) throw notFound('service request', code);
      return toPublicRecord(v);
    },

    triage(ctx: RequestContext, id: string, expected: number | undefined, input: Omit<TriageInput, 'version'>, opt: TxOption = {}) {
      return move(
        ctx,
        id,
        expected,
        'triaged',
        async (row, tx) => {
          const unitId = input.unitId ?? row.unitId;
          if (!unitId) throw invalid('unitId', 'required: name the unit that handles the complaint');
          const unit = await unitQueries.byId(tx, unitId);
          if (!unit) throw invalid('unitId', `unit ${unitId} does not exist`);
          if (!unit.active) throw invalid('unitId', `unit ${unitId} is deactivated`);
          // 归属周期: the cycle whose evaluation window (assessment through naming) contains the moment it was received.
          return { unitId, cycleId: await cycleFor(tx, unitId, row.receivedAt, 'evaluation') };
        },
        input.note ?? null,
        opt,
      );
    },

    startInvestigation(ctx: RequestContext, id: string, expected: number | undefined, note?: string, opt: TxOption = {}) {
      return move(ctx, id, expected, 'investigating', () => ({}), note ?? null, opt);
    },

    decide(ctx: RequestContext, id: string, expected: number | undefined, input: Omit<DecideInput, 'version'>, opt: TxOption = {}) {
      return move(
        ctx,
        id,
        expected,
        input.substantiated ? 'substantiated' : 'unsubstantiated',
        (_row, _tx, now) => {
          if (input.substantiated && !input.severity) throw invalid('severity', 'required when the complaint is substantiated');
          if (!input.substantiated && input.severity) throw invalid('severity', 'only a substantiated complaint has a severity');
          return { substantiated: input.substantiated, severity: input.severity ?? null, findings: input.findings, decidedAt: now };
        },
        input.findings,
        opt,
      );
    },

    close(ctx: RequestContext, id: string, expected: number | undefined, reply: string, opt: TxOption = {}) {
      return move(ctx, id, expected, 'closed', (_row, _tx, now) => ({ reply, closedAt: now }), reply, opt);
    },

    /** A department's explanation while its unit's complaint is investigated (kept in the history, never public). */
    async addResponse(ctx: RequestContext, id: string, text: string): Promise<ComplaintEventDto> {
      return db.transaction(async (tx) => {
        const v = await repo.byId(tx, id);
        if (!v || !canSee(ctx, v)) throw notFound('complaint', id);
        if (v.c.status !== 'investigating') {
          throw conflict('not_investigating', `responses are taken while the complaint is investigating; it is ${v.c.status}`, { currentStatus: v.c.status });
        }
        const e = await repo.insertEvent(tx, { complaintId: id, kind: 'response', note: text, actor: ctx.principal.subject, actorRole: ctx.principal.role });
        const dto = toEventDto(e);
        await audit.record(tx, ctx, { action: 'complaint.response_added', entityType: 'complaint', entityId: id, after: dto });
        return dto;
      });
    },

    /** For scores and rankings: substantiated complaints against these units (in a cycle, if given). */
    async substantiatedForUnits(cycleId: string | null | undefined, unitIds: readonly string[], { tx }: TxOption = {}): Promise<SubstantiatedComplaint[]> {
      const rows = await repo.substantiated(tx ?? db, cycleId, unitIds);
      return rows.map((r) => ({
        complaintId: r.id,
        trackingCode: r.trackingCode,
        unitId: r.unitId!,
        cycleId: r.cycleId,
        category: r.category,
        severity: r.severity,
        decidedAt: toIsoOrNull(r.decidedAt),
      }));
    },
  };
}

function toPublicRecord(v: ComplaintView): ComplaintPublicRecord {
  const r = v.c;
  return {
    trackingCode: r.trackingCode,
    category: r.category,
    status: r.status,
    description: r.description,
    address: r.address,
    addressId: r.addressId,
    mediaUrl: r.mediaUrl,
    lat: r.lat,
    long: r.long,
    departmentName: v.departmentName,
    receivedAt: r.receivedAt,
    updatedAt: r.updatedAt,
    stageDeadline: r.stageDeadline,
    reply: r.status === 'closed' ? r.reply : null,
  };
}

export type ComplaintsService = ReturnType<typeof createComplaintsService>;
