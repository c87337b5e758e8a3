import type { Db, TxOption } from '../../db/client.js';
import { DomainError, notFound, versionMismatch } from '../../lib/errors.js';
import type { EvidenceCheck } from '../../lib/evidence.js';
import { paginate, toIso, toIsoOrNull } from '../../lib/http.js';
import type { Page } from '../../lib/http.js';
import type { RequestContext } from '../../lib/principal.js';
import { stateMachine } from '../../lib/state-machine.js';
import type { CalendarService } from '../calendar/service.js';
import type { AuditService } from '../audit/service.js';
import type { AwardsService } from '../awards/service.js';
import type { EnrollmentsService } from '../enrollments/service.js';
import { canSeeUnit, unitScope } from '../units/service.js';
import { unitQueries } from '../units/queries.js';
import { appealsRepository, rowIsOverdue } from './repository.js';
import type { AppealRow, ScopedAppealRow } from './repository.js';
import { appealKindLabels, appealStatusLabels } from './schemas.js';
import type { AppealDto, AppealExclusion, AppealStatisticsDto, DepartmentAppealExclusion, AppealStatus, DecideAppealInput, FileAppealInput, ListAppealsFilter } from './schemas.js';
import { resolveSubject } from './subjects.js';
import { canSeeSubject } from '../ratings/subjects.js';

/** 已提交 → 复核中 → 申诉成立 | 申诉不成立; the appellant may withdraw while undecided. */
export const appealMachine = stateMachine<AppealStatus>({
  filed: ['under_review', 'withdrawn'],
  under_review: ['upheld', 'rejected', 'withdrawn'],
  upheld: [],
  rejected: [],
  withdrawn: [],
});

/** Kinds whose upheld appeal takes the input out of the next ranking computation (the others change a status). */
const EXCLUDED_KINDS = new Set(['rating', 'scorecard_deduction', 'inspection_finding', 'complaint']);

/** The inputs the cycle's upheld appeals take out (申诉成立 → excluded), of units and of departments alike. */
async function upheldExclusions(db: Db, cycleId: string) {
  return (await appealsRepository.upheldOfCycle(db, cycleId)).filter((r) => EXCLUDED_KINDS.has(r.kind));
}

export function toAppealDto(r: AppealRow, now = new Date()): AppealDto {
  return {
    id: r.id,
    kind: r.kind,
    kindLabel: appealKindLabels[r.kind],
    subjectId: r.subjectId,
    unitId: r.unitId,
    departmentId: r.departmentId,
    cycleId: r.cycleId,
    appellantRole: r.appellantRole,
    grounds: r.grounds,
    evidence: r.evidence as AppealDto['evidence'],
    links: r.links,
    status: r.status,
    statusLabel: appealStatusLabels[r.status],
    filedAt: toIso(r.filedAt),
    deadline: toIso(r.deadline),
    overdue: rowIsOverdue(r, now),
    reviewStartedAt: toIsoOrNull(r.reviewStartedAt),
    decidedAt: toIsoOrNull(r.decidedAt),
    deciderRole: r.deciderRole,
    decisionReason: r.decisionReason,
    remedy: r.remedy,
    version: r.version,
  };
}

const decidedByOriginalActor = (id: string) =>
  new DomainError(403, 'appeal_decider_is_original_actor', 'Forbidden', `you recorded or decided the input appeal ${id} contests; another admin or inspector must review it`).zh(
    `您是申诉 ${id} 所涉事项的原经办人，须由其他管理员或检查员复核`,
  );

export function createAppealsService({
  db,
  audit,
  enrollments,
  awards,
  checkEvidence,
  calendar,
  decisionWorkingDays,
}: {
  db: Db;
  audit: AuditService;
  enrollments: Pick<EnrollmentsService, 'reinstateAfterAppeal'>;
  /** Lazy: the awards service is wired after rankings, which reads appeals' exclusions. */
  awards: () => Pick<AwardsService, 'reverseTransitionAfterAppeal'>;
  checkEvidence: EvidenceCheck;
  /** APPEAL_DECISION_WORKING_DAYS */
  /** 申诉复核期限 is counted on the holiday calendar. */
  calendar: Pick<CalendarService, 'addWorkingDays'>;
  decisionWorkingDays: number;
}) {
  async function visible(ctx: RequestContext, id: string, tx: Db = db, lock = false): Promise<ScopedAppealRow> {
    const r = await appealsRepository.byId(tx, id, { lock });
    if (!r || !canSeeSubject(ctx, { unitId: r.unitId, departmentId: r.unitDepartmentId })) throw notFound('appeal', id);
    return r;
  }

  /** The decider check, against who recorded the subject NOW (a rating cleared since filing has a new actor). */
  async function assertNotOriginalActor(tx: Db, ctx: RequestContext, a: AppealRow): Promise<string[]> {
    const fresh = await resolveSubject(tx, audit, a.kind, a.subjectId).catch(() => ({ actors: [] as string[] }));
    const actors = [...new Set([...a.originalActors, ...fresh.actors])];
    if (actors.includes(ctx.principal.subject)) throw decidedByOriginalActor(a.id);
    return actors;
  }

  /** One step: scope, lock, version, state machine, the change and its audit entry in one transaction. */
  function move(
    ctx: RequestContext,
    id: string,
    expected: number | undefined,
    to: AppealStatus,
    action: string,
    prepare: (tx: Db, a: ScopedAppealRow) => Promise<Partial<AppealRow>>,
  ): Promise<AppealDto> {
    return db.transaction(async (tx) => {
      const current = await visible(ctx, id, tx, true);
      if (expected !== undefined && current.version !== expected) throw versionMismatch('appeal', expected, current.version);
      appealMachine.assert('appeal', id, current.status, to);
      const patch = await prepare(tx, current);
      const row = await appealsRepository.update(tx, id, current.version, { ...patch, status: to });
      if (!row) throw versionMismatch('appeal', current.version, current.version + 1);
      const dto = toAppealDto(row);
      await audit.record(tx, ctx, { action: `appeal.${action}`, entityType: 'appeal', entityId: id, before: toAppealDto(current), after: dto });
      return dto;
    });
  }

  return {
    /**
     * 提出申诉: a unit for itself, a department for its units. The subject must exist, be appealable and concern the
     * appellant (403 `appeal_subject_out_of_scope`); one open appeal per subject (409 `appeal_already_open`).
     */
    async file(ctx: RequestContext, input: FileAppealInput, now = new Date()): Promise<AppealDto> {
      return db.transaction(async (tx) => {
        const subject = await resolveSubject(tx, audit, input.kind, input.subjectId);
        // A unit's subject: the unit's scope; a department's own bad rating: the office and that department (申诉 by the department).
        const unit = subject.unitId ? await unitQueries.byId(tx, subject.unitId) : undefined;
        const concerns = subject.unitId ? !!unit && canSeeUnit(ctx, unit) : canSeeSubject(ctx, { unitId: null, departmentId: subject.departmentId! });
        if (!concerns) {
          throw new DomainError(403, 'appeal_subject_out_of_scope', 'Forbidden', `${input.kind} ${input.subjectId} does not concern you`).zh(`${input.kind} ${input.subjectId} 与您无关，不能申诉`);
        }
        await checkEvidence(tx, input.evidence);
        const row = await appealsRepository.insertUnlessOpen(tx, {
          kind: input.kind,
          subjectId: input.subjectId,
          unitId: subject.unitId,
          departmentId: subject.unitId ? null : subject.departmentId,
          cycleId: subject.cycleId,
          appellantRole: ctx.principal.role,
          appellantSubject: ctx.principal.subject,
          grounds: input.grounds,
          evidence: input.evidence,
          links: input.links,
          originalActors: subject.actors,
          filedAt: now,
          deadline: calendar.addWorkingDays(now, decisionWorkingDays),
        });
        if (!row) {
          const open = await appealsRepository.openFor(tx, input.kind, input.subjectId);
          throw new DomainError(409, 'appeal_already_open', 'Conflict', `${input.kind} ${input.subjectId} already has an open appeal`, { appealId: open?.id }).zh(
            `该事项已有未决申诉 ${open?.id ?? ''}`,
          );
        }
        const dto = toAppealDto(row, now);
        await audit.record(tx, ctx, { action: 'appeal.filed', entityType: 'appeal', entityId: row.id, after: dto });
        return dto;
      });
    },

    async get(ctx: RequestContext, id: string): Promise<AppealDto> {
      return toAppealDto(await visible(ctx, id));
    },

    /** Batched read for loaders, scoped like every other read. */
    async byIds(ctx: RequestContext, ids: readonly string[]): Promise<AppealDto[]> {
      const rows = await appealsRepository.byIds(db, ids);
      const unitIds = [...new Set(rows.flatMap((r) => (r.unitId ? [r.unitId] : [])))];
      const unitsById = new Map((unitIds.length ? await unitQueries.byIds(db, unitIds) : []).map((u) => [u.id, u]));
      return rows
        .filter((r) => (r.unitId ? canSeeUnit(ctx, unitsById.get(r.unitId)!) : canSeeSubject(ctx, { unitId: null, departmentId: r.departmentId! })))
        .map((r) => toAppealDto(r));
    },

    /** Staff see all; a department its units'; a unit its own. `overdue: true` lists the undecided ones past their deadline. */
    async list(ctx: RequestContext, filter: ListAppealsFilter, page: { limit: number; cursor?: string }): Promise<Page<AppealDto>> {
      const scope = unitScope(ctx);
      const now = new Date();
      const p = await paginate(page, ({ after, limit }) =>
        appealsRepository.list(db, {
          status: filter.status,
          kind: filter.kind,
          cycleId: filter.cycleId,
          subjectId: filter.subjectId,
          overdue: filter.overdue,
          unitIds: [filter.unitId, scope.unitId].filter((x): x is string => !!x),
          departmentIds: [filter.departmentId, scope.departmentId].filter((x): x is string => !!x),
          now,
          afterId: after,
          limit,
        }),
      );
      return { items: p.items.map((r) => toAppealDto(r, now)), nextCursor: p.nextCursor };
    },

    /** 受理复核: an admin or inspector who did not record the subject takes it up. */
    startReview(ctx: RequestContext, id: string, expected?: number): Promise<AppealDto> {
      return move(ctx, id, expected, 'under_review', 'review_started', async (tx, a) => {
        await assertNotOriginalActor(tx, ctx, a);
        return { reviewStartedAt: new Date(), reviewer: ctx.principal.subject };
      });
    },

    /**
     * 复核决定: upheld or rejected, with the reason. Upheld: a rating, deduction, finding or complaint is excluded from the
     * cycle's next ranking computation (see `exclusionsForCycle`); a disqualification is reversed (the unit is
     * reinstated); an award transition is reversed when the award still stands where it left it and the move back is legal.
     */
    decide(ctx: RequestContext, id: string, expected: number | undefined, input: DecideAppealInput): Promise<AppealDto> {
      return move(ctx, id, expected, input.outcome, input.outcome, async (tx, a) => {
        await assertNotOriginalActor(tx, ctx, a);
        let remedy: string | null = null;
        if (input.outcome === 'upheld') {
          if (EXCLUDED_KINDS.has(a.kind)) remedy = 'excluded from the next ranking computation of its cycle';
          else if (a.kind === 'disqualification') {
            await enrollments.reinstateAfterAppeal(ctx, a.subjectId, a.id, { tx });
            remedy = 'the unit is reinstated in the cycle (取消评比资格已撤销)';
          } else {
            const reversed = await awards().reverseTransitionAfterAppeal(ctx, a.subjectId, a.id, { tx });
            remedy = reversed
              ? `the award is moved back to ${reversed.status} (命名状态已恢复)`
              : 'upheld; the award has moved on since (or was revoked, which is final): nothing was reversed';
          }
        }
        return { decidedAt: new Date(), decidedBy: ctx.principal.subject, deciderRole: ctx.principal.role, decisionReason: input.reason, remedy };
      });
    },

    /** 撤回: only by the appellant (the same unit or department principal), while undecided. */
    withdraw(ctx: RequestContext, id: string, expected: number | undefined, note?: string): Promise<AppealDto> {
      return move(ctx, id, expected, 'withdrawn', 'withdrawn', async (_tx, a) => {
        const p = ctx.principal;
        const same = p.role === a.appellantRole && p.subject === a.appellantSubject;
        if (!same) throw new DomainError(403, 'appeal_not_appellant', 'Forbidden', `only the appellant of appeal ${id} may withdraw it`).zh(`只有申诉人可以撤回申诉 ${id}`);
        return { decisionReason: note ?? null };
      });
    },

    /**
     * CONTRACT for rankings: the inputs the cycle's upheld appeals exclude from the next computation (ratings out of P,
     * findings out of M, deductions given back in A, complaints out of D), each with its appeal.
     */
    async exclusionsForCycle(cycleId: string, { tx }: TxOption = {}): Promise<AppealExclusion[]> {
      // A department's own bad rating never weighs in the unit ranking: only inputs of units are excluded from it.
      return (await upheldExclusions(tx ?? db, cycleId)).flatMap((r) => (r.unitId ? [{ appealId: r.appealId, kind: r.kind, subjectId: r.subjectId, unitId: r.unitId }] : []));
    },

    /**
     * CONTRACT for the department scoreboard: the departments' own ratings (万人评机关, 领导班子) of the cycle that upheld
     * appeals exclude from their satisfaction — the same rule as `exclusionsForCycle`, on the inputs of departments.
     */
    async departmentExclusionsForCycle(cycleId: string, { tx }: TxOption = {}): Promise<DepartmentAppealExclusion[]> {
      return (await upheldExclusions(tx ?? db, cycleId)).flatMap((r) =>
        !r.unitId && r.departmentId && r.kind === 'rating' ? [{ appealId: r.appealId, subjectId: r.subjectId, departmentId: r.departmentId }] : [],
      );
    },

    /** 申诉统计: by kind and outcome, open and overdue, median hours from filing to decision. */
    async statistics(cycleId?: string, now = new Date()): Promise<AppealStatisticsDto> {
      const s = await appealsRepository.statistics(db, cycleId, now);
      return {
        cycleId: cycleId ?? null,
        total: s.byKind.reduce((n, k) => n + k.filed, 0),
        open: s.byKind.reduce((n, k) => n + k.open, 0),
        overdue: s.byKind.reduce((n, k) => n + k.overdue, 0),
        byKind: s.byKind.map((k) => ({ kind: k.kind, kindLabel: appealKindLabels[k.kind], filed: k.filed, upheld: k.upheld, rejected: k.rejected, withdrawn: k.withdrawn, open: k.open })),
        medianHoursToDecision: s.medianHours === null ? null : Math.round(s.medianHours * 100) / 100,
      };
    },
  };
}

export type AppealsService = ReturnType<typeof createAppealsService>;
