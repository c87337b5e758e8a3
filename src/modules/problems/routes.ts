import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { expectedVersion, idParams, optionalVersion, pageOf, pageQuery, problems, queryOf, sendVersioned } from '../../lib/http.js';
import { PROBLEM_READERS, RECTIFIERS, bulkCreateProblemsBody, bulkTransitionBody, createProblemBody, improvementMeasureBody, listMeasuresQuery, measure, measureInput, measureStatusBody, listProblemsQuery, noteBody, problem, problemWithEvents, rejectProblemBody, submitProblemBody, updateProblemBody } from './schemas.js';

const tags = ['problems'];

/** Transitions check the version only when the caller sends one (the state machine already guards them). */
const transition = { params: idParams, response: { 200: problem, ...problems(404, 409, 412, 422) } };

export const problemRoutes: FastifyPluginAsyncZod = async (app) => {
  const svc = app.services.problems;

  app.post('/problems', {
    config: { access: ['admin'], regionScoped: true },
    schema: {
      operationId: 'createProblem',
      summary: 'Open a problem (问题) for a unit; idempotent per source record (200 with the existing one)',
      tags,
      body: createProblemBody,
      response: { 201: problem, 200: problem, ...problems(422) },
    },
    handler: async (req, reply) => {
      const { deadline, ...rest } = req.body;
      const r = await svc.create(req.ctx, { ...rest, deadline: deadline ? new Date(deadline) : null });
      return sendVersioned(reply.status(r.created ? 201 : 200), r.problem);
    },
  });

  app.get('/problems', {
    config: { access: PROBLEM_READERS, regionScoped: true },
    schema: {
      operationId: 'listProblems',
      summary: 'List problems; a department sees its units, a unit its own',
      tags,
      querystring: queryOf(pageQuery.extend(listProblemsQuery.shape)),
      response: { 200: pageOf(problem), ...problems(422) },
    },
    handler: async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return svc.list(req.ctx, filter, { limit, cursor });
    },
  });

  app.get('/problems/:id', {
    config: { access: PROBLEM_READERS, regionScoped: true },
    schema: { operationId: 'getProblem', summary: 'Get a problem with its history', tags, params: idParams, response: { 200: problemWithEvents, ...problems(404) } },
    handler: async (req, reply) => sendVersioned(reply, await svc.getWithEvents(req.ctx, req.params.id)),
  });

  app.patch('/problems/:id', {
    config: { access: ['admin'], regionScoped: true },
    schema: {
      operationId: 'updateProblem',
      summary: 'Change the deadline, responsible person or severity (If-Match required)',
      tags,
      params: idParams,
      body: updateProblemBody,
      response: { 200: problem, ...problems(404, 409, 412, 422, 428) },
    },
    handler: async (req, reply) => sendVersioned(reply, await svc.update(req.ctx, req.params.id, expectedVersion(req, req.body.version), req.body)),
  });

  app.post('/problems/:id/sign-letter', {
    config: { access: RECTIFIERS, regionScoped: true },
    schema: { operationId: 'signProblemLetter', summary: 'Record the signed rectification responsibility letter (整改责任书)', tags, body: noteBody, ...transition },
    handler: async (req, reply) =>
      sendVersioned(reply, await svc.signLetter(req.ctx, req.params.id, optionalVersion(req, req.body.version), req.body.note)),
  });

  app.post('/problems/:id/start', {
    config: { access: RECTIFIERS, regionScoped: true },
    schema: { operationId: 'startProblemRectification', summary: 'Start rectifying (open → rectifying)', tags, body: noteBody, ...transition },
    handler: async (req, reply) => sendVersioned(reply, await svc.start(req.ctx, req.params.id, optionalVersion(req, req.body.version), req.body.note)),
  });

  app.post('/problems/:id/submit', {
    config: { access: ['admin', 'department', 'unit'], regionScoped: true },
    schema: {
      operationId: 'submitProblemRectification',
      summary: 'Submit the rectification: measures (整改措施, as items) and evidence (rectifying → submitted); the office may submit on the department\'s behalf (recorded)',
      tags,
      body: submitProblemBody,
      ...transition,
    },
    handler: async (req, reply) => sendVersioned(reply, await svc.submit(req.ctx, req.params.id, optionalVersion(req, req.body.version), req.body)),
  });

  app.post('/problems/:id/verify', {
    config: { access: ['admin'], regionScoped: true },
    schema: { operationId: 'verifyProblem', summary: 'Verify the rectification and close the problem (submitted → verified)', tags, body: noteBody, ...transition },
    handler: async (req, reply) => sendVersioned(reply, await svc.verify(req.ctx, req.params.id, optionalVersion(req, req.body.version), req.body.note)),
  });

  app.post('/problems/:id/reject', {
    config: { access: ['admin'], regionScoped: true },
    schema: { operationId: 'rejectProblem', summary: 'Send the rectification back with a reason (submitted → rectifying)', tags, body: rejectProblemBody, ...transition },
    handler: async (req, reply) => sendVersioned(reply, await svc.reject(req.ctx, req.params.id, optionalVersion(req, req.body.version), req.body.reason)),
  });

  app.post('/problems/bulk', {
    config: { access: ['admin'], regionScoped: true },
    schema: {
      operationId: 'createProblems',
      summary: 'Open many problems at once (up to 1,000), all or nothing; errors name the item (problems.<i>.<field>)',
      tags,
      body: bulkCreateProblemsBody,
      response: { 201: z.object({ items: z.array(problem) }), ...problems(422) },
    },
    handler: async (req, reply) => {
      const items = await svc.createMany(req.ctx, req.body.problems.map(({ deadline, ...rest }) => ({ ...rest, deadline: deadline ? new Date(deadline) : null })));
      return reply.status(201).send({ items });
    },
  });

  app.post('/problems/bulk-transition', {
    config: { access: ['admin'], regionScoped: true },
    schema: {
      operationId: 'transitionProblems',
      summary: 'One decision for many problems (start, verify or reject, with one comment), all or nothing; errors name the index (ids.<i>)',
      tags,
      body: bulkTransitionBody,
      response: { 200: z.object({ items: z.array(problem) }), ...problems(404, 409, 412, 422) },
    },
    handler: async (req) => ({ items: await svc.bulkTransition(req.ctx, req.body) }),
  });

  app.get('/problems/:id/measures', {
    config: { access: PROBLEM_READERS, regionScoped: true },
    schema: { operationId: 'listProblemMeasures', summary: 'The measures (整改措施) of a problem', tags, params: idParams, querystring: queryOf(pageQuery), response: { 200: pageOf(measure), ...problems(404) } },
    handler: async (req) => svc.measures.forProblem(req.ctx, req.params.id, req.query),
  });

  app.post('/problems/:id/measures', {
    config: { access: RECTIFIERS, regionScoped: true },
    schema: { operationId: 'addProblemMeasure', summary: 'Add a measure (整改措施) to a problem', tags, params: idParams, body: measureInput, response: { 201: measure, ...problems(404, 422) } },
    handler: async (req, reply) => reply.status(201).send(await svc.measures.addTo(req.ctx, req.params.id, req.body)),
  });

  app.post('/improvement-measures', {
    config: { access: RECTIFIERS },
    schema: {
      operationId: 'createImprovementMeasure',
      summary: "A measure of a unit's or department's own improvement plan (整改措施 with no problem)",
      tags,
      body: improvementMeasureBody,
      response: { 201: measure, ...problems(403, 422) },
    },
    handler: async (req, reply) => reply.status(201).send(await svc.measures.createPlanMeasure(req.ctx, req.body)),
  });

  app.get('/measures', {
    config: { access: ['admin', 'inspector'] },
    schema: { operationId: 'listMeasures', summary: 'Every measure (整改措施), of problems and improvement plans', tags, querystring: queryOf(pageQuery.extend(listMeasuresQuery.shape)), response: { 200: pageOf(measure), ...problems(422) } },
    handler: async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return svc.measures.list(req.ctx, filter, { limit, cursor });
    },
  });

  app.post('/measures/:id/status', {
    config: { access: RECTIFIERS },
    schema: { operationId: 'setMeasureStatus', summary: 'Move a measure: planned → in_progress → done (evidence optional)', tags, params: idParams, body: measureStatusBody, response: { 200: measure, ...problems(404, 409, 412, 422) } },
    handler: async (req) => svc.measures.setStatus(req.ctx, req.params.id, req.body),
  });
};
