import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { expectedVersion, idParams, pageOf, pageQuery, problems, queryOf, sendVersioned } from '../../lib/http.js';
import { FEEDBACK_READERS } from './feedback.js';
import {
  createRoundBody,
  createSupervisorBody,
  emptyBody,
  expiry,
  feedback,
  feedbackParams,
  finding,
  generation,
  listFindingsQuery,
  listReportsQuery,
  listRoundsQuery,
  listSupervisorsQuery,
  listTasksQuery,
  reasonBody,
  report,
  reportBody,
  reviewBody,
  round,
  roundVersionBody,
  supervisor,
  task,
  updateRoundBody,
  updateSupervisorBody,
  walkInBody,
} from './schemas.js';

const tags = ['supervision'];

/**
 * 义务监督员与暗访. Tasks and reports are readable by the office and the assigned supervisor only; units and
 * departments read the redacted feedback (no supervisor identity) once a visit is reported.
 */
export const supervisionRoutes: FastifyPluginAsyncZod = async (app) => {
  const { supervisors, rounds, tasks, reports, feedback: feedbackSvc } = app.services.supervision;

  // ── supervisors ──
  app.get('/supervisors', {
    config: { access: ['admin'] },
    schema: { operationId: 'listSupervisors', summary: 'List volunteer supervisors (义务监督员)', tags, querystring: queryOf(pageQuery.extend(listSupervisorsQuery.shape)), response: { 200: pageOf(supervisor), ...problems() } },
    handler: async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return supervisors.list(req.ctx, filter, { limit, cursor });
    },
  });

  app.get('/supervisors/me', {
    config: { access: ['supervisor'] },
    schema: { operationId: 'getMySupervisorProfile', summary: "The calling supervisor's own profile", tags, response: { 200: supervisor, ...problems(404) } },
    handler: async (req, reply) => sendVersioned(reply, await supervisors.me(req.ctx)),
  });

  app.get('/supervisors/:id', {
    config: { access: ['admin'] },
    schema: { operationId: 'getSupervisor', summary: 'Get a supervisor', tags, params: idParams, response: { 200: supervisor, ...problems(404) } },
    handler: async (req, reply) => sendVersioned(reply, await supervisors.get(req.ctx, req.params.id)),
  });

  app.post('/supervisors', {
    config: { access: ['admin'] },
    schema: { operationId: 'createSupervisor', summary: 'Register a supervisor', tags, body: createSupervisorBody, response: { 201: supervisor, ...problems(422) } },
    handler: async (req, reply) => sendVersioned(reply.status(201), await supervisors.create(req.ctx, req.body)),
  });

  app.patch('/supervisors/:id', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'updateSupervisor',
      summary: 'Update a supervisor (If-Match required); `active: false` retires one',
      tags,
      params: idParams,
      body: updateSupervisorBody,
      response: { 200: supervisor, ...problems(404, 412, 422, 428) },
    },
    handler: async (req, reply) => sendVersioned(reply, await supervisors.update(req.ctx, req.params.id, expectedVersion(req, req.body.version), req.body)),
  });

  // ── rounds ──
  app.get('/inspection-rounds', {
    config: { access: ['admin'] },
    schema: { operationId: 'listInspectionRounds', summary: 'List inspection rounds (暗访轮次)', tags, querystring: queryOf(pageQuery.extend(listRoundsQuery.shape)), response: { 200: pageOf(round), ...problems() } },
    handler: async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return rounds.list(req.ctx, filter, { limit, cursor });
    },
  });

  app.get('/inspection-rounds/:id', {
    config: { access: ['admin'] },
    schema: { operationId: 'getInspectionRound', summary: 'Get an inspection round', tags, params: idParams, response: { 200: round, ...problems(404) } },
    handler: async (req, reply) => sendVersioned(reply, await rounds.get(req.ctx, req.params.id)),
  });

  app.post('/inspection-rounds', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'createInspectionRound',
      summary: 'Create a sweep (拉网式) or targeted round, as a draft',
      tags,
      body: createRoundBody,
      response: { 201: round, ...problems(422) },
    },
    handler: async (req, reply) => sendVersioned(reply.status(201), await rounds.create(req.ctx, req.body)),
  });

  app.patch('/inspection-rounds/:id', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'updateInspectionRound',
      summary: 'Edit a draft round (If-Match required)',
      tags,
      params: idParams,
      body: updateRoundBody,
      response: { 200: round, ...problems(404, 409, 412, 422, 428) },
    },
    handler: async (req, reply) => sendVersioned(reply, await rounds.update(req.ctx, req.params.id, expectedVersion(req, req.body.version), req.body)),
  });

  app.post('/inspection-rounds/:id/generate-tasks', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'generateInspectionTasks',
      summary: 'Assign supervisors point-to-point (点对点): never to their own department, load spread evenly, reproducible from the seed',
      tags,
      params: idParams,
      body: emptyBody,
      response: { 200: generation, ...problems(404, 409, 422) },
    },
    handler: async (req) => rounds.generateTasks(req.ctx, req.params.id),
  });

  app.post('/inspection-rounds/:id/expire-overdue', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'expireOverdueInspectionTasks',
      summary: "Expire the round's assigned or accepted tasks whose window has ended",
      tags,
      params: idParams,
      body: emptyBody,
      response: { 200: expiry, ...problems(404) },
    },
    handler: async (req) => rounds.expireOverdue(req.ctx, req.params.id),
  });

  app.post('/inspection-rounds/:id/close', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'closeInspectionRound',
      summary: 'Close a round whose tasks are all settled',
      tags,
      params: idParams,
      body: roundVersionBody.nullish(),
      response: { 200: round, ...problems(404, 409, 412) },
    },
    handler: async (req, reply) => sendVersioned(reply, await rounds.close(req.ctx, req.params.id, req.body?.version)),
  });

  // ── tasks ──
  app.get('/inspection-tasks', {
    config: { access: ['admin', 'supervisor'] },
    schema: {
      operationId: 'listInspectionTasks',
      summary: 'List inspection tasks (点对点); a supervisor sees only its own',
      tags,
      querystring: queryOf(pageQuery.extend(listTasksQuery.shape)),
      response: { 200: pageOf(task), ...problems() },
    },
    handler: async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return tasks.list(req.ctx, filter, { limit, cursor });
    },
  });

  app.get('/inspection-tasks/:id', {
    config: { access: ['admin', 'supervisor'] },
    schema: { operationId: 'getInspectionTask', summary: 'Get an inspection task with its report', tags, params: idParams, response: { 200: task, ...problems(404) } },
    handler: async (req, reply) => sendVersioned(reply, await tasks.get(req.ctx, req.params.id)),
  });

  app.post('/inspection-tasks/:id/accept', {
    config: { access: ['supervisor'] },
    schema: { operationId: 'acceptInspectionTask', summary: 'The assigned supervisor accepts the task', tags, params: idParams, body: emptyBody, response: { 200: task, ...problems(404, 409) } },
    handler: async (req) => tasks.accept(req.ctx, req.params.id),
  });

  app.post('/inspection-tasks/:id/report', {
    config: { access: ['supervisor'] },
    schema: {
      operationId: 'reportInspectionTask',
      summary: 'File the mystery-shopper report (暗访反馈): ratings 1–5 and findings; once per task',
      tags,
      params: idParams,
      body: reportBody,
      response: { 200: task, ...problems(404, 409, 422) },
    },
    handler: async (req) => tasks.report(req.ctx, req.params.id, req.body),
  });

  app.post('/inspection-tasks/:id/review', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'reviewInspectionTask',
      summary: 'Review a report: accept or dismiss each finding; accepted findings open problems (问题)',
      tags,
      params: idParams,
      body: reviewBody,
      response: { 200: task, ...problems(404, 409, 422) },
    },
    handler: async (req) => tasks.review(req.ctx, req.params.id, req.body),
  });

  app.post('/inspection-tasks/:id/expire', {
    config: { access: ['admin'] },
    schema: { operationId: 'expireInspectionTask', summary: 'Expire an assigned or accepted task', tags, params: idParams, body: reasonBody.nullish(), response: { 200: task, ...problems(404, 409) } },
    handler: async (req) => tasks.expire(req.ctx, req.params.id, req.body?.reason),
  });

  app.post('/inspection-tasks/:id/cancel', {
    config: { access: ['admin'] },
    schema: { operationId: 'cancelInspectionTask', summary: 'Cancel a task that is not yet reviewed', tags, params: idParams, body: reasonBody.nullish(), response: { 200: task, ...problems(404, 409) } },
    handler: async (req) => tasks.cancel(req.ctx, req.params.id, req.body?.reason),
  });

  app.post('/inspection-reports', {
    config: { access: ['supervisor'] },
    schema: {
      operationId: 'fileWalkInReport',
      summary: 'File a walk-in visit (随机暗访) on your own initiative: no task; any active unit outside your own department',
      tags,
      body: walkInBody,
      response: { 201: report, ...problems(403, 422) },
    },
    handler: async (req, reply) => reply.status(201).send(await reports.file(req.ctx, req.body)),
  });

  app.get('/inspection-reports', {
    config: { access: ['admin', 'supervisor'] },
    schema: {
      operationId: 'listInspectionReports',
      summary: 'List reports of tasks and walk-ins (by origin); a supervisor sees only its own',
      tags,
      querystring: queryOf(pageQuery.extend(listReportsQuery.shape)),
      response: { 200: pageOf(report), ...problems() },
    },
    handler: async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return reports.list(req.ctx, filter, { limit, cursor });
    },
  });

  app.get('/inspection-reports/:id', {
    config: { access: ['admin', 'supervisor'] },
    schema: { operationId: 'getInspectionReport', summary: 'Get a report with its feedback items', tags, params: idParams, response: { 200: report, ...problems(404) } },
    handler: async (req) => reports.get(req.ctx, req.params.id),
  });

  app.post('/inspection-reports/:id/review', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'reviewWalkInReport',
      summary: 'Review a walk-in report: accept or dismiss each feedback item; accepted ones open problems (问题)',
      tags,
      params: idParams,
      body: reviewBody,
      response: { 200: report, ...problems(404, 409, 422) },
    },
    handler: async (req) => reports.review(req.ctx, req.params.id, req.body),
  });

  app.get('/inspection-findings', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'listInspectionFindings',
      summary: "List findings across reports, with the unit's enrollment in the round's cycle",
      tags,
      querystring: queryOf(pageQuery.extend(listFindingsQuery.shape)),
      response: { 200: pageOf(finding), ...problems() },
    },
    handler: async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return tasks.listFindings(req.ctx, filter, { limit, cursor });
    },
  });

  // ── what the unit sees ──
  app.get('/units/:unitId/inspection-feedback', {
    config: { access: FEEDBACK_READERS },
    schema: {
      operationId: 'listUnitInspectionFeedback',
      summary: "A unit's reported mystery-shopper visits (暗访反馈), without who made them",
      tags,
      params: feedbackParams,
      querystring: queryOf(pageQuery),
      response: { 200: pageOf(feedback), ...problems(404) },
    },
    handler: async (req) => feedbackSvc.forUnit(req.ctx, req.params.unitId, { limit: req.query.limit, cursor: req.query.cursor }),
  });
};
