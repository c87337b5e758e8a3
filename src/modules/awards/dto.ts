import { toIso, toIsoOrNull } from '../../lib/http.js';
import type { AwardTransitionRow, AwardView, CommendationRow, NominationRow } from './repository.js';
import { awardStatusLabels, commendationLevelLabels, nominationStatusLabels, tierLabels } from './schemas.js';
import type { AwardDto, AwardTransitionDto, CommendationDto, NominationCandidateDto, NominationDto } from './schemas.js';

export function toAwardDto(v: AwardView, now = new Date()): AwardDto {
  const a = v.award;
  return {
    id: a.id,
    cycleId: a.cycleId,
    unitId: a.unitId,
    unitName: v.unitName,
    departmentId: v.departmentId,
    category: a.category,
    tier: a.tier,
    tierLabel: tierLabels[a.tier],
    certificateNo: a.certificateNo,
    status: a.status,
    statusLabel: awardStatusLabels[a.status],
    rectificationDeadline: toIsoOrNull(a.rectificationDeadline),
    dueForYellowCard: a.status === 'rectification_ordered' && !!a.rectificationDeadline && a.rectificationDeadline < now,
    nominationId: a.nominationId,
    rankingId: a.rankingId,
    namedAt: toIso(a.namedAt),
    revokedAt: toIsoOrNull(a.revokedAt),
    revocationReason: a.revocationReason,
    version: a.version,
    createdAt: toIso(a.createdAt),
    updatedAt: toIso(a.updatedAt),
  };
}

export const toTransitionDto = (t: AwardTransitionRow): AwardTransitionDto => ({
  id: t.id,
  awardId: t.awardId,
  from: t.fromStatus,
  to: t.toStatus,
  reason: t.reason,
  evidence: t.evidence,
  deadline: toIsoOrNull(t.deadline),
  actor: t.actor,
  role: t.role,
  at: toIso(t.at),
});

export const toCommendationDto = (c: CommendationRow): CommendationDto => ({
  id: c.id,
  unitId: c.unitId,
  cycleId: c.cycleId,
  level: c.level,
  levelLabel: commendationLevelLabels[c.level],
  title: c.title,
  conferredBy: c.conferredBy,
  conferredOn: c.conferredOn,
  note: c.note,
  createdBy: c.createdBy,
  createdAt: toIso(c.createdAt),
});

export const toNominationDto = (n: NominationRow, candidates: NominationCandidateDto[]): NominationDto => ({
  id: n.id,
  cycleId: n.cycleId,
  rankingId: n.rankingId,
  status: n.status,
  statusLabel: nominationStatusLabels[n.status],
  quotas: { top100: n.quotas.top100, top10: n.quotas.top10, perCategory: n.quotas.perCategory ?? null },
  candidates,
  strikes: n.strikes,
  passedOver: n.passedOver as NominationDto['passedOver'],
  createdBy: n.createdBy,
  createdAt: toIso(n.createdAt),
  confirmedBy: n.confirmedBy,
  confirmedAt: toIsoOrNull(n.confirmedAt),
  version: n.version,
});
