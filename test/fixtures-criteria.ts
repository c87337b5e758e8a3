import type { CriteriaDocument } from '../src/db/schema/index.js';
import type { TestApp } from './helper.js';

import { sampleCriteriaDocument } from '../src/demo/criteria-document.js';

export { sampleCriteriaDocument };

/** A deep copy to edit in a test without touching the shared sample. */
export const criteriaDocument = (): CriteriaDocument => structuredClone(sampleCriteriaDocument);

/** A cycle row written directly (tests that do not exercise the cycles module). */
export async function insertCycle(h: TestApp, opts: { name?: string; year?: number; phase?: string } = {}): Promise<string> {
  const settings = {
    weights: { assessment: 0.4, inspection: 0.3, publicSatisfaction: 0.3 },
    quotas: { top100: 100, top10: 10, perCategory: null },
    minimumSamples: { ratings: 30, scorecards: 1, inspectionReports: 1 },
    deadlines: { enrollmentEndsAt: null, assessmentEndsAt: null, rankingAt: null, namingAt: null },
  };
  const [row] = await h.sql<{ id: string }>(
    `insert into cycles (id, name, year, phase, settings) values (gen_random_uuid(), $1, $2, $3, $4) returning id`,
    [opts.name ?? '创建周期', opts.year ?? 2024, opts.phase ?? 'enrollment', JSON.stringify(settings)],
  );
  return row.id;
}
