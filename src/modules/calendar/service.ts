import type { Db, TxOption } from '../../db/client.js';
import { badRequest, invalidMany, notFound } from '../../lib/errors.js';
import type { FieldError } from '../../lib/errors.js';
import { decodeCursor, paginate, toIso } from '../../lib/http.js';
import type { Page, PageRequest } from '../../lib/http.js';
import type { RequestContext } from '../../lib/principal.js';
import { addWorkingDays, localDate } from '../../lib/working-days.js';
import type { AuditService } from '../audit/service.js';
import type { RegionsService } from '../regions/service.js';
import { HolidayCalendar } from './calendar.js';
import type { ScheduleDays } from './calendar.js';
import { calendarRepository as repo } from './repository.js';
import type { DayRow, ScheduleRow, ScheduleSummaryRow } from './repository.js';
import { calendarDayKindLabels } from './schemas.js';
import type { CalendarScheduleDto, CalendarScheduleSummaryDto, DeadlineAnswerDto, DeadlineQuery, ListSchedulesFilter, PutScheduleInput } from './schemas.js';

const toDayDto = (d: DayRow) => ({ date: d.date, kind: d.kind, kindLabel: calendarDayKindLabels[d.kind], name: d.name, nameEn: d.nameEn });

const scheduleFields = (s: ScheduleRow | ScheduleSummaryRow) => ({ id: s.id, year: s.year, regionId: s.regionId, loadedBy: s.loadedBy, loadedAt: toIso(s.loadedAt), version: s.version });

export const toScheduleDto = (s: ScheduleRow, days: DayRow[]): CalendarScheduleDto => ({ ...scheduleFields(s), days: days.map(toDayDto) });

/** Cursor of the schedule list: year (newest first), then id. */
const listCursor = {
  key: (s: ScheduleSummaryRow) => `${s.year}:${s.id}`,
  decode: (cursor: string | undefined) => {
    const key = decodeCursor(cursor);
    if (key === undefined) return undefined;
    const m = /^(\d{1,4}):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.exec(key);
    if (!m) throw badRequest('invalid_cursor', 'query.cursor: not a cursor this API issued');
    return { year: Number(m[1]), id: m[2] };
  },
};

/**
 * The working-day calendar (工作日历): holiday schedules per year, national and regional, kept by the office, and the
 * in-memory calendar every deadline is computed on. The rule (src/lib/working-days.ts): N working days from an instant
 * end at 23:59:59.999 in TIME_ZONE on the N-th working day after the instant's local day (次日起算).
 *
 * Shipped data: the official national schedules come as migration data from chinese-days (shipped-sql.ts), inserted
 * only for years the database lacks, so a PUT by the office always wins and nothing overwrites it on restart.
 *
 * Memory and copies: `load()` reads every schedule (the calendar plugin calls it at start); a write reloads this
 * copy after it commits; every write bumps one revision row, which each copy polls every CALENDAR_REFRESH_INTERVAL_MS
 * (`refresh()`), so another copy computes with a change at most one interval (plus one load) after it committed.
 */
export function createCalendarService({ db, audit, regions, timeZone }: { db: Db; audit: AuditService; regions: Pick<RegionsService, 'pathOf' | 'get'>; timeZone: string }) {
  let calendar = new HolidayCalendar(timeZone);
  let loadedRevision: number | null = null;
  // A region's path never changes (regions are not moved), so it is safe to keep.
  const regionPaths = new Map<string, string>();

  async function load(): Promise<void> {
    // Revision first: a write that lands in between is loaded now and loaded again on the next poll, never missed.
    const revision = await repo.revision(db);
    const schedules = new Map<string, ScheduleDays>();
    for (const r of await repo.everything(db)) {
      let s = schedules.get(r.scheduleId);
      if (!s) schedules.set(r.scheduleId, (s = { year: r.year, regionId: r.regionId, days: [] }));
      if (r.date && r.kind) s.days.push({ date: r.date, kind: r.kind });
    }
    calendar = new HolidayCalendar(timeZone, [...schedules.values()]);
    loadedRevision = revision;
  }

  async function regionPath(regionId: string, field: string, tx?: Db): Promise<string> {
    let path = regionPaths.get(regionId);
    if (!path) {
      path = await regions.pathOf(regionId, field, { tx });
      regionPaths.set(regionId, path);
    }
    return path;
  }

  /** The region exists (404 otherwise), for reads and deletes addressed to it. */
  async function existingRegion(ctx: RequestContext, regionId: string | null): Promise<void> {
    if (regionId) await regions.get(ctx, regionId);
  }

  async function scheduleOf(year: number, regionId: string | null): Promise<CalendarScheduleDto> {
    const s = await repo.find(db, year, regionId);
    if (!s) throw notFound('calendar schedule', regionId ? `${year} for region ${regionId}` : String(year));
    return toScheduleDto(s, await repo.daysOf(db, [s.id]));
  }

  function check(year: number, input: PutScheduleInput): void {
    const errors: FieldError[] = [];
    const seen = new Set<string>();
    input.days.forEach((d, i) => {
      if (!d.date.startsWith(`${year}-`)) errors.push({ field: `days.${i}.date`, message: `must lie in ${year}` });
      else if (seen.has(d.date)) errors.push({ field: `days.${i}.date`, message: `${d.date} is listed twice` });
      seen.add(d.date);
    });
    if (errors.length) throw invalidMany(errors);
  }

  return {
    timeZone,
    load,
    /** Reloads when another copy changed the calendar; true when it did. */
    async refresh(): Promise<boolean> {
      if ((await repo.revision(db)) === loadedRevision) return false;
      await load();
      return true;
    },
    /** Whether the calendar was read at least once (until then: weekends only). */
    get loaded(): boolean {
      return loadedRevision !== null;
    },
    /** The calendar as loaded now (synchronous; deadlines are computed on it). */
    get calendar(): HolidayCalendar {
      return calendar;
    },
    /** A deadline `days` working days after `from`; `regionPath` (from `regionPathForDeadline`) applies overrides. */
    addWorkingDays(from: Date, days: number, regionPath?: string | null): Date {
      return addWorkingDays(calendar, from, days, regionPath);
    },
    /**
     * What a deadline for a unit in `regionId` passes as its region: null (no query) while no regional override is
     * loaded, which is the usual case.
     */
    async regionPathForDeadline(regionId: string | null | undefined, { tx }: TxOption = {}): Promise<string | null> {
      if (!regionId || !calendar.hasOverrides) return null;
      return regionPath(regionId, 'regionId', tx);
    },
    /** The current and next local year when they have no national schedule (weekends only then). */
    missingYears(now = new Date()): number[] {
      const year = Number(localDate(now, timeZone).slice(0, 4));
      return [year, year + 1].filter((y) => !calendar.hasNationalYear(y));
    },

    async deadline(query: DeadlineQuery): Promise<DeadlineAnswerDto> {
      const path = query.regionId ? await regionPath(query.regionId, 'regionId') : null;
      const deadline = addWorkingDays(calendar, new Date(query.from), query.days, path);
      return { from: query.from, days: query.days, localDate: localDate(deadline, timeZone), deadline: toIso(deadline), timeZone };
    },

    async list(_ctx: RequestContext, filter: ListSchedulesFilter, page: PageRequest): Promise<Page<CalendarScheduleSummaryDto>> {
      const p = await paginate(page, ({ after, limit }) => repo.list(db, { ...filter, after, limit }), listCursor);
      return { items: p.items.map((s) => ({ ...scheduleFields(s), dayCount: s.dayCount })), nextCursor: p.nextCursor };
    },

    async get(ctx: RequestContext, year: number, regionId: string | null = null): Promise<CalendarScheduleDto> {
      await existingRegion(ctx, regionId);
      return scheduleOf(year, regionId);
    },

    /** Replaces a year's schedule (national, or a region's override) in one transaction; the office's word wins. */
    async put(ctx: RequestContext, year: number, regionId: string | null, input: PutScheduleInput): Promise<CalendarScheduleDto> {
      check(year, input);
      const dto = await db.transaction(async (tx) => {
        if (regionId) await regionPath(regionId, 'regionId', tx);
        await repo.bumpRevision(tx);
        const current = await repo.find(tx, year, regionId);
        const before = current ? toScheduleDto(current, await repo.daysOf(tx, [current.id])) : null;
        const schedule = current ? await repo.reload(tx, current.id, ctx.principal.subject) : await repo.insert(tx, { year, regionId, loadedBy: ctx.principal.subject });
        const days = await repo.replaceDays(
          tx,
          schedule.id,
          [...input.days].sort((a, b) => a.date.localeCompare(b.date)).map((d) => ({ date: d.date, kind: d.kind, name: d.name, nameEn: d.nameEn ?? null })),
        );
        const after = toScheduleDto(schedule, days);
        await audit.record(tx, ctx, { action: 'calendar.schedule_loaded', entityType: 'calendar_schedule', entityId: schedule.id, before, after });
        return after;
      });
      await load();
      return dto;
    },

    /** Drops a region's override for a year: the region follows the national schedule again. */
    async deleteOverride(ctx: RequestContext, year: number, regionId: string): Promise<void> {
      await existingRegion(ctx, regionId);
      await db.transaction(async (tx) => {
        await repo.bumpRevision(tx);
        const current = await repo.find(tx, year, regionId);
        if (!current) throw notFound('calendar schedule', `${year} for region ${regionId}`);
        const before = toScheduleDto(current, await repo.daysOf(tx, [current.id]));
        await repo.delete(tx, current.id);
        await audit.record(tx, ctx, { action: 'calendar.override_deleted', entityType: 'calendar_schedule', entityId: current.id, before });
      });
      await load();
    },
  };
}

export type CalendarService = ReturnType<typeof createCalendarService>;
