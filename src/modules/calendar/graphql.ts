import type { IResolvers } from 'mercurius';
import { z } from 'zod';
import { guard } from '../../lib/graphql.js';
import { pageQuery } from '../../lib/http.js';
import { EVERYONE } from '../../lib/principal.js';
import { parseArgs } from '../../plugins/graphql.js';
import { calendarYear, deadlineQuery, listSchedulesQuery, putScheduleBody } from './schemas.js';

export const calendarTypeDefs = /* GraphQL */ `
  enum CalendarDayKind { holiday workday }
  "A day that breaks the weekend rule: 法定节假日 (holiday) or 调休上班 (workday)"
  type CalendarDay { "YYYY-MM-DD" date: String!, kind: CalendarDayKind!, kindLabel: Label!, name: String!, nameEn: String }
  "节假日安排: one year's holidays and 调休 days; regionId null = national, else an override for that region and below"
  type CalendarSchedule { id: ID!, year: Int!, regionId: ID, loadedBy: String!, loadedAt: DateTime!, version: Int!, days: [CalendarDay!]! }
  type CalendarScheduleSummary { id: ID!, year: Int!, regionId: ID, loadedBy: String!, loadedAt: DateTime!, version: Int!, dayCount: Int! }
  type CalendarSchedulePage { items: [CalendarScheduleSummary!]! nextCursor: String }
  "期限: N working days after the local day of from (次日起算), to the end of the last day in timeZone"
  type CalendarDeadline { from: DateTime!, days: Int!, localDate: String!, deadline: DateTime!, timeZone: String! }
  input CalendarDayInput { date: String!, kind: CalendarDayKind!, name: String!, nameEn: String }
  input CalendarScheduleInput { days: [CalendarDayInput!]! }

  extend type Query {
    calendarSchedules(regionId: ID, national: Boolean, limit: Int, cursor: String): CalendarSchedulePage!
    "The national schedule of a year, or with regionId that region's override"
    calendarSchedule(year: Int!, regionId: ID): CalendarSchedule
    calendarDeadline(from: DateTime!, days: Int!, regionId: ID): CalendarDeadline!
  }
  extend type Mutation {
    "Replaces a year's schedule (national, or with regionId a region's override); admin"
    putCalendarSchedule(year: Int!, regionId: ID, input: CalendarScheduleInput!): CalendarSchedule!
    deleteCalendarOverride(year: Int!, regionId: ID!): Boolean!
  }
`;

const yearArgs = z.object({ year: calendarYear, regionId: z.uuid().optional() });
const overrideArgs = z.object({ year: calendarYear, regionId: z.uuid() });

export const calendarResolvers: IResolvers = {
  Query: {
    calendarSchedules: guard(EVERYONE, (args: Record<string, unknown>, { ctx, services }) => {
      const { limit, cursor } = parseArgs(pageQuery, args);
      return services.calendar.list(ctx, parseArgs(listSchedulesQuery, args), { limit, cursor });
    }),
    calendarSchedule: guard(EVERYONE, (args: Record<string, unknown>, { ctx, services }) => {
      const { year, regionId } = parseArgs(yearArgs, args);
      return services.calendar.get(ctx, year, regionId ?? null);
    }),
    calendarDeadline: guard(EVERYONE, (args: Record<string, unknown>, { services }) => services.calendar.deadline(parseArgs(deadlineQuery, args))),
  },
  Mutation: {
    putCalendarSchedule: guard(['admin'], (args: Record<string, unknown>, { ctx, services }) => {
      const { year, regionId } = parseArgs(yearArgs, { year: args.year, regionId: args.regionId });
      return services.calendar.put(ctx, year, regionId ?? null, parseArgs(putScheduleBody, args.input, 'input'));
    }),
    deleteCalendarOverride: guard(['admin'], async (args: Record<string, unknown>, { ctx, services }) => {
      const { year, regionId } = parseArgs(overrideArgs, args);
      await services.calendar.deleteOverride(ctx, year, regionId);
      return true;
    }),
  },
};
