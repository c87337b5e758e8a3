import type { Db } from '../../db/client.js';
import { conflict, invalid, notFound, versionMismatch } from '../../lib/errors.js';
import { paginate, toIso } from '../../lib/http.js';
import type { Page } from '../../lib/http.js';
import type { RequestContext } from '../../lib/principal.js';
import type { AuditService } from '../audit/service.js';
import { personsRepository } from './repository.js';
import type { PersonRow, RecordItemRow } from './repository.js';
import { personRoleLabels, recordTypeLabels } from './schemas.js';
import type { CreatePersonInput, CreateRecordItemInput, ListPersonsFilter, PersonDto, PersonRecordDto, PersonRole, RecordEntryDto, UpdatePersonInput } from './schemas.js';

export function toPersonDto(r: PersonRow): PersonDto {
  return {
    id: r.id,
    name: r.name,
    role: r.role,
    roleLabel: personRoleLabels[r.role],
    post: r.post,
    unitId: r.unitId,
    departmentId: r.departmentId,
    regionId: r.regionId,
    version: r.version,
    createdAt: toIso(r.createdAt),
    updatedAt: toIso(r.updatedAt),
  };
}

const toItemEntry = (r: RecordItemRow): RecordEntryDto => ({
  id: r.id,
  source: 'record_item',
  kind: r.kind,
  type: r.type,
  typeLabel: recordTypeLabels[r.type],
  description: r.description,
  decidedAt: toIso(r.decidedAt),
  decidedBy: r.decidedBy,
  awardId: r.awardId,
  accountabilityActionId: null,
});

/** An accountability action (问责) against a person, as the accountability module gives it (wired in services.ts). */
export interface ActionAgainstPerson {
  id: string;
  type: string;
  typeLabel: { zhCN: string; en: string };
  reason: string;
  decidedAt: string;
}
/** 党纪政纪处分 and 降职 are sanctions in a person's record; 约谈 and 通报批评 are accountability short of one. */
const SANCTION_ACTIONS = ['disciplinary_action', 'demotion'];

/** Where each role serves: the placement it needs. */
const needs: Record<PersonRole, 'unitId' | 'departmentId' | 'regionId'> = {
  unit_head: 'unitId',
  unit_staff: 'unitId',
  department_leader: 'departmentId',
  township_leader: 'regionId',
};

export function createPersonsService({ db, audit, actionsAgainst }: { db: Db; audit: AuditService; actionsAgainst: (personId: string, opt: { tx: Db }) => Promise<ActionAgainstPerson[]> }) {
  /** The placement exists, agrees (a unit's department) and is what the role needs. */
  async function checkPlacement(tx: Db, p: { role: PersonRole; unitId: string | null; departmentId: string | null; regionId: string | null }) {
    const need = needs[p.role];
    if (!p[need]) throw invalid(need, `a ${p.role} needs ${need}`);
    if (p.unitId) {
      const unit = await personsRepository.unitById(tx, p.unitId);
      if (!unit) throw invalid('unitId', `unit ${p.unitId} does not exist`);
      if (p.departmentId && unit.departmentId !== p.departmentId) throw invalid('departmentId', `unit ${p.unitId} is not in department ${p.departmentId}`);
    }
    if (p.departmentId && !(await personsRepository.departmentExists(tx, p.departmentId))) throw invalid('departmentId', `department ${p.departmentId} does not exist`);
    if (p.regionId && !(await personsRepository.regionExists(tx, p.regionId))) throw invalid('regionId', `region ${p.regionId} does not exist`);
  }

  async function existing(tx: Db, id: string): Promise<PersonRow> {
    const r = await personsRepository.byId(tx, id);
    if (!r) throw notFound('person', id);
    return r;
  }

  return {
    async create(ctx: RequestContext, input: CreatePersonInput): Promise<PersonDto> {
      return db.transaction(async (tx) => {
        const placement = { unitId: input.unitId ?? null, departmentId: input.departmentId ?? null, regionId: input.regionId ?? null };
        await checkPlacement(tx, { role: input.role, ...placement });
        const row = await personsRepository.insert(tx, { name: input.name, role: input.role, post: input.post ?? null, ...placement, createdBy: ctx.principal.subject });
        const dto = toPersonDto(row);
        await audit.record(tx, ctx, { action: 'person.created', entityType: 'person', entityId: row.id, after: dto });
        return dto;
      });
    },

    async get(_ctx: RequestContext, id: string): Promise<PersonDto> {
      return toPersonDto(await existing(db, id));
    },

    async list(_ctx: RequestContext, filter: ListPersonsFilter, page: { limit: number; cursor?: string }): Promise<Page<PersonDto>> {
      const p = await paginate(page, ({ after, limit }) => personsRepository.list(db, { ...filter, afterId: after, limit }));
      return { items: p.items.map(toPersonDto), nextCursor: p.nextCursor };
    },

    async update(ctx: RequestContext, id: string, expected: number, input: UpdatePersonInput): Promise<PersonDto> {
      return db.transaction(async (tx) => {
        const current = await existing(tx, id);
        if (current.version !== expected) throw versionMismatch('person', expected, current.version);
        const { version: _v, ...patch } = input;
        const next = {
          name: patch.name ?? current.name,
          role: patch.role ?? current.role,
          post: patch.post === undefined ? current.post : patch.post,
          unitId: patch.unitId === undefined ? current.unitId : patch.unitId,
          departmentId: patch.departmentId === undefined ? current.departmentId : patch.departmentId,
          regionId: patch.regionId === undefined ? current.regionId : patch.regionId,
        };
        await checkPlacement(tx, next);
        const row = await personsRepository.update(tx, id, expected, next);
        if (!row) throw versionMismatch('person', expected, expected + 1);
        const dto = toPersonDto(row);
        await audit.record(tx, ctx, { action: 'person.updated', entityType: 'person', entityId: id, before: toPersonDto(current), after: dto });
        return dto;
      });
    },

    /** Only a person with no record: a sanction, an honour or an action against them is kept (and so is the person). */
    async remove(ctx: RequestContext, id: string): Promise<void> {
      await db.transaction(async (tx) => {
        const current = await existing(tx, id);
        if ((await personsRepository.hasItems(tx, id)) || (await actionsAgainst(id, { tx })).length > 0) {
          throw conflict('person_has_record', `person ${id} has sanctions, honours or accountability actions on record: the record is kept`);
        }
        await personsRepository.remove(tx, id);
        await audit.record(tx, ctx, { action: 'person.deleted', entityType: 'person', entityId: id, before: toPersonDto(current) });
      });
    },

    /** Records a sanction (处分) or an honour; an honour of type award cites the award of the person's unit. */
    async addRecordItem(ctx: RequestContext, personId: string, input: CreateRecordItemInput): Promise<RecordEntryDto> {
      return db.transaction(async (tx) => {
        const p = await existing(tx, personId);
        const decidedAt = new Date(input.decidedAt);
        if (decidedAt.getTime() > Date.now()) throw invalid('decidedAt', 'record a sanction or honour once it is decided');
        const awardId = input.kind === 'honour' ? (input.awardId ?? null) : null;
        if (input.type === 'award' && !awardId) throw invalid('awardId', 'an honour of type award cites the award (命名表彰) it came with');
        if (awardId) {
          const award = await personsRepository.awardUnit(tx, awardId);
          if (!award) throw invalid('awardId', `award ${awardId} does not exist`);
          if (p.unitId && award.unitId !== p.unitId) throw invalid('awardId', `award ${awardId} is not of the person's unit ${p.unitId}`);
        }
        const row = await personsRepository.insertItem(tx, {
          personId,
          kind: input.kind,
          type: input.type,
          description: input.description,
          decidedAt,
          decidedBy: input.decidedBy ?? null,
          awardId,
          createdBy: ctx.principal.subject,
        });
        const dto = toItemEntry(row);
        await audit.record(tx, ctx, { action: `person.${input.kind}_recorded`, entityType: 'person', entityId: personId, after: dto });
        return dto;
      });
    },

    /** 个人档案: recorded sanctions and honours with the accountability actions against the person, newest first. */
    async record(_ctx: RequestContext, id: string): Promise<PersonRecordDto> {
      const person = await existing(db, id);
      const [items, actions] = await Promise.all([personsRepository.items(db, id), actionsAgainst(id, { tx: db })]);
      const entries: RecordEntryDto[] = [
        ...items.map(toItemEntry),
        ...actions.map((a) => ({
          id: a.id,
          source: 'accountability_action' as const,
          kind: SANCTION_ACTIONS.includes(a.type) ? ('sanction' as const) : ('accountability' as const),
          type: a.type,
          typeLabel: a.typeLabel,
          description: a.reason,
          decidedAt: a.decidedAt,
          decidedBy: null,
          awardId: null,
          accountabilityActionId: a.id,
        })),
      ].sort((a, b) => (a.decidedAt === b.decidedAt ? b.id.localeCompare(a.id) : b.decidedAt.localeCompare(a.decidedAt)));
      return {
        person: toPersonDto(person),
        sanctions: entries.filter((e) => e.kind === 'sanction').length,
        honours: entries.filter((e) => e.kind === 'honour').length,
        entries,
      };
    },
  };
}

export type PersonsService = ReturnType<typeof createPersonsService>;
