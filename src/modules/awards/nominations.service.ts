import { inTransaction } from '../../db/client.js';
import type { Db, TxOption } from '../../db/client.js';
import type { AwardEvidence, NominationStrike, PassedOver } from './tables.js';
import { conflict, invalid, notFound, versionMismatch } from '../../lib/errors.js';
import type { RequestContext } from '../../lib/principal.js';
import type { AuditService } from '../audit/service.js';
import type { ComplaintsService } from '../complaints/service.js';
import type { CyclesService } from '../cycles/service.js';
import type { ProblemsService } from '../problems/service.js';
import { categories } from '../units/schemas.js';
import type { Category } from '../units/schemas.js';
import { toAwardDto, toNominationDto } from './dto.js';
import { passOverReasons, selectCandidates } from './naming.js';
import type { Quotas } from './naming.js';
import { awardsRepository as repo } from './repository.js';
import type { NominationRow } from './repository.js';
import { tierLabels } from './schemas.js';
import type { AwardDto, NominationDto, StrikeInput, Tier } from './schemas.js';

/** Proposals, strikes and confirmation happen only while the cycle is in naming (命名). */
const NAMING = ['naming'] as const;
const certificatePrefix = (year: number, tier: Tier) => `MY${year}-${tier === 'top10' ? 'T10' : 'T100'}-`;

export interface NominationDeps {
  db: Db;
  audit: AuditService;
  cycles: CyclesService;
  problems: ProblemsService;
  complaints: ComplaintsService;
}

/** 命名: propose 十佳/百佳 from a published ranking, strike candidates, confirm into awards. */
export function createNominationsService({ db, audit, cycles, problems, complaints }: NominationDeps) {
  async function dto(tx: Db, n: NominationRow): Promise<NominationDto> {
    const rows = await repo.candidates(tx, n.id);
    const order = (c: { category: Category; position: number }) => (n.quotas.perCategory ? categories.indexOf(c.category) * 1e6 : 0) + c.position;
    const list = rows.map((r) => ({
      unitId: r.candidate.unitId,
      unitName: r.unitName,
      departmentId: r.departmentId,
      departmentName: r.departmentName,
      category: r.candidate.category,
      tier: r.candidate.tier,
      tierLabel: tierLabels[r.candidate.tier],
      position: r.candidate.position,
      score: r.candidate.score,
      rank: r.candidate.rank,
    }));
    return toNominationDto(n, list.sort((a, b) => order(a) - order(b)));
  }

  /** Recomputes the whole candidate list from the ranking, leaving out passed-over and struck units. */
  async function recompute(tx: Db, n: Pick<NominationRow, 'id' | 'cycleId' | 'rankingId' | 'quotas' | 'passedOver' | 'strikes'>): Promise<void> {
    const entries = await repo.rankedUnits(tx, n.rankingId, n.cycleId);
    const excluded = new Set([...n.passedOver.map((p) => p.unitId), ...n.strikes.map((s) => s.unitId)]);
    const selected = selectCandidates(entries, n.quotas as Quotas, excluded);
    await repo.replaceCandidates(tx, n.id, selected.map((c) => ({ nominationId: n.id, ...c })));
  }

  async function openNomination(tx: Db, id: string, expected: number | undefined): Promise<NominationRow> {
    const n = await repo.nominationById(tx, id, true);
    if (!n) throw notFound('nomination', id);
    if (expected !== undefined && n.version !== expected) throw versionMismatch('nomination', expected, n.version);
    if (n.status !== 'proposed') throw conflict('nomination_not_open', `nomination ${id} is ${n.status}; only a proposed nomination can change`, { nominationStatus: n.status });
    await cycles.requirePhase(n.cycleId, NAMING, 'cycle_not_in_naming', { tx, lock: true });
    return n;
  }

  const summary = (d: NominationDto) => ({
    id: d.id,
    rankingId: d.rankingId,
    status: d.status,
    candidates: d.candidates.map((c) => ({ unitId: c.unitId, tier: c.tier, position: c.position })),
    strikes: d.strikes,
    passedOver: d.passedOver,
    version: d.version,
  });

  return {
    /**
     * Proposes 十佳/百佳 from a published ranking of the cycle, within the cycle's quotas, passing over units that
     * are disqualified or withdrawn, flagged insufficient_sample, or have an open serious problem or a substantiated
     * serious complaint in the cycle. An open proposal of the cycle is superseded.
     */
    async propose(ctx: RequestContext, cycleId: string, rankingId: string, { tx }: TxOption = {}): Promise<NominationDto> {
      return inTransaction(db, tx, async (tx) => {
        const cycle = await cycles.requirePhase(cycleId, NAMING, 'cycle_not_in_naming', { tx, lock: true });
        const ranking = await repo.ranking(tx, rankingId);
        if (!ranking || ranking.cycleId !== cycleId || ranking.status !== 'published') {
          throw invalid('rankingId', `ranking ${rankingId} is not a published ranking of cycle ${cycleId}`);
        }
        if (ranking.period !== null) throw invalid('rankingId', `ranking ${rankingId} ranks the period ${ranking.period}: naming is made from the whole-cycle ranking`);
        await repo.lock(tx, `nomination:${cycleId}`);
        const current = await repo.currentNomination(tx, cycleId, true);
        if (current?.status === 'confirmed') {
          throw conflict('already_named', `cycle ${cycleId} is already named (nomination ${current.id} confirmed)`, { nominationId: current.id });
        }
        if (current) {
          const superseded = await repo.updateNomination(tx, current.id, current.version, { status: 'superseded' });
          await audit.record(tx, ctx, {
            action: 'nomination.superseded',
            entityType: 'nomination',
            entityId: current.id,
            before: { status: current.status, version: current.version },
            after: { status: 'superseded', version: superseded!.version },
          });
        }

        // Everything that decides who is passed over is read in this transaction, under the cycle's lock.
        const entries = await repo.rankedUnits(tx, rankingId, cycleId);
        const unitIds = entries.map((e) => e.unitId);
        const seriousProblems = await problems.openSeriousForUnits(cycleId, unitIds, { tx });
        const seriousComplaints = new Map<string, string[]>();
        for (const c of await complaints.substantiatedForUnits(cycleId, unitIds, { tx })) {
          if (c.severity === 'serious') seriousComplaints.set(c.unitId, [...(seriousComplaints.get(c.unitId) ?? []), c.complaintId]);
        }
        const passedOver: PassedOver[] = [];
        for (const e of entries) {
          const problemIds = (seriousProblems.get(e.unitId) ?? []).map((p) => p.id);
          const complaintIds = seriousComplaints.get(e.unitId) ?? [];
          const reasons = passOverReasons({ flags: e.flags, enrollmentStatus: e.enrollmentStatus ?? null, openSeriousProblemIds: problemIds, seriousComplaintIds: complaintIds });
          if (reasons.length === 0) continue;
          const evidence: AwardEvidence[] = [...problemIds.map((id) => ({ type: 'problem' as const, id })), ...complaintIds.map((id) => ({ type: 'complaint' as const, id }))];
          passedOver.push({ unitId: e.unitId, reasons, evidence });
        }

        const q = cycle.settings.quotas;
        const row = await repo.insertNomination(tx, {
          cycleId,
          rankingId,
          quotas: { top100: q.top100, top10: q.top10, perCategory: q.perCategory ?? null },
          passedOver,
          strikes: [],
          createdBy: ctx.principal.subject,
        });
        await recompute(tx, row);
        const d = await dto(tx, row);
        await audit.record(tx, ctx, { action: 'nomination.proposed', entityType: 'nomination', entityId: row.id, after: summary(d) });
        return d;
      });
    },

    /** The cycle's proposal that is open or confirmed (not superseded). */
    async currentNomination(_ctx: RequestContext, cycleId: string): Promise<NominationDto> {
      await cycles.getCycle(cycleId);
      const n = await repo.currentNomination(db, cycleId);
      if (!n) throw notFound('nomination of cycle', cycleId);
      return dto(db, n);
    },

    /** Strikes a candidate with a reason (e.g. a late violation); the next in line moves up. */
    async strike(ctx: RequestContext, id: string, expected: number | undefined, input: StrikeInput): Promise<NominationDto> {
      return db.transaction(async (tx) => {
        const n = await openNomination(tx, id, expected);
        const before = await dto(tx, n);
        if (!before.candidates.some((c) => c.unitId === input.unitId)) {
          throw invalid('unitId', `unit ${input.unitId} is not a candidate of nomination ${id}`);
        }
        const strikes: NominationStrike[] = [...n.strikes, { unitId: input.unitId, reason: input.reason, by: ctx.principal.subject, at: new Date().toISOString() }];
        await recompute(tx, { ...n, strikes });
        const row = await repo.updateNomination(tx, id, n.version, { strikes });
        if (!row) throw versionMismatch('nomination', n.version, n.version + 1);
        const after = await dto(tx, row);
        await audit.record(tx, ctx, { action: 'nomination.candidate_struck', entityType: 'nomination', entityId: id, before: summary(before), after: summary(after) });
        return after;
      });
    },

    /**
     * Confirms the proposal: every candidate becomes an award (active) with a certificate number, allocated here
     * under a lock per prefix (MY<year>-T10-0001 …, MY<year>-T100-0001 …, in proposal order).
     */
    async confirm(ctx: RequestContext, id: string, expected: number | undefined, { tx }: TxOption = {}): Promise<{ nomination: NominationDto; awards: AwardDto[] }> {
      return inTransaction(db, tx, async (tx) => {
        const n = await openNomination(tx, id, expected);
        const cycle = await cycles.getCycle(n.cycleId, { tx });
        const proposal = await dto(tx, n);
        if (proposal.candidates.length === 0) throw conflict('nomination_empty', `nomination ${id} has no candidates to name`);
        const now = new Date();
        const inserts = [];
        for (const tier of ['top10', 'top100'] as const) {
          const prefix = certificatePrefix(cycle.year, tier);
          await repo.lock(tx, `certificate:${prefix}`);
          let serial = await repo.lastCertificateSerial(tx, prefix);
          for (const c of proposal.candidates.filter((x) => x.tier === tier)) {
            serial++;
            inserts.push({
              cycleId: n.cycleId,
              unitId: c.unitId,
              tier,
              category: c.category,
              certificateNo: `${prefix}${String(serial).padStart(4, '0')}`,
              nominationId: n.id,
              rankingId: n.rankingId,
              namedAt: now,
            });
          }
        }
        const rows = await repo.insertAwards(tx, inserts);
        const byUnit = new Map(proposal.candidates.map((c) => [c.unitId, c]));
        const awards = rows.map((a) => toAwardDto({ award: a, unitName: byUnit.get(a.unitId)!.unitName, departmentId: byUnit.get(a.unitId)!.departmentId }, now));
        const row = await repo.updateNomination(tx, id, n.version, { status: 'confirmed', confirmedBy: ctx.principal.subject, confirmedAt: now });
        if (!row) throw versionMismatch('nomination', n.version, n.version + 1);
        const nomination = await dto(tx, row);
        await audit.record(tx, ctx, [
          { action: 'nomination.confirmed', entityType: 'nomination', entityId: id, before: { status: n.status, version: n.version }, after: summary(nomination) },
          ...awards.map((a) => ({ action: 'award.named', entityType: 'award', entityId: a.id, after: a })),
        ]);
        return { nomination, awards };
      });
    },
  };
}
