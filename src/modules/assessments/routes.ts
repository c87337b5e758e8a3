import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { expectedVersion, idParams, pageOf, pageQuery, problems, queryOf, sendVersioned } from '../../lib/http.js';
import { STAFF } from '../../lib/principal.js';
import {
  assessmentFeedback,
  feedbackParams,
  listScorecardsQuery,
  openScorecardBody,
  returnScorecardBody,
  scorecard,
  scorecardDetail,
  setBonusesBody,
  setDeductionsBody,
  staffAssessmentFeedback,
  transitionBody,
  updateScorecardBody,
} from './schemas.js';

const tags = ['assessments'];

export const assessmentRoutes: FastifyPluginAsyncZod = async (app) => {
  const svc = app.services.assessments;

  app.post('/scorecards', {
    config: { access: STAFF },
    schema: {
      operationId: 'openScorecard',
      summary: 'Open a scorecard (考评打分) for an enrolled unit; the cycle must be in assessment',
      tags,
      body: openScorecardBody,
      response: { 201: scorecardDetail, ...problems(409, 422) },
    },
    handler: async (req, reply) => sendVersioned(reply.status(201), await svc.open(req.ctx, req.body)),
  });

  app.get('/scorecards', {
    config: { access: STAFF },
    schema: {
      operationId: 'listScorecards',
      summary: 'List scorecards (inspectors and the office see all; units and departments read the feedback)',
      tags,
      querystring: queryOf(pageQuery.extend(listScorecardsQuery.shape)),
      response: { 200: pageOf(scorecard), ...problems() },
    },
    handler: async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return svc.list(req.ctx, filter, { limit, cursor });
    },
  });

  app.get('/scorecards/:id', {
    config: { access: STAFF },
    schema: {
      operationId: 'getScorecard',
      summary: 'A scorecard with its computed item-by-item breakdown',
      tags,
      params: idParams,
      response: { 200: scorecardDetail, ...problems(404) },
    },
    handler: async (req, reply) => sendVersioned(reply, await svc.get(req.ctx, req.params.id)),
  });

  app.patch('/scorecards/:id', {
    config: { access: STAFF },
    schema: {
      operationId: 'updateScorecard',
      summary: "Change a draft's assessment date or summary (its inspector or the office; If-Match required)",
      tags,
      params: idParams,
      body: updateScorecardBody,
      response: { 200: scorecardDetail, ...problems(404, 409, 412, 428) },
    },
    handler: async (req, reply) => sendVersioned(reply, await svc.update(req.ctx, req.params.id, expectedVersion(req, req.body.version), req.body)),
  });

  app.put('/scorecards/:id/deductions', {
    config: { access: STAFF },
    schema: {
      operationId: 'setScorecardDeductions',
      summary: 'Replace the deductions (扣分) of a draft; the server computes every score (If-Match required)',
      tags,
      params: idParams,
      body: setDeductionsBody,
      response: { 200: scorecardDetail, ...problems(404, 409, 412, 422, 428) },
    },
    handler: async (req, reply) =>
      sendVersioned(reply, await svc.setDeductions(req.ctx, req.params.id, expectedVersion(req, req.body.version), req.body)),
  });

  app.put('/scorecards/:id/bonuses', {
    config: { access: STAFF },
    schema: {
      operationId: 'setScorecardBonuses',
      summary: 'Replace the bonus items (加分) of a draft (If-Match required)',
      tags,
      params: idParams,
      body: setBonusesBody,
      response: { 200: scorecardDetail, ...problems(404, 409, 412, 422, 428) },
    },
    handler: async (req, reply) => sendVersioned(reply, await svc.setBonuses(req.ctx, req.params.id, expectedVersion(req, req.body.version), req.body)),
  });

  app.post('/scorecards/:id/submit', {
    config: { access: STAFF },
    schema: {
      operationId: 'submitScorecard',
      summary: 'Submit a draft for confirmation (the inspector who opened it)',
      tags,
      params: idParams,
      body: transitionBody,
      response: { 200: scorecardDetail, ...problems(404, 409, 412, 428) },
    },
    handler: async (req, reply) => sendVersioned(reply, await svc.submit(req.ctx, req.params.id, expectedVersion(req, req.body.version))),
  });

  app.post('/scorecards/:id/confirm', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'confirmScorecard',
      summary: 'Confirm a submitted scorecard; only confirmed scorecards count, and they never change',
      tags,
      params: idParams,
      body: transitionBody,
      response: { 200: scorecardDetail, ...problems(404, 409, 412, 428) },
    },
    handler: async (req, reply) => sendVersioned(reply, await svc.confirm(req.ctx, req.params.id, expectedVersion(req, req.body.version))),
  });

  app.post('/scorecards/:id/return', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'returnScorecard',
      summary: 'Return a submitted scorecard to its inspector (退回), with a reason; it becomes a draft again',
      tags,
      params: idParams,
      body: returnScorecardBody,
      response: { 200: scorecardDetail, ...problems(404, 409, 412, 428) },
    },
    handler: async (req, reply) =>
      sendVersioned(reply, await svc.returnToDraft(req.ctx, req.params.id, expectedVersion(req, req.body.version), req.body.reason)),
  });

  app.get('/cycles/:cycleId/units/:unitId/assessment-feedback', {
    config: { access: ['admin', 'inspector', 'department', 'unit'] },
    schema: {
      operationId: 'getAssessmentFeedback',
      summary: "A unit's assessment feedback: its score and every deduction (既反馈分值，也反馈扣分情况)",
      description: 'Units and departments get AssessmentFeedback, which never names the inspector; the office and inspectors get AssessmentFeedbackForStaff.',
      tags,
      params: feedbackParams,
      response: { 200: z.union([staffAssessmentFeedback, assessmentFeedback]), ...problems(404) },
    },
    handler: async (req) => svc.feedback(req.ctx, req.params.cycleId, req.params.unitId),
  });
};
