import { toIso, toIsoOrNull } from '../../lib/http.js';
import { isOverdue } from '../../lib/working-days.js';
import type { FollowUpRow } from './follow-ups.repository.js';
import { followUpStatusLabels } from './follow-ups.schemas.js';
import type { FollowUpDto } from './follow-ups.schemas.js';
import type { RatingRow } from './repository.js';
import { isBad } from './rules.js';
import { channelLabels, levelLabels } from './schemas.js';
import type { RatingDto } from './schemas.js';

/** The respondent hash and the limit bookkeeping never leave the service. */
export function toRatingDto(r: RatingRow): RatingDto {
  return {
    id: r.id,
    unitId: r.unitId,
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
    caseId: r.caseId,
  };
}

export function toFollowUpDto(f: FollowUpRow, rating: RatingRow, now = new Date()): FollowUpDto {
  return {
    id: f.id,
    ratingId: f.ratingId,
    unitId: f.unitId,
    status: f.status,
    statusLabel: followUpStatusLabels[f.status],
    deadline: toIso(f.deadline),
    overdue: f.status !== 'resolved' && isOverdue(f.deadline, now),
    contactNote: f.contactNote,
    contactedAt: toIsoOrNull(f.contactedAt),
    contactedBy: f.contactedBy,
    resolution: f.resolution,
    reRatingLevel: f.reRatingLevel,
    resolvedAt: toIsoOrNull(f.resolvedAt),
    resolvedBy: f.resolvedBy,
    version: f.version,
    createdAt: toIso(f.createdAt),
    updatedAt: toIso(f.updatedAt),
    rating: toRatingDto(rating),
  };
}
