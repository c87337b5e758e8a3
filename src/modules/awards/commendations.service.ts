import type { Db } from '../../db/client.js';
import { invalid } from '../../lib/errors.js';
import { paginate } from '../../lib/http.js';
import type { Page } from '../../lib/http.js';
import type { RequestContext } from '../../lib/principal.js';
import type { AuditService } from '../audit/service.js';
import { toCommendationDto } from './dto.js';
import { awardsRepository as repo } from './repository.js';
import type { CommendationDto, CreateCommendationInput, ListCommendationsFilter } from './schemas.js';
import { cycleQueries } from '../cycles/queries.js';

/** Commendations from higher levels (省纠风领导小组命名表彰, 省主管部门表彰): honours, readable by every signed-in role. */
export function createCommendationsService({ db, audit }: { db: Db; audit: AuditService }) {
  return {
    async recordCommendation(ctx: RequestContext, input: CreateCommendationInput): Promise<CommendationDto> {
      return db.transaction(async (tx) => {
        if (!(await repo.unitExists(tx, input.unitId))) throw invalid('unitId', `unit ${input.unitId} does not exist`);
        if (input.cycleId && !(await cycleQueries.exists(tx, input.cycleId))) throw invalid('cycleId', `cycle ${input.cycleId} does not exist`);
        const row = await repo.insertCommendation(tx, {
          unitId: input.unitId,
          cycleId: input.cycleId ?? null,
          level: input.level,
          title: input.title,
          conferredBy: input.conferredBy,
          conferredOn: input.conferredOn,
          note: input.note ?? null,
          createdBy: ctx.principal.subject,
        });
        const dto = toCommendationDto(row);
        await audit.record(tx, ctx, { action: 'commendation.recorded', entityType: 'commendation', entityId: row.id, after: dto });
        return dto;
      });
    },

    async listCommendations(_ctx: RequestContext, filter: ListCommendationsFilter, page: { limit: number; cursor?: string }): Promise<Page<CommendationDto>> {
      const p = await paginate(page, ({ after, limit }) => repo.listCommendations(db, { ...filter, afterId: after, limit }));
      return { items: p.items.map(toCommendationDto), nextCursor: p.nextCursor };
    },

  };
}
