import type { Db } from '../../db/client.js';
import { mediaInquiryAppearances, mediaItemDepartments, mediaItemUnits, mediaItems } from './tables.js';

/** What other modules may read of media participation (媒体参与): joinable facts, never the heads' names. */
export const mediaQueries = {
  itemFacts(db: Db, alias = 'media_facts') {
    const m = mediaItems;
    return db
      .select({ id: m.id, kind: m.kind, quantity: m.quantity, wordCount: m.wordCount, episodes: m.episodes, messages: m.messages, publishedOn: m.publishedOn, cycleId: m.cycleId })
      .from(m)
      .as(alias);
  },
  departmentCoverage(db: Db, alias = 'media_department_coverage') {
    return db.select({ mediaItemId: mediaItemDepartments.mediaItemId, departmentId: mediaItemDepartments.departmentId }).from(mediaItemDepartments).as(alias);
  },
  unitCoverage(db: Db, alias = 'media_unit_coverage') {
    return db.select({ mediaItemId: mediaItemUnits.mediaItemId, unitId: mediaItemUnits.unitId }).from(mediaItemUnits).as(alias);
  },
  /** Heads who appeared, by department, without names. */
  appearanceFacts(db: Db, alias = 'media_appearance_facts') {
    const a = mediaInquiryAppearances;
    return db.select({ mediaItemId: a.mediaItemId, departmentId: a.departmentId }).from(a).as(alias);
  },
};
