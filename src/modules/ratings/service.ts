import { isUniqueViolation } from '../../db/errors.js';
import type { Db } from '../../db/client.js';
import { conflict, invalid } from '../../lib/errors.js';
import { paginate } from '../../lib/http.js';
import type { Page } from '../../lib/http.js';
import type { RequestContext } from '../../lib/principal.js';
import type { CalendarService } from '../calendar/service.js';
import { uuidv7 } from '../../lib/ids.js';
import type { AuditEntryInput, AuditService } from '../audit/service.js';
import type { RegionsService } from '../regions/service.js';
import { unitQueries } from '../units/queries.js';
import { cycleQueries } from '../cycles/queries.js';
import { isInFuture } from '../../lib/time.js';
import { canSeeUnit, unitScope } from '../units/service.js';
import { followUpsRepository } from './follow-ups.repository.js';
import type { FollowUpRow } from './follow-ups.repository.js';
import type { CallBackLinks } from './call-back-links.js';
import type { RatingIntegrityService } from './integrity.js';
import { toFollowUpDto, toRatingDto } from './mappers.js';
import { ratingsRepository } from './repository.js';
import type { RatingFilter, RatingRow } from './repository.js';
import { defaultRatingsRepository } from './defaults.repository.js';
import { PUBLIC_RATING_LIMIT, caseAlreadyRatedMessage, caseRatingIssue, isBad, isLimitedChannel, limitDay, loopDeadlines, needsFollowUp } from './rules.js';
import type { RespondentHasher } from './rules.js';
import { caseQueries } from '../cases/queries.js';
import { departmentQueries } from '../departments/queries.js';
import { inTransaction } from '../../db/client.js';
import { canSeeSubject, resolveSubject } from './subjects.js';
import type { ResolvedSubject } from './subjects.js';
import type { ListRatingsFilter, PublicRatingInput, QrRatingInput, RatingCountsDto, RatingCountsFilter, RatingDto, RatingReceiptDto, SubmitRatingInput } from './schemas.js';

const PUBLIC_SOURCE = 'public';
/** A new rating has not been looked at by the integrity review (modules/ratings/integrity.ts). */
const UNREVIEWED = { holdStatus: 'none' as const, holdSignals: [] as string[], heldAt: null, holdReviewedAt: null, holdReviewedBy: null };

/** The respondent-per-day unique index: a concurrent second rating loses the race here. */
const isDailyLimitViolation = (err: unknown) => isUniqueViolation(err, 'ratings_respondent_day_key');
const caseAlreadyRated = (caseId: string) => conflict('case_already_rated', caseAlreadyRatedMessage(caseId));

const dailyLimitReached = (perDay: number) =>
  conflict(
    'rating_limit_reached',
    `this respondent has already rated this unit today on a public channel (${perDay} per day on ${PUBLIC_RATING_LIMIT.channels.join(', ')})`,
  );

/** A freshly opened 差评核实 loop: verification due in VERIFICATION_WORKING_DAYS, the call-back provisionally after that. */
export function openedLoop(
  calendar: Pick<CalendarService, 'addWorkingDays'>,
  id: string,
  ratingId: string,
  /** The rated unit, or (万人评机关, 领导班子) the rated department. */
  subject: { unitId: string; departmentId: null } | { unitId: null; departmentId: string },
  at: Date,
  verificationWorkingDays: number,
  followUpWorkingDays: number,
): FollowUpRow {
  return {
    id, ratingId, ...subject, rectification: null,
    ...loopDeadlines(calendar, at, verificationWorkingDays, followUpWorkingDays),
    state: 'open', verification: null, verificationReason: null, verifiedAt: null, verifiedBy: null,
    problemId: null, rectifyingAt: null, rectifyingBy: null,
    reRatingLevel: null, callBackComment: null, callBackChannel: null, calledBackAt: null, calledBackBy: null,
    closedAt: null, closedBy: null, closeNote: null,
    version: 1, createdAt: at, updatedAt: at,
  };
}

export function createRatingsService({
  db,
  audit,
  regions,
  hashRespondent,
  hashStaff,
  perDay,
  followUpWorkingDays,
  calendar,
  verificationWorkingDays,
  links,
  integrity,
}: {
  db: Db;
  audit: AuditService;
  regions: RegionsService;
  hashRespondent: RespondentHasher;
  /** The staff who served (一事一评), hashed as cases hash their first responders. */
  hashStaff: (staffCode: string) => string;
  /** PUBLIC_RATINGS_PER_RESPONDENT_PER_DAY */
  perDay: number;
  /** FOLLOW_UP_WORKING_DAYS */
  followUpWorkingDays: number;
  /** 回访 deadlines are counted on the national holiday calendar: the unit is only read inside the one statement. */
  calendar: Pick<CalendarService, 'addWorkingDays'>;
  /** VERIFICATION_WORKING_DAYS */
  verificationWorkingDays: number;
  links: CallBackLinks;
  /** 评价防刷 soon after intake: a stored rating marks its cycle for the next background scan (in memory, no I/O). */
  integrity: Pick<RatingIntegrityService, 'markDirty'>;
}) {
  /** After the rating's commit: a new one marks its cycle dirty (integrity.ts); a duplicate changed nothing. */
  const marked = (receipt: RatingReceiptDto): RatingReceiptDto => {
    if (!receipt.duplicate) integrity.markDirty([receipt.cycleId]);
    return receipt;
  };

  type StoreInput = Omit<SubmitRatingInput, 'unitId' | 'subject'> & { unitId: string; collectedAt: string; presenceBound?: boolean; sourceIp?: string };

  /**
   * One statement, no transaction (ratingsRepository.storeAudited): it reads what the rules need and stores the rating,
   * its follow-up and their audit entries together, or nothing; what it found says which rule refused. Only an
   * integration's (source, externalId) and an explicit cycleId cost a query more.
   */
  async function store(ctx: RequestContext, input: StoreInput): Promise<RatingReceiptDto> {
    try {
      if (input.externalId) {
        const existing = await ratingsRepository.bySourceExternalId(db, input.source, input.externalId);
        if (existing) return duplicateReceipt(db, existing.id, existing.cycleId);
      }
      if (input.cycleId && !(await cycleQueries.exists(db, input.cycleId))) {
        if (!(await unitQueries.byId(db, input.unitId))) throw invalid('unitId', `unit ${input.unitId} does not exist`);
        throw invalid('cycleId', `cycle ${input.cycleId} does not exist`);
      }
      const replaced = input.caseId ? await checkCase(input.caseId, input.unitId) : undefined;
      // 默认评价: the applicant may still rate; the real rating takes the default's place in one transaction.
      if (replaced) return marked(await db.transaction(async (tx) => { await replaceDefault(tx, ctx, replaced); return intake(tx, ctx, input); }));
      return marked(await intake(db, ctx, input));
    } catch (err) {
      if (isDailyLimitViolation(err)) throw dailyLimitReached(perDay);
      if (input.caseId && isUniqueViolation(err, 'ratings_case_key')) throw caseAlreadyRated(input.caseId);
      throw err;
    }
  }

  /** The rating itself: one statement (with a default's removal before it when replacing, in the caller's transaction). */
  async function intake(tx: Db, ctx: RequestContext, input: StoreInput): Promise<RatingReceiptDto> {
    const collectedAt = new Date(input.collectedAt);
    const respondentHash = input.respondentKey ? hashRespondent(input.respondentKey) : null;
    const limitedDay = respondentHash && isLimitedChannel(input.channel) ? limitDay(collectedAt) : null;
    const receivedAt = new Date();
    const row = {
      id: uuidv7(),
      unitId: input.unitId,
      subjectKind: 'unit' as const,
      departmentId: null,
      channel: input.channel,
      level: input.level,
      comment: input.comment ?? null,
      collectedAt,
      receivedAt,
      source: input.source,
      externalId: input.externalId ?? null,
      respondentHash,
      limitedDay,
      importId: null,
      submittedBy: ctx.principal.subject,
      presenceBound: input.presenceBound ?? false,
      // Kept only as a keyed hash, like the respondent: bursts from one address are recognisable, the address is not.
      sourceIpHash: input.sourceIp ? hashRespondent(`ip:${input.sourceIp}`) : null,
      caseId: input.caseId ?? null,
      isDefault: false,
      staffHash: input.staffCode ? hashStaff(input.staffCode) : null,
    };
    // The entry's cycleId (and the row's) are settled by the statement; the DTO is otherwise complete here.
    const dto = toRatingDto({ ...row, ...UNREVIEWED, cycleId: null, limitSlot: null });
    const submitted: AuditEntryInput = { action: 'rating.submitted', entityType: 'rating', entityId: row.id, after: dto };
    const entries: AuditEntryInput[] = [];
    let followUp: FollowUpRow | null = null;
    if (needsFollowUp(row.level)) {
      followUp = openedLoop(calendar, uuidv7(), row.id, { unitId: row.unitId, departmentId: null }, receivedAt, verificationWorkingDays, followUpWorkingDays);
      const { rating: _r, ...after } = toFollowUpDto(followUp, { ...row, ...UNREVIEWED, cycleId: null, limitSlot: null });
      entries.push({ action: 'follow_up.opened', entityType: 'rating_follow_up', entityId: followUp.id, after });
    }
    const outcome = await ratingsRepository.storeAudited(tx, {
      row,
      // 归属周期: unless given, the cycle whose assessment window contains the moment the rating was collected.
      cycle: input.cycleId ? { id: input.cycleId } : { attributeAt: collectedAt },
      limit: limitedDay ? { perDay } : null,
      followUp,
      entries: [...audit.prepare(ctx, submitted, { completes: 'cycleId' }), ...audit.prepare(ctx, entries)],
    });
    if (!outcome.unitFound) throw invalid('unitId', `unit ${input.unitId} does not exist`);
    if (!outcome.active) throw invalid('unitId', `unit ${input.unitId} is deactivated and takes no ratings`);
    if (!outcome.stored && limitedDay && outcome.taken >= perDay) throw dailyLimitReached(perDay);
    if (!outcome.stored) {
      // A concurrent request with the same (source, externalId) committed first.
      const existing = await ratingsRepository.bySourceExternalId(tx, input.source, input.externalId!);
      return duplicateReceipt(tx, existing!.id, existing!.cycleId);
    }
    // Only the rater themself (the public route) is handed the call-back link; integrations' raters are called back by phone.
    const callBackToken = followUp && input.source === PUBLIC_SOURCE ? links.issue(followUp.id, receivedAt) : null;
    return { id: row.id, duplicate: false, cycleId: outcome.cycleId, followUpId: followUp?.id ?? null, callBackToken };
  }

  type SubjectInput = Omit<StoreInput, 'unitId' | 'caseId' | 'staffCode' | 'presenceBound'> & { subject: Exclude<ResolvedSubject, { kind: 'unit' }> };

  /**
   * A department or leadership rating (万人评机关, 领导班子面对面评议, 电视问政测评): the department exists and is active; the same
   * idempotency by (source, externalId) and public daily limit (per respondent, department and subject kind) as unit
   * ratings; audited in the same transaction. A bad one opens its 差评核实 loop in the same transaction, as a unit's does
   * (the department rectifies it itself: follow-ups.service.ts).
   */
  async function storeSubject(ctx: RequestContext, input: SubjectInput): Promise<RatingReceiptDto> {
    const { departmentId, kind } = input.subject;
    try {
      return marked(await inTransaction(db, undefined, async (tx) => {
        if (input.externalId) {
          const existing = await ratingsRepository.bySourceExternalId(tx, input.source, input.externalId);
          if (existing) return duplicateReceipt(tx, existing.id, existing.cycleId);
        }
        const [department] = await departmentQueries.byIds(tx, [departmentId]);
        if (!department) throw invalid('subject.departmentId', `department ${departmentId} does not exist`);
        if (!department.active) throw invalid('subject.departmentId', `department ${departmentId} is deactivated and takes no ratings`);
        if (input.cycleId && !(await cycleQueries.exists(tx, input.cycleId))) throw invalid('cycleId', `cycle ${input.cycleId} does not exist`);
        const collectedAt = new Date(input.collectedAt);
        const respondentHash = input.respondentKey ? hashRespondent(input.respondentKey) : null;
        const limitedDay = respondentHash && isLimitedChannel(input.channel) ? limitDay(collectedAt) : null;
        const row = {
          id: uuidv7(),
          unitId: null,
          subjectKind: kind,
          departmentId,
          channel: input.channel,
          level: input.level,
          comment: input.comment ?? null,
          collectedAt,
          receivedAt: new Date(),
          source: input.source,
          externalId: input.externalId ?? null,
          respondentHash,
          limitedDay,
          importId: null,
          submittedBy: ctx.principal.subject,
          presenceBound: false,
          sourceIpHash: input.sourceIp ? hashRespondent(`ip:${input.sourceIp}`) : null,
          caseId: null,
          isDefault: false,
          staffHash: null,
        };
        const outcome = await ratingsRepository.insertSubjectRating(tx, row, {
          cycle: input.cycleId ? { id: input.cycleId } : { attributeAt: collectedAt },
          limit: limitedDay ? { perDay } : null,
        });
        if (!outcome.stored) {
          if (limitedDay && outcome.taken >= perDay) throw dailyLimitReached(perDay);
          const existing = await ratingsRepository.bySourceExternalId(tx, input.source, input.externalId!);
          return duplicateReceipt(tx, existing!.id, existing!.cycleId);
        }
        const stored = { ...row, ...UNREVIEWED, cycleId: outcome.cycleId, limitSlot: null };
        const entries: AuditEntryInput[] = [{ action: 'rating.submitted', entityType: 'rating', entityId: row.id, after: toRatingDto(stored) }];
        const followUp = needsFollowUp(row.level)
          ? await followUpsRepository.insert(tx, openedLoop(calendar, uuidv7(), row.id, { unitId: null, departmentId }, row.receivedAt, verificationWorkingDays, followUpWorkingDays))
          : null;
        if (followUp) {
          const { rating: _r, ...after } = toFollowUpDto(followUp, stored);
          entries.push({ action: 'follow_up.opened', entityType: 'rating_follow_up', entityId: followUp.id, after });
        }
        await audit.record(tx, ctx, entries);
        const callBackToken = followUp && input.source === PUBLIC_SOURCE ? links.issue(followUp.id, row.receivedAt) : null;
        return { id: row.id, duplicate: false, cycleId: outcome.cycleId, followUpId: followUp?.id ?? null, callBackToken };
      }));
    } catch (err) {
      if (isUniqueViolation(err, 'ratings_subject_respondent_day_key')) throw dailyLimitReached(perDay);
      throw err;
    }
  }

  /**
   * 一事一评: the case exists, is the rated unit's, and has no rating yet (the unique index settles a race) — or only
   * its default rating (默认评价), which the real rating replaces: returned here.
   */
  async function checkCase(caseId: string, unitId: string): Promise<RatingRow | undefined> {
    const c = await caseQueries.unitOf(db, caseId);
    const existing = c ? await ratingsRepository.byCaseId(db, caseId) : undefined;
    const issue = caseRatingIssue(caseId, unitId, c, existing);
    if (issue?.code === 'case_already_rated') throw caseAlreadyRated(caseId);
    if (issue) throw invalid('caseId', issue.message);
    return existing;
  }

  /** Removes the default rating a real one replaces, audited; a concurrent replacement that won leaves nothing to remove. */
  async function replaceDefault(tx: Db, ctx: RequestContext, d: RatingRow) {
    if (!(await defaultRatingsRepository.deleteDefault(tx, d.id))) throw caseAlreadyRated(d.caseId!);
    await audit.record(tx, ctx, { action: 'rating.default_replaced', entityType: 'rating', entityId: d.id, before: toRatingDto(d) });
  }

  async function duplicateReceipt(tx: Db, id: string, cycleId: string | null): Promise<RatingReceiptDto> {
    const f = await followUpsRepository.byRatingId(tx, id);
    return { id, duplicate: true, cycleId, followUpId: f?.id ?? null, callBackToken: null };
  }

  /** Scope of a caller as a rating filter; null when the caller asked for something outside it. */
  function scoped(ctx: RequestContext, f: { unitId?: string; departmentId?: string }): Pick<RatingFilter, 'unitId' | 'units'> | null {
    const scope = unitScope(ctx);
    if (scope.unitId && f.unitId && f.unitId !== scope.unitId) return null;
    if (scope.departmentId && f.departmentId && f.departmentId !== scope.departmentId) return null;
    return { unitId: f.unitId ?? scope.unitId, units: { departmentId: scope.departmentId ?? f.departmentId, regionIds: scope.regionIds } };
  }

  return {
    /**
     * 群众评价 from the public (or a front end's integration): always now, source `public`. The public may use
     * only the rate-limited public channels and must identify the respondent (kept only as a keyed hash).
     */
    submitPublic(ctx: RequestContext, input: PublicRatingInput, { sourceIp }: { sourceIp?: string } = {}): Promise<RatingReceiptDto> {
      const anonymous = ctx.principal.role === 'anonymous';
      if (input.channel === 'qr_code') throw invalid('channel', 'qr_code ratings are given through a QR code: POST /api/v1/public/qr-codes/{code}/ratings');
      if (anonymous && !isLimitedChannel(input.channel)) {
        throw invalid('channel', `the public may rate through ${PUBLIC_RATING_LIMIT.channels.join(', ')} only`);
      }
      if (isLimitedChannel(input.channel) && !input.respondentKey) {
        throw invalid('respondentKey', `required on ${PUBLIC_RATING_LIMIT.channels.join(', ')} (the daily limit counts per respondent and unit)`);
      }
      // Only an anonymous caller's address says who rated: a front end's integration relays everyone from one address.
      const { subject: _s, unitId: _u, ...rest } = input;
      const common = { ...rest, source: PUBLIC_SOURCE, collectedAt: new Date().toISOString(), sourceIp: anonymous ? sourceIp : undefined };
      const subject = resolveSubject(input);
      return subject.kind === 'unit' ? store(ctx, { ...common, unitId: subject.unitId }) : storeSubject(ctx, { ...common, subject });
    },

    /**
     * 扫码评价: a rating through a unit's QR code (the code was checked by the qr-codes module): channel qr_code,
     * presence-bound, rate-limited per respondent like the public channels.
     */
    submitThroughQrCode(ctx: RequestContext, unitId: string, input: QrRatingInput, caseId: string | null = null): Promise<RatingReceiptDto> {
      return store(ctx, { ...input, unitId, ...(caseId ? { caseId } : {}), channel: 'qr_code', source: PUBLIC_SOURCE, collectedAt: new Date().toISOString(), presenceBound: true });
    },

    /** 一事一评: refuses a case that does not exist, belongs to another unit, or has its rating already (before a QR code is issued for it). */
    checkRateableCase: async (caseId: string, unitId: string): Promise<void> => {
      await checkCase(caseId, unitId);
    },

    /** A rating from an integration or the office: idempotent by (source, externalId). */
    submit(ctx: RequestContext, input: SubmitRatingInput): Promise<RatingReceiptDto> {
      if (input.source === PUBLIC_SOURCE) throw invalid('source', 'source "public" is reserved for the public rating route');
      if (input.channel === 'qr_code') throw invalid('channel', 'qr_code ratings are given through a QR code (presence-bound), not submitted');
      const collectedAt = input.collectedAt ?? new Date().toISOString();
      if (isInFuture(new Date(collectedAt))) throw invalid('collectedAt', 'lies in the future');
      const subject = resolveSubject(input);
      const { subject: _s, unitId: _u, ...rest } = input;
      return subject.kind === 'unit' ? store(ctx, { ...rest, unitId: subject.unitId, collectedAt }) : storeSubject(ctx, { ...rest, collectedAt, subject });
    },

    async list(ctx: RequestContext, filter: ListRatingsFilter, page: { limit: number; cursor?: string }): Promise<Page<RatingDto>> {
      const scope = scoped(ctx, filter);
      if (!scope) return { items: [], nextCursor: null };
      // A department (its scope or the filter) selects its units' ratings and its own (department and leadership) ones.
      // A county office (regions/scope.ts) its region's units' ratings only.
      const { units, ...unitScoped } = scope;
      const p = await paginate(page, ({ after, limit }) => ratingsRepository.list(db, {
        ...filter,
        ...unitScoped,
        department: units?.departmentId,
        units: units?.regionIds ? { regionIds: units.regionIds } : undefined,
        from: filter.from ? new Date(filter.from) : undefined,
        to: filter.to ? new Date(filter.to) : undefined,
        afterId: after,
        limit,
      }));
      return { items: p.items.map(toRatingDto), nextCursor: p.nextCursor };
    },

    /** Batched read for loaders, scoped like every other read (a rating is visible with its unit). */
    async byIds(ctx: RequestContext, ids: readonly string[]): Promise<RatingDto[]> {
      const rows = await ratingsRepository.byIds(db, ids);
      const unitIds = [...new Set(rows.flatMap((r) => (r.unitId ? [r.unitId] : [])))];
      const unitsById = new Map((unitIds.length ? await unitQueries.byIds(db, unitIds) : []).map((u) => [u.id, u]));
      return rows.filter((r) => (r.unitId ? canSeeUnit(ctx, unitsById.get(r.unitId)!) : canSeeSubject(ctx, { unitId: null, departmentId: r.departmentId! }))).map(toRatingDto);
    },

    /** Counts by channel × level per unit, a page of units at a time (cursor = last unit id). */
    async counts(ctx: RequestContext, filter: RatingCountsFilter, page: { limit: number; cursor?: string }): Promise<Page<RatingCountsDto>> {
      const scope = scoped(ctx, filter);
      if (!scope) return { items: [], nextCursor: null };
      const regionPath = filter.regionId ? await regions.pathOf(filter.regionId, 'query.regionId') : undefined;
      const f: RatingFilter = { cycleId: filter.cycleId, unitId: scope.unitId, units: { ...scope.units, regionPath } };
      const p = await paginate(page, ({ after, limit }) => ratingsRepository.ratedUnitIds(db, { ...f, afterUnitId: after, limit }), { key: (id) => id });
      const byUnit = new Map<string, RatingCountsDto>(
        p.items.map((unitId) => [unitId, { unitId, cycleId: filter.cycleId ?? null, total: 0, bad: 0, cells: [] }]),
      );
      if (p.items.length) {
        for (const c of await ratingsRepository.counts(db, f, p.items)) {
          const u = byUnit.get(c.unitId)!;
          u.cells.push({ channel: c.channel, level: c.level, count: c.count });
          u.total += c.count;
          if (isBad(c.level)) u.bad += c.count;
        }
      }
      return { items: [...byUnit.values()], nextCursor: p.nextCursor };
    },
  };
}

export type RatingsService = ReturnType<typeof createRatingsService>;
