import { isWeekend } from '../../lib/working-days.js';
import type { WorkingDayCalendar } from '../../lib/working-days.js';

export type CalendarDayKind = 'holiday' | 'workday';

/** What the calendar needs of one stored schedule. */
export interface ScheduleDays {
  year: number;
  regionId: string | null;
  days: { date: string; kind: CalendarDayKind }[];
}

/**
 * The holiday calendar in memory: every year's national schedule and every regional override, loaded at once.
 *
 * Which schedule decides a day: walking the unit's region path from the deepest region up, the first override of
 * that year that lists the day; then the national schedule of that year when it lists it; otherwise the weekend rule
 * (Saturday and Sunday off). So an override lists only what differs from the schedule above it (an extra holiday,
 * or `workday` to cancel one), and a year without a national schedule counts weekends only.
 */
export class HolidayCalendar implements WorkingDayCalendar {
  private readonly national = new Map<number, Map<string, CalendarDayKind>>();
  private readonly regional = new Map<string, Map<number, Map<string, CalendarDayKind>>>();

  constructor(
    readonly timeZone: string,
    schedules: readonly ScheduleDays[] = [],
  ) {
    for (const s of schedules) {
      const days = new Map(s.days.map((d) => [d.date, d.kind]));
      if (s.regionId === null) this.national.set(s.year, days);
      else {
        const years = this.regional.get(s.regionId) ?? new Map<number, Map<string, CalendarDayKind>>();
        years.set(s.year, days);
        this.regional.set(s.regionId, years);
      }
    }
  }

  /** Whether any regional override is loaded (callers skip looking up a unit's region when none is). */
  get hasOverrides(): boolean {
    return this.regional.size > 0;
  }

  hasNationalYear(year: number): boolean {
    return this.national.has(year);
  }

  /** `regionPath`: the materialized path of the unit's region ("/a/b/c/"); null or absent: national. */
  isWorkingDay(date: string, regionPath?: string | null): boolean {
    const year = Number(date.slice(0, 4));
    if (regionPath && this.regional.size) {
      const ids = regionPath.split('/').filter(Boolean);
      for (let i = ids.length - 1; i >= 0; i--) {
        const kind = this.regional.get(ids[i])?.get(year)?.get(date);
        if (kind) return kind === 'workday';
      }
    }
    const kind = this.national.get(year)?.get(date);
    if (kind) return kind === 'workday';
    return !isWeekend(date);
  }
}
