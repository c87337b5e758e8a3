import type { EvidenceCheck } from '../../lib/evidence.js';
import { inTransaction } from '../../db/client.js';
import type { Db, TxOption } from '../../db/client.js';
import { conflict, illegalTransition, invalid, notFound, versionMismatch } from '../../lib/errors.js';
import type { CodeWithStatus } from '../../lib/errors.js';
import { paginate, toIso } from '../../lib/http.js';
import type { Page } from '../../lib/http.js';
import type { RequestContext } from '../../lib/principal.js';
import type { AuditEntryInput, AuditService } from '../audit/service.js';
import type { CyclesService } from '../cycles/service.js';
import type { Phase } from '../cycles/schemas.js';
import type { RegionsService } from '../regions/service.js';
import { unitQueries } from '../units/queries.js';
import { enrollmentQueries } from './queries.js';
import { canSeeUnit, unitScope } from '../units/service.js';
import { enrollmentsRepository } from './repository.js';
import type { EnrollmentRow } from './repository.js';
import { enrollmentStatusLabels } from './schemas.js';
import type { BulkEnrollInput, BulkEnrollResult, DisqualifyInput, EnrollmentDto, ListEnrollmentsFilter } from './schemas.js';

/** Units join or leave while the cycle is being prepared; disqualification is possible until naming ends. */
const ENROLLING: Phase[] = ['draft', 'enrollment'];
const DISQUALIFYING: Phase[] = ['enrollment', 'assessment', 'ranking', 'naming'];

export function toEnrollmentDto(r: EnrollmentRow): EnrollmentDto {
  return {
    id: r.id,
    cycleId: r.cycleId,
    unitId: r.unitId,
    category: r.category,
    status: r.status,
    statusLabel: enrollmentStatusLabels[r.status],
    reason: r.reason,
    evidence: r.evidence,
    statusChangedAt: toIso(r.statusChangedAt),
    version: r.version,
    createdAt: toIso(r.createdAt),
    updatedAt: toIso(r.updatedAt),
  };
}

export function createEnrollmentsService({
  db,
  audit,
  cycles,
  regions,
  checkEvidence,
}: {
  db: Db;
  audit: AuditService;
  cycles: Pick<CyclesService, 'requirePhase' | 'getCycle' | 'addPrecondition'>;
  regions: RegionsService;
  checkEvidence: EvidenceCheck;
}) {
  // Leaving enrollment needs at least one unit taking part.
  cycles.addPrecondition('enrollment', {
    check: 'units_enrolled',
    async failures(tx, cycle) {
      return (await enrollmentQueries.participatingCategories(tx, cycle.id)).length > 0 ? [] : ['no unit is enrolled in the cycle'];
    },
  });
  const created = (e: EnrollmentRow): AuditEntryInput => ({ action: 'enrollment.created', entityType: 'enrollment', entityId: e.id, after: toEnrollmentDto(e) });
  const reenrolled = (e: EnrollmentRow, before: Partial<EnrollmentDto>): AuditEntryInput => ({
    action: 'enrollment.reenrolled',
    entityType: 'enrollment',
    entityId: e.id,
    before,
    after: toEnrollmentDto(e),
  });

  /** Withdraw and disqualify: version check, phase check, status rule, update and audit in one transaction. */
  async function changeStatus(
    ctx: RequestContext,
    id: string,
    expected: number,
    action: string,
    phases: Phase[],
    phaseCode: CodeWithStatus<409>,
    rule: (e: EnrollmentRow) => void,
    patch: Partial<EnrollmentRow>,
    evidence: readonly { type: string; id: string }[] = [],
  ): Promise<EnrollmentDto> {
    return db.transaction(async (tx) => {
      const found = await enrollmentsRepository.byId(tx, id, true);
      if (!found) throw notFound('enrollment', id);
      const current = found.enrollment;
      if (current.version !== expected) throw versionMismatch('enrollment', expected, current.version);
      await cycles.requirePhase(current.cycleId, phases, phaseCode, { tx, lock: true });
      rule(current);
      await checkEvidence(tx, evidence);
      const row = await enrollmentsRepository.update(tx, id, expected, { ...patch, statusChangedAt: new Date() });
      if (!row) throw versionMismatch('enrollment', expected, expected + 1);
      const dto = toEnrollmentDto(row);
      await audit.record(tx, ctx, { action, entityType: 'enrollment', entityId: id, before: toEnrollmentDto(current), after: dto });
      return dto;
    });
  }

  return {
    async get(ctx: RequestContext, id: string): Promise<EnrollmentDto> {
      const found = await enrollmentsRepository.byId(db, id);
      if (!found || !canSeeUnit(ctx, { id: found.enrollment.unitId, departmentId: found.unitDepartmentId })) throw notFound('enrollment', id);
      return toEnrollmentDto(found.enrollment);
    },

    async list(ctx: RequestContext, cycleId: string, filter: ListEnrollmentsFilter, page: { limit: number; cursor?: string }): Promise<Page<EnrollmentDto>> {
      await cycles.getCycle(cycleId);
      const scope = unitScope(ctx);
      if (scope.departmentId && filter.departmentId && filter.departmentId !== scope.departmentId) return { items: [], nextCursor: null };
      const regionPath = filter.regionId ? await regions.pathOf(filter.regionId, 'query.regionId') : undefined;
      const p = await paginate(page, ({ after, limit }) => enrollmentsRepository.list(db, {
        cycleId,
        status: filter.status,
        category: filter.category,
        unit: { departmentId: filter.departmentId, q: filter.q, regionPath, ...scope },
        afterId: after,
        limit,
      }));
      return { items: p.items.map(toEnrollmentDto), nextCursor: p.nextCursor };
    },

    /** Enrolls one active unit; a withdrawn enrollment is taken up again. The category is the unit's at this moment. */
    async enroll(ctx: RequestContext, cycleId: string, unitId: string, { tx }: TxOption = {}): Promise<EnrollmentDto> {
      return inTransaction(db, tx, async (tx) => {
        await cycles.requirePhase(cycleId, ENROLLING, 'enrollment_closed', { tx, lock: true });
        const unit = await unitQueries.byId(tx, unitId);
        if (!unit) throw invalid('unitId', `unit ${unitId} does not exist`);
        if (!unit.active) throw invalid('unitId', `unit ${unitId} is deactivated`);
        const existing = await enrollmentsRepository.byCycleAndUnit(tx, cycleId, unitId, true);
        if (existing?.status === 'enrolled') throw conflict('already_enrolled', `unit ${unitId} is already enrolled in cycle ${cycleId}`, { enrollmentId: existing.id });
        if (existing?.status === 'disqualified') {
          throw conflict('enrollment_disqualified', `unit ${unitId} was disqualified from cycle ${cycleId} (取消评比资格) and cannot enroll again`, { enrollmentId: existing.id });
        }
        const [row] = await enrollmentsRepository.enrollMany(tx, cycleId, [{ unitId, category: unit.category }]);
        // Another request enrolled the unit since we looked.
        if (!row) throw conflict('already_enrolled', `unit ${unitId} is already enrolled in cycle ${cycleId}`);
        await audit.record(tx, ctx, existing ? reenrolled(row, toEnrollmentDto(existing)) : created(row));
        return toEnrollmentDto(row);
      });
    },

    /** Enrolls every active unit the filter matches, in one transaction, with one audit entry per enrollment. */
    async enrollMany(ctx: RequestContext, cycleId: string, filter: BulkEnrollInput, { tx }: TxOption = {}): Promise<BulkEnrollResult> {
      const regionPath = filter.regionId ? await regions.pathOf(filter.regionId, 'regionId', { tx }) : undefined;
      return inTransaction(db, tx, async (tx) => {
        await cycles.requirePhase(cycleId, ENROLLING, 'enrollment_closed', { tx, lock: true });
        const candidates = await enrollmentsRepository.candidates(tx, cycleId, {
          category: filter.category,
          departmentId: filter.departmentId,
          unitIds: filter.unitIds,
          regionPath,
        });
        const toEnroll = candidates.filter((c) => c.status === null || c.status === 'withdrawn');
        const rows = await enrollmentsRepository.enrollMany(tx, cycleId, toEnroll);
        await audit.record(
          tx,
          ctx,
          rows.map((r) => (r.inserted ? created(r) : reenrolled(r, { status: 'withdrawn' }))),
        );
        const inserted = rows.filter((r) => r.inserted).length;
        return {
          matched: candidates.length,
          enrolled: inserted,
          reenrolled: rows.length - inserted,
          alreadyEnrolled: candidates.filter((c) => c.status === 'enrolled').length,
          disqualified: candidates.filter((c) => c.status === 'disqualified').length,
        };
      });
    },

    withdraw(ctx: RequestContext, id: string, expected: number, reason: string | undefined): Promise<EnrollmentDto> {
      return changeStatus(
        ctx,
        id,
        expected,
        'enrollment.withdrawn',
        ENROLLING,
        'enrollment_closed',
        (e) => {
          if (e.status === 'withdrawn') throw conflict('already_withdrawn', `enrollment ${id} is already withdrawn`);
          if (e.status === 'disqualified') throw conflict('enrollment_disqualified', `enrollment ${id} was disqualified (取消评比资格)`);
        },
        { status: 'withdrawn', reason: reason ?? null },
      );
    },

    /**
     * CONTRACT for appeals (申诉复核): an upheld appeal against a disqualification reinstates the unit (disqualified →
     * enrolled), audited in the caller's transaction with the appeal as the reason. No phase check: the appeal was
     * filed while disqualification was possible, and its decision is what the office owes the unit.
     */
    async reinstateAfterAppeal(ctx: RequestContext, id: string, appealId: string, { tx }: TxOption = {}): Promise<EnrollmentDto> {
      return inTransaction(db, tx, async (tx) => {
        const found = await enrollmentsRepository.byId(tx, id, true);
        if (!found) throw notFound('enrollment', id);
        const current = found.enrollment;
        if (current.status !== 'disqualified') throw illegalTransition('enrollment', id, current.status, 'enrolled', [], `enrollment ${id} is ${current.status}; only a disqualified unit is reinstated`);
        const row = await enrollmentsRepository.update(tx, id, current.version, { status: 'enrolled', reason: `reinstated by appeal ${appealId} (申诉成立)`, statusChangedAt: new Date() });
        if (!row) throw versionMismatch('enrollment', current.version, current.version + 1);
        const dto = toEnrollmentDto(row);
        await audit.record(tx, ctx, { action: 'enrollment.reinstated', entityType: 'enrollment', entityId: id, before: toEnrollmentDto(current), after: { ...dto, appealId } });
        return dto;
      });
    },

    /** 取消评比资格: the row stays, with the reason and what it rests on. */
    disqualify(ctx: RequestContext, id: string, expected: number, input: Pick<DisqualifyInput, 'reason' | 'evidence'>): Promise<EnrollmentDto> {
      return changeStatus(
        ctx,
        id,
        expected,
        'enrollment.disqualified',
        DISQUALIFYING,
        'disqualification_closed',
        (e) => {
          if (e.status === 'disqualified') throw conflict('already_disqualified', `enrollment ${id} is already disqualified (已取消评比资格)`);
          if (e.status === 'withdrawn') throw conflict('enrollment_withdrawn', `enrollment ${id} was withdrawn; there is nothing to disqualify`);
        },
        { status: 'disqualified', reason: input.reason, evidence: input.evidence },
        input.evidence,
      );
    },
  };
}

export type EnrollmentsService = ReturnType<typeof createEnrollmentsService>;
