import type { Db } from '../../db/client.js';
import { invalid, notFound, versionMismatch } from '../../lib/errors.js';
import { paginate, toIso } from '../../lib/http.js';
import type { Page, PageRequest } from '../../lib/http.js';
import type { RequestContext } from '../../lib/principal.js';
import { canSeeSubject, resolveSubject, subjectScope } from '../../lib/subject.js';
import type { AuditService } from '../audit/service.js';
import { investmentsRepository } from './repository.js';
import type { InvestmentRow } from './repository.js';
import { fenToYuan, fundSourceLabels } from './schemas.js';
import type { CorrectInvestmentInput, CreateInvestmentInput, InvestmentDto, ListInvestmentsFilter } from './schemas.js';

export function toInvestmentDto(r: InvestmentRow): InvestmentDto {
  return {
    id: r.id,
    unitId: r.unitId,
    departmentId: r.departmentId,
    regionId: r.regionId,
    projectName: r.projectName,
    cycleId: r.cycleId,
    investedOn: r.investedOn,
    amountFen: r.amountFen,
    amountYuan: fenToYuan(r.amountFen),
    currency: 'CNY',
    fundSource: r.fundSource,
    fundSourceLabel: fundSourceLabels[r.fundSource],
    purpose: r.purpose,
    builtQuantity: r.builtQuantity,
    builtWhat: r.builtWhat,
    version: r.version,
    createdAt: toIso(r.createdAt),
    updatedAt: toIso(r.updatedAt),
  };
}

const todayInChina = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const ids = (...xs: (string | null | undefined)[]) => xs.filter((x): x is string => !!x);

export function createInvestmentsService({ db, audit }: { db: Db; audit: AuditService }) {
  return {
    create(ctx: RequestContext, input: CreateInvestmentInput): Promise<InvestmentDto> {
      return db.transaction(async (tx) => {
        const lookup = await investmentsRepository.subjectLookup(tx, { unitIds: ids(input.unitId), departmentIds: ids(input.departmentId) });
        const subject = await resolveSubject(ctx, input, lookup);
        if (input.cycleId && !(await investmentsRepository.cycleExists(tx, input.cycleId))) throw invalid('cycleId', `cycle ${input.cycleId} does not exist`);
        if (input.investedOn > todayInChina()) throw invalid('investedOn', 'must not be in the future');
        const row = await investmentsRepository.insert(tx, {
          ...subject,
          projectName: input.projectName ?? null,
          cycleId: input.cycleId ?? null,
          investedOn: input.investedOn,
          amountFen: input.amountFen,
          currency: input.currency,
          fundSource: input.fundSource,
          purpose: input.purpose,
          builtQuantity: input.builtQuantity ?? null,
          builtWhat: input.builtWhat ?? null,
          recordedBy: ctx.principal.subject,
        });
        const dto = toInvestmentDto(row);
        await audit.record(tx, ctx, { action: 'investment.recorded', entityType: 'investment', entityId: row.id, after: dto });
        return dto;
      });
    },

    /** Corrects a recorded investment; whoever may record about its subject may correct it, with the version read. */
    correct(ctx: RequestContext, id: string, expected: number, input: CorrectInvestmentInput): Promise<InvestmentDto> {
      return db.transaction(async (tx) => {
        const before = await investmentsRepository.byId(tx, id, true);
        if (!before || !canSeeSubject(ctx, before)) throw notFound('investment', id);
        if (expected !== before.version) throw versionMismatch('investment', expected, before.version);
        const { version: _v, ...set } = input;
        if (set.investedOn && set.investedOn > todayInChina()) throw invalid('investedOn', 'must not be in the future');
        const builtQuantity = set.builtQuantity === undefined ? before.builtQuantity : set.builtQuantity;
        const builtWhat = set.builtWhat === undefined ? before.builtWhat : set.builtWhat;
        if (builtQuantity !== null && !builtWhat) throw invalid('builtWhat', 'say what was built');
        const after = await investmentsRepository.update(tx, id, set);
        const dto = toInvestmentDto(after);
        await audit.record(tx, ctx, { action: 'investment.corrected', entityType: 'investment', entityId: id, before: toInvestmentDto(before), after: dto });
        return dto;
      });
    },

    async get(ctx: RequestContext, id: string): Promise<InvestmentDto> {
      const r = await investmentsRepository.byId(db, id);
      if (!r || !canSeeSubject(ctx, r)) throw notFound('investment', id);
      return toInvestmentDto(r);
    },

    async list(ctx: RequestContext, f: ListInvestmentsFilter, page: PageRequest): Promise<Page<InvestmentDto>> {
      if (f.from && f.to && f.from > f.to) throw invalid('query.from', 'must not be after query.to');
      const s = subjectScope(ctx);
      const p = await paginate(page, ({ after, limit }) =>
        investmentsRepository.list(db, { ...f, unitIds: ids(f.unitId, s.unitId), departmentIds: ids(f.departmentId, s.departmentId), afterId: after, limit }),
      );
      return { items: p.items.map(toInvestmentDto), nextCursor: p.nextCursor };
    },
  };
}

export type InvestmentsService = ReturnType<typeof createInvestmentsService>;
