import type { Db } from '../../db/client.js';
import { DomainError, invalid, invalidMany, notFound, versionMismatch } from '../../lib/errors.js';
import type { FieldError } from '../../lib/errors.js';
import { paginate, toIso, toIsoOrNull } from '../../lib/http.js';
import type { Page, PageRequest } from '../../lib/http.js';
import type { RequestContext } from '../../lib/principal.js';
import { stateMachine } from '../../lib/state-machine.js';
import { canSeeSubject, resolveSubject, subjectScope } from '../../lib/subject.js';
import type { AuditService } from '../audit/service.js';
import { outreachRepository } from './repository.js';
import type { NewSuggestionRow, OutreachActivityRow, SuggestionRow } from './repository.js';
import { outreachKindLabels, suggestionStatusLabels } from './schemas.js';
import type {
  CorrectOutreachInput,
  CreateOutreachInput,
  ListOutreachFilter,
  ListSuggestionsFilter,
  OutreachActivityDto,
  OutreachKind,
  ReplySuggestionInput,
  SuggestionDto,
  SuggestionInput,
  SuggestionStatus,
} from './schemas.js';

/** 意见建议: received, then answered or adopted, with the reply; both are final. */
export const suggestionMachine = stateMachine<SuggestionStatus>({ received: ['answered', 'adopted'], answered: [], adopted: [] });

/** Which columns each kind's counts are stored in (`quantity` the main count, `secondary` the second). */
const countFields: Record<OutreachKind, [main: string, second?: string]> = {
  opinion_forms: ['distributed', 'returned'],
  questionnaires: ['distributed', 'returned'],
  household_visits: ['households'],
  phone_inquiries: ['households'],
  forums: ['sessions', 'participants'],
  sms: ['messages'],
};

export function toActivityDto(r: OutreachActivityRow): OutreachActivityDto {
  const counts: Record<string, number | null> = { distributed: null, returned: null, households: null, sessions: null, participants: null, messages: null };
  const [main, second] = countFields[r.kind];
  counts[main] = r.quantity;
  if (second) counts[second] = r.secondary;
  return {
    id: r.id,
    kind: r.kind,
    kindLabel: outreachKindLabels[r.kind],
    heldOn: r.heldOn,
    cycleId: r.cycleId,
    unitId: r.unitId,
    departmentId: r.departmentId,
    regionId: r.regionId,
    distributed: counts.distributed,
    returned: counts.returned,
    households: counts.households,
    sessions: counts.sessions,
    participants: counts.participants,
    messages: counts.messages,
    notes: r.notes,
    version: r.version,
    createdAt: toIso(r.createdAt),
    updatedAt: toIso(r.updatedAt),
  };
}

export function toSuggestionDto(r: SuggestionRow): SuggestionDto {
  return {
    id: r.id,
    text: r.text,
    activityId: r.activityId,
    cycleId: r.cycleId,
    unitId: r.unitId,
    departmentId: r.departmentId,
    receivedOn: r.receivedOn,
    status: r.status,
    statusLabel: suggestionStatusLabels[r.status],
    reply: r.reply,
    repliedBy: r.repliedBy,
    repliedAt: toIsoOrNull(r.repliedAt),
    version: r.version,
    createdAt: toIso(r.createdAt),
    updatedAt: toIso(r.updatedAt),
  };
}

const todayInChina = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const ids = (...xs: (string | undefined)[]) => xs.filter((x): x is string => !!x);

/** A list's subject filter combined with the caller's scope (both narrow). */
function scoped(ctx: RequestContext, f: { unitId?: string; departmentId?: string }) {
  const s = subjectScope(ctx);
  return { unitIds: ids(f.unitId, s.unitId), departmentIds: ids(f.departmentId, s.departmentId) };
}

function checkRange(f: { from?: string; to?: string }) {
  if (f.from && f.to && f.from > f.to) throw invalid('query.from', 'must not be after query.to');
}

export function createOutreachService({ db, audit }: { db: Db; audit: AuditService }) {
  /** Every rule of one suggestion, against lookups shared by the whole request; errors name `prefix` + field. */
  async function suggestionRow(ctx: RequestContext, input: SuggestionInput, refs: Awaited<ReturnType<typeof prefetch>>, prefix: string): Promise<NewSuggestionRow> {
    const subject = await resolveSubject(ctx, input, refs.lookup, prefix);
    if (input.cycleId && !refs.cycles.has(input.cycleId)) throw invalid(`${prefix}cycleId`, `cycle ${input.cycleId} does not exist`);
    if (input.receivedOn > todayInChina()) throw invalid(`${prefix}receivedOn`, 'must not be in the future');
    if (input.activityId) {
      const a = refs.activities.get(input.activityId);
      if (!a || !canSeeSubject(ctx, a)) {
        throw invalid(`${prefix}activityId`, `activity ${input.activityId} does not exist or is not one of yours`);
      }
    }
    return {
      text: input.text,
      activityId: input.activityId ?? null,
      cycleId: input.cycleId ?? null,
      unitId: subject.unitId,
      departmentId: subject.departmentId,
      receivedOn: input.receivedOn,
      recordedBy: ctx.principal.subject,
    };
  }

  /** One query each for the units, departments, cycles and activities a request names. */
  async function prefetch(tx: Db, items: SuggestionInput[]) {
    const [lookup, cycles, activities] = await Promise.all([
      outreachRepository.subjectLookup(tx, { unitIds: ids(...items.map((i) => i.unitId ?? undefined)), departmentIds: ids(...items.map((i) => i.departmentId ?? undefined)) }),
      outreachRepository.cyclesExisting(tx, [...new Set(ids(...items.map((i) => i.cycleId ?? undefined)))]),
      outreachRepository.activitySubjects(tx, [...new Set(ids(...items.map((i) => i.activityId ?? undefined)))]),
    ]);
    return { lookup, cycles, activities: new Map(activities.map((a) => [a.id, a])) };
  }

  async function insertSuggestions(ctx: RequestContext, items: SuggestionInput[], bulk: boolean): Promise<SuggestionDto[]> {
    return db.transaction(async (tx) => {
      const refs = await prefetch(tx, items);
      const rows: NewSuggestionRow[] = [];
      const errors: FieldError[] = [];
      for (const [i, item] of items.entries()) {
        try {
          rows.push(await suggestionRow(ctx, item, refs, bulk ? `items.${i}.` : ''));
        } catch (e) {
          if (!(e instanceof DomainError) || !e.extra.errors) throw e;
          errors.push(...e.extra.errors);
        }
      }
      if (errors.length) throw errors.length === 1 && !bulk ? invalid(errors[0].field, errors[0].message) : invalidMany(errors.slice(0, 100));
      const saved = await outreachRepository.insertSuggestions(tx, rows);
      const dtos = saved.map(toSuggestionDto);
      await audit.record(tx, ctx, dtos.map((d) => ({ action: 'suggestion.recorded', entityType: 'suggestion', entityId: d.id, after: d })));
      return dtos;
    });
  }

  async function visibleSuggestion(ctx: RequestContext, id: string, tx: Db = db, lock = false) {
    const r = await outreachRepository.suggestionById(tx, id, lock);
    if (!r || !canSeeSubject(ctx, { ...r, regionId: null })) throw notFound('suggestion', id);
    return r;
  }

  return {
    /** Records an outreach activity about one unit, department or region the caller may speak for. */
    createActivity(ctx: RequestContext, input: CreateOutreachInput): Promise<OutreachActivityDto> {
      return db.transaction(async (tx) => {
        const lookup = await outreachRepository.subjectLookup(tx, { unitIds: ids(input.unitId ?? undefined), departmentIds: ids(input.departmentId ?? undefined) });
        const subject = await resolveSubject(ctx, input, lookup);
        if (input.cycleId && !(await outreachRepository.cycleExists(tx, input.cycleId))) throw invalid('cycleId', `cycle ${input.cycleId} does not exist`);
        if (input.heldOn > todayInChina()) throw invalid('heldOn', 'an activity is recorded once held, not in advance');
        const c = input as unknown as Record<string, number | null | undefined>;
        const [main, second] = countFields[input.kind];
        const quantity = c[main]!;
        const secondary = second ? (c[second] ?? null) : null;
        if (second === 'returned' && secondary !== null && secondary > quantity) throw invalid('returned', `cannot exceed distributed (${quantity})`);
        const row = await outreachRepository.insertActivity(tx, {
          kind: input.kind,
          heldOn: input.heldOn,
          cycleId: input.cycleId ?? null,
          ...subject,
          quantity,
          secondary,
          notes: input.notes ?? null,
          recordedBy: ctx.principal.subject,
        });
        const dto = toActivityDto(row);
        await audit.record(tx, ctx, { action: 'outreach_activity.recorded', entityType: 'outreach_activity', entityId: row.id, after: dto });
        return dto;
      });
    },

    /** Corrects a recorded activity: only its own kind's counts, with the version read; audited before and after. */
    correctActivity(ctx: RequestContext, id: string, expected: number, input: CorrectOutreachInput): Promise<OutreachActivityDto> {
      return db.transaction(async (tx) => {
        const before = await outreachRepository.activityById(tx, id, true);
        if (!before || !canSeeSubject(ctx, before)) throw notFound('outreach activity', id);
        if (expected !== before.version) throw versionMismatch('outreach activity', expected, before.version);
        const [main, second] = countFields[before.kind];
        const { version: _v, heldOn, notes, ...counts } = input;
        const foreign = Object.keys(counts).find((k) => k !== main && k !== second);
        if (foreign) throw invalid(foreign, `not a count of ${before.kind}`);
        if (heldOn && heldOn > todayInChina()) throw invalid('heldOn', 'an activity is recorded once held, not in advance');
        const c = counts as Record<string, number | null | undefined>;
        const quantity = c[main] ?? before.quantity;
        const secondary = second && c[second] !== undefined ? c[second]! : before.secondary;
        if (second === 'returned' && secondary !== null && secondary > quantity) throw invalid('returned', `cannot exceed distributed (${quantity})`);
        const after = await outreachRepository.updateActivity(tx, id, { heldOn, notes, quantity, secondary });
        const dto = toActivityDto(after);
        await audit.record(tx, ctx, { action: 'outreach_activity.corrected', entityType: 'outreach_activity', entityId: id, before: toActivityDto(before), after: dto });
        return dto;
      });
    },

    async getActivity(ctx: RequestContext, id: string): Promise<OutreachActivityDto> {
      const r = await outreachRepository.activityById(db, id);
      if (!r || !canSeeSubject(ctx, r)) throw notFound('outreach activity', id);
      return toActivityDto(r);
    },

    async listActivities(ctx: RequestContext, f: ListOutreachFilter, page: PageRequest): Promise<Page<OutreachActivityDto>> {
      checkRange(f);
      const p = await paginate(page, ({ after, limit }) => outreachRepository.listActivities(db, { ...f, ...scoped(ctx, f), afterId: after, limit }));
      return { items: p.items.map(toActivityDto), nextCursor: p.nextCursor };
    },

    async createSuggestion(ctx: RequestContext, input: SuggestionInput): Promise<SuggestionDto> {
      return (await insertSuggestions(ctx, [input], false))[0];
    },

    /** Many suggestions in one transaction: every item is checked, and any error (named `items.<i>.<field>`) saves none. */
    createSuggestions(ctx: RequestContext, items: SuggestionInput[]): Promise<SuggestionDto[]> {
      return insertSuggestions(ctx, items, true);
    },

    getSuggestion: async (ctx: RequestContext, id: string) => toSuggestionDto(await visibleSuggestion(ctx, id)),

    async listSuggestions(ctx: RequestContext, f: ListSuggestionsFilter, page: PageRequest): Promise<Page<SuggestionDto>> {
      checkRange(f);
      const p = await paginate(page, ({ after, limit }) => outreachRepository.listSuggestions(db, { ...f, ...scoped(ctx, f), afterId: after, limit }));
      return { items: p.items.map(toSuggestionDto), nextCursor: p.nextCursor };
    },

    /** 答复 / 采纳: a received suggestion gets its reply; whoever may see it may answer it. */
    reply(ctx: RequestContext, id: string, input: ReplySuggestionInput, expected?: number): Promise<SuggestionDto> {
      return db.transaction(async (tx) => {
        const before = await visibleSuggestion(ctx, id, tx, true);
        if (expected !== undefined && expected !== before.version) throw versionMismatch('suggestion', expected, before.version);
        suggestionMachine.assert('suggestion', id, before.status, input.status);
        const after = await outreachRepository.reply(tx, id, before.version, { status: input.status, reply: input.reply, repliedBy: ctx.principal.subject });
        if (!after) throw versionMismatch('suggestion', before.version, before.version + 1);
        const dto = toSuggestionDto(after);
        await audit.record(tx, ctx, { action: `suggestion.${input.status}`, entityType: 'suggestion', entityId: id, before: toSuggestionDto(before), after: dto });
        return dto;
      });
    },
  };
}

export type OutreachService = ReturnType<typeof createOutreachService>;
