/**
 * Working-day arithmetic for deadlines (期限: complaint stages, 回访 follow-ups, problems, rectification).
 *
 * The rule, one for every deadline: "N working days from an instant" ends at the END of the N-th working day AFTER
 * the local day of that instant (次日起算: counting starts the next day; the last day counts in full, to 23:59:59.999
 * local time). Days are calendar days in the configured time zone (TIME_ZONE, default Asia/Shanghai), never UTC
 * days: a case received on Saturday 2026-05-16 07:00 in Beijing (Friday 23:00 UTC) was received on a Saturday. A
 * day is a working day when the holiday calendar says so (法定节假日 off, 调休 make-up days on), otherwise when it is
 * Monday to Friday. The calendar itself lives in src/modules/calendar; these functions only walk it.
 */

/** Whether a local calendar day (YYYY-MM-DD) is a working day; `regionPath` picks a region's overrides. */
export interface WorkingDayCalendar {
  readonly timeZone: string;
  isWorkingDay(date: string, regionPath?: string | null): boolean;
}

const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall clock in `timeZone` at `instant`, read as if it were UTC (ms), to the second (Intl's own reading). */
function readWallClock(instant: number, timeZone: string): number {
  const p = Object.fromEntries(formatter(timeZone).formatToParts(new Date(instant)).map((x) => [x.type, x.value]));
  // Not Date.UTC: it reads years 0–99 as 1900–1999.
  const t = new Date(0);
  t.setUTCFullYear(Number(p.year), Number(p.month) - 1, Number(p.day));
  t.setUTCHours(Number(p.hour), Number(p.minute), Number(p.second), 0);
  return t.getTime();
}

/**
 * Within one UTC quarter hour a zone's offset almost never changes, so the offset read at a quarter's start and again
 * at its last second, when they agree, holds for every instant of it (no zone changes twice within 15 minutes). A
 * quarter holding a transition (they fall on odd minutes too: Newfoundland's 00:01) is read instant by instant.
 * Remembered per zone and quarter (bounded), it spares Intl's formatToParts on the hot paths that ask for a local day
 * per request (the rating intake's daily limit).
 */
const QUARTER_MS = 15 * 60_000;
const OFFSETS_KEPT = 4096;
const offsets = new Map<string, number>();
function wallClock(instant: number, timeZone: string): number {
  const quarter = Math.floor(instant / QUARTER_MS) * QUARTER_MS;
  const key = `${timeZone}|${quarter}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const first = readWallClock(quarter, timeZone) - quarter;
    const last = readWallClock(quarter + QUARTER_MS - 1000, timeZone) - (quarter + QUARTER_MS - 1000);
    offset = first === last ? first : Number.NaN;
    if (offsets.size >= OFFSETS_KEPT) offsets.clear();
    offsets.set(key, offset);
  }
  return Number.isNaN(offset) ? readWallClock(instant, timeZone) : Math.floor(instant / 1000) * 1000 + offset;
}

/** True for a name Intl knows as a time zone (`Asia/Shanghai`, `UTC`). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The local calendar day (YYYY-MM-DD) of an instant in `timeZone`. */
export function localDate(instant: Date, timeZone: string): string {
  return new Date(wallClock(instant.getTime(), timeZone)).toISOString().slice(0, 10);
}

/** The day after a YYYY-MM-DD day. */
export function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

export const isWeekend = (date: string) => {
  const d = dayOfWeek(date);
  return d === 0 || d === 6;
};

/** The first instant of a local day in `timeZone` (two rounds settle the offset, DST included). */
export function startOfLocalDay(date: string, timeZone: string): Date {
  const midnight = Date.parse(`${date}T00:00:00Z`);
  let t = midnight - (wallClock(midnight, timeZone) - midnight);
  t = midnight - (wallClock(t, timeZone) - t);
  return new Date(t);
}

/** The last millisecond of a local day in `timeZone`. */
export function endOfLocalDay(date: string, timeZone: string): Date {
  return new Date(startOfLocalDay(nextDate(date), timeZone).getTime() - 1);
}

/** Weekends only, for a calendar with no schedule loaded (tools, and years the calendar has no schedule for). */
export const weekendsOnly = (timeZone: string): WorkingDayCalendar => ({ timeZone, isWorkingDay: (date) => !isWeekend(date) });

/** A year of holidays cannot hide more than this many working days; a calendar that does is refused, not looped on. */
const MAX_DAYS_WALKED = 3660;

/** The deadline N working days after `from` under the rule above (`days` 0: the end of `from`'s own local day). */
export function addWorkingDays(calendar: WorkingDayCalendar, from: Date, days: number, regionPath?: string | null): Date {
  let date = localDate(from, calendar.timeZone);
  let left = days;
  for (let walked = 0; left > 0; walked++) {
    if (walked > MAX_DAYS_WALKED + days) throw new Error(`no ${days} working days within ten years after ${date}: the calendar marks every day off`);
    date = nextDate(date);
    if (calendar.isWorkingDay(date, regionPath)) left--;
  }
  return endOfLocalDay(date, calendar.timeZone);
}

export function isOverdue(deadline: Date | null | undefined, now = new Date()): boolean {
  return !!deadline && deadline.getTime() < now.getTime();
}
