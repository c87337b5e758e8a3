import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { expectedVersion, idParams, pageOf, pageQuery, problems, queryOf, sendVersioned } from '../../lib/http.js';
import { PERSON_READERS, createPersonBody, createRecordItemBody, listPersonsQuery, person, personRecord, recordEntry, updatePersonBody } from './schemas.js';

const tags = ['persons'];

/** 人员 and their record (个人档案): the campaign office only; nothing here is public. */
export const personRoutes: FastifyPluginAsyncZod = async (app) => {
  const svc = app.services.persons;

  app.post('/persons', {
    config: { access: ['admin'] },
    schema: { operationId: 'createPerson', summary: 'Register a person (unit head, staff member, department or township leader)', tags, body: createPersonBody, response: { 201: person, ...problems(422) } },
    handler: async (req, reply) => sendVersioned(reply.status(201), await svc.create(req.ctx, req.body)),
  });

  app.get('/persons', {
    config: { access: PERSON_READERS },
    schema: {
      operationId: 'listPersons',
      summary: 'List persons by role, unit, department, region or name',
      tags,
      querystring: queryOf(pageQuery.extend(listPersonsQuery.shape)),
      response: { 200: pageOf(person), ...problems(422) },
    },
    handler: async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return svc.list(req.ctx, filter, { limit, cursor });
    },
  });

  app.get('/persons/:id', {
    config: { access: PERSON_READERS },
    schema: { operationId: 'getPerson', summary: 'Get a person', tags, params: idParams, response: { 200: person, ...problems(404) } },
    handler: async (req, reply) => sendVersioned(reply, await svc.get(req.ctx, req.params.id)),
  });

  app.patch('/persons/:id', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'updatePerson',
      summary: 'Update a person: name, role, post, where they serve (If-Match required)',
      tags,
      params: idParams,
      body: updatePersonBody,
      response: { 200: person, ...problems(404, 409, 412, 422, 428) },
    },
    handler: async (req, reply) => sendVersioned(reply, await svc.update(req.ctx, req.params.id, expectedVersion(req, req.body.version), req.body)),
  });

  app.delete('/persons/:id', {
    config: { access: ['admin'] },
    schema: { operationId: 'deletePerson', summary: 'Delete a person registered by mistake (only with nothing on record)', tags, params: idParams, response: { 204: z.null(), ...problems(404, 409) } },
    handler: async (req, reply) => {
      await svc.remove(req.ctx, req.params.id);
      return reply.status(204).send(null);
    },
  });

  app.post('/persons/:id/record-items', {
    config: { access: ['admin'] },
    schema: {
      operationId: 'addPersonRecordItem',
      summary: 'Record a sanction (处分, 降职, …) or an honour (表彰, 命名表彰 citing the award) of a person',
      tags,
      params: idParams,
      body: createRecordItemBody,
      response: { 201: recordEntry, ...problems(404, 422) },
    },
    handler: async (req, reply) => reply.status(201).send(await svc.addRecordItem(req.ctx, req.params.id, req.body)),
  });

  app.get('/persons/:id/record', {
    config: { access: PERSON_READERS },
    schema: {
      operationId: 'getPersonRecord',
      summary: "A person's record (个人档案): sanctions, honours and accountability actions against them — the basis for 晋职晋级",
      tags,
      params: idParams,
      response: { 200: personRecord, ...problems(404) },
    },
    handler: async (req) => svc.record(req.ctx, req.params.id),
  });
};
