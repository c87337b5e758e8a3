import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { pageOf, pageQuery, problems, queryOf } from '../../lib/http.js';
import { EVERYONE } from '../../lib/principal.js';
import { calendarSchedule, calendarScheduleSummary, deadlineAnswer, deadlineQuery, listSchedulesQuery, putScheduleBody, regionYearParams, yearParams } from './schemas.js';

const tags = ['calendar'];
/** Holiday schedules are public information (国务院办公厅 notices); only the office loads them. */
const READERS = EVERYONE;
const LOADERS = ['admin' as const];

export const calendarRoutes: FastifyPluginAsyncZod = async (app) => {
  const svc = app.services.calendar;

  app.get('/calendar/schedules', {
    config: { access: READERS },
    schema: {
      operationId: 'listCalendarSchedules',
      summary: 'Years with a holiday schedule (节假日安排), national and regional, newest first',
      tags,
      querystring: queryOf(pageQuery.extend(listSchedulesQuery.shape)),
      response: { 200: pageOf(calendarScheduleSummary), ...problems() },
    },
    handler: async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return svc.list(req.ctx, filter, { limit, cursor });
    },
  });

  app.get('/calendar/deadline', {
    config: { access: READERS },
    schema: {
      operationId: 'computeCalendarDeadline',
      summary: 'The deadline N working days after an instant (期限, 次日起算), as every deadline in the service is computed',
      tags,
      querystring: queryOf(deadlineQuery),
      response: { 200: deadlineAnswer, ...problems(422) },
    },
    handler: async (req) => svc.deadline(req.query),
  });

  app.get('/calendar/years/:year', {
    config: { access: READERS },
    schema: { operationId: 'getCalendarYear', summary: "A year's national holiday schedule", tags, params: yearParams, response: { 200: calendarSchedule, ...problems(404) } },
    handler: async (req) => svc.get(req.ctx, req.params.year),
  });

  app.put('/calendar/years/:year', {
    config: { access: LOADERS },
    schema: {
      operationId: 'putCalendarYear',
      summary: "Load a year's national holiday schedule (replaces the whole year)",
      tags,
      params: yearParams,
      body: putScheduleBody,
      response: { 200: calendarSchedule, ...problems(422) },
    },
    handler: async (req) => svc.put(req.ctx, req.params.year, null, req.body),
  });

  app.get('/calendar/regions/:regionId/years/:year', {
    config: { access: READERS },
    schema: {
      operationId: 'getCalendarRegionYear',
      summary: "A region's override of a year's schedule (days that differ from the national one)",
      tags,
      params: regionYearParams,
      response: { 200: calendarSchedule, ...problems(404) },
    },
    handler: async (req) => svc.get(req.ctx, req.params.year, req.params.regionId),
  });

  app.put('/calendar/regions/:regionId/years/:year', {
    config: { access: LOADERS },
    schema: {
      operationId: 'putCalendarRegionYear',
      summary: "Load a region's override for a year (e.g. 民族自治地方 holidays; applies to the region and below; replaces the whole override)",
      tags,
      params: regionYearParams,
      body: putScheduleBody,
      response: { 200: calendarSchedule, ...problems(422) },
    },
    handler: async (req) => svc.put(req.ctx, req.params.year, req.params.regionId, req.body),
  });

  app.delete('/calendar/regions/:regionId/years/:year', {
    config: { access: LOADERS },
    schema: {
      operationId: 'deleteCalendarRegionYear',
      summary: "Drop a region's override for a year (the region follows the national schedule again)",
      tags,
      params: regionYearParams,
      response: { 204: z.null(), ...problems(404) },
    },
    handler: async (req, reply) => {
      await svc.deleteOverride(req.ctx, req.params.year, req.params.regionId);
      return reply.status(204).send(null);
    },
  });
};
