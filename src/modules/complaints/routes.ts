import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParams, optionalVersion, pageOf, pageQuery, problems, queryOf, sendVersioned } from '../../lib/http.js';
import { EVERYONE } from '../../lib/principal.js';
import type { Role } from '../../lib/principal.js';
import {
  closeBody,
  complaint,
  complaintCategoryItem,
  complaintCategoryList,
  complaintDetail,
  complaintEvent,
  complaintReceipt,
  createComplaintBody,
  decideBody,
  listComplaintsQuery,
  publicComplaint,
  publicComplaintBody,
  responseBody,
  startInvestigationBody,
  trackingCodeParams,
  triageBody,
} from './schemas.js';

const tags = ['complaints'];
const READERS: Role[] = ['admin', 'department', 'unit'];

/** Transitions take If-Match (or `version`) when the client has one; the state machine guards the rest. */
export const complaintRoutes: FastifyPluginAsyncZod = async (app) => {
  const svc = app.services.complaints;

  app.get('/complaint-categories', {
    config: { access: EVERYONE },
    schema: {
      operationId: 'listComplaintCategories',
      summary: 'Complaint categories (投诉类别) with their labels; also the Open311 service codes',
      tags,
      security: [],
      response: { 200: z.object({ items: z.array(complaintCategoryItem) }), ...problems(429) },
    },
    handler: async () => ({ items: complaintCategoryList() }),
  });

  app.post('/public/complaints', {
    config: { access: EVERYONE, scopes: ['complaints:write'] },
    schema: {
      operationId: 'submitPublicComplaint',
      summary: 'File a complaint (投诉举报) as a member of the public; answers with the tracking code (Location: where to track it)',
      description: 'Rate limited per client for anonymous callers. The contact, if given, is seen by the campaign office only.',
      tags: ['public'],
      security: [],
      body: publicComplaintBody,
      response: { 201: complaintReceipt, ...problems(422, 429) },
    },
    handler: async (req, reply) => {
      const receipt = await svc.submitPublic(req.ctx, req.body);
      return reply.status(201).header('location', `/api/v1/public/complaints/${encodeURIComponent(receipt.trackingCode)}`).send(receipt);
    },
  });

  app.get('/public/complaints/:trackingCode', {
    config: { access: EVERYONE },
    schema: {
      operationId: 'trackComplaint',
      summary: 'Track a complaint by its code: stage, stage dates, and the reply once closed (no personal data)',
      tags: ['public'],
      security: [],
      params: trackingCodeParams,
      response: { 200: publicComplaint, ...problems(404, 429) },
    },
    handler: async (req) => svc.publicByTrackingCode(req.params.trackingCode),
  });

  app.post('/complaints', {
    config: { access: ['admin', 'integration'], scopes: ['complaints:write'] },
    schema: {
      operationId: 'createComplaint',
      summary: 'Record a complaint from a channel (hotline, mailbox, portal integration...)',
      description: 'Idempotent per (source, externalId): repeating it answers 200 with the complaint already recorded (for integrations as the public sees it: internal findings and severity withheld).',
      tags,
      body: createComplaintBody,
      response: { 200: complaint, 201: complaint, ...problems(409, 422) },
    },
    handler: async (req, reply) => {
      const { complaint: c, created } = await svc.intake(req.ctx, req.body);
      return sendVersioned(reply.status(created ? 201 : 200), c);
    },
  });

  app.get('/complaints', {
    config: { access: READERS, regionScoped: true },
    schema: {
      operationId: 'listComplaints',
      summary: 'List complaints; departments see their units\' and units their own (once triaged), without the contact',
      tags,
      querystring: queryOf(pageQuery.extend(listComplaintsQuery.shape)),
      response: { 200: pageOf(complaint), ...problems(422) },
    },
    handler: async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return svc.list(req.ctx, filter, { limit, cursor });
    },
  });

  app.get('/complaints/:id', {
    config: { access: READERS, regionScoped: true },
    schema: { operationId: 'getComplaint', summary: 'A complaint with its history', tags, params: idParams, response: { 200: complaintDetail, ...problems(404) } },
    handler: async (req, reply) => sendVersioned(reply, await svc.get(req.ctx, req.params.id)),
  });

  const transition = { tags, params: idParams, response: { 200: complaintDetail, ...problems(404, 409, 412, 422) } };

  app.post('/complaints/:id/triage', {
    config: { access: ['admin'] },
    schema: { ...transition, operationId: 'triageComplaint', summary: 'Triage (分办): assign the unit; starts the investigation clock', body: triageBody },
    handler: async (req, reply) =>
      sendVersioned(reply, await svc.triage(req.ctx, req.params.id, optionalVersion(req, req.body.version), { unitId: req.body.unitId, note: req.body.note })),
  });

  app.post('/complaints/:id/start-investigation', {
    config: { access: ['admin'] },
    schema: { ...transition, operationId: 'startComplaintInvestigation', summary: 'Start the investigation (调查核实)', body: startInvestigationBody },
    handler: async (req, reply) => sendVersioned(reply, await svc.startInvestigation(req.ctx, req.params.id, optionalVersion(req, req.body.version), req.body.note)),
  });

  app.post('/complaints/:id/decide', {
    config: { access: ['admin'] },
    schema: {
      ...transition,
      operationId: 'decideComplaint',
      summary: 'Decide: substantiated (属实, with severity) or not (不属实), with findings; starts the reply clock',
      body: decideBody,
    },
    handler: async (req, reply) => {
      const { version, ...input } = req.body;
      return sendVersioned(reply, await svc.decide(req.ctx, req.params.id, optionalVersion(req, version), input));
    },
  });

  app.post('/complaints/:id/close', {
    config: { access: ['admin'] },
    schema: { ...transition, operationId: 'closeComplaint', summary: 'Close with the reply to the complainant (答复办结)', body: closeBody },
    handler: async (req, reply) => sendVersioned(reply, await svc.close(req.ctx, req.params.id, optionalVersion(req, req.body.version), req.body.reply)),
  });

  app.post('/complaints/:id/responses', {
    config: { access: ['department'] },
    schema: {
      operationId: 'addComplaintResponse',
      summary: "A department's explanation (情况说明) on its unit's complaint while investigating; never public",
      tags,
      params: idParams,
      body: responseBody,
      response: { 201: complaintEvent, ...problems(404, 409) },
    },
    handler: async (req, reply) => reply.status(201).send(await svc.addResponse(req.ctx, req.params.id, req.body.text)),
  });
};
