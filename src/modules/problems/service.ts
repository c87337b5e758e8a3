import { inTransaction } from '../../db/client.js';
import type { Db, TxOption } from '../../db/client.js';
import { DomainError, conflict, illegalTransition, invalid, notFound, versionMismatch } from '../../lib/errors.js';
import { createMeasuresService } from './measures.js';
import { paginate, toIso, toIsoOrNull } from '../../lib/http.js';
import type { Page } from '../../lib/http.js';
import type { RequestContext } from '../../lib/principal.js';
import { stateMachine } from '../../lib/state-machine.js';
import type { AuditService } from '../audit/service.js';
import type { CalendarService } from '../calendar/service.js';
import { rowIsOverdue } from './queries.js';
import { cycleQueries } from '../cycles/queries.js';
import type { WebhooksService } from '../webhooks/service.js';
import { coversRegion } from '../regions/scope.js';
import { canSeeUnit, unitScope } from '../units/service.js';
import { problemsRepository, sourceKey } from './repository.js';
import type { ProblemEventRow, ProblemRow, ScopedProblemRow, SourceFacts } from './repository.js';
import { deadlineWorkingDays, linkedSourceTypes, problemSeverityLabels, problemSourceTypeLabels, problemStatusLabels } from './schemas.js';
import type {
  BulkTransitionInput,
  ListProblemsFilter,
  OpenProblemInput,
  ProblemDto,
  ProblemEventAction,
  ProblemEventDto,
  ProblemSourceType,
  ProblemStatus,
  SubmitProblemInput,
  UnitProblemCounts,
  UpdateProblemInput,
} from './schemas.js';

export function toProblemDto(r: ProblemRow, now = new Date()): ProblemDto {
  return {
    id: r.id,
    unitId: r.unitId,
    cycleId: r.cycleId,
    sourceType: r.sourceType,
    sourceTypeLabel: problemSourceTypeLabels[r.sourceType],
    sourceId: r.sourceId,
    severity: r.severity,
    severityLabel: problemSeverityLabels[r.severity],
    description: r.description,
    deadline: toIso(r.deadline),
    overdue: rowIsOverdue(r, now),
    responsiblePerson: r.responsiblePerson,
    responsibilityLetterSigned: r.responsibilityLetterSigned,
    signedAt: toIsoOrNull(r.signedAt),
    status: r.status,
    statusLabel: problemStatusLabels[r.status],
    measures: r.measures,
    isHot: r.isHot,
    submittedOnBehalfBy: r.submittedOnBehalfBy,
    evidence: r.evidence,
    rejectionReason: r.rejectionReason,
    submittedAt: toIsoOrNull(r.submittedAt),
    verifiedAt: toIsoOrNull(r.verifiedAt),
    version: r.version,
    createdAt: toIso(r.createdAt),
    updatedAt: toIso(r.updatedAt),
  };
}

export function toProblemEventDto(r: ProblemEventRow): ProblemEventDto {
  return {
    id: r.id,
    problemId: r.problemId,
    action: r.action as ProblemEventAction,
    fromStatus: r.fromStatus,
    toStatus: r.toStatus,
    actorRole: r.actorRole,
    note: r.note,
    at: toIso(r.at),
  };
}

/** 待整改 → 整改中 → 已提交整改 → 已整改销号, and back to 整改中 when a rectification is rejected. */
export const problemMachine = stateMachine<ProblemStatus>({
  open: ['rectifying'],
  rectifying: ['submitted'],
  submitted: ['verified', 'rectifying'],
  verified: [],
});

interface Move {
  action: ProblemEventAction;
  verb: string;
  /** The status it moves to; without one the problem keeps its status, which must not be final. */
  to?: ProblemStatus;
  /** When several statuses move to `to` (start and reject both lead to rectifying), the one this action leaves. */
  from?: ProblemStatus;
  patch?: Partial<ProblemRow>;
  note?: string | null;
  check?: (p: ScopedProblemRow) => void;
  /** Writes that go with the move, in its transaction (a submission's measures). */
  with?: (tx: Db, p: ScopedProblemRow) => Promise<void>;
}

export function createProblemsService({
  db,
  audit,
  webhooks,
  calendar,
}: {
  db: Db;
  audit: AuditService;
  webhooks?: Pick<WebhooksService, 'emit' | 'emitMany'>;
  /** Default deadlines are counted on the holiday calendar of the unit's region (工作日历, regional overrides included). */
  calendar: Pick<CalendarService, 'addWorkingDays' | 'regionPathForDeadline'>;
}) {
  /** The row, if the caller may see it; 404 otherwise (one rule for a single read and a batch). */
  function seen(ctx: RequestContext, id: string, r: ScopedProblemRow | undefined): ScopedProblemRow {
    if (!r || !canSeeUnit(ctx, { id: r.unitId, departmentId: r.unitDepartmentId, regionId: r.unitRegionId })) throw notFound('problem', id);
    return r;
  }
  async function visible(ctx: RequestContext, id: string, tx: Db = db): Promise<ScopedProblemRow> {
    return seen(ctx, id, await problemsRepository.byId(tx, id));
  }
  const measures = createMeasuresService({ db, audit, visibleProblem: visible });

  /** The moves a single call and a bulk decision share. */
  const moves = {
    start: (note?: string): Move => ({ action: 'started', verb: 'started', from: 'open', to: 'rectifying', note }),
    verify: (note?: string): Move => ({ action: 'verified', verb: 'verified', to: 'verified', patch: { verifiedAt: new Date() }, note }),
    reject: (reason: string): Move => ({ action: 'rejected', verb: 'rejected', from: 'submitted', to: 'rectifying', patch: { rejectionReason: reason }, note: reason }),
    /** The office's rectification on a department's behalf (代为提交). */
    submitOnBehalf: (ctx: RequestContext, measures: string | null, evidence: string[], with_?: Move['with']): Move => ({
      action: 'submitted',
      verb: 'submitted',
      to: 'submitted',
      patch: { measures, evidence, submittedAt: new Date(), submittedOnBehalfBy: ctx.principal.role === 'admin' ? ctx.principal.subject : null },
      note: ctx.principal.role === 'admin' ? `submitted on the department's behalf by ${ctx.principal.subject}` : undefined,
      with: with_,
    }),
  };
  const bulkMove = (ctx: RequestContext, input: BulkTransitionInput): Move => {
    if (input.action === 'reject') return moves.reject(input.note!);
    if (input.action === 'submit') return moves.submitOnBehalf(ctx, input.note!, input.evidence);
    return moves[input.action](input.note);
  };

  async function recordEvent(tx: Db, ctx: RequestContext, problemId: string, action: ProblemEventAction, from: ProblemStatus | null, to: ProblemStatus, note?: string | null) {
    await problemsRepository.insertEvent(tx, {
      problemId,
      action,
      fromStatus: from,
      toStatus: to,
      actor: ctx.principal.subject,
      actorRole: ctx.principal.role,
      note: note ?? null,
    });
  }

  /**
   * Whether `m` may move `current`: the version (when the caller names one), the state machine and the move's own
   * check. The one rule a single move and a bulk move both apply; throws the 409/412 that refuses it.
   */
  function assertMove(current: ScopedProblemRow, expected: number | undefined, m: Move): void {
    const id = current.id;
    if (expected !== undefined && current.version !== expected) throw versionMismatch('problem', expected, current.version);
    if (m.to) {
      const detail = `problem ${id} is ${current.status}; it can be ${m.verb} only when ${m.from ?? problemMachine.sources(m.to).join(' or ')}`;
      if (m.from && current.status !== m.from) throw illegalTransition('problem', id, current.status, m.to, problemMachine.allowed(current.status), detail);
      problemMachine.assert('problem', id, current.status, m.to, { detail });
    } else problemMachine.assertOpen('problem', id, current.status, { detail: `problem ${id} is ${current.status}; it can no longer ${m.verb}` });
    m.check?.(current);
  }

  /** One step of the state machine: scope, status and version checks, the change, its history entry and its audit entry. */
  function move(ctx: RequestContext, id: string, expected: number | undefined, m: Move, opt: TxOption = {}): Promise<ProblemDto> {
    return inTransaction(db, opt.tx, async (tx) => {
      const current = await visible(ctx, id, tx);
      assertMove(current, expected, m);
      const to = m.to ?? current.status;
      const row = await problemsRepository.update(tx, id, current.version, { ...m.patch, status: to });
      if (!row) throw versionMismatch('problem', current.version, current.version + 1);
      await recordEvent(tx, ctx, id, m.action, current.status, to, m.note);
      await m.with?.(tx, current);
      const dto = toProblemDto(row);
      await audit.record(tx, ctx, { action: `problem.${m.action}`, entityType: 'problem', entityId: id, before: toProblemDto(current), after: dto });
      if (to !== current.status) {
        await webhooks?.emit(ctx, 'problem.status_changed', { problemId: id, unitId: row.unitId, cycleId: row.cycleId, from: current.status, to, action: m.action }, { tx });
      }
      return dto;
    });
  }

  function futureDeadline(d: Date, field: string): Date {
    if (Number.isNaN(d.getTime())) throw invalid(field, 'not a valid date');
    if (d.getTime() <= Date.now()) throw invalid(field, 'the deadline must be in the future');
    return d;
  }

  /**
   * The checks of a new problem that need no look-up of its source record, in the order they answer: its text, its
   * unit (in the caller's region), its cycle and whether its kind names a source. Returns the trimmed description.
   * The single and the bulk opening both call it, with the unit and cycle they looked up.
   */
  function assertOpenable(ctx: RequestContext, input: OpenProblemInput, unit: { regionId: string } | undefined, cycleExists: boolean): string {
    const sourceId = input.sourceId ?? null;
    const description = input.description.trim();
    if (!description) throw invalid('description', 'must not be empty');
    if (!unit || !coversRegion(ctx.principal, unit.regionId)) throw invalid('unitId', `unit ${input.unitId} does not exist${ctx.principal.regionId ? ' or is outside your region' : ''}`);
    if (input.cycleId && !cycleExists) throw invalid('cycleId', `cycle ${input.cycleId} does not exist`);
    if (linkedSourceTypes.includes(input.sourceType) && !sourceId) throw invalid('sourceId', `a problem from ${input.sourceType} must name its source record`);
    if (input.sourceType === 'manual' && sourceId) throw invalid('sourceId', 'a manually entered problem has no source record');
    return description;
  }

  /** The row a new problem is inserted as; `deadline` already settled (given and in the future, or by severity). */
  const newRow = (input: OpenProblemInput, description: string, deadline: Date) => ({
    unitId: input.unitId,
    cycleId: input.cycleId ?? null,
    sourceType: input.sourceType,
    sourceId: input.sourceId ?? null,
    severity: input.severity,
    description,
    deadline,
    responsiblePerson: input.responsiblePerson?.trim() || null,
    isHot: input.isHot ?? false,
  });

  /**
   * Whether a problem for the same source record already exists (`opened`: its unit) and may answer for this one: it
   * must be the same unit's. The single and the bulk opening both call it, the bulk one also for a source cited by an
   * earlier item of the batch.
   */
  function assertSameUnitAsOpened(input: OpenProblemInput, openedUnitId: string): void {
    if (openedUnitId !== input.unitId) throw invalid('unitId', `the problem opened from ${input.sourceType} ${input.sourceId} belongs to unit ${openedUnitId}`);
  }

  /**
   * Whether the cited source record may carry the problem: it exists, is of the item's unit (a complaint not yet
   * triaged to one has none to compare) and, a rating, is a bad one. `sources`: the records of the item's source type
   * (null for types that are no record here). One rule for the single and the bulk opening.
   */
  function assertSourceFits(input: OpenProblemInput, sources: Map<string, SourceFacts> | null): void {
    const sourceId = input.sourceId;
    if (!sourceId || !sources) return;
    const source = sources.get(sourceId);
    if (!source) throw invalid('sourceId', `${input.sourceType} ${sourceId} does not exist`);
    if (source.unitId && source.unitId !== input.unitId) throw invalid('sourceId', `${input.sourceType} ${sourceId} belongs to another unit`);
    if (source.ratingLevel !== undefined && source.ratingLevel > 2) throw invalid('sourceId', `rating ${sourceId} is not a bad rating (差评: level 1 or 2)`);
  }

  /**
   * Opens problems set-based, each as if opened alone and in order: an item citing a source record that already has a
   * problem (opened before, or by an earlier item of the batch) answers that problem, if of the same unit; the others
   * are checked by `assertOpenable` and `assertSourceFits` (the first refusal answers, through `at(i, error)`). One
   * read each of the problems already opened for the cited sources, the units, the cycles and the cited records of
   * each source type, whatever the batch's size; then one insert each of problems, history and audit entries.
   */
  async function openMany(tx: Db, ctx: RequestContext, inputs: OpenProblemInput[], at: (i: number, e: unknown) => unknown): Promise<{ problem: ProblemDto; created: boolean }[]> {
    const cited = inputs.flatMap((p) => (p.sourceId ? [{ sourceType: p.sourceType, sourceId: p.sourceId }] : []));
    const opened = await problemsRepository.bySources(tx, cited);
    const keyOf = (p: OpenProblemInput) => (p.sourceId ? sourceKey(p.sourceType, p.sourceId) : undefined);
    /** For each item: the problem already opened for its source, the earlier item of the batch citing the same, or neither (new). */
    const firstCiting = new Map<string, number>();
    const plan = inputs.map((input, i) => {
      const key = keyOf(input);
      if (!key) return { kind: 'new' as const };
      const existing = opened.get(key);
      if (existing) return { kind: 'existing' as const, existing };
      const earlier = firstCiting.get(key);
      if (earlier !== undefined) return { kind: 'repeat' as const, earlier };
      firstCiting.set(key, i);
      return { kind: 'new' as const };
    });
    const fresh = inputs.filter((_, i) => plan[i].kind === 'new');
    const units = await problemsRepository.unitsByIds(tx, [...new Set(fresh.map((p) => p.unitId))]);
    const cycles = await cycleQueries.existing(tx, [...new Set(fresh.flatMap((p) => (p.cycleId ? [p.cycleId] : [])))]);
    const sources = new Map<ProblemSourceType, Map<string, SourceFacts> | null>();
    for (const type of new Set(fresh.filter((p) => p.sourceId).map((p) => p.sourceType))) {
      sources.set(type, await problemsRepository.sources(tx, type, [...new Set(fresh.flatMap((p) => (p.sourceType === type && p.sourceId ? [p.sourceId] : [])))]));
    }
    const checked = new Map<number, { description: string; deadline?: Date }>();
    for (const [i, input] of inputs.entries()) {
      const step = plan[i];
      try {
        if (step.kind === 'existing') assertSameUnitAsOpened(input, step.existing.unitId);
        else if (step.kind === 'repeat') assertSameUnitAsOpened(input, inputs[step.earlier].unitId);
        else {
          const unit = units.get(input.unitId);
          const description = assertOpenable(ctx, input, unit, !!input.cycleId && !!unit && coversRegion(ctx.principal, unit.regionId) && cycles.has(input.cycleId));
          assertSourceFits(input, sources.get(input.sourceType) ?? null);
          checked.set(i, { description, deadline: input.deadline ? futureDeadline(input.deadline, 'deadline') : undefined });
        }
      } catch (e) {
        throw at(i, e);
      }
    }
    const newIdx = [...checked.keys()];
    const regionOf = (i: number) => units.get(inputs[i].unitId)!.regionId;
    const regionPaths = new Map<string, string | null>();
    for (const r of new Set(newIdx.filter((i) => !checked.get(i)!.deadline).map(regionOf))) regionPaths.set(r, await calendar.regionPathForDeadline(r, { tx }));
    const now = new Date();
    const rows = await problemsRepository.insertManyUnlessSourceTaken(
      tx,
      newIdx.map((i) => {
        const { description, deadline } = checked.get(i)!;
        const input = inputs[i];
        return newRow(input, description, deadline ?? calendar.addWorkingDays(now, deadlineWorkingDays[input.severity], regionPaths.get(regionOf(i))));
      }),
    );
    const created = rows.filter((r): r is ProblemRow => !!r);
    // Another transaction opened some for the same source between our look-up and insert: those answer as existing.
    const raced = newIdx.filter((_, j) => !rows[j]).map((i) => inputs[i]);
    const openedMeanwhile = raced.length ? await problemsRepository.bySources(tx, raced.map((p) => ({ sourceType: p.sourceType, sourceId: p.sourceId! }))) : new Map<string, ProblemRow>();
    await problemsRepository.insertEvents(
      tx,
      created.map((r) => ({ problemId: r.id, action: 'opened', fromStatus: null, toStatus: 'open' as const, actor: ctx.principal.subject, actorRole: ctx.principal.role, note: null })),
    );
    const dtos = new Map(created.map((r) => [r.id, toProblemDto(r)]));
    await audit.record(tx, ctx, [...dtos.values()].map((dto) => ({ action: 'problem.opened', entityType: 'problem', entityId: dto.id, after: dto })));
    const byIndex = new Map(newIdx.map((i, j) => [i, rows[j]]));
    const answer = (i: number): { problem: ProblemDto; created: boolean } => {
      const step = plan[i];
      if (step.kind === 'existing') return { problem: toProblemDto(step.existing), created: false };
      if (step.kind === 'repeat') return { ...answer(step.earlier), created: false };
      const row = byIndex.get(i);
      return row ? { problem: dtos.get(row.id)!, created: true } : { problem: toProblemDto(openedMeanwhile.get(keyOf(inputs[i])!)!), created: false };
    };
    return inputs.map((_, i) => answer(i));
  }

  /** Opens a problem, or finds the one already opened for the same source record: a batch of one. */
  async function openOne(tx: Db, ctx: RequestContext, input: OpenProblemInput): Promise<{ problem: ProblemDto; created: boolean }> {
    return (await openMany(tx, ctx, [input], (_, e) => e))[0];
  }

  /** A refusal of item `i` of a batch, its fields named `problems.<i>.…`. */
  function atItem(i: number, e: unknown): unknown {
    if (!(e instanceof DomainError) || e.status >= 500) return e;
    const errors = (e.extra.errors ?? [{ field: '', message: e.message }]).map((f) => ({ field: `problems.${i}${f.field ? `.${f.field}` : ''}`, message: f.message }));
    return new DomainError(e.status, e.code, e.title, errors.map((f) => `${f.field}: ${f.message}`).join('; '), { ...e.extra, errors });
  }

  /**
   * CONTRACT for other modules (supervision, assessments, complaints, ratings): opens the problem for a source
   * record, audited in the same transaction: the caller's (`{ tx }`), or one of its own. Idempotent per (sourceType,
   * sourceId): a second call returns the problem already opened. The deadline defaults by severity
   * (minor 20, major 10, serious 5 working days).
   */
  function openFromSource(ctx: RequestContext, input: OpenProblemInput, opt?: TxOption): Promise<ProblemDto>;
  /** @deprecated the old transaction-first form, kept only while test/problems.test.ts and test/accountability.test.ts call it; pass `{ tx }` last. */
  function openFromSource(tx: Db, ctx: RequestContext, input: OpenProblemInput): Promise<ProblemDto>;
  async function openFromSource(a: RequestContext | Db, b: RequestContext | OpenProblemInput, c?: OpenProblemInput | TxOption): Promise<ProblemDto> {
    const [ctx, input, { tx } = {}] =
      'principal' in a ? [a, b as OpenProblemInput, c as TxOption | undefined] : [b as RequestContext, c as OpenProblemInput, { tx: a }];
    return inTransaction(db, tx, async (tx) => (await openOne(tx, ctx, input)).problem);
  }

  return {
    openFromSource,

    /** POST /problems: `created` false when a problem for that source already existed. */
    create(ctx: RequestContext, input: OpenProblemInput): Promise<{ problem: ProblemDto; created: boolean }> {
      return db.transaction((tx) => openOne(tx, ctx, input));
    },

    async get(ctx: RequestContext, id: string): Promise<ProblemDto> {
      return toProblemDto(await visible(ctx, id));
    },

    async getWithEvents(ctx: RequestContext, id: string): Promise<ProblemDto & { events: ProblemEventDto[] }> {
      const r = await visible(ctx, id);
      const events = await problemsRepository.eventsFor(db, [id]);
      return { ...toProblemDto(r), events: events.map(toProblemEventDto) };
    },

    /** History of many problems in one query (GraphQL loader); callers pass problems they were allowed to read. */
    async eventsFor(problemIds: readonly string[]): Promise<Map<string, ProblemEventDto[]>> {
      const out = new Map<string, ProblemEventDto[]>(problemIds.map((id) => [id, []]));
      for (const e of await problemsRepository.eventsFor(db, problemIds)) out.get(e.problemId)?.push(toProblemEventDto(e));
      return out;
    },

    /** Admin and inspectors see all; a department its units' problems; a unit its own. */
    async list(ctx: RequestContext, filter: ListProblemsFilter, page: { limit: number; cursor?: string }): Promise<Page<ProblemDto>> {
      const scope = unitScope(ctx);
      const now = new Date();
      const p = await paginate(page, ({ after, limit }) => problemsRepository.list(db, {
        status: filter.status,
        severity: filter.severity,
        sourceType: filter.sourceType,
        cycleId: filter.cycleId,
        overdue: filter.overdue,
        isHot: filter.isHot,
        unitIds: [filter.unitId, scope.unitId].filter((x): x is string => !!x),
        departmentIds: [filter.departmentId, scope.departmentId].filter((x): x is string => !!x),
        regionIds: scope.regionIds,
        now,
        afterId: after,
        limit,
      }));
      return { items: p.items.map((r) => toProblemDto(r, now)), nextCursor: p.nextCursor };
    },

    update(ctx: RequestContext, id: string, expected: number, input: UpdateProblemInput): Promise<ProblemDto> {
      const patch: Partial<ProblemRow> = {};
      if (input.deadline !== undefined) patch.deadline = futureDeadline(new Date(input.deadline), 'deadline');
      if (input.responsiblePerson !== undefined) patch.responsiblePerson = input.responsiblePerson;
      if (input.severity !== undefined) patch.severity = input.severity;
      return db.transaction(async (tx) => {
        const current = await visible(ctx, id, tx);
        if (current.version !== expected) throw versionMismatch('problem', expected, current.version);
        if (current.status === 'verified') throw conflict('problem_closed', `problem ${id} is verified and closed`);
        // A new deadline is a new chance: a later lapse is announced again.
        const row = await problemsRepository.update(tx, id, expected, patch.deadline ? { ...patch, overdueNotifiedAt: null } : patch);
        if (!row) throw versionMismatch('problem', expected, expected + 1);
        await recordEvent(tx, ctx, id, 'updated', current.status, current.status, `changed: ${Object.keys(patch).join(', ') || 'nothing'}`);
        const dto = toProblemDto(row);
        await audit.record(tx, ctx, { action: 'problem.updated', entityType: 'problem', entityId: id, before: toProblemDto(current), after: dto });
        return dto;
      });
    },

    /** 签订整改责任书 */
    signLetter(ctx: RequestContext, id: string, expected?: number, note?: string): Promise<ProblemDto> {
      return move(ctx, id, expected, {
        action: 'letter_signed',
        verb: 'have its responsibility letter signed',
        patch: { responsibilityLetterSigned: true, signedAt: new Date() },
        note,
        check: (p) => {
          if (p.responsibilityLetterSigned) throw conflict('letter_already_signed', `the responsibility letter of problem ${id} is already signed`);
        },
      });
    },

    start(ctx: RequestContext, id: string, expected?: number, note?: string): Promise<ProblemDto> {
      return move(ctx, id, expected, moves.start(note));
    },

    /**
     * The unit's or department's rectification: measures (整改措施) as records, and/or the old free text. The
     * office may submit on the department's behalf (代为提交); who did is recorded.
     */
    submit(ctx: RequestContext, id: string, expected: number | undefined, input: Omit<SubmitProblemInput, 'measureItems'> & { measureItems?: SubmitProblemInput['measureItems'] }): Promise<ProblemDto> {
      if (input.evidence.length === 0) throw invalid('evidence', 'a rectification needs at least one evidence link');
      return move(
        ctx,
        id,
        expected,
        moves.submitOnBehalf(ctx, input.measures ?? null, input.evidence, async (tx, p) => {
          await measures.addToProblem(tx, ctx, p, input.measureItems ?? []);
        }),
      );
    },

    /**
     * One decision for many problems (e.g. verify a batch with one comment), all or nothing in one transaction,
     * each audited and in its history as if moved alone. Errors name the index (`ids.<i>`); nothing is written then.
     */
    bulkTransition(ctx: RequestContext, input: BulkTransitionInput): Promise<ProblemDto[]> {
      return db.transaction(async (tx) => {
        const m = bulkMove(ctx, input);
        // Set-based: every row locked and read in one statement, checked by the single move's rule (assertMove), then
        // one UPDATE, one insert of history, one of audit entries and one of events, whatever the batch's size.
        const rows = new Map((await problemsRepository.byIdsForUpdate(tx, [...new Set(input.ids)])).map((r) => [r.id, r]));
        const moving: ScopedProblemRow[] = [];
        const errors: { field: string; message: string; error: DomainError }[] = [];
        const listed = new Set<string>();
        for (const [i, id] of input.ids.entries()) {
          if (listed.has(id)) {
            errors.push({ field: `ids.${i}`, message: `problem ${id} is listed twice`, error: invalid(`ids.${i}`, 'listed twice') });
            continue;
          }
          listed.add(id);
          // As when moved one by one: after the first refusal only duplicates are still named.
          if (errors.length) continue;
          try {
            const current = seen(ctx, id, rows.get(id));
            assertMove(current, undefined, m);
            moving.push(current);
          } catch (e) {
            if (!(e instanceof DomainError) || e.status >= 500) throw e;
            errors.push({ field: `ids.${i}`, message: e.message, error: e });
          }
        }
        if (errors.length) {
          const first = errors[0].error;
          throw new DomainError(first.status, first.code, first.title, errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors: errors.map(({ field, message }) => ({ field, message })) });
        }
        const updated = new Map(
          (await problemsRepository.updateMany(tx, moving.map((p) => ({ id: p.id, version: p.version })), m.to ? { ...m.patch, status: m.to } : { ...m.patch })).map((r) => [r.id, r]),
        );
        const missed = moving.find((p) => !updated.has(p.id));
        // Cannot happen under the lock; kept as the single move's compare-and-set answer.
        if (missed) throw versionMismatch('problem', missed.version, missed.version + 1);
        await problemsRepository.insertEvents(
          tx,
          moving.map((p) => ({ problemId: p.id, action: m.action, fromStatus: p.status, toStatus: m.to ?? p.status, actor: ctx.principal.subject, actorRole: ctx.principal.role, note: m.note ?? null })),
        );
        for (const p of moving) await m.with?.(tx, p);
        const out = moving.map((p) => toProblemDto(updated.get(p.id)!));
        await audit.record(
          tx,
          ctx,
          moving.map((p, i) => ({ action: `problem.${m.action}`, entityType: 'problem', entityId: p.id, before: toProblemDto(p), after: out[i] })),
        );
        const changed = moving.flatMap((p, i) => (out[i].status !== p.status ? [{ problemId: p.id, unitId: p.unitId, cycleId: p.cycleId, from: p.status, to: out[i].status, action: m.action }] : []));
        if (changed.length) await webhooks?.emitMany(ctx, 'problem.status_changed', changed, { tx });
        return out;
      });
    },

    /**
     * Many problems opened at once (a return of findings), all or nothing, set-based; errors name the item
     * (`problems.<i>`). An item citing a source record that already has a problem answers that problem, as alone.
     */
    createMany(ctx: RequestContext, inputs: OpenProblemInput[]): Promise<ProblemDto[]> {
      return db.transaction(async (tx) => (await openMany(tx, ctx, inputs, atItem)).map((r) => r.problem));
    },

    measures,

    verify(ctx: RequestContext, id: string, expected?: number, note?: string): Promise<ProblemDto> {
      return move(ctx, id, expected, moves.verify(note));
    },

    /** Sends a submitted rectification back; the unit rectifies again. */
    reject(ctx: RequestContext, id: string, expected: number | undefined, reason: string): Promise<ProblemDto> {
      return move(ctx, id, expected, moves.reject(reason));
    },

    /**
     * For rankings and awards: per unit, problems not yet verified (open), of those past their deadline (overdue),
     * and verified (rectified). Every requested unit is in the map. `cycleId` null counts every problem.
     */
    /**
     * Announces problems whose rectification deadline has lapsed (problem.overdue), once per deadline, with an
     * audit entry each, in one transaction. The app's timer calls it; returns how many were announced.
     */
    async notifyOverdue(ctx: RequestContext, now = new Date(), limit = 500, { tx }: TxOption = {}): Promise<number> {
      return inTransaction(db, tx, async (tx) => {
        const rows = await problemsRepository.claimNewlyOverdue(tx, now, limit);
        await webhooks?.emitMany(
          ctx,
          'problem.overdue',
          rows.map((r) => ({ problemId: r.id, unitId: r.unitId, cycleId: r.cycleId, severity: r.severity, status: r.status, deadline: r.deadline.toISOString() })),
          { tx },
        );
        await audit.record(
          tx,
          ctx,
          rows.map((r) => ({ action: 'problem.overdue', entityType: 'problem', entityId: r.id, after: { deadline: r.deadline.toISOString(), status: r.status } })),
        );
        return rows.length;
      });
    },

    async countsForUnits(cycleId: string | null, unitIds: readonly string[], { tx, now = new Date() }: TxOption & { now?: Date } = {}): Promise<Map<string, UnitProblemCounts>> {
      const out = new Map<string, UnitProblemCounts>(unitIds.map((u) => [u, { open: 0, overdue: 0, rectified: 0 }]));
      if (unitIds.length === 0) return out;
      for (const r of await problemsRepository.countsByUnit(tx ?? db, cycleId, unitIds, now)) {
        out.set(r.unitId, { open: r.open, overdue: r.overdue, rectified: r.rectified });
      }
      return out;
    },

    /** Serious problems not yet verified, per unit (only units that have any). `cycleId` null: every cycle. */
    async openSeriousForUnits(cycleId: string | null, unitIds: readonly string[], { tx }: TxOption = {}): Promise<Map<string, ProblemDto[]>> {
      const out = new Map<string, ProblemDto[]>();
      if (unitIds.length === 0) return out;
      for (const r of await problemsRepository.openSerious(tx ?? db, cycleId, unitIds)) {
        const list = out.get(r.unitId) ?? [];
        list.push(toProblemDto(r));
        out.set(r.unitId, list);
      }
      return out;
    },

    /**
     * CONTRACT for the ratings loop (差评整改): a problem's unit and status, unscoped (the caller has scoped the loop that
     * links it), or undefined when it does not exist.
     */
    async unitAndStatus(id: string, { tx }: TxOption = {}): Promise<{ unitId: string; status: ProblemStatus; deadline: Date } | undefined> {
      const r = await problemsRepository.byId(tx ?? db, id);
      return r ? { unitId: r.unitId, status: r.status, deadline: r.deadline } : undefined;
    },

    /** Whether a problem exists (for accountability causes). */
    async exists(id: string, { tx }: TxOption = {}): Promise<boolean> {
      return !!(await problemsRepository.byId(tx ?? db, id));
    },
  };
}

export type ProblemsService = ReturnType<typeof createProblemsService>;
