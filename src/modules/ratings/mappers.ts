import { toIso, toIsoOrNull } from '../../lib/http.js';
import type { FollowUpRow } from './follow-ups.repository.js';
import { followUpStatusLabels, verificationOutcomeLabels } from './follow-ups.schemas.js';
import type { FollowUpDto } from './follow-ups.schemas.js';
import type { RatingRow } from './repository.js';
import { isBad, loopIsOverdue } from './rules.js';
import { channelLabels, levelLabels, subjectKindLabels } from './schemas.js';
import type { RatingDto } from './schemas.js';

/** The respondent hash and the limit bookkeeping never leave the service. */
export function toRatingDto(r: RatingRow): RatingDto {
  return {
    id: r.id,
    unitId: r.unitId,
    subjectKind: r.subjectKind,
    subjectKindLabel: subjectKindLabels[r.subjectKind],
    departmentId: r.departmentId,
    cycleId: r.cycleId,
    channel: r.channel,
    channelLabel: channelLabels[r.channel],
    level: r.level,
    levelLabel: levelLabels[r.level],
    bad: isBad(r.level),
    comment: r.comment,
    collectedAt: toIso(r.collectedAt),
    receivedAt: toIso(r.receivedAt),
    source: r.source,
    externalId: r.externalId,
    importId: r.importId,
    presenceBound: r.presenceBound,
    caseId: r.caseId,
    default: r.isDefault,
  };
}

export function toFollowUpDto(f: FollowUpRow, rating: RatingRow, now = new Date()): FollowUpDto {
  return {
    id: f.id,
    ratingId: f.ratingId,
    unitId: f.unitId,
    departmentId: f.departmentId,
    status: f.state,
    statusLabel: followUpStatusLabels[f.state],
    verifyBy: toIsoOrNull(f.verifyBy),
    deadline: toIso(f.deadline),
    overdue: loopIsOverdue(f, now),
    verification: f.verification,
    verificationLabel: f.verification ? verificationOutcomeLabels[f.verification] : null,
    verificationReason: f.verificationReason,
    verifiedAt: toIsoOrNull(f.verifiedAt),
    verifiedBy: f.verifiedBy,
    problemId: f.problemId,
    rectification: f.rectification,
    rectifyingAt: toIsoOrNull(f.rectifyingAt),
    rectifyingBy: f.rectifyingBy,
    reRatingLevel: f.reRatingLevel,
    callBackComment: f.callBackComment,
    callBackChannel: f.callBackChannel,
    calledBackAt: toIsoOrNull(f.calledBackAt),
    calledBackBy: f.calledBackBy,
    closedAt: toIsoOrNull(f.closedAt),
    closedBy: f.closedBy,
    closeNote: f.closeNote,
    version: f.version,
    createdAt: toIso(f.createdAt),
    updatedAt: toIso(f.updatedAt),
    rating: toRatingDto(rating),
  };
}
