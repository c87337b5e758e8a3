import type { Db } from '../../db/client.js';
import { invalid, notFound } from '../../lib/errors.js';
import { paginate, toIso } from '../../lib/http.js';
import type { Page, PageRequest } from '../../lib/http.js';
import type { RequestContext } from '../../lib/principal.js';
import type { AuditService } from '../audit/service.js';
import { mediaRepository } from './repository.js';
import type { MediaItemWithLinks } from './repository.js';
import { inquiryResultKindLabels, mediaKindLabels, PERSONAL_DATA_READERS } from './schemas.js';
import type { CreateMediaItemInput, ListMediaFilter, MediaItemDto } from './schemas.js';

/** The heads' names are personal data: only the office and assessors see them; everyone else gets null. */
export function toMediaItemDto(r: MediaItemWithLinks, showNames: boolean): MediaItemDto {
  return {
    id: r.id,
    kind: r.kind,
    kindLabel: mediaKindLabels[r.kind],
    outlet: r.outlet,
    title: r.title,
    publishedOn: r.publishedOn,
    cycleId: r.cycleId,
    quantity: r.quantity,
    wordCount: r.wordCount,
    episodes: r.episodes,
    messages: r.messages,
    departmentIds: r.departmentIds,
    unitIds: r.unitIds,
    appearances: r.appearances.map((a) => ({
      personName: showNames ? a.personName : null,
      personTitle: a.personTitle,
      departmentId: a.departmentId,
      resultKind: a.resultKind,
      resultLabel: a.resultKind ? inquiryResultKindLabels[a.resultKind] : null,
      result: a.result,
    })),
    version: r.version,
    createdAt: toIso(r.createdAt),
    updatedAt: toIso(r.updatedAt),
  };
}

const showNames = (ctx: RequestContext) => PERSONAL_DATA_READERS.includes(ctx.principal.role);
const todayInChina = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

export function createMediaService({ db, audit }: { db: Db; audit: AuditService }) {
  return {
    create(ctx: RequestContext, input: CreateMediaItemInput): Promise<MediaItemDto> {
      return db.transaction(async (tx) => {
        const departmentIds = [...new Set([...input.departmentIds, ...input.appearances.map((a) => a.departmentId)])];
        const unitIds = [...new Set(input.unitIds)];
        const [depts, units, cycleOk] = await Promise.all([
          mediaRepository.existingDepartments(tx, departmentIds),
          mediaRepository.existingUnits(tx, unitIds),
          input.cycleId ? mediaRepository.cycleExists(tx, input.cycleId) : Promise.resolve(true),
        ]);
        if (!cycleOk) throw invalid('cycleId', `cycle ${input.cycleId} does not exist`);
        if (input.publishedOn > todayInChina()) throw invalid('publishedOn', 'must not be in the future');
        const badDept = input.departmentIds.findIndex((d) => !depts.has(d));
        if (badDept >= 0) throw invalid(`departmentIds.${badDept}`, `department ${input.departmentIds[badDept]} does not exist`);
        const badUnit = input.unitIds.findIndex((u) => !units.has(u));
        if (badUnit >= 0) throw invalid(`unitIds.${badUnit}`, `unit ${input.unitIds[badUnit]} does not exist`);
        const badHead = input.appearances.findIndex((a) => !depts.has(a.departmentId));
        if (badHead >= 0) throw invalid(`appearances.${badHead}.departmentId`, `department ${input.appearances[badHead].departmentId} does not exist`);
        // A head's department counts as covered: the session was about it.
        const row = await mediaRepository.insert(
          tx,
          {
            kind: input.kind,
            outlet: input.outlet,
            title: input.title,
            publishedOn: input.publishedOn,
            cycleId: input.cycleId ?? null,
            quantity: input.quantity,
            wordCount: input.wordCount ?? null,
            episodes: input.episodes ?? null,
            messages: input.messages ?? null,
            recordedBy: ctx.principal.subject,
          },
          {
            departmentIds,
            unitIds,
            appearances: input.appearances.map((a) => ({ personName: a.personName, personTitle: a.personTitle ?? null, departmentId: a.departmentId, resultKind: a.resultKind ?? null, result: a.result ?? null })),
          },
        );
        const dto = toMediaItemDto(row, true);
        await audit.record(tx, ctx, { action: 'media_item.recorded', entityType: 'media_item', entityId: row.id, after: dto });
        return toMediaItemDto(row, showNames(ctx));
      });
    },

    async get(ctx: RequestContext, id: string): Promise<MediaItemDto> {
      const r = await mediaRepository.byId(db, id);
      if (!r) throw notFound('media item', id);
      return toMediaItemDto((await mediaRepository.withLinks(db, [r]))[0], showNames(ctx));
    },

    async list(ctx: RequestContext, f: ListMediaFilter, page: PageRequest): Promise<Page<MediaItemDto>> {
      if (f.from && f.to && f.from > f.to) throw invalid('query.from', 'must not be after query.to');
      const p = await paginate(page, ({ after, limit }) => mediaRepository.list(db, { ...f, afterId: after, limit }));
      const items = await mediaRepository.withLinks(db, p.items);
      return { items: items.map((i) => toMediaItemDto(i, showNames(ctx))), nextCursor: p.nextCursor };
    },
  };
}

export type MediaService = ReturnType<typeof createMediaService>;
