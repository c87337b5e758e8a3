import { z } from 'zod';
import { isoDate, isoDay, labelSchema } from '../../lib/http.js';

export const calendarDayKinds = ['holiday', 'workday'] as const;
/** Day kind labels (zh-CN / en). */
export const calendarDayKindLabels = {
  holiday: { zhCN: '法定节假日（放假）', en: 'Public holiday (day off)' },
  workday: { zhCN: '调休上班', en: 'Make-up working day (调休)' },
} as const;

/** Years a schedule may be loaded for. */
export const CALENDAR_MIN_YEAR = 1990;
export const CALENDAR_MAX_YEAR = 2100;
export const calendarYear = z.number().int().min(CALENDAR_MIN_YEAR).max(CALENDAR_MAX_YEAR).describe('calendar year');

export const calendarDay = z
  .object({
    date: isoDay,
    kind: z.enum(calendarDayKinds).describe('holiday: a day off (also when it falls on a weekend); workday: a weekend day worked (调休)'),
    kindLabel: labelSchema,
    name: z.string().describe('the holiday (春节, 国庆节), or for a make-up day the holiday it makes up for'),
    nameEn: z.string().nullable(),
  })
  .meta({ id: 'CalendarDay', description: 'A day that breaks the weekend rule: 法定节假日 or 调休上班' });

const scheduleFields = {
  id: z.uuid(),
  year: z.number().int(),
  regionId: z.uuid().nullable().describe('null: the national schedule; else an override for this region and everything below it'),
  loadedBy: z.string().describe('who loaded it (a subject; chinese-days@<version> for the shipped official schedule)'),
  loadedAt: isoDate,
  version: z.number().int(),
};

export const calendarSchedule = z
  .object({ ...scheduleFields, days: z.array(calendarDay) })
  .meta({ id: 'CalendarSchedule', description: "节假日安排: one year's holidays and 调休 make-up days, national or for a region" });
export type CalendarScheduleDto = z.infer<typeof calendarSchedule>;

export const calendarScheduleSummary = z
  .object({ ...scheduleFields, dayCount: z.number().int() })
  .meta({ id: 'CalendarScheduleSummary', description: 'A loaded year (节假日安排), without its days' });
export type CalendarScheduleSummaryDto = z.infer<typeof calendarScheduleSummary>;

export const putScheduleBody = z.object({
  days: z
    .array(
      z.object({
        date: isoDay.describe('inside the year of the path'),
        kind: z.enum(calendarDayKinds),
        name: z.string().trim().min(1).max(50).describe('e.g. 春节, 国庆节'),
        nameEn: z.string().trim().min(1).max(100).nullable().optional(),
      }),
    )
    .max(366)
    .describe('every day of the year that breaks the weekend rule; days not listed follow it (an empty list: weekends only)'),
});
export type PutScheduleInput = z.infer<typeof putScheduleBody>;

export const yearParams = z.object({ year: z.coerce.number().pipe(calendarYear) });
export const regionYearParams = z.object({ regionId: z.uuid(), year: z.coerce.number().pipe(calendarYear) });

export const listSchedulesQuery = z.object({
  regionId: z.uuid().optional().describe("only this region's overrides"),
  national: z.boolean().optional().describe('true: national schedules only; false: regional overrides only'),
});
export type ListSchedulesFilter = z.infer<typeof listSchedulesQuery>;

export const deadlineQuery = z.object({
  from: isoDate
    .refine((v) => {
      const year = new Date(v).getUTCFullYear();
      return year >= CALENDAR_MIN_YEAR && year < CALENDAR_MAX_YEAR;
    }, `must lie between ${CALENDAR_MIN_YEAR} and ${CALENDAR_MAX_YEAR - 1}`)
    .describe('the instant the clock starts (receipt, decision)'),
  days: z.number().int().min(0).max(365).describe('working days'),
  regionId: z.uuid().optional().describe("apply this region's overrides (the unit's region)"),
});
export type DeadlineQuery = z.infer<typeof deadlineQuery>;

export const deadlineAnswer = z
  .object({
    from: isoDate,
    days: z.number().int(),
    localDate: isoDay.describe('the local day the deadline falls on'),
    deadline: isoDate.describe('the end of that day (23:59:59.999 in TIME_ZONE)'),
    timeZone: z.string(),
  })
  .meta({ id: 'CalendarDeadline', description: '期限: N working days after the local day of `from` (次日起算), to the end of the last day' });
export type DeadlineAnswerDto = z.infer<typeof deadlineAnswer>;
